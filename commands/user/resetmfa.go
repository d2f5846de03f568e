package user

import (
	"context"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/ops"
)

// ResetMFAOptions are the inputs of `user resetmfa`.
type ResetMFAOptions struct {
	cmdutil.BulkArgs
}

// NewCmdResetMFA builds `user resetmfa`.
func NewCmdResetMFA(f *cmdutil.Factory, runF func(context.Context, *ResetMFAOptions) error) *cobra.Command {
	opts := &ResetMFAOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "resetmfa <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Turn off multi-factor authentication for users",
		Long: `Turn off multi-factor authentication for users. They sign in with their password alone
until they set MFA up again (at their next login, when the server enforces MFA).

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file.`,
		Example: `  matterctl user resetmfa alice
  matterctl user resetmfa --file lost-phones.txt --dry-run`,
		RunE: opts.RunE("user", cmdutil.Runner(opts, runF, resetMFARun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func resetMFARun(ctx context.Context, opts *ResetMFAOptions) error {
	return cmdutil.RunBulkVerb(ctx, &opts.BulkArgs, cmdutil.Users(), func(c client.Client) cmdutil.Verb[*model.User] {
		return cmdutil.Verb[*model.User]{
			Plan: "reset MFA of", Done: "Reset MFA of",
			Apply: func(ctx context.Context, u *model.User) (*model.User, error) {
				return u, ops.ResetMFA(ctx, c, u)
			},
			Message: func(u *model.User) string { return fmt.Sprintf("Reset MFA of user %s", u.Username) },
		}
	})
}
