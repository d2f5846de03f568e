package cmdutil

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// batchSize is the most names or IDs sent in one POST /users/usernames or /users/ids request.
const batchSize = 100

// emailLookupParallel bounds the concurrent GET /users/email (and, without the batch lookup,
// GET /users/username) lookups.
const emailLookupParallel = 8

// UserRef is one resolved user argument: User is set, or Err says why not.
type UserRef struct {
	Arg  string
	User *model.User
	Err  error
}

// ResolveUsers resolves user arguments (ID, username, @username or email) in bulk: one
// POST /users/ids and one POST /users/usernames per 100 arguments, and one GET per email.
// The result has one entry per argument, in order. An argument that matches nothing gets a
// *NotFoundError; a failed request (401, 403, 5xx, network) is reported as itself for every
// argument it covered, never as "not found". The error return is only for cancellation.
func ResolveUsers(ctx context.Context, c client.Client, args []string) ([]UserRef, error) {
	refs := make([]UserRef, len(args))
	var ids, names []string
	var emailIdx []int
	for i, a := range args {
		refs[i].Arg = a
		key := strings.TrimSpace(a)
		switch {
		case key == "":
			refs[i].Err = errors.New("empty user argument")
		case strings.HasPrefix(key, "@"):
			names = append(names, strings.ToLower(key[1:]))
		case isEmail(key):
			emailIdx = append(emailIdx, i)
		case model.IsValidId(key):
			ids = append(ids, key)
		default:
			names = append(names, strings.ToLower(key))
		}
	}

	ids = dedupe(ids)
	byID, idErrs := fetchBatches(ctx, ids, func(ctx context.Context, batch []string) ([]*model.User, error) {
		users, _, err := c.GetUsersByIds(client.WithIdempotent(ctx), batch)
		return users, err
	}, func(u *model.User) string { return u.Id })
	// An ID-shaped argument may also be a username: look those up by name when not found by ID.
	for _, id := range ids {
		if _, ok := byID[id]; !ok && idErrs[id] == nil {
			names = append(names, strings.ToLower(id))
		}
	}
	byName, nameErrs := fetchBatches(ctx, dedupe(names), func(ctx context.Context, batch []string) ([]*model.User, error) {
		users, _, err := c.GetUsersByUsernames(client.WithIdempotent(ctx), batch)
		if client.IsNotFound(err) {
			// The local-mode socket has no POST /users/usernames: one GET per name instead.
			return usersByUsername(ctx, c, batch)
		}
		return users, err
	}, func(u *model.User) string { return strings.ToLower(u.Username) })

	emails := make([]UserRef, len(emailIdx))
	lookupEach(len(emailIdx), func(j int) {
		u, _, err := c.GetUserByEmail(ctx, strings.TrimSpace(args[emailIdx[j]]), "")
		emails[j] = UserRef{User: u, Err: err}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for j, i := range emailIdx {
		switch e := emails[j]; {
		case e.Err == nil:
			refs[i].User = e.User
		case client.IsNotFound(e.Err):
			refs[i].Err = &NotFoundError{Kind: "user", Name: args[i]}
		default:
			refs[i].Err = e.Err
		}
	}

	for i := range refs {
		if refs[i].User != nil || refs[i].Err != nil {
			continue
		}
		key := strings.TrimSpace(refs[i].Arg)
		if model.IsValidId(key) {
			if u := byID[key]; u != nil {
				refs[i].User = u
				continue
			}
			if err := idErrs[key]; err != nil {
				refs[i].Err = err
				continue
			}
		}
		name := strings.ToLower(strings.TrimPrefix(key, "@"))
		switch {
		case byName[name] != nil:
			refs[i].User = byName[name]
		case nameErrs[name] != nil:
			refs[i].Err = nameErrs[name]
		default:
			refs[i].Err = &NotFoundError{Kind: "user", Name: refs[i].Arg}
		}
	}
	return refs, nil
}

// usersByUsername looks names up one by one (a few at a time), for servers without the batch
// lookup. Names that match no user are left out, as the batch lookup leaves them out; any other
// failure is returned.
func usersByUsername(ctx context.Context, c client.Client, names []string) ([]*model.User, error) {
	found := make([]*model.User, len(names))
	errs := make([]error, len(names))
	lookupEach(len(names), func(i int) {
		u, _, err := c.GetUserByUsername(client.WithIdempotent(ctx), names[i], "")
		if err != nil && !client.IsNotFound(err) {
			errs[i] = err
		}
		found[i] = u
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var users []*model.User
	for _, u := range found {
		if u != nil {
			users = append(users, u)
		}
	}
	return users, ctx.Err()
}

// lookupEach runs lookup(i) for every i below n, emailLookupParallel at a time, and returns
// when all are done.
func lookupEach(n int, lookup func(i int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, emailLookupParallel)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			lookup(i)
		}()
	}
	wg.Wait()
}

// ResolveUser resolves one user argument with the bulk resolver and returns its error as is:
// not found (exit 5), permission denied (exit 4), a server error.
func ResolveUser(ctx context.Context, c client.Client, arg string) (*model.User, error) {
	refs, err := ResolveUsers(ctx, c, []string{arg})
	if err != nil {
		return nil, err
	}
	if refs[0].Err != nil {
		return nil, refs[0].Err
	}
	return refs[0].User, nil
}

// ResolveError lists the arguments that did not resolve; its exit code is the first failure's.
type ResolveError struct {
	Lines []string
	First error
	// ReadOnly is set for a verb that changes nothing anyway: a single failure is then its own
	// message, without the argument repeated.
	ReadOnly bool
}

func (e *ResolveError) Error() string {
	if !e.ReadOnly {
		return "nothing was changed: " + strings.Join(e.Lines, "; ")
	}
	if len(e.Lines) == 1 {
		return ErrorMessageLine(e.First)
	}
	return strings.Join(e.Lines, "; ")
}

func (e *ResolveError) Unwrap() error { return e.First }

// fetchBatches runs fetch over keys in batches and indexes the results by key. Keys of a batch
// whose request failed map to that error.
func fetchBatches(ctx context.Context, keys []string, fetch func(context.Context, []string) ([]*model.User, error), keyOf func(*model.User) string) (map[string]*model.User, map[string]error) {
	found := make(map[string]*model.User, len(keys))
	errs := map[string]error{}
	for start := 0; start < len(keys); start += batchSize {
		batch := keys[start:min(start+batchSize, len(keys))]
		users, err := fetch(ctx, batch)
		if err != nil {
			for _, k := range batch {
				errs[k] = err
			}
			continue
		}
		for _, u := range users {
			found[keyOf(u)] = u
		}
	}
	return found, errs
}

func dedupe(keys []string) []string {
	seen := make(map[string]bool, len(keys))
	out := keys[:0:0]
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func isEmail(s string) bool {
	if !strings.Contains(s, "@") || strings.HasPrefix(s, "@") {
		return false
	}
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == s
}

// Users is the kind of user arguments: an ID, a username, @username or an email, resolved in
// bulk by ResolveUsers. What is printed of a user never holds a password hash or MFA secret.
func Users() Kind[*model.User] {
	return Kind[*model.User]{
		Name: "user",
		Resolve: func(ctx context.Context, c client.Client, args []string) ([]Ref[*model.User], error) {
			users, err := ResolveUsers(ctx, c, args)
			if err != nil {
				return nil, err
			}
			refs := make([]Ref[*model.User], len(users))
			for i, u := range users {
				refs[i] = Ref[*model.User]{Arg: u.Arg, Obj: u.User, Err: u.Err}
			}
			return refs, nil
		},
		ID:    func(u *model.User) string { return u.Id },
		Label: func(u *model.User) string { return u.Username },
		Show:  ScrubUser,
	}
}
