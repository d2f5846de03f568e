package user

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// DeactivateOptions are the inputs of `user deactivate`.
type DeactivateOptions struct {
	cmdutil.BulkArgs
}

// NewCmdDeactivate builds `user deactivate`.
func NewCmdDeactivate(f *cmdutil.Factory, runF func(context.Context, *DeactivateOptions) error) *cobra.Command {
	opts := &DeactivateOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "deactivate <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Deactivate users",
		Long: `Deactivate users: they can no longer log in and their sessions end. Their content stays.

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file. Users who
sign in through SSO must also be deactivated in the SSO provider: a warning says so.`,
		Example: `  matterctl user deactivate alice bob@example.com
  matterctl user deactivate --file leavers.txt --json`,
		RunE: opts.RunE("user", cmdutil.Runner(opts, runF, deactivateRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func deactivateRun(ctx context.Context, opts *DeactivateOptions) error {
	return setActive(ctx, &opts.BulkArgs, false)
}
