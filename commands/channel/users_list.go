package channel

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// UsersListOptions are the inputs of `channel users list`.
type UsersListOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Channel string
	Team    string
}

// NewCmdUsersList builds `channel users list`.
func NewCmdUsersList(f *cmdutil.Factory, runF func(context.Context, *UsersListOptions) error) *cobra.Command {
	opts := &UsersListOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "list <channel>",
		ValidArgsFunction: cmdutil.CompleteFirst(cmdutil.CompleteChannels(f)),
		Short:             "List the members of a channel with their channel roles",
		Long: `List every member of a channel, by username, with their roles in the channel. The channel is
a channel ID, team:channel, or a bare name (with --team, or unique across your teams);
archived and private channels too. Deactivated members are listed too (status "deactivated").

Members are printed as they arrive, 200 per page with their memberships in one more request,
several pages at a time, so even a very large channel lists in flat memory.

The table has the columns of ` + "`matterctl user list`" + ` (id, username, email, name, roles,
status) and then "channel roles" (for example "channel_user channel_admin"). JSON is one array
of user objects, each with one more key, "channel_member": Mattermost's channel member object
(roles, explicit_roles, scheme_admin, scheme_user, scheme_guest, notify_props, …). An empty
channel prints [].`,
		Example: `  matterctl channel users list devops:alerts
  matterctl channel users list alerts --team devops --json | jq -r '.[].username'`,
		Args: cmdutil.ExactArgs(1, "a channel"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Channel = args[0]
			return cmdutil.Runner(opts, runF, usersListRun)(cmd.Context())
		},
	}
	addTeamFlag(cmd, &opts.Team)
	completeTeamFlag(f, cmd)
	return cmd
}

func usersListRun(ctx context.Context, opts *UsersListOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	mc, err := resolveMemberChannel(ctx, c, opts.Channel, opts.Team, true)
	if err != nil {
		return err
	}
	id := mc.ch.Id
	return cmdutil.ListMembers(ctx, p, cmdutil.MemberList[*model.ChannelMember]{
		Key: "channel_member", RolesHeader: "channel roles",
		// Users first, in username order: the server pages channel members in no set order.
		Page: cmdutil.UsersThenMembers(
			func(ctx context.Context, page, perPage int) ([]*model.User, error) {
				users, _, err := c.GetUsersInChannel(ctx, id, page, perPage, "")
				return users, err
			},
			func(ctx context.Context, ids []string) ([]*model.ChannelMember, error) {
				members, _, err := c.GetChannelMembersByIds(ctx, id, ids)
				out := make([]*model.ChannelMember, len(members))
				for i := range members {
					out[i] = &members[i]
				}
				return out, err
			},
			func(m *model.ChannelMember) string { return m.UserId }),
		Roles: func(m *model.ChannelMember) string { return m.Roles },
	})
}
