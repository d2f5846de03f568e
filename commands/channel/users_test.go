package channel

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// The cu* helpers (channel users) are shared by the tests of `channel users`.

func cuUser(name string) *model.User {
	return &model.User{Id: model.NewId(), Username: name, Email: name + "@example.com", Roles: model.SystemUserRoleId}
}

// cuServer is a fake server holding one team with its channels, the members of the team and
// those of one channel: it answers the calls of the channel users verbs and keeps the
// memberships they change.
type cuServer struct {
	team     *model.Team
	channels []*model.Channel
	ch       *model.Channel // the channel whose members are kept
	users    []*model.User
	me       *model.User

	mu          sync.Mutex
	inTeam      map[string]bool
	members     map[string]bool
	addErr      map[string]error
	removeErr   map[string]error
	inFlight    atomic.Int32
	maxInFlight atomic.Int32
}

func cuServe(fake *clienttest.Fake, team *model.Team, ch *model.Channel, users []*model.User) *cuServer {
	s := &cuServer{team: team, ch: ch, channels: []*model.Channel{ch}, users: users,
		inTeam: map[string]bool{}, members: map[string]bool{}, addErr: map[string]error{}, removeErr: map[string]error{}}
	cmdtest.ServeUsers(fake, users...)
	ok := &model.Response{StatusCode: http.StatusOK}
	notFound := func(what string) (*model.Response, error) {
		return &model.Response{StatusCode: 404}, &client.Error{Status: 404, ID: "x.missing", Message: what + " not found"}
	}
	fake.GetTeamByNameFunc = func(_ context.Context, name, _ string) (*model.Team, *model.Response, error) {
		if name == team.Name {
			return team, ok, nil
		}
		r, err := notFound("team")
		return nil, r, err
	}
	fake.GetTeamFunc = func(_ context.Context, id, _ string) (*model.Team, *model.Response, error) {
		if id == team.Id {
			return team, ok, nil
		}
		r, err := notFound("team")
		return nil, r, err
	}
	fake.GetAllTeamsFunc = func(_ context.Context, _ string, page, _ int) ([]*model.Team, *model.Response, error) {
		if page > 0 {
			return nil, ok, nil
		}
		return []*model.Team{team}, ok, nil
	}
	fake.GetChannelByNameIncludeDeletedFunc = func(_ context.Context, name, teamID, _ string) (*model.Channel, *model.Response, error) {
		for _, c := range s.channels {
			if c.Name == name && c.TeamId == teamID {
				cp := *c
				return &cp, ok, nil
			}
		}
		r, err := notFound("channel")
		return nil, r, err
	}
	fake.GetChannelFunc = func(_ context.Context, id string) (*model.Channel, *model.Response, error) {
		for _, c := range s.channels {
			if c.Id == id {
				cp := *c
				return &cp, ok, nil
			}
		}
		r, err := notFound("channel")
		return nil, r, err
	}
	fake.GetTeamMembersByIdsFunc = func(_ context.Context, _ string, ids []string) ([]*model.TeamMember, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		var out []*model.TeamMember
		for _, id := range ids {
			if s.inTeam[id] {
				out = append(out, &model.TeamMember{TeamId: team.Id, UserId: id, Roles: "team_user"})
			}
		}
		return out, ok, nil
	}
	fake.GetChannelMembersByIdsFunc = func(_ context.Context, _ string, ids []string) (model.ChannelMembers, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		var out model.ChannelMembers
		for _, id := range ids {
			if s.members[id] {
				out = append(out, model.ChannelMember{ChannelId: ch.Id, UserId: id, Roles: "channel_user", SchemeUser: true})
			}
		}
		return out, ok, nil
	}
	fake.AddChannelMemberFunc = func(_ context.Context, channelID, userID string) (*model.ChannelMember, *model.Response, error) {
		n := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		for {
			m := s.maxInFlight.Load()
			if n <= m || s.maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		s.mu.Lock()
		defer s.mu.Unlock()
		if err := s.addErr[userID]; err != nil {
			return nil, &model.Response{StatusCode: client.StatusOf(err)}, err
		}
		if !s.inTeam[userID] {
			return nil, &model.Response{StatusCode: 404}, &client.Error{Status: 404, ID: "app.team.get_member.missing.app_error", Message: "No team member found for that user ID and team ID."}
		}
		s.members[userID] = true
		return &model.ChannelMember{ChannelId: channelID, UserId: userID}, &model.Response{StatusCode: 201}, nil
	}
	fake.RemoveUserFromChannelFunc = func(_ context.Context, _, userID string) (*model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if err := s.removeErr[userID]; err != nil {
			return &model.Response{StatusCode: client.StatusOf(err)}, err
		}
		delete(s.members, userID)
		return ok, nil
	}
	fake.GetUsersInChannelFunc = func(_ context.Context, _ string, page, perPage int, _ string) ([]*model.User, *model.Response, error) {
		s.mu.Lock()
		var in []*model.User
		for _, u := range s.users {
			if s.members[u.Id] {
				in = append(in, u)
			}
		}
		s.mu.Unlock()
		sort.Slice(in, func(i, j int) bool { return in[i].Username < in[j].Username })
		start := min(page*perPage, len(in))
		return in[start:min(start+perPage, len(in))], ok, nil
	}
	fake.GetMeFunc = func(context.Context, string) (*model.User, *model.Response, error) {
		if s.me == nil {
			return &model.User{Id: model.NewId(), Username: "admin"}, ok, nil
		}
		return s.me, ok, nil
	}
	return s
}

// join makes users members of the team (and, with channel, of the channel).
func (s *cuServer) join(channel bool, users ...*model.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range users {
		s.inTeam[u.Id] = true
		if channel {
			s.members[u.Id] = true
		}
	}
}

func (s *cuServer) isMember(u *model.User) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.members[u.Id]
}

func cuLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestUsersFlags(t *testing.T) {
	type captured struct {
		channel, team string
		users         []string
		bulk          cmdutil.BulkFlags
		all, yes      bool
	}
	tests := []struct {
		verb    string
		args    []string
		stdin   string
		want    captured
		wantErr string
	}{
		{verb: "add", args: []string{"devops:alerts", "alice", "bob"},
			want: captured{channel: "devops:alerts", users: []string{"alice", "bob"}, bulk: cmdutil.BulkFlags{Parallel: 8}}},
		{verb: "add", args: []string{"alerts", "--team", "devops", "--file", "-", "--parallel", "16", "--dry-run"}, stdin: "alice\n# x\nbob\n",
			want: captured{channel: "alerts", team: "devops", users: []string{"alice", "bob"}, bulk: cmdutil.BulkFlags{File: "-", Parallel: 16, DryRun: true}}},
		{verb: "add", args: []string{"alerts"}, wantErr: "give at least one user as an argument or with --file"},
		{verb: "add", args: nil, wantErr: "expects a channel and at least one user"},
		{verb: "add", args: []string{"alerts", ""}, wantErr: "argument 2 (<user>) is empty"},
		{verb: "remove", args: []string{"devops:alerts", "alice"},
			want: captured{channel: "devops:alerts", users: []string{"alice"}, bulk: cmdutil.BulkFlags{Parallel: 8}}},
		{verb: "remove", args: []string{"devops:alerts", "--all-users", "--yes"},
			want: captured{channel: "devops:alerts", bulk: cmdutil.BulkFlags{Parallel: 8}, all: true, yes: true}},
		{verb: "remove", args: []string{"devops:alerts", "--all_users", "--confirm", "--dry-run"},
			want: captured{channel: "devops:alerts", bulk: cmdutil.BulkFlags{Parallel: 8, DryRun: true}, all: true, yes: true}},
		{verb: "remove", args: []string{"devops:alerts"}, wantErr: "give at least one user as an argument or with --file"},
		{verb: "remove", args: []string{"devops:alerts", "alice", "--all-users"}, wantErr: "--all-users takes no users"},
		{verb: "remove", args: []string{"devops:alerts", "--file", "x", "--all-users"}, wantErr: "--all-users takes no users"},
		{verb: "remove", args: []string{"devops:alerts", "--all-users", "--parallel", "0"}, wantErr: "--parallel must be between 1 and 64"},
		{verb: "remove", args: []string{""}, wantErr: "argument 1 (<channel>) is empty"},
		{verb: "list", args: []string{"alerts", "--team", "devops"}, want: captured{channel: "alerts", team: "devops"}},
		{verb: "list", args: []string{"alerts", "bob"}, wantErr: "expects a channel, got 2"},
	}
	for _, tt := range tests {
		t.Run(tt.verb+" "+strings.Join(tt.args, " "), func(t *testing.T) {
			e := cmdtest.New(t)
			e.In.WriteString(tt.stdin)
			var got captured
			var cmd = NewCmdUsersList(e.F, func(_ context.Context, o *UsersListOptions) error {
				got = captured{channel: o.Channel, team: o.Team}
				return nil
			})
			switch tt.verb {
			case "add":
				cmd = NewCmdUsersAdd(e.F, func(_ context.Context, o *UsersAddOptions) error {
					got = captured{channel: o.Channel, team: o.Team, users: o.Args, bulk: o.Bulk}
					return nil
				})
			case "remove":
				cmd = NewCmdUsersRemove(e.F, func(_ context.Context, o *UsersRemoveOptions) error {
					got = captured{channel: o.Channel, team: o.Team, users: o.Args, bulk: o.Bulk, all: o.AllUsers, yes: o.Yes.Yes}
					return nil
				})
			}
			cmdutil.RejectEmptyArgs(cmd)
			err := e.Exec(cmd, tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v (exit %d), want a usage error containing %q", err, cmdutil.ExitCode(err), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.channel != tt.want.channel || got.team != tt.want.team || !slices.Equal(got.users, tt.want.users) ||
				got.bulk != tt.want.bulk || got.all != tt.want.all || got.yes != tt.want.yes {
				t.Errorf("options = %+v, want %+v", got, tt.want)
			}
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
			}
		})
	}
}

func TestUsersAddRun(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	alerts := &model.Channel{Id: model.NewId(), TeamId: devops.Id, Name: "alerts", Type: model.ChannelTypePrivate}
	alice, bob, carol := cuUser("alice"), cuUser("bob"), cuUser("carol")
	tests := []struct {
		name       string
		tty        bool
		args       []string
		channel    *model.Channel
		setup      func(s *cuServer)
		wantExit   int
		wantStderr []string // the lines, sorted
		wantAdded  []*model.User
		wantCalls  map[string]int
	}{
		{
			name: "team:channel at a terminal", tty: true, args: []string{"devops:alerts", "alice", "bob"},
			wantStderr: []string{"Added alice to channel devops:alerts", "Added bob to channel devops:alerts"},
			wantAdded:  []*model.User{alice, bob},
			wantCalls: map[string]int{"GetTeamByName": 1, "GetChannelByNameIncludeDeleted": 1, "GetTeam": 0, "GetUsersByUsernames": 1,
				"GetChannelMembersByIds": 1, "GetTeamMembersByIds": 1, "AddChannelMember": 2},
		},
		{
			name: "bare name with --team, in a pipe", args: []string{"alerts", "--team", "devops", "alice"},
			wantStderr: []string{"Added alice to channel devops:alerts"},
			wantAdded:  []*model.User{alice},
		},
		{
			name: "channel ID: its team is looked up for the label", args: []string{alerts.Id, "alice"},
			wantStderr: []string{"Added alice to channel devops:alerts"},
			wantAdded:  []*model.User{alice},
			wantCalls:  map[string]int{"GetChannel": 1, "GetTeam": 1},
		},
		{
			name: "already a member is a success that sends nothing", args: []string{"devops:alerts", "alice", "bob"},
			setup:      func(s *cuServer) { s.join(true, alice) },
			wantStderr: []string{"Added bob to channel devops:alerts", "User alice is already a member of channel devops:alerts: nothing to do"},
			wantAdded:  []*model.User{bob},
			wantCalls:  map[string]int{"AddChannelMember": 1},
		},
		{
			name: "a user outside the team fails with the command that helps, and is not sent", args: []string{"devops:alerts", "alice", "carol"},
			wantExit: cmdutil.ExitPartial,
			wantStderr: []string{"Added alice to channel devops:alerts",
				"carol: not a member of team devops; add them to the team first: matterctl team users add devops carol"},
			wantAdded: []*model.User{alice},
			wantCalls: map[string]int{"AddChannelMember": 1},
		},
		{
			name: "the server's refusal of a non-member reads the same", args: []string{"devops:alerts", "carol"},
			setup: func(s *cuServer) {
				// The team lookup says carol is in; the server then says she is not.
				s.inTeam[carol.Id] = true
				s.addErr[carol.Id] = &client.Error{Status: 404, ID: "app.team.get_member.missing.app_error", Message: "No team member found"}
			},
			wantExit:   cmdutil.ExitError,
			wantStderr: []string{"carol: not a member of team devops; add them to the team first: matterctl team users add devops carol"},
		},
		{
			name: "partial: the server refuses one (a deactivated user, say)", args: []string{"devops:alerts", "alice", "bob"},
			setup: func(s *cuServer) {
				s.addErr[bob.Id] = &client.Error{Status: 400, ID: "api.channel.add_user.to.channel.failed.app_error", Message: "Failed to add user to channel."}
			},
			wantExit:   cmdutil.ExitPartial,
			wantStderr: []string{"Added alice to channel devops:alerts", "bob: Failed to add user to channel. (HTTP 400)"},
			wantAdded:  []*model.User{alice},
		},
		{
			name: "archived channel refused before any change", args: []string{"devops:alerts", "alice"},
			channel:   &model.Channel{Id: alerts.Id, TeamId: devops.Id, Name: "alerts", Type: model.ChannelTypeOpen, DeleteAt: 1},
			wantExit:  cmdutil.ExitError,
			wantCalls: map[string]int{"AddChannelMember": 0, "GetChannelMembersByIds": 0},
		},
		{
			name: "unknown channel", args: []string{"devops:nope", "alice"},
			wantExit:  cmdutil.ExitNotFound,
			wantCalls: map[string]int{"AddChannelMember": 0},
		},
		{
			name: "dry run", args: []string{"devops:alerts", "--dry-run", "alice", "bob", "carol"},
			setup:    func(s *cuServer) { s.join(true, bob) },
			wantExit: cmdutil.ExitPartial,
			wantStderr: []string{"user bob is already a member of channel devops:alerts: nothing would change",
				"carol: not a member of team devops; add them to the team first: matterctl team users add devops carol",
				"would add alice to channel devops:alerts"},
			wantCalls: map[string]int{"AddChannelMember": 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			ch := alerts
			if tt.channel != nil {
				ch = tt.channel
			}
			s := cuServe(e.Fake, devops, ch, []*model.User{alice, bob, carol})
			s.join(false, alice, bob)
			if tt.setup != nil {
				tt.setup(s)
			}
			before := map[string]bool{}
			for _, u := range []*model.User{alice, bob, carol} {
				before[u.Id] = s.isMember(u)
			}
			err := e.Exec(NewCmdUsersAdd(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			if tt.wantStderr != nil {
				got := cuLines(e.ErrOut.String())
				sort.Strings(got)
				want := slices.Clone(tt.wantStderr)
				sort.Strings(want)
				if !slices.Equal(got, want) {
					t.Errorf("stderr = %q, want %q", got, want)
				}
			}
			var added []*model.User
			for _, u := range []*model.User{alice, bob, carol} {
				if s.isMember(u) && !before[u.Id] {
					added = append(added, u)
				}
			}
			if !slices.Equal(added, tt.wantAdded) {
				t.Errorf("added %d users, want %d", len(added), len(tt.wantAdded))
			}
			for name, want := range tt.wantCalls {
				if got := e.Fake.Calls(name); got != want {
					t.Errorf("%s calls = %d, want %d", name, got, want)
				}
			}
		})
	}
}

// 500 users: 5 requests resolve them, one their channel memberships and one their team
// memberships; then one add each, --parallel at a time (the server has no batch).
func TestUsersAdd500RequestCounts(t *testing.T) {
	for _, parallel := range []int32{8, 1, 32} {
		t.Run(fmt.Sprint(parallel), func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.JSON(true))
			devops := &model.Team{Id: model.NewId(), Name: "devops"}
			alerts := &model.Channel{Id: model.NewId(), TeamId: devops.Id, Name: "alerts", Type: model.ChannelTypeOpen}
			var users []*model.User
			args := []string{"devops:alerts", "--parallel", fmt.Sprint(parallel)}
			for i := range 500 {
				u := cuUser(fmt.Sprintf("user%03d", i))
				users = append(users, u)
				args = append(args, u.Username)
			}
			s := cuServe(e.Fake, devops, alerts, users)
			s.join(false, users...)
			if err := e.Exec(NewCmdUsersAdd(e.F, nil), args...); err != nil {
				t.Fatalf("err = %v\nstderr:\n%s", err, e.ErrOut)
			}
			for name, want := range map[string]int{"GetTeamByName": 1, "GetChannelByNameIncludeDeleted": 1, "GetUsersByUsernames": 5,
				"GetChannelMembersByIds": 1, "GetTeamMembersByIds": 1, "AddChannelMember": 500} {
				if got := e.Fake.Calls(name); got != want {
					t.Errorf("%s calls = %d, want %d", name, got, want)
				}
			}
			if got := s.maxInFlight.Load(); got > parallel || (parallel > 1 && got < 2) {
				t.Errorf("%d adds in flight at once, want ≤ %d (and some overlap)", got, parallel)
			}
			var rows []struct {
				Input   string `json:"input"`
				OK      bool   `json:"ok"`
				Changed bool   `json:"changed"`
			}
			if err := json.Unmarshal(e.Out.Bytes(), &rows); err != nil || len(rows) != 500 {
				t.Fatalf("rows: %v (%d)", err, len(rows))
			}
			for i, r := range rows {
				if r.Input != users[i].Username || !r.OK || !r.Changed {
					t.Fatalf("row %d = %+v", i, r)
				}
			}
		})
	}
}

func TestUsersRemoveRun(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	alerts := &model.Channel{Id: model.NewId(), TeamId: devops.Id, Name: "alerts", Type: model.ChannelTypeOpen}
	town := &model.Channel{Id: model.NewId(), TeamId: devops.Id, Name: model.DefaultChannelName, Type: model.ChannelTypeOpen}
	alice, bob, carol := cuUser("alice"), cuUser("bob"), cuUser("carol")
	tests := []struct {
		name        string
		args        []string
		channel     *model.Channel
		setup       func(s *cuServer)
		wantExit    int
		wantStderr  []string
		wantRemoved []*model.User
	}{
		{
			name: "members and a non-member", args: []string{"devops:alerts", "alice", "carol"},
			wantStderr:  []string{"Removed alice from channel devops:alerts", "User carol is not a member of channel devops:alerts: nothing to do"},
			wantRemoved: []*model.User{alice},
		},
		{
			name: "archived channels too", args: []string{"devops:alerts", "bob"},
			channel:     &model.Channel{Id: alerts.Id, TeamId: devops.Id, Name: "alerts", Type: model.ChannelTypeOpen, DeleteAt: 1},
			wantStderr:  []string{"Removed bob from channel devops:alerts"},
			wantRemoved: []*model.User{bob},
		},
		{
			name: "the default channel: the server's refusal says what to do", args: []string{"devops:town-square", "alice"},
			channel: town,
			setup: func(s *cuServer) {
				s.removeErr[alice.Id] = &client.Error{Status: 400, ID: "api.channel.remove.default.app_error", Message: "Unable to remove user from the default channel town-square."}
			},
			wantExit:   cmdutil.ExitError,
			wantStderr: []string{"alice: town-square is the default channel of team devops: members leave it only by leaving the team (matterctl team users remove devops alice)"},
		},
		{
			name: "dry run", args: []string{"devops:alerts", "alice", "--dry-run"},
			wantStderr: []string{"would remove alice from channel devops:alerts"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			ch := alerts
			if tt.channel != nil {
				ch = tt.channel
			}
			s := cuServe(e.Fake, devops, ch, []*model.User{alice, bob, carol})
			s.join(true, alice, bob)
			if tt.setup != nil {
				tt.setup(s)
			}
			err := e.Exec(NewCmdUsersRemove(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			if got := cuLines(e.ErrOut.String()); !slices.Equal(got, tt.wantStderr) {
				t.Errorf("stderr = %q, want %q", got, tt.wantStderr)
			}
			var removed []*model.User
			for _, u := range []*model.User{alice, bob} {
				if !s.isMember(u) {
					removed = append(removed, u)
				}
			}
			if !slices.Equal(removed, tt.wantRemoved) {
				t.Errorf("removed %d, want %d", len(removed), len(tt.wantRemoved))
			}
		})
	}
}

func TestUsersRemoveAllUsers(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	alerts := &model.Channel{Id: model.NewId(), TeamId: devops.Id, Name: "alerts", Type: model.ChannelTypePrivate}
	var users []*model.User
	for i := range 450 {
		users = append(users, cuUser(fmt.Sprintf("user%03d", i)))
	}
	me := users[7]
	setup := func(t *testing.T, opts ...cmdtest.Option) (*cmdtest.Env, *cuServer) {
		e := cmdtest.New(t, opts...)
		s := cuServe(e.Fake, devops, alerts, users)
		s.me = me
		s.join(true, users...)
		return e, s
	}
	remaining := func(s *cuServer) []string {
		var out []string
		for _, u := range users {
			if s.isMember(u) {
				out = append(out, u.Username)
			}
		}
		return out
	}

	t.Run("every member but the caller, past 200, without a terminal", func(t *testing.T) {
		e, s := setup(t)
		if err := e.Exec(NewCmdUsersRemove(e.F, nil), "devops:alerts", "--all-users"); err != nil {
			t.Fatalf("err = %v\nstderr:\n%s", err, e.ErrOut)
		}
		if got := remaining(s); !slices.Equal(got, []string{me.Username}) {
			t.Errorf("members left: %v, want only the caller", got)
		}
		if got := e.Fake.Calls("RemoveUserFromChannel"); got != 449 {
			t.Errorf("RemoveUserFromChannel calls = %d, want 449", got)
		}
		// 450 members: 3 pages, and none of the per-user lookups.
		if got := e.Fake.Calls("GetUsersInChannel"); got < 3 {
			t.Errorf("GetUsersInChannel calls = %d, want 3 or more", got)
		}
		for name, want := range map[string]int{"GetMe": 1, "GetUsersByUsernames": 0, "GetChannelMembersByIds": 0} {
			if got := e.Fake.Calls(name); got != want {
				t.Errorf("%s calls = %d, want %d", name, got, want)
			}
		}
		lines := cuLines(e.ErrOut.String())
		if lines[0] != "Keeping user007 (you) in channel devops:alerts: name yourself to remove yourself" {
			t.Errorf("first line %q", lines[0])
		}
		if n := strings.Count(e.ErrOut.String(), "Removed user"); n != 449 {
			t.Errorf("%d removal lines, want 449", n)
		}
	})

	t.Run("no user behind the session (local mode): everyone goes", func(t *testing.T) {
		e, s := setup(t)
		e.Fake.GetMeFunc = func(context.Context, string) (*model.User, *model.Response, error) {
			return nil, &model.Response{StatusCode: 400}, &client.Error{Status: 400, ID: "api.context.invalid_url_param.app_error", Message: "Invalid or missing user_id parameter in request URL."}
		}
		if err := e.Exec(NewCmdUsersRemove(e.F, nil), "devops:alerts", "--all-users"); err != nil {
			t.Fatalf("err = %v\nstderr:\n%s", err, e.ErrOut)
		}
		if got := remaining(s); len(got) != 0 {
			t.Errorf("members left: %v", got)
		}
	})

	t.Run("the caller cannot be looked up for another reason: nothing removed", func(t *testing.T) {
		e, s := setup(t)
		e.Fake.GetMeFunc = func(context.Context, string) (*model.User, *model.Response, error) {
			return nil, &model.Response{StatusCode: 502}, &client.Error{Status: 502, Message: "Bad Gateway"}
		}
		err := e.Exec(NewCmdUsersRemove(e.F, nil), "devops:alerts", "--all-users")
		if cmdutil.ExitCode(err) != cmdutil.ExitError || len(remaining(s)) != 450 {
			t.Errorf("err = %v, %d members left", err, len(remaining(s)))
		}
	})

	t.Run("at a terminal it asks; no keeps everyone", func(t *testing.T) {
		e, s := setup(t, cmdtest.TTY(true))
		e.Prompter.Script(cmdtest.Confirm("Remove all 449 members of channel devops:alerts (user000, user001", false))
		err := e.Exec(NewCmdUsersRemove(e.F, nil), "devops:alerts", "--all-users")
		if cmdutil.ExitCode(err) != cmdutil.ExitInterrupted {
			t.Fatalf("exit = %d (%v), want 130", cmdutil.ExitCode(err), err)
		}
		if got := len(remaining(s)); got != 450 || e.Fake.Calls("RemoveUserFromChannel") != 0 {
			t.Errorf("%d members left, %d removals", got, e.Fake.Calls("RemoveUserFromChannel"))
		}
	})

	t.Run("at a terminal it asks; yes removes", func(t *testing.T) {
		e, s := setup(t, cmdtest.TTY(true))
		e.Prompter.Script(cmdtest.Confirm("Remove all 449 members", true))
		if err := e.Exec(NewCmdUsersRemove(e.F, nil), "devops:alerts", "--all-users"); err != nil {
			t.Fatal(err)
		}
		if got := remaining(s); len(got) != 1 {
			t.Errorf("members left: %v", got)
		}
	})

	t.Run("--yes at a terminal does not ask", func(t *testing.T) {
		e, s := setup(t, cmdtest.TTY(true))
		if err := e.Exec(NewCmdUsersRemove(e.F, nil), "devops:alerts", "--all-users", "--yes"); err != nil {
			t.Fatal(err)
		}
		if got := remaining(s); len(got) != 1 {
			t.Errorf("members left: %v", got)
		}
	})

	t.Run("dry run asks nothing and changes nothing", func(t *testing.T) {
		e, s := setup(t, cmdtest.TTY(true), cmdtest.JSON(true))
		if err := e.Exec(NewCmdUsersRemove(e.F, nil), "devops:alerts", "--all-users", "--dry-run"); err != nil {
			t.Fatal(err)
		}
		if len(remaining(s)) != 450 || e.Fake.Calls("RemoveUserFromChannel") != 0 {
			t.Errorf("the dry run changed something")
		}
		var rows []struct {
			Input   string `json:"input"`
			DryRun  bool   `json:"dry_run"`
			Changed bool   `json:"changed"`
		}
		if err := json.Unmarshal(e.Out.Bytes(), &rows); err != nil || len(rows) != 449 || rows[0].Input != "user000" || !rows[0].DryRun || !rows[0].Changed {
			t.Errorf("rows: %v, %d, %+v", err, len(rows), rows[:1])
		}
	})

	t.Run("only the caller left: nothing to do", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		s := cuServe(e.Fake, devops, alerts, users)
		s.me = me
		s.join(true, me)
		if err := e.Exec(NewCmdUsersRemove(e.F, nil), "devops:alerts", "--all-users"); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(e.Out.String()); got != "[]" {
			t.Errorf("stdout = %q, want []", got)
		}
		want := []string{"Keeping user007 (you) in channel devops:alerts: name yourself to remove yourself",
			"channel devops:alerts has no other members to remove"}
		if got := cuLines(e.ErrOut.String()); !slices.Equal(got, want) {
			t.Errorf("stderr = %q, want %q", got, want)
		}
	})

	t.Run("the default channel is refused before anything", func(t *testing.T) {
		e := cmdtest.New(t)
		town := &model.Channel{Id: model.NewId(), TeamId: devops.Id, Name: model.DefaultChannelName, Type: model.ChannelTypeOpen}
		cuServe(e.Fake, devops, town, users).join(true, users...)
		err := e.Exec(NewCmdUsersRemove(e.F, nil), "devops:town-square", "--all-users")
		if cmdutil.ExitCode(err) != cmdutil.ExitError || !strings.Contains(err.Error(), "leave it only by leaving the team") {
			t.Fatalf("err = %v", err)
		}
		if e.Fake.Calls("GetUsersInChannel") != 0 || e.Fake.Calls("RemoveUserFromChannel") != 0 {
			t.Errorf("members listed or removed")
		}
	})
}

func TestUsersListRun(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	alerts := &model.Channel{Id: model.NewId(), TeamId: devops.Id, Name: "alerts", Type: model.ChannelTypePrivate, DeleteAt: 1}
	var users []*model.User
	for i := range 250 {
		users = append(users, cuUser(fmt.Sprintf("user%03d", i)))
	}

	t.Run("plain, archived channel, every page", func(t *testing.T) {
		e := cmdtest.New(t)
		cuServe(e.Fake, devops, alerts, users).join(true, users...)
		if err := e.Exec(NewCmdUsersList(e.F, nil), "alerts", "--team", "devops"); err != nil {
			t.Fatalf("err = %v\nstderr: %s", err, e.ErrOut)
		}
		lines := cuLines(e.Out.String())
		if len(lines) != 250 {
			t.Fatalf("%d lines, want 250", len(lines))
		}
		if want := users[0].Id + "\tuser000\tuser000@example.com\t\tsystem_user\tactive\tchannel_user"; lines[0] != want {
			t.Errorf("line 0 = %q, want %q", lines[0], want)
		}
		if got := e.Fake.Calls("GetChannelMembersByIds"); got != 2 {
			t.Errorf("GetChannelMembersByIds calls = %d, want 2 (one per page)", got)
		}
	})

	t.Run("json", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		cuServe(e.Fake, devops, alerts, users).join(true, users[:3]...)
		if err := e.Exec(NewCmdUsersList(e.F, nil), "devops:alerts"); err != nil {
			t.Fatal(err)
		}
		var got []struct {
			Username      string `json:"username"`
			ChannelMember struct {
				ChannelID string `json:"channel_id"`
				Roles     string `json:"roles"`
			} `json:"channel_member"`
		}
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil || len(got) != 3 {
			t.Fatalf("%v, %d users", err, len(got))
		}
		if got[2].Username != "user002" || got[2].ChannelMember.ChannelID != alerts.Id || got[2].ChannelMember.Roles != "channel_user" {
			t.Errorf("user 2 = %+v", got[2])
		}
	})

	t.Run("ambiguous bare name is a usage error", func(t *testing.T) {
		e := cmdtest.New(t)
		s := cuServe(e.Fake, devops, alerts, users)
		qa := &model.Team{Id: model.NewId(), Name: "qa"}
		s.channels = append(s.channels, &model.Channel{Id: model.NewId(), TeamId: qa.Id, Name: "alerts", Type: model.ChannelTypeOpen})
		e.Fake.GetAllTeamsFunc = func(_ context.Context, _ string, page, _ int) ([]*model.Team, *model.Response, error) {
			if page > 0 {
				return nil, &model.Response{StatusCode: 200}, nil
			}
			return []*model.Team{devops, qa}, &model.Response{StatusCode: 200}, nil
		}
		err := e.Exec(NewCmdUsersList(e.F, nil), "alerts")
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "devops:alerts") || !strings.Contains(err.Error(), "qa:alerts") {
			t.Errorf("err = %v (exit %d)", err, cmdutil.ExitCode(err))
		}
	})
}

// An add the server does not answer (it is restarting) is sent again until it is; a user it
// added before the answer was lost is reported added, not failed; one that stays unanswered is
// unknown when the request was sent, failed when it never was.
func TestUsersAddUnanswered(t *testing.T) {
	old := cmdutil.UnansweredWait
	cmdutil.UnansweredWait.For, cmdutil.UnansweredWait.Every = 150*time.Millisecond, 10*time.Millisecond
	t.Cleanup(func() { cmdutil.UnansweredWait = old })
	refused := &url.Error{Op: "Post", URL: "http://mm/api/v4/channels/x/members", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
	reset := &url.Error{Op: "Post", URL: "http://mm/api/v4/channels/x/members", Err: syscall.ECONNRESET}
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	alerts := &model.Channel{Id: model.NewId(), TeamId: devops.Id, Name: "alerts", Type: model.ChannelTypeOpen}
	for _, tt := range []struct {
		name string
		// attempt answers call n of alice's add: whether the server adds her first, how many
		// requests were written (the transport may retry within a call), and the error.
		attempt  func(n int) (adds bool, writes int, err error)
		wantRow  string // "added" or the start of the error
		wantExit int
		wantAdds int // calls for alice (0: a few, until the wait ran out)
	}{
		{name: "reset, the transport's retry refused, then answered: added once",
			attempt: func(n int) (bool, int, error) {
				if n == 0 {
					return true, 1, refused
				}
				return false, 1, nil
			}, wantRow: "added", wantAdds: 2},
		{name: "503, then answered", attempt: func(n int) (bool, int, error) {
			if n == 0 {
				return false, 1, &client.Error{Status: http.StatusServiceUnavailable, Message: "restarting"}
			}
			return false, 1, nil
		}, wantRow: "added", wantAdds: 2},
		{name: "added, then the answer lost for good: the members say added",
			attempt: func(n int) (bool, int, error) {
				if n == 0 {
					return true, 1, reset
				}
				return false, 0, refused
			}, wantRow: "added"},
		{name: "never sent, never answered: failed", attempt: func(int) (bool, int, error) { return false, 0, refused },
			wantRow: "Post", wantExit: cmdutil.ExitError},
		{name: "refused by the server: not sent again", attempt: func(int) (bool, int, error) {
			return false, 1, &client.Error{Status: http.StatusForbidden, Message: "no permission"}
		}, wantRow: "no permission", wantExit: cmdutil.ExitAuth, wantAdds: 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.JSON(true))
			alice := cuUser("alice")
			s := cuServe(e.Fake, devops, alerts, []*model.User{alice})
			s.join(false, alice)
			answer := e.Fake.AddChannelMemberFunc
			n := 0
			e.Fake.AddChannelMemberFunc = func(ctx context.Context, channelID, userID string) (*model.ChannelMember, *model.Response, error) {
				adds, writes, err := tt.attempt(n)
				n++
				if trace := httptrace.ContextClientTrace(ctx); trace != nil && trace.WroteRequest != nil {
					for range writes {
						trace.WroteRequest(httptrace.WroteRequestInfo{})
					}
				}
				if adds {
					if _, _, aerr := answer(ctx, channelID, userID); aerr != nil {
						t.Fatal(aerr)
					}
				}
				if err != nil {
					return nil, &model.Response{StatusCode: client.StatusOf(err)}, err
				}
				return answer(ctx, channelID, userID)
			}
			err := e.Exec(NewCmdUsersAdd(e.F, nil), "devops:alerts", "alice")
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			var rows []struct {
				OK    bool   `json:"ok"`
				Error string `json:"error"`
			}
			if err := json.Unmarshal(e.Out.Bytes(), &rows); err != nil || len(rows) != 1 {
				t.Fatalf("rows %v: %s", err, e.Out)
			}
			switch {
			case tt.wantRow == "added":
				if !rows[0].OK || !s.isMember(alice) {
					t.Errorf("row %+v, member %v; want added", rows[0], s.isMember(alice))
				}
			case rows[0].OK || !strings.HasPrefix(rows[0].Error, tt.wantRow) || s.isMember(alice):
				t.Errorf("row %+v, member %v; want failed with %q", rows[0], s.isMember(alice), tt.wantRow)
			}
			if tt.wantAdds != 0 && n != tt.wantAdds {
				t.Errorf("%d adds, want %d", n, tt.wantAdds)
			}
			if tt.wantAdds == 0 && (n < 3 || n > 20) {
				t.Errorf("%d adds while the server did not answer, want a few", n)
			}
		})
	}
}
