package user

import (
	"context"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/ops"
	"github.com/matterctl/matterctl/printer"
)

// PromoteOptions are the inputs of `user promote`.
type PromoteOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Users []string
	Bulk  cmdutil.BulkFlags
}

// NewCmdPromote builds `user promote`.
func NewCmdPromote(f *cmdutil.Factory, runF func(context.Context, *PromoteOptions) error) *cobra.Command {
	opts := &PromoteOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "promote <guest>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Promote guests to regular users",
		Long: `Promote guest accounts to regular users (system_guest becomes system_user).

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file. A user
who is not a guest is reported as a failure and left unchanged.`,
		Example: `  matterctl user promote contractor1 contractor2@example.com
  matterctl user promote --file guests.txt --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			users, err := opts.Bulk.Args(args, opts.IO.In, "guest")
			if err != nil {
				return err
			}
			opts.Users = users
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return promoteRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "guests")
	return cmd
}

func promoteRun(ctx context.Context, opts *PromoteOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	return cmdutil.RunVerb(ctx, c, p, cmdutil.Users(), cmdutil.Verb[*model.User]{
		Args: opts.Users, DryRun: opts.Bulk.DryRun, Parallel: opts.Bulk.Parallel,
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
	})
}

func userRolesText(u *model.User) string {
	if strings.TrimSpace(u.Roles) == "" {
		return "none"
	}
	return u.Roles
}
