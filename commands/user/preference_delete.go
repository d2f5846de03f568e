package user

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

func newCmdPreferenceDelete(f *cmdutil.Factory, runF func(context.Context, *PreferenceOptions) error) *cobra.Command {
	opts := newPreferenceOptions(f, preferenceActionDelete)
	cmd := &cobra.Command{
		Use:               "delete <user>... --category CATEGORY --name NAME",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Delete a preference of users",
		Long: `Delete one preference, given by category and name, of each user: the apps fall back to
the default. Deleting a preference a user does not have succeeds.`,
		Example: `  matterctl user preference delete alice -c display_settings -n use_military_time
  matterctl user preference delete --file users.txt -c display_settings -n use_military_time --dry-run`,
		RunE: preferenceRunE(opts, runF, func(cmd *cobra.Command) error {
			return validatePreferenceKey(cmd, opts, true)
		}),
	}
	cmd.Flags().StringVarP(&opts.Category, "category", "c", "", "The preference's `category` (required)")
	cmd.Flags().StringVarP(&opts.Name, "name", "n", "", "The preference's `name` (required)")
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}
