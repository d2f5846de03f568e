package cmdtest

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"
)

// Complete asks group, under a root command, for shell completions the way a shell does:
// args are the words after the group's name, the last one the word being completed. It
// returns the suggestions without cobra's directive lines.
func Complete(t testing.TB, group *cobra.Command, args ...string) []string {
	t.Helper()
	root := &cobra.Command{Use: "matterctl"}
	root.AddCommand(group)
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append([]string{cobra.ShellCompRequestCmd, group.Name()}, args...))
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if line != "" && !strings.HasPrefix(line, ":") && !strings.HasPrefix(line, "Completion ended") {
			got = append(got, line)
		}
	}
	return got
}

// CheckUserCompletion checks where each verb of the group that newGroup builds completes
// usernames from the server: at every argument position ("all"), at the first only ("first"),
// or nowhere ("none"). Every verb of the group must be in where.
func CheckUserCompletion(t *testing.T, newGroup func(*Env) *cobra.Command, where map[string]string) {
	t.Helper()
	for _, c := range newGroup(New(t)).Commands() {
		if _, ok := where[c.Name()]; !ok {
			t.Errorf("%s: not in the table", c.Name())
		}
	}
	for verb, w := range where {
		for pos, before := range [][]string{nil, {"bob"}} {
			want := w == "all" || (w == "first" && pos == 0)
			t.Run(verb+" "+[]string{"first", "second"}[pos], func(t *testing.T) {
				e := New(t)
				e.Fake.AutocompleteUsersFunc = func(_ context.Context, name string, _ int, _ string) (*model.UserAutocomplete, *model.Response, error) {
					if name != "al" {
						t.Errorf("autocomplete(%q)", name)
					}
					return &model.UserAutocomplete{Users: []*model.User{{Username: "alice"}, {Username: "alvin"}, {Username: "xavier"}}}, nil, nil
				}
				got := Complete(t, newGroup(e), append(append([]string{verb}, before...), "al")...)
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
