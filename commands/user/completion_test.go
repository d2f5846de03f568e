package user

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdtest"
)

// userCompletion says where each verb of the user group completes usernames: at every
// argument position ("all"), at the first only ("first"), or nowhere ("none"). Every runnable
// command must be listed, so that a new verb states its completion.
var userCompletion = map[string]string{
	"activate":          "all",
	"change-password":   "first",
	"convert":           "all",
	"create":            "none",
	"deactivate":        "all",
	"delete":            "all",
	"deleteall":         "none",
	"demote":            "all",
	"edit authdata":     "first",
	"edit email":        "first",
	"edit username":     "first",
	"invite":            "none",
	"list":              "none",
	"migrate-auth":      "none",
	"preference delete": "all",
	"preference get":    "all",
	"preference list":   "all",
	"preference set":    "all",
	"promote":           "all",
	"reset-password":    "all",
	"resetmfa":          "all",
	"search":            "all",
	"show":              "all",
	"verify":            "all",
}

// completeUser runs shell completion of `matterctl user <args>` against a server that knows
// alice, alvin and xavier, and returns the suggestions and whether the server was asked.
func completeUser(t *testing.T, fail bool, args ...string) ([]string, bool) {
	t.Helper()
	e := cmdtest.New(t)
	e.Fake.AutocompleteUsersFunc = func(_ context.Context, name string, limit int, _ string) (*model.UserAutocomplete, *model.Response, error) {
		if fail {
			return nil, nil, errors.New("boom")
		}
		if name != "al" || limit <= 0 {
			t.Errorf("autocomplete(%q, %d)", name, limit)
		}
		return &model.UserAutocomplete{Users: []*model.User{{Username: "alice"}, {Username: "alvin"}, {Username: "xavier"}}}, nil, nil
	}
	got := cmdtest.Complete(t, NewCmdUser(e.F), args...)
	return got, e.Fake.Calls("AutocompleteUsers") > 0
}

func TestUserArgumentCompletion(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		fail    bool
		want    []string
		wantAsk bool
	}{
		{name: "@username", args: []string{"show", "@al"}, want: []string{"alice", "alvin"}, wantAsk: true},
		{name: "server failure suggests nothing", args: []string{"activate", "al"}, fail: true, want: nil, wantAsk: true},
		{name: "after flags", args: []string{"preference", "get", "--category", "display_settings", "al"}, want: []string{"alice", "alvin"}, wantAsk: true},
		{name: "an alias", args: []string{"pref", "set", "bob", "al"}, want: []string{"alice", "alvin"}, wantAsk: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, asked := completeUser(t, tt.fail, tt.args...)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("suggestions %q, want %q", got, tt.want)
			}
			if asked != tt.wantAsk {
				t.Errorf("asked the server: %v, want %v", asked, tt.wantAsk)
			}
		})
	}
}

// TestEveryUserVerbCompletes checks each verb at the first and the second argument position.
func TestEveryUserVerbCompletes(t *testing.T) {
	seen := map[string]bool{}
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string{}, path...), sub.Name()))
		}
		if !c.Runnable() {
			return
		}
		name := strings.Join(path, " ")
		seen[name] = true
		where, ok := userCompletion[name]
		if !ok {
			t.Errorf("user %s: not in userCompletion", name)
			return
		}
		for pos, before := range [][]string{nil, {"bob"}} {
			want := where == "all" || (where == "first" && pos == 0)
			t.Run(name+" "+[]string{"first", "second"}[pos], func(t *testing.T) {
				got, asked := completeUser(t, false, append(append(append([]string{}, path...), before...), "al")...)
				if want {
					if strings.Join(got, ",") != "alice,alvin" || !asked {
						t.Errorf("suggestions %q (asked the server: %v), want alice and alvin", got, asked)
					}
					return
				}
				if len(got) != 0 || asked {
					t.Errorf("suggestions %q (asked the server: %v), want none", got, asked)
				}
			})
		}
	}
	walk(NewCmdUser(cmdtest.New(t).F), nil)
	for name := range userCompletion {
		if !seen[name] {
			t.Errorf("userCompletion lists %q, which is not a user verb", name)
		}
	}
}
