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

// DemoteOptions are the inputs of `user demote`.
type DemoteOptions struct {
	cmdutil.BulkArgs
}

// NewCmdDemote builds `user demote`.
func NewCmdDemote(f *cmdutil.Factory, runF func(context.Context, *DemoteOptions) error) *cobra.Command {
	opts := &DemoteOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "demote <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Demote users to guests",
		Long: `Demote regular users to guest accounts (their roles become system_guest). Guest accounts
must be enabled on the server.

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file. A user
who is already a guest is reported as a failure and left unchanged.`,
		Example: `  matterctl user demote alice bob@example.com
  matterctl user demote --file contractors.txt --dry-run`,
		RunE: opts.RunE("user", cmdutil.Runner(opts, runF, demoteRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func demoteRun(ctx context.Context, opts *DemoteOptions) error {
	return cmdutil.RunBulkVerb(ctx, &opts.BulkArgs, cmdutil.Users(), func(c client.Client) cmdutil.Verb[*model.User] {
		return cmdutil.Verb[*model.User]{
			Plan: "demote", Done: "Demoted",
			Check: func(u *model.User) error {
				if u.IsGuest() {
					return fmt.Errorf("%s is already a guest", u.Username)
				}
				return nil
			},
			Apply: func(ctx context.Context, u *model.User) (*model.User, error) {
				return u, ops.DemoteToGuest(ctx, c, u)
			},
			Message: func(u *model.User) string { return fmt.Sprintf("User %s demoted", u.Username) },
		}
	})
}
