package cmdutil

import (
	"context"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// ChannelOptions say how channel arguments are read.
type ChannelOptions struct {
	// Team is the team (ID or name) of bare channel names (--team). Without it a bare name must
	// be unique across the teams the caller can see.
	Team string
	// IncludeArchived accepts archived channels; otherwise they are an *ArchivedError.
	IncludeArchived bool
}

// ParseChannelArg splits a channel argument into its team and channel parts: "team:channel"
// (split at the first colon), or a bare channel name or ID (team "").
func ParseChannelArg(arg string) (team, channel string) {
	arg = strings.TrimSpace(arg)
	if t, ch, ok := strings.Cut(arg, ":"); ok {
		return strings.TrimSpace(t), strings.TrimSpace(ch)
	}
	return "", arg
}

// Channels is the kind of channel arguments: a channel ID, "team:channel" (team by ID or name,
// channel by name or ID), or a bare channel name, looked up in opts.Team or, without it, in
// every team the caller can see (unique there, or an *AmbiguousError listing each
// "team:channel"). Private channels are included.
func Channels(opts ChannelOptions) Kind[*model.Channel] {
	return Kind[*model.Channel]{
		Name: "channel",
		Resolve: func(ctx context.Context, c client.Client, args []string) ([]Ref[*model.Channel], error) {
			r := &channelResolver{c: c, opts: opts, teams: map[string]*teamLookup{}}
			return ResolveEach(ctx, args, r.lookup)
		},
		ID:    func(ch *model.Channel) string { return ch.Id },
		Label: func(ch *model.Channel) string { return ch.Name },
	}
}

// teamLookup is one team argument's lookup, made once however many channels name the team.
type teamLookup struct {
	once sync.Once
	team *model.Team
	err  error
}

// channelResolver caches what several arguments share: their teams, and the list of every team.
type channelResolver struct {
	c    client.Client
	opts ChannelOptions

	mu      sync.Mutex
	teams   map[string]*teamLookup // by lower-case team argument
	allOnce sync.Once
	all     []*model.Team
	allErr  error
}

func (r *channelResolver) team(ctx context.Context, arg string) (*model.Team, error) {
	r.mu.Lock()
	l := r.teams[strings.ToLower(arg)]
	if l == nil {
		l = &teamLookup{}
		r.teams[strings.ToLower(arg)] = l
	}
	r.mu.Unlock()
	l.once.Do(func() { l.team, l.err = lookupTeam(ctx, r.c, arg, TeamOptions{IncludeArchived: true}) })
	return l.team, l.err
}

func (r *channelResolver) lookup(ctx context.Context, arg string) (*model.Channel, error) {
	teamArg, name := ParseChannelArg(arg)
	if teamArg == "" {
		teamArg = strings.TrimSpace(r.opts.Team)
	}
	if name == "" {
		return nil, FlagErrorf("%q: empty channel name", arg)
	}
	var ch *model.Channel
	var err error
	switch {
	case teamArg != "":
		ch, err = r.inTeam(ctx, teamArg, name)
	case model.IsValidId(name):
		ch, err = r.byID(ctx, name)
		if _, notFound := err.(*NotFoundError); notFound {
			ch, err = r.anywhere(ctx, arg, name)
		}
	default:
		ch, err = r.anywhere(ctx, arg, name)
	}
	if err != nil {
		return nil, err
	}
	if ch.DeleteAt != 0 && !r.opts.IncludeArchived {
		return nil, &ArchivedError{Kind: "channel", Name: arg}
	}
	return ch, nil
}

func (r *channelResolver) byID(ctx context.Context, id string) (*model.Channel, error) {
	ch, _, err := r.c.GetChannel(client.WithIdempotent(ctx), id)
	switch {
	case client.IsNotFound(err), err == nil && ch == nil:
		return nil, &NotFoundError{Kind: "channel", Name: id}
	case err != nil:
		return nil, err
	}
	return ch, nil
}

// inTeam finds a channel by name (or ID) in one team.
func (r *channelResolver) inTeam(ctx context.Context, teamArg, name string) (*model.Channel, error) {
	team, err := r.team(ctx, teamArg)
	if err != nil {
		return nil, err
	}
	ch, _, err := r.c.GetChannelByNameIncludeDeleted(client.WithIdempotent(ctx), strings.ToLower(name), team.Id, "")
	if err == nil && ch != nil {
		return ch, nil
	}
	if err != nil && !client.IsNotFound(err) {
		return nil, err
	}
	if model.IsValidId(name) {
		if ch, err := r.byID(ctx, name); err == nil && ch.TeamId == team.Id {
			return ch, nil
		}
	}
	return nil, &NotFoundError{Kind: "channel", Name: team.Name + ":" + name}
}

// anywhere finds a bare channel name in every team the caller can see.
func (r *channelResolver) anywhere(ctx context.Context, arg, name string) (*model.Channel, error) {
	r.allOnce.Do(func() {
		for t, err := range client.Pages(client.WithIdempotent(ctx), client.PageOptions{PerPage: client.MaxPerPage},
			func(ctx context.Context, page, perPage int) ([]*model.Team, error) {
				teams, _, err := r.c.GetAllTeams(ctx, "", page, perPage)
				return teams, err
			}) {
			if err != nil {
				r.allErr = err
				return
			}
			r.all = append(r.all, t)
		}
	})
	if r.allErr != nil {
		return nil, r.allErr
	}
	type hit struct {
		team *model.Team
		ch   *model.Channel
	}
	var mu sync.Mutex
	var hits []hit
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan struct{}, resolveParallel)
	for _, t := range r.all {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ch, _, err := r.c.GetChannelByNameIncludeDeleted(client.WithIdempotent(ctx), strings.ToLower(name), t.Id, "")
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil && ch != nil:
				hits = append(hits, hit{t, ch})
			case err != nil && !client.IsNotFound(err) && firstErr == nil:
				firstErr = err
			}
		}()
	}
	wg.Wait()
	switch {
	case len(hits) == 1:
		return hits[0].ch, nil
	case len(hits) > 1:
		cands := make([]string, len(hits))
		for i, h := range hits {
			cands[i] = h.team.Name + ":" + h.ch.Name
		}
		return nil, &AmbiguousError{Kind: "channel", Name: arg, Candidates: cands}
	case firstErr != nil:
		return nil, firstErr
	}
	return nil, &NotFoundError{Kind: "channel", Name: arg}
}
