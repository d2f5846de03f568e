package channel

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// MoveOptions are the inputs of `channel move`.
type MoveOptions struct {
	channelArgs
	// Target is the team the channels move to.
	Target string
	Force  bool
}

// NewCmdMove builds `channel move`.
func NewCmdMove(f *cmdutil.Factory, runF func(context.Context, *MoveOptions) error) *cobra.Command {
	opts := &MoveOptions{channelArgs: newChannelArgs(f)}
	cmd := &cobra.Command{
		Use: "move <team> <channel>...",
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return cmdutil.CompleteTeams(f)(cmd, args, toComplete)
			}
			return cmdutil.CompleteChannels(f)(cmd, args, toComplete)
		},
		Short: "Move channels to another team",
		Long: `Move channels, with their posts and members, to another team (name or ID).

Channels are given as IDs, team:channel, or bare names (with --team, their current team, or
unique across your teams), after the team or with --file. A channel already in that team is
left alone and reported as such.

Every member of a channel must be a member of the new team: otherwise the server refuses, and
the error lists the members who are not (add them with ` + "`matterctl team users add`" + `).
--force removes those members from the channel instead. A channel whose name is taken in the new
team cannot move. --dry-run checks both for each channel and changes nothing.`,
		Example: `  matterctl channel move ops devops:alerts devops:builds
  matterctl channel move ops --team devops alerts --force
  matterctl channel move ops --file channels.txt --dry-run`,
		Args: cmdutil.MinimumArgs(1, "a team, then channels"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Target = args[0]
			chans, err := opts.Bulk.Args(args[1:], opts.IO.In, "channel")
			if err != nil {
				return err
			}
			opts.Args = chans
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return moveRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "channels")
	addTeamFlag(cmd, &opts.Team)
	completeTeamFlag(f, cmd)
	cmd.Flags().BoolVar(&opts.Force, "force", false, "Remove the members who are not in the new team from the channel")
	return cmd
}

func moveRun(ctx context.Context, opts *MoveOptions) error {
	p, c, err := opts.Setup()
	if err != nil {
		return err
	}
	target, err := cmdutil.ResolveTeam(ctx, c, opts.Target)
	if err != nil {
		return err
	}
	if target.DeleteAt != 0 {
		return &cmdutil.ArchivedError{Kind: "team", Name: opts.Target}
	}
	teams := &cmdutil.ChannelTeams{}
	teams.Add(target)
	kind := opts.kind(teams)
	var mu sync.Mutex
	from := map[string]string{}      // channel ID → its team before the move
	removed := map[string][]string{} // channel ID → members --force removes (dry run)
	return cmdutil.RunVerb(ctx, c, p, kind, cmdutil.Verb[*model.Channel]{
		Args: opts.Args, DryRun: opts.Bulk.DryRun, Parallel: opts.Bulk.Parallel,
		Plan: "move", Done: "Moved",
		Check: func(ch *model.Channel) error {
			if err := refuseMessages(ch, "moved"); err != nil {
				return err
			}
			mu.Lock()
			from[ch.Id] = teamName(teams, ch.TeamId)
			mu.Unlock()
			if ch.TeamId != target.Id && ch.DeleteAt != 0 {
				return archivedError(kind.Label(ch))
			}
			return nil
		},
		Already: func(ch *model.Channel) string {
			if ch.TeamId == target.Id {
				return "already in team " + target.Name
			}
			return ""
		},
		// A dry run checks what the server would check: the name free in the target team, and
		// every member in it (or, with --force, who would be removed).
		Preview: func(ctx context.Context, ch *model.Channel) (*model.Channel, error) {
			if err := moveNameFree(ctx, c, ch, target); err != nil {
				return nil, err
			}
			outside, err := moveOutsiders(ctx, c, ch.Id, target.Id)
			switch {
			case err != nil:
				return nil, fmt.Errorf("checking the members of %s: %w", kind.Label(ch), err)
			case len(outside) > 0 && !opts.Force:
				return nil, moveNotInTeamError(kind.Label(ch), target.Name, outside)
			case len(outside) > 0:
				mu.Lock()
				removed[ch.Id] = outside
				mu.Unlock()
			}
			return ch, nil
		},
		Apply: func(ctx context.Context, ch *model.Channel) (*model.Channel, error) {
			moved, _, err := c.MoveChannel(ctx, ch.Id, target.Id, opts.Force)
			if err != nil {
				return nil, moveError(ctx, c, err, ch, kind.Label(ch), target)
			}
			if moved == nil {
				cp := *ch
				moved = &cp
			}
			moved.TeamId = target.Id
			return moved, nil
		},
		RowFields: func(ch *model.Channel) map[string]any {
			if ch == nil {
				return nil
			}
			mu.Lock()
			defer mu.Unlock()
			if names := removed[ch.Id]; len(names) > 0 {
				return map[string]any{"removed_members": names}
			}
			return nil
		},
		Message: func(ch *model.Channel) string {
			mu.Lock()
			defer mu.Unlock()
			return fmt.Sprintf("Moved channel %s from team %s to team %s", ch.Name, from[ch.Id], target.Name)
		},
		PlanMessage: func(ch *model.Channel) string {
			msg := fmt.Sprintf("would move channel %s (%s) to team %s", kind.Label(ch), ch.Id, target.Name)
			mu.Lock()
			defer mu.Unlock()
			if names := removed[ch.Id]; len(names) > 0 {
				msg += fmt.Sprintf(", removing %d members who are not in it: %s", len(names), cmdutil.NameList(names, 20))
			}
			return msg
		},
	})
}

// moveError explains why the server refused to move ch: the members who are not in the target
// team, or the name taken there; other errors are returned as they are.
func moveError(ctx context.Context, c client.Client, err error, ch *model.Channel, label string, target *model.Team) error {
	switch apiErrorID(err) {
	case "app.channel.move_channel.members_do_not_match.error":
		outside, lerr := moveOutsiders(ctx, c, ch.Id, target.Id)
		if lerr != nil || len(outside) == 0 {
			return fmt.Errorf("some members of %s are not in team %s (use --force to remove them from the channel): %w", label, target.Name, err)
		}
		return moveNotInTeamError(label, target.Name, outside)
	case "app.channel.update.bad_id":
		if nerr := moveNameFree(ctx, c, ch, target); nerr != nil {
			return nerr
		}
	}
	return err
}

// moveNameFree fails when target already has a channel with ch's name.
func moveNameFree(ctx context.Context, c client.Client, ch *model.Channel, target *model.Team) error {
	taken, _, err := c.GetChannelByNameIncludeDeleted(client.WithIdempotent(ctx), ch.Name, target.Id, "")
	switch {
	case client.IsNotFound(err), err == nil && taken == nil:
		return nil
	case err != nil:
		return err
	}
	what := "a channel"
	if taken.DeleteAt != 0 {
		what = "an archived channel"
	}
	return fmt.Errorf("team %s already has %s named %s (%s): rename one of them first", target.Name, what, taken.Name, taken.Id)
}

// moveNotInTeamError lists the members of a channel who are not in the team it should move to.
func moveNotInTeamError(label, team string, usernames []string) error {
	return fmt.Errorf("%d members of %s are not in team %s: %s; add them to the team (matterctl team users add %s ...) or use --force to remove them from the channel",
		len(usernames), label, team, cmdutil.NameList(usernames, 20), team)
}

// moveOutsiders returns the usernames, sorted, of the active members of a channel who are
// not members of a team: the members who keep the server from moving the channel there (it
// removes deactivated members itself).
func moveOutsiders(ctx context.Context, c client.Client, channelID, teamID string) ([]string, error) {
	ctx = client.WithIdempotent(ctx)
	var ids []string
	for m, err := range client.Pages(ctx, client.PageOptions{PerPage: client.MaxPerPage}, func(ctx context.Context, page, perPage int) ([]model.ChannelMember, error) {
		members, _, err := c.GetChannelMembers(ctx, channelID, page, perPage, "")
		return members, err
	}) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, m.UserId)
	}
	var outside []string
	for batch := range slices.Chunk(ids, 100) {
		members, _, err := c.GetTeamMembersByIds(ctx, teamID, batch)
		if err != nil {
			return nil, err
		}
		in := map[string]bool{}
		for _, m := range members {
			if m.DeleteAt == 0 {
				in[m.UserId] = true
			}
		}
		for _, id := range batch {
			if !in[id] {
				outside = append(outside, id)
			}
		}
	}
	if len(outside) == 0 {
		return nil, nil
	}
	var names []string
	for batch := range slices.Chunk(outside, 100) {
		users, _, err := c.GetUsersByIds(ctx, batch)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.DeleteAt == 0 {
				names = append(names, u.Username)
			}
		}
	}
	slices.Sort(names)
	return names, nil
}
