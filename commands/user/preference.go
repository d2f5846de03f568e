package user

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// Actions of `user preference`.
const (
	preferenceActionList   = "list"
	preferenceActionGet    = "get"
	preferenceActionSet    = "set"
	preferenceActionDelete = "delete"
)

// preferenceCategoryMaxLength and preferenceNameMaxLength are the server's limits
// (model.Preference.IsValid).
const (
	preferenceCategoryMaxLength = 32
	preferenceNameMaxLength     = 32
)

// PreferenceOptions are the inputs of `user preference list|get|set|delete`.
type PreferenceOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	// Action is the subcommand: "list", "get", "set" or "delete".
	Action   string
	Users    []string
	Category string
	Name     string
	Value    string
	// Bulk holds --file and --parallel (and --dry-run for set and delete).
	Bulk cmdutil.BulkFlags
}

// NewCmdPreference builds the `user preference` group (alias `pref`).
func NewCmdPreference(f *cmdutil.Factory, runF func(context.Context, *PreferenceOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "preference <command>",
		Aliases: []string{"pref"},
		Short:   "List, get, set and delete user preferences",
		Long: `List, get, set and delete user preferences: the per-user settings of the web and
desktop apps (display settings, notifications, sidebar, theme, …), each identified by a
category and a name.`,
	}
	cmd.AddCommand(
		newCmdPreferenceList(f, runF),
		newCmdPreferenceGet(f, runF),
		newCmdPreferenceSet(f, runF),
		newCmdPreferenceDelete(f, runF),
	)
	return cmd
}

func newPreferenceOptions(f *cmdutil.Factory, action string) *PreferenceOptions {
	return &PreferenceOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer, Action: action}
}

// preferenceRunE is the RunE shared by the preference verbs: it merges --file into the user
// list, runs validate (flag checks, no I/O), then the verb.
func preferenceRunE(opts *PreferenceOptions, runF func(context.Context, *PreferenceOptions) error,
	validate func(cmd *cobra.Command) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if err := validate(cmd); err != nil {
			return err
		}
		users, err := opts.Bulk.Args(args, opts.IO.In, "user")
		if err != nil {
			return err
		}
		opts.Users = users
		if runF != nil {
			return runF(cmd.Context(), opts)
		}
		switch opts.Action {
		case preferenceActionList, preferenceActionGet:
			return preferenceReadRun(cmd.Context(), opts)
		default:
			return preferenceWriteRun(cmd.Context(), opts)
		}
	}
}

// addPreferenceReadFlags registers --file and --parallel for the read-only verbs.
func addPreferenceReadFlags(cmd *cobra.Command, b *cmdutil.BulkFlags) {
	cmd.Flags().StringVar(&b.File, "file", "", "Read users from `FILE`, one per line (- for standard input)")
	cmd.Flags().IntVar(&b.Parallel, "parallel", cmdutil.DefaultParallel, "How many requests to run at once")
}

// validatePreferenceKey checks --category and --name as the server would.
func validatePreferenceKey(cmd *cobra.Command, opts *PreferenceOptions, nameRequired bool) error {
	if strings.TrimSpace(opts.Category) == "" {
		return cmdutil.FlagErrorf("--category is required")
	}
	if len(opts.Category) > preferenceCategoryMaxLength {
		return cmdutil.FlagErrorf("--category is too long: at most %d characters", preferenceCategoryMaxLength)
	}
	if nameRequired && !cmd.Flags().Changed("name") {
		return cmdutil.FlagErrorf("--name is required")
	}
	if len(opts.Name) > preferenceNameMaxLength {
		return cmdutil.FlagErrorf("--name is too long: at most %d characters", preferenceNameMaxLength)
	}
	return nil
}

// validatePreferenceValue checks --value as the server would.
func validatePreferenceValue(opts *PreferenceOptions) error {
	if utf8.RuneCountInString(opts.Value) > model.MaxPreferenceValueLength {
		return cmdutil.FlagErrorf("--value is too long: at most %d characters", model.MaxPreferenceValueLength)
	}
	if opts.Category == model.PreferenceCategoryTheme {
		var theme map[string]string
		if err := json.Unmarshal([]byte(opts.Value), &theme); err != nil {
			return cmdutil.FlagErrorf("--value of a theme preference must be a JSON object of strings")
		}
	}
	if opts.Category == model.PreferenceCategorySidebarSettings && opts.Name == model.PreferenceLimitVisibleDmsGms {
		n, err := strconv.Atoi(opts.Value)
		if err != nil || n < 1 || n > model.PreferenceMaxLimitVisibleDmsGmsValue {
			return cmdutil.FlagErrorf("--value of %s must be a number from 1 to %d", model.PreferenceLimitVisibleDmsGms, model.PreferenceMaxLimitVisibleDmsGmsValue)
		}
	}
	return nil
}

// preferenceColumns are the table and plain columns of preferences; the user column shows
// the username where known (the JSON objects carry user_id).
func preferenceColumns(usernames map[string]string) []printer.Column[model.Preference] {
	return []printer.Column[model.Preference]{
		{Header: "user", Value: func(p model.Preference) string {
			if name := usernames[p.UserId]; name != "" {
				return name
			}
			return p.UserId
		}},
		{Header: "category", Value: func(p model.Preference) string { return p.Category }},
		{Header: "name", Value: func(p model.Preference) string { return p.Name }},
		{Header: "value", Value: func(p model.Preference) string { return p.Value }},
	}
}
