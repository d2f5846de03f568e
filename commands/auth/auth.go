// Package auth implements `matterctl auth`: named server profiles and their credentials.
package auth

import (
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdAuth builds the `auth` group.
func NewCmdAuth(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth <command>",
		Short: "Log in to servers and manage stored profiles",
		Long: `Log in to Mattermost servers and manage the named profiles stored in the credentials file.

The credentials file is $XDG_CONFIG_HOME/matterctl/config.json (mode 0600). See
` + "`matterctl help environment`" + ` for how a command picks its credentials.`,
	}
	cmd.AddCommand(
		NewCmdLogin(f, nil),
		NewCmdList(f, nil),
		NewCmdCurrent(f, nil),
		NewCmdSet(f, nil),
		NewCmdDelete(f, nil),
		NewCmdRenew(f, nil),
		NewCmdClean(f, nil),
		NewCmdStatus(f, nil),
		NewCmdToken(f, nil),
	)
	cmdutil.RejectEmptyArgs(cmd)
	return cmd
}
