package channel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// ArchiveOptions are the inputs of `channel archive` and `channel unarchive`.
type ArchiveOptions struct {
	channelArgs
}

// NewCmdArchive builds `channel archive`.
func NewCmdArchive(f *cmdutil.Factory, runF func(context.Context, *ArchiveOptions) error) *cobra.Command {
	opts := &ArchiveOptions{channelArgs: newChannelArgs(f)}
	cmd := &cobra.Command{
		Use:               "archive <channel>...",
		ValidArgsFunction: cmdutil.CompleteChannels(f),
		Short:             "Archive channels",
		Long: `Archive channels: they become read-only, with their posts and members kept.
` + "`matterctl channel unarchive`" + ` brings them back.

Channels are given as IDs, team:channel, or bare names (with --team, or unique across your
teams), as arguments or with --file. A channel that is already archived is left alone and
reported as such; that is a success. The default channel of a team (town-square) cannot be
archived, nor can direct and group messages.`,
		Example: `  matterctl channel archive devops:alerts
  matterctl channel archive --team devops alerts builds
  matterctl channel archive --file old-channels.txt --dry-run`,
		RunE: opts.RunE("channel", cmdutil.Runner(opts, runF, archiveRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "channels")
	addTeamFlag(cmd, &opts.Team)
	completeTeamFlag(f, cmd)
	return cmd
}

// NewCmdUnarchive builds `channel unarchive`.
func NewCmdUnarchive(f *cmdutil.Factory, runF func(context.Context, *ArchiveOptions) error) *cobra.Command {
	opts := &ArchiveOptions{channelArgs: newChannelArgs(f)}
	cmd := &cobra.Command{
		Use:               "unarchive <channel>...",
		ValidArgsFunction: cmdutil.CompleteChannels(f),
		Short:             "Restore archived channels",
		Long: `Restore archived channels, with their members and content.

Channels are given as IDs, team:channel, or bare names (with --team, or unique across your
teams), as arguments or with --file. A channel that is not archived is left alone and reported
as such; that is a success.`,
		Example: `  matterctl channel unarchive devops:alerts
  matterctl channel unarchive --file channels.txt --json`,
		RunE: opts.RunE("channel", cmdutil.Runner(opts, runF, unarchiveRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "channels")
	addTeamFlag(cmd, &opts.Team)
	completeTeamFlag(f, cmd)
	return cmd
}

func archiveRun(ctx context.Context, opts *ArchiveOptions) error {
	return setArchived(ctx, &opts.channelArgs, true)
}

func unarchiveRun(ctx context.Context, opts *ArchiveOptions) error {
	return setArchived(ctx, &opts.channelArgs, false)
}

// setArchived archives or restores channels; archive and unarchive share it.
func setArchived(ctx context.Context, a *channelArgs, archive bool) error {
	teams := &cmdutil.ChannelTeams{}
	kind := a.kind(teams)
	plan, done, already := "archive", "Archived", "already archived"
	if !archive {
		plan, done, already = "unarchive", "Unarchived", "not archived"
	}
	return cmdutil.RunBulkVerb(ctx, &a.BulkArgs, kind, func(c client.Client) cmdutil.Verb[*model.Channel] {
		return cmdutil.Verb[*model.Channel]{
			Plan: plan, Done: done,
			Check: func(ch *model.Channel) error {
				if err := refuseMessages(ch, plan+"d"); err != nil {
					return err
				}
				if archive && ch.DeleteAt == 0 && isDefaultChannel(ch) {
					return errors.New("the default channel of a team (town-square) cannot be archived")
				}
				return nil
			},
			Already: func(ch *model.Channel) string {
				if (ch.DeleteAt != 0) == archive {
					return already
				}
				return ""
			},
			Apply: func(ctx context.Context, ch *model.Channel) (*model.Channel, error) {
				if archive {
					_, err := c.DeleteChannel(ctx, ch.Id)
					switch {
					case apiErrorID(err) == "api.channel.delete_channel.deleted.app_error":
						// Archived in the meantime: the wanted state.
						return ch, &cmdutil.AlreadyError{State: already}
					case apiErrorID(err) == "api.channel.delete_channel.cannot.app_error":
						return nil, errors.New("the default channel of a team (town-square) cannot be archived")
					case err != nil:
						return nil, err
					}
					// The server answers with a status only: the copy shows the channel as it
					// now is, archived about now.
					archived := *ch
					archived.DeleteAt = time.Now().UnixMilli()
					return &archived, nil
				}
				restored, _, err := c.RestoreChannel(ctx, ch.Id)
				switch {
				case apiErrorID(err) == "api.channel.restore_channel.restored.app_error":
					return ch, &cmdutil.AlreadyError{State: already}
				case err != nil:
					return nil, err
				case restored == nil:
					unarchived := *ch
					unarchived.DeleteAt = 0
					return &unarchived, nil
				}
				return restored, nil
			},
			Message: func(ch *model.Channel) string { return fmt.Sprintf("%s channel %s", done, kind.Label(ch)) },
		}
	})
}
