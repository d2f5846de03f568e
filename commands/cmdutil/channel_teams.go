package cmdutil

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// ChannelTeams holds the teams of channels, each looked up once, so that channels can be named
// "team:channel" in messages and printed with their team. Its zero value is ready; it is safe
// for concurrent use.
type ChannelTeams struct {
	mu    sync.Mutex
	teams map[string]*channelTeam // by team ID
}

type channelTeam struct {
	once  sync.Once
	team  *model.Team
	err   error
	ready atomic.Bool // team and err are set
}

func (t *ChannelTeams) entry(id string) *channelTeam {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.teams == nil {
		t.teams = map[string]*channelTeam{}
	}
	e := t.teams[id]
	if e == nil {
		e = &channelTeam{}
		t.teams[id] = e
	}
	return e
}

// Add records teams already known, so that they are not looked up again.
func (t *ChannelTeams) Add(teams ...*model.Team) {
	for _, team := range teams {
		if team == nil || team.Id == "" {
			continue
		}
		e := t.entry(team.Id)
		e.once.Do(func() {
			e.team = team
			e.ready.Store(true)
		})
	}
}

// Get returns the team with the given ID, looking it up on the first call.
func (t *ChannelTeams) Get(ctx context.Context, c client.Client, id string) (*model.Team, error) {
	e := t.entry(id)
	e.once.Do(func() {
		e.team, _, e.err = c.GetTeam(client.WithIdempotent(ctx), id, "")
		if e.err == nil && e.team == nil {
			e.err = &NotFoundError{Kind: "team", Name: id}
		}
		e.ready.Store(true)
	})
	return e.team, e.err
}

// Fetch looks up the teams of channels that are not known yet, a few at a time. A team that
// cannot be looked up is left out: its channels are named without it.
func (t *ChannelTeams) Fetch(ctx context.Context, c client.Client, channels []*model.Channel) {
	ids := map[string]bool{}
	for _, ch := range channels {
		if ch != nil && ch.TeamId != "" {
			ids[ch.TeamId] = true
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, resolveParallel)
	for id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			_, _ = t.Get(ctx, c, id)
		}()
	}
	wg.Wait()
}

// Team is the team with the given ID if it is known, else nil. It never makes a request.
func (t *ChannelTeams) Team(id string) *model.Team {
	t.mu.Lock()
	e := t.teams[id]
	t.mu.Unlock()
	if e == nil {
		return nil
	}
	if !e.ready.Load() {
		return nil
	}
	return e.team
}

// Label names a channel as "team:channel" when its team is known, else by its name alone
// (direct and group messages have no team).
func (t *ChannelTeams) Label(ch *model.Channel) string {
	if ch == nil {
		return ""
	}
	if team := t.Team(ch.TeamId); team != nil {
		return team.Name + ":" + ch.Name
	}
	return ch.Name
}

// WithTeam is the channel with its team's name, as GET /channels returns channels. The team
// fields are empty when the team is not known.
func (t *ChannelTeams) WithTeam(ch *model.Channel) *model.ChannelWithTeamData {
	if ch == nil {
		return nil
	}
	out := &model.ChannelWithTeamData{Channel: *ch}
	if team := t.Team(ch.TeamId); team != nil {
		out.TeamName, out.TeamDisplayName, out.TeamUpdateAt = team.Name, team.DisplayName, team.UpdateAt
	}
	return out
}

// QualifiedChannels is Channels(opts) whose objects are labelled "team:channel" in messages:
// the teams the resolver looks up are recorded in teams, and those of channels found by ID are
// looked up after resolution, once per team. teams may be shared with the caller, which can
// then print channels with their team (WithTeam).
func QualifiedChannels(opts ChannelOptions, teams *ChannelTeams) Kind[*model.Channel] {
	opts.Teams = teams
	k := Channels(opts)
	resolve := k.Resolve
	k.Resolve = func(ctx context.Context, c client.Client, args []string) ([]Ref[*model.Channel], error) {
		refs, err := resolve(ctx, c, args)
		if err != nil {
			return nil, err
		}
		var found []*model.Channel
		for _, r := range refs {
			if r.Err == nil {
				found = append(found, r.Obj)
			}
		}
		teams.Fetch(ctx, c, found)
		return refs, ctx.Err()
	}
	k.Label = teams.Label
	return k
}
