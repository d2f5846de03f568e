package team

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// RestoreOptions are the inputs of `team restore`.
type RestoreOptions struct {
	cmdutil.BulkArgs
}

// NewCmdRestore builds `team restore`.
func NewCmdRestore(f *cmdutil.Factory, runF func(context.Context, *RestoreOptions) error) *cobra.Command {
	opts := &RestoreOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "restore <team>...",
		ValidArgsFunction: cmdutil.CompleteTeams(f),
		Short:             "Restore archived teams",
		Long: `Restore archived teams, with their channels, posts and members.

Teams are given as IDs or names, as arguments or with --file. A team that is not archived is
left as it is and reported as such (a success).`,
		Example: `  matterctl team restore devops
  matterctl team restore --file teams.txt --dry-run`,
		RunE: opts.RunE("team", cmdutil.Runner(opts, runF, restoreRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "teams")
	return cmd
}

func restoreRun(ctx context.Context, opts *RestoreOptions) error {
	return setArchived(ctx, &opts.BulkArgs, false, nil)
}
