package channel

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// UsersAddOptions are the inputs of `channel users add`.
type UsersAddOptions struct {
	cmdutil.BulkArgs
	Channel string
	// Team is --team: the team of a bare channel name.
	Team string
}

// NewCmdUsersAdd builds `channel users add`.
func NewCmdUsersAdd(f *cmdutil.Factory, runF func(context.Context, *UsersAddOptions) error) *cobra.Command {
	opts := &UsersAddOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:               "add <channel> <user>...",
		ValidArgsFunction: cmdutil.CompleteThenUsers(f, cmdutil.CompleteChannels(f)),
		Short:             "Add users to a channel",
		Long: `Add users to a channel. The channel is a channel ID, team:channel, or a bare name (with
--team, or unique across your teams); public and private channels, not archived ones. Users are
IDs, usernames, @usernames or emails, given as arguments or with --file.

Everything resolves before anything changes: the channel and the users (100 users per
request), then who is a member already and who is in the channel's team (one request each per
500 users). A user who already is a member is reported as such and counts as a success, so the
command can safely run again. A user who is not in the channel's team fails with the command
that adds them to it; the server would refuse them. The server adds one user per request, so
the others are added --parallel at a time.

` + cmdutil.UnansweredHelp + `

Each user gets one line on stderr: "Added alice to channel devops:alerts", "User alice is
already a member of channel devops:alerts: nothing to do", or "<user>: <reason>". With
--json, one row per argument on stdout: {"input", "ok", "changed", "user", "error"}, where
"changed" is false for users who already were members, and "unknown" is true for a user the
server may or may not have added (see above). The exit status is 3 when some failed.`,
		Example: `  matterctl channel users add devops:alerts alice bob@example.com
  matterctl channel users add alerts --team devops --file oncall.txt --dry-run
  matterctl channel users add 4xp9fdt8ptf3mfw8bftgpq3bnc alice --parallel 16`,
		Args: cmdutil.MinimumArgs(1, "a channel and at least one user"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Channel = args[0]
			return opts.RunE("user", cmdutil.Runner(opts, runF, usersAddRun))(cmd, args[1:])
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	cmdutil.AddSkipExistingMembersFlag(cmd, &opts.Bulk)
	addTeamFlag(cmd, &opts.Team)
	completeTeamFlag(f, cmd)
	return cmd
}

func usersAddRun(ctx context.Context, opts *UsersAddOptions) error {
	return cmdutil.RunMembersVerb(ctx, &opts.BulkArgs, openChannel(opts.Channel, opts.Team, true, nil), cmdutil.MembersChange{})
}
