package user

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// DeleteAllOptions are the inputs of `user deleteall`.
type DeleteAllOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)
	// Confirm asks the question unless --confirm/--yes was given (cmdutil.ConfirmFlags.Confirm).
	Confirm func(question string) error

	// Local is the global --local flag: the server only serves DELETE /users over its socket.
	Local  bool
	DryRun bool
	Yes    cmdutil.ConfirmFlags
}

// NewCmdDeleteAll builds `user deleteall`.
func NewCmdDeleteAll(f *cmdutil.Factory, runF func(context.Context, *DeleteAllOptions) error) *cobra.Command {
	opts := &DeleteAllOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	opts.Confirm = func(question string) error { return opts.Yes.Confirm(f, question) }
	cmd := &cobra.Command{
		Use:   "deleteall",
		Short: "Permanently delete all users and their posts (local mode only)",
		Long: `Permanently delete every user and everything they own: posts, files, memberships,
tokens. This cannot be undone; make sure a database backup exists.

The server accepts this only over its local-mode socket, so the command runs only with
--local, on the server host. At a terminal it asks for confirmation; elsewhere --confirm (or
--yes) is required. --dry-run counts the users that would be deleted.`,
		Example: `  matterctl --local user deleteall --dry-run
  matterctl --local user deleteall --confirm`,
		Args: cmdutil.ExactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Local = f.Globals.Local
			if !opts.Local {
				return cmdutil.FlagErrorf("user deleteall works only in local mode: run it on the server host with --local")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteAllRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Count the users that would be deleted, delete nothing")
	cmdutil.AddConfirmFlags(cmd, &opts.Yes)
	return cmd
}

func deleteAllRun(ctx context.Context, opts *DeleteAllOptions) error {
	if !opts.DryRun && !opts.Yes.Yes && !opts.IO.CanPrompt() {
		return cmdutil.MissingFlagsError("--confirm (or --yes)")
	}
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	if opts.DryRun {
		n, err := deleteAllCount(ctx, c)
		if err != nil {
			return err
		}
		p.Infof("would permanently delete all %d users (including deactivated users and bots) and their posts", n)
		return nil
	}
	if err := opts.Confirm("Permanently delete ALL users and all their posts? This cannot be undone."); err != nil {
		return err
	}
	if _, err := c.PermanentDeleteAllUsers(ctx); err != nil {
		return err
	}
	p.Successf("All users successfully deleted")
	return nil
}

// deleteAllCount counts every user the server would delete: GET /users without filters lists
// active and deactivated users alike.
func deleteAllCount(ctx context.Context, c client.Client) (int, error) {
	n := 0
	pages := client.Pages(ctx, client.PageOptions{}, func(ctx context.Context, page, perPage int) ([]*model.User, error) {
		users, _, err := c.GetUsersWithCustomQueryParameters(ctx, page, perPage, "", "")
		return users, err
	})
	for _, err := range pages {
		if err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}
