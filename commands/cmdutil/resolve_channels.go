package cmdutil

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

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
	// Teams, when set, records the teams the resolver looks up (see QualifiedChannels).
	Teams *ChannelTeams
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
// "team:channel"): one search of every channel per name, or, for callers who may not search
// every channel, one lookup per team. With opts.Team, a channel ID still names its channel in
// any team. Private channels are included.
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
	// noSearch is set once the server's channel search failed (it needs a system admin):
	// bare names are then looked up team by team.
	noSearch atomic.Bool
}

func (r *channelResolver) team(ctx context.Context, arg string) (*model.Team, error) {
	r.mu.Lock()
	l := r.teams[strings.ToLower(arg)]
	if l == nil {
		l = &teamLookup{}
		r.teams[strings.ToLower(arg)] = l
	}
	r.mu.Unlock()
	l.once.Do(func() {
		l.team, l.err = lookupTeam(ctx, r.c, arg, TeamOptions{IncludeArchived: true})
		if l.err == nil && r.opts.Teams != nil {
			r.opts.Teams.Add(l.team)
		}
	})
	return l.team, l.err
}

func (r *channelResolver) lookup(ctx context.Context, arg string) (*model.Channel, error) {
	teamArg, name := ParseChannelArg(arg)
	fromOption := teamArg == ""
	if fromOption {
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
		if _, notFound := err.(*NotFoundError); notFound && fromOption && model.IsValidId(name) {
			// An ID names one channel whatever team --team gives bare names.
			ch, err = r.byID(ctx, name)
		}
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

// channelHit is a channel found by name, with the name of its team.
type channelHit struct {
	team string
	ch   *model.Channel
}

// anywhere finds a bare channel name in every team the caller can see: with one search of
// every channel (usually one request), or, when the caller may not search every channel, with
// one lookup in each team.
func (r *channelResolver) anywhere(ctx context.Context, arg, name string) (*model.Channel, error) {
	hits, err := r.search(ctx, name)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r.noSearch.Store(true)
		if hits, err = r.eachTeam(ctx, name); err != nil {
			return nil, err
		}
	}
	switch {
	case len(hits) == 1:
		return hits[0].ch, nil
	case len(hits) > 1:
		cands := make([]string, len(hits))
		for i, h := range hits {
			cands[i] = h.team + ":" + h.ch.Name
		}
		return nil, &AmbiguousError{Kind: "channel", Name: arg, Candidates: cands}
	}
	return nil, &NotFoundError{Kind: "channel", Name: arg}
}

// errNoSearch stands for a search that failed before: it is not tried again.
var errNoSearch = errors.New("the channel search is not available")

// search finds the channels named name with the server's search of every channel (archived
// ones included), which matches names, display names and purposes by prefix: the exact names
// are kept. It fails when the caller may not search every channel.
func (r *channelResolver) search(ctx context.Context, name string) ([]channelHit, error) {
	if r.noSearch.Load() {
		return nil, errNoSearch
	}
	name = strings.ToLower(name)
	var hits []channelHit
	perPage := client.MaxPerPage
	for page := 0; ; page++ {
		res, _, err := r.c.SearchAllChannelsPaged(client.WithIdempotent(ctx), &model.ChannelSearch{
			Term: name, IncludeDeleted: true, Page: &page, PerPage: &perPage,
		})
		if err != nil {
			return nil, err
		}
		if res == nil {
			return hits, nil
		}
		for _, c := range res.Channels {
			if c.Name != name || slices.ContainsFunc(hits, func(h channelHit) bool { return h.ch.Id == c.Id }) {
				continue
			}
			ch := c.Channel
			hits = append(hits, channelHit{team: c.TeamName, ch: &ch})
			if r.opts.Teams != nil {
				r.opts.Teams.Add(&model.Team{Id: c.TeamId, Name: c.TeamName, DisplayName: c.TeamDisplayName, UpdateAt: c.TeamUpdateAt})
			}
		}
		if len(res.Channels) < perPage || int64((page+1)*perPage) >= res.TotalCount {
			return hits, nil
		}
	}
}

// eachTeam looks a channel name up in every team the caller can see, one request per team.
func (r *channelResolver) eachTeam(ctx context.Context, name string) ([]channelHit, error) {
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
		if r.opts.Teams != nil {
			r.opts.Teams.Add(r.all...)
		}
	})
	if r.allErr != nil {
		return nil, r.allErr
	}
	var mu sync.Mutex
	var hits []channelHit
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
				hits = append(hits, channelHit{t.Name, ch})
			case err != nil && !client.IsNotFound(err) && firstErr == nil:
				firstErr = err
			}
		}()
	}
	wg.Wait()
	if len(hits) == 0 && firstErr != nil {
		return nil, firstErr
	}
	return hits, nil
}
