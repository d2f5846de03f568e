package webhook

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// scopeFlags are --team and --channel of the verbs that take webhook arguments: where their
// display names are looked up.
type scopeFlags struct {
	Team    string
	Channel string
}

// addScopeFlags registers --team, and --channel when withChannel (verbs whose --channel is a
// new value have none).
func addScopeFlags(f *cmdutil.Factory, cmd *cobra.Command, s *scopeFlags, withChannel bool) {
	cmd.Flags().StringVar(&s.Team, "team", "", "Look webhook display names up in this team (name or ID)")
	_ = cmd.RegisterFlagCompletionFunc("team", cmdutil.CompleteTeams(f))
	if withChannel {
		cmd.Flags().StringVar(&s.Channel, "channel", "", "Look webhook display names up in this channel (ID, team:channel or name)")
		_ = cmd.RegisterFlagCompletionFunc("channel", cmdutil.CompleteChannels(f))
	}
}

// resolve turns the flags into the scope of webhook names: the team's and the channel's IDs.
// A bare channel name is looked up in --team when it is given.
func (s scopeFlags) resolve(ctx context.Context, c client.Client, types cmdutil.HookTypes) (cmdutil.HookOptions, error) {
	opts := cmdutil.HookOptions{Types: types}
	team, channel := strings.TrimSpace(s.Team), strings.TrimSpace(s.Channel)
	if channel != "" {
		refs, err := cmdutil.Channels(cmdutil.ChannelOptions{Team: team, IncludeArchived: true}).Resolve(ctx, c, []string{channel})
		if err != nil {
			return opts, err
		}
		if refs[0].Err != nil {
			return opts, refs[0].Err
		}
		opts.ChannelID, opts.TeamID = refs[0].Obj.Id, refs[0].Obj.TeamId
		return opts, nil
	}
	if team != "" {
		t, err := cmdutil.ResolveTeam(ctx, c, team)
		if err != nil {
			return opts, err
		}
		opts.TeamID = t.Id
	}
	return opts, nil
}
