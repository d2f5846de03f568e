package cmdutil

import (
	"context"
	"slices"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"
)

// CompleteChannels suggests channels whose names start with the word being completed, at every
// argument position, archived and private ones included, asking the server's search of every
// channel with a short timeout. A word "team:prefix" (or --team) completes in that team; a bare
// name in several teams is suggested as each "team:channel". Any failure, or a caller who may
// not search every channel, suggests nothing, as CompleteUsers.
func CompleteChannels(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		c, err := f.Client()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
		defer cancel()
		teamArg, prefix, qualified := strings.Cut(toComplete, ":")
		if !qualified {
			teamArg, prefix = "", toComplete
			if fl := cmd.Flags().Lookup("team"); fl != nil && fl.Value.Type() == "string" {
				teamArg = strings.TrimSpace(fl.Value.String())
			}
		}
		prefix = strings.ToLower(prefix)
		page, perPage := 0, completionLimit
		search := &model.ChannelSearch{Term: prefix, IncludeDeleted: true, Page: &page, PerPage: &perPage}
		if teamArg != "" {
			team, err := lookupTeam(ctx, c, teamArg, TeamOptions{IncludeArchived: true})
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			search.TeamIds = []string{team.Id}
		}
		res, _, err := c.SearchAllChannelsPaged(ctx, search)
		if err != nil || res == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		teamsOf := map[string]int{}
		for _, ch := range res.Channels {
			teamsOf[ch.Name]++
		}
		var out []string
		for _, ch := range res.Channels {
			if !strings.HasPrefix(ch.Name, prefix) {
				continue
			}
			s := ch.Name
			switch {
			case qualified:
				s = teamArg + ":" + ch.Name // the team as typed, so that the shell keeps the word
			case teamArg == "" && teamsOf[ch.Name] > 1:
				s = ch.TeamName + ":" + ch.Name
			}
			if !slices.Contains(out, s) && len(out) < completionLimit {
				out = append(out, s)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
