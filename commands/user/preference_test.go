package user

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestPreferenceFlags(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    PreferenceOptions
		wantErr string
	}{
		{name: "list", argv: []string{"list", "alice", "bob"}, want: PreferenceOptions{Action: "list", Users: []string{"alice", "bob"}}},
		{name: "list category", argv: []string{"list", "alice", "-c", "display_settings"}, want: PreferenceOptions{Action: "list", Users: []string{"alice"}, Category: "display_settings"}},
		{name: "get", argv: []string{"get", "alice", "-c", "display_settings", "-n", "use_military_time"}, want: PreferenceOptions{Action: "get", Users: []string{"alice"}, Category: "display_settings", Name: "use_military_time"}},
		{name: "set", argv: []string{"set", "alice", "--category", "c", "--name", "n", "--value", "v", "--dry-run"}, want: PreferenceOptions{Action: "set", Users: []string{"alice"}, Category: "c", Name: "n", Value: "v"}},
		{name: "update alias, empty value", argv: []string{"update", "alice", "-c", "c", "-n", "n", "-v", ""}, want: PreferenceOptions{Action: "set", Users: []string{"alice"}, Category: "c", Name: "n"}},
		{name: "delete", argv: []string{"delete", "alice", "-c", "c", "-n", "n"}, want: PreferenceOptions{Action: "delete", Users: []string{"alice"}, Category: "c", Name: "n"}},
		{name: "no user", argv: []string{"list"}, wantErr: "give at least one user"},
		{name: "get without category", argv: []string{"get", "alice", "-n", "n"}, wantErr: "--category is required"},
		{name: "get without name", argv: []string{"get", "alice", "-c", "c"}, wantErr: "--name is required"},
		{name: "set without value", argv: []string{"set", "alice", "-c", "c", "-n", "n"}, wantErr: "--value is required"},
		{name: "delete without name", argv: []string{"delete", "alice", "-c", "c"}, wantErr: "--name is required"},
		{name: "category too long", argv: []string{"set", "alice", "-c", strings.Repeat("c", 33), "-n", "n", "-v", "v"}, wantErr: "too long"},
		{name: "bad theme", argv: []string{"set", "alice", "-c", "theme", "-n", "", "-v", "dark"}, wantErr: "JSON object"},
		{name: "bad dm limit", argv: []string{"set", "alice", "-c", "sidebar_settings", "-n", "limit_visible_dms_gms", "-v", "99"}, wantErr: "from 1 to 40"},
		{name: "bad parallel", argv: []string{"list", "alice", "--parallel", "0"}, wantErr: "--parallel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t)
			var got *PreferenceOptions
			cmd := NewCmdPreference(env.F, func(_ context.Context, o *PreferenceOptions) error { got = o; return nil })
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
			if got.Action != tt.want.Action || strings.Join(got.Users, ",") != strings.Join(tt.want.Users, ",") ||
				got.Category != tt.want.Category || got.Name != tt.want.Name || got.Value != tt.want.Value {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestPreferenceAlias(t *testing.T) {
	env := cmdtest.New(t)
	cmd := NewCmdPreference(env.F, nil)
	if len(cmd.Aliases) != 1 || cmd.Aliases[0] != "pref" {
		t.Errorf("aliases = %v, want [pref]", cmd.Aliases)
	}
}

func TestPreferenceRun(t *testing.T) {
	alice := editTestUser("alice")
	bob := editTestUser("bob")
	prefsOf := map[string]model.Preferences{
		alice.Id: {
			{UserId: alice.Id, Category: "tutorial_step", Name: alice.Id, Value: "999"},
			{UserId: alice.Id, Category: "display_settings", Name: "use_military_time", Value: "true"},
			{UserId: alice.Id, Category: "display_settings", Name: "colorize_usernames", Value: "false"},
		},
		bob.Id: {
			{UserId: bob.Id, Category: "display_settings", Name: "use_military_time", Value: "false"},
		},
	}
	type write struct {
		user string
		pref model.Preference
	}

	tests := []struct {
		name       string
		argv       []string
		json       bool
		tty        bool
		setup      func(*clienttest.Fake)
		wantCode   int
		wantStdout string
		wantJSON   []model.Preference
		wantStderr []string
		wantWrites []write
		wantCalls  map[string]int
	}{
		{
			name: "list: argument order, sorted by category and name",
			argv: []string{"list", "bob", "alice"},
			wantStdout: "bob\tdisplay_settings\tuse_military_time\tfalse\n" +
				"alice\tdisplay_settings\tcolorize_usernames\tfalse\n" +
				"alice\tdisplay_settings\tuse_military_time\ttrue\n" +
				"alice\ttutorial_step\t" + alice.Id + "\t999\n",
			wantCalls: map[string]int{"GetPreferences": 2},
		},
		{
			name: "list JSON: raw preference objects",
			argv: []string{"list", "alice", alice.Id},
			json: true,
			wantJSON: []model.Preference{
				{UserId: alice.Id, Category: "display_settings", Name: "colorize_usernames", Value: "false"},
				{UserId: alice.Id, Category: "display_settings", Name: "use_military_time", Value: "true"},
				{UserId: alice.Id, Category: "tutorial_step", Name: alice.Id, Value: "999"},
			},
			wantCalls: map[string]int{"GetPreferences": 1},
		},
		{
			name:      "list by category, none is an empty list",
			argv:      []string{"list", "alice", "-c", "nothing_here"},
			json:      true,
			wantJSON:  []model.Preference{},
			wantCalls: map[string]int{"GetPreferencesByCategory": 1, "GetPreferences": 0},
		},
		{
			name:       "list: one unknown user is a partial failure",
			argv:       []string{"list", "bob", "nobody"},
			wantCode:   cmdutil.ExitPartial,
			wantStdout: "bob\tdisplay_settings\tuse_military_time\tfalse\n",
			wantStderr: []string{`nobody: user "nobody" not found`},
		},
		{
			name:       "list table on a terminal",
			argv:       []string{"list", "bob"},
			tty:        true,
			wantStdout: "USER  CATEGORY          NAME               VALUE",
		},
		{
			name:       "get",
			argv:       []string{"get", "alice", "bob", "-c", "display_settings", "-n", "use_military_time"},
			wantStdout: "alice\tdisplay_settings\tuse_military_time\ttrue\nbob\tdisplay_settings\tuse_military_time\tfalse\n",
			wantCalls:  map[string]int{"GetPreferenceByCategoryAndName": 2},
		},
		{
			name:       "get: missing preference is reported per user",
			argv:       []string{"get", "alice", "bob", "-c", "display_settings", "-n", "colorize_usernames"},
			wantCode:   cmdutil.ExitPartial,
			wantStdout: "alice\tdisplay_settings\tcolorize_usernames\tfalse\n",
			wantStderr: []string{`bob: preference "display_settings colorize_usernames" not found`},
		},
		{
			name:       "get: all missing",
			argv:       []string{"get", "bob", "-c", "x", "-n", "y"},
			wantCode:   cmdutil.ExitNotFound,
			wantStderr: []string{`bob: preference "x y" not found`},
		},
		{
			name:       "set",
			argv:       []string{"set", "alice", "bob", "-c", "display_settings", "-n", "use_military_time", "-v", "true"},
			wantStderr: []string{"Preference display_settings use_military_time for alice updated successfully", "Preference display_settings use_military_time for bob updated successfully"},
			wantWrites: []write{
				{alice.Id, model.Preference{UserId: alice.Id, Category: "display_settings", Name: "use_military_time", Value: "true"}},
				{bob.Id, model.Preference{UserId: bob.Id, Category: "display_settings", Name: "use_military_time", Value: "true"}},
			},
		},
		{
			name: "set: partial failure",
			argv: []string{"set", "alice", "nobody", "-c", "c", "-n", "n", "-v", "v"},
			json: true,
			wantWrites: []write{
				{alice.Id, model.Preference{UserId: alice.Id, Category: "c", Name: "n", Value: "v"}},
			},
			wantCode:   cmdutil.ExitPartial,
			wantStdout: `"input": "nobody"`,
			wantStderr: []string{`nobody: user "nobody" not found`},
		},
		{
			name:       "set: dry run",
			argv:       []string{"set", "alice", "-c", "c", "-n", "n", "-v", "v", "--dry-run"},
			wantStderr: []string{`would set preference c n to "v" for user alice (` + alice.Id + ")"},
			wantCalls:  map[string]int{"UpdatePreferences": 0},
		},
		{
			name:       "delete",
			argv:       []string{"delete", "bob", "-c", "display_settings", "-n", "use_military_time"},
			wantStderr: []string{"Preference display_settings use_military_time for bob deleted successfully"},
			wantWrites: []write{{bob.Id, model.Preference{UserId: bob.Id, Category: "display_settings", Name: "use_military_time"}}},
			wantCalls:  map[string]int{"DeletePreferences": 1},
		},
		{
			name:       "delete: dry run",
			argv:       []string{"delete", "bob", "-c", "c", "-n", "n", "--dry-run"},
			wantStderr: []string{"would delete preference c n of user bob"},
			wantCalls:  map[string]int{"DeletePreferences": 0},
		},
		{
			name: "delete: server error",
			argv: []string{"delete", "bob", "-c", "c", "-n", "n"},
			setup: func(fk *clienttest.Fake) {
				fk.DeletePreferencesFunc = func(context.Context, string, model.Preferences) (*model.Response, error) {
					return nil, &client.Error{Status: http.StatusForbidden, Message: "You do not have the appropriate permissions."}
				}
			},
			wantCode:   cmdutil.ExitAuth,
			wantStderr: []string{"bob: You do not have the appropriate permissions. (HTTP 403)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			cmdtest.ServeUsers(env.Fake, alice, bob)
			env.Fake.GetPreferencesFunc = func(_ context.Context, id string) (model.Preferences, *model.Response, error) {
				return append(model.Preferences(nil), prefsOf[id]...), nil, nil
			}
			env.Fake.GetPreferencesByCategoryFunc = func(_ context.Context, id, cat string) (model.Preferences, *model.Response, error) {
				var out model.Preferences
				for _, p := range prefsOf[id] {
					if p.Category == cat {
						out = append(out, p)
					}
				}
				if len(out) == 0 {
					return nil, nil, &client.Error{Status: http.StatusNotFound, Message: "not found"}
				}
				return out, nil, nil
			}
			env.Fake.GetPreferenceByCategoryAndNameFunc = func(_ context.Context, id, cat, name string) (*model.Preference, *model.Response, error) {
				for _, p := range prefsOf[id] {
					if p.Category == cat && p.Name == name {
						return &p, nil, nil
					}
				}
				return nil, nil, &client.Error{Status: http.StatusNotFound, Message: "not found"}
			}
			var mu sync.Mutex
			var writes []write
			record := func(id string, prefs model.Preferences) (*model.Response, error) {
				mu.Lock()
				defer mu.Unlock()
				if len(prefs) != 1 {
					return nil, errors.New("want one preference")
				}
				writes = append(writes, write{id, prefs[0]})
				return nil, nil
			}
			env.Fake.UpdatePreferencesFunc = func(_ context.Context, id string, prefs model.Preferences) (*model.Response, error) {
				return record(id, prefs)
			}
			env.Fake.DeletePreferencesFunc = func(_ context.Context, id string, prefs model.Preferences) (*model.Response, error) {
				return record(id, prefs)
			}
			if tt.setup != nil {
				tt.setup(env.Fake)
			}
			cmd := NewCmdPreference(env.F, nil)
			err := env.Exec(cmd, append(tt.argv, "--parallel", "1")...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d; stderr: %s", code, err, tt.wantCode, env.ErrOut)
			}
			switch {
			case tt.wantJSON != nil:
				var got []model.Preference
				if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil {
					t.Fatalf("stdout is not a JSON array: %v: %q", err, env.Out)
				}
				if len(got) != len(tt.wantJSON) {
					t.Fatalf("got %d preferences, want %d: %s", len(got), len(tt.wantJSON), env.Out)
				}
				for i := range got {
					if got[i] != tt.wantJSON[i] {
						t.Errorf("preference %d = %+v, want %+v", i, got[i], tt.wantJSON[i])
					}
				}
			case tt.tty || tt.json:
				if !strings.Contains(env.Out.String(), tt.wantStdout) {
					t.Errorf("stdout = %q, want %q", env.Out, tt.wantStdout)
				}
			default:
				if env.Out.String() != tt.wantStdout {
					t.Errorf("stdout = %q, want %q", env.Out, tt.wantStdout)
				}
			}
			for _, s := range tt.wantStderr {
				if !strings.Contains(env.ErrOut.String(), s) {
					t.Errorf("stderr = %q, want %q", env.ErrOut, s)
				}
			}
			if tt.wantWrites != nil {
				if len(writes) != len(tt.wantWrites) {
					t.Fatalf("writes = %+v, want %+v", writes, tt.wantWrites)
				}
				for i := range writes {
					if writes[i] != tt.wantWrites[i] {
						t.Errorf("write %d = %+v, want %+v", i, writes[i], tt.wantWrites[i])
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

// TestStreamPreferenceListEnds checks how the list of several users' preferences ends: an
// argument that fails is reported and leaves the JSON array whole (exit 3); a run cancelled
// half-way leaves it unterminated, since the users not reached are missing from it.
func TestStreamPreferenceListEnds(t *testing.T) {
	alice, bob, carol := editTestUser("alice"), editTestUser("bob"), editTestUser("carol")
	tests := []struct {
		name     string
		bob      func(cancel context.CancelFunc) error // bob's failure
		wantCode int
		whole    bool
	}{
		{name: "one user fails", bob: func(context.CancelFunc) error {
			return &client.Error{Status: http.StatusForbidden, Message: "no permission"}
		}, wantCode: cmdutil.ExitPartial, whole: true},
		{name: "cancelled", bob: func(cancel context.CancelFunc) error {
			cancel()
			return context.Canceled
		}, wantCode: cmdutil.ExitInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.JSON(true))
			cmdtest.ServeUsers(env.Fake, alice, bob, carol)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			env.Fake.GetPreferencesFunc = func(_ context.Context, id string) (model.Preferences, *model.Response, error) {
				if id == bob.Id {
					return nil, nil, tt.bob(cancel)
				}
				return model.Preferences{{UserId: id, Category: "display_settings", Name: "use_military_time", Value: "true"}}, nil, nil
			}
			cmd := NewCmdPreference(env.F, nil)
			cmd.SetArgs([]string{"list", "alice", "bob", "carol", "--parallel", "1"})
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			err := cmd.ExecuteContext(ctx)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d", code, err, tt.wantCode)
			}
			out := env.Out.Bytes()
			if !tt.whole {
				if json.Valid(out) {
					t.Fatalf("stdout parses as the whole list after the run was cancelled:\n%s", out)
				}
				if !strings.HasPrefix(string(out), "[\n") || !strings.Contains(string(out), alice.Id) || strings.Contains(string(out), carol.Id) {
					t.Errorf("stdout is not alice's preferences in an unterminated array:\n%s", out)
				}
				return
			}
			var got []model.Preference
			if err := json.Unmarshal(out, &got); err != nil || len(got) != 2 {
				t.Fatalf("stdout is not the array of alice's and carol's preferences (%v):\n%s", err, out)
			}
			if !strings.Contains(env.ErrOut.String(), "bob: ") {
				t.Errorf("bob's failure is not on stderr: %q", env.ErrOut)
			}
		})
	}
}
