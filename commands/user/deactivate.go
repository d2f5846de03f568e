package user

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// DeactivateOptions are the inputs of `user deactivate`.
type DeactivateOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Users []string
	Bulk  cmdutil.BulkFlags
}

// NewCmdDeactivate builds `user deactivate`.
func NewCmdDeactivate(f *cmdutil.Factory, runF func(context.Context, *DeactivateOptions) error) *cobra.Command {
	opts := &DeactivateOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "deactivate <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Deactivate users",
		Long: `Deactivate users: they can no longer log in and their sessions end. Their content stays.

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file. Users who
sign in through SSO must also be deactivated in the SSO provider: a warning says so.`,
		Example: `  matterctl user deactivate alice bob@example.com
  matterctl user deactivate --file leavers.txt --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			users, err := opts.Bulk.Args(args, opts.IO.In, "user")
			if err != nil {
				return err
			}
			opts.Users = users
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deactivateRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func deactivateRun(ctx context.Context, opts *DeactivateOptions) error {
	return setActive(ctx, opts.Client, opts.Printer, opts.Users, opts.Bulk, false)
}
