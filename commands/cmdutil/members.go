package cmdutil

import (
	"context"
	"fmt"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// memberLookupBatch is the most user IDs sent in one POST …/members/ids request: the server
// sets no limit, and 500 keeps the body small (about 15 kB) while 500 users cost one request.
const memberLookupBatch = 500

// Membership is a team or a channel as the `users` verbs of `team` and `channel` see it: how
// its members are looked up, added and removed. The team and channel commands each build one;
// RunMembersVerb and ListMembers do the rest the same way for both.
type Membership struct {
	// Kind is "team" or "channel"; Name names it in messages ("devops", "devops:alerts").
	Kind, Name string
	// Members reports which of the users (at most memberLookupBatch IDs) are members.
	Members func(ctx context.Context, userIDs []string) (map[string]bool, error)
	// Joinable, when set, says why users who are not members cannot become members (a
	// channel's users must be in its team): an error per user ID that cannot.
	Joinable func(ctx context.Context, users []*model.User) (map[string]error, error)
	// AddBatch, when set, adds up to BatchMax users in one request and reports on each (nil for
	// those added); its error return is for the request as a whole. Without it, Add adds one.
	AddBatch func(ctx context.Context, userIDs []string) (map[string]error, error)
	BatchMax int
	Add      func(ctx context.Context, u *model.User) error
	Remove   func(ctx context.Context, u *model.User) error
	// All, when set, lists every member (remove --all-users).
	All func(ctx context.Context) ([]*model.User, error)
}

// OpenMembership resolves the team or channel argument of a members verb.
type OpenMembership func(ctx context.Context, c client.Client) (*Membership, error)

// MembersChange says what a members verb does.
type MembersChange struct {
	// Remove removes the users; otherwise they are added.
	Remove bool
	// AllUsers (with Remove) acts on every member but the caller instead of on arguments.
	AllUsers bool
	// Confirm, when set, is asked after resolution and before any change (not in a dry run),
	// with the users that would change (Verb.Confirm); an error stops the verb.
	Confirm func(m *Membership, users []*model.User) error
}

// memberPlan is what resolution established, shared with the workers: written before they
// start, only read afterwards.
type memberPlan struct {
	m    *Membership
	refs []Ref[*model.User]
	// unchanged holds the users already in the wanted state (members for add, non-members for
	// remove): they succeed without a request (Verb.Already).
	unchanged map[string]bool
	batches   *memberBatches
	// wait sends again the adds the server does not answer (it is restarting), for the run.
	wait serverWait
}

// alreadyMember is the state of a user who is a member already.
func (pl *memberPlan) alreadyMember() string {
	return fmt.Sprintf("already a member of %s %s", pl.m.Kind, pl.m.Name)
}

// RunMembersVerb adds users to, or removes them from, the team or channel that open resolves.
// The users are the arguments of b (IDs, usernames, @usernames, emails) or, with
// change.AllUsers, every member but the caller. Everything resolves before anything changes:
// the team or channel and the users (in bulk, 100 per request) at the same time, then who is a
// member already (one request per 500 users). A user already in the wanted state is a success
// that changes nothing ("User alice is already a member of team devops: nothing to do"). Then
// each user is added or removed once, b.Bulk.Parallel requests at a time, or in batch requests
// when the membership has AddBatch. An add the server does not answer is sent again until it
// is, for up to UnansweredWait.For without any answer (see serverWait.untilAnswered): no user
// is reported failed whom the server added. Messages, JSON rows (with "changed") and the exit
// code are RunVerb's.
func RunMembersVerb(ctx context.Context, b *BulkArgs, open OpenMembership, change MembersChange) error {
	if b.Bulk.SkipExisting && b.Bulk.File == "" {
		return FlagErrorf("--skip-existing works with --file only")
	}
	p, c, err := b.Setup()
	if err != nil {
		return err
	}
	pl := &memberPlan{unchanged: map[string]bool{}}
	pl.wait.notice = func(msg string) { p.Infof("%s", msg) }
	args := b.Args
	if change.AllUsers {
		if pl.m, err = open(ctx, c); err != nil {
			return err
		}
		users, me, err := allMembersButCaller(ctx, c, pl.m)
		if err != nil {
			return err
		}
		if me != nil {
			p.Infof("Keeping %s (you) in %s %s: name yourself to remove yourself", me.Username, pl.m.Kind, pl.m.Name)
		}
		if len(users) == 0 {
			p.Infof("%s %s has no other members to remove", pl.m.Kind, pl.m.Name)
		}
		args = make([]string, len(users))
		pl.refs = make([]Ref[*model.User], len(users))
		for i, u := range users {
			args[i] = u.Username
			pl.refs[i] = Ref[*model.User]{Arg: u.Username, Obj: u}
		}
	} else if err := pl.resolve(ctx, c, b, open, change.Remove); err != nil {
		return err
	}
	pl.wait.answered() // the server answered the resolution: a refused add later is a restart

	kind := Users()
	kind.Resolve = func(context.Context, client.Client, []string) ([]Ref[*model.User], error) { return pl.refs, nil }
	verb := Verb[*model.User]{
		Args: args, DryRun: b.Bulk.DryRun, Parallel: b.Bulk.Parallel,
		Already: func(u *model.User) string {
			switch {
			case !pl.unchanged[u.Id]:
				return ""
			case change.Remove:
				return fmt.Sprintf("not a member of %s %s", pl.m.Kind, pl.m.Name)
			}
			return pl.alreadyMember()
		},
		PlanMessage: func(u *model.User) string {
			if change.Remove {
				return fmt.Sprintf("would remove %s from %s %s", u.Username, pl.m.Kind, pl.m.Name)
			}
			return fmt.Sprintf("would add %s to %s %s", u.Username, pl.m.Kind, pl.m.Name)
		},
		Message: func(u *model.User) string {
			if change.Remove {
				return fmt.Sprintf("Removed %s from %s %s", u.Username, pl.m.Kind, pl.m.Name)
			}
			return fmt.Sprintf("Added %s to %s %s", u.Username, pl.m.Kind, pl.m.Name)
		},
		Apply: func(ctx context.Context, u *model.User) (*model.User, error) {
			switch {
			case change.Remove:
				return u, pl.m.Remove(ctx, u)
			case pl.batches != nil:
				return u, pl.batches.wait(ctx, u.Id)
			}
			return u, pl.wait.untilAnsweredOne(pl.m.Add, pl.m.Members, pl.alreadyMember())(ctx, u)
		},
	}
	if pl.batches != nil {
		// Batch requests are the unit of concurrency: every user of the batches in flight needs
		// a worker to wait on its batch (the workers only wait; the requests stay bounded).
		verb.Parallel = min(max(len(args), 1), pl.batches.workers())
	}
	if change.Confirm != nil {
		verb.Confirm = func(users []*model.User) error { return change.Confirm(pl.m, users) }
	}
	return RunVerb(ctx, c, p, kind, verb)
}

// resolve resolves the membership and the users at the same time, then looks up who is a
// member already (and, for adds, who cannot join), and plans the batches.
func (pl *memberPlan) resolve(ctx context.Context, c client.Client, b *BulkArgs, open OpenMembership, remove bool) error {
	var openErr, usersErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		pl.m, openErr = open(ctx, c)
	}()
	pl.refs, usersErr = Users().Resolve(ctx, c, b.Args)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if openErr != nil {
		return openErr
	}
	if usersErr != nil {
		return usersErr
	}

	var users []*model.User
	seen := map[string]bool{}
	for _, r := range pl.refs {
		if r.Err == nil && !seen[r.Obj.Id] {
			seen[r.Obj.Id] = true
			users = append(users, r.Obj)
		}
	}
	if len(users) == 0 {
		return nil
	}
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.Id
	}

	// Who is a member, and (for adds) who could not become one, at the same time.
	var members map[string]bool
	var refused map[string]error
	var membersErr, joinErr error
	if !remove && pl.m.Joinable != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			refused, joinErr = pl.m.Joinable(ctx, users)
		}()
	}
	members, membersErr = lookupMembers(ctx, pl.m, ids, b.Bulk.Parallel)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if membersErr != nil {
		return fmt.Errorf("looking up the members of %s %s: %w", pl.m.Kind, pl.m.Name, membersErr)
	}
	if joinErr != nil {
		return fmt.Errorf("checking who can join %s %s: %w", pl.m.Kind, pl.m.Name, joinErr)
	}

	// Users already in the wanted state change nothing; those who cannot join fail; the others
	// are the work, in argument order.
	var todo []string
	for _, u := range users {
		switch {
		case members[u.Id] != remove:
			pl.unchanged[u.Id] = true
		case refused[u.Id] == nil:
			todo = append(todo, u.Id)
		}
	}
	for i, r := range pl.refs {
		if r.Err == nil && !pl.unchanged[r.Obj.Id] && refused[r.Obj.Id] != nil {
			pl.refs[i] = Ref[*model.User]{Arg: r.Arg, Err: refused[r.Obj.Id]}
		}
	}
	if !remove && pl.m.AddBatch != nil && len(todo) > 0 {
		add := pl.wait.untilAnswered(pl.m.AddBatch, pl.m.Members, pl.alreadyMember())
		pl.batches = newMemberBatches(add, todo, pl.m.BatchMax, b.Bulk.Parallel)
	}
	return nil
}

// lookupMembers asks m which of ids are members, memberLookupBatch at a time, up to parallel
// requests at once.
func lookupMembers(ctx context.Context, m *Membership, ids []string, parallel int) (map[string]bool, error) {
	members := map[string]bool{}
	var mu sync.Mutex
	err := inChunks(ctx, ids, memberLookupBatch, parallel, func(ctx context.Context, chunk []string) error {
		found, err := m.Members(ctx, chunk)
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for id, ok := range found {
			if ok {
				members[id] = true
			}
		}
		return nil
	})
	return members, err
}

// inChunks calls fn on ids in chunks of at most size, up to parallel calls at once, and returns
// the first error (no further call starts after one).
func inChunks(ctx context.Context, ids []string, size, parallel int, fn func(context.Context, []string) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	sem := make(chan struct{}, max(parallel, 1))
	for start := 0; start < len(ids); start += size {
		chunk := ids[start:min(start+size, len(ids))]
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, chunk); err != nil {
				once.Do(func() { firstErr = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// allMembersButCaller lists every member of m but the caller, who is returned apart when a
// member: removing everyone from a private channel would otherwise lock out whoever did it.
// Without a user behind the session (local mode) every member is listed.
func allMembersButCaller(ctx context.Context, c client.Client, m *Membership) (users []*model.User, me *model.User, err error) {
	if m.All == nil {
		return nil, nil, fmt.Errorf("listing every member of a %s is not supported", m.Kind)
	}
	var meErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		me, _, meErr = c.GetMe(client.WithIdempotent(ctx), "")
	}()
	all, err := m.All(ctx)
	wg.Wait()
	if err != nil {
		return nil, nil, fmt.Errorf("listing the members of %s %s: %w", m.Kind, m.Name, err)
	}
	if meErr != nil {
		// A 4xx means no user is behind the session (local mode): there is nobody to keep.
		if status := client.StatusOf(meErr); status < 400 || status >= 500 {
			return nil, nil, meErr
		}
		me = nil
	}
	var caller *model.User
	for _, u := range all {
		if me != nil && u.Id == me.Id {
			caller = u
			continue
		}
		users = append(users, u)
	}
	return users, caller, nil
}
