package auth

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/internal/httpstub"
	"github.com/matterctl/matterctl/internal/prompt"
)

const (
	sessionToken = "sess-TOKEN-0001"
	patToken     = "pat-TOKEN-9999"
)

func TestLoginRun(t *testing.T) {
	prodOld := &config.Profile{Name: "prod", URL: serverURL, Username: "olduser", UserID: "uid-old", AuthMethod: config.MethodPassword, Token: "old-TOKEN"}
	other := &config.Profile{Name: "other", URL: "https://other.example.com", Username: "bob", AuthMethod: config.MethodToken, Token: "other-TOKEN"}

	tests := []struct {
		name    string
		tty     bool
		json    bool
		args    []string // $DIR is replaced by the test directory
		stdin   string
		files   map[string]string
		env     map[string]string
		seed    []*config.Profile
		current string
		prompts []cmdtest.Answer
		stubs   func(t *testing.T, reg *httpstub.Registry)

		wantExit    int
		wantErr     string   // in the error message
		wantStderr  []string // substrings
		wantStdout  string   // exact, unless wantJSON
		wantJSON    map[string]any
		wantProfile *config.Profile // the stored profile (nil: the file must be unchanged)
		wantCurrent string
		wantAsked   []string
		secrets     []string
	}{
		{
			name:  "password from stdin",
			args:  []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin"},
			stdin: testPassword + "\n",
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", sessionToken))
			},
			wantStderr:  []string{`Logged in to https://mm.example.com as admin: profile "prod" stored, now the current profile`},
			wantProfile: &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: sessionToken},
			wantCurrent: "prod",
			secrets:     []string{testPassword, sessionToken},
		},
		{
			name:  "password from stdin at a terminal asks nothing more",
			tty:   true,
			args:  []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", sessionToken))
			},
			wantStderr:  []string{`profile "prod" stored, now the current profile`},
			wantProfile: &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: sessionToken},
			wantCurrent: "prod",
			secrets:     []string{testPassword, sessionToken},
		},
		{
			name:  "password file, URL normalised, default profile name",
			args:  []string{"mm.example.com/api/v4/", "-u", "admin", "-f", "$DIR/pw.txt"},
			files: map[string]string{"pw.txt": testPassword + "\n"},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", sessionToken))
			},
			wantStderr:  []string{`profile "mm.example.com" stored`},
			wantProfile: &config.Profile{Name: "mm.example.com", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: sessionToken},
			wantCurrent: "mm.example.com",
			secrets:     []string{testPassword, sessionToken},
		},
		{
			name: "hidden --password works with a warning",
			args: []string{serverURL, "-n", "prod", "-u", "admin", "--password", testPassword},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", sessionToken))
			},
			wantStderr:  []string{"warning: --password exposes the password", `profile "prod" stored`},
			wantProfile: &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: sessionToken},
			wantCurrent: "prod",
			secrets:     []string{testPassword, sessionToken},
		},
		{
			name:  "token from stdin",
			args:  []string{serverURL, "--name", "ci", "--token-stdin"},
			stdin: patToken + "\n",
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubMe(reg, patToken, meOK("ci-bot"))
			},
			wantStderr:  []string{`Logged in to https://mm.example.com as ci-bot: profile "ci" stored, now the current profile`},
			wantProfile: &config.Profile{Name: "ci", URL: serverURL, Username: "ci-bot", UserID: "uid-ci-bot", AuthMethod: config.MethodToken, Token: patToken},
			wantCurrent: "ci",
			secrets:     []string{patToken},
		},
		{
			name:  "token file with --json prints the profile without the token",
			json:  true,
			args:  []string{serverURL, "--name", "ci", "-t", "$DIR/tok"},
			files: map[string]string{"tok": patToken},
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubMe(reg, patToken, meOK("ci-bot"))
			},
			wantJSON:    map[string]any{"name": "ci", "url": serverURL, "username": "ci-bot", "method": "token", "current": true},
			wantProfile: &config.Profile{Name: "ci", URL: serverURL, Username: "ci-bot", UserID: "uid-ci-bot", AuthMethod: config.MethodToken, Token: patToken},
			wantCurrent: "ci",
			secrets:     []string{patToken},
		},
		{
			name:  "wrong password: exit 4, no file created",
			args:  []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginRejected())
			},
			wantExit: cmdutil.ExitAuth,
			wantErr:  "login failed: Enter a valid email or username and/or password.",
			secrets:  []string{testPassword},
		},
		{
			name:    "wrong password leaves an existing file unchanged",
			tty:     true,
			args:    []string{serverURL, "--name", "prod", "--username", "admin"},
			seed:    []*config.Profile{prodOld, other},
			current: "other",
			prompts: []cmdtest.Answer{{Kind: "password", Title: "Password", Value: testPassword}},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginRejected())
			},
			wantExit:  cmdutil.ExitAuth,
			wantAsked: []string{"Password"},
			secrets:   []string{testPassword},
		},
		{
			name:    "rejected token leaves an existing file unchanged",
			args:    []string{serverURL, "--name", "prod", "--token-stdin"},
			stdin:   patToken,
			seed:    []*config.Profile{prodOld},
			current: "prod",
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubMe(reg, patToken, tokenRejected())
			},
			wantExit: cmdutil.ExitAuth,
			wantErr:  "login failed: Invalid or expired session",
			secrets:  []string{patToken},
		},
		{
			name:  "not a Mattermost server: nothing sent, nothing written",
			args:  []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin"},
			stdin: testPassword,
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", pingPath), httpstub.StatusStringResponse(404, "<html><body>404 page not found</body></html>"))
			},
			wantExit: cmdutil.ExitError,
			wantErr:  "https://mm.example.com does not look like a Mattermost server: GET /api/v4/system/ping answered HTTP 404",
			secrets:  []string{testPassword},
		},
		{
			name:  "not a Mattermost server, a web page for every path",
			args:  []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin"},
			stdin: testPassword,
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", pingPath), httpstub.StatusStringResponse(200, "<!doctype html><html>app</html>"))
			},
			wantExit: cmdutil.ExitError,
			wantErr:  "https://mm.example.com does not look like a Mattermost server: GET /api/v4/system/ping did not answer with Mattermost's JSON",
			secrets:  []string{testPassword},
		},
		{
			// *model.Client4.GetPing panics on such an answer; the login must fail cleanly.
			name:  "not a Mattermost server, JSON without a status",
			args:  []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin"},
			stdin: testPassword,
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", pingPath), httpstub.JSONResponse(200, map[string]any{"ok": true}))
			},
			wantExit: cmdutil.ExitError,
			wantErr:  "https://mm.example.com does not look like a Mattermost server",
			secrets:  []string{testPassword},
		},
		{
			name:  "not a Mattermost server, JSON 404",
			args:  []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin"},
			stdin: testPassword,
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", pingPath), httpstub.AppErrorResponse(404, "http.status.404", "Not Found"))
			},
			wantExit: cmdutil.ExitError,
			wantErr:  "https://mm.example.com does not look like a Mattermost server: GET /api/v4/system/ping answered HTTP 404",
			secrets:  []string{testPassword},
		},
		{
			name:  "unreachable server",
			args:  []string{serverURL, "--name", "prod", "--token-stdin"},
			stdin: patToken,
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", pingPath), httpstub.ErrorResponder(syscall.ECONNREFUSED))
			},
			wantExit: cmdutil.ExitError,
			wantErr:  "cannot reach https://mm.example.com",
			secrets:  []string{patToken},
		},
		{
			name:  "MFA required without a terminal",
			args:  []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", mfaRequired())
			},
			wantExit: cmdutil.ExitAuth,
			wantErr:  "--mfa-token",
			secrets:  []string{testPassword},
		},
		{
			name:  "MFA required at a terminal: asks and retries",
			tty:   true,
			args:  []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin"},
			stdin: testPassword,
			prompts: []cmdtest.Answer{
				{Kind: "input", Title: "MFA code", Value: "654321"},
			},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", mfaRequired())
				stubLogin(t, reg, "admin", testPassword, "654321", loginOK("admin", sessionToken))
			},
			wantAsked:   []string{"MFA code"},
			wantStderr:  []string{`profile "prod" stored`},
			wantProfile: &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodMFA, Token: sessionToken},
			wantCurrent: "prod",
			secrets:     []string{testPassword, sessionToken},
		},
		{
			name:  "MFA code given as a flag",
			args:  []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin", "--mfa-token", "111222"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "111222", loginOK("admin", sessionToken))
			},
			wantProfile: &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodMFA, Token: sessionToken},
			wantCurrent: "prod",
			secrets:     []string{testPassword, sessionToken},
		},
		{
			name:     "missing everything without a terminal: exit 2, no request",
			args:     nil,
			wantExit: cmdutil.ExitUsage,
			wantErr:  "not running interactively: provide the server URL argument, --username (or --access-token-file/--token-stdin) and --password-file or --password-stdin",
		},
		{
			name:     "missing password without a terminal",
			args:     []string{serverURL, "--username", "admin"},
			wantExit: cmdutil.ExitUsage,
			wantErr:  "provide --password-file or --password-stdin",
		},
		{
			name:     "missing URL without a terminal",
			args:     []string{"--token-stdin"},
			stdin:    patToken,
			wantExit: cmdutil.ExitUsage,
			wantErr:  "provide the server URL argument",
			secrets:  []string{patToken},
		},
		{
			name:     "a URL that is not http(s) is a usage error",
			args:     []string{"ftp://mm.example.com", "--token-stdin"},
			stdin:    patToken,
			wantExit: cmdutil.ExitUsage,
			wantErr:  "the scheme must be http or https",
			secrets:  []string{patToken},
		},
		{
			name:     "empty stdin",
			args:     []string{serverURL, "-u", "admin", "--password-stdin"},
			wantExit: cmdutil.ExitError,
			wantErr:  "no secret on standard input",
		},
		{
			name: "terminal asks for URL, name, method, username and password in order",
			tty:  true,
			prompts: []cmdtest.Answer{
				{Kind: "input", Title: "Mattermost server URL", Value: "mm.example.com"},
				{Kind: "input", Title: "Profile name"}, // keeps the default, the host
				{Kind: "select", Title: "How do you want to log in?", Value: methodChoicePassword},
				{Kind: "input", Title: "Username or email", Value: "admin"},
				{Kind: "password", Title: "Password", Value: testPassword},
			},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", sessionToken))
			},
			wantAsked:   []string{"Mattermost server URL", "Profile name", "How do you want to log in?", "Username or email", "Password"},
			wantStderr:  []string{`profile "mm.example.com" stored, now the current profile`},
			wantProfile: &config.Profile{Name: "mm.example.com", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: sessionToken},
			wantCurrent: "mm.example.com",
			secrets:     []string{testPassword, sessionToken},
		},
		{
			name: "terminal token login",
			tty:  true,
			args: []string{serverURL},
			prompts: []cmdtest.Answer{
				{Kind: "input", Title: "Profile name", Value: "ci"},
				{Kind: "select", Title: "How do you want to log in?", Value: methodChoiceToken},
				{Kind: "password", Title: "Personal access token", Value: patToken},
			},
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubMe(reg, patToken, meOK("ci-bot"))
			},
			wantAsked:   []string{"Profile name", "How do you want to log in?", "Personal access token"},
			wantProfile: &config.Profile{Name: "ci", URL: serverURL, Username: "ci-bot", UserID: "uid-ci-bot", AuthMethod: config.MethodToken, Token: patToken},
			wantCurrent: "ci",
			secrets:     []string{patToken},
		},
		{
			name:    "terminal with a username asks only the password",
			tty:     true,
			args:    []string{serverURL, "-n", "prod", "-u", "admin"},
			prompts: []cmdtest.Answer{{Kind: "password", Title: "Password", Value: testPassword}},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", sessionToken))
			},
			wantAsked:   []string{"Password"},
			wantProfile: &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: sessionToken},
			wantCurrent: "prod",
			secrets:     []string{testPassword, sessionToken},
		},
		{
			name:    "prompt interrupted: exit 130, no request",
			tty:     true,
			prompts: []cmdtest.Answer{{Kind: "input", Title: "Mattermost server URL", Err: prompt.ErrInterrupted}},
			stubs:   func(*testing.T, *httpstub.Registry) {},

			wantExit:  cmdutil.ExitInterrupted,
			wantAsked: []string{"Mattermost server URL"},
		},
		{
			name:    "--no-activate keeps the current profile",
			args:    []string{serverURL, "-n", "prod", "-u", "admin", "--password-stdin", "--no-activate"},
			stdin:   testPassword,
			seed:    []*config.Profile{other},
			current: "other",
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", sessionToken))
			},
			wantStderr:  []string{`profile "prod" stored` + "\n"},
			wantProfile: &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: sessionToken},
			wantCurrent: "other",
			secrets:     []string{testPassword, sessionToken},
		},
		{
			name:  "--no-activate with no current profile still activates",
			args:  []string{serverURL, "-n", "prod", "-u", "admin", "--password-stdin", "--no-activate"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", sessionToken))
			},
			wantStderr:  []string{`now the current profile`},
			wantProfile: &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: sessionToken},
			wantCurrent: "prod",
			secrets:     []string{testPassword, sessionToken},
		},
		{
			name:    "replacing an existing profile",
			args:    []string{serverURL, "-n", "prod", "-u", "admin", "--password-stdin"},
			stdin:   testPassword,
			seed:    []*config.Profile{prodOld, other},
			current: "other",
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", sessionToken))
			},
			wantStderr:  []string{`profile "prod" updated, now the current profile`},
			wantProfile: &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: sessionToken},
			wantCurrent: "prod",
			secrets:     []string{testPassword, sessionToken},
		},
		{
			name:  "environment credentials are pointed out",
			args:  []string{serverURL, "-n", "prod", "-u", "admin", "--password-stdin"},
			stdin: testPassword,
			env:   map[string]string{"MATTERCTL_URL": "https://env.example.com", "MATTERCTL_TOKEN": "env-TOKEN"},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", sessionToken))
			},
			wantStderr:  []string{"warning: MATTERCTL_URL/MATTERCTL_TOKEN are set and take precedence"},
			wantProfile: &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: sessionToken},
			wantCurrent: "prod",
			secrets:     []string{testPassword, sessionToken, "env-TOKEN"},
		},
		{
			name:    "dry run with a password: checked, session closed, nothing stored",
			args:    []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin", "--dry-run"},
			stdin:   testPassword,
			seed:    []*config.Profile{other},
			current: "other",
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", sessionToken))
				stubLogout(reg, sessionToken, logoutOK())
			},
			wantStderr: []string{`would store profile "prod" for admin on https://mm.example.com and make it the current one (the credentials are valid)` + "\n"},
			secrets:    []string{testPassword, sessionToken},
		},
		{
			name:    "dry run with a token: an update, no session to close",
			args:    []string{serverURL, "--name", "prod", "--token-stdin", "--no-activate", "--dry-run"},
			stdin:   patToken,
			seed:    []*config.Profile{prodOld, other},
			current: "other",
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubMe(reg, patToken, meOK("ci-bot"))
			},
			wantStderr: []string{`would update profile "prod" for ci-bot on https://mm.example.com (the credentials are valid)` + "\n"},
			secrets:    []string{patToken},
		},
		{
			name:  "dry run with --json prints the profile it would store",
			json:  true,
			args:  []string{serverURL, "--name", "ci", "--token-stdin", "--dry-run"},
			stdin: patToken,
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubMe(reg, patToken, meOK("ci-bot"))
			},
			wantJSON: map[string]any{"name": "ci", "url": serverURL, "username": "ci-bot", "method": "token", "current": true},
			secrets:  []string{patToken},
		},
		{
			name:  "dry run: a session that cannot be closed is a warning",
			args:  []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin", "--dry-run"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", sessionToken))
				stubLogout(reg, sessionToken, httpstub.AppErrorResponse(500, "x", "boom"))
			},
			wantStderr: []string{"warning: the credentials are valid, but the session opened to check them could not be closed: boom", `would store profile "prod"`},
			secrets:    []string{testPassword, sessionToken},
		},
		{
			name:  "dry run with a wrong password: exit 4",
			args:  []string{serverURL, "--name", "prod", "--username", "admin", "--password-stdin", "--dry-run"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", loginRejected())
			},
			wantExit: cmdutil.ExitAuth,
			wantErr:  "login failed",
			secrets:  []string{testPassword},
		},
		{
			name:  "a login answer without a token is an error",
			args:  []string{serverURL, "-n", "prod", "-u", "admin", "--password-stdin"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubPing(reg)
				stubLogin(t, reg, "admin", testPassword, "", httpstub.JSONResponse(200, testUser("admin")))
			},
			wantExit: cmdutil.ExitError,
			wantErr:  "the server returned no session token",
			secrets:  []string{testPassword},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, tt.tty)
			e.F.Globals.JSON = tt.json
			for k, v := range tt.env {
				e.Vars[k] = v
			}
			for name, content := range tt.files {
				e.writeFile(name, content)
			}
			if tt.seed != nil {
				e.seed(tt.current, tt.seed...)
			}
			before := e.rawConfig()
			e.In.WriteString(tt.stdin)
			e.Prompter.Script(tt.prompts...)
			if tt.stubs != nil {
				tt.stubs(t, e.Reg)
			}
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "$DIR", e.dir)
			}

			err := e.Exec(NewCmdLogin(e.F, nil), args...)

			e.assertNoSecrets(err, tt.secrets...)
			if strings.Join(e.Prompter.Asked(), "|") != strings.Join(tt.wantAsked, "|") {
				t.Errorf("prompts asked %q, want %q", e.Prompter.Asked(), tt.wantAsked)
			}
			if tt.stubs == nil && len(e.Reg.Requests()) > 0 {
				t.Errorf("requests were made: %+v", e.Reg.Requests())
			}
			wantExit(t, err, tt.wantExit)
			if tt.wantErr != "" && !strings.Contains(cmdutil.ErrorMessage(err), tt.wantErr) {
				t.Errorf("error %q does not contain %q", cmdutil.ErrorMessage(err), tt.wantErr)
			}
			for _, s := range tt.wantStderr {
				if !strings.Contains(e.ErrOut.String(), s) {
					t.Errorf("stderr %q does not contain %q", e.ErrOut.String(), s)
				}
			}
			switch {
			case tt.wantJSON != nil:
				var got map[string]any
				if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
					t.Fatalf("stdout is not JSON: %v\n%s", err, e.Out.String())
				}
				if len(got) != len(tt.wantJSON) {
					t.Errorf("JSON %v, want %v", got, tt.wantJSON)
				}
				for k, v := range tt.wantJSON {
					if got[k] != v {
						t.Errorf("JSON %s = %v, want %v", k, got[k], v)
					}
				}
			case e.Out.String() != tt.wantStdout:
				t.Errorf("stdout %q, want %q", e.Out.String(), tt.wantStdout)
			}

			if tt.wantProfile == nil {
				if after := e.rawConfig(); string(after) != string(before) {
					t.Errorf("the config file changed:\nbefore %s\nafter %s", before, after)
				}
				return
			}
			file := e.load()
			got, ok := file.Get(tt.wantProfile.Name)
			if !ok {
				t.Fatalf("profile %q not stored: %v", tt.wantProfile.Name, file.Names())
			}
			if *got != *tt.wantProfile {
				t.Errorf("stored profile\n got %+v\nwant %+v", *got, *tt.wantProfile)
			}
			if file.Current != tt.wantCurrent {
				t.Errorf("current = %q, want %q", file.Current, tt.wantCurrent)
			}
			for _, p := range tt.seed {
				if p.Name == tt.wantProfile.Name {
					continue
				}
				if kept, ok := file.Get(p.Name); !ok || *kept != *p {
					t.Errorf("profile %q was not kept as it was: %+v", p.Name, kept)
				}
			}
			if runtime.GOOS != "windows" {
				info, err := os.Stat(e.ConfigPath)
				if err != nil {
					t.Fatal(err)
				}
				if info.Mode().Perm() != 0o600 {
					t.Errorf("config file mode %04o, want 0600", info.Mode().Perm())
				}
			}
		})
	}
}

// TestLoginFileContents reads the file as bytes: the token is stored, and the method and current
// profile are recorded under their documented keys.
func TestLoginFileContents(t *testing.T) {
	e := newTestEnv(t, false)
	stubPing(e.Reg)
	stubLogin(t, e.Reg, "admin", testPassword, "", loginOK("admin", sessionToken))
	e.In.WriteString(testPassword)
	if err := e.Exec(NewCmdLogin(e.F, nil), serverURL, "-n", "prod", "-u", "admin", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Version  int    `json:"version"`
		Current  string `json:"current"`
		Profiles map[string]map[string]any
	}
	b := e.rawConfig()
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	p := raw.Profiles["prod"]
	if raw.Current != "prod" || p["token"] != sessionToken || p["auth_method"] != "password" || p["url"] != serverURL || p["username"] != "admin" {
		t.Errorf("config file:\n%s", b)
	}
	if strings.Contains(string(b), testPassword) {
		t.Error("the password was written to the config file")
	}
}

// TestLoginRequests checks that the reachability probe of a password login goes
// out without a token, and that a token login proves the token with GET /users/me.
func TestLoginRequests(t *testing.T) {
	e := newTestEnv(t, false)
	stubPing(e.Reg)
	stubMe(e.Reg, patToken, meOK("ci-bot"))
	e.In.WriteString(patToken)
	if err := e.Exec(NewCmdLogin(e.F, nil), serverURL, "-n", "ci", "--token-stdin"); err != nil {
		t.Fatal(err)
	}
	reqs := e.Reg.Requests()
	if len(reqs) != 2 || reqs[0].URL.Path != pingPath || reqs[1].URL.Path != mePath || reqs[1].Method != "GET" {
		t.Fatalf("requests: %+v", reqs)
	}

	e = newTestEnv(t, false)
	stubPing(e.Reg)
	stubLogin(t, e.Reg, "admin", testPassword, "", loginOK("admin", sessionToken))
	e.In.WriteString(testPassword)
	if err := e.Exec(NewCmdLogin(e.F, nil), serverURL, "-n", "prod", "-u", "admin", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	for _, r := range e.Reg.Requests() {
		if h := r.Header.Get("Authorization"); h != "" {
			t.Errorf("%s %s sent Authorization %q", r.Method, r.URL.Path, h)
		}
	}
}

// TestLoginStoresTLSOptions checks that --insecure-skip-verify and --ca-file reach the client and
// the profile, the CA file as an absolute path: the profile is used from other directories.
func TestLoginStoresTLSOptions(t *testing.T) {
	e := newTestEnv(t, false)
	e.F.Globals.InsecureSkipVerify = true
	e.F.Globals.CAFile = "ca.pem"
	wantCA, err := filepath.Abs("ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	newClient := e.F.NewClient
	e.F.NewClient = func(opts client.Options) (client.Client, error) {
		if opts.CAFile != wantCA || !opts.InsecureSkipVerify || opts.UserAgent != "matterctl/1.2.3" {
			t.Errorf("client options %+v", opts)
		}
		return newClient(opts)
	}
	stubPing(e.Reg)
	stubLogin(t, e.Reg, "admin", testPassword, "", loginOK("admin", sessionToken))
	e.In.WriteString(testPassword)
	if err := e.Exec(NewCmdLogin(e.F, nil), serverURL, "-n", "prod", "-u", "admin", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	p, _ := e.load().Get("prod")
	if p == nil || p.CAFile != wantCA || !p.InsecureSkipVerify {
		t.Errorf("profile %+v", p)
	}
	if !strings.Contains(e.ErrOut.String(), "warning: --insecure-skip-verify: the server's TLS certificate is not verified") {
		t.Errorf("no warning about the unverified certificate:\n%s", e.ErrOut)
	}
}

// TestLoginWarnsOfPlainHTTP checks that a login over plain http:// warns that the password and
// the token travel unencrypted, unless the server is on loopback.
func TestLoginWarnsOfPlainHTTP(t *testing.T) {
	for _, tc := range []struct {
		url  string
		warn bool
	}{
		{"http://mm.example.com", true},
		{"http://10.0.0.5:8065", true},
		{"http://127.0.0.1:8065", false},
		{"http://localhost:8065", false},
		{"http://[::1]:8065", false},
		{"https://mm.example.com", false},
	} {
		t.Run(tc.url, func(t *testing.T) {
			e := newTestEnv(t, false)
			stubPing(e.Reg)
			stubLogin(t, e.Reg, "admin", testPassword, "", loginOK("admin", sessionToken))
			e.In.WriteString(testPassword)
			if err := e.Exec(NewCmdLogin(e.F, nil), tc.url, "-n", "prod", "-u", "admin", "--password-stdin"); err != nil {
				t.Fatal(err)
			}
			got := strings.Contains(e.ErrOut.String(), "the password and the token will travel unencrypted")
			if got != tc.warn {
				t.Errorf("warning printed = %v, want %v:\n%s", got, tc.warn, e.ErrOut)
			}
			if strings.Contains(e.ErrOut.String(), "--insecure-skip-verify") {
				t.Errorf("TLS warning without the flag:\n%s", e.ErrOut)
			}
		})
	}
}
