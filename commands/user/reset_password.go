package user

import (
	"context"
	"errors"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/ops"
)

// ResetPasswordOptions are the inputs of `user reset-password`.
type ResetPasswordOptions struct {
	cmdutil.BulkArgs
}

// NewCmdResetPassword builds `user reset-password`.
func NewCmdResetPassword(f *cmdutil.Factory, runF func(context.Context, *ResetPasswordOptions) error) *cobra.Command {
	opts := &ResetPasswordOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "reset-password <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Aliases:           []string{"reset_password"},
		Short:             "Send users an email to reset their password",
		Long: `Send each user an email with a link to reset their password.

Users are given as IDs, usernames, @usernames or emails (mmctl accepts emails only), as
arguments or with --file. Each is looked up first, so an unknown user is reported as such
(the server itself answers "sent" for any address). Users who sign in with SSO or LDAP have no
Mattermost password to reset and are refused.`,
		Example: `  matterctl user reset-password alice bob@example.com
  matterctl user reset-password --file users.txt --dry-run`,
		RunE: opts.RunE("user", cmdutil.Runner(opts, runF, resetPasswordRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func resetPasswordRun(ctx context.Context, opts *ResetPasswordOptions) error {
	return cmdutil.RunBulkVerb(ctx, &opts.BulkArgs, cmdutil.Users(), func(c client.Client) cmdutil.Verb[*model.User] {
		return cmdutil.Verb[*model.User]{
			Plan:  "send a password reset email to",
			Done:  "Sent a password reset email to",
			Check: resetPasswordCheck,
			Apply: func(ctx context.Context, u *model.User) (*model.User, error) {
				return u, ops.SendPasswordReset(ctx, c, u)
			},
			Message: func(u *model.User) string { return "Sent a password reset email to " + u.Email },
		}
	})
}

// resetPasswordCheck refuses users the server would not send a reset email to.
func resetPasswordCheck(u *model.User) error {
	if u.Email == "" {
		return errors.New("the user has no email address")
	}
	if u.AuthService != "" && u.AuthService != model.UserAuthServiceEmail {
		return fmt.Errorf("the user signs in with %s and has no password to reset", u.AuthService)
	}
	return nil
}
