package cmdutil_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/config"
)

func TestCompleteUsers(t *testing.T) {
	tests := []struct {
		name       string
		toComplete string
		fail       bool
		wantPrefix string
		want       []string
	}{
		{name: "prefix", toComplete: "al", wantPrefix: "al", want: []string{"alice", "alvin"}},
		{name: "@ is not part of the name", toComplete: "@al", wantPrefix: "al", want: []string{"alice", "alvin"}},
		{name: "names not starting with the prefix are dropped", toComplete: "", wantPrefix: "", want: []string{"alice", "alvin", "xavier"}},
		{name: "a server error suggests nothing", toComplete: "al", fail: true, wantPrefix: "al"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.Fake.AutocompleteUsersFunc = func(ctx context.Context, name string, limit int, _ string) (*model.UserAutocomplete, *model.Response, error) {
				if name != tt.wantPrefix || limit <= 0 {
					t.Errorf("autocomplete(%q, %d)", name, limit)
				}
				if _, ok := ctx.Deadline(); !ok {
					t.Error("no timeout")
				}
				if tt.fail {
					return nil, nil, errors.New("boom")
				}
				return &model.UserAutocomplete{Users: []*model.User{{Username: "alice"}, nil, {Username: "alvin"}, {Username: "xavier"}}}, nil, nil
			}
			got, dir := cmdutil.CompleteUsers(e.F)(&cobra.Command{}, nil, tt.toComplete)
			if !slices.Equal(got, tt.want) || dir != cobra.ShellCompDirectiveNoFileComp {
				t.Errorf("got %q, %v; want %q, no file completion", got, dir, tt.want)
			}
		})
	}
}

func TestCompleteUsersWithoutCredentials(t *testing.T) {
	e := cmdtest.New(t)
	e.F.Client = func() (client.Client, error) { return nil, errors.New("no credentials") }
	got, dir := cmdutil.CompleteUsers(e.F)(&cobra.Command{}, nil, "al")
	if got != nil || dir != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("got %q, %v", got, dir)
	}
}

func TestCompleteProfiles(t *testing.T) {
	e := cmdtest.New(t)
	complete := cmdutil.CompleteProfiles(e.F)
	if got, dir := complete(&cobra.Command{}, nil, ""); len(got) != 0 || dir != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("without a credentials file: %q, %v", got, dir)
	}
	err := config.NewStore(e.ConfigPath).Update(func(f *config.File) error {
		f.Put(&config.Profile{Name: "prod", URL: "https://mm.example.com"})
		f.Put(&config.Profile{Name: "dev", URL: "https://dev.example.com"})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{nil, {"prod"}} {
		if got, _ := complete(&cobra.Command{}, args, "p"); !slices.Equal(got, []string{"dev", "prod"}) {
			t.Errorf("after %q: %q", args, got)
		}
	}
}

func TestCompleteAt(t *testing.T) {
	var calls [][]string
	inner := func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		calls = append(calls, append(slices.Clone(args), toComplete))
		return []string{"x"}, cobra.ShellCompDirectiveNoSpace
	}
	tests := []struct {
		complete cobra.CompletionFunc
		args     []string
		want     bool
	}{
		{cmdutil.CompleteFirst(inner), nil, true},
		{cmdutil.CompleteFirst(inner), []string{"a"}, false},
		{cmdutil.CompleteAt(1, inner), nil, false},
		{cmdutil.CompleteAt(1, inner), []string{"a"}, true},
		{cmdutil.CompleteAt(1, inner), []string{"a", "b"}, false},
	}
	for i, tt := range tests {
		calls = nil
		got, dir := tt.complete(&cobra.Command{}, tt.args, "w")
		if tt.want {
			if !slices.Equal(got, []string{"x"}) || dir != cobra.ShellCompDirectiveNoSpace || len(calls) != 1 || !slices.Equal(calls[0], append(slices.Clone(tt.args), "w")) {
				t.Errorf("case %d: got %q, %v, calls %q", i, got, dir, calls)
			}
			continue
		}
		if got != nil || dir != cobra.ShellCompDirectiveNoFileComp || len(calls) != 0 {
			t.Errorf("case %d: got %q, %v, calls %q; want nothing, no file completion", i, got, dir, calls)
		}
	}
}
