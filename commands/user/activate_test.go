package user

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// The mv* helpers (multi-argument verb) are shared by the tests of activate, deactivate,
// delete, deleteall, verify, promote, demote, resetmfa, convert and migrate-auth.

// mvUser builds a regular user named username with a fresh ID and username@example.com.
func mvUser(username string, mods ...func(*model.User)) *model.User {
	u := &model.User{Id: model.NewId(), Username: username, Email: username + "@example.com", Roles: model.SystemUserRoleId}
	for _, m := range mods {
		m(u)
	}
	return u
}

func mvGuest(u *model.User) { u.Roles = model.SystemGuestRoleId }
func mvBot(u *model.User)   { u.IsBot = true }

func mvAPIError(status int, id, msg string) error {
	return &client.Error{Status: status, ID: id, Message: msg}
}

// mvGauge measures the most calls in flight at once.
type mvGauge struct{ cur, max atomic.Int32 }

func (g *mvGauge) enter() {
	n := g.cur.Add(1)
	for {
		m := g.max.Load()
		if n <= m || g.max.CompareAndSwap(m, n) {
			return
		}
	}
}

func (g *mvGauge) leave() { g.cur.Add(-1) }

// mvCount is how many lines of s equal line.
func mvCount(s, line string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if l == line {
			n++
		}
	}
	return n
}

// mvSortedLines is the non-empty lines of s, sorted.
func mvSortedLines(s string) []string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	slices.Sort(lines)
	return lines
}

// mvRows parses the JSON array of per-argument rows on stdout.
func mvRows(t *testing.T, stdout string) []cmdtest.Row {
	t.Helper()
	var rows []cmdtest.Row
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("stdout is not one JSON array of rows: %v\n%s", err, stdout)
	}
	return rows
}

// mvActiveRecorder records UpdateUserActive calls by user ID.
type mvActiveRecorder struct {
	mu    sync.Mutex
	calls map[string]bool
}

func (r *mvActiveRecorder) install(fake *clienttest.Fake, fail map[string]error) {
	r.calls = map[string]bool{}
	fake.UpdateUserActiveFunc = func(_ context.Context, id string, active bool) (*model.Response, error) {
		r.mu.Lock()
		r.calls[id] = active
		r.mu.Unlock()
		if err := fail[id]; err != nil {
			return &model.Response{StatusCode: client.StatusOf(err)}, err
		}
		return &model.Response{StatusCode: 200}, nil
	}
}

func TestActivateFlags(t *testing.T) {
	type captured struct {
		users []string
		bulk  cmdutil.BulkFlags
	}
	builders := map[string]func(f *cmdutil.Factory, got *captured) *cobra.Command{
		"activate": func(f *cmdutil.Factory, got *captured) *cobra.Command {
			return NewCmdActivate(f, func(_ context.Context, o *ActivateOptions) error {
				got.users, got.bulk = o.Args, o.Bulk
				return nil
			})
		},
		"deactivate": func(f *cmdutil.Factory, got *captured) *cobra.Command {
			return NewCmdDeactivate(f, func(_ context.Context, o *DeactivateOptions) error {
				got.users, got.bulk = o.Args, o.Bulk
				return nil
			})
		},
	}
	tests := []struct {
		name      string
		args      []string
		stdin     string
		wantUsers []string
		wantBulk  cmdutil.BulkFlags
		wantErr   string
	}{
		{name: "positional", args: []string{"alice", "bob@example.com"}, wantUsers: []string{"alice", "bob@example.com"}, wantBulk: cmdutil.BulkFlags{Parallel: 8}},
		{name: "dry run and parallel", args: []string{"--dry-run", "--parallel", "3", "alice"}, wantUsers: []string{"alice"}, wantBulk: cmdutil.BulkFlags{Parallel: 3, DryRun: true}},
		{name: "file from stdin", args: []string{"--file", "-"}, stdin: "alice\n\n# leavers\n  bob  \n", wantUsers: []string{"alice", "bob"}, wantBulk: cmdutil.BulkFlags{File: "-", Parallel: 8}},
		{name: "args then file", args: []string{"carol", "--file", "-"}, stdin: "alice\n", wantUsers: []string{"carol", "alice"}, wantBulk: cmdutil.BulkFlags{File: "-", Parallel: 8}},
		{name: "no users", args: nil, wantErr: "give at least one user"},
		{name: "empty file", args: []string{"--file", "-"}, stdin: "# nothing\n", wantErr: "give at least one user"},
		{name: "parallel zero", args: []string{"--parallel", "0", "alice"}, wantErr: "--parallel must be between 1 and 64"},
		{name: "parallel too high", args: []string{"--parallel", "65", "alice"}, wantErr: "--parallel must be between 1 and 64"},
	}
	for verb, build := range builders {
		for _, tt := range tests {
			t.Run(verb+"/"+tt.name, func(t *testing.T) {
				e := cmdtest.New(t)
				e.In.WriteString(tt.stdin)
				var got captured
				err := e.Exec(build(e.F, &got), tt.args...)
				if tt.wantErr != "" {
					if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("err = %v (exit %d), want usage error containing %q", err, cmdutil.ExitCode(err), tt.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got.users, tt.wantUsers) {
					t.Errorf("users = %q, want %q", got.users, tt.wantUsers)
				}
				if got.bulk != tt.wantBulk {
					t.Errorf("bulk = %+v, want %+v", got.bulk, tt.wantBulk)
				}
				if e.Fake.TotalCalls() != 0 {
					t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
				}
			})
		}
	}
}

func TestActivateRun(t *testing.T) {
	alice, bob := mvUser("alice"), mvUser("bob")
	carol := mvUser("carol")
	tests := []struct {
		name       string
		tty        bool
		args       []string
		setup      func(e *cmdtest.Env, rec *mvActiveRecorder)
		wantExit   int
		wantStderr []string // lines that must appear exactly once
		notStderr  []string // substrings that must not appear
		wantCalls  map[string]int
	}{
		{
			name: "usernames at a terminal", tty: true, args: []string{"alice", "bob"},
			wantStderr: []string{"Activated user alice", "Activated user bob"},
			wantCalls:  map[string]int{"GetUsersByUsernames": 1, "GetUsersByIds": 0, "GetUserByEmail": 0, "UpdateUserActive": 2},
		},
		{
			name: "usernames in a pipe", args: []string{"alice", "bob"},
			wantStderr: []string{"Activated user alice", "Activated user bob"},
			wantCalls:  map[string]int{"GetUsersByUsernames": 1, "UpdateUserActive": 2},
		},
		{
			name: "ID, @username and email", args: []string{alice.Id, "@Bob", "carol@example.com"},
			wantStderr: []string{"Activated user alice", "Activated user bob", "Activated user carol"},
			wantCalls:  map[string]int{"GetUsersByIds": 1, "GetUsersByUsernames": 1, "GetUserByEmail": 1, "UpdateUserActive": 3},
		},
		{
			name: "partial: one not found", args: []string{"alice", "ghost", "bob"},
			wantExit:   cmdutil.ExitPartial,
			wantStderr: []string{"Activated user alice", `ghost: user "ghost" not found`, "Activated user bob"},
			wantCalls:  map[string]int{"UpdateUserActive": 2},
		},
		{
			name: "partial: the server refuses one", args: []string{"alice", "bob"},
			setup: func(e *cmdtest.Env, rec *mvActiveRecorder) {
				rec.install(e.Fake, map[string]error{bob.Id: mvAPIError(500, "x", "boom")})
			},
			wantExit:   cmdutil.ExitPartial,
			wantStderr: []string{"Activated user alice", "bob: boom (HTTP 500)"},
			notStderr:  []string{"Activated user bob"},
			wantCalls:  map[string]int{"UpdateUserActive": 2},
		},
		{
			name: "all not found", args: []string{"ghost", "nobody@example.com"},
			wantExit:   cmdutil.ExitNotFound,
			wantStderr: []string{`ghost: user "ghost" not found`, `nobody@example.com: user "nobody@example.com" not found`},
			wantCalls:  map[string]int{"UpdateUserActive": 0},
		},
		{
			name: "403 on lookup is a permission error", args: []string{"alice", "bob"},
			setup: func(e *cmdtest.Env, _ *mvActiveRecorder) {
				e.Fake.GetUsersByUsernamesFunc = func(context.Context, []string) ([]*model.User, *model.Response, error) {
					return nil, &model.Response{StatusCode: 403}, mvAPIError(403, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
				}
			},
			wantExit: cmdutil.ExitAuth,
			wantStderr: []string{
				"alice: You do not have the appropriate permissions. (HTTP 403)",
				"bob: You do not have the appropriate permissions. (HTTP 403)",
			},
			notStderr: []string{"not found", "Activated"},
			wantCalls: map[string]int{"UpdateUserActive": 0},
		},
		{
			name: "dry run changes nothing", args: []string{"--dry-run", "alice", "ghost"},
			wantExit:   cmdutil.ExitPartial,
			wantStderr: []string{"would activate user alice (" + alice.Id + ")", `ghost: user "ghost" not found`},
			notStderr:  []string{"Activated"},
			wantCalls:  map[string]int{"UpdateUserActive": 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			cmdtest.ServeUsers(e.Fake, alice, bob, carol)
			rec := &mvActiveRecorder{}
			rec.install(e.Fake, nil)
			if tt.setup != nil {
				tt.setup(e, rec)
			}
			err := e.Exec(NewCmdActivate(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing outside JSON mode", e.Out)
			}
			for _, line := range tt.wantStderr {
				if n := mvCount(e.ErrOut.String(), line); n != 1 {
					t.Errorf("stderr has %q %d times, want once\nstderr:\n%s", line, n, e.ErrOut)
				}
			}
			for _, s := range tt.notStderr {
				if strings.Contains(e.ErrOut.String(), s) {
					t.Errorf("stderr contains %q\nstderr:\n%s", s, e.ErrOut)
				}
			}
			for name, want := range tt.wantCalls {
				if got := e.Fake.Calls(name); got != want {
					t.Errorf("%s calls = %d, want %d", name, got, want)
				}
			}
			for id, active := range rec.calls {
				if !active {
					t.Errorf("UpdateUserActive(%s, false) from activate", id)
				}
			}
		})
	}
}

func TestActivateBulkResolutionRequestCounts(t *testing.T) {
	e := cmdtest.New(t)
	var users []*model.User
	var args []string
	for i := range 400 {
		u := mvUser(fmt.Sprintf("user%03d", i))
		users = append(users, u)
		if i < 250 {
			args = append(args, u.Username)
		} else {
			args = append(args, u.Id)
		}
	}
	cmdtest.ServeUsers(e.Fake, users...)
	var maxBatch atomic.Int32
	inner := e.Fake.GetUsersByUsernamesFunc
	e.Fake.GetUsersByUsernamesFunc = func(ctx context.Context, names []string) ([]*model.User, *model.Response, error) {
		if int32(len(names)) > maxBatch.Load() {
			maxBatch.Store(int32(len(names)))
		}
		return inner(ctx, names)
	}
	rec := &mvActiveRecorder{}
	rec.install(e.Fake, nil)

	if err := e.Exec(NewCmdActivate(e.F, nil), args...); err != nil {
		t.Fatalf("err = %v\nstderr:\n%s", err, e.ErrOut)
	}
	want := map[string]int{
		"GetUsersByUsernames": 3, // 250 names, 100 per request
		"GetUsersByIds":       2, // 150 IDs
		"GetUserByEmail":      0,
		"GetUser":             0,
		"GetUserByUsername":   0,
		"UpdateUserActive":    400,
	}
	for name, n := range want {
		if got := e.Fake.Calls(name); got != n {
			t.Errorf("%s calls = %d, want %d", name, got, n)
		}
	}
	if maxBatch.Load() > 100 {
		t.Errorf("a /users/usernames request carried %d names, want ≤ 100", maxBatch.Load())
	}
	if len(rec.calls) != 400 {
		t.Errorf("%d distinct users activated, want 400", len(rec.calls))
	}
}

func TestActivateFileFromStdin(t *testing.T) {
	alice, bob, carol := mvUser("alice"), mvUser("bob"), mvUser("carol")
	e := cmdtest.New(t)
	e.In.WriteString("# users to bring back\nalice\n\n" + bob.Id + "\n")
	cmdtest.ServeUsers(e.Fake, alice, bob, carol)
	rec := &mvActiveRecorder{}
	rec.install(e.Fake, nil)

	if err := e.Exec(NewCmdActivate(e.F, nil), "--file", "-"); err != nil {
		t.Fatalf("err = %v\nstderr:\n%s", err, e.ErrOut)
	}
	if len(rec.calls) != 2 || !rec.calls[alice.Id] || !rec.calls[bob.Id] {
		t.Errorf("activated %v, want alice and bob only", rec.calls)
	}
	if want := "Activated user alice\nActivated user bob\n"; e.ErrOut.String() != want {
		t.Errorf("stderr = %q, want %q", e.ErrOut, want)
	}
}

func TestActivateJSONRowsInArgumentOrder(t *testing.T) {
	for _, verb := range []string{"activate", "deactivate"} {
		t.Run(verb, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.JSON(true))
			var users []*model.User
			var args []string
			for i := range 30 {
				u := mvUser(fmt.Sprintf("u%02d", i))
				users = append(users, u)
				args = append(args, u.Username)
				if i == 10 {
					args = append(args, "ghost")
				}
			}
			cmdtest.ServeUsers(e.Fake, users...)
			// Random delays make the calls finish out of order.
			e.Fake.UpdateUserActiveFunc = func(context.Context, string, bool) (*model.Response, error) {
				time.Sleep(time.Duration(rand.IntN(5)) * time.Millisecond)
				return &model.Response{StatusCode: 200}, nil
			}
			cmd := NewCmdActivate(e.F, nil)
			if verb == "deactivate" {
				cmd = NewCmdDeactivate(e.F, nil)
			}
			err := e.Exec(cmd, args...)
			if cmdutil.ExitCode(err) != cmdutil.ExitPartial {
				t.Fatalf("exit = %d (%v), want 3", cmdutil.ExitCode(err), err)
			}
			rows := mvRows(t, e.Out.String())
			if len(rows) != len(args) {
				t.Fatalf("%d rows, want %d", len(rows), len(args))
			}
			for i, r := range rows {
				if r.Input != args[i] {
					t.Fatalf("row %d input = %q, want %q (argument order)", i, r.Input, args[i])
				}
				if r.Input == "ghost" {
					if r.OK || r.User != nil || r.Error != `user "ghost" not found` {
						t.Errorf("ghost row = %+v", r)
					}
					continue
				}
				if !r.OK || r.User == nil || r.User.Username != r.Input || r.Error != "" {
					t.Errorf("row %d = %+v", i, r)
				}
				if deactivated := r.User.DeleteAt != 0; deactivated != (verb == "deactivate") {
					t.Errorf("row %d DeleteAt = %d after %s", i, r.User.DeleteAt, verb)
				}
			}
			if n := mvCount(e.ErrOut.String(), `ghost: user "ghost" not found`); n != 1 {
				t.Errorf("the failure is on stderr %d times, want once\n%s", n, e.ErrOut)
			}
		})
	}
}

func TestActivateParallelBoundsConcurrency(t *testing.T) {
	for _, tt := range []struct {
		args []string
		max  int32
	}{
		{args: []string{"--parallel", "3"}, max: 3},
		{args: nil, max: cmdutil.DefaultParallel},
		{args: []string{"--parallel", "1"}, max: 1},
	} {
		t.Run(fmt.Sprint(tt.max), func(t *testing.T) {
			e := cmdtest.New(t)
			var users []*model.User
			args := slices.Clone(tt.args)
			for i := range 40 {
				u := mvUser(fmt.Sprintf("p%02d", i))
				users = append(users, u)
				args = append(args, u.Username)
			}
			cmdtest.ServeUsers(e.Fake, users...)
			var g mvGauge
			e.Fake.UpdateUserActiveFunc = func(context.Context, string, bool) (*model.Response, error) {
				g.enter()
				defer g.leave()
				time.Sleep(5 * time.Millisecond)
				return &model.Response{StatusCode: 200}, nil
			}
			if err := e.Exec(NewCmdActivate(e.F, nil), args...); err != nil {
				t.Fatal(err)
			}
			if got := g.max.Load(); got > tt.max {
				t.Errorf("%d calls in flight at once, want ≤ %d", got, tt.max)
			}
			if tt.max > 1 && g.max.Load() < 2 {
				t.Errorf("calls never overlapped (max in flight %d)", g.max.Load())
			}
			if e.Fake.Calls("UpdateUserActive") != 40 {
				t.Errorf("UpdateUserActive calls = %d, want 40", e.Fake.Calls("UpdateUserActive"))
			}
		})
	}
}

func TestDeactivateRun(t *testing.T) {
	alice := mvUser("alice")
	carol := mvUser("carol", func(u *model.User) { u.AuthService = model.UserAuthServiceGitlab; u.AuthData = model.NewPointer("42") })
	tests := []struct {
		name       string
		tty        bool
		args       []string
		wantExit   int
		wantStderr string
		wantCalls  int
	}{
		{
			name: "SSO user gets a warning", tty: true, args: []string{"alice", "carol"},
			wantStderr: "Deactivated user alice\nwarning: carol signs in with gitlab: also deactivate the account there\nDeactivated user carol\n",
			wantCalls:  2,
		},
		{
			name: "same in a pipe", args: []string{"carol"},
			wantStderr: "warning: carol signs in with gitlab: also deactivate the account there\nDeactivated user carol\n",
			wantCalls:  1,
		},
		{
			name: "dry run: no warning, no call", args: []string{"--dry-run", "carol"},
			wantStderr: "would deactivate user carol (" + carol.Id + ")\n",
		},
		{
			name: "not found", args: []string{"ghost"},
			wantExit: cmdutil.ExitNotFound, wantStderr: "ghost: user \"ghost\" not found\n",
		},
		{
			name: "the same user three ways acts once", args: []string{"alice", "@alice", "alice@example.com"},
			wantStderr: "Deactivated user alice\n@alice: same user as argument 1\nalice@example.com: same user as argument 1\n",
			wantCalls:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			cmdtest.ServeUsers(e.Fake, alice, carol)
			rec := &mvActiveRecorder{}
			rec.install(e.Fake, nil)
			err := e.Exec(NewCmdDeactivate(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d", got, err, tt.wantExit)
			}
			// The warning is written while the call runs, the success line when its turn in
			// argument order comes: compare the lines, not their interleaving.
			if got, want := mvSortedLines(e.ErrOut.String()), mvSortedLines(tt.wantStderr); !slices.Equal(got, want) {
				t.Errorf("stderr = %q, want the lines of %q", e.ErrOut, tt.wantStderr)
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout = %q", e.Out)
			}
			if got := e.Fake.Calls("UpdateUserActive"); got != tt.wantCalls {
				t.Errorf("UpdateUserActive calls = %d, want %d", got, tt.wantCalls)
			}
			for id, active := range rec.calls {
				if active {
					t.Errorf("UpdateUserActive(%s, true) from deactivate", id)
				}
			}
		})
	}
}

// Arguments naming one user act once, also with many workers; the duplicates keep their JSON
// rows, pointing at the argument that did the work.
func TestDeactivateDuplicatesActOnce(t *testing.T) {
	alice, bob := mvUser("alice"), mvUser("bob")
	e := cmdtest.New(t, cmdtest.JSON(true))
	cmdtest.ServeUsers(e.Fake, alice, bob)
	rec := &mvActiveRecorder{}
	rec.install(e.Fake, nil)
	args := []string{"alice", "bob", "@alice", alice.Id, "BOB", "alice@example.com", "--parallel", "8"}
	if err := e.Exec(NewCmdDeactivate(e.F, nil), args...); err != nil {
		t.Fatalf("err = %v\nstderr: %s", err, e.ErrOut)
	}
	if got := e.Fake.Calls("UpdateUserActive"); got != 2 {
		t.Errorf("UpdateUserActive calls = %d, want 2", got)
	}
	if n := mvCount(e.ErrOut.String(), "Deactivated user alice"); n != 1 {
		t.Errorf("alice reported %d times:\n%s", n, e.ErrOut)
	}
	for _, line := range []string{"@alice: same user as argument 1", alice.Id + ": same user as argument 1",
		"BOB: same user as argument 2", "alice@example.com: same user as argument 1"} {
		if mvCount(e.ErrOut.String(), line) != 1 {
			t.Errorf("stderr lacks %q:\n%s", line, e.ErrOut)
		}
	}
	rows := mvRows(t, e.Out.String())
	wantDup := []int{0, 0, 1, 1, 2, 1}
	if len(rows) != len(wantDup) {
		t.Fatalf("%d rows, want %d", len(rows), len(wantDup))
	}
	for i, r := range rows {
		if r.Input != args[i] || !r.OK || r.DuplicateOf != wantDup[i] || r.User == nil {
			t.Errorf("row %d = %+v, want input %q ok duplicate_of %d with the user", i, r, args[i], wantDup[i])
		}
	}
}
