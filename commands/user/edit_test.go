package user

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func editTestUser(name string) *model.User {
	return &model.User{Id: model.NewId(), Username: name, Email: name + "@example.com", Roles: "system_user"}
}

func TestEditFlags(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    EditOptions
		wantErr string
	}{
		{name: "username", argv: []string{"username", "alice", "alice2"}, want: EditOptions{Field: "username", User: "alice", Value: "alice2"}},
		{name: "username uppercase accepted", argv: []string{"username", "alice", "Alice2"}, want: EditOptions{Field: "username", User: "alice", Value: "Alice2"}},
		{name: "email dry run", argv: []string{"email", "alice", "a@example.com", "--dry-run"}, want: EditOptions{Field: "email", User: "alice", Value: "a@example.com", DryRun: true}},
		{name: "authdata empty is refused", argv: []string{"authdata", "alice", ""}, wantErr: "cannot be empty"},
		{name: "invalid username", argv: []string{"username", "alice", "bad name!"}, wantErr: "invalid username"},
		{name: "reserved username", argv: []string{"username", "alice", "all"}, wantErr: "invalid username"},
		{name: "invalid email", argv: []string{"email", "alice", "not-an-email"}, wantErr: "invalid email"},
		{name: "authdata too long", argv: []string{"authdata", "alice", strings.Repeat("x", 200)}, wantErr: "too long"},
		{name: "missing value", argv: []string{"username", "alice"}, wantErr: "expects a user and the new username"},
		{name: "too many", argv: []string{"email", "alice", "a@example.com", "b"}, wantErr: "expects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t)
			var got *EditOptions
			cmd := NewCmdEdit(env.F, func(_ context.Context, o *EditOptions) error { got = o; return nil })
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
			if got.Field != tt.want.Field || got.User != tt.want.User || got.Value != tt.want.Value || got.DryRun != tt.want.DryRun {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestEditRun(t *testing.T) {
	alice := editTestUser("alice")
	alice.AuthService = model.UserAuthServiceSaml
	alice.AuthData = model.NewPointer("old-id")

	tests := []struct {
		name       string
		argv       []string
		json       bool
		setup      func(*clienttest.Fake)
		wantCode   int
		wantStdout string
		wantStderr []string
		wantCalls  map[string]int
	}{
		{
			name: "username patched",
			argv: []string{"username", "alice", "Alice.Smith"},
			setup: func(fk *clienttest.Fake) {
				fk.PatchUserFunc = func(_ context.Context, id string, p *model.UserPatch) (*model.User, *model.Response, error) {
					if id != alice.Id || p.Username == nil || *p.Username != "Alice.Smith" || p.Email != nil {
						return nil, nil, errors.New("unexpected patch")
					}
					u := *alice
					u.Username = "alice.smith"
					return &u, nil, nil
				}
			},
			wantStderr: []string{"User alice username updated successfully"},
			wantCalls:  map[string]int{"PatchUser": 1},
		},
		{
			name: "email patched, JSON prints the user",
			argv: []string{"email", alice.Id, "new@example.com"},
			json: true,
			setup: func(fk *clienttest.Fake) {
				fk.PatchUserFunc = func(_ context.Context, id string, p *model.UserPatch) (*model.User, *model.Response, error) {
					if p.Email == nil || *p.Email != "new@example.com" || p.Username != nil {
						return nil, nil, errors.New("unexpected patch")
					}
					u := *alice
					u.Email = "new@example.com"
					return &u, nil, nil
				}
			},
			wantStdout: `"email": "new@example.com"`,
			wantStderr: []string{"User alice email updated successfully"},
			wantCalls:  map[string]int{"PatchUser": 1},
		},
		{
			name: "authdata keeps the auth service",
			argv: []string{"authdata", "alice@example.com", "new-id"},
			setup: func(fk *clienttest.Fake) {
				fk.UpdateUserAuthFunc = func(_ context.Context, id string, a *model.UserAuth) (*model.UserAuth, *model.Response, error) {
					if a.AuthService != model.UserAuthServiceSaml || a.AuthData == nil || *a.AuthData != "new-id" {
						return nil, nil, errors.New("unexpected auth")
					}
					return a, nil, nil
				}
			},
			wantStderr: []string{"User alice authdata updated successfully"},
			wantCalls:  map[string]int{"UpdateUserAuth": 1, "PatchUser": 0},
		},
		{
			name:       "dry run changes nothing",
			argv:       []string{"username", "alice", "bob", "--dry-run"},
			wantStderr: []string{`would change the username of user alice (` + alice.Id + `) from "alice" to "bob"`},
			wantCalls:  map[string]int{"PatchUser": 0},
		},
		{
			name:       "same value is a no-op",
			argv:       []string{"email", "alice", "ALICE@example.com"},
			wantStderr: []string{"already has email"},
			wantCalls:  map[string]int{"PatchUser": 0},
		},
		{
			name:      "unknown user",
			argv:      []string{"username", "nobody", "bob"},
			wantCode:  cmdutil.ExitNotFound,
			wantCalls: map[string]int{"PatchUser": 0},
		},
		{
			name: "server refuses",
			argv: []string{"username", "alice", "bob"},
			setup: func(fk *clienttest.Fake) {
				fk.PatchUserFunc = func(context.Context, string, *model.UserPatch) (*model.User, *model.Response, error) {
					return nil, nil, &client.Error{Status: http.StatusForbidden, Message: "no permission"}
				}
			},
			wantCode:  cmdutil.ExitAuth,
			wantCalls: map[string]int{"PatchUser": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.JSON(tt.json))
			cmdtest.ServeUsers(env.Fake, alice)
			if tt.setup != nil {
				tt.setup(env.Fake)
			}
			cmd := NewCmdEdit(env.F, nil)
			err := env.Exec(cmd, tt.argv...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d; stderr: %s", code, err, tt.wantCode, env.ErrOut)
			}
			if tt.wantStdout == "" && env.Out.Len() > 0 {
				t.Errorf("stdout = %q, want nothing", env.Out)
			}
			if !strings.Contains(env.Out.String(), tt.wantStdout) {
				t.Errorf("stdout = %q, want %q", env.Out, tt.wantStdout)
			}
			for _, s := range tt.wantStderr {
				if !strings.Contains(env.ErrOut.String(), s) {
					t.Errorf("stderr = %q, want %q", env.ErrOut, s)
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
