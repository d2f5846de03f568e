package channel

import (
	"context"
	"errors"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// ModifyOptions are the inputs of `channel modify`.
type ModifyOptions struct {
	channelArgs
	Public  bool
	Private bool
}

// NewCmdModify builds `channel modify`.
func NewCmdModify(f *cmdutil.Factory, runF func(context.Context, *ModifyOptions) error) *cobra.Command {
	opts := &ModifyOptions{channelArgs: newChannelArgs(f)}
	run := opts.RunE("channel", cmdutil.Runner(opts, runF, modifyRun))
	cmd := &cobra.Command{
		Use:               "modify <channel>... (--public | --private)",
		ValidArgsFunction: cmdutil.CompleteChannels(f),
		Short:             "Make channels public or private",
		Long: `Make channels public (--public) or private (--private); exactly one of the two is required.

Channels are given as IDs, team:channel, or bare names (with --team, or unique across your
teams), as arguments or with --file. A channel that already has the wanted type is left alone
and reported as such; that is a success. The default channel of a team (town-square) cannot be
made private; archived channels must be unarchived first.`,
		Example: `  matterctl channel modify devops:alerts --private
  matterctl channel modify --team devops alerts builds --public --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Public == opts.Private {
				return cmdutil.FlagErrorf("give exactly one of --public and --private")
			}
			return run(cmd, args)
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "channels")
	addTeamFlag(cmd, &opts.Team)
	completeTeamFlag(f, cmd)
	cmd.Flags().BoolVar(&opts.Public, "public", false, "Make the channels public")
	cmd.Flags().BoolVar(&opts.Private, "private", false, "Make the channels private")
	return cmd
}

func modifyRun(ctx context.Context, opts *ModifyOptions) error {
	teams := &cmdutil.ChannelTeams{}
	kind := opts.kind(teams)
	want, word := model.ChannelTypeOpen, "public"
	if opts.Private {
		want, word = model.ChannelTypePrivate, "private"
	}
	return cmdutil.RunBulkVerb(ctx, &opts.BulkArgs, kind, func(c client.Client) cmdutil.Verb[*model.Channel] {
		return cmdutil.Verb[*model.Channel]{
			Plan: "make " + word, Done: "Made " + word,
			Check: func(ch *model.Channel) error {
				if err := refuseMessages(ch, "made "+word); err != nil {
					return err
				}
				switch {
				case ch.Type == want:
					return nil
				case want == model.ChannelTypePrivate && isDefaultChannel(ch):
					return errors.New("the default channel of a team (town-square) cannot be made private")
				case ch.DeleteAt != 0:
					return archivedError(kind.Label(ch))
				}
				return nil
			},
			Already: func(ch *model.Channel) string {
				if ch.Type == want {
					return "already " + word
				}
				return ""
			},
			Apply: func(ctx context.Context, ch *model.Channel) (*model.Channel, error) {
				updated, _, err := c.UpdateChannelPrivacy(ctx, ch.Id, want)
				switch {
				case apiErrorID(err) == "api.channel.update_channel_privacy.default_channel_error":
					return nil, errors.New("the default channel of a team (town-square) cannot be made private")
				case err != nil:
					return nil, err
				case updated == nil:
					cp := *ch
					cp.Type = want
					return &cp, nil
				}
				return updated, nil
			},
			Message: func(ch *model.Channel) string {
				return fmt.Sprintf("Made channel %s %s", kind.Label(ch), word)
			},
			PlanMessage: func(ch *model.Channel) string {
				return fmt.Sprintf("would make channel %s (%s) %s", kind.Label(ch), ch.Id, word)
			},
		}
	})
}
