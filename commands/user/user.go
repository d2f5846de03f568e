// Package user implements `matterctl user`: create, find, change and remove users.
package user

import (
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdUser builds the `user` group.
func NewCmdUser(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user <command>",
		Short: "Create, find, change and remove users",
		Long: `Create, find, change and remove users.

A user argument is a user ID, a username, @username, or an email address. Arguments are
resolved in bulk (one request per 100 names or IDs), and a failed lookup is reported as what it
is (permission denied, server error) rather than as "not found".`,
	}
	cmd.AddCommand(
		NewCmdCreate(f, nil),
		NewCmdActivate(f, nil),
		NewCmdDeactivate(f, nil),
		NewCmdDelete(f, nil),
		NewCmdDeleteAll(f, nil),
		NewCmdSearch(f, nil),
		NewCmdList(f, nil),
		NewCmdInvite(f, nil),
		NewCmdResetPassword(f, nil),
		NewCmdChangePassword(f, nil),
		NewCmdResetMFA(f, nil),
		NewCmdEdit(f, nil),
		NewCmdVerify(f, nil),
		NewCmdConvert(f, nil),
		NewCmdMigrateAuth(f, nil),
		NewCmdPromote(f, nil),
		NewCmdDemote(f, nil),
		NewCmdPreference(f, nil),
		NewCmdShow(f, nil),
	)
	cmdutil.RejectEmptyArgs(cmd)
	return cmd
}
