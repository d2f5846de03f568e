package bot

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// ShowOptions are the inputs of `bot show`.
type ShowOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Bots []string
	File string
}

// NewCmdShow builds `bot show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
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
		RunE: func(cmd *cobra.Command, args []string) error {
			bots, err := cmdutil.ArgsWithFile(args, opts.File, opts.IO.In, "bot")
			if err != nil {
				return err
			}
			opts.Bots = bots
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.File, "file", "", "Read bots from `FILE`, one per line (- for standard input)")
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	refs, err := botKind().Resolve(ctx, c, opts.Bots)
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
