// Package webhook implements `matterctl webhook`: list, show, create, change, delete and post
// through incoming and outgoing webhooks.
package webhook

import (
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdWebhook builds the `webhook` group.
func NewCmdWebhook(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhook <command>",
		Short: "Manage incoming and outgoing webhooks, and post through them",
	}
	cmd.AddCommand(
		NewCmdSend(f),
	)
	cmdutil.RejectEmptyArgs(cmd)
	return cmd
}
