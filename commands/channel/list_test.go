package channel

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestListFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		stdin     string
		wantTeams []string
		wantF     listFilter
	}{
		{name: "every team", args: nil},
		{name: "teams", args: []string{"devops", "ops"}, wantTeams: []string{"devops", "ops"}},
		{name: "filters", args: []string{"devops", "--private", "--archived"}, wantTeams: []string{"devops"}, wantF: listFilter{private: true, archived: true}},
		{name: "teams from a file", args: []string{"devops", "--file", "-"}, stdin: "ops\n# x\nqa\n", wantTeams: []string{"devops", "ops", "qa"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.In.WriteString(tt.stdin)
			var got *ListOptions
			if err := e.Exec(NewCmdList(e.F, func(_ context.Context, o *ListOptions) error { got = o; return nil }), tt.args...); err != nil {
				t.Fatal(err)
			}
			f := listFilter{public: got.Public, private: got.Private, archived: got.Archived}
			if !slices.Equal(got.Teams, tt.wantTeams) || f != tt.wantF {
				t.Errorf("opts = teams %q filter %+v", got.Teams, f)
			}
		})
	}
}

// listServer answers the channel listings from a fixed set of channels with team data, paged
// as the server pages them.
type listServer struct {
	w        *chWorld
	chans    []*model.ChannelWithTeamData
	failPage int // GET /channels fails at this page (0: never)
	mu       sync.Mutex
	searched [][]string // TeamIds of each search request for page 0
}

func page[T any](items []T, page, perPage int) []T {
	start := min(page*perPage, len(items))
	return items[start:min(start+perPage, len(items))]
}

func (s *listServer) serve(e *cmdtest.Env) {
	s.w.serve(e.Fake)
	e.Fake.GetAllChannelsIncludeDeletedFunc = func(_ context.Context, p, perPage int, _ string) (model.ChannelListWithTeamData, *model.Response, error) {
		if s.failPage != 0 && p == s.failPage {
			err := chAPIError(500, "x", "database down")
			return nil, chResp(err), err
		}
		return page(s.chans, p, perPage), chResp(nil), nil
	}
	e.Fake.SearchAllChannelsPagedFunc = func(_ context.Context, search *model.ChannelSearch) (*model.ChannelsWithCount, *model.Response, error) {
		if !search.IncludeDeleted || search.Page == nil || search.PerPage == nil {
			return nil, nil, fmt.Errorf("search %+v", search)
		}
		if *search.Page == 0 {
			s.mu.Lock()
			s.searched = append(s.searched, search.TeamIds)
			s.mu.Unlock()
		}
		var in []*model.ChannelWithTeamData
		for _, ch := range s.chans {
			if len(search.TeamIds) == 0 || slices.Contains(search.TeamIds, ch.TeamId) {
				in = append(in, ch)
			}
		}
		return &model.ChannelsWithCount{Channels: page(in, *search.Page, *search.PerPage), TotalCount: int64(len(in))}, chResp(nil), nil
	}
}

func withTeamData(team *model.Team, ch *model.Channel) *model.ChannelWithTeamData {
	return &model.ChannelWithTeamData{Channel: *ch, TeamName: team.Name, TeamDisplayName: team.DisplayName}
}

func TestListEveryTeam(t *testing.T) {
	devops, ops := chTeam("devops"), chTeam("ops")
	w := &chWorld{teams: []*model.Team{devops, ops}}
	s := &listServer{w: w}
	for i := range 430 {
		team := devops
		if i%2 == 1 {
			team = ops
		}
		var mods []func(*model.Channel)
		switch i % 5 {
		case 1:
			mods = append(mods, chPrivate)
		case 2:
			mods = append(mods, chArchived)
		}
		s.chans = append(s.chans, withTeamData(team, chChannel(team, fmt.Sprintf("c%03d", i), mods...)))
	}
	// Channels with the same display name may come in another order on the next page: one
	// repeated there is listed once.
	s.chans[199].DisplayName, s.chans[200].DisplayName = "Same", "Same"
	s.chans = slices.Insert(s.chans, 201, s.chans[199])

	t.Run("json", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		s.serve(e)
		err := e.Exec(NewCmdList(e.F, nil))
		chExpect(t, e, err, cmdutil.ExitOK)
		var got []map[string]any
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
			t.Fatalf("%v\n%s", err, e.Out)
		}
		if len(got) != 430 || got[0]["name"] != "c000" || got[0]["team_name"] != "devops" || got[1]["team_name"] != "ops" {
			t.Fatalf("%d channels, first %v", len(got), got[0])
		}
		if n := e.Fake.Calls("GetAllChannelsIncludeDeleted"); n < 3 {
			t.Errorf("%d pages fetched, want at least 3", n)
		}
		if e.ErrOut.Len() != 0 {
			t.Errorf("stderr = %q", e.ErrOut)
		}
	})
	t.Run("plain: filters add up", func(t *testing.T) {
		e := cmdtest.New(t)
		s.serve(e)
		err := e.Exec(NewCmdList(e.F, nil), "--private", "--archived")
		chExpect(t, e, err, cmdutil.ExitOK)
		lines := strings.Split(strings.TrimSpace(e.Out.String()), "\n")
		if len(lines) != 172 {
			t.Fatalf("%d lines, want 172 (86 private, 86 archived)", len(lines))
		}
		if lines[0] != "ops\tc001\tDisplay c001\tprivate\tno\t"+s.chans[1].Id || lines[1] != "devops\tc002\tDisplay c002\tpublic\tyes\t"+s.chans[2].Id {
			t.Errorf("first lines:\n%s\n%s", lines[0], lines[1])
		}
	})
	t.Run("terminal table", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.TTY(true))
		s.serve(e)
		err := e.Exec(NewCmdList(e.F, nil), "--public")
		chExpect(t, e, err, cmdutil.ExitOK)
		out := e.Out.String()
		for _, want := range []string{"TEAM", "DISPLAY NAME", "ARCHIVED", "c000", "c004"} {
			if !strings.Contains(out, want) {
				t.Errorf("table lacks %q", want)
			}
		}
		if strings.Contains(out, "c001") || strings.Contains(out, "c002") {
			t.Errorf("--public shows private or archived channels:\n%s", out)
		}
	})
	t.Run("a failing page leaves the JSON incomplete", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		s.failPage = 1
		defer func() { s.failPage = 0 }()
		s.serve(e)
		err := e.Exec(NewCmdList(e.F, nil))
		chExpect(t, e, err, cmdutil.ExitError)
		var v any
		if json.Unmarshal(e.Out.Bytes(), &v) == nil || !strings.HasPrefix(e.Out.String(), "[") {
			t.Errorf("stdout parses as a whole list:\n%.200s", e.Out)
		}
	})
}

func TestListTeams(t *testing.T) {
	devops, ops, qa := chTeam("devops"), chTeam("ops"), chTeam("qa")
	w := &chWorld{teams: []*model.Team{devops, ops, qa}}
	s := &listServer{w: w}
	for _, team := range []*model.Team{devops, ops, qa} {
		s.chans = append(s.chans,
			withTeamData(team, chChannel(team, "alerts")),
			withTeamData(team, chChannel(team, "secret", chPrivate, chArchived)))
	}

	e := cmdtest.New(t)
	s.serve(e)
	err := e.Exec(NewCmdList(e.F, nil), "ops", devops.Id, "OPS")
	chExpect(t, e, err, cmdutil.ExitOK)
	want := "ops\talerts\tDisplay alerts\tpublic\tno\t" + s.chans[2].Id + "\n" +
		"ops\tsecret\tDisplay secret\tprivate\tyes\t" + s.chans[3].Id + "\n" +
		"devops\talerts\tDisplay alerts\tpublic\tno\t" + s.chans[0].Id + "\n" +
		"devops\tsecret\tDisplay secret\tprivate\tyes\t" + s.chans[1].Id + "\n"
	if e.Out.String() != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", e.Out, want)
	}
	if !slices.EqualFunc(s.searched, [][]string{{ops.Id}, {devops.Id}}, slices.Equal) {
		t.Errorf("searched %v, want ops then devops, once each", s.searched)
	}

	t.Run("an unknown team lists nothing", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		s.serve(e)
		err := e.Exec(NewCmdList(e.F, nil), "ops", "ghost")
		chExpect(t, e, err, cmdutil.ExitNotFound)
		if err.Error() != `team "ghost" not found` || e.Out.Len() != 0 {
			t.Errorf("err %v, stdout %q", err, e.Out)
		}
	})
}

// Without the system-wide permission the list falls back to what the caller can see, team by
// team, and says so.
func TestListLeavesOutArchivedTeams(t *testing.T) {
	devops, old := chTeam("devops"), chTeam("old")
	old.DeleteAt = 1234
	w := &chWorld{teams: []*model.Team{devops, old}}
	s := &listServer{w: w, chans: []*model.ChannelWithTeamData{
		withTeamData(devops, chChannel(devops, "build")),
		withTeamData(old, chChannel(old, "legacy")),
		withTeamData(old, chChannel(old, "legacy-private", chPrivate)),
	}}
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("every team, tty %v", tty), func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tty))
			s.serve(e)
			err := e.Exec(NewCmdList(e.F, nil))
			chExpect(t, e, err, cmdutil.ExitOK, "2 channels of archived teams not shown: name the teams to list them")
			if !strings.Contains(e.Out.String(), "build") || strings.Contains(e.Out.String(), "legacy") {
				t.Errorf("stdout:\n%s", e.Out)
			}
		})
	}
	t.Run("naming the archived team lists its channels", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		s.serve(e)
		err := e.Exec(NewCmdList(e.F, nil), "old")
		chExpect(t, e, err, cmdutil.ExitOK)
		got := decodeNames(t, e.Out.Bytes())
		if !slices.Equal(got, []string{"legacy", "legacy-private"}) || e.ErrOut.Len() != 0 {
			t.Errorf("channels %v, stderr %q", got, e.ErrOut)
		}
	})
	t.Run("the teams cannot be listed", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		s.serve(e)
		e.Fake.GetAllTeamsFunc = func(context.Context, string, int, int) ([]*model.Team, *model.Response, error) {
			err := chAPIError(500, "x", "database down")
			return nil, chResp(err), err
		}
		err := e.Exec(NewCmdList(e.F, nil))
		chExpect(t, e, err, cmdutil.ExitError)
		var v any
		if json.Unmarshal(e.Out.Bytes(), &v) == nil && e.Out.Len() > 0 {
			t.Errorf("stdout parses as a whole list after the failure:\n%s", e.Out)
		}
	})
}

func decodeNames(t *testing.T, b []byte) []string {
	t.Helper()
	var got []struct{ Name string }
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	names := make([]string, len(got))
	for i, g := range got {
		names[i] = g.Name
	}
	return names
}

func TestListWithoutPermission(t *testing.T) {
	devops := chTeam("devops")
	alerts := chChannel(devops, "alerts")
	mine := chChannel(devops, "mine", chPrivate)
	gone := chChannel(devops, "gone", chArchived)
	goneMine := chChannel(devops, "gone-mine", chArchived, chPrivate)
	w := &chWorld{teams: []*model.Team{devops}}
	forbidden := chAPIError(403, "api.context.permissions.app_error", "You do not have the appropriate permissions.")

	for _, withTeam := range []bool{false, true} {
		t.Run(map[bool]string{false: "caller's teams", true: "given team"}[withTeam], func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.JSON(true))
			w.serve(e.Fake)
			e.Fake.GetAllChannelsIncludeDeletedFunc = func(context.Context, int, int, string) (model.ChannelListWithTeamData, *model.Response, error) {
				return nil, chResp(forbidden), forbidden
			}
			e.Fake.SearchAllChannelsPagedFunc = func(context.Context, *model.ChannelSearch) (*model.ChannelsWithCount, *model.Response, error) {
				return nil, chResp(forbidden), forbidden
			}
			e.Fake.GetTeamsForUserFunc = func(_ context.Context, user, _ string) ([]*model.Team, *model.Response, error) {
				if user != "me" {
					t.Errorf("GetTeamsForUser(%q)", user)
				}
				return []*model.Team{devops}, chResp(nil), nil
			}
			e.Fake.GetPrivateChannelsForTeamFunc = func(context.Context, string, int, int, string) ([]*model.Channel, *model.Response, error) {
				return nil, chResp(forbidden), forbidden
			}
			e.Fake.GetPublicChannelsForTeamFunc = func(_ context.Context, team string, p, _ int, _ string) ([]*model.Channel, *model.Response, error) {
				if p > 0 {
					return nil, chResp(nil), nil
				}
				return []*model.Channel{alerts}, chResp(nil), nil
			}
			e.Fake.GetDeletedChannelsForTeamFunc = func(_ context.Context, team string, p, _ int, _ string) ([]*model.Channel, *model.Response, error) {
				if p > 0 {
					return nil, chResp(nil), nil
				}
				return []*model.Channel{gone, goneMine}, chResp(nil), nil
			}
			e.Fake.GetChannelsForTeamForUserFunc = func(_ context.Context, team, user string, deleted bool, _ string) ([]*model.Channel, *model.Response, error) {
				if user != "me" || !deleted || team != devops.Id {
					t.Errorf("GetChannelsForTeamForUser(%q, %q, %t)", team, user, deleted)
				}
				return []*model.Channel{alerts, mine, goneMine}, chResp(nil), nil
			}
			var args []string
			if withTeam {
				args = []string{"devops"}
			}
			err := e.Exec(NewCmdList(e.F, nil), args...)
			chExpect(t, e, err, cmdutil.ExitOK, "listing the channels you can see: private channels you are not a member of need a system admin")
			var got []model.ChannelWithTeamData
			if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, ch := range got {
				names = append(names, ch.TeamName+":"+ch.Name)
			}
			if !slices.Equal(names, []string{"devops:alerts", "devops:gone", "devops:gone-mine", "devops:mine"}) {
				t.Errorf("listed %q", names)
			}
		})
	}
}

// In local mode the server offers neither the search of every channel nor the caller's teams
// (there is no caller), but lists private channels.
func TestListLocalMode(t *testing.T) {
	devops, ops := chTeam("devops"), chTeam("ops")
	w := &chWorld{teams: []*model.Team{devops, ops}}
	noRoute := chAPIError(404, "api.context.404.app_error", "Sorry, we could not find the page.")
	e := cmdtest.New(t)
	w.serve(e.Fake)
	e.Fake.SearchAllChannelsPagedFunc = func(context.Context, *model.ChannelSearch) (*model.ChannelsWithCount, *model.Response, error) {
		return nil, chResp(noRoute), noRoute
	}
	chans := map[string][]*model.Channel{
		devops.Id: {chChannel(devops, "pub")},
		ops.Id:    {chChannel(ops, "opspub")},
	}
	private := map[string][]*model.Channel{devops.Id: {chChannel(devops, "priv", chPrivate)}}
	one := func(m map[string][]*model.Channel) func(context.Context, string, int, int, string) ([]*model.Channel, *model.Response, error) {
		return func(_ context.Context, team string, p, _ int, _ string) ([]*model.Channel, *model.Response, error) {
			if p > 0 {
				return nil, chResp(nil), nil
			}
			return m[team], chResp(nil), nil
		}
	}
	e.Fake.GetPublicChannelsForTeamFunc = one(chans)
	e.Fake.GetPrivateChannelsForTeamFunc = one(private)
	e.Fake.GetDeletedChannelsForTeamFunc = one(nil)

	err := e.Exec(NewCmdList(e.F, nil), "ops", "devops")
	chExpect(t, e, err, cmdutil.ExitOK)
	var got []string
	for _, l := range strings.Split(strings.TrimSpace(e.Out.String()), "\n") {
		f := strings.Split(l, "\t")
		got = append(got, f[0]+":"+f[1])
	}
	if !slices.Equal(got, []string{"ops:opspub", "devops:pub", "devops:priv"}) || e.ErrOut.Len() != 0 {
		t.Errorf("listed %q; stderr:\n%s", got, e.ErrOut)
	}
}

func TestListEmptyJSON(t *testing.T) {
	e := cmdtest.New(t, cmdtest.JSON(true))
	(&listServer{w: &chWorld{}}).serve(e)
	err := e.Exec(NewCmdList(e.F, nil))
	chExpect(t, e, err, cmdutil.ExitOK)
	if e.Out.String() != "[]\n" {
		t.Errorf("stdout = %q, want []", e.Out)
	}
}
