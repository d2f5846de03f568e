package roles

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// MemberOptions are the inputs of `roles member`.
type MemberOptions struct {
	cmdutil.BulkArgs
}

// NewCmdMember builds `roles member`.
func NewCmdMember(f *cmdutil.Factory, runF func(context.Context, *MemberOptions) error) *cobra.Command {
	opts := &MemberOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "member <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Remove the system admin role from users",
		Long: `Remove the system_admin role from users, keeping their other roles, so they are plain
members. Users who are not system admins are left unchanged (a note says so).

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file.`,
		Example: `  matterctl roles member alice
  matterctl roles member --file former-admins.txt --dry-run`,
		RunE: opts.RunE("user", cmdutil.Runner(opts, runF, memberRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func memberRun(ctx context.Context, opts *MemberOptions) error {
	return setSystemAdmin(ctx, &opts.BulkArgs, false)
}
