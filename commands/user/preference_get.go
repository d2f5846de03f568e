package user

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

func newCmdPreferenceGet(f *cmdutil.Factory, runF func(context.Context, *PreferenceOptions) error) *cobra.Command {
	opts := newPreferenceOptions(f, preferenceActionGet)
	cmd := &cobra.Command{
		Use:               "get <user>... --category CATEGORY --name NAME",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Get one preference of users",
		Long: `Get one preference, given by category and name, of each user.

A user who does not have the preference is reported on standard error ("not found"); the
others are printed. JSON output is an array of preference objects.`,
		Example: `  matterctl user preference get alice --category display_settings --name use_military_time
  matterctl user preference get --file users.txt -c display_settings -n use_military_time --json`,
		RunE: preferenceRunE(opts, runF, func(cmd *cobra.Command) error {
			if err := validatePreferenceKey(cmd, opts, true); err != nil {
				return err
			}
			if opts.Name == "" {
				return cmdutil.FlagErrorf("--name must not be empty")
			}
			return nil
		}),
	}
	cmd.Flags().StringVarP(&opts.Category, "category", "c", "", "The preference's `category` (required)")
	cmd.Flags().StringVarP(&opts.Name, "name", "n", "", "The preference's `name` (required)")
	addPreferenceReadFlags(cmd, &opts.Bulk)
	return cmd
}
