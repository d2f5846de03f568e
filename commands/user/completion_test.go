package user

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdtest"
)

func TestUserArgumentCompletion(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		fail    bool
		want    []string
		wantAsk bool
	}{
		{name: "multi-argument verb", args: []string{"user", "activate", "al"}, want: []string{"alice", "alvin"}, wantAsk: true},
		{name: "second position of a multi-argument verb", args: []string{"user", "deactivate", "bob", "al"}, want: []string{"alice", "alvin"}, wantAsk: true},
		{name: "@username", args: []string{"user", "show", "@al"}, want: []string{"alice", "alvin"}, wantAsk: true},
		{name: "first of two arguments", args: []string{"user", "change-password", "al"}, want: []string{"alice", "alvin"}, wantAsk: true},
		{name: "second of two arguments is not a user", args: []string{"user", "edit", "username", "alice", "al"}, want: nil},
		{name: "server failure suggests nothing", args: []string{"user", "activate", "al"}, fail: true, want: nil, wantAsk: true},
		{name: "create takes no user", args: []string{"user", "create", "al"}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.Fake.AutocompleteUsersFunc = func(_ context.Context, name string, limit int, _ string) (*model.UserAutocomplete, *model.Response, error) {
				if tt.fail {
					return nil, nil, errors.New("boom")
				}
				if name != "al" || limit <= 0 {
					t.Errorf("autocomplete(%q, %d)", name, limit)
				}
				return &model.UserAutocomplete{Users: []*model.User{{Username: "alice"}, {Username: "alvin"}, {Username: "xavier"}}}, nil, nil
			}
			root := &cobra.Command{Use: "matterctl"}
			root.AddCommand(NewCmdUser(e.F))
			var out bytes.Buffer
			root.SetOut(&out)
			root.SetErr(&out)
			root.SetArgs(append([]string{cobra.ShellCompRequestCmd}, tt.args...))
			if err := root.Execute(); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				if line != "" && !strings.HasPrefix(line, ":") && !strings.HasPrefix(line, "Completion ended") {
					got = append(got, line)
				}
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("suggestions %q, want %q (output %q)", got, tt.want, out.String())
			}
			if asked := e.Fake.Calls("AutocompleteUsers") > 0; asked != tt.wantAsk {
				t.Errorf("asked the server: %v, want %v", asked, tt.wantAsk)
			}
		})
	}
}
