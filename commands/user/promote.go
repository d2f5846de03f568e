package user

import (
	"context"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/ops"
)

// PromoteOptions are the inputs of `user promote`.
type PromoteOptions struct {
	cmdutil.BulkArgs
}

// NewCmdPromote builds `user promote`.
func NewCmdPromote(f *cmdutil.Factory, runF func(context.Context, *PromoteOptions) error) *cobra.Command {
	opts := &PromoteOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "promote <guest>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Promote guests to regular users",
		Long: `Promote guest accounts to regular users (system_guest becomes system_user).

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file. A user
who is not a guest is reported as a failure and left unchanged.`,
		Example: `  matterctl user promote contractor1 contractor2@example.com
  matterctl user promote --file guests.txt --dry-run`,
		RunE: opts.RunE("guest", cmdutil.Runner(opts, runF, promoteRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "guests")
	return cmd
}

func promoteRun(ctx context.Context, opts *PromoteOptions) error {
	return cmdutil.RunBulkVerb(ctx, &opts.BulkArgs, cmdutil.Users(), func(c client.Client) cmdutil.Verb[*model.User] {
		return cmdutil.Verb[*model.User]{
			Plan: "promote", Done: "Promoted",
			Check: func(u *model.User) error {
				if !u.IsGuest() {
					return fmt.Errorf("%s is not a guest (roles: %s); nothing to promote", u.Username, userRolesText(u))
				}
				return nil
			},
			Apply: func(ctx context.Context, u *model.User) (*model.User, error) {
				return u, ops.PromoteGuest(ctx, c, u)
			},
			Message: func(u *model.User) string { return fmt.Sprintf("User %s promoted", u.Username) },
		}
	})
}

func userRolesText(u *model.User) string {
	if strings.TrimSpace(u.Roles) == "" {
		return "none"
	}
	return u.Roles
}
