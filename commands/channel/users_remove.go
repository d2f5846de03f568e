package channel

import (
	"context"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// UsersRemoveOptions are the inputs of `channel users remove`.
type UsersRemoveOptions struct {
	cmdutil.BulkArgs
	// Confirm asks a question at a terminal; it is called only when one can be asked and
	// --confirm/--yes was not given.
	Confirm func(question string) error

	Channel  string
	Team     string
	AllUsers bool
	Yes      cmdutil.ConfirmFlags
}

// NewCmdUsersRemove builds `channel users remove`.
func NewCmdUsersRemove(f *cmdutil.Factory, runF func(context.Context, *UsersRemoveOptions) error) *cobra.Command {
	opts := &UsersRemoveOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	opts.Confirm = func(question string) error { return opts.Yes.Confirm(f, question) }
	cmd := &cobra.Command{
		Use:               "remove <channel> [<user>...]",
		ValidArgsFunction: cmdutil.CompleteThenUsers(f, cmdutil.CompleteChannels(f)),
		Short:             "Remove users from a channel",
		Long: `Remove users from a channel, or every member with --all-users. The channel is a channel ID,
team:channel, or a bare name (with --team, or unique across your teams); archived and private
channels too. Users are IDs, usernames, @usernames or emails, given as arguments or with
--file.

Everything resolves before anything changes: the channel and the users (100 users per
request), then who is a member (one request per 500 users). A user who is not a member is
reported as such and counts as a success. The members are removed --parallel at a time.

--all-users lists every member first (all of them, 200 per request: there is no cap), then
removes them all, bots included, except you: removing yourself from a private channel would
lock you out of it, so name yourself to leave. At a terminal it asks for confirmation first
(--confirm or --yes skips the question); without a terminal it goes ahead, as mmctl does. No
one leaves the default channel of a team (town-square) but by leaving the team.

Each user gets one line on stderr ("Removed alice from channel devops:alerts", "User alice is
not a member of channel devops:alerts: nothing to do", or "<user>: <reason>"). With --json,
one row per user on stdout: {"input", "ok", "changed", "user", "error"}. The exit status is 3
when some failed.`,
		Example: `  matterctl channel users remove devops:alerts alice bob@example.com
  matterctl channel users remove alerts --team devops --file leavers.txt --dry-run
  matterctl channel users remove devops:old-project --all-users --yes`,
		Args: cmdutil.MinimumArgs(1, "a channel and the users to remove (or --all-users)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Channel = args[0]
			run := cmdutil.Runner(opts, runF, usersRemoveRun)
			if !opts.AllUsers {
				return opts.RunE("user", run)(cmd, args[1:])
			}
			if len(args) > 1 || opts.Bulk.File != "" {
				return cmdutil.FlagErrorf("--all-users takes no users: give either users or --all-users")
			}
			if _, err := opts.Bulk.Args([]string{"all"}, opts.IO.In, "user"); err != nil {
				return err // --parallel out of range
			}
			return run(cmd.Context())
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	addTeamFlag(cmd, &opts.Team)
	completeTeamFlag(f, cmd)
	cmd.Flags().BoolVar(&opts.AllUsers, "all-users", false, "Remove every member of the channel but yourself")
	cmdutil.AddConfirmFlags(cmd, &opts.Yes)
	return cmd
}

func usersRemoveRun(ctx context.Context, opts *UsersRemoveOptions) error {
	change := cmdutil.MembersChange{Remove: true, AllUsers: opts.AllUsers}
	if opts.AllUsers && !opts.Yes.Yes && opts.IO.CanPrompt() {
		change.Confirm = func(m *cmdutil.Membership, users []*model.User) error {
			return opts.Confirm(removeAllQuestion(m, users))
		}
	}
	var check func(memberChannel) error
	if opts.AllUsers {
		check = func(mc memberChannel) error {
			if isDefaultChannel(mc.ch) && mc.team != nil {
				return fmt.Errorf("%s is the default channel of team %s: members leave it only by leaving the team (matterctl team users remove %s <user>...)",
					mc.ch.Name, mc.team.Name, mc.team.Name)
			}
			return nil
		}
	}
	return cmdutil.RunMembersVerb(ctx, &opts.BulkArgs, openChannel(opts.Channel, opts.Team, false, check), change)
}

// removeAllQuestion names the members about to be removed (the first ten, then a count).
func removeAllQuestion(m *cmdutil.Membership, users []*model.User) string {
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = u.Username
	}
	return cmdutil.Question(names, "Remove %s, the only other member of channel "+strings.ReplaceAll(m.Name, "%", "%%")+"?",
		"Remove all %d members of channel "+strings.ReplaceAll(m.Name, "%", "%%")+" (%s)?")
}
