package cmdutil

import "github.com/spf13/cobra"

// CompleteThenUsers completes the first argument with first (a team or a channel) and every
// later one with usernames: the arguments of the members verbs.
func CompleteThenUsers(f *Factory, first cobra.CompletionFunc) cobra.CompletionFunc {
	users := CompleteUsers(f)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return first(cmd, args, toComplete)
		}
		return users(cmd, args, toComplete)
	}
}
