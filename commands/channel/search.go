package channel

import (
	"context"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// SearchOptions are the inputs of `channel search`.
type SearchOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Name string
	Team string
}

// NewCmdSearch builds `channel search`.
func NewCmdSearch(f *cmdutil.Factory, runF func(context.Context, *SearchOptions) error) *cobra.Command {
	opts := &SearchOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "search <name>",
		Short: "Find the channels with a given name in every team",
		Long: `Find the channels named <name> (the name in the channel's URL, in any case), in one team
(--team) or in every team, archived and private channels included. Every match is printed, one
per team (mmctl stops at the first team); the columns are those of "channel list", and JSON is
an array of channel objects with their team's name.

Without --team this is one search request on the server (a system admin's), not one request per
team; other users' teams are looked at one by one. Nothing found is exit status 5.`,
		Example: `  matterctl channel search alerts
  matterctl channel search alerts --team devops --json`,
		Args: cmdutil.ExactArgs(1, "one channel name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = strings.ToLower(strings.TrimSpace(args[0]))
			opts.Team = strings.TrimSpace(opts.Team)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return searchRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Team, "team", "", "Search only this team (name or ID)")
	completeTeamFlag(f, cmd)
	return cmd
}

func searchRun(ctx context.Context, opts *SearchOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	var found []*model.ChannelWithTeamData
	if opts.Team != "" {
		team, err := cmdutil.ResolveTeam(ctx, c, opts.Team)
		if err != nil {
			return err
		}
		ch, err := channelNamedIn(ctx, c, opts.Name, team)
		if err != nil {
			return err
		}
		if ch != nil {
			found = append(found, ch)
		}
	} else if found, err = searchEveryTeam(ctx, c, opts.Name); err != nil {
		return err
	}
	list := printer.NewList(p, channelColumns...)
	for _, ch := range found {
		if err := list.Add(ch); err != nil {
			return list.Fail(err)
		}
	}
	if err := list.Close(); err != nil {
		return err
	}
	if len(found) == 0 {
		where := "in any team"
		if opts.Team != "" {
			where = "in team " + opts.Team
		}
		p.Errorf("no channel named %s %s", opts.Name, where)
		return &cmdutil.SilentError{Code: cmdutil.ExitNotFound}
	}
	return nil
}

// channelNamedIn is the channel named name in team, archived or not, or nil.
func channelNamedIn(ctx context.Context, c client.Client, name string, team *model.Team) (*model.ChannelWithTeamData, error) {
	ch, _, err := c.GetChannelByNameIncludeDeleted(client.WithIdempotent(ctx), name, team.Id, "")
	switch {
	case client.IsNotFound(err), err == nil && ch == nil:
		return nil, nil
	case err != nil:
		return nil, err
	}
	return &model.ChannelWithTeamData{Channel: *ch, TeamName: team.Name, TeamDisplayName: team.DisplayName, TeamUpdateAt: team.UpdateAt}, nil
}

// searchEveryTeam finds the channels named name in every team with the server's channel
// search: usually one request (more only when over 200 channels match the search term). A
// caller without the system-wide permission gets a lookup in each of their teams instead.
func searchEveryTeam(ctx context.Context, c client.Client, name string) ([]*model.ChannelWithTeamData, error) {
	ctx = client.WithIdempotent(ctx)
	var found []*model.ChannelWithTeamData
	seen := map[string]bool{}
	for page := 0; ; page++ {
		perPage := client.MaxPerPage
		res, _, err := c.SearchAllChannelsPaged(ctx, &model.ChannelSearch{Term: name, IncludeDeleted: true, Page: &page, PerPage: &perPage})
		if page == 0 && unavailable(err) {
			return searchMyTeams(ctx, c, name)
		}
		if err != nil {
			return nil, err
		}
		if res == nil {
			break
		}
		for _, ch := range res.Channels {
			// The search matches names, display names and purposes by prefix.
			if ch.Name == name && !seen[ch.Id] {
				seen[ch.Id] = true
				found = append(found, ch)
			}
		}
		if len(res.Channels) < perPage || int64((page+1)*perPage) >= res.TotalCount {
			break
		}
	}
	return found, nil
}

// searchMyTeams looks name up in each of the caller's teams.
func searchMyTeams(ctx context.Context, c client.Client, name string) ([]*model.ChannelWithTeamData, error) {
	teams, err := callerTeams(ctx, c)
	if err != nil {
		return nil, err
	}
	var found []*model.ChannelWithTeamData
	for _, team := range teams {
		ch, err := channelNamedIn(ctx, c, name, team)
		if err != nil {
			return nil, err
		}
		if ch != nil {
			found = append(found, ch)
		}
	}
	return found, nil
}
