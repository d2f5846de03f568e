package cmdutil

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client/clienttest"
)

// searchableDirectory is teamDirectory with the server's search of every channel: a prefix
// match on names and display names, paged, answered with team data.
func searchableDirectory(d *teamDirectory, forbidden bool, searches *atomic.Int32) *clienttest.Fake {
	f := d.fake()
	f.SearchAllChannelsPagedFunc = func(_ context.Context, s *model.ChannelSearch) (*model.ChannelsWithCount, *model.Response, error) {
		searches.Add(1)
		if forbidden {
			return nil, resp(apiErr(403)), apiErr(403)
		}
		if !s.IncludeDeleted || s.Page == nil || s.PerPage == nil {
			return nil, nil, fmt.Errorf("search %+v", s)
		}
		var all model.ChannelListWithTeamData
		for _, ch := range d.channels {
			if !strings.HasPrefix(ch.Name, s.Term) && !strings.HasPrefix(strings.ToLower(ch.DisplayName), s.Term) {
				continue
			}
			for _, t := range d.teams {
				if t.Id == ch.TeamId {
					all = append(all, &model.ChannelWithTeamData{Channel: *ch, TeamName: t.Name, TeamDisplayName: t.DisplayName})
				}
			}
		}
		start := min(*s.Page**s.PerPage, len(all))
		return &model.ChannelsWithCount{Channels: all[start:min(start+*s.PerPage, len(all))], TotalCount: int64(len(all))}, resp(nil), nil
	}
	return f
}

func TestChannelsBareNamesSearchOnce(t *testing.T) {
	devops, ops := &model.Team{Id: model.NewId(), Name: "devops"}, &model.Team{Id: model.NewId(), Name: "ops"}
	d := &teamDirectory{teams: []*model.Team{devops, ops}}
	alerts := &model.Channel{Id: model.NewId(), Name: "alerts", TeamId: devops.Id}
	opsAlerts := &model.Channel{Id: model.NewId(), Name: "alerts", TeamId: ops.Id, Type: model.ChannelTypePrivate, DeleteAt: 3}
	solo := &model.Channel{Id: model.NewId(), Name: "solo", TeamId: ops.Id}
	d.channels = append(d.channels, alerts, opsAlerts, solo)
	// 250 channels whose names start with "solo": the exact one is on the second page.
	for i := range 250 {
		d.channels = append(d.channels, &model.Channel{Id: model.NewId(), Name: fmt.Sprintf("solo-%03d", i), DisplayName: "a", TeamId: devops.Id})
	}
	// Sorted like the server (by display name), "solo" (display name "") comes first: move it last.
	d.channels = append(d.channels[:2], append(d.channels[3:], solo)...)

	var searches atomic.Int32
	teams := &ChannelTeams{}
	k := QualifiedChannels(ChannelOptions{IncludeArchived: true}, teams)
	refs, err := k.Resolve(context.Background(), searchableDirectory(d, false, &searches), []string{"alerts", "solo", "SOLO", "nope"})
	if err != nil {
		t.Fatal(err)
	}
	if got := refErrs(refs); got[0] != `channel "alerts" is ambiguous: it matches devops:alerts, ops:alerts` || got[1] != "" || got[2] != "" || got[3] != `channel "nope" not found` {
		t.Errorf("errors %q", got)
	}
	if refs[1].Obj == nil || refs[1].Obj.Id != solo.Id || k.Label(refs[1].Obj) != "ops:solo" {
		t.Errorf("solo = %+v", refs[1].Obj)
	}
	// alerts, solo and SOLO (two pages each), nope; no team lookups: the search names the teams.
	if n := searches.Load(); n != 6 {
		t.Errorf("%d searches, want 6", n)
	}
	if n := d.requests.Load(); n != 0 {
		t.Errorf("%d lookups besides the search", n)
	}
}

func TestChannelsBareNamesWithoutSearch(t *testing.T) {
	devops, ops := &model.Team{Id: model.NewId(), Name: "devops"}, &model.Team{Id: model.NewId(), Name: "ops"}
	alerts := &model.Channel{Id: model.NewId(), Name: "alerts", TeamId: devops.Id}
	d := &teamDirectory{teams: []*model.Team{devops, ops}, channels: []*model.Channel{alerts}}
	var searches atomic.Int32
	refs, _ := Channels(ChannelOptions{}).Resolve(context.Background(), searchableDirectory(d, true, &searches), []string{"alerts", "ghost", "x", "y"})
	if refs[0].Obj != alerts || ExitCode(refs[1].Err) != ExitNotFound {
		t.Errorf("refs %+v", refs)
	}
	// The search is refused once, then not tried again (but for arguments already under way).
	if n := searches.Load(); n < 1 || n > 4 {
		t.Errorf("%d searches", n)
	}
}

// With --team, an argument that is the ID of a channel of another team still names it.
func TestChannelsTeamOptionAndIDs(t *testing.T) {
	devops, ops := &model.Team{Id: model.NewId(), Name: "devops"}, &model.Team{Id: model.NewId(), Name: "ops"}
	alerts := &model.Channel{Id: model.NewId(), Name: "alerts", TeamId: ops.Id}
	d := &teamDirectory{teams: []*model.Team{devops, ops}, channels: []*model.Channel{alerts}}
	refs, _ := Channels(ChannelOptions{Team: "devops"}).Resolve(context.Background(), d.fake(), []string{alerts.Id, "devops:" + alerts.Id, "alerts"})
	if refs[0].Obj != alerts {
		t.Errorf("ID with --team: %+v", refs[0])
	}
	if ExitCode(refs[1].Err) != ExitNotFound || ExitCode(refs[2].Err) != ExitNotFound {
		t.Errorf("team:ID of another team, or a bare name not in --team's team: %v, %v", refs[1].Err, refs[2].Err)
	}
}

func TestChannelTeams(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops", DisplayName: "DevOps", UpdateAt: 7}
	d := &teamDirectory{teams: []*model.Team{devops}}
	f := d.fake()
	teams := &ChannelTeams{}
	a := &model.Channel{Id: model.NewId(), Name: "a", TeamId: devops.Id}
	b := &model.Channel{Id: model.NewId(), Name: "b", TeamId: devops.Id}
	dm := &model.Channel{Id: model.NewId(), Name: "x__y", Type: model.ChannelTypeDirect}
	if teams.Label(a) != "a" || teams.Team(devops.Id) != nil {
		t.Error("a team is known before any lookup")
	}
	teams.Fetch(context.Background(), f, []*model.Channel{a, b, dm})
	teams.Fetch(context.Background(), f, []*model.Channel{b})
	if n := d.requests.Load(); n != 1 {
		t.Errorf("%d lookups of one team", n)
	}
	if teams.Label(a) != "devops:a" || teams.Label(dm) != "x__y" {
		t.Errorf("labels %q %q", teams.Label(a), teams.Label(dm))
	}
	w := teams.WithTeam(b)
	if w.Id != b.Id || w.TeamName != "devops" || w.TeamDisplayName != "DevOps" || w.TeamUpdateAt != 7 {
		t.Errorf("WithTeam = %+v", w)
	}
	ghost := &model.Channel{Id: model.NewId(), Name: "g", TeamId: model.NewId()}
	teams.Fetch(context.Background(), f, []*model.Channel{ghost})
	if teams.Label(ghost) != "g" || teams.WithTeam(ghost).TeamName != "" {
		t.Error("an unknown team is named")
	}
}
