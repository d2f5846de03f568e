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
	return cmdutil.ShowList(ctx, p, userRefs(refs), userShown)
}

// userShown is how `user show` and `user search` print users.
var userShown = cmdutil.Shown[*model.User, *model.User]{View: cmdutil.Same[*model.User], Columns: userColumns, Fields: userFields}

// userRefs turns resolved user arguments into the generic form.
func userRefs(refs []cmdutil.UserRef) []cmdutil.Ref[*model.User] {
	out := make([]cmdutil.Ref[*model.User], len(refs))
	for i, r := range refs {
		out[i] = cmdutil.Ref[*model.User]{Arg: r.Arg, Obj: r.User, Err: r.Err}
	}
	return out
}
