package channel

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
)

// Which verbs complete channel names, and which team names, at which argument.
func TestCompletion(t *testing.T) {
	const channels, teams, none = "channels", "teams", "none"
	tests := []struct {
		args []string // the verb, the words before, and "al" being completed
		want string
	}{
		{[]string{"archive", "al"}, channels},
		{[]string{"archive", "devops:x", "al"}, channels},
		{[]string{"unarchive", "al"}, channels},
		{[]string{"delete", "al"}, channels},
		{[]string{"modify", "al"}, channels},
		{[]string{"show", "al"}, channels},
		{[]string{"rename", "al"}, channels},
		{[]string{"rename", "x", "al"}, none},
		{[]string{"move", "al"}, teams},
		{[]string{"move", "ops", "al"}, channels},
		{[]string{"create", "al"}, teams},
		{[]string{"create", "x", "al"}, none},
		{[]string{"list", "al"}, teams},
		{[]string{"list", "x", "al"}, teams},
		{[]string{"search", "al"}, none},
		{[]string{"archive", "--team", "al"}, teams},
		{[]string{"create", "--team", "al"}, teams},
	}
	for _, tt := range tests {
		t.Run(tt.want+" "+strings.Join(tt.args, " "), func(t *testing.T) {
			e := cmdtest.New(t)
			e.Fake.SearchAllChannelsPagedFunc = func(context.Context, *model.ChannelSearch) (*model.ChannelsWithCount, *model.Response, error) {
				return &model.ChannelsWithCount{Channels: model.ChannelListWithTeamData{{Channel: model.Channel{Name: "alerts"}, TeamName: "devops"}}}, nil, nil
			}
			e.Fake.SearchTeamsFunc = func(context.Context, *model.TeamSearch) ([]*model.Team, *model.Response, error) {
				return []*model.Team{{Name: "alpha"}}, nil, nil
			}
			got := cmdtest.Complete(t, NewCmdChannel(e.F), tt.args...)
			want := map[string][]string{channels: {"alerts"}, teams: {"alpha"}, none: nil}[tt.want]
			if !slices.Equal(got, want) {
				t.Errorf("suggestions %q, want %q", got, want)
			}
		})
	}
}
