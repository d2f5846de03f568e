package plugin

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// EnableOptions are the inputs of `plugin enable` and `plugin disable`.
type EnableOptions struct {
	cmdutil.BulkArgs
}

// NewCmdEnable builds `plugin enable`.
func NewCmdEnable(f *cmdutil.Factory, runF func(context.Context, *EnableOptions) error) *cobra.Command {
	opts := &EnableOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:   "enable <plugin>...",
		Short: "Enable plugins",
		Long: `Enable installed plugins, given by ID: the server starts them.

A plugin already enabled is left as it is and reported as such (a success). Plugins are
enabled one at a time: the server saves each change into its configuration. Enabling returns
before the plugin has started: see its state with "matterctl plugin status", or upload with
"matterctl plugin add --enable --wait".`,
		Example: `  matterctl plugin enable hovercardexample
  matterctl plugin enable --file plugins.txt --dry-run`,
		ValidArgsFunction: completePlugins(f),
		RunE:              opts.RunE("plugin ID", cmdutil.Runner(opts, runF, enableRun)),
	}
	addSequentialFlags(cmd, &opts.Bulk)
	return cmd
}

// NewCmdDisable builds `plugin disable`.
func NewCmdDisable(f *cmdutil.Factory, runF func(context.Context, *EnableOptions) error) *cobra.Command {
	opts := &EnableOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:   "disable <plugin>...",
		Short: "Disable plugins",
		Long: `Disable installed plugins, given by ID: the server stops them and keeps them installed.

A plugin already disabled is left as it is and reported as such (a success). Plugins are
disabled one at a time: the server saves each change into its configuration.`,
		Example: `  matterctl plugin disable hovercardexample
  matterctl plugin disable com.example.a com.example.b --dry-run`,
		ValidArgsFunction: completePlugins(f),
		RunE:              opts.RunE("plugin ID", cmdutil.Runner(opts, runF, disableRun)),
	}
	addSequentialFlags(cmd, &opts.Bulk)
	return cmd
}

// addSequentialFlags registers --file and --dry-run, and no --parallel: the server writes each
// enable or disable into its whole configuration, and two at once can lose one of them.
func addSequentialFlags(cmd *cobra.Command, b *cmdutil.BulkFlags) {
	cmdutil.AddFileFlag(cmd, b, "plugin IDs")
	cmd.Flags().BoolVar(&b.DryRun, "dry-run", false, "Resolve and validate, print what would change, change nothing")
}

func enableRun(ctx context.Context, opts *EnableOptions) error {
	return setEnabled(ctx, &opts.BulkArgs, true)
}

func disableRun(ctx context.Context, opts *EnableOptions) error {
	return setEnabled(ctx, &opts.BulkArgs, false)
}

// setEnabled enables or disables plugins; plugins already in the asked state get no request.
func setEnabled(ctx context.Context, b *cmdutil.BulkArgs, enable bool) error {
	return cmdutil.RunBulkVerb(ctx, b, pluginKind(), func(c client.Client) cmdutil.Verb[*Plugin] {
		verb := cmdutil.Verb[*Plugin]{Plan: "enable", Done: "Enabled"}
		state, call := "already enabled", c.EnablePlugin
		if !enable {
			verb.Plan, verb.Done, state, call = "disable", "Disabled", "already disabled", c.DisablePlugin
		}
		verb.Already = func(p *Plugin) string {
			if p.Enabled == enable {
				return state
			}
			return ""
		}
		verb.Apply = func(ctx context.Context, p *Plugin) (*Plugin, error) {
			if _, err := call(ctx, p.Id); err != nil {
				return nil, pluginsRefusal(err)
			}
			return &Plugin{Manifest: p.Manifest, Enabled: enable}, nil
		}
		return verb
	})
}
