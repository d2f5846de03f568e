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
		Long: `List, show, create, change and delete incoming and outgoing webhooks, and post through
incoming ones.

A webhook argument is a webhook ID, or a display name that is unique among the webhooks in
scope: those of --team or --channel where the verb has them, else those of the whole server.
An exact display name wins over one that differs only in case. An ambiguous name is a usage
error (exit 2) that lists each candidate's ID, display name and channel.

Channels are given as IDs, team:channel, or bare names (unique across the teams, or in --team);
users as IDs, usernames or emails.

The server must allow each kind: ServiceSettings.EnableIncomingWebhooks
(MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS) and ServiceSettings.EnableOutgoingWebhooks
(MM_SERVICESETTINGS_ENABLEOUTGOINGWEBHOOKS).`,
	}
	cmd.AddCommand(
		NewCmdList(f, nil),
		NewCmdShow(f, nil),
		NewCmdCreateIncoming(f, nil),
		NewCmdModifyIncoming(f, nil),
		NewCmdCreateOutgoing(f, nil),
		NewCmdModifyOutgoing(f, nil),
		NewCmdDelete(f, nil),
		NewCmdSend(f, nil),
	)
	cmdutil.RejectEmptyArgs(cmd)
	return cmd
}
