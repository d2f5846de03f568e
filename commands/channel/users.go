package channel

import (
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdUsers builds the `channel users` group.
func NewCmdUsers(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users <command>",
		Short: "Add, remove and list the members of a channel",
	}
	cmd.AddCommand()
	return cmd
}
