package team

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/ops"
)

// maxAddMembersBatch is the most users the server takes in one POST /teams/{id}/members/batch
// (MaxAddMembersBatch in the server's api4/team.go).
const maxAddMembersBatch = 256

// NewCmdUsers builds the `team users` group.
func NewCmdUsers(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users <command>",
		Short: "Add, remove and list the members of a team",
	}
	cmd.AddCommand(
		NewCmdUsersAdd(f, nil),
		NewCmdUsersRemove(f, nil),
		NewCmdUsersList(f, nil),
	)
	return cmd
}

// openTeam resolves the team argument of a members verb (a team ID or name). Adding to an
// archived team is refused: nobody would see the membership until the team is restored.
func openTeam(arg string, forAdd bool) cmdutil.OpenMembership {
	return func(ctx context.Context, c client.Client) (*cmdutil.Membership, error) {
		team, err := cmdutil.ResolveTeam(ctx, c, arg)
		if err != nil {
			return nil, err
		}
		if forAdd && team.DeleteAt != 0 {
			return nil, &cmdutil.ArchivedError{Kind: "team", Name: arg}
		}
		return teamMembership(c, team), nil
	}
}

// teamMembership is how the members of team are looked up, added and removed.
func teamMembership(c client.Client, team *model.Team) *cmdutil.Membership {
	return &cmdutil.Membership{
		Kind: "team", Name: team.Name,
		Members: func(ctx context.Context, ids []string) (map[string]bool, error) {
			members, _, err := c.GetTeamMembersByIds(client.WithIdempotent(ctx), team.Id, ids)
			if err != nil {
				return nil, err
			}
			found := make(map[string]bool, len(members))
			for _, m := range members {
				found[m.UserId] = m.DeleteAt == 0
			}
			return found, nil
		},
		AddBatch: func(ctx context.Context, ids []string) (map[string]error, error) {
			return ops.AddTeamMembers(ctx, c, team.Id, ids)
		},
		BatchMax: maxAddMembersBatch,
		Remove: func(ctx context.Context, u *model.User) error {
			_, err := c.RemoveTeamMember(ctx, team.Id, u.Id)
			return err
		},
	}
}
