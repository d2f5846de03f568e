package channel

import (
	"context"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestSearchFlags(t *testing.T) {
	e := cmdtest.New(t)
	var got *SearchOptions
	if err := e.Exec(NewCmdSearch(e.F, func(_ context.Context, o *SearchOptions) error { got = o; return nil }), " Alerts ", "--team", "devops"); err != nil {
		t.Fatal(err)
	}
	if got.Name != "alerts" || got.Team != "devops" {
		t.Errorf("opts = %+v", got)
	}
	err := e.Exec(NewCmdSearch(e.F, func(context.Context, *SearchOptions) error { return nil }), "a", "b")
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("two names: %v", err)
	}
}

func TestSearchRun(t *testing.T) {
	devops, ops := chTeam("devops"), chTeam("ops")
	alerts := chChannel(devops, "alerts")
	opsAlerts := chChannel(ops, "alerts", chPrivate, chArchived)
	alertsProd := chChannel(devops, "alerts-prod")
	w := &chWorld{teams: []*model.Team{devops, ops}, channels: []*model.Channel{alerts, opsAlerts, alertsProd}}
	// The server's search matches by prefix, also on display names and purposes.
	hits := []*model.ChannelWithTeamData{withTeamData(devops, alerts), withTeamData(devops, alertsProd), withTeamData(ops, opsAlerts)}

	tests := []struct {
		name       string
		args       []string
		forbidden  bool
		json       bool
		wantExit   int
		wantStdout string
		wantStderr []string
		searches   int
	}{
		{
			name: "every team: one request, exact names only", args: []string{"alerts"},
			wantStdout: "devops\talerts\tDisplay alerts\tpublic\tno\t" + alerts.Id + "\nops\talerts\tDisplay alerts\tprivate\tyes\t" + opsAlerts.Id + "\n",
			searches:   1,
		},
		{
			name: "one team", args: []string{"alerts", "--team", "ops"},
			wantStdout: "ops\talerts\tDisplay alerts\tprivate\tyes\t" + opsAlerts.Id + "\n",
		},
		{
			name: "nothing found: exit 5, [] in JSON", json: true, args: []string{"nope"},
			wantExit: cmdutil.ExitNotFound, wantStdout: "[]\n", wantStderr: []string{"no channel named nope in any team"}, searches: 1,
		},
		{
			name: "nothing in the team", args: []string{"alerts-prod", "--team", "ops"},
			wantExit: cmdutil.ExitNotFound, wantStderr: []string{"no channel named alerts-prod in team ops"},
		},
		{
			name: "without the system-wide permission: the caller's teams", args: []string{"alerts"}, forbidden: true,
			wantStdout: "devops\talerts\tDisplay alerts\tpublic\tno\t" + alerts.Id + "\n",
			searches:   1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.JSON(tt.json))
			w.serve(e.Fake)
			e.Fake.SearchAllChannelsPagedFunc = func(_ context.Context, s *model.ChannelSearch) (*model.ChannelsWithCount, *model.Response, error) {
				if tt.forbidden {
					err := chAPIError(403, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
					return nil, chResp(err), err
				}
				if !s.IncludeDeleted || s.Page == nil || *s.Page != 0 {
					t.Errorf("search %+v", s)
				}
				var out model.ChannelListWithTeamData
				for _, h := range hits {
					if strings.HasPrefix(h.Name, s.Term) {
						out = append(out, h)
					}
				}
				return &model.ChannelsWithCount{Channels: out, TotalCount: int64(len(out))}, chResp(nil), nil
			}
			e.Fake.GetTeamsForUserFunc = func(context.Context, string, string) ([]*model.Team, *model.Response, error) {
				return []*model.Team{devops}, chResp(nil), nil
			}
			err := e.Exec(NewCmdSearch(e.F, nil), tt.args...)
			chExpect(t, e, err, tt.wantExit, tt.wantStderr...)
			if e.Out.String() != tt.wantStdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", e.Out, tt.wantStdout)
			}
			if n := e.Fake.Calls("SearchAllChannelsPaged"); n != tt.searches {
				t.Errorf("%d searches, want %d", n, tt.searches)
			}
			if n := e.Fake.Calls("GetChannelByNameIncludeDeleted"); !tt.forbidden && tt.searches > 0 && n != 0 {
				t.Errorf("%d lookups per team besides the search", n)
			}
		})
	}
}
