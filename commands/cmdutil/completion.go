package cmdutil

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

const (
	completionTimeout = 5 * time.Second
	completionLimit   = 50
)

// CompleteUsers suggests usernames that start with the word being completed, asking the server
// with a short timeout. Any failure (no credentials, no network) suggests nothing: completion
// must never print errors into the user's shell.
func CompleteUsers(f *Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		c, err := f.Client()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
		defer cancel()
		prefix := strings.TrimPrefix(toComplete, "@")
		res, _, err := c.AutocompleteUsers(ctx, prefix, completionLimit, "")
		if err != nil || res == nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names := make([]string, 0, len(res.Users))
		for _, u := range res.Users {
			if u != nil && strings.HasPrefix(u.Username, prefix) {
				names = append(names, u.Username)
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// AddUserCompletion sets user completion on every subcommand of group whose usage starts with
// a user argument: all positions for "<user>...", the first one for "<user> <other>".
func AddUserCompletion(f *Factory, group *cobra.Command) {
	complete := CompleteUsers(f)
	for _, c := range group.Commands() {
		AddUserCompletion(f, c)
		if c.ValidArgsFunction != nil {
			continue
		}
		_, rest, _ := strings.Cut(c.Use, " ")
		switch {
		case strings.HasPrefix(rest, "<user>...") || strings.HasPrefix(rest, "<guest>...") || strings.HasPrefix(rest, "(<user>..."):
			c.ValidArgsFunction = complete
		case strings.HasPrefix(rest, "<user>"):
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				if len(args) > 0 {
					return nil, cobra.ShellCompDirectiveNoFileComp
				}
				return complete(cmd, args, toComplete)
			}
		}
	}
}
