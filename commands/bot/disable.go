package bot

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdDisable builds `bot disable`.
func NewCmdDisable(f *cmdutil.Factory, runF func(context.Context, *EnableOptions) error) *cobra.Command {
	opts := &EnableOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:   "disable <bot>...",
		Short: "Disable bots",
		Long: `Disable bots: they can no longer post or use their tokens, until ` + "`matterctl bot enable`" + `
enables them again. Nothing of theirs is deleted.

Bots are given as user IDs or usernames, as arguments or with --file. A bot that is already
disabled is left as it is and reported as such (a success).`,
		Example: `  matterctl bot disable mybot
  matterctl bot disable mybot deploybot --json`,
		RunE: opts.RunE("bot", cmdutil.Runner(opts, runF, disableRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "bots")
	return cmd
}

func disableRun(ctx context.Context, opts *EnableOptions) error {
	return setEnabled(ctx, &opts.BulkArgs, false)
}
