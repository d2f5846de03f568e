package cmdutil

import (
	"context"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"
)

// CompleteTeams suggests the names of teams (archived ones included) that start with the word
// being completed, at every argument position, asking the server with a short timeout. Any
// failure suggests nothing, as CompleteUsers.
func CompleteTeams(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		c, err := f.Client()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
		defer cancel()
		prefix := strings.ToLower(toComplete)
		var teams []*model.Team
		if prefix == "" {
			// An empty search term matches every team in one unpaged answer: ask for one page.
			teams, _, err = c.GetAllTeams(ctx, "", 0, completionLimit)
		} else {
			teams, _, err = c.SearchTeams(ctx, &model.TeamSearch{Term: prefix})
		}
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names := make([]string, 0, min(len(teams), completionLimit))
		for _, t := range teams {
			if t != nil && strings.HasPrefix(t.Name, prefix) && len(names) < completionLimit {
				names = append(names, t.Name)
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}
