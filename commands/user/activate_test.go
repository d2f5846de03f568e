package user

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/iostreams"
)

// The mv* helpers (multi-argument verb) are shared by the tests of activate, deactivate,
// delete, deleteall, verify, promote, demote, resetmfa, convert and migrate-auth.

// mvEnv is a Factory wired to a fake client and buffered streams.
type mvEnv struct {
	f        *cmdutil.Factory
	fake     *clienttest.Fake
	prompter *mvPrompter
	in       *bytes.Buffer
	out      *bytes.Buffer
	errOut   *bytes.Buffer
}

func newMVEnv(t *testing.T, tty bool) *mvEnv {
	t.Helper()
	t.Setenv("MATTERCTL_NO_PROMPT", "")
	ios, in, out, errOut := iostreams.Test()
	// Verbs may print warnings from worker goroutines; *os.File takes concurrent writes, a
	// bytes.Buffer does not.
	ios.Out, ios.ErrOut = &mvSyncWriter{w: out}, &mvSyncWriter{w: errOut}
	ios.SetTTY(tty)
	f := cmdutil.New(ios, build.Info{Version: "test"}, func(string) string { return "" })
	fake := &clienttest.Fake{}
	f.Client = func() (client.Client, error) { return fake, nil }
	pr := &mvPrompter{}
	f.Prompter = pr
	return &mvEnv{f: f, fake: fake, prompter: pr, in: in, out: out, errOut: errOut}
}

// run executes cmd with args the way the root command would, minus the root's own flags.
func (e *mvEnv) run(cmd *cobra.Command, args ...string) error {
	cmd.SetArgs(args)
	cmd.SetIn(e.in)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	return cmd.ExecuteContext(context.Background())
}

// mvSyncWriter serialises writes, like an *os.File.
type mvSyncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *mvSyncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

// mvPrompter answers Confirm and Password from scripted answers and records the questions.
// A question without a scripted answer fails the prompt.
type mvPrompter struct {
	mu        sync.Mutex
	confirms  []bool
	passwords []string
	asked     []string
}

func (p *mvPrompter) Input(title, _, _ string, _ func(string) error) (string, error) {
	p.record(title)
	return "", errors.New("mvPrompter: unexpected Input " + title)
}

func (p *mvPrompter) Password(title string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, title)
	if len(p.passwords) == 0 {
		return "", errors.New("mvPrompter: unexpected Password " + title)
	}
	pw := p.passwords[0]
	p.passwords = p.passwords[1:]
	return pw, nil
}

func (p *mvPrompter) Select(title string, _ []string, _ string) (string, error) {
	p.record(title)
	return "", errors.New("mvPrompter: unexpected Select " + title)
}

func (p *mvPrompter) Confirm(title string, _ bool) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, title)
	if len(p.confirms) == 0 {
		return false, errors.New("mvPrompter: unexpected Confirm " + title)
	}
	ok := p.confirms[0]
	p.confirms = p.confirms[1:]
	return ok, nil
}

func (p *mvPrompter) record(title string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, title)
}

func (p *mvPrompter) questions() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.asked)
}

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

// mvDirectory serves user lookups (POST /users/ids, POST /users/usernames, GET
// /users/email/{email}) from a fixed set of users, returning copies.
type mvDirectory struct {
	users []*model.User
}

func newMVDirectory(users ...*model.User) *mvDirectory { return &mvDirectory{users: users} }

func (d *mvDirectory) find(match func(*model.User) bool) *model.User {
	for _, u := range d.users {
		if match(u) {
			c := *u
			return &c
		}
	}
	return nil
}

func (d *mvDirectory) install(fake *clienttest.Fake) {
	fake.GetUsersByIdsFunc = func(_ context.Context, ids []string) ([]*model.User, *model.Response, error) {
		var out []*model.User
		for _, id := range ids {
			if u := d.find(func(u *model.User) bool { return u.Id == id }); u != nil {
				out = append(out, u)
			}
		}
		return out, &model.Response{StatusCode: 200}, nil
	}
	fake.GetUsersByUsernamesFunc = func(_ context.Context, names []string) ([]*model.User, *model.Response, error) {
		var out []*model.User
		for _, n := range names {
			if u := d.find(func(u *model.User) bool { return u.Username == n }); u != nil {
				out = append(out, u)
			}
		}
		return out, &model.Response{StatusCode: 200}, nil
	}
	fake.GetUserByEmailFunc = func(_ context.Context, email, _ string) (*model.User, *model.Response, error) {
		if u := d.find(func(u *model.User) bool { return strings.EqualFold(u.Email, email) }); u != nil {
			return u, &model.Response{StatusCode: 200}, nil
		}
		return nil, &model.Response{StatusCode: 404}, mvAPIError(404, "app.user.missing_account.const", "Unable to find the user.")
	}
}

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
func mvRows(t *testing.T, stdout string) []cmdutil.Row {
	t.Helper()
	var rows []cmdutil.Row
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
				got.users, got.bulk = o.Users, o.Bulk
				return nil
			})
		},
		"deactivate": func(f *cmdutil.Factory, got *captured) *cobra.Command {
			return NewCmdDeactivate(f, func(_ context.Context, o *DeactivateOptions) error {
				got.users, got.bulk = o.Users, o.Bulk
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
				e := newMVEnv(t, false)
				e.in.WriteString(tt.stdin)
				var got captured
				err := e.run(build(e.f, &got), tt.args...)
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
				if e.fake.TotalCalls() != 0 {
					t.Errorf("the flag tier made %d client calls", e.fake.TotalCalls())
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
		setup      func(e *mvEnv, rec *mvActiveRecorder)
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
			setup: func(e *mvEnv, rec *mvActiveRecorder) {
				rec.install(e.fake, map[string]error{bob.Id: mvAPIError(500, "x", "boom")})
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
			setup: func(e *mvEnv, _ *mvActiveRecorder) {
				e.fake.GetUsersByUsernamesFunc = func(context.Context, []string) ([]*model.User, *model.Response, error) {
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
			e := newMVEnv(t, tt.tty)
			newMVDirectory(alice, bob, carol).install(e.fake)
			rec := &mvActiveRecorder{}
			rec.install(e.fake, nil)
			if tt.setup != nil {
				tt.setup(e, rec)
			}
			err := e.run(NewCmdActivate(e.f, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.errOut)
			}
			if e.out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing outside JSON mode", e.out)
			}
			for _, line := range tt.wantStderr {
				if n := mvCount(e.errOut.String(), line); n != 1 {
					t.Errorf("stderr has %q %d times, want once\nstderr:\n%s", line, n, e.errOut)
				}
			}
			for _, s := range tt.notStderr {
				if strings.Contains(e.errOut.String(), s) {
					t.Errorf("stderr contains %q\nstderr:\n%s", s, e.errOut)
				}
			}
			for name, want := range tt.wantCalls {
				if got := e.fake.Calls(name); got != want {
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
	e := newMVEnv(t, false)
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
	newMVDirectory(users...).install(e.fake)
	var maxBatch atomic.Int32
	inner := e.fake.GetUsersByUsernamesFunc
	e.fake.GetUsersByUsernamesFunc = func(ctx context.Context, names []string) ([]*model.User, *model.Response, error) {
		if int32(len(names)) > maxBatch.Load() {
			maxBatch.Store(int32(len(names)))
		}
		return inner(ctx, names)
	}
	rec := &mvActiveRecorder{}
	rec.install(e.fake, nil)

	if err := e.run(NewCmdActivate(e.f, nil), args...); err != nil {
		t.Fatalf("err = %v\nstderr:\n%s", err, e.errOut)
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
		if got := e.fake.Calls(name); got != n {
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
	e := newMVEnv(t, false)
	e.in.WriteString("# users to bring back\nalice\n\n" + bob.Id + "\n")
	newMVDirectory(alice, bob, carol).install(e.fake)
	rec := &mvActiveRecorder{}
	rec.install(e.fake, nil)

	if err := e.run(NewCmdActivate(e.f, nil), "--file", "-"); err != nil {
		t.Fatalf("err = %v\nstderr:\n%s", err, e.errOut)
	}
	if len(rec.calls) != 2 || !rec.calls[alice.Id] || !rec.calls[bob.Id] {
		t.Errorf("activated %v, want alice and bob only", rec.calls)
	}
	if want := "Activated user alice\nActivated user bob\n"; e.errOut.String() != want {
		t.Errorf("stderr = %q, want %q", e.errOut, want)
	}
}

func TestActivateJSONRowsInArgumentOrder(t *testing.T) {
	for _, verb := range []string{"activate", "deactivate"} {
		t.Run(verb, func(t *testing.T) {
			e := newMVEnv(t, false)
			e.f.Globals.JSON = true
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
			newMVDirectory(users...).install(e.fake)
			// Random delays make the calls finish out of order.
			e.fake.UpdateUserActiveFunc = func(context.Context, string, bool) (*model.Response, error) {
				time.Sleep(time.Duration(rand.IntN(5)) * time.Millisecond)
				return &model.Response{StatusCode: 200}, nil
			}
			cmd := NewCmdActivate(e.f, nil)
			if verb == "deactivate" {
				cmd = NewCmdDeactivate(e.f, nil)
			}
			err := e.run(cmd, args...)
			if cmdutil.ExitCode(err) != cmdutil.ExitPartial {
				t.Fatalf("exit = %d (%v), want 3", cmdutil.ExitCode(err), err)
			}
			rows := mvRows(t, e.out.String())
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
			if n := mvCount(e.errOut.String(), `ghost: user "ghost" not found`); n != 1 {
				t.Errorf("the failure is on stderr %d times, want once\n%s", n, e.errOut)
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
			e := newMVEnv(t, false)
			var users []*model.User
			args := slices.Clone(tt.args)
			for i := range 40 {
				u := mvUser(fmt.Sprintf("p%02d", i))
				users = append(users, u)
				args = append(args, u.Username)
			}
			newMVDirectory(users...).install(e.fake)
			var g mvGauge
			e.fake.UpdateUserActiveFunc = func(context.Context, string, bool) (*model.Response, error) {
				g.enter()
				defer g.leave()
				time.Sleep(5 * time.Millisecond)
				return &model.Response{StatusCode: 200}, nil
			}
			if err := e.run(NewCmdActivate(e.f, nil), args...); err != nil {
				t.Fatal(err)
			}
			if got := g.max.Load(); got > tt.max {
				t.Errorf("%d calls in flight at once, want ≤ %d", got, tt.max)
			}
			if tt.max > 1 && g.max.Load() < 2 {
				t.Errorf("calls never overlapped (max in flight %d)", g.max.Load())
			}
			if e.fake.Calls("UpdateUserActive") != 40 {
				t.Errorf("UpdateUserActive calls = %d, want 40", e.fake.Calls("UpdateUserActive"))
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newMVEnv(t, tt.tty)
			newMVDirectory(alice, carol).install(e.fake)
			rec := &mvActiveRecorder{}
			rec.install(e.fake, nil)
			err := e.run(NewCmdDeactivate(e.f, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d", got, err, tt.wantExit)
			}
			// The warning is written while the call runs, the success line when its turn in
			// argument order comes: compare the lines, not their interleaving.
			if got, want := mvSortedLines(e.errOut.String()), mvSortedLines(tt.wantStderr); !slices.Equal(got, want) {
				t.Errorf("stderr = %q, want the lines of %q", e.errOut, tt.wantStderr)
			}
			if e.out.Len() != 0 {
				t.Errorf("stdout = %q", e.out)
			}
			if got := e.fake.Calls("UpdateUserActive"); got != tt.wantCalls {
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
