// Package token implements `matterctl token`: personal access tokens of users.
package token

import (
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdToken builds the `token` group.
func NewCmdToken(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token <command>",
		Short: "Generate, list and revoke users' personal access tokens",
	}
	cmd.AddCommand(NewCmdGenerate(f, nil), NewCmdList(f, nil), NewCmdRevoke(f, nil))
	cmdutil.RejectEmptyArgs(cmd)
	return cmd
}
