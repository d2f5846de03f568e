package plugin

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// DeleteOptions are the inputs of `plugin delete`.
type DeleteOptions struct {
	cmdutil.BulkArgs
}

// NewCmdDelete builds `plugin delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:   "delete <plugin>...",
		Short: "Remove plugins from the server",
		Long: `Remove installed plugins, given by ID: the server stops them and deletes their files.

The plugins' settings and stored data stay on the server: adding the bundle again restores the
plugin as it was. Every argument is resolved before anything is removed.`,
		Example: `  matterctl plugin delete hovercardexample
  matterctl plugin delete com.example.a com.example.b --dry-run`,
		ValidArgsFunction: completePlugins(f),
		RunE:              opts.RunE("plugin ID", cmdutil.Runner(opts, runF, deleteRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "plugin IDs")
	return cmd
}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	return cmdutil.RunBulkVerb(ctx, &opts.BulkArgs, pluginKind(), func(c client.Client) cmdutil.Verb[*Plugin] {
		return cmdutil.Verb[*Plugin]{
			Strict: true, Plan: "delete", Done: "Deleted",
			Apply: func(ctx context.Context, p *Plugin) (*Plugin, error) {
				if _, err := c.RemovePlugin(ctx, p.Id); err != nil {
					return nil, pluginsRefusal(err)
				}
				return p, nil
			},
		}
	})
}
