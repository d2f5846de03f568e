package user

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/prompt"
)

func TestChangePasswordFlags(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    ChangePasswordOptions
		wantErr string
	}{
		{name: "argv flags", argv: []string{"alice", "-p", "new", "-c", "old"}, want: ChangePasswordOptions{User: "alice", Password: "new", Current: "old"}},
		{name: "files", argv: []string{"alice", "--password-file", "n.txt", "--current-file", "-"}, want: ChangePasswordOptions{User: "alice", PasswordFile: "n.txt", CurrentFile: "-"}},
		{name: "hashed dry run", argv: []string{"alice", "--hashed", "--password", "$2a$10$x", "--dry-run"}, want: ChangePasswordOptions{User: "alice", Password: "$2a$10$x", Hashed: true, DryRun: true}},
		{name: "no user", argv: []string{}, wantErr: "expects one user"},
		{name: "two users", argv: []string{"a", "b"}, wantErr: "expects one user"},
		{name: "password twice", argv: []string{"alice", "-p", "x", "--password-file", "f"}, wantErr: "cannot be used together"},
		{name: "current twice", argv: []string{"alice", "-c", "x", "--current-file", "f"}, wantErr: "cannot be used together"},
		{name: "stdin twice", argv: []string{"alice", "--password-file", "-", "--current-file", "-"}, wantErr: "cannot both read standard input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t)
			var got *ChangePasswordOptions
			cmd := NewCmdChangePassword(env.F, func(_ context.Context, o *ChangePasswordOptions) error { got = o; return nil })
			err := env.Exec(cmd, tt.argv...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
					t.Errorf("exit code = %d, want 2", code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.User != tt.want.User || got.Password != tt.want.Password || got.Current != tt.want.Current ||
				got.PasswordFile != tt.want.PasswordFile || got.CurrentFile != tt.want.CurrentFile ||
				got.Hashed != tt.want.Hashed || got.DryRun != tt.want.DryRun {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestChangePasswordRun(t *testing.T) {
	alice := editTestUser("alice")
	admin := editTestUser("admin")
	dir := t.TempDir()
	newFile := filepath.Join(dir, "new.txt")
	curFile := filepath.Join(dir, "cur.txt")
	if err := os.WriteFile(newFile, []byte("N3w-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(curFile, []byte("0ld-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	// update records the passwords sent.
	type sent struct{ current, next, hashed string }
	tests := []struct {
		name       string
		argv       []string
		tty        bool
		me         *model.User
		meErr      error
		prompts    []cmdtest.Answer
		stdin      string
		updateErr  error
		wantCode   int
		wantSent   *sent
		wantStderr []string
		wantAsked  []string
		wantCalls  map[string]int
	}{
		{
			name:       "admin changes another user's password from a file",
			argv:       []string{"alice", "--password-file", newFile},
			me:         admin,
			wantSent:   &sent{next: "N3w-secret"},
			wantStderr: []string{"Password for user alice successfully changed"},
			wantCalls:  map[string]int{"GetMe": 1, "UpdateUserPassword": 1},
		},
		{
			name:       "new password from stdin",
			argv:       []string{"alice", "--password-file", "-"},
			stdin:      "from-stdin\n",
			me:         admin,
			wantSent:   &sent{next: "from-stdin"},
			wantStderr: []string{"successfully changed"},
		},
		{
			name:       "argv password warns",
			argv:       []string{"alice", "-p", "argv-secret"},
			me:         admin,
			wantSent:   &sent{next: "argv-secret"},
			wantStderr: []string{"warning: --password exposes the password", "successfully changed"},
		},
		{
			name:       "current given: no GetMe",
			argv:       []string{"alice", "--password-file", newFile, "--current-file", curFile},
			wantSent:   &sent{current: "0ld-secret", next: "N3w-secret"},
			wantStderr: []string{"successfully changed"},
			wantCalls:  map[string]int{"GetMe": 0},
		},
		{
			name:       "hashed",
			argv:       []string{"alice", "--hashed", "--password-file", newFile},
			wantSent:   &sent{hashed: "N3w-secret"},
			wantStderr: []string{"successfully changed"},
			wantCalls:  map[string]int{"GetMe": 0, "UpdateUserHashedPassword": 1, "UpdateUserPassword": 0},
		},
		{
			name:      "no terminal and no password: usage error before any request",
			argv:      []string{"alice"},
			wantCode:  cmdutil.ExitUsage,
			wantCalls: map[string]int{"GetUsersByUsernames": 0, "UpdateUserPassword": 0},
		},
		{
			name:      "own password without current and no terminal",
			argv:      []string{"alice", "--password-file", newFile},
			me:        alice,
			wantCode:  cmdutil.ExitUsage,
			wantCalls: map[string]int{"UpdateUserPassword": 0},
		},
		{
			name:       "terminal: another user's password asked twice",
			argv:       []string{"alice"},
			tty:        true,
			me:         admin,
			prompts:    []cmdtest.Answer{cmdtest.Password("", "typed"), cmdtest.Password("", "typed")},
			wantSent:   &sent{next: "typed"},
			wantAsked:  []string{"New password for alice", "New password again"},
			wantStderr: []string{"successfully changed"},
		},
		{
			name:       "terminal: own password asks for the current one",
			argv:       []string{"alice"},
			tty:        true,
			me:         alice,
			prompts:    []cmdtest.Answer{cmdtest.Password("", "old"), cmdtest.Password("", "new1"), cmdtest.Password("", "new1")},
			wantSent:   &sent{current: "old", next: "new1"},
			wantAsked:  []string{"Current password of alice", "New password for alice", "New password again"},
			wantStderr: []string{"successfully changed"},
		},
		{
			name:       "terminal: mismatch then match",
			argv:       []string{"alice"},
			tty:        true,
			me:         admin,
			prompts:    []cmdtest.Answer{cmdtest.Password("", "a"), cmdtest.Password("", "b"), cmdtest.Password("", "c"), cmdtest.Password("", "c")},
			wantSent:   &sent{next: "c"},
			wantStderr: []string{"The passwords do not match.", "successfully changed"},
		},
		{
			name:      "terminal: three mismatches",
			argv:      []string{"alice"},
			tty:       true,
			me:        admin,
			prompts:   []cmdtest.Answer{cmdtest.Password("", "a"), cmdtest.Password("", "b"), cmdtest.Password("", "c"), cmdtest.Password("", "d"), cmdtest.Password("", "e"), cmdtest.Password("", "f")},
			wantCode:  cmdutil.ExitError,
			wantCalls: map[string]int{"UpdateUserPassword": 0},
		},
		{
			name:      "terminal: Ctrl-C",
			argv:      []string{"alice"},
			tty:       true,
			me:        admin,
			prompts:   []cmdtest.Answer{{Kind: "password", Err: prompt.ErrInterrupted}},
			wantCode:  cmdutil.ExitInterrupted,
			wantCalls: map[string]int{"UpdateUserPassword": 0},
		},
		{
			name:       "terminal: GetMe unavailable asks like mmctl",
			argv:       []string{"alice"},
			tty:        true,
			meErr:      &client.Error{Status: http.StatusNotFound, Message: "not found"},
			prompts:    []cmdtest.Answer{cmdtest.Confirm("", true), cmdtest.Password("", "old"), cmdtest.Password("", "n"), cmdtest.Password("", "n")},
			wantSent:   &sent{current: "old", next: "n"},
			wantAsked:  []string{"Are you changing your own password?", "Current password of alice"},
			wantStderr: []string{"successfully changed"},
		},
		{
			name:      "GetMe 401 is reported",
			argv:      []string{"alice", "--password-file", newFile},
			meErr:     &client.Error{Status: http.StatusUnauthorized, Message: "invalid session"},
			wantCode:  cmdutil.ExitAuth,
			wantCalls: map[string]int{"UpdateUserPassword": 0},
		},
		{
			name:       "dry run: no prompt, no change",
			argv:       []string{"alice", "--dry-run"},
			tty:        true,
			me:         admin,
			wantStderr: []string{"would change the password of user alice (" + alice.Id + ")"},
			wantCalls:  map[string]int{"UpdateUserPassword": 0, "UpdateUserHashedPassword": 0},
		},
		{
			name:      "unknown user",
			argv:      []string{"nobody", "--password-file", newFile},
			wantCode:  cmdutil.ExitNotFound,
			wantCalls: map[string]int{"UpdateUserPassword": 0},
		},
		{
			name:      "server rejects",
			argv:      []string{"alice", "--password-file", newFile},
			me:        admin,
			updateErr: &client.Error{Status: http.StatusBadRequest, Message: "Your password must contain at least 5 characters."},
			wantCode:  cmdutil.ExitError,
			wantSent:  &sent{next: "N3w-secret"},
			wantCalls: map[string]int{"UpdateUserPassword": 1},
		},
		{
			name:      "missing password file",
			argv:      []string{"alice", "--password-file", filepath.Join(dir, "nope")},
			wantCode:  cmdutil.ExitError,
			wantCalls: map[string]int{"GetUsersByUsernames": 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.TTY(tt.tty))
			env.In.WriteString(tt.stdin)
			env.Prompter.Script(tt.prompts...)
			cmdtest.ServeUsers(env.Fake, alice, admin)
			env.Fake.GetMeFunc = func(context.Context, string) (*model.User, *model.Response, error) {
				if tt.meErr != nil {
					return nil, nil, tt.meErr
				}
				if tt.me == nil {
					return nil, nil, errors.New("unexpected GetMe")
				}
				return tt.me, nil, nil
			}
			var got *sent
			env.Fake.UpdateUserPasswordFunc = func(_ context.Context, id, current, next string) (*model.Response, error) {
				if id != alice.Id {
					return nil, errors.New("wrong user")
				}
				got = &sent{current: current, next: next}
				return nil, tt.updateErr
			}
			env.Fake.UpdateUserHashedPasswordFunc = func(_ context.Context, id, hashed string) (*model.Response, error) {
				got = &sent{hashed: hashed}
				return nil, tt.updateErr
			}
			cmd := NewCmdChangePassword(env.F, nil)
			err := env.Exec(cmd, tt.argv...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d; stderr: %s", code, err, tt.wantCode, env.ErrOut)
			}
			if tt.wantSent != nil && (got == nil || *got != *tt.wantSent) {
				t.Errorf("sent %+v, want %+v", got, tt.wantSent)
			}
			if tt.wantSent == nil && got != nil {
				t.Errorf("sent %+v, want no change", got)
			}
			if env.Out.Len() > 0 {
				t.Errorf("stdout = %q, want nothing", env.Out)
			}
			for _, s := range tt.wantStderr {
				if !strings.Contains(env.ErrOut.String(), s) {
					t.Errorf("stderr = %q, want %q", env.ErrOut, s)
				}
			}
			// No secret is ever echoed.
			for _, secret := range []string{"N3w-secret", "0ld-secret", "typed", "from-stdin", "argv-secret"} {
				if strings.Contains(env.ErrOut.String(), secret) || (err != nil && strings.Contains(err.Error(), secret)) {
					t.Errorf("secret %q leaked: stderr %q, err %v", secret, env.ErrOut, err)
				}
			}
			if tt.wantAsked != nil {
				asked := env.Prompter.Asked()
				for i, q := range tt.wantAsked {
					if i >= len(asked) || asked[i] != q {
						t.Errorf("asked %q, want %q", asked, tt.wantAsked)
						break
					}
				}
			}
			for name, n := range tt.wantCalls {
				if got := env.Fake.Calls(name); got != n {
					t.Errorf("%s calls = %d, want %d", name, got, n)
				}
			}
		})
	}
}
