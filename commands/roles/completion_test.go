package roles

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdtest"
)

// TestUserArgumentCompletion checks where each verb completes usernames: at every argument
// position ("all"), at the first only ("first"), or nowhere ("none").
func TestUserArgumentCompletion(t *testing.T) {
	where := map[string]string{
		"system-admin": "all",
		"member":       "all",
		"list":         "none",
	}
	env := cmdtest.New(t)
	for _, c := range NewCmdRoles(env.F).Commands() {
		if _, ok := where[c.Name()]; !ok {
			t.Errorf("%s: not in the table", c.Name())
		}
	}
	for verb, w := range where {
		for pos, before := range [][]string{nil, {"bob"}} {
			want := w == "all" || (w == "first" && pos == 0)
			t.Run(verb+" "+[]string{"first", "second"}[pos], func(t *testing.T) {
				e := cmdtest.New(t)
				e.Fake.AutocompleteUsersFunc = func(_ context.Context, name string, _ int, _ string) (*model.UserAutocomplete, *model.Response, error) {
					if name != "al" {
						t.Errorf("autocomplete(%q)", name)
					}
					return &model.UserAutocomplete{Users: []*model.User{{Username: "alice"}, {Username: "alvin"}, {Username: "xavier"}}}, nil, nil
				}
				root := &cobra.Command{Use: "matterctl"}
				group := NewCmdRoles(e.F)
				root.AddCommand(group)
				var out bytes.Buffer
				root.SetOut(&out)
				root.SetErr(&out)
				args := append([]string{cobra.ShellCompRequestCmd, group.Name(), verb}, before...)
				root.SetArgs(append(args, "al"))
				if err := root.Execute(); err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
					if line != "" && !strings.HasPrefix(line, ":") && !strings.HasPrefix(line, "Completion ended") {
						got = append(got, line)
					}
				}
				asked := e.Fake.Calls("AutocompleteUsers") > 0
				if want && (strings.Join(got, ",") != "alice,alvin" || !asked) {
					t.Errorf("suggestions %q (asked the server: %v), want alice and alvin", got, asked)
				}
				if !want && (len(got) != 0 || asked) {
					t.Errorf("suggestions %q (asked the server: %v), want none", got, asked)
				}
			})
		}
	}
}
