package roles

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// MemberOptions are the inputs of `roles member`.
type MemberOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Users []string
	Bulk  cmdutil.BulkFlags
}

// NewCmdMember builds `roles member`.
func NewCmdMember(f *cmdutil.Factory, runF func(context.Context, *MemberOptions) error) *cobra.Command {
	opts := &MemberOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "member <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Remove the system admin role from users",
		Long: `Remove the system_admin role from users, keeping their other roles, so they are plain
members. Users who are not system admins are left unchanged (a note says so).

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file.`,
		Example: `  matterctl roles member alice
  matterctl roles member --file former-admins.txt --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			users, err := opts.Bulk.Args(args, opts.IO.In, "user")
			if err != nil {
				return err
			}
			opts.Users = users
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return memberRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func memberRun(ctx context.Context, opts *MemberOptions) error {
	return setSystemAdmin(ctx, opts.Client, opts.Printer, opts.Users, opts.Bulk, false)
}
