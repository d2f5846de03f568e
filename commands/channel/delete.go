package channel

import (
	"context"
	"errors"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// DeleteOptions are the inputs of `channel delete`.
type DeleteOptions struct {
	channelArgs
	// Confirm asks the question unless --confirm/--yes was given (cmdutil.ConfirmFlags.Confirm).
	Confirm func(question string) error
	Yes     cmdutil.ConfirmFlags
}

// NewCmdDelete builds `channel delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{channelArgs: newChannelArgs(f)}
	opts.Confirm = func(question string) error { return opts.Yes.Confirm(f, question) }
	cmd := &cobra.Command{
		Use:               "delete <channel>...",
		ValidArgsFunction: cmdutil.CompleteChannels(f),
		Short:             "Permanently delete channels",
		Long: `Permanently delete channels with all their posts, files, members and webhooks. This cannot
be undone; make sure a database backup exists. To keep the content, use
` + "`matterctl channel archive`" + ` instead.

Channels are given as IDs, team:channel, or bare names (with --team, or unique across your
teams), as arguments or with --file; archived channels too. Every argument is resolved before
anything is deleted: if one does not resolve, nothing is deleted. The default channel of a team
(town-square) is never deleted.

At a terminal the command asks for confirmation; elsewhere --confirm (or --yes) is required.
The server must allow it: ServiceSettings.EnableAPIChannelDeletion must be true.`,
		Example: `  matterctl channel delete devops:alerts --confirm
  matterctl channel delete --file old-channels.txt --dry-run
  matterctl channel delete --team devops alerts builds -y --json`,
		RunE: opts.RunE("channel", cmdutil.Runner(opts, runF, deleteRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "channels")
	cmdutil.AddConfirmFlags(cmd, &opts.Yes)
	addTeamFlag(cmd, &opts.Team)
	completeTeamFlag(f, cmd)
	return cmd
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	// Fail before any request when the confirmation could never be given.
	if !opts.Bulk.DryRun && !opts.Yes.Yes && !opts.IO.CanPrompt() {
		return cmdutil.MissingFlagsError("--confirm (or --yes)")
	}
	p, c, err := opts.Setup()
	if err != nil {
		return err
	}
	teams := &cmdutil.ChannelTeams{}
	kind := opts.kind(teams)
	refusal := &cmdutil.Refusal{IDPrefix: "api.user.delete_channel.not_enabled", What: "permanent channel deletion through the API", Setting: channelDeletion, Alternative: "matterctl channel archive"}
	err = cmdutil.RunVerb(ctx, c, p, kind, cmdutil.Verb[*model.Channel]{
		Args: opts.Args, Strict: true, DryRun: opts.Bulk.DryRun, Parallel: opts.Bulk.Parallel,
		Plan: "permanently delete", Done: "Deleted",
		Check: func(ch *model.Channel) error {
			if err := refuseMessages(ch, "deleted"); err != nil {
				return err
			}
			if isDefaultChannel(ch) {
				return errors.New("the default channel of a team (town-square) is never deleted")
			}
			return nil
		},
		Confirm: func(chans []*model.Channel) error { return opts.Confirm(deleteQuestion(kind, chans)) },
		Apply: func(ctx context.Context, ch *model.Channel) (*model.Channel, error) {
			if _, err := c.PermanentDeleteChannel(ctx, ch.Id); err != nil {
				return nil, refusal.Check(err)
			}
			return ch, nil
		},
	})
	refusal.Hint(p)
	return err
}

// deleteQuestion names the channels about to be deleted.
func deleteQuestion(kind cmdutil.Kind[*model.Channel], chans []*model.Channel) string {
	names := make([]string, len(chans))
	for i, ch := range chans {
		names[i] = kind.Label(ch)
	}
	return cmdutil.Question(names, "Permanently delete channel %s and all its posts? This cannot be undone.",
		"Permanently delete %d channels (%s) and all their posts? This cannot be undone.")
}
