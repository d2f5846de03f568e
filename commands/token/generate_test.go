package token

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestGenerateFlags(t *testing.T) {
	tests := []struct {
		name     string
		argv     []string
		wantUser string
		wantDesc string
		wantDry  bool
		wantErr  string
	}{
		{name: "basic", argv: []string{"alice", "CI pipeline"}, wantUser: "alice", wantDesc: "CI pipeline"},
		{name: "dry run", argv: []string{"alice", "x", "--dry-run"}, wantUser: "alice", wantDesc: "x", wantDry: true},
		{name: "missing description", argv: []string{"alice"}, wantErr: "expects a user and a description"},
		{name: "empty description", argv: []string{"alice", "  "}, wantErr: "must not be empty"},
		{name: "long description", argv: []string{"alice", strings.Repeat("d", 256)}, wantErr: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t)
			var got *GenerateOptions
			err := env.Exec(NewCmdGenerate(env.F, func(_ context.Context, o *GenerateOptions) error { got = o; return nil }), tt.argv...)
			code := cmdutil.ExitCode(err)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || code != cmdutil.ExitUsage {
					t.Fatalf("err = %v (exit %d), want usage error %q", err, code, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.User != tt.wantUser || got.Description != tt.wantDesc || got.DryRun != tt.wantDry {
				t.Errorf("options = %+v", *got)
			}
		})
	}
}

func TestGenerateRun(t *testing.T) {
	alice := &model.User{Id: model.NewId(), Username: "alice"}
	tokID := model.NewId()
	const secret = "s3cr3tt0k3nvalue0000000000"
	tests := []struct {
		name       string
		argv       []string
		tty, json  bool
		createErr  error
		wantCode   int
		wantStdout string
		wantStderr []string
		wantCalls  map[string]int
	}{
		{
			name:       "plain prints only the token",
			argv:       []string{"alice", "CI"},
			wantStdout: secret + "\n",
			wantStderr: []string{"Generated a token for alice (id " + tokID + "); it is shown only once"},
			wantCalls:  map[string]int{"CreateUserAccessToken": 1},
		},
		{
			name:       "table shows token, id and description",
			argv:       []string{"alice", "CI"},
			tty:        true,
			wantStdout: "TOKEN",
			wantCalls:  map[string]int{"CreateUserAccessToken": 1},
		},
		{
			name:       "json prints the token object",
			argv:       []string{"alice", "CI"},
			json:       true,
			wantStdout: `"token": "` + secret + `"`,
		},
		{
			name:       "dry run",
			argv:       []string{"alice", "CI", "--dry-run"},
			wantStderr: []string{`would generate a token for user alice (` + alice.Id + `) with description "CI"`},
			wantCalls:  map[string]int{"CreateUserAccessToken": 0},
		},
		{
			name:       "tokens disabled",
			argv:       []string{"alice", "CI"},
			createErr:  &client.Error{Status: http.StatusNotImplemented, Message: "User access tokens are disabled"},
			wantCode:   cmdutil.ExitError,
			wantStderr: nil,
		},
		{
			name:      "forbidden",
			argv:      []string{"alice", "CI"},
			createErr: &client.Error{Status: http.StatusForbidden, Message: "no permission"},
			wantCode:  cmdutil.ExitAuth,
		},
		{
			name:      "unknown user",
			argv:      []string{"nobody", "CI"},
			wantCode:  cmdutil.ExitNotFound,
			wantCalls: map[string]int{"CreateUserAccessToken": 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			cmdtest.ServeUsers(env.Fake, alice)
			env.Fake.CreateUserAccessTokenFunc = func(_ context.Context, uid, desc string) (*model.UserAccessToken, *model.Response, error) {
				if tt.createErr != nil {
					return nil, nil, tt.createErr
				}
				return &model.UserAccessToken{Id: tokID, Token: secret, UserId: uid, Description: desc, IsActive: true}, nil, nil
			}
			err := env.Exec(NewCmdGenerate(env.F, nil), tt.argv...)
			code := cmdutil.ExitCode(err)
			if code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.tty || tt.json {
				checkContains(t, "stdout", env.Out.String(), tt.wantStdout)
			} else if env.Out.String() != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", env.Out, tt.wantStdout)
			}
			if tt.json {
				var tok model.UserAccessToken
				if err := json.Unmarshal(env.Out.Bytes(), &tok); err != nil || tok.Id != tokID {
					t.Errorf("JSON = %q (%v)", env.Out, err)
				}
			}
			checkContains(t, "stderr", env.ErrOut.String(), tt.wantStderr...)
			if strings.Contains(env.ErrOut.String(), secret) {
				t.Errorf("token leaked to stderr: %q", env.ErrOut)
			}
			checkCalls(t, env.Fake, tt.wantCalls)
		})
	}
}

func TestGenerateHints(t *testing.T) {
	for _, tt := range []struct {
		err  *client.Error
		exit int
		want []string
	}{
		{&client.Error{Status: http.StatusNotImplemented, ID: "app.user_access_token.disabled", Message: "m"}, cmdutil.ExitError,
			[]string{"personal access token creation is disabled on the server (ServiceSettings.EnableUserAccessTokens, MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS)",
				"\nhint: set ServiceSettings.EnableUserAccessTokens to true"}},
		{&client.Error{Status: http.StatusForbidden, Message: "m"}, cmdutil.ExitAuth,
			[]string{"m (HTTP 403)\nhint: check that personal access tokens are enabled (ServiceSettings.EnableUserAccessTokens, MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS)", "create_user_access_token"}},
		{&client.Error{Status: http.StatusBadRequest, Message: "m"}, cmdutil.ExitError, []string{"m"}},
	} {
		err := withTokenHint(tt.err)
		msg := cmdutil.ErrorMessage(err)
		for _, want := range tt.want {
			if !strings.Contains(msg, want) {
				t.Errorf("status %d: message %q, want %q", tt.err.Status, msg, want)
			}
		}
		if code := cmdutil.ExitCode(err); code != tt.exit {
			t.Errorf("status %d: exit %d, want %d", tt.err.Status, code, tt.exit)
		}
	}
}
