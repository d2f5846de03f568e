// Package team implements `matterctl team`: create, find, change and remove teams, and manage
// their members (`team users`).
package team

import (
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdTeam builds the `team` group.
func NewCmdTeam(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "team <command>",
		Short: "Create, find, change and remove teams and their members",
		Long: `Create, find, change and remove teams and their members.

A team argument is a team ID or a team name (the name in the team's URL). Archived teams
resolve too.`,
	}
	cmd.AddCommand(
		NewCmdCreate(f, nil),
		NewCmdDelete(f, nil),
		NewCmdArchive(f, nil),
		NewCmdRestore(f, nil),
		NewCmdList(f, nil),
		NewCmdSearch(f, nil),
		NewCmdRename(f, nil),
		NewCmdModify(f, nil),
		NewCmdShow(f, nil),
		NewCmdUsers(f),
	)
	cmdutil.RejectEmptyArgs(cmd)
	return cmd
}
