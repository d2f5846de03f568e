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

// ActivateOptions are the inputs of `user activate`.
type ActivateOptions struct {
	cmdutil.BulkArgs
}

// NewCmdActivate builds `user activate`.
func NewCmdActivate(f *cmdutil.Factory, runF func(context.Context, *ActivateOptions) error) *cobra.Command {
	opts := &ActivateOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "activate <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Activate users",
		Long: `Activate deactivated users, so they can log in again.

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file.`,
		Example: `  matterctl user activate alice bob@example.com
  matterctl user activate --file users.txt --dry-run`,
		RunE: opts.RunE("user", cmdutil.Runner(opts, runF, activateRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func activateRun(ctx context.Context, opts *ActivateOptions) error {
	return setActive(ctx, &opts.BulkArgs, true)
}

// setActive activates or deactivates users; activate and deactivate share it.
func setActive(ctx context.Context, b *cmdutil.BulkArgs, active bool) error {
	return cmdutil.RunBulkVerb(ctx, b, cmdutil.Users(), func(c client.Client) cmdutil.Verb[*model.User] {
		verb := cmdutil.Verb[*model.User]{Plan: "activate", Done: "Activated"}
		if !active {
			verb.Plan, verb.Done = "deactivate", "Deactivated"
		}
		verb.Apply = func(ctx context.Context, u *model.User) (*model.User, error) {
			if err := ops.SetUserActive(ctx, c, u, active); err != nil {
				return nil, err
			}
			if !active && u.IsSSOUser() {
				return u, &cmdutil.DoneWithWarning{Message: fmt.Sprintf("%s signs in with %s: also deactivate the account there", u.Username, u.AuthService)}
			}
			return u, nil
		}
		return verb
	})
}
