package auth

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/internal/prompt"
)

var (
	prodProfile = &config.Profile{Name: "prod", URL: serverURL, Username: "admin", UserID: "uid-admin", AuthMethod: config.MethodPassword, Token: "prod-TOKEN"}
	devProfile  = &config.Profile{Name: "dev", URL: "https://dev.example.com", Username: "bob", UserID: "uid-bob", AuthMethod: config.MethodToken, Token: "dev-TOKEN"}
)

func TestListRun(t *testing.T) {
	tests := []struct {
		name       string
		tty        bool
		json       bool
		profiles   bool
		wantStdout string
		wantStderr string
	}{
		{
			name: "table at a terminal", tty: true, profiles: true,
			wantStdout: "CURRENT  NAME  USERNAME  URL                      METHOD\n" +
				"         dev   bob       https://dev.example.com  token\n" +
				"*        prod  admin     https://mm.example.com   password\n",
		},
		{
			name: "tab-separated in a pipe", profiles: true,
			wantStdout: "\tdev\tbob\thttps://dev.example.com\ttoken\n" +
				"*\tprod\tadmin\thttps://mm.example.com\tpassword\n",
		},
		{name: "empty in a pipe", wantStderr: "no profiles stored in $CONFIG; run `matterctl auth login`\n"},
		{name: "empty at a terminal", tty: true, wantStderr: "no profiles stored in $CONFIG; run `matterctl auth login`\n"},
		{name: "empty JSON", json: true, wantStdout: "[]\n"},
		{name: "empty JSON at a terminal", tty: true, json: true, wantStdout: "[]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, tt.tty)
			e.F.Globals.JSON = tt.json
			if tt.profiles {
				e.seed("prod", prodProfile, devProfile)
			}
			if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
				t.Fatal(err)
			}
			if got := normalizeSpaces(e.Out.String()); got != normalizeSpaces(tt.wantStdout) {
				t.Errorf("stdout\n%q\nwant\n%q", e.Out.String(), tt.wantStdout)
			}
			if want := strings.ReplaceAll(tt.wantStderr, "$CONFIG", e.ConfigPath); e.ErrOut.String() != want {
				t.Errorf("stderr %q, want %q", e.ErrOut.String(), want)
			}
			e.assertNoSecrets(nil, prodProfile.Token, devProfile.Token)
		})
	}
}

// normalizeSpaces makes table assertions independent of trailing padding.
func normalizeSpaces(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

func TestListJSON(t *testing.T) {
	for _, tty := range []bool{false, true} {
		e := newTestEnv(t, tty)
		e.F.Globals.JSON = true
		e.seed("prod", prodProfile, devProfile)
		if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
			t.Fatal(err)
		}
		var got []map[string]any
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
			t.Fatalf("not a JSON array: %v\n%s", err, e.Out.String())
		}
		if len(got) != 2 || got[0]["name"] != "dev" || got[0]["current"] != false || got[1]["name"] != "prod" || got[1]["current"] != true ||
			got[1]["method"] != "password" || got[1]["url"] != serverURL || got[1]["username"] != "admin" {
			t.Errorf("JSON: %v", got)
		}
		for _, obj := range got {
			if _, ok := obj["token"]; ok {
				t.Errorf("a profile has a token key: %v", obj)
			}
		}
		e.assertNoSecrets(nil, prodProfile.Token, devProfile.Token)
		if e.ErrOut.Len() != 0 {
			t.Errorf("stderr %q", e.ErrOut.String())
		}
	}
}

func TestListJQ(t *testing.T) {
	e := newTestEnv(t, false)
	e.F.Globals.JQ = `.[] | select(.current) | .name`
	e.seed("prod", prodProfile, devProfile)
	if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
		t.Fatal(err)
	}
	if e.Out.String() != "prod\n" {
		t.Errorf("stdout %q", e.Out.String())
	}
}

func TestListCorruptConfig(t *testing.T) {
	e := newTestEnv(t, false)
	e.writeFile("config.json", `{"profiles": [`)
	err := e.Exec(NewCmdList(e.F, nil))
	if err == nil || !strings.Contains(err.Error(), "is not valid JSON") {
		t.Fatalf("want a corrupt-file error, got %v", err)
	}
}

func TestCurrentRun(t *testing.T) {
	tests := []struct {
		name       string
		tty        bool
		json       bool
		server     string
		env        map[string]string
		profiles   bool
		wantExit   int
		wantErr    string
		wantStdout string
		wantJSON   map[string]any
	}{
		{
			name: "current profile", profiles: true,
			wantStdout: "prod\thttps://mm.example.com\tadmin\tpassword\tcurrent profile\n",
		},
		{
			name: "current profile at a terminal", tty: true, profiles: true,
			wantStdout: "NAME      prod\nURL       https://mm.example.com\nUSERNAME  admin\nMETHOD    password\nSOURCE    current profile\n",
		},
		{
			name: "--server", profiles: true, server: "dev",
			wantStdout: "dev\thttps://dev.example.com\tbob\ttoken\t--server\n",
		},
		{
			name: "MATTERCTL_SERVER", profiles: true, env: map[string]string{"MATTERCTL_SERVER": "dev"},
			wantStdout: "dev\thttps://dev.example.com\tbob\ttoken\tMATTERCTL_SERVER\n",
		},
		{
			name: "environment credentials beat the profile", profiles: true, json: true,
			env:      map[string]string{"MATTERCTL_URL": "https://env.example.com/", "MATTERCTL_TOKEN": "env-TOKEN"},
			wantJSON: map[string]any{"url": "https://env.example.com", "method": "token", "source": "MATTERCTL_URL/MATTERCTL_TOKEN"},
		},
		{
			name: "--server beats the environment", profiles: true, json: true, server: "prod",
			env:      map[string]string{"MATTERCTL_URL": "https://env.example.com/", "MATTERCTL_TOKEN": "env-TOKEN"},
			wantJSON: map[string]any{"name": "prod", "url": serverURL, "username": "admin", "method": "password", "source": "--server"},
		},
		{name: "none", wantExit: cmdutil.ExitAuth, wantErr: "no credentials: run `matterctl auth login`"},
		{name: "unknown --server", profiles: true, server: "nope", wantExit: cmdutil.ExitAuth, wantErr: `no profile named "nope" (from --server); profiles: dev, prod`},
		{name: "half the environment", env: map[string]string{"MATTERCTL_URL": "https://env.example.com"}, wantExit: cmdutil.ExitAuth, wantErr: "MATTERCTL_TOKEN is not"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, tt.tty)
			e.F.Globals.JSON = tt.json
			e.F.Globals.Server = tt.server
			for k, v := range tt.env {
				e.Vars[k] = v
			}
			if tt.profiles {
				e.seed("prod", prodProfile, devProfile)
			}
			err := e.Exec(NewCmdCurrent(e.F, nil))
			wantExit(t, err, tt.wantExit)
			if tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if tt.wantJSON != nil {
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
			} else if normalizeSpaces(e.Out.String()) != tt.wantStdout {
				t.Errorf("stdout %q, want %q", e.Out.String(), tt.wantStdout)
			}
			e.assertNoSecrets(err, prodProfile.Token, devProfile.Token, "env-TOKEN")
		})
	}
}

func TestSetRun(t *testing.T) {
	tests := []struct {
		name        string
		tty         bool
		args        []string
		noProfiles  bool
		prompts     []cmdtest.Answer
		wantExit    int
		wantCurrent string
		wantStderr  string
	}{
		{name: "by name", args: []string{"dev"}, wantCurrent: "dev", wantStderr: "Current profile is now \"dev\"\n"},
		{name: "by name at a terminal", tty: true, args: []string{"dev"}, wantCurrent: "dev", wantStderr: "Current profile is now \"dev\"\n"},
		{name: "unknown", args: []string{"nope"}, wantExit: cmdutil.ExitNotFound, wantCurrent: "prod"},
		{name: "no name without a terminal", wantExit: cmdutil.ExitUsage, wantCurrent: "prod"},
		{
			name: "pick at a terminal", tty: true,
			prompts:     []cmdtest.Answer{{Kind: "select", Title: "Profile to use", Value: "dev"}},
			wantCurrent: "dev", wantStderr: "Current profile is now \"dev\"\n",
		},
		{
			name: "pick interrupted", tty: true,
			prompts:  []cmdtest.Answer{{Kind: "select", Title: "Profile to use", Err: prompt.ErrInterrupted}},
			wantExit: cmdutil.ExitInterrupted, wantCurrent: "prod",
		},
		{name: "nothing to pick", tty: true, noProfiles: true, wantExit: cmdutil.ExitAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, tt.tty)
			if !tt.noProfiles {
				e.seed("prod", prodProfile, devProfile)
			}
			e.Prompter.Script(tt.prompts...)
			err := e.Exec(NewCmdSet(e.F, nil), tt.args...)
			wantExit(t, err, tt.wantExit)
			if tt.noProfiles {
				if e.rawConfig() != nil {
					t.Error("a config file was created")
				}
				return
			}
			if cur := e.load().Current; cur != tt.wantCurrent {
				t.Errorf("current = %q, want %q", cur, tt.wantCurrent)
			}
			if e.ErrOut.String() != tt.wantStderr {
				t.Errorf("stderr %q, want %q", e.ErrOut.String(), tt.wantStderr)
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout %q", e.Out.String())
			}
		})
	}
}

func TestDeleteRun(t *testing.T) {
	tests := []struct {
		name        string
		arg         string
		current     string
		wantExit    int
		wantStderr  string
		wantCurrent string
		wantNames   string
	}{
		{
			name: "the current profile", arg: "prod", current: "prod",
			wantStderr: "Deleted profile \"prod\"; no profile is current now: run `matterctl auth set NAME`\n",
			wantNames:  "dev",
		},
		{
			name: "another profile", arg: "dev", current: "prod",
			wantStderr: "Deleted profile \"dev\"; the current profile is still \"prod\"\n", wantCurrent: "prod",
			wantNames: "prod",
		},
		{
			name: "with no current profile", arg: "dev",
			wantStderr: "Deleted profile \"dev\"; no profile is current\n",
			wantNames:  "prod",
		},
		{name: "missing", arg: "nope", current: "prod", wantExit: cmdutil.ExitNotFound, wantCurrent: "prod", wantNames: "dev,prod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, false)
			e.seed(tt.current, prodProfile, devProfile)
			before := e.rawConfig()
			err := e.Exec(NewCmdDelete(e.F, nil), tt.arg)
			wantExit(t, err, tt.wantExit)
			if tt.wantExit != 0 && string(e.rawConfig()) != string(before) {
				t.Error("the config file changed")
			}
			file := e.load()
			if file.Current != tt.wantCurrent {
				t.Errorf("current = %q, want %q", file.Current, tt.wantCurrent)
			}
			if got := strings.Join(file.Names(), ","); got != tt.wantNames {
				t.Errorf("profiles %q, want %q", got, tt.wantNames)
			}
			if e.ErrOut.String() != tt.wantStderr {
				t.Errorf("stderr %q, want %q", e.ErrOut.String(), tt.wantStderr)
			}
		})
	}
}

func TestDeleteMissingWithoutFileCreatesNoFile(t *testing.T) {
	e := newTestEnv(t, false)
	wantExit(t, e.Exec(NewCmdDelete(e.F, nil), "nope"), cmdutil.ExitNotFound)
	if e.rawConfig() != nil {
		t.Error("a config file was created")
	}
}

func TestCleanRun(t *testing.T) {
	tests := []struct {
		name        string
		tty         bool
		args        []string
		prompts     []cmdtest.Answer
		wantExit    int
		wantRemoved bool
	}{
		{name: "without a terminal", wantRemoved: true},
		{name: "--yes at a terminal asks nothing", tty: true, args: []string{"--yes"}, wantRemoved: true},
		{name: "confirmed at a terminal", tty: true, prompts: []cmdtest.Answer{{Kind: "confirm", Title: "Delete ", Yes: true}}, wantRemoved: true},
		{name: "declined at a terminal", tty: true, prompts: []cmdtest.Answer{{Kind: "confirm", Title: "Delete ", Yes: false}}, wantExit: cmdutil.ExitInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, tt.tty)
			e.seed("prod", prodProfile)
			e.Prompter.Script(tt.prompts...)
			err := e.Exec(NewCmdClean(e.F, nil), tt.args...)
			wantExit(t, err, tt.wantExit)
			_, statErr := os.Stat(e.ConfigPath)
			if removed := os.IsNotExist(statErr); removed != tt.wantRemoved {
				t.Errorf("removed = %v, want %v", removed, tt.wantRemoved)
			}
			if tt.wantRemoved && e.ErrOut.String() != "Removed "+e.ConfigPath+"\n" {
				t.Errorf("stderr %q", e.ErrOut.String())
			}
			if len(tt.prompts) > 0 && !strings.Contains(e.Prompter.Asked()[0], e.ConfigPath) {
				t.Errorf("the question %q does not name the file", e.Prompter.Asked()[0])
			}
		})
	}
}

func TestCleanRemovesCorruptFile(t *testing.T) {
	e := newTestEnv(t, false)
	e.writeFile("config.json", "not json")
	if err := e.Exec(NewCmdClean(e.F, nil)); err != nil {
		t.Fatal(err)
	}
	if e.rawConfig() != nil {
		t.Error("the file is still there")
	}
	// Cleaning again is not an error.
	if err := e.Exec(NewCmdClean(e.F, nil)); err != nil {
		t.Fatal(err)
	}
}

func TestTokenRun(t *testing.T) {
	tests := []struct {
		name       string
		server     string
		env        map[string]string
		wantStdout string
		wantExit   int
	}{
		{name: "current profile", wantStdout: "prod-TOKEN\n"},
		{name: "--server", server: "dev", wantStdout: "dev-TOKEN\n"},
		{name: "environment", env: map[string]string{"MATTERCTL_URL": "https://env.example.com", "MATTERCTL_TOKEN": "env-TOKEN"}, wantStdout: "env-TOKEN\n"},
		{name: "unknown --server", server: "nope", wantExit: cmdutil.ExitAuth},
	}
	for _, tty := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := newTestEnv(t, tty)
				e.seed("prod", prodProfile, devProfile)
				e.F.Globals.Server = tt.server
				for k, v := range tt.env {
					e.Vars[k] = v
				}
				err := e.Exec(NewCmdToken(e.F, nil))
				wantExit(t, err, tt.wantExit)
				if e.Out.String() != tt.wantStdout {
					t.Errorf("stdout %q, want %q", e.Out.String(), tt.wantStdout)
				}
				if e.ErrOut.Len() != 0 {
					t.Errorf("stderr %q", e.ErrOut.String())
				}
			})
		}
	}
}

func TestTokenWithoutCredentials(t *testing.T) {
	e := newTestEnv(t, false)
	wantExit(t, e.Exec(NewCmdToken(e.F, nil)), cmdutil.ExitAuth)
	if e.Out.Len() != 0 {
		t.Errorf("stdout %q", e.Out.String())
	}
}

// TestProfileDryRuns checks that --dry-run of set, delete and clean says what would change and
// leaves the credentials file byte for byte as it was.
func TestProfileDryRuns(t *testing.T) {
	tests := []struct {
		name       string
		cmd        func(e *testEnv) *cobra.Command
		args       []string
		tty        bool
		seed       bool
		corrupt    bool
		wantExit   int
		wantStderr string
	}{
		{
			name: "set", cmd: func(e *testEnv) *cobra.Command { return NewCmdSet(e.F, nil) }, args: []string{"dev"}, seed: true,
			wantStderr: "would make \"dev\" the current profile\n",
		},
		{
			name: "set, unknown profile", cmd: func(e *testEnv) *cobra.Command { return NewCmdSet(e.F, nil) }, args: []string{"nope"}, seed: true,
			wantExit: cmdutil.ExitNotFound,
		},
		{
			name: "delete", cmd: func(e *testEnv) *cobra.Command { return NewCmdDelete(e.F, nil) }, args: []string{"dev"}, seed: true,
			wantStderr: "would delete profile \"dev\"\n",
		},
		{
			name: "delete the current profile", cmd: func(e *testEnv) *cobra.Command { return NewCmdDelete(e.F, nil) }, args: []string{"prod"}, seed: true,
			wantStderr: "would delete profile \"prod\", the current one: no profile would be current\n",
		},
		{
			name: "delete, unknown profile", cmd: func(e *testEnv) *cobra.Command { return NewCmdDelete(e.F, nil) }, args: []string{"nope"}, seed: true,
			wantExit: cmdutil.ExitNotFound,
		},
		{
			name: "delete without a file creates none", cmd: func(e *testEnv) *cobra.Command { return NewCmdDelete(e.F, nil) }, args: []string{"nope"},
			wantExit: cmdutil.ExitNotFound,
		},
		{
			name: "clean", cmd: func(e *testEnv) *cobra.Command { return NewCmdClean(e.F, nil) }, seed: true,
			wantStderr: "would delete $CONFIG and its profiles: dev, prod\n",
		},
		{
			name: "clean at a terminal asks nothing", tty: true, cmd: func(e *testEnv) *cobra.Command { return NewCmdClean(e.F, nil) }, seed: true,
			wantStderr: "would delete $CONFIG and its profiles: dev, prod\n",
		},
		{
			name: "clean a corrupt file", cmd: func(e *testEnv) *cobra.Command { return NewCmdClean(e.F, nil) }, corrupt: true,
			wantStderr: "would delete $CONFIG (config file $CONFIG is not valid JSON",
		},
		{
			name: "clean without a file", cmd: func(e *testEnv) *cobra.Command { return NewCmdClean(e.F, nil) },
			wantStderr: "$CONFIG does not exist: nothing to delete\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, tt.tty)
			if tt.seed {
				e.seed("prod", prodProfile, devProfile)
			}
			if tt.corrupt {
				e.writeFile("config.json", `{"profiles": [`)
			}
			before := e.rawConfig()
			err := e.Exec(tt.cmd(e), append(tt.args, "--dry-run")...)
			wantExit(t, err, tt.wantExit)
			if after := e.rawConfig(); string(after) != string(before) {
				t.Errorf("the config file changed:\nbefore %s\nafter %s", before, after)
			}
			want := strings.ReplaceAll(tt.wantStderr, "$CONFIG", e.ConfigPath)
			if !strings.HasPrefix(e.ErrOut.String(), want) {
				t.Errorf("stderr %q, want %q", e.ErrOut.String(), want)
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout %q", e.Out.String())
			}
			if len(e.Prompter.Asked()) != 0 {
				t.Errorf("asked %q", e.Prompter.Asked())
			}
		})
	}
}

// TestCleanConfirmIsYes checks --confirm, mmctl's spelling, as --yes: nothing is asked.
func TestCleanConfirmIsYes(t *testing.T) {
	e := newTestEnv(t, true)
	e.seed("prod", prodProfile)
	if err := e.Exec(NewCmdClean(e.F, nil), "--confirm"); err != nil {
		t.Fatal(err)
	}
	if e.rawConfig() != nil {
		t.Error("the file is still there")
	}
}
