package token

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestRevokeFlags(t *testing.T) {
	env := cmdtest.New(t)
	var got *RevokeOptions
	env.In.WriteString("id3\n# comment\n\nid4\n")
	err := env.Exec(NewCmdRevoke(env.F, func(_ context.Context, o *RevokeOptions) error { got = o; return nil }),
		"id1", "id2", "--file", "-", "--parallel", "2", "--dry-run")
	code := cmdutil.ExitCode(err)
	if err != nil || code != 0 {
		t.Fatal(err)
	}
	if strings.Join(got.TokenIDs, ",") != "id1,id2,id3,id4" || got.Bulk.Parallel != 2 || !got.Bulk.DryRun {
		t.Errorf("options = %+v", *got)
	}

	for _, argv := range [][]string{{"x", "--yes"}, {"x", "-y"}, {"x", "--confirm"}} {
		env := cmdtest.New(t)
		var got *RevokeOptions
		if err := env.Exec(NewCmdRevoke(env.F, func(_ context.Context, o *RevokeOptions) error { got = o; return nil }), argv...); err != nil {
			t.Fatal(err)
		}
		if !got.Yes.Yes {
			t.Errorf("%v: Yes not set", argv)
		}
	}

	for _, argv := range [][]string{{}, {"x", "--parallel", "0"}} {
		env := cmdtest.New(t)
		err := env.Exec(NewCmdRevoke(env.F, func(context.Context, *RevokeOptions) error { return nil }), argv...)
		code := cmdutil.ExitCode(err)
		if code != cmdutil.ExitUsage {
			t.Errorf("%v: exit %d (%v), want 2", argv, code, err)
		}
	}
}

func TestRevokeRun(t *testing.T) {
	a, b, missing := model.NewId(), model.NewId(), model.NewId()
	existing := map[string]*model.UserAccessToken{
		a: {Id: a, UserId: "u1", Description: "ci", IsActive: true, Token: "must-not-show"},
		b: {Id: b, UserId: "u2", Description: "backup", IsActive: true},
	}
	tests := []struct {
		name        string
		argv        []string
		json        bool
		wantCode    int
		wantRevoked []string
		wantStderr  []string
		wantRows    []cmdtest.Row
		wantCalls   map[string]int
	}{
		{
			name:        "all revoked, messages in order",
			argv:        []string{a, b},
			wantRevoked: []string{a, b},
			wantStderr:  []string{"Revoked token " + a + "\nRevoked token " + b + "\n"},
		},
		{
			name:        "failure does not stop the others",
			argv:        []string{missing, a, "not-an-id", b},
			wantCode:    cmdutil.ExitPartial,
			wantRevoked: []string{a, b},
			wantStderr:  []string{missing + `: token "` + missing + `" not found`, "not-an-id: not a token ID", "Revoked token " + b},
		},
		{
			name:     "all fail: exit code of the first",
			argv:     []string{missing},
			wantCode: cmdutil.ExitNotFound,
		},
		{
			name:        "JSON rows",
			argv:        []string{a, missing},
			json:        true,
			wantCode:    cmdutil.ExitPartial,
			wantRevoked: []string{a},
			wantRows: []cmdtest.Row{
				// The row carries the token as looked up before revoking it, never its value.
				{Input: a, OK: true, Token: &model.UserAccessToken{Id: a, UserId: "u1", Description: "ci", IsActive: true}},
				{Input: missing, OK: false, Error: `token "` + missing + `" not found`},
			},
		},
		{
			name:       "dry run checks existence, revokes nothing",
			argv:       []string{a, missing, "--dry-run"},
			wantCode:   cmdutil.ExitPartial,
			wantStderr: []string{`would revoke token ` + a + ` ("ci", of user u1)`, missing + `: token "` + missing + `" not found`},
			wantCalls:  map[string]int{"RevokeUserAccessToken": 0, "GetUserAccessToken": 2},
		},
		{
			name:     "dry run JSON carries the token, never its value",
			argv:     []string{b, "--dry-run"},
			json:     true,
			wantRows: []cmdtest.Row{{Input: b, OK: true, DryRun: true, Token: &model.UserAccessToken{Id: b, UserId: "u2", Description: "backup", IsActive: true}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.JSON(tt.json))
			var mu sync.Mutex
			var revoked []string
			env.Fake.RevokeUserAccessTokenFunc = func(_ context.Context, id string) (*model.Response, error) {
				if existing[id] == nil {
					return nil, &client.Error{Status: http.StatusNotFound, Message: "not found"}
				}
				mu.Lock()
				revoked = append(revoked, id)
				mu.Unlock()
				return nil, nil
			}
			env.Fake.GetUserAccessTokenFunc = func(_ context.Context, id string) (*model.UserAccessToken, *model.Response, error) {
				if existing[id] == nil {
					return nil, nil, &client.Error{Status: http.StatusNotFound, Message: "not found"}
				}
				c := *existing[id]
				return &c, nil, nil
			}
			err := env.Exec(NewCmdRevoke(env.F, nil), append(tt.argv, "--parallel", "1")...)
			code := cmdutil.ExitCode(err)
			if code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d; stderr %q", code, err, tt.wantCode, env.ErrOut)
			}
			if strings.Join(revoked, ",") != strings.Join(tt.wantRevoked, ",") {
				t.Errorf("revoked %v, want %v", revoked, tt.wantRevoked)
			}
			checkContains(t, "stderr", env.ErrOut.String(), tt.wantStderr...)
			if strings.Contains(env.Out.String()+env.ErrOut.String(), "must-not-show") {
				t.Errorf("token value shown")
			}
			if tt.wantRows != nil {
				var rows []cmdtest.Row
				if err := json.Unmarshal(env.Out.Bytes(), &rows); err != nil {
					t.Fatalf("stdout not JSON rows: %v: %q", err, env.Out)
				}
				if len(rows) != len(tt.wantRows) {
					t.Fatalf("rows = %+v", rows)
				}
				for i, r := range rows {
					w := tt.wantRows[i]
					if r.Input != w.Input || r.OK != w.OK || r.DryRun != w.DryRun || r.Error != w.Error ||
						(r.Token == nil) != (w.Token == nil) || (r.Token != nil && *r.Token != *w.Token) {
						t.Errorf("row %d = %+v (token %+v), want %+v (token %+v)", i, r, r.Token, w, w.Token)
					}
				}
			} else if !tt.json && env.Out.Len() > 0 {
				t.Errorf("stdout = %q, want nothing", env.Out)
			}
			checkCalls(t, env.Fake, tt.wantCalls)
		})
	}
}

// TestRevokeConfirmation asks at a terminal, after every ID is looked up, unless --confirm or
// --yes is given; without a terminal, as mmctl, it asks nothing; a dry run never asks.
func TestRevokeConfirmation(t *testing.T) {
	a, b := model.NewId(), model.NewId()
	existing := map[string]*model.UserAccessToken{
		a: {Id: a, UserId: "u1", Description: "ci", IsActive: true},
		b: {Id: b, UserId: "u2", Description: "backup", IsActive: true},
	}
	tests := []struct {
		name        string
		tty         bool
		argv        []string
		prompts     []cmdtest.Answer
		wantCode    int
		wantRevoked int
		wantAsked   string
	}{
		{name: "confirmed at a terminal", tty: true, argv: []string{a},
			prompts:     []cmdtest.Answer{cmdtest.Confirm("Revoke token", true)},
			wantRevoked: 1, wantAsked: "Revoke token " + a + ` ("ci")? It cannot be used again.`},
		{name: "several, declined at a terminal", tty: true, argv: []string{a, b},
			prompts:  []cmdtest.Answer{cmdtest.Confirm("Revoke 2 tokens", false)},
			wantCode: cmdutil.ExitInterrupted, wantAsked: "Revoke 2 tokens: " + a + ` ("ci"), ` + b + ` ("backup")? They cannot be used again.`},
		{name: "--yes at a terminal asks nothing", tty: true, argv: []string{a, "--yes"}, wantRevoked: 1},
		{name: "--confirm at a terminal asks nothing", tty: true, argv: []string{a, b, "--confirm"}, wantRevoked: 2},
		{name: "a dry run at a terminal asks nothing", tty: true, argv: []string{a, "--dry-run"}},
		{name: "nothing resolved: nothing to ask", tty: true, argv: []string{"not-an-id"}, wantCode: cmdutil.ExitUsage},
		{name: "without a terminal nothing is asked", argv: []string{a, b}, wantRevoked: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.TTY(tt.tty))
			env.Prompter.Script(tt.prompts...)
			env.Fake.GetUserAccessTokenFunc = func(_ context.Context, id string) (*model.UserAccessToken, *model.Response, error) {
				c := *existing[id]
				return &c, nil, nil
			}
			env.Fake.RevokeUserAccessTokenFunc = func(context.Context, string) (*model.Response, error) { return nil, nil }
			err := env.Exec(NewCmdRevoke(env.F, nil), tt.argv...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.wantCode)
			}
			if n := env.Fake.Calls("RevokeUserAccessToken"); n != tt.wantRevoked {
				t.Errorf("%d revoked, want %d", n, tt.wantRevoked)
			}
			if got := strings.Join(env.Prompter.Asked(), "|"); got != tt.wantAsked {
				t.Errorf("asked %q, want %q", got, tt.wantAsked)
			}
		})
	}
}
