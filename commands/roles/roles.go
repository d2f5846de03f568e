// Package roles implements `matterctl roles`: system roles of users.
package roles

import (
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdRoles builds the `roles` group.
func NewCmdRoles(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "roles <command>",
		Short: "Make users system admins or members, and list roles",
	}
	cmd.AddCommand(NewCmdSystemAdmin(f, nil), NewCmdMember(f, nil), NewCmdList(f, nil))
	cmdutil.RejectEmptyArgs(cmd)
	return cmd
}
