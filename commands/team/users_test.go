package team

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// The mb* helpers (members) are shared by the tests of `team users`.

func mbUser(name string) *model.User {
	return &model.User{Id: model.NewId(), Username: name, Email: name + "@example.com", Roles: model.SystemUserRoleId}
}

// mbTeamServer is a fake server holding one team and its members: it answers the calls of the
// team users verbs and keeps the memberships they change.
type mbTeamServer struct {
	team  *model.Team
	users []*model.User

	mu      sync.Mutex
	members map[string]*model.TeamMember
	// refuse holds the per-user errors of the graceful batch answer.
	refuse map[string]*model.AppError
	// batchErr, when set, fails every batch request; removeErr every removal of its user.
	batchErr  error
	removeErr map[string]error
	batches   [][]string
	inFlight  atomic.Int32
	maxFlight atomic.Int32
}

func mbServeTeam(fake *clienttest.Fake, team *model.Team, users []*model.User, members ...*model.User) *mbTeamServer {
	s := &mbTeamServer{team: team, users: users, members: map[string]*model.TeamMember{}, refuse: map[string]*model.AppError{}, removeErr: map[string]error{}}
	for _, u := range members {
		s.members[u.Id] = &model.TeamMember{TeamId: team.Id, UserId: u.Id, Roles: "team_user", SchemeUser: true}
	}
	cmdtest.ServeUsers(fake, users...)
	ok := &model.Response{StatusCode: http.StatusOK}
	fake.GetTeamByNameFunc = func(_ context.Context, name, _ string) (*model.Team, *model.Response, error) {
		if name == team.Name {
			return team, ok, nil
		}
		return nil, &model.Response{StatusCode: 404}, &client.Error{Status: 404, ID: "app.team.get_by_name.missing.app_error", Message: "Unable to find the existing team."}
	}
	fake.GetTeamFunc = func(_ context.Context, id, _ string) (*model.Team, *model.Response, error) {
		if id == team.Id {
			return team, ok, nil
		}
		return nil, &model.Response{StatusCode: 404}, &client.Error{Status: 404, ID: "app.team.get.find.app_error", Message: "Unable to find the existing team."}
	}
	fake.GetTeamMembersByIdsFunc = func(_ context.Context, teamID string, ids []string) ([]*model.TeamMember, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		var out []*model.TeamMember
		for _, id := range ids {
			if m := s.members[id]; m != nil && teamID == team.Id {
				c := *m
				out = append(out, &c)
			}
		}
		return out, ok, nil
	}
	fake.AddTeamMembersGracefullyFunc = func(_ context.Context, teamID string, ids []string) ([]*model.TeamMemberWithError, *model.Response, error) {
		n := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		for {
			m := s.maxFlight.Load()
			if n <= m || s.maxFlight.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.batches = append(s.batches, slices.Clone(ids))
		if s.batchErr != nil {
			return nil, &model.Response{StatusCode: client.StatusOf(s.batchErr)}, s.batchErr
		}
		var out []*model.TeamMemberWithError
		for _, id := range ids {
			if e := s.refuse[id]; e != nil {
				out = append(out, &model.TeamMemberWithError{UserId: id, Error: e})
				continue
			}
			m := &model.TeamMember{TeamId: teamID, UserId: id, Roles: "team_user", SchemeUser: true}
			s.members[id] = m
			out = append(out, &model.TeamMemberWithError{UserId: id, Member: m})
		}
		return out, &model.Response{StatusCode: http.StatusCreated}, nil
	}
	fake.RemoveTeamMemberFunc = func(_ context.Context, _, userID string) (*model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if err := s.removeErr[userID]; err != nil {
			return &model.Response{StatusCode: client.StatusOf(err)}, err
		}
		delete(s.members, userID)
		return ok, nil
	}
	fake.GetTeamMembersFunc = func(_ context.Context, _ string, page, perPage int, _ string) ([]*model.TeamMember, *model.Response, error) {
		s.mu.Lock()
		var in []*model.TeamMember
		for _, m := range s.members {
			c := *m
			in = append(in, &c)
		}
		s.mu.Unlock()
		sort.Slice(in, func(i, j int) bool { return in[i].UserId < in[j].UserId })
		start := min(page*perPage, len(in))
		return in[start:min(start+perPage, len(in))], ok, nil
	}
	return s
}

func (s *mbTeamServer) isMember(u *model.User) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.members[u.Id] != nil
}

// mbLines is the non-empty lines of s.
func mbLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// mbRow is a JSON row of the members verbs.
type mbRow struct {
	Input   string      `json:"input"`
	OK      bool        `json:"ok"`
	DryRun  bool        `json:"dry_run"`
	Changed *bool       `json:"changed"`
	User    *model.User `json:"user"`
	Error   string      `json:"error"`
}

func mbRows(t *testing.T, stdout string) []mbRow {
	t.Helper()
	var rows []mbRow
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("stdout is not one JSON array of rows: %v\n%s", err, stdout)
	}
	return rows
}

func TestUsersAddRemoveFlags(t *testing.T) {
	type captured struct {
		team  string
		users []string
		bulk  cmdutil.BulkFlags
	}
	for _, verb := range []string{"add", "remove"} {
		tests := []struct {
			name    string
			args    []string
			stdin   string
			want    captured
			wantErr string
		}{
			{name: "team and users", args: []string{"devops", "alice", "bob@example.com"},
				want: captured{team: "devops", users: []string{"alice", "bob@example.com"}, bulk: cmdutil.BulkFlags{Parallel: 8}}},
			{name: "flags", args: []string{"--dry-run", "--parallel", "3", "devops", "alice"},
				want: captured{team: "devops", users: []string{"alice"}, bulk: cmdutil.BulkFlags{Parallel: 3, DryRun: true}}},
			{name: "users from stdin", args: []string{"devops", "carol", "--file", "-"}, stdin: "# new\nalice\n\n bob \n",
				want: captured{team: "devops", users: []string{"carol", "alice", "bob"}, bulk: cmdutil.BulkFlags{File: "-", Parallel: 8}}},
			{name: "underscore spelling", args: []string{"devops", "alice", "--dry_run"},
				want: captured{team: "devops", users: []string{"alice"}, bulk: cmdutil.BulkFlags{Parallel: 8, DryRun: true}}},
			{name: "no arguments", wantErr: "expects a team and at least one user"},
			{name: "team only", args: []string{"devops"}, wantErr: "give at least one user as an argument or with --file"},
			{name: "empty file", args: []string{"devops", "--file", "-"}, stdin: "# nobody\n", wantErr: "give at least one user"},
			{name: "parallel out of range", args: []string{"devops", "alice", "--parallel", "65"}, wantErr: "--parallel must be between 1 and 64"},
			{name: "empty user", args: []string{"devops", " "}, wantErr: "argument 2 (<user>) is only whitespace"},
		}
		for _, tt := range tests {
			t.Run(verb+"/"+tt.name, func(t *testing.T) {
				e := cmdtest.New(t)
				e.In.WriteString(tt.stdin)
				var got captured
				cmd := NewCmdUsersAdd(e.F, func(_ context.Context, o *UsersAddOptions) error {
					got = captured{o.Team, o.Args, o.Bulk}
					return nil
				})
				if verb == "remove" {
					cmd = NewCmdUsersRemove(e.F, func(_ context.Context, o *UsersRemoveOptions) error {
						got = captured{o.Team, o.Args, o.Bulk}
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
				if got.team != tt.want.team || !slices.Equal(got.users, tt.want.users) || got.bulk != tt.want.bulk {
					t.Errorf("options = %+v, want %+v", got, tt.want)
				}
				if e.Fake.TotalCalls() != 0 {
					t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
				}
			})
		}
	}
}

func TestUsersAddRun(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops", DisplayName: "DevOps", Type: model.TeamOpen}
	alice, bob, carol := mbUser("alice"), mbUser("bob"), mbUser("carol")
	tests := []struct {
		name       string
		tty        bool
		args       []string
		team       *model.Team
		members    []*model.User
		setup      func(s *mbTeamServer)
		wantExit   int
		wantStderr []string
		wantAdded  []*model.User
		wantCalls  map[string]int
	}{
		{
			name: "adds at a terminal", tty: true, args: []string{"devops", "alice", "bob"},
			wantStderr: []string{"Added alice to team devops", "Added bob to team devops"},
			wantAdded:  []*model.User{alice, bob},
			// Two users, two batch requests of one side by side: the server adds each user in
			// turn, so that halves the wait.
			wantCalls: map[string]int{"GetTeamByName": 1, "GetUsersByUsernames": 1, "GetTeamMembersByIds": 1, "AddTeamMembersGracefully": 2},
		},
		{
			name: "adds in a pipe, team by ID, users by ID and email", args: []string{devops.Id, alice.Id, "bob@example.com"},
			wantStderr: []string{"Added alice to team devops", "Added bob to team devops"},
			wantAdded:  []*model.User{alice, bob},
			wantCalls:  map[string]int{"GetTeam": 1, "GetTeamByName": 0, "GetUsersByIds": 1, "GetUserByEmail": 1, "AddTeamMembersGracefully": 2},
		},
		{
			name: "already a member is a success that sends nothing", args: []string{"devops", "alice", "bob"}, members: []*model.User{alice, bob},
			wantStderr: []string{"User alice is already a member of team devops: nothing to do", "User bob is already a member of team devops: nothing to do"},
			wantCalls:  map[string]int{"AddTeamMembersGracefully": 0},
		},
		{
			name: "a member and a new user", args: []string{"devops", "alice", "carol"}, members: []*model.User{alice},
			wantStderr: []string{"User alice is already a member of team devops: nothing to do", "Added carol to team devops"},
			wantAdded:  []*model.User{carol},
		},
		{
			name: "partial: an unknown user", args: []string{"devops", "alice", "ghost"},
			wantExit:   cmdutil.ExitPartial,
			wantStderr: []string{"Added alice to team devops", `ghost: user "ghost" not found`, "error: 1 of 2 failed"},
			wantAdded:  []*model.User{alice},
		},
		{
			name: "partial: the server refuses one user in its answer", args: []string{"devops", "alice", "bob"},
			setup: func(s *mbTeamServer) {
				s.refuse[bob.Id] = model.NewAppError("JoinUserToTeam", "api.team.join_user_to_team.allowed_domains.app_error", nil, "", http.StatusBadRequest)
				s.refuse[bob.Id].Message = "The user cannot be added as the domain associated with the account is not permitted."
			},
			wantExit: cmdutil.ExitPartial,
			wantStderr: []string{"Added alice to team devops",
				"bob: The user cannot be added as the domain associated with the account is not permitted. (HTTP 400)"},
			wantAdded: []*model.User{alice},
		},
		{
			name: "the batch request fails: every user fails with it", args: []string{"devops", "alice", "bob"},
			setup:      func(s *mbTeamServer) { s.batchErr = &client.Error{Status: 500, Message: "boom"} },
			wantExit:   cmdutil.ExitError,
			wantStderr: []string{"alice: boom (HTTP 500)", "bob: boom (HTTP 500)"},
		},
		{
			name: "permission denied on the batch", args: []string{"devops", "alice"},
			setup: func(s *mbTeamServer) {
				s.batchErr = &client.Error{Status: 403, Message: "You do not have the appropriate permissions."}
			},
			wantExit:   cmdutil.ExitAuth,
			wantStderr: []string{"alice: You do not have the appropriate permissions. (HTTP 403)"},
		},
		{
			name: "unknown team: nothing sent", args: []string{"nope", "alice"},
			wantExit:  cmdutil.ExitNotFound,
			wantCalls: map[string]int{"GetTeamMembersByIds": 0, "AddTeamMembersGracefully": 0},
		},
		{
			name: "archived team refused", args: []string{"devops", "alice"},
			team:      &model.Team{Id: devops.Id, Name: "devops", DeleteAt: 1},
			wantExit:  cmdutil.ExitError,
			wantCalls: map[string]int{"AddTeamMembersGracefully": 0},
		},
		{
			name: "dry run changes nothing", args: []string{"devops", "--dry-run", "alice", "bob", "ghost"}, members: []*model.User{bob},
			wantExit:   cmdutil.ExitPartial,
			wantStderr: []string{"would add alice to team devops", "user bob is already a member of team devops: nothing would change", `ghost: user "ghost" not found`},
			wantCalls:  map[string]int{"AddTeamMembersGracefully": 0, "GetTeamMembersByIds": 1},
		},
		{
			name: "the same user named three ways is added once", args: []string{"devops", "alice", "@alice", "alice@example.com"},
			wantStderr: []string{"Added alice to team devops", "@alice: same user as argument 1", "alice@example.com: same user as argument 1"},
			wantAdded:  []*model.User{alice},
			wantCalls:  map[string]int{"AddTeamMembersGracefully": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			team := devops
			if tt.team != nil {
				team = tt.team
			}
			s := mbServeTeam(e.Fake, team, []*model.User{alice, bob, carol}, tt.members...)
			if tt.setup != nil {
				tt.setup(s)
			}
			err := e.Exec(NewCmdUsersAdd(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			if err != nil {
				// main prints the returned error last; record it as it would appear.
				if msg := cmdutil.ErrorMessage(err); msg != "" {
					e.ErrOut.WriteString("error: " + msg + "\n")
				}
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing outside JSON", e.Out)
			}
			lines := mbLines(e.ErrOut.String())
			for _, want := range tt.wantStderr {
				if n := strings.Count("\n"+strings.Join(lines, "\n")+"\n", "\n"+want+"\n"); n != 1 {
					t.Errorf("stderr has %q %d times, want once\nstderr:\n%s", want, n, e.ErrOut)
				}
			}
			var added []*model.User
			for _, u := range []*model.User{alice, bob, carol} {
				if s.isMember(u) && !slices.Contains(tt.members, u) {
					added = append(added, u)
				}
			}
			if !slices.Equal(added, tt.wantAdded) {
				t.Errorf("added %v, want %v", mbNames(added), mbNames(tt.wantAdded))
			}
			for name, want := range tt.wantCalls {
				if got := e.Fake.Calls(name); got != want {
					t.Errorf("%s calls = %d, want %d", name, got, want)
				}
			}
		})
	}
}

func mbNames(users []*model.User) []string {
	var names []string
	for _, u := range users {
		names = append(names, u.Username)
	}
	return names
}

func TestUsersAddJSONRows(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	alice, bob, carol := mbUser("alice"), mbUser("bob"), mbUser("carol")
	for _, dry := range []bool{false, true} {
		t.Run(fmt.Sprintf("dry-run=%v", dry), func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.JSON(true))
			s := mbServeTeam(e.Fake, devops, []*model.User{alice, bob, carol}, bob)
			s.refuse[carol.Id] = &model.AppError{Id: "x", Message: "refused", StatusCode: 400}
			args := []string{"devops", "alice", "bob", "ghost", "carol", "@alice"}
			if dry {
				args = append(args, "--dry-run")
			}
			err := e.Exec(NewCmdUsersAdd(e.F, nil), args...)
			if cmdutil.ExitCode(err) != cmdutil.ExitPartial {
				t.Fatalf("exit = %d (%v), want 3", cmdutil.ExitCode(err), err)
			}
			rows := mbRows(t, e.Out.String())
			if len(rows) != 5 {
				t.Fatalf("%d rows, want 5:\n%s", len(rows), e.Out)
			}
			yes, no := true, false
			want := []mbRow{
				{Input: "alice", OK: true, Changed: &yes},
				{Input: "bob", OK: true, Changed: &no},
				{Input: "ghost", Error: `user "ghost" not found`},
				{Input: "carol", OK: true, Changed: &yes},
				{Input: "@alice", OK: true, Changed: &yes},
			}
			if !dry {
				want[3] = mbRow{Input: "carol", Error: "refused (HTTP 400)"}
			}
			for i, r := range rows {
				w := want[i]
				if r.Input != w.Input || r.OK != w.OK || r.Error != w.Error || r.DryRun != dry ||
					(w.Changed != nil && (r.Changed == nil || *r.Changed != *w.Changed)) || (w.Input == "ghost" && r.Changed != nil) {
					t.Errorf("row %d = %+v (changed %v), want %+v (changed %v)", i, r, ptrStr(r.Changed), w, ptrStr(w.Changed))
				}
				if w.Input != "ghost" && (r.User == nil || r.User.Username == "") {
					t.Errorf("row %d has no user", i)
				}
			}
		})
	}
}

func ptrStr(b *bool) string {
	if b == nil {
		return "absent"
	}
	return fmt.Sprint(*b)
}

// 500 users resolve in 5 requests, their memberships in 1, and are added in batch requests of
// at most 64 (the server takes 256), as many at once as --parallel allows.
func TestUsersAdd500RequestCounts(t *testing.T) {
	for _, tt := range []struct {
		parallel    string
		wantBatches []int
		maxInFlight int32
	}{
		{parallel: "8", wantBatches: []int{63, 63, 63, 63, 63, 63, 63, 59}, maxInFlight: 8},
		{parallel: "1", wantBatches: []int{63, 63, 63, 63, 63, 63, 63, 59}, maxInFlight: 1},
		{parallel: "64", wantBatches: nil, maxInFlight: 64},
	} {
		t.Run("parallel"+tt.parallel, func(t *testing.T) {
			e := cmdtest.New(t)
			devops := &model.Team{Id: model.NewId(), Name: "devops"}
			var users []*model.User
			args := []string{"devops", "--parallel", tt.parallel}
			for i := range 500 {
				u := mbUser(fmt.Sprintf("user%03d", i))
				users = append(users, u)
				args = append(args, u.Username)
			}
			s := mbServeTeam(e.Fake, devops, users)
			if err := e.Exec(NewCmdUsersAdd(e.F, nil), args...); err != nil {
				t.Fatalf("err = %v\nstderr:\n%s", err, e.ErrOut)
			}
			for name, want := range map[string]int{"GetTeamByName": 1, "GetUsersByUsernames": 5, "GetTeamMembersByIds": 1, "AddTeamMember": 0} {
				if got := e.Fake.Calls(name); got != want {
					t.Errorf("%s calls = %d, want %d", name, got, want)
				}
			}
			var sizes []int
			total := 0
			for _, b := range s.batches {
				sizes = append(sizes, len(b))
				total += len(b)
				if len(b) > 64 {
					t.Errorf("a batch of %d users, want 64 at most", len(b))
				}
			}
			if total != 500 {
				t.Errorf("batches carried %d users, want 500", total)
			}
			if tt.wantBatches != nil {
				sort.Sort(sort.Reverse(sort.IntSlice(sizes)))
				if !slices.Equal(sizes, tt.wantBatches) {
					t.Errorf("batch sizes %v, want %v", sizes, tt.wantBatches)
				}
			}
			if got := s.maxFlight.Load(); got > tt.maxInFlight {
				t.Errorf("%d batch requests in flight at once, want ≤ %d", got, tt.maxInFlight)
			}
			if tt.maxInFlight > 1 && s.maxFlight.Load() < 2 {
				t.Errorf("batch requests never overlapped")
			}
			if n := strings.Count(e.ErrOut.String(), " to team devops\n"); n != 500 {
				t.Errorf("%d success lines, want 500", n)
			}
		})
	}
}

func TestUsersRemoveRun(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	alice, bob, carol := mbUser("alice"), mbUser("bob"), mbUser("carol")
	tests := []struct {
		name        string
		tty         bool
		args        []string
		setup       func(s *mbTeamServer)
		wantExit    int
		wantStderr  []string
		wantRemoved []*model.User
		wantCalls   int
	}{
		{
			name: "removes members at a terminal", tty: true, args: []string{"devops", "alice", "bob"},
			wantStderr:  []string{"Removed alice from team devops", "Removed bob from team devops"},
			wantRemoved: []*model.User{alice, bob}, wantCalls: 2,
		},
		{
			name: "a non-member is a success that sends nothing", args: []string{"devops", "alice", "carol"},
			wantStderr:  []string{"Removed alice from team devops", "User carol is not a member of team devops: nothing to do"},
			wantRemoved: []*model.User{alice}, wantCalls: 1,
		},
		{
			name: "partial: the server refuses one", args: []string{"devops", "alice", "bob"},
			setup: func(s *mbTeamServer) {
				s.removeErr[bob.Id] = &client.Error{Status: 400, Message: "group-synced team"}
			},
			wantExit:    cmdutil.ExitPartial,
			wantStderr:  []string{"Removed alice from team devops", "bob: group-synced team (HTTP 400)"},
			wantRemoved: []*model.User{alice}, wantCalls: 2,
		},
		{
			name: "dry run", args: []string{"devops", "--dry-run", "alice", "carol"},
			wantStderr: []string{"would remove alice from team devops", "user carol is not a member of team devops: nothing would change"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			s := mbServeTeam(e.Fake, devops, []*model.User{alice, bob, carol}, alice, bob)
			if tt.setup != nil {
				tt.setup(s)
			}
			err := e.Exec(NewCmdUsersRemove(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			if got, want := mbLines(e.ErrOut.String()), tt.wantStderr; !slices.Equal(got, want) {
				t.Errorf("stderr = %q, want %q", got, want)
			}
			var removed []*model.User
			for _, u := range []*model.User{alice, bob} {
				if !s.isMember(u) {
					removed = append(removed, u)
				}
			}
			if !slices.Equal(removed, tt.wantRemoved) {
				t.Errorf("removed %v, want %v", mbNames(removed), mbNames(tt.wantRemoved))
			}
			if got := e.Fake.Calls("RemoveTeamMember"); got != tt.wantCalls {
				t.Errorf("RemoveTeamMember calls = %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestUsersListFlags(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		want    string
		wantErr string
	}{
		{args: []string{"devops"}, want: "devops"},
		{args: nil, wantErr: "expects a team"},
		{args: []string{"devops", "qa"}, wantErr: "expects a team, got 2"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			e := cmdtest.New(t)
			var got string
			err := e.Exec(NewCmdUsersList(e.F, func(_ context.Context, o *UsersListOptions) error { got = o.Team; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a usage error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("team = %q, err = %v", got, err)
			}
		})
	}
}

func TestUsersListRun(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	var users []*model.User
	for i := range 450 {
		users = append(users, mbUser(fmt.Sprintf("user%03d", i)))
	}
	users[1].FirstName, users[1].LastName = "Ada", "Lovelace"
	users[2].DeleteAt = 1

	t.Run("plain: the user list columns then the team roles, every page", func(t *testing.T) {
		e := cmdtest.New(t)
		s := mbServeTeam(e.Fake, devops, users, users...)
		s.members[users[0].Id].Roles = "team_user team_admin"
		if err := e.Exec(NewCmdUsersList(e.F, nil), "devops"); err != nil {
			t.Fatalf("err = %v\nstderr: %s", err, e.ErrOut)
		}
		lines := mbLines(e.Out.String())
		if len(lines) != 450 {
			t.Fatalf("%d lines, want 450", len(lines))
		}
		for _, want := range []string{
			users[0].Id + "\tuser000\tuser000@example.com\t\tsystem_user\tactive\tteam_user team_admin",
			users[1].Id + "\tuser001\tuser001@example.com\tAda Lovelace\tsystem_user\tactive\tteam_user",
			users[2].Id + "\tuser002\tuser002@example.com\t\tsystem_user\tdeactivated\tteam_user",
		} {
			if !slices.Contains(lines, want) {
				t.Errorf("no line %q", want)
			}
		}
		if !slices.IsSorted(lines) {
			t.Error("members are not in the server's order (by user ID)")
		}
		// 450 members: 3 pages of memberships (and the pages fetched ahead that turn out
		// empty), each with one request for its users.
		if got := e.Fake.Calls("GetTeamMembers"); got < 3 || got > 3+4 {
			t.Errorf("GetTeamMembers calls = %d, want 3 and at most 4 ahead", got)
		}
		if got := e.Fake.Calls("GetUsersByIds"); got != 3 {
			t.Errorf("GetUsersByIds calls = %d, want 3", got)
		}
	})

	t.Run("terminal table has headers", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.TTY(true))
		mbServeTeam(e.Fake, devops, users[:2], users[:2]...)
		if err := e.Exec(NewCmdUsersList(e.F, nil), "devops"); err != nil {
			t.Fatal(err)
		}
		header := strings.ToLower(mbLines(e.Out.String())[0])
		for _, h := range []string{"id", "username", "email", "name", "roles", "status", "team roles"} {
			if !strings.Contains(header, h) {
				t.Errorf("header %q lacks %q", header, h)
			}
		}
	})

	t.Run("json: user objects with their team membership", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		s := mbServeTeam(e.Fake, devops, users, users...)
		s.members[users[0].Id].SchemeAdmin = true
		if err := e.Exec(NewCmdUsersList(e.F, nil), "devops"); err != nil {
			t.Fatal(err)
		}
		var got []struct {
			ID         string `json:"id"`
			Username   string `json:"username"`
			Password   string `json:"password"`
			TeamMember *struct {
				TeamID      string `json:"team_id"`
				UserID      string `json:"user_id"`
				Roles       string `json:"roles"`
				SchemeAdmin bool   `json:"scheme_admin"`
			} `json:"team_member"`
		}
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
			t.Fatalf("not one JSON array: %v", err)
		}
		if len(got) != 450 {
			t.Fatalf("%d users, want 450", len(got))
		}
		admins := 0
		for i, u := range got {
			if u.TeamMember == nil || u.TeamMember.UserID != u.ID || u.TeamMember.TeamID != devops.Id || u.TeamMember.Roles != "team_user" || u.Password != "" {
				t.Fatalf("user %d = %+v", i, u)
			}
			if u.TeamMember.SchemeAdmin {
				admins++
				if u.ID != users[0].Id {
					t.Errorf("%s is a team admin", u.Username)
				}
			}
		}
		if admins != 1 {
			t.Errorf("%d team admins, want 1", admins)
		}
	})

	t.Run("a user deleted between the two requests is left out", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		mbServeTeam(e.Fake, devops, users[:3], users[:3]...)
		inner := e.Fake.GetUsersByIdsFunc
		e.Fake.GetUsersByIdsFunc = func(ctx context.Context, ids []string) ([]*model.User, *model.Response, error) {
			found, resp, err := inner(ctx, ids)
			return slices.DeleteFunc(found, func(u *model.User) bool { return u.Id == users[1].Id }), resp, err
		}
		if err := e.Exec(NewCmdUsersList(e.F, nil), "devops"); err != nil {
			t.Fatal(err)
		}
		var got []map[string]any
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil || len(got) != 2 || got[0]["username"] == "user001" || got[1]["username"] == "user001" {
			t.Errorf("got %v (%v)", got, err)
		}
	})

	t.Run("empty team is []", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		mbServeTeam(e.Fake, devops, users)
		if err := e.Exec(NewCmdUsersList(e.F, nil), "devops"); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(e.Out.String()); got != "[]" {
			t.Errorf("stdout = %q, want []", got)
		}
	})

	t.Run("a failed page leaves the JSON incomplete", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		mbServeTeam(e.Fake, devops, users, users...)
		inner := e.Fake.GetTeamMembersFunc
		e.Fake.GetTeamMembersFunc = func(ctx context.Context, teamID string, page, perPage int, etag string) ([]*model.TeamMember, *model.Response, error) {
			if page == 1 {
				return nil, &model.Response{StatusCode: 500}, &client.Error{Status: 500, Message: "boom"}
			}
			return inner(ctx, teamID, page, perPage, etag)
		}
		err := e.Exec(NewCmdUsersList(e.F, nil), "devops")
		if cmdutil.ExitCode(err) != cmdutil.ExitError {
			t.Fatalf("exit = %d (%v), want 1", cmdutil.ExitCode(err), err)
		}
		var v any
		if json.Unmarshal(e.Out.Bytes(), &v) == nil {
			t.Errorf("stdout parses as a whole JSON document after a failed page")
		}
	})

	t.Run("unknown team", func(t *testing.T) {
		e := cmdtest.New(t)
		mbServeTeam(e.Fake, devops, users)
		err := e.Exec(NewCmdUsersList(e.F, nil), "nope")
		if cmdutil.ExitCode(err) != cmdutil.ExitNotFound || e.Fake.Calls("GetTeamMembers") != 0 {
			t.Errorf("exit = %d (%v), GetTeamMembers calls %d", cmdutil.ExitCode(err), err, e.Fake.Calls("GetTeamMembers"))
		}
	})
}
