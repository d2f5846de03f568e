package user

import (
	"context"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/ops"
	"github.com/matterctl/matterctl/printer"
)

// ResetMFAOptions are the inputs of `user resetmfa`.
type ResetMFAOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Users []string
	Bulk  cmdutil.BulkFlags
}

// NewCmdResetMFA builds `user resetmfa`.
func NewCmdResetMFA(f *cmdutil.Factory, runF func(context.Context, *ResetMFAOptions) error) *cobra.Command {
	opts := &ResetMFAOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "resetmfa <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Turn off multi-factor authentication for users",
		Long: `Turn off multi-factor authentication for users. They sign in with their password alone
until they set MFA up again (at their next login, when the server enforces MFA).

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file.`,
		Example: `  matterctl user resetmfa alice
  matterctl user resetmfa --file lost-phones.txt --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			users, err := opts.Bulk.Args(args, opts.IO.In, "user")
			if err != nil {
				return err
			}
			opts.Users = users
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return resetMFARun(cmd.Context(), opts)
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func resetMFARun(ctx context.Context, opts *ResetMFAOptions) error {
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
		Plan: "reset MFA of", Done: "Reset MFA of",
		Apply: func(ctx context.Context, u *model.User) (*model.User, error) {
			return u, ops.ResetMFA(ctx, c, u)
		},
		Message: func(u *model.User) string { return fmt.Sprintf("Reset MFA of user %s", u.Username) },
	})
}
