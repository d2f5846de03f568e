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

// ActivateOptions are the inputs of `user activate`.
type ActivateOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Users []string
	Bulk  cmdutil.BulkFlags
}

// NewCmdActivate builds `user activate`.
func NewCmdActivate(f *cmdutil.Factory, runF func(context.Context, *ActivateOptions) error) *cobra.Command {
	opts := &ActivateOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "activate <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Activate users",
		Long: `Activate deactivated users, so they can log in again.

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file.`,
		Example: `  matterctl user activate alice bob@example.com
  matterctl user activate --file users.txt --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			users, err := opts.Bulk.Args(args, opts.IO.In, "user")
			if err != nil {
				return err
			}
			opts.Users = users
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return activateRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func activateRun(ctx context.Context, opts *ActivateOptions) error {
	return setActive(ctx, opts.Client, opts.Printer, opts.Users, opts.Bulk, true)
}

// setActive activates or deactivates users; activate and deactivate share it.
func setActive(ctx context.Context, newClient func() (client.Client, error), newPrinter func() (*printer.Printer, error),
	users []string, bulk cmdutil.BulkFlags, active bool) error {
	p, err := newPrinter()
	if err != nil {
		return err
	}
	c, err := newClient()
	if err != nil {
		return err
	}
	verb := cmdutil.Verb[*model.User]{Args: users, DryRun: bulk.DryRun, Parallel: bulk.Parallel, Plan: "activate", Done: "Activated"}
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
	return cmdutil.RunVerb(ctx, c, p, cmdutil.Users(), verb)
}
