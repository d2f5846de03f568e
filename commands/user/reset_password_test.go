package user

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestResetPasswordFlags(t *testing.T) {
	tests := []struct {
		name         string
		argv         []string
		stdin        string
		wantUsers    []string
		wantParallel int
		wantDryRun   bool
		wantErr      string
	}{
		{name: "args", argv: []string{"alice", "bob@example.com"}, wantUsers: []string{"alice", "bob@example.com"}, wantParallel: 8},
		{name: "file and flags", argv: []string{"--file", "-", "--parallel", "2", "--dry-run"}, stdin: "alice\nbob\n",
			wantUsers: []string{"alice", "bob"}, wantParallel: 2, wantDryRun: true},
		{name: "dry_run spelling", argv: []string{"alice", "--dry_run"}, wantUsers: []string{"alice"}, wantParallel: 8, wantDryRun: true},
		{name: "no users", wantErr: "at least one user"},
		{name: "bad parallel", argv: []string{"alice", "--parallel", "0"}, wantErr: "--parallel must be between 1 and 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t)
			env.In.WriteString(tt.stdin)
			var got *ResetPasswordOptions
			err := env.Exec(NewCmdResetPassword(env.F, func(_ context.Context, o *ResetPasswordOptions) error { got = o; return nil }), tt.argv...)
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
			if !slices.Equal(got.Args, tt.wantUsers) || got.Bulk.Parallel != tt.wantParallel || got.Bulk.DryRun != tt.wantDryRun {
				t.Errorf("options = %q %+v", got.Args, got.Bulk)
			}
		})
	}
}

func TestResetPasswordAlias(t *testing.T) {
	env := cmdtest.New(t)
	cmd := NewCmdResetPassword(env.F, nil)
	if !slices.Contains(cmd.Aliases, "reset_password") {
		t.Errorf("aliases = %q, want reset_password", cmd.Aliases)
	}
}

func TestResetPasswordRun(t *testing.T) {
	alice, bob := searchTestUser("alice"), searchTestUser("bob")
	sso := searchTestUser("sam")
	sso.AuthService = model.UserAuthServiceSaml
	users := []*model.User{alice, bob, sso}
	tests := []struct {
		name     string
		argv     []string
		format   string
		sendErr  error
		wantCode int
		wantSent []string
		wantErr  string
		wantRows []cmdtest.Row
	}{
		{name: "usernames ids and emails", argv: []string{"alice", bob.Id},
			wantSent: []string{"alice@example.com", "bob@example.com"},
			wantErr:  "Sent a password reset email to alice@example.com\nSent a password reset email to bob@example.com\n"},
		{name: "json rows", argv: []string{"bob@example.com", "ghost"}, format: "json", wantCode: cmdutil.ExitPartial,
			wantSent: []string{"bob@example.com"},
			wantErr:  "Sent a password reset email to bob@example.com\nghost: user \"ghost\" not found\n",
			wantRows: []cmdtest.Row{{Input: "bob@example.com", OK: true}, {Input: "ghost", Error: `user "ghost" not found`}}},
		{name: "sso user refused", argv: []string{"sam", "alice"}, wantCode: cmdutil.ExitPartial,
			wantSent: []string{"alice@example.com"},
			wantErr:  "sam: the user signs in with saml and has no password to reset\nSent a password reset email to alice@example.com\n"},
		{name: "dry run sends nothing", argv: []string{"alice", "--dry-run"},
			wantErr: "would send a password reset email to user alice (" + alice.Id + ")\n"},
		{name: "server refuses all", argv: []string{"alice", "bob"}, sendErr: &client.Error{Status: 501, Message: "Email is disabled"},
			wantCode: cmdutil.ExitError, wantSent: []string{"alice@example.com", "bob@example.com"},
			wantErr: "alice: Email is disabled (HTTP 501)\nbob: Email is disabled (HTTP 501)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.Format(tt.format))
			searchTestServe(env.Fake, users, nil)
			var mu sync.Mutex
			var sent []string
			env.Fake.SendPasswordResetEmailFunc = func(ctx context.Context, email string) (*model.Response, error) {
				mu.Lock()
				sent = append(sent, email)
				mu.Unlock()
				return &model.Response{StatusCode: 200}, tt.sendErr
			}
			err := env.Exec(NewCmdResetPassword(env.F, nil), tt.argv...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d; stderr: %s", code, err, tt.wantCode, env.ErrOut)
			}
			slices.Sort(sent)
			if !slices.Equal(sent, tt.wantSent) {
				t.Errorf("sent to %q, want %q", sent, tt.wantSent)
			}
			if n := env.Fake.Calls("SendPasswordResetEmail"); n != len(tt.wantSent) {
				t.Errorf("SendPasswordResetEmail calls = %d, want %d", n, len(tt.wantSent))
			}
			if env.ErrOut.String() != tt.wantErr {
				t.Errorf("stderr = %q, want %q", env.ErrOut, tt.wantErr)
			}
			if tt.wantRows == nil {
				if env.Out.Len() != 0 {
					t.Errorf("stdout = %q, want nothing", env.Out)
				}
				return
			}
			var rows []cmdtest.Row
			if err := json.Unmarshal(env.Out.Bytes(), &rows); err != nil {
				t.Fatalf("stdout is not JSON rows: %v\n%s", err, env.Out)
			}
			if len(rows) != len(tt.wantRows) {
				t.Fatalf("rows = %+v", rows)
			}
			for i, r := range rows {
				w := tt.wantRows[i]
				if r.Input != w.Input || r.OK != w.OK || r.Error != w.Error || (r.OK && r.User == nil) {
					t.Errorf("row %d = %+v, want %+v", i, r, w)
				}
			}
		})
	}
}
