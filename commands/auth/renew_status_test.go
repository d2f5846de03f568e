package auth

import (
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/internal/httpstub"
)

func TestRenewRun(t *testing.T) {
	mfaProfile := &config.Profile{Name: "mfa", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodMFA, Token: "mfa-TOKEN"}
	const newSession, newPAT = "new-SESSION-1", "new-PAT-2"

	tests := []struct {
		name    string
		tty     bool
		args    []string
		stdin   string
		files   map[string]string
		prompts []cmdtest.Answer
		stubs   func(t *testing.T, reg *httpstub.Registry)

		wantExit    int
		wantErr     string
		wantStderr  string
		wantProfile *config.Profile // nil: the file must be unchanged
		wantAsked   []string
		secrets     []string
	}{
		{
			name:  "password profile from stdin",
			args:  []string{"prod", "--password-stdin"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", newSession))
			},
			wantStderr:  "Credentials for profile \"prod\" renewed (admin on https://mm.example.com)\n",
			wantProfile: &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: newSession},
			secrets:     []string{testPassword, newSession, prodProfile.Token},
		},
		{
			name:    "current profile at a terminal asks for the password",
			tty:     true,
			prompts: []cmdtest.Answer{{Kind: "password", Title: "Password for admin on https://mm.example.com", Value: testPassword}},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", newSession))
			},
			wantAsked:   []string{"Password for admin on https://mm.example.com"},
			wantStderr:  "Credentials for profile \"prod\" renewed (admin on https://mm.example.com)\n",
			wantProfile: &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: newSession},
			secrets:     []string{testPassword, newSession},
		},
		{
			name:  "token profile with --access-token-file",
			args:  []string{"dev", "--access-token-file", "$DIR/tok"},
			files: map[string]string{"tok": newPAT + "\n"},
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				reg.Register(authed("GET", mePath, newPAT), meOK("bob"))
			},
			wantStderr:  "Credentials for profile \"dev\" renewed (bob on https://dev.example.com)\n",
			wantProfile: &config.Profile{Name: "dev", URL: "https://dev.example.com", Username: "bob", UserID: "uid-bob", AuthMethod: config.MethodToken, Token: newPAT},
			secrets:     []string{newPAT, devProfile.Token},
		},
		{
			name:    "token profile at a terminal asks for the token",
			tty:     true,
			args:    []string{"dev"},
			prompts: []cmdtest.Answer{{Kind: "password", Title: "New personal access token for https://dev.example.com", Value: newPAT}},
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				reg.Register(authed("GET", mePath, newPAT), meOK("bob"))
			},
			wantAsked:   []string{"New personal access token for https://dev.example.com"},
			wantStderr:  "Credentials for profile \"dev\" renewed (bob on https://dev.example.com)\n",
			wantProfile: &config.Profile{Name: "dev", URL: "https://dev.example.com", Username: "bob", UserID: "uid-bob", AuthMethod: config.MethodToken, Token: newPAT},
			secrets:     []string{newPAT},
		},
		{
			name:  "rejected password leaves the file unchanged",
			args:  []string{"prod", "--password-stdin"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubLogin(t, reg, "admin", testPassword, "", loginRejected())
			},
			wantExit: cmdutil.ExitAuth,
			wantErr:  "login failed",
			secrets:  []string{testPassword},
		},
		{
			name:  "rejected token leaves the file unchanged",
			args:  []string{"dev", "--token-stdin"},
			stdin: newPAT,
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				reg.Register(authed("GET", mePath, newPAT), tokenRejected())
			},
			wantExit: cmdutil.ExitAuth,
			secrets:  []string{newPAT},
		},
		{
			name:  "unreachable server leaves the file unchanged",
			args:  []string{"dev", "--token-stdin"},
			stdin: newPAT,
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", mePath), httpstub.ErrorResponder(syscall.ECONNREFUSED))
			},
			wantExit: cmdutil.ExitError,
			secrets:  []string{newPAT},
		},
		{
			name:     "password profile without a terminal or a flag",
			args:     []string{"prod"},
			wantExit: cmdutil.ExitUsage,
			wantErr:  "provide --password-file or --password-stdin",
		},
		{
			name:     "token profile without a terminal or a flag",
			args:     []string{"dev"},
			wantExit: cmdutil.ExitUsage,
			wantErr:  "provide --access-token-file or --token-stdin",
		},
		{
			name:     "MFA profile without a code",
			args:     []string{"mfa", "--password-stdin"},
			stdin:    testPassword,
			wantExit: cmdutil.ExitUsage,
			wantErr:  "provide --mfa-token",
			secrets:  []string{testPassword},
		},
		{
			name:  "MFA profile with a code",
			args:  []string{"mfa", "--password-stdin", "-m", "777888"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubLogin(t, reg, "admin", testPassword, "777888", loginOK("admin", newSession))
			},
			wantStderr:  "Credentials for profile \"mfa\" renewed (admin on https://mm.example.com)\n",
			wantProfile: &config.Profile{Name: "mfa", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodMFA, Token: newSession},
			secrets:     []string{testPassword, newSession},
		},
		{
			name: "MFA profile at a terminal asks password then code",
			tty:  true,
			args: []string{"mfa"},
			prompts: []cmdtest.Answer{
				{Kind: "password", Title: "Password for admin", Value: testPassword},
				{Kind: "input", Title: "MFA code", Value: "777888"},
			},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubLogin(t, reg, "admin", testPassword, "777888", loginOK("admin", newSession))
			},
			wantAsked:   []string{"Password for admin on https://mm.example.com", "MFA code"},
			wantProfile: &config.Profile{Name: "mfa", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodMFA, Token: newSession},
			wantStderr:  "Credentials for profile \"mfa\" renewed (admin on https://mm.example.com)\n",
			secrets:     []string{testPassword, newSession},
		},
		{
			name:  "password profile that now needs MFA, without a terminal",
			args:  []string{"prod", "--password-stdin"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubLogin(t, reg, "admin", testPassword, "", mfaRequired())
			},
			wantExit: cmdutil.ExitAuth,
			wantErr:  "--mfa-token",
			secrets:  []string{testPassword},
		},
		{name: "unknown profile", args: []string{"nope", "--password-stdin"}, stdin: testPassword, wantExit: cmdutil.ExitNotFound, secrets: []string{testPassword}},
		{
			name: "a token for a password profile is a usage error", args: []string{"prod", "--token-stdin"}, stdin: newPAT,
			wantExit: cmdutil.ExitUsage, wantErr: `profile "prod" logs in with a password`, secrets: []string{newPAT},
		},
		{
			name: "a token for a password profile at a terminal is not ignored", tty: true, args: []string{"prod", "-t", "$DIR/tok"},
			files:    map[string]string{"tok": newPAT},
			wantExit: cmdutil.ExitUsage, wantErr: "--password-file or --password-stdin",
		},
		{
			name:  "dry run with a password: checked, session closed, nothing updated",
			args:  []string{"prod", "--password-stdin", "--dry-run"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubLogin(t, reg, "admin", testPassword, "", loginOK("admin", newSession))
				stubLogout(reg, newSession, logoutOK())
			},
			wantStderr: "would renew the credentials of profile \"prod\" (admin on https://mm.example.com)\n",
			secrets:    []string{testPassword, newSession, prodProfile.Token},
		},
		{
			name:  "dry run with a token: checked, nothing updated",
			args:  []string{"dev", "--token-stdin", "--dry-run"},
			stdin: newPAT,
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				reg.Register(authed("GET", mePath, newPAT), meOK("bob"))
			},
			wantStderr: "would renew the credentials of profile \"dev\" (bob on https://dev.example.com)\n",
			secrets:    []string{newPAT, devProfile.Token},
		},
		{
			name:  "dry run with a wrong password: exit 4",
			args:  []string{"prod", "--password-stdin", "--dry-run"},
			stdin: testPassword,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				stubLogin(t, reg, "admin", testPassword, "", loginRejected())
			},
			wantExit: cmdutil.ExitAuth,
			secrets:  []string{testPassword},
		},
		{
			name: "a password for a token profile is a usage error", args: []string{"dev", "--password-stdin"}, stdin: testPassword,
			wantExit: cmdutil.ExitUsage, wantErr: `profile "dev" uses a personal access token`, secrets: []string{testPassword},
		},
		{
			name: "an MFA code for a token profile is a usage error", args: []string{"dev", "-t", "$DIR/tok", "-m", "123456"},
			files:    map[string]string{"tok": newPAT},
			wantExit: cmdutil.ExitUsage, wantErr: "--access-token-file or --token-stdin",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, tt.tty)
			e.seed("prod", prodProfile, devProfile, mfaProfile)
			before := e.rawConfig()
			for name, content := range tt.files {
				e.writeFile(name, content)
			}
			e.In.WriteString(tt.stdin)
			e.Prompter.Script(tt.prompts...)
			if tt.stubs != nil {
				tt.stubs(t, e.Reg)
			}
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "$DIR", e.dir)
			}

			err := e.Exec(NewCmdRenew(e.F, nil), args...)

			e.assertNoSecrets(err, tt.secrets...)
			wantExit(t, err, tt.wantExit)
			if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if strings.Join(e.Prompter.Asked(), "|") != strings.Join(tt.wantAsked, "|") {
				t.Errorf("prompts asked %q, want %q", e.Prompter.Asked(), tt.wantAsked)
			}
			if tt.stubs == nil && len(e.Reg.Requests()) > 0 {
				t.Errorf("requests were made: %+v", e.Reg.Requests())
			}
			if e.ErrOut.String() != tt.wantStderr {
				t.Errorf("stderr %q, want %q", e.ErrOut.String(), tt.wantStderr)
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout %q", e.Out.String())
			}
			if tt.wantProfile == nil {
				if string(e.rawConfig()) != string(before) {
					t.Errorf("the config file changed")
				}
				return
			}
			file := e.load()
			got, _ := file.Get(tt.wantProfile.Name)
			if got == nil || *got != *tt.wantProfile {
				t.Errorf("profile\n got %+v\nwant %+v", got, *tt.wantProfile)
			}
			if file.Current != "prod" {
				t.Errorf("renew changed the current profile to %q", file.Current)
			}
		})
	}
}

func TestRenewWithoutCurrentProfile(t *testing.T) {
	e := newTestEnv(t, false)
	e.seed("", prodProfile)
	e.In.WriteString(testPassword)
	err := e.Exec(NewCmdRenew(e.F, nil), "--password-stdin")
	wantExit(t, err, cmdutil.ExitUsage)
}

// statusJSON runs `auth status --json` and decodes the result by profile name ("" for
// environment credentials).
func statusJSON(t *testing.T, e *testEnv) (map[string]StatusView, error) {
	t.Helper()
	e.F.Globals.JSON = true
	err := e.Exec(NewCmdStatus(e.F, nil))
	var views []StatusView
	if jerr := json.Unmarshal(e.Out.Bytes(), &views); jerr != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", jerr, e.Out.String())
	}
	byName := map[string]StatusView{}
	for _, v := range views {
		byName[v.Name] = v
	}
	if len(byName) != len(views) {
		t.Fatalf("duplicate names: %+v", views)
	}
	var raw []map[string]any
	_ = json.Unmarshal(e.Out.Bytes(), &raw)
	for _, obj := range raw {
		if _, ok := obj["token"]; ok {
			t.Errorf("status shows a token: %v", obj)
		}
	}
	return byName, err
}

func TestStatusRun(t *testing.T) {
	t.Run("the profile in use is valid, another is not", func(t *testing.T) {
		e := newTestEnv(t, false)
		e.seed("prod", prodProfile, devProfile)
		stubMe(e.Reg, prodProfile.Token, meOK("admin"))
		stubMe(e.Reg, devProfile.Token, tokenRejected())
		got, err := statusJSON(t, e)
		wantExit(t, err, 0)
		prod, dev := got["prod"], got["dev"]
		if !prod.Valid || !prod.InUse || prod.Roles != "system_admin system_user" || prod.ServerVersion != serverVer ||
			prod.Username != "admin" || prod.UserID != "uid-admin" || prod.Source != cmdutil.SourceCurrent || prod.Error != "" {
			t.Errorf("prod: %+v", prod)
		}
		if dev.Valid || dev.InUse || !strings.Contains(dev.Error, "token rejected") || !strings.Contains(dev.Error, "matterctl auth renew dev") {
			t.Errorf("dev: %+v", dev)
		}
		if len(got) != 2 {
			t.Errorf("%d entries", len(got))
		}
		e.assertNoSecrets(err, prodProfile.Token, devProfile.Token)
	})

	t.Run("the profile in use is not valid: exit 4", func(t *testing.T) {
		e := newTestEnv(t, false)
		e.seed("dev", prodProfile, devProfile)
		stubMe(e.Reg, prodProfile.Token, meOK("admin"))
		stubMe(e.Reg, devProfile.Token, tokenRejected())
		got, err := statusJSON(t, e)
		wantExit(t, err, cmdutil.ExitAuth)
		if !got["prod"].Valid || got["prod"].InUse || got["dev"].Valid || !got["dev"].InUse {
			t.Errorf("status: %+v", got)
		}
		if !strings.Contains(e.ErrOut.String(), "the credentials in use (dev) are not valid") {
			t.Errorf("stderr %q", e.ErrOut.String())
		}
		if msg := cmdutil.ErrorMessage(err); msg != "" {
			t.Errorf("the error was already reported; main would print %q", msg)
		}
		e.assertNoSecrets(err, prodProfile.Token, devProfile.Token)
	})

	t.Run("--server selects the profile in use", func(t *testing.T) {
		e := newTestEnv(t, false)
		e.seed("prod", prodProfile, devProfile)
		e.F.Globals.Server = "dev"
		stubMe(e.Reg, prodProfile.Token, meOK("admin"))
		stubMe(e.Reg, devProfile.Token, meOK("bob"))
		got, err := statusJSON(t, e)
		wantExit(t, err, 0)
		if got["prod"].InUse || !got["dev"].InUse || got["dev"].Source != cmdutil.SourceFlag {
			t.Errorf("status: %+v", got)
		}
	})

	t.Run("environment credentials are checked too", func(t *testing.T) {
		e := newTestEnv(t, false)
		e.seed("prod", prodProfile)
		e.Vars["MATTERCTL_URL"] = "https://env.example.com"
		e.Vars["MATTERCTL_TOKEN"] = "env-TOKEN"
		stubMe(e.Reg, prodProfile.Token, meOK("admin"))
		e.Reg.Register(httpstub.MatcherFunc("GET env /users/me", func(r *http.Request) bool {
			return r.URL.Host == "env.example.com" && r.URL.Path == mePath && strings.EqualFold(r.Header.Get("Authorization"), "Bearer env-TOKEN")
		}), meOK("envuser"))
		got, err := statusJSON(t, e)
		wantExit(t, err, 0)
		env, prod := got[""], got["prod"]
		if !env.Valid || !env.InUse || env.Source != cmdutil.SourceEnv || env.URL != "https://env.example.com" || env.Username != "envuser" {
			t.Errorf("env: %+v", env)
		}
		if prod.InUse || !prod.Valid {
			t.Errorf("prod: %+v", prod)
		}
		e.assertNoSecrets(err, "env-TOKEN", prodProfile.Token)
	})

	t.Run("an unreachable server is reported, not fatal", func(t *testing.T) {
		e := newTestEnv(t, false)
		e.seed("prod", prodProfile, devProfile)
		stubMe(e.Reg, prodProfile.Token, meOK("admin"))
		e.Reg.Register(authed("GET", mePath, devProfile.Token), httpstub.ErrorResponder(syscall.ECONNREFUSED))
		got, err := statusJSON(t, e)
		wantExit(t, err, 0)
		if got["dev"].Valid || got["dev"].Error == "" {
			t.Errorf("dev: %+v", got["dev"])
		}
	})

	t.Run("no credentials at all: exit 4", func(t *testing.T) {
		e := newTestEnv(t, false)
		err := e.Exec(NewCmdStatus(e.F, nil))
		wantExit(t, err, cmdutil.ExitAuth)
		if len(e.Reg.Requests()) != 0 || e.Out.Len() != 0 {
			t.Errorf("requests %d, stdout %q", len(e.Reg.Requests()), e.Out.String())
		}
	})
}

func TestStatusText(t *testing.T) {
	for _, tty := range []bool{false, true} {
		e := newTestEnv(t, tty)
		e.seed("prod", prodProfile, devProfile)
		stubMe(e.Reg, prodProfile.Token, meOK("admin"))
		stubMe(e.Reg, devProfile.Token, tokenRejected())
		if err := e.Exec(NewCmdStatus(e.F, nil)); err != nil {
			t.Fatal(err)
		}
		out := e.Out.String()
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if tty {
			if len(lines) != 3 || !strings.HasPrefix(lines[0], "IN USE") || !strings.Contains(lines[2], "ok") || !strings.HasPrefix(lines[2], "*") {
				t.Errorf("table:\n%s", out)
			}
		} else {
			want := "*\tprod\thttps://mm.example.com\tadmin\tsystem_admin system_user\t" + serverVer + "\tok"
			if len(lines) != 2 || lines[1] != want || !strings.HasPrefix(lines[0], "\tdev\thttps://dev.example.com\tbob\t\t\ttoken rejected") {
				t.Errorf("plain:\n%q\nwant second line %q", out, want)
			}
		}
		e.assertNoSecrets(nil, prodProfile.Token, devProfile.Token)
	}
}
