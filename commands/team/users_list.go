package team

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// UsersListOptions are the inputs of `team users list`.
type UsersListOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Team string
}

// NewCmdUsersList builds `team users list`.
func NewCmdUsersList(f *cmdutil.Factory, runF func(context.Context, *UsersListOptions) error) *cobra.Command {
	opts := &UsersListOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "list <team>",
		ValidArgsFunction: cmdutil.CompleteFirst(cmdutil.CompleteTeams(f)),
		Short:             "List the members of a team with their team roles",
		Long: `List every member of a team (a team name or ID, archived teams too) with their roles in
the team. Deactivated members are listed too (status "deactivated").

Members are printed as they arrive, in the server's order (by user ID; pipe through sort for
another), 200 per page with their users in one more request, several pages at a time, so even
a team of tens of thousands lists in seconds and in flat memory.

The table has the columns of ` + "`matterctl user list`" + ` (id, username, email, name, roles,
status) and then "team roles" (for example "team_user team_admin"). JSON is one array of user
objects, each with one more key, "team_member": Mattermost's team member object (roles,
explicit_roles, scheme_admin, scheme_user, scheme_guest). An empty team prints [].`,
		Example: `  matterctl team users list devops
  matterctl team users list devops --json | jq -r '.[] | select(.team_member.scheme_admin) | .username'`,
		Args: cmdutil.ExactArgs(1, "a team"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Team = args[0]
			return cmdutil.Runner(opts, runF, usersListRun)(cmd.Context())
		},
	}
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
	team, err := cmdutil.ResolveTeam(ctx, c, opts.Team)
	if err != nil {
		return err
	}
	return cmdutil.ListMembers(ctx, p, cmdutil.MemberList[*model.TeamMember]{
		Key: "team_member", RolesHeader: "team roles",
		// Memberships first: the server pages them by user ID, several times faster than the
		// users of a team by username (GET /users?in_team=) on large teams.
		Page: cmdutil.MembersThenUsers(
			func(ctx context.Context, page, perPage int) ([]*model.TeamMember, error) {
				members, _, err := c.GetTeamMembers(ctx, team.Id, page, perPage, "")
				return members, err
			},
			func(ctx context.Context, ids []string) ([]*model.User, error) {
				users, _, err := c.GetUsersByIds(ctx, ids)
				return users, err
			},
			func(m *model.TeamMember) string { return m.UserId }),
		Roles: func(m *model.TeamMember) string { return m.Roles },
	})
}
