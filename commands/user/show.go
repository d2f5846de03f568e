package user

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// ShowOptions are the inputs of `user show`.
type ShowOptions struct {
	cmdutil.BulkArgs
}

// NewCmdShow builds `user show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "show <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Show users in full",
		Long: `Show users, given as IDs, usernames, @usernames or emails (as arguments or with --file).

With one user: on a terminal a table of its key fields; in JSON the full user object as the
server returns it; in plain format one line with the columns of "user list". With several users:
one table row (plain line) per user; in JSON an array of user objects in argument order. So JSON
is an object when exactly one user is given (arguments and --file lines together), an array
otherwise.

Each argument that does not resolve is reported on stderr as "<arg>: <reason>". Exit status 3
when some were not found, 5 when none was.`,
		Example: `  matterctl user show alice
  matterctl user show alice --json | jq .roles
  matterctl user show alice bob@example.com 4xp9fdt7pbgium38k4dpd1ey3h`,
		RunE: opts.RunE("user", cmdutil.Runner(opts, runF, showRun)),
	}
	cmdutil.AddFileFlag(cmd, &opts.Bulk, "users")
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	p, c, err := opts.Setup()
	if err != nil {
		return err
	}
	refs, err := cmdutil.ResolveUsers(ctx, c, opts.Args)
	if err != nil {
		return err
	}
	return cmdutil.Show(ctx, p, userRefs(refs), userShown)
}
