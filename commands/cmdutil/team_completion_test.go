package cmdutil_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestCompleteTeams(t *testing.T) {
	teams := []*model.Team{{Name: "devops"}, nil, {Name: "design", DeleteAt: 1}, {Name: "code", DisplayName: "Dev"}}
	tests := []struct {
		name       string
		toComplete string
		fail       bool
		wantSearch string // "" asks for the first page of every team instead
		want       []string
	}{
		{name: "prefix, archived teams too", toComplete: "de", wantSearch: "de", want: []string{"devops", "design"}},
		{name: "names are lower case", toComplete: "DE", wantSearch: "de", want: []string{"devops", "design"}},
		{name: "nothing typed: one page", toComplete: "", want: []string{"devops", "design", "code"}},
		{name: "a server error suggests nothing", toComplete: "de", wantSearch: "de", fail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.Fake.SearchTeamsFunc = func(ctx context.Context, s *model.TeamSearch) ([]*model.Team, *model.Response, error) {
				if s.Term != tt.wantSearch || s.Term == "" {
					t.Errorf("search %q, want %q", s.Term, tt.wantSearch)
				}
				if _, ok := ctx.Deadline(); !ok {
					t.Error("no timeout")
				}
				if tt.fail {
					return nil, nil, errors.New("boom")
				}
				return teams, nil, nil
			}
			e.Fake.GetAllTeamsFunc = func(ctx context.Context, _ string, page, perPage int) ([]*model.Team, *model.Response, error) {
				if tt.wantSearch != "" || page != 0 || perPage != 50 {
					t.Errorf("GetAllTeams(page %d, per page %d)", page, perPage)
				}
				return teams, nil, nil
			}
			got, dir := cmdutil.CompleteTeams(e.F)(&cobra.Command{}, nil, tt.toComplete)
			if !slices.Equal(got, tt.want) || dir != cobra.ShellCompDirectiveNoFileComp {
				t.Errorf("got %q, %v; want %q, no file completion", got, dir, tt.want)
			}
		})
	}
}

func TestCompleteTeamsLimitAndNoCredentials(t *testing.T) {
	e := cmdtest.New(t)
	var many []*model.Team
	for i := range 80 {
		many = append(many, &model.Team{Name: fmt.Sprintf("team%02d", i)})
	}
	e.Fake.SearchTeamsFunc = func(context.Context, *model.TeamSearch) ([]*model.Team, *model.Response, error) {
		return many, nil, nil
	}
	if got, _ := cmdutil.CompleteTeams(e.F)(&cobra.Command{}, nil, "team"); len(got) != 50 {
		t.Errorf("%d suggestions, want at most 50", len(got))
	}
	e.F.Client = func() (client.Client, error) { return nil, errors.New("no credentials") }
	if got, dir := cmdutil.CompleteTeams(e.F)(&cobra.Command{}, nil, "de"); got != nil || dir != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("got %q, %v", got, dir)
	}
}
