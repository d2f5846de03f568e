package bot

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// ShowOptions are the inputs of `bot show`.
type ShowOptions struct {
	cmdutil.BulkArgs
}

// NewCmdShow builds `bot show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:   "show <bot>...",
		Short: "Show bots in full",
		Long: `Show bots, given as user IDs or usernames (as arguments or with --file); disabled bots too.

With one bot: on a terminal a table of its fields; in JSON the bot object as the server returns
it; in plain format one line with the columns of "bot list". With several bots: one table row
(plain line) per bot; in JSON an array of bot objects in argument order.

Each argument that does not resolve, or names a person rather than a bot, is reported on stderr
as "<arg>: <reason>".`,
		Example: `  matterctl bot show mybot
  matterctl bot show mybot --json | jq -r .owner_id
  matterctl bot show mybot deploybot`,
		RunE: opts.RunE("bot", cmdutil.Runner(opts, runF, showRun)),
	}
	cmdutil.AddFileFlag(cmd, &opts.Bulk, "bots")
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	p, c, err := opts.Setup()
	if err != nil {
		return err
	}
	refs, err := botKind().Resolve(ctx, c, opts.Args)
	if err != nil {
		return err
	}
	own := newOwners(c)
	if !p.Structured() {
		var bots []*model.Bot
		for _, r := range refs {
			if r.Err == nil {
				bots = append(bots, r.Obj)
			}
		}
		if err := own.load(ctx, bots); err != nil {
			return err
		}
	}
	return cmdutil.Show(ctx, p, refs, cmdutil.Shown[*model.Bot, *model.Bot]{
		View: cmdutil.Same[*model.Bot], Columns: own.columns(), Fields: own.fields,
	})
}
