package channel

import (
	"context"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdUsers builds the `channel users` group.
func NewCmdUsers(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users <command>",
		Short: "Add, remove and list the members of a channel",
	}
	cmd.AddCommand(
		NewCmdUsersAdd(f, nil),
		NewCmdUsersRemove(f, nil),
		NewCmdUsersList(f, nil),
	)
	return cmd
}

// memberChannel is a resolved channel argument of a members verb, with its team.
type memberChannel struct {
	ch   *model.Channel
	team *model.Team // nil for direct and group messages
}

// label names the channel "team:channel".
func (mc memberChannel) label() string {
	if mc.team == nil {
		return mc.ch.Name
	}
	return mc.team.Name + ":" + mc.ch.Name
}

// resolveMemberChannel resolves one channel argument (ID, team:channel, or a bare name with
// --team or unique across the caller's teams) and its team, looked up once.
func resolveMemberChannel(ctx context.Context, c client.Client, arg, team string, includeArchived bool) (memberChannel, error) {
	teams := &cmdutil.ChannelTeams{}
	refs, err := cmdutil.Channels(cmdutil.ChannelOptions{Team: strings.TrimSpace(team), IncludeArchived: includeArchived, Teams: teams}).
		Resolve(ctx, c, []string{arg})
	if err != nil {
		return memberChannel{}, err
	}
	if refs[0].Err != nil {
		return memberChannel{}, refs[0].Err
	}
	mc := memberChannel{ch: refs[0].Obj}
	if mc.ch.TeamId != "" {
		if mc.team, err = teams.Get(ctx, c, mc.ch.TeamId); err != nil {
			return memberChannel{}, err
		}
	}
	return mc, nil
}

// openChannel resolves the channel argument of a members verb, then runs check on it when set.
// Adding to an archived channel is refused (nobody would see the membership until it is
// unarchived); removing is not.
func openChannel(arg, team string, forAdd bool, check func(memberChannel) error) cmdutil.OpenMembership {
	return func(ctx context.Context, c client.Client) (*cmdutil.Membership, error) {
		mc, err := resolveMemberChannel(ctx, c, arg, team, !forAdd)
		if err != nil {
			return nil, err
		}
		if check != nil {
			if err := check(mc); err != nil {
				return nil, err
			}
		}
		return channelMembership(c, mc), nil
	}
}

// channelMembership is how the members of a channel are looked up, added and removed. The
// server adds one user per request (POST /channels/{id}/members takes one user_id), so adds
// run --parallel at a time.
func channelMembership(c client.Client, mc memberChannel) *cmdutil.Membership {
	ch := mc.ch
	m := &cmdutil.Membership{
		Kind: "channel", Name: mc.label(),
		Members: func(ctx context.Context, ids []string) (map[string]bool, error) {
			members, _, err := c.GetChannelMembersByIds(client.WithIdempotent(ctx), ch.Id, ids)
			if err != nil {
				return nil, err
			}
			found := make(map[string]bool, len(members))
			for _, m := range members {
				found[m.UserId] = true
			}
			return found, nil
		},
		// Adding a member again changes nothing, so the request may be repeated after a
		// transient failure.
		Add: func(ctx context.Context, u *model.User) error {
			_, _, err := c.AddChannelMember(client.WithIdempotent(ctx), ch.Id, u.Id)
			if id := apiErrorID(err); mc.team != nil && (id == "app.team.get_member.missing.app_error" || id == "api.channel.add_user.to.channel.failed.deleted.app_error") {
				return &notInTeamError{team: mc.team.Name, user: u.Username}
			}
			return err
		},
		Remove: func(ctx context.Context, u *model.User) error {
			_, err := c.RemoveUserFromChannel(ctx, ch.Id, u.Id)
			if apiErrorID(err) == "api.channel.remove.default.app_error" && mc.team != nil {
				return fmt.Errorf("%s is the default channel of team %s: members leave it only by leaving the team (matterctl team users remove %s %s)",
					ch.Name, mc.team.Name, mc.team.Name, u.Username)
			}
			return err
		},
		All: func(ctx context.Context) ([]*model.User, error) {
			var users []*model.User
			for u, err := range client.Pages(client.WithIdempotent(ctx), client.PageOptions{PerPage: client.MaxPerPage},
				func(ctx context.Context, page, perPage int) ([]*model.User, error) {
					users, _, err := c.GetUsersInChannel(ctx, ch.Id, page, perPage, "")
					return users, err
				}) {
				if err != nil {
					return nil, err
				}
				users = append(users, u)
			}
			return users, nil
		},
	}
	if mc.team != nil {
		// The server adds only members of the channel's team: say so, with the command that
		// helps, before anything is sent.
		team := mc.team
		m.Joinable = func(ctx context.Context, users []*model.User) (map[string]error, error) {
			ids := make([]string, len(users))
			for i, u := range users {
				ids[i] = u.Id
			}
			inTeam := map[string]bool{}
			for start := 0; start < len(ids); start += teamLookupBatch {
				members, _, err := c.GetTeamMembersByIds(client.WithIdempotent(ctx), team.Id, ids[start:min(start+teamLookupBatch, len(ids))])
				if err != nil {
					return nil, err
				}
				for _, tm := range members {
					inTeam[tm.UserId] = tm.DeleteAt == 0
				}
			}
			refused := map[string]error{}
			for _, u := range users {
				if !inTeam[u.Id] {
					refused[u.Id] = &notInTeamError{team: team.Name, user: u.Username}
				}
			}
			return refused, nil
		}
	}
	return m
}

// teamLookupBatch is the most user IDs sent in one POST /teams/{id}/members/ids request.
const teamLookupBatch = 500

// notInTeamError is a user who cannot join a channel because they are not in its team.
type notInTeamError struct{ team, user string }

func (e *notInTeamError) Error() string {
	return fmt.Sprintf("not a member of team %s; add them to the team first: matterctl team users add %s %s", e.team, e.team, e.user)
}
