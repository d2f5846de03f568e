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

// CompleteUsers suggests usernames that start with the word being completed, at every
// argument position, asking the server with a short timeout. Any failure (no credentials, no
// network) suggests nothing: completion must never print errors into the user's shell.
func CompleteUsers(f *Factory) cobra.CompletionFunc {
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

// CompleteProfiles suggests the names of the stored profiles, at every argument position.
// A missing or unreadable credentials file suggests nothing.
func CompleteProfiles(f *Factory) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return ProfileNames(f), cobra.ShellCompDirectiveNoFileComp
	}
}

// CompleteAt completes the argument at position i (0-based) with complete, and suggests
// nothing (and no file names) at any other position.
func CompleteAt(i int, complete cobra.CompletionFunc) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) != i {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return complete(cmd, args, toComplete)
	}
}

// CompleteFirst completes the first argument with complete, and nothing after it.
func CompleteFirst(complete cobra.CompletionFunc) cobra.CompletionFunc {
	return CompleteAt(0, complete)
}
