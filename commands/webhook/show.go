package webhook

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// ShowOptions are the inputs of `webhook show`.
type ShowOptions struct {
	cmdutil.BulkArgs
	Scope scopeFlags
	// ServerURL gives the URL of incoming webhooks, or "".
	ServerURL func() string
}

// NewCmdShow builds `webhook show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{BulkArgs: cmdutil.NewBulkArgs(f), ServerURL: serverURL(f)}
	cmd := &cobra.Command{
		Use:               "show <hook>...",
		ValidArgsFunction: cmdutil.CompleteHooks(f, cmdutil.AnyHooks),
		Short:             "Show webhooks in full",
		Long: `Show incoming and outgoing webhooks, given as IDs or display names (unique in --team or
--channel, else on the server), as arguments or with --file.

With one webhook: on a terminal a table of its fields (an incoming webhook's URL, an outgoing
webhook's token);
in JSON the webhook object as the server returns it; in plain format one line with the columns
of "webhook list". With several webhooks: one table row (plain line) per webhook; in JSON an
array in argument order.

Each argument that does not resolve is reported on stderr as "<arg>: <reason>"; an ambiguous
name lists its candidates. Exit status 3 when some did not resolve, else the status of the
first failure (5 not found, 2 ambiguous).`,
		Example: `  matterctl webhook show 8x3kc9n6qbf4fjxwbwqjk1moxo
  matterctl webhook show "Deploy Notifications" --team devops --json | jq .channel_id
  matterctl webhook show --channel devops:alerts "CI" "Nightly"`,
		RunE: opts.RunE("webhook", cmdutil.Runner(opts, runF, showRun)),
	}
	cmdutil.AddFileFlag(cmd, &opts.Bulk, "webhooks")
	addScopeFlags(f, cmd, &opts.Scope, true)
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	p, c, err := opts.Setup()
	if err != nil {
		return err
	}
	scope, err := opts.Scope.resolve(ctx, c, cmdutil.AnyHooks)
	if err != nil {
		return err
	}
	refs, err := cmdutil.Hooks(scope).Resolve(ctx, c, opts.Args)
	if err != nil {
		return err
	}
	lab := newLabels(c)
	if !p.Structured() {
		lab.serverURL = opts.ServerURL()
		var hooks []*cmdutil.Hook
		for _, r := range refs {
			if r.Err == nil {
				hooks = append(hooks, r.Obj)
			}
		}
		if err := lab.load(ctx, hooks); err != nil {
			return err
		}
	}
	return cmdutil.Show(ctx, p, refs, cmdutil.Shown[*cmdutil.Hook, *cmdutil.Hook]{
		View: cmdutil.Same[*cmdutil.Hook], Columns: lab.columns(), Fields: lab.fields,
	})
}
