package user

import (
	"context"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

func newCmdPreferenceSet(f *cmdutil.Factory, runF func(context.Context, *PreferenceOptions) error) *cobra.Command {
	opts := newPreferenceOptions(f, preferenceActionSet)
	cmd := &cobra.Command{
		Use:               "set <user>... --category CATEGORY --name NAME --value VALUE",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Aliases:           []string{"update"},
		Short:             "Set a preference of users",
		Long: `Set one preference, given by category and name, to a value for each user. It is
created when the user does not have it yet.`,
		Example: `  matterctl user preference set alice bob -c display_settings -n use_military_time -v true
  matterctl user preference set --file users.txt -c display_settings -n colorize_usernames -v false --dry-run`,
		RunE: preferenceRunE(opts, runF, func(cmd *cobra.Command) error {
			if err := validatePreferenceKey(cmd, opts, true); err != nil {
				return err
			}
			if !cmd.Flags().Changed("value") {
				return cmdutil.FlagErrorf("--value is required")
			}
			return validatePreferenceValue(opts)
		}),
	}
	cmd.Flags().StringVarP(&opts.Category, "category", "c", "", "The preference's `category` (required)")
	cmd.Flags().StringVarP(&opts.Name, "name", "n", "", "The preference's `name` (required)")
	cmd.Flags().StringVarP(&opts.Value, "value", "v", "", "The new `value` (required)")
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

// preferenceWriteRun sets or deletes the preference for each user.
func preferenceWriteRun(ctx context.Context, opts *PreferenceOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	verb := cmdutil.Verb[*model.User]{Args: opts.Users, DryRun: opts.Bulk.DryRun, Parallel: opts.Bulk.Parallel}
	if opts.Action == preferenceActionDelete {
		verb.Plan = fmt.Sprintf("delete preference %s %s of", opts.Category, opts.Name)
		verb.Done = "Deleted a preference of"
		verb.Apply = func(ctx context.Context, u *model.User) (*model.User, error) {
			pref := model.Preference{UserId: u.Id, Category: opts.Category, Name: opts.Name}
			_, err := c.DeletePreferences(ctx, u.Id, model.Preferences{pref})
			return u, err
		}
		verb.Message = func(u *model.User) string {
			return fmt.Sprintf("Preference %s %s for %s deleted successfully", opts.Category, opts.Name, u.Username)
		}
	} else {
		verb.Plan = fmt.Sprintf("set preference %s %s to %q for", opts.Category, opts.Name, opts.Value)
		verb.Done = "Set a preference of"
		verb.Apply = func(ctx context.Context, u *model.User) (*model.User, error) {
			pref := model.Preference{UserId: u.Id, Category: opts.Category, Name: opts.Name, Value: opts.Value}
			_, err := c.UpdatePreferences(ctx, u.Id, model.Preferences{pref})
			return u, err
		}
		verb.Message = func(u *model.User) string {
			return fmt.Sprintf("Preference %s %s for %s updated successfully", opts.Category, opts.Name, u.Username)
		}
	}
	return cmdutil.RunVerb(ctx, c, p, cmdutil.Users(), verb)
}
