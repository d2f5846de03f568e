// Package channel implements `matterctl channel`: create, find, change and remove channels, and
// manage their members (`channel users`).
package channel

import (
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdChannel builds the `channel` group.
func NewCmdChannel(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "channel <command>",
		Short: "Create, find, change and remove channels and their members",
		Long: `Create, find, change and remove channels and their members.

A channel argument is a channel ID, team:channel (team name or ID, then the channel name), or a
bare channel name: with --team it is looked up in that team, otherwise it must be unique across
the teams you can see (an ambiguous name lists the team:channel candidates). Archived and
private channels resolve too.`,
	}
	cmd.AddCommand(
		NewCmdArchive(f, nil),
		NewCmdCreate(f, nil),
		NewCmdDelete(f, nil),
		NewCmdList(f, nil),
		NewCmdModify(f, nil),
		NewCmdMove(f, nil),
		NewCmdRename(f, nil),
		NewCmdSearch(f, nil),
		NewCmdShow(f, nil),
		NewCmdUnarchive(f, nil),
		NewCmdUsers(f),
	)
	cmdutil.RejectEmptyArgs(cmd)
	return cmd
}
