package bot

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// EnableOptions are the inputs of `bot enable` and `bot disable`.
type EnableOptions struct {
	cmdutil.BulkArgs
}

// NewCmdEnable builds `bot enable`.
func NewCmdEnable(f *cmdutil.Factory, runF func(context.Context, *EnableOptions) error) *cobra.Command {
	opts := &EnableOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:   "enable <bot>...",
		Short: "Enable bots",
		Long: `Enable disabled bots: they can post and their tokens work again.

Bots are given as user IDs or usernames, as arguments or with --file. A bot that is already
enabled is left as it is and reported as such (a success).`,
		Example: `  matterctl bot enable mybot
  matterctl bot enable --file bots.txt --dry-run`,
		RunE: opts.RunE("bot", cmdutil.Runner(opts, runF, enableRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "bots")
	return cmd
}

func enableRun(ctx context.Context, opts *EnableOptions) error {
	return setEnabled(ctx, &opts.BulkArgs, true)
}

// setEnabled enables or disables bots; enable and disable share it. Bots already in the asked
// state get no request.
func setEnabled(ctx context.Context, b *cmdutil.BulkArgs, enable bool) error {
	return cmdutil.RunBulkVerb(ctx, b, botKind(), func(c client.Client) cmdutil.Verb[*model.Bot] {
		verb := cmdutil.Verb[*model.Bot]{Plan: "enable", Done: "Enabled"}
		state := "already enabled"
		call := c.EnableBot
		if !enable {
			verb.Plan, verb.Done, state, call = "disable", "Disabled", "already disabled", c.DisableBot
		}
		verb.Already = func(bot *model.Bot) string {
			if (bot.DeleteAt == 0) == enable {
				return state
			}
			return ""
		}
		verb.Apply = func(ctx context.Context, bot *model.Bot) (*model.Bot, error) {
			updated, _, err := call(ctx, bot.UserId)
			if err != nil {
				return nil, err
			}
			if updated == nil {
				updated = bot
				if enable {
					updated.DeleteAt = 0
				} else {
					updated.DeleteAt = model.GetMillis()
				}
			}
			return updated, nil
		}
		return verb
	})
}
