package channel

import (
	"context"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/printer"
)

// ShowOptions are the inputs of `channel show`.
type ShowOptions struct {
	cmdutil.BulkArgs
	Team string
}

// NewCmdShow builds `channel show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "show <channel>...",
		ValidArgsFunction: cmdutil.CompleteChannels(f),
		Short:             "Show channels in full",
		Long: `Show channels, given as IDs, team:channel, or bare names (with --team, or unique across your
teams), as arguments or with --file. Archived and private channels are shown too.

With one channel: on a terminal a table of its fields; in JSON the channel object as the server
returns it, with its team's name (team_name, team_display_name); in plain format one line with
the columns of "channel list". With several channels: one table row (plain line) per channel;
in JSON an array in argument order. So JSON is an object when exactly one channel is given
(arguments and --file lines together), an array otherwise.

Each argument that does not resolve is reported on stderr as "<arg>: <reason>"; an ambiguous
bare name lists the team:channel candidates. Exit status 3 when some did not resolve, else the
status of the first failure (5 not found, 2 ambiguous).`,
		Example: `  matterctl channel show devops:alerts
  matterctl channel show alerts --json | jq .header
  matterctl channel show --team devops alerts builds town-square`,
		RunE: opts.RunE("channel", cmdutil.Runner(opts, runF, showRun)),
	}
	cmdutil.AddFileFlag(cmd, &opts.Bulk, "channels")
	addTeamFlag(cmd, &opts.Team)
	completeTeamFlag(f, cmd)
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	p, c, err := opts.Setup()
	if err != nil {
		return err
	}
	teams := &cmdutil.ChannelTeams{}
	kind := cmdutil.QualifiedChannels(cmdutil.ChannelOptions{Team: strings.TrimSpace(opts.Team), IncludeArchived: true}, teams)
	refs, err := kind.Resolve(ctx, c, opts.Args)
	if err != nil {
		return err
	}
	return cmdutil.Show(ctx, p, refs, cmdutil.Shown[*model.Channel, *model.ChannelWithTeamData]{
		View:    teams.WithTeam,
		Columns: channelColumns,
		Fields:  func(ch *model.ChannelWithTeamData) []printer.Field { return channelFields(ch, false) },
	})
}
