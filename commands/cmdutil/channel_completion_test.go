package cmdutil_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestCompleteChannels(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	ops := &model.Team{Id: model.NewId(), Name: "ops"}
	chans := model.ChannelListWithTeamData{
		{Channel: model.Channel{Name: "alerts", TeamId: devops.Id}, TeamName: "devops"},
		{Channel: model.Channel{Name: "alerts", TeamId: ops.Id, DeleteAt: 1}, TeamName: "ops"},
		{Channel: model.Channel{Name: "alpha", TeamId: ops.Id, Type: model.ChannelTypePrivate}, TeamName: "ops"},
		{Channel: model.Channel{Name: "beta", DisplayName: "Alpha beta", TeamId: ops.Id}, TeamName: "ops"},
	}
	tests := []struct {
		name       string
		team       string // --team
		toComplete string
		fail       bool
		wantTerm   string
		wantTeams  []string
		want       []string
	}{
		{name: "bare names; one in two teams comes qualified", toComplete: "al", wantTerm: "al", want: []string{"devops:alerts", "ops:alerts", "alpha"}},
		{name: "lower case", toComplete: "AL", wantTerm: "al", want: []string{"devops:alerts", "ops:alerts", "alpha"}},
		{name: "team:prefix", toComplete: "ops:al", wantTerm: "al", wantTeams: []string{ops.Id}, want: []string{"ops:alerts", "ops:alpha"}},
		{name: "--team", team: "ops", toComplete: "al", wantTerm: "al", wantTeams: []string{ops.Id}, want: []string{"alerts", "alpha"}},
		{name: "unknown team", toComplete: "nope:al"},
		{name: "a server error suggests nothing", toComplete: "al", wantTerm: "al", fail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.Fake.GetTeamByNameFunc = func(_ context.Context, name, _ string) (*model.Team, *model.Response, error) {
				for _, team := range []*model.Team{devops, ops} {
					if team.Name == name {
						return team, nil, nil
					}
				}
				return nil, nil, &client.Error{Status: 404}
			}
			e.Fake.SearchAllChannelsPagedFunc = func(ctx context.Context, s *model.ChannelSearch) (*model.ChannelsWithCount, *model.Response, error) {
				if _, ok := ctx.Deadline(); !ok {
					t.Error("no timeout")
				}
				if s.Term != tt.wantTerm || !slices.Equal(s.TeamIds, tt.wantTeams) || !s.IncludeDeleted || s.PerPage == nil || *s.PerPage != 50 {
					t.Errorf("search %+v", s)
				}
				if tt.fail {
					return nil, nil, errors.New("boom")
				}
				var out model.ChannelListWithTeamData
				for _, ch := range chans {
					if (len(s.TeamIds) == 0 || s.TeamIds[0] == ch.TeamId) &&
						(strings.HasPrefix(ch.Name, s.Term) || strings.HasPrefix(strings.ToLower(ch.DisplayName), s.Term)) {
						out = append(out, ch)
					}
				}
				return &model.ChannelsWithCount{Channels: out, TotalCount: int64(len(out))}, nil, nil
			}
			cmd := &cobra.Command{}
			cmd.Flags().String("team", tt.team, "")
			got, dir := cmdutil.CompleteChannels(e.F)(cmd, nil, tt.toComplete)
			if !slices.Equal(got, tt.want) || dir != cobra.ShellCompDirectiveNoFileComp {
				t.Errorf("got %q, %v; want %q, no file completion", got, dir, tt.want)
			}
		})
	}
}
