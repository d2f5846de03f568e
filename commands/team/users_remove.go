package team

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// UsersRemoveOptions are the inputs of `team users remove`.
type UsersRemoveOptions struct {
	cmdutil.BulkArgs
	Team string
}

// NewCmdUsersRemove builds `team users remove`.
func NewCmdUsersRemove(f *cmdutil.Factory, runF func(context.Context, *UsersRemoveOptions) error) *cobra.Command {
	opts := &UsersRemoveOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "remove <team> <user>...",
		ValidArgsFunction: cmdutil.CompleteThenUsers(f, cmdutil.CompleteTeams(f)),
		Short:             "Remove users from a team",
		Long: `Remove users from a team. The team is a team name or ID (archived teams too); users are IDs,
usernames, @usernames or emails, given as arguments or with --file.

Everything resolves before anything changes: the team and the users (100 users per request),
then who is a member (one request per 500 users). A user who is not a member is reported as
such and counts as a success. The members are removed --parallel at a time.

Removing a user from a team also removes them from every channel of the team; adding them
back brings back the team's default channels only. Use --dry-run to see what would change.

Each user gets one line on stderr ("Removed alice from team devops", "User alice is not a
member of team devops: nothing to do", or "<user>: <reason>"). With --json, one row per
argument on stdout: {"input", "ok", "changed", "user", "error"}. The exit status is 3 when
some failed.`,
		Example: `  matterctl team users remove devops alice bob@example.com
  matterctl team users remove devops --file leavers.txt --dry-run`,
		Args: cmdutil.MinimumArgs(1, "a team and at least one user"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Team = args[0]
			return opts.RunE("user", cmdutil.Runner(opts, runF, usersRemoveRun))(cmd, args[1:])
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func usersRemoveRun(ctx context.Context, opts *UsersRemoveOptions) error {
	return cmdutil.RunMembersVerb(ctx, &opts.BulkArgs, openTeam(opts.Team, false), cmdutil.MembersChange{Remove: true})
}
