// Package plugin implements `matterctl plugin`: validate and upload bundles, install from a URL
// or the marketplace, enable, disable, delete, list and show plugins and their status.
package plugin

import (
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdPlugin builds the `plugin` group.
func NewCmdPlugin(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plugin <command>",
		Short: "Upload, install, enable, disable, delete and list plugins",
	}
	cmdutil.RejectEmptyArgs(cmd)
	return cmd
}
