package channel

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// addTeamFlag registers --team, the team of bare channel names.
func addTeamFlag(cmd *cobra.Command, team *string) {
	cmd.Flags().StringVar(team, "team", "", "Team (name or ID) of bare channel names; team:channel arguments name their own")
}

// completeTeamFlag completes the team names of --team.
func completeTeamFlag(f *cmdutil.Factory, cmd *cobra.Command) {
	_ = cmd.RegisterFlagCompletionFunc("team", cmdutil.CompleteTeams(f))
}

// channelArgs are the inputs shared by the verbs that act on each of a list of channels.
type channelArgs struct {
	cmdutil.BulkArgs
	// Team is --team: the team of bare channel names.
	Team string
}

func newChannelArgs(f *cmdutil.Factory) channelArgs {
	return channelArgs{BulkArgs: cmdutil.NewBulkArgs(f)}
}

// kind is the kind of the verb's channel arguments, archived channels included, labelled
// "team:channel" in messages.
func (a *channelArgs) kind(teams *cmdutil.ChannelTeams) cmdutil.Kind[*model.Channel] {
	return cmdutil.QualifiedChannels(cmdutil.ChannelOptions{Team: strings.TrimSpace(a.Team), IncludeArchived: true}, teams)
}

// refuseMessages refuses direct and group message channels, which the team verbs do not apply
// to.
func refuseMessages(ch *model.Channel, what string) error {
	if ch.IsGroupOrDirect() {
		return fmt.Errorf("a %s message channel cannot be %s: only public and private channels can", channelType(ch), what)
	}
	return nil
}

// archivedError refuses a change the server does not make to archived channels.
func archivedError(label string) error {
	return fmt.Errorf("the channel is archived: unarchive it first (matterctl channel unarchive %s)", label)
}

// isDefaultChannel reports whether ch is a team's default channel (town-square), which the
// server never lets be archived, made private or renamed.
func isDefaultChannel(ch *model.Channel) bool {
	return ch.Name == model.DefaultChannelName && !ch.IsGroupOrDirect()
}

// apiErrorID is the server's error ID behind err, or "".
func apiErrorID(err error) string {
	if e := client.AsError(err); e != nil {
		return e.ID
	}
	return ""
}

// channelDeletion is the server setting that allows `channel delete`.
var channelDeletion = cmdutil.Setting{Key: "ServiceSettings.EnableAPIChannelDeletion", Want: "true"}

// maxChannelsPerTeam is the server setting that caps the channels of a team.
var maxChannelsPerTeam = cmdutil.Setting{Key: "TeamSettings.MaxChannelsPerTeam", Want: "a higher limit"}

// withTeams prints channels with their team's name, looking the teams up once each.
func withTeams(ctx context.Context, c client.Client, teams *cmdutil.ChannelTeams, chans ...*model.Channel) []*model.ChannelWithTeamData {
	teams.Fetch(ctx, c, chans)
	out := make([]*model.ChannelWithTeamData, len(chans))
	for i, ch := range chans {
		out[i] = teams.WithTeam(ch)
	}
	return out
}

// teamName is the name of the team with the given ID when it is known, else the ID.
func teamName(teams *cmdutil.ChannelTeams, id string) string {
	if t := teams.Team(id); t != nil {
		return t.Name
	}
	return id
}

// unavailable reports whether err says that the caller may not use an endpoint, or that the
// server does not offer it (local mode serves only part of the API).
func unavailable(err error) bool {
	e := client.AsError(err)
	return e != nil && (e.Status == http.StatusForbidden || e.ID == "api.context.404.app_error")
}

// callerTeams lists the caller's teams; in local mode, where the caller is no user, every team.
func callerTeams(ctx context.Context, c client.Client) ([]*model.Team, error) {
	ctx = client.WithIdempotent(ctx)
	teams, _, err := c.GetTeamsForUser(ctx, "me", "")
	if !unavailable(err) {
		return teams, err
	}
	teams = nil
	for t, err := range client.Pages(ctx, client.PageOptions{PerPage: client.MaxPerPage}, func(ctx context.Context, page, perPage int) ([]*model.Team, error) {
		teams, _, err := c.GetAllTeams(ctx, "", page, perPage)
		return teams, err
	}) {
		if err != nil {
			return nil, err
		}
		teams = append(teams, t)
	}
	return teams, nil
}
