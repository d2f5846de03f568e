package user

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestDeleteFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantYes bool
		wantDry bool
		wantErr string
	}{
		{name: "plain", args: []string{"alice"}},
		{name: "confirm", args: []string{"--confirm", "alice"}, wantYes: true},
		{name: "yes", args: []string{"--yes", "alice"}, wantYes: true},
		{name: "y", args: []string{"-y", "alice"}, wantYes: true},
		{name: "dry run", args: []string{"--dry-run", "alice"}, wantDry: true},
		{name: "no user", args: []string{"--confirm"}, wantErr: "give at least one user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *DeleteOptions
			err := e.Exec(NewCmdDelete(e.F, func(_ context.Context, o *DeleteOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Yes.Yes != tt.wantYes || got.Bulk.DryRun != tt.wantDry || !slices.Equal(got.Users, []string{"alice"}) {
				t.Errorf("opts = yes %t dry %t users %q", got.Yes.Yes, got.Bulk.DryRun, got.Users)
			}
		})
	}
}

// deleteRecorder records PermanentDeleteUser calls and answers with status or err per ID.
type deleteRecorder struct {
	mu     sync.Mutex
	ids    []string
	status map[string]int
	errs   map[string]error
}

func (r *deleteRecorder) install(e *cmdtest.Env) {
	e.Fake.PermanentDeleteUserFunc = func(_ context.Context, id string) (*model.Response, error) {
		r.mu.Lock()
		r.ids = append(r.ids, id)
		r.mu.Unlock()
		if err := r.errs[id]; err != nil {
			return &model.Response{StatusCode: 500}, err
		}
		if st := r.status[id]; st != 0 {
			return &model.Response{StatusCode: st}, nil
		}
		return &model.Response{StatusCode: 200}, nil
	}
}

func TestDeleteRun(t *testing.T) {
	alice, bob, carol := mvUser("alice"), mvUser("bob"), mvUser("carol")
	disabled := mvAPIError(401, "api.user.delete_user.not_enabled.for_admin.app_error",
		"Permanent user deletion feature is not enabled. Please contact your System Administrator.")
	tests := []struct {
		name        string
		tty         bool
		json        bool
		args        []string
		confirms    []bool
		setup       func(e *cmdtest.Env, rec *deleteRecorder)
		wantExit    int
		wantErr     string   // substring of the returned error
		wantStderr  []string // lines that must appear exactly once
		notStderr   []string
		wantAsked   []string
		wantDeleted []string
		wantLookups bool // false: no request at all
	}{
		{
			name: "no terminal, no --confirm", args: []string{"alice"},
			wantExit: cmdutil.ExitUsage, wantErr: "--confirm",
		},
		{
			name: "no terminal, --confirm", args: []string{"--confirm", "alice", "bob"},
			wantStderr:  []string{"Deleted user alice", "Deleted user bob"},
			wantDeleted: []string{alice.Id, bob.Id}, wantLookups: true,
		},
		{
			name: "terminal: confirmed", tty: true, args: []string{"alice", "bob@example.com", carol.Id}, confirms: []bool{true},
			wantAsked:   []string{"Permanently delete 3 users (alice, bob, carol)? This cannot be undone."},
			wantStderr:  []string{"Deleted user alice", "Deleted user bob", "Deleted user carol"},
			wantDeleted: []string{alice.Id, bob.Id, carol.Id}, wantLookups: true,
		},
		{
			name: "terminal: one user", tty: true, args: []string{"alice"}, confirms: []bool{true},
			wantAsked:   []string{"Permanently delete user alice? This cannot be undone."},
			wantStderr:  []string{"Deleted user alice"},
			wantDeleted: []string{alice.Id}, wantLookups: true,
		},
		{
			name: "terminal: declined", tty: true, args: []string{"alice", "bob"}, confirms: []bool{false},
			wantExit:  cmdutil.ExitInterrupted,
			wantAsked: []string{"Permanently delete 2 users (alice, bob)? This cannot be undone."}, wantLookups: true,
		},
		{
			name: "terminal: --yes asks nothing", tty: true, args: []string{"--yes", "alice"},
			wantStderr: []string{"Deleted user alice"}, wantDeleted: []string{alice.Id}, wantLookups: true,
		},
		{
			name: "one argument does not resolve: nothing deleted, nothing asked", tty: true, args: []string{"alice", "ghost", "bob"},
			wantExit: cmdutil.ExitNotFound, wantErr: `nothing was changed: ghost: user "ghost" not found`, wantLookups: true,
		},
		{
			name: "lookup fails: nothing deleted", args: []string{"--confirm", "alice", "bob"},
			setup: func(e *cmdtest.Env, _ *deleteRecorder) {
				e.Fake.GetUsersByUsernamesFunc = func(context.Context, []string) ([]*model.User, *model.Response, error) {
					return nil, &model.Response{StatusCode: 500}, mvAPIError(500, "x", "database down")
				}
			},
			wantExit: cmdutil.ExitError, wantErr: "alice: database down (HTTP 500); bob: database down (HTTP 500)",
			notStderr: []string{"not found"}, wantLookups: true,
		},
		{
			name: "dry run needs no confirmation and deletes nothing", args: []string{"--dry-run", "alice", "bob"},
			wantStderr:  []string{"would permanently delete user alice (" + alice.Id + ")", "would permanently delete user bob (" + bob.Id + ")"},
			notStderr:   []string{"Deleted"},
			wantLookups: true,
		},
		{
			name: "dry run with an unknown user", args: []string{"--dry-run", "alice", "ghost"},
			wantExit: cmdutil.ExitNotFound, wantErr: `ghost: user "ghost" not found`, wantLookups: true,
		},
		{
			name: "202: deleted, profile image left behind", args: []string{"-y", "alice", "bob"},
			setup:       func(_ *cmdtest.Env, rec *deleteRecorder) { rec.status = map[string]int{alice.Id: 202} },
			wantStderr:  []string{"Deleted user alice", "Deleted user bob", "warning: user alice was deleted, but the server could not remove the profile image; remove users/" + alice.Id + "/ from the file store manually"},
			wantDeleted: []string{alice.Id, bob.Id}, wantLookups: true,
		},
		{
			name: "deletion disabled on the server", args: []string{"-y", "alice", "bob"},
			setup: func(_ *cmdtest.Env, rec *deleteRecorder) {
				rec.errs = map[string]error{alice.Id: disabled, bob.Id: disabled}
			},
			wantExit: cmdutil.ExitError,
			wantStderr: []string{
				"alice: user deletion through the API is disabled on the server (ServiceSettings.EnableAPIUserDeletion, MM_SERVICESETTINGS_ENABLEAPIUSERDELETION)",
				"bob: user deletion through the API is disabled on the server (ServiceSettings.EnableAPIUserDeletion, MM_SERVICESETTINGS_ENABLEAPIUSERDELETION)",
				"hint: set ServiceSettings.EnableAPIUserDeletion to true (System Console, config.json or MM_SERVICESETTINGS_ENABLEAPIUSERDELETION=true), or use `matterctl user deactivate`",
			},
			notStderr:   []string{"auth login", "Deleted"},
			wantDeleted: []string{alice.Id, bob.Id}, wantLookups: true,
		},
		{
			name: "partial failure", args: []string{"-y", "alice", "bob"},
			setup: func(_ *cmdtest.Env, rec *deleteRecorder) {
				rec.errs = map[string]error{bob.Id: mvAPIError(500, "x", "boom")}
			},
			wantExit:    cmdutil.ExitPartial,
			wantStderr:  []string{"Deleted user alice", "bob: boom (HTTP 500)"},
			notStderr:   []string{"hint:"},
			wantDeleted: []string{alice.Id, bob.Id}, wantLookups: true,
		},
		{
			name: "the same user twice is deleted once", tty: true, args: []string{"alice", "alice@example.com"}, confirms: []bool{true},
			wantAsked:   []string{"Permanently delete user alice? This cannot be undone."},
			wantDeleted: []string{alice.Id}, wantLookups: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			for _, yes := range tt.confirms {
				e.Prompter.Script(cmdtest.Confirm("", yes))
			}
			cmdtest.ServeUsers(e.Fake, alice, bob, carol)
			rec := &deleteRecorder{}
			rec.install(e)
			if tt.setup != nil {
				tt.setup(e, rec)
			}
			err := e.Exec(NewCmdDelete(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			for _, line := range tt.wantStderr {
				if n := mvCount(e.ErrOut.String(), line); n != 1 {
					t.Errorf("stderr has %q %d times, want once\nstderr:\n%s", line, n, e.ErrOut)
				}
			}
			for _, s := range tt.notStderr {
				if strings.Contains(e.ErrOut.String()+fmt.Sprint(err), s) {
					t.Errorf("output contains %q\nstderr:\n%s\nerr: %v", s, e.ErrOut, err)
				}
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout = %q", e.Out)
			}
			if got := e.Prompter.Asked(); !slices.Equal(got, tt.wantAsked) {
				t.Errorf("asked %q, want %q", got, tt.wantAsked)
			}
			got := slices.Sorted(slices.Values(rec.ids))
			want := slices.Sorted(slices.Values(tt.wantDeleted))
			if !slices.Equal(got, want) {
				t.Errorf("PermanentDeleteUser(%q), want %q", got, want)
			}
			if !tt.wantLookups && e.Fake.TotalCalls() != 0 {
				t.Errorf("%d client calls, want none", e.Fake.TotalCalls())
			}
		})
	}
}

func TestDeleteJSON(t *testing.T) {
	alice, bob := mvUser("alice"), mvUser("bob")
	e := cmdtest.New(t, cmdtest.JSON(true))
	cmdtest.ServeUsers(e.Fake, alice, bob)
	rec := &deleteRecorder{errs: map[string]error{bob.Id: mvAPIError(403, "x", "forbidden")}}
	rec.install(e)

	err := e.Exec(NewCmdDelete(e.F, nil), "--confirm", "bob", "alice")
	if cmdutil.ExitCode(err) != cmdutil.ExitPartial {
		t.Fatalf("exit = %d (%v), want 3", cmdutil.ExitCode(err), err)
	}
	rows := mvRows(t, e.Out.String())
	if len(rows) != 2 || rows[0].Input != "bob" || rows[1].Input != "alice" {
		t.Fatalf("rows = %+v, want bob then alice", rows)
	}
	if rows[0].OK || rows[0].Error != "forbidden (HTTP 403)" || rows[1].OK != true || rows[1].User == nil || rows[1].User.Id != alice.Id {
		t.Errorf("rows = %+v", rows)
	}
}

func TestDeleteQuestionListsTenUsers(t *testing.T) {
	var users []*model.User
	var args []string
	for i := range 12 {
		u := mvUser(fmt.Sprintf("u%02d", i))
		users = append(users, u)
		args = append(args, u.Username)
	}
	e := cmdtest.New(t, cmdtest.TTY(true))
	for _, yes := range []bool{false} {
		e.Prompter.Script(cmdtest.Confirm("", yes))
	}
	cmdtest.ServeUsers(e.Fake, users...)

	err := e.Exec(NewCmdDelete(e.F, nil), args...)
	if cmdutil.ExitCode(err) != cmdutil.ExitInterrupted {
		t.Fatalf("exit = %d, want 130", cmdutil.ExitCode(err))
	}
	want := "Permanently delete 12 users (u00, u01, u02, u03, u04, u05, u06, u07, u08, u09 and 2 more)? This cannot be undone."
	if got := e.Prompter.Asked(); len(got) != 1 || got[0] != want {
		t.Errorf("asked %q, want %q", got, want)
	}
	if e.Fake.Calls("PermanentDeleteUser") != 0 {
		t.Error("deleted after the prompt was declined")
	}
}
