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

// DeleteOptions are the inputs of `user delete`.
type DeleteOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)
	// Confirm asks the question unless --confirm/--yes was given (cmdutil.ConfirmFlags.Confirm).
	Confirm func(question string) error

	Users []string
	Bulk  cmdutil.BulkFlags
	Yes   cmdutil.ConfirmFlags
}

// NewCmdDelete builds `user delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	opts.Confirm = func(question string) error { return opts.Yes.Confirm(f, question) }
	cmd := &cobra.Command{
		Use:               "delete <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Permanently delete users",
		Long: `Permanently delete users and everything they own: posts, files, memberships, tokens.
This cannot be undone; make sure a database backup exists. To keep the content, use
` + "`matterctl user deactivate`" + ` instead.

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file. Every
argument is resolved before anything is deleted: if one does not resolve, nothing is deleted.

At a terminal the command asks for confirmation; elsewhere --confirm (or --yes) is required.
The server must allow it: ServiceSettings.EnableAPIUserDeletion must be true.`,
		Example: `  matterctl user delete alice bob@example.com
  matterctl user delete --file leavers.txt --dry-run
  matterctl user delete --file leavers.txt --confirm --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			users, err := opts.Bulk.Args(args, opts.IO.In, "user")
			if err != nil {
				return err
			}
			opts.Users = users
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	cmdutil.AddConfirmFlags(cmd, &opts.Yes)
	return cmd
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	// Fail before any request when the confirmation could never be given.
	if !opts.Bulk.DryRun && !opts.Yes.Yes && !opts.IO.CanPrompt() {
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
	refusal := &cmdutil.Refusal{IDPrefix: "api.user.delete_user.not_enabled", What: "user deletion through the API", Setting: userDeletion, Alternative: "matterctl user deactivate"}
	err = cmdutil.RunVerb(ctx, c, p, cmdutil.Users(), cmdutil.Verb[*model.User]{
		Args: opts.Users, Strict: true, DryRun: opts.Bulk.DryRun, Parallel: opts.Bulk.Parallel,
		Plan: "permanently delete", Done: "Deleted",
		Confirm: func(users []*model.User) error { return opts.Confirm(deleteQuestion(users)) },
		Apply: func(ctx context.Context, u *model.User) (*model.User, error) {
			imageLeft, err := ops.DeleteUser(ctx, c, u)
			if err != nil {
				return nil, refusal.Check(err)
			}
			if imageLeft {
				// 202: the account is gone but the server could not remove the profile image
				// directory. The deletion happened, so it is a success with a warning, not a
				// failure (mmctl reports an error and exits 1 although the user is deleted).
				return u, &cmdutil.DoneWithWarning{Message: fmt.Sprintf(
					"user %s was deleted, but the server could not remove the profile image; remove users/%s/ from the file store manually",
					u.Username, u.Id)}
			}
			return u, nil
		},
	})
	refusal.Hint(p)
	return err
}

// deleteQuestion names the users about to be deleted.
func deleteQuestion(users []*model.User) string {
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = u.Username
	}
	return cmdutil.Question(names, "Permanently delete user %s? This cannot be undone.",
		"Permanently delete %d users (%s)? This cannot be undone.")
}

// deleteIsDisabled recognises the server's refusal when ServiceSettings.EnableAPIUserDeletion
// is off. It comes as a 401, which would otherwise read as "log in again".
// userDeletion is the server setting that allows `user delete`.
var userDeletion = cmdutil.Setting{Key: "ServiceSettings.EnableAPIUserDeletion", Want: "true"}
