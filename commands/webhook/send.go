package webhook

import (
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdSend builds `webhook send`.
func NewCmdSend(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{Use: "send <hook>", Short: "Post a message through an incoming webhook", Hidden: true}
}
