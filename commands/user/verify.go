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

// VerifyOptions are the inputs of `user verify`.
type VerifyOptions struct {
	cmdutil.BulkArgs
}

// NewCmdVerify builds `user verify`.
func NewCmdVerify(f *cmdutil.Factory, runF func(context.Context, *VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "verify <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Mark users' email addresses as verified",
		Long: `Mark users' email addresses as verified, without the verification email.

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file.`,
		Example: `  matterctl user verify alice bob@example.com
  matterctl user verify --file new-users.txt --json`,
		RunE: opts.RunE("user", cmdutil.Runner(opts, runF, verifyRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func verifyRun(ctx context.Context, opts *VerifyOptions) error {
	return cmdutil.RunBulkVerb(ctx, &opts.BulkArgs, cmdutil.Users(), func(c client.Client) cmdutil.Verb[*model.User] {
		return cmdutil.Verb[*model.User]{
			Plan: "verify the email of", Done: "Verified",
			Apply: func(ctx context.Context, u *model.User) (*model.User, error) {
				return u, ops.VerifyEmail(ctx, c, u)
			},
			Message: func(u *model.User) string { return fmt.Sprintf("User %s verified", u.Username) },
		}
	})
}
