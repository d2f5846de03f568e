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

// SearchOptions are the inputs of `user search`.
type SearchOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Users []string
	File  string
}

// NewCmdSearch builds `user search`.
func NewCmdSearch(f *cmdutil.Factory, runF func(context.Context, *SearchOptions) error) *cobra.Command {
	opts := &SearchOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "search <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Look up users by ID, username or email",
		Long: `Look up users by ID, username, @username or email, as arguments or with --file.

The users found are printed as one list, in argument order (a JSON array in JSON formats). Each
argument that does not resolve is reported on stderr as "<arg>: <reason>"; the others are still
printed (mmctl prints nothing when any argument fails). Exit status 3 when some were not found,
5 when none was.`,
		Example: `  matterctl user search alice bob@example.com
  matterctl user search --file users.txt --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			users, err := cmdutil.ArgsWithFile(args, opts.File, opts.IO.In, "user")
			if err != nil {
				return err
			}
			opts.Users = users
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return searchRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.File, "file", "", "Read users from `FILE`, one per line (- for standard input)")
	return cmd
}

func searchRun(ctx context.Context, opts *SearchOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	refs, err := cmdutil.ResolveUsers(ctx, c, opts.Users)
	if err != nil {
		return err
	}
	return printUserRefs(ctx, p, refs)
}

// printUserRefs prints the resolved users as one list in argument order and reports each
// unresolved argument on stderr. The error is nil when all resolved, a partial failure when
// some did, and carries the first failure's exit code when none did.
func printUserRefs(ctx context.Context, p *printer.Printer, refs []cmdutil.UserRef) error {
	list := printer.NewList(p, userColumns...)
	err := cmdutil.RunEach(ctx, p, refs, 1, func(r cmdutil.UserRef) string { return r.Arg },
		func(_ context.Context, r cmdutil.UserRef) (*model.User, error) { return r.User, r.Err },
		func(o cmdutil.Outcome[*model.User]) error {
			if o.Err != nil || o.Result == nil {
				return nil
			}
			return list.Add(o.Result)
		})
	return cmdutil.EndList(list, err)
}
