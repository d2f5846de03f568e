package team

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// ShowOptions are the inputs of `team show`.
type ShowOptions struct {
	cmdutil.BulkArgs
}

// NewCmdShow builds `team show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "show <team>...",
		ValidArgsFunction: cmdutil.CompleteTeams(f),
		Short:             "Show teams in full",
		Long: `Show teams, given as IDs or names (as arguments or with --file); archived teams too.

With one team: on a terminal a table of its fields; in JSON the team object as the server
returns it; in plain format one line with the columns of "team list". With several teams: one
table row (plain line) per team; in JSON an array of team objects in argument order. So JSON is
an object when exactly one team is given (arguments and --file lines together), an array
otherwise.

Each argument that does not resolve is reported on stderr as "<arg>: <reason>". Exit status 3
when some were not found, 5 when none was.`,
		Example: `  matterctl team show devops
  matterctl team show devops --json | jq .allow_open_invite
  matterctl team show devops qa 7c6qkzn9q7ds5ehqfqzpyxw1ya`,
		RunE: opts.RunE("team", cmdutil.Runner(opts, runF, showRun)),
	}
	cmdutil.AddFileFlag(cmd, &opts.Bulk, "teams")
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	p, c, err := opts.Setup()
	if err != nil {
		return err
	}
	refs, err := teamKind().Resolve(ctx, c, opts.Args)
	if err != nil {
		return err
	}
	return cmdutil.Show(ctx, p, refs, teamShown)
}

// teamShown is how `team show` and `team search` print teams.
var teamShown = cmdutil.Shown[*model.Team, *model.Team]{View: cmdutil.Same[*model.Team], Columns: teamColumns, Fields: teamFields}
