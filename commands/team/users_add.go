package team

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// UsersAddOptions are the inputs of `team users add`.
type UsersAddOptions struct {
	cmdutil.BulkArgs
	Team string
}

// NewCmdUsersAdd builds `team users add`.
func NewCmdUsersAdd(f *cmdutil.Factory, runF func(context.Context, *UsersAddOptions) error) *cobra.Command {
	opts := &UsersAddOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "add <team> <user>...",
		ValidArgsFunction: cmdutil.CompleteThenUsers(f, cmdutil.CompleteTeams(f)),
		Short:             "Add users to a team",
		Long: `Add users to a team. The team is a team name or ID; users are IDs, usernames, @usernames
or emails, given as arguments or with --file. Archived teams are refused.

Everything resolves before anything changes: the team and the users (100 users per
request), then who is a member already (one request per 500 users). A user who already is a
member is reported as such and counts as a success, so the command can safely run again. The
others are added in batch requests of at most 64 users, spread evenly over --parallel requests
at once (the server adds the users of one request one after the other): 500 users take about
fifteen requests in all, eight of them at once.

` + cmdutil.UnansweredHelp + `

Each user gets one line on stderr: "Added alice to team devops", "User alice is already a
member of team devops: nothing to do", or "<user>: <reason>" when the server refused (an email
domain the team does not allow, for instance). With --json, one row per argument on stdout:
{"input", "ok", "changed", "user", "error"}, where "changed" is false for users who already
were members, and "unknown" is true for a user the server may or may not have added (see
above). The exit status is 3 when some failed.`,
		Example: `  matterctl team users add devops alice bob@example.com
  matterctl team users add devops --file new-hires.txt --dry-run
  matterctl team users add devops --file new-hires.txt --json | jq -r '.[] | select(.changed) | .input'`,
		Args: cmdutil.MinimumArgs(1, "a team and at least one user"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Team = args[0]
			return opts.RunE("user", cmdutil.Runner(opts, runF, usersAddRun))(cmd, args[1:])
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	cmdutil.AddSkipExistingMembersFlag(cmd, &opts.Bulk)
	return cmd
}

func usersAddRun(ctx context.Context, opts *UsersAddOptions) error {
	return cmdutil.RunMembersVerb(ctx, &opts.BulkArgs, openTeam(opts.Team, true), cmdutil.MembersChange{})
}
