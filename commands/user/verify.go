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

// VerifyOptions are the inputs of `user verify`.
type VerifyOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Users []string
	Bulk  cmdutil.BulkFlags
}

// NewCmdVerify builds `user verify`.
func NewCmdVerify(f *cmdutil.Factory, runF func(context.Context, *VerifyOptions) error) *cobra.Command {
	opts := &VerifyOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "verify <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Mark users' email addresses as verified",
		Long: `Mark users' email addresses as verified, without the verification email.

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file.`,
		Example: `  matterctl user verify alice bob@example.com
  matterctl user verify --file new-users.txt --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			users, err := opts.Bulk.Args(args, opts.IO.In, "user")
			if err != nil {
				return err
			}
			opts.Users = users
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return verifyRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func verifyRun(ctx context.Context, opts *VerifyOptions) error {
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
		Plan: "verify the email of", Done: "Verified",
		Apply: func(ctx context.Context, u *model.User) (*model.User, error) {
			return u, ops.VerifyEmail(ctx, c, u)
		},
		Message: func(u *model.User) string { return fmt.Sprintf("User %s verified", u.Username) },
	})
}
