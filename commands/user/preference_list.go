package user

import (
	"context"
	"net/http"
	"sort"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/printer"
)

func newCmdPreferenceList(f *cmdutil.Factory, runF func(context.Context, *PreferenceOptions) error) *cobra.Command {
	opts := newPreferenceOptions(f, preferenceActionList)
	cmd := &cobra.Command{
		Use:               "list <user>... [--category CATEGORY]",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "List users' preferences",
		Long: `List the preferences of users, all of them or those of one category.

Users are listed in argument order, each user's preferences sorted by category and name.
JSON output is an array of preference objects ({"user_id","category","name","value"}).`,
		Example: `  matterctl user preference list alice
  matterctl user preference list alice bob --category display_settings --json`,
		RunE: preferenceRunE(opts, runF, func(cmd *cobra.Command) error {
			if len(opts.Category) > preferenceCategoryMaxLength {
				return cmdutil.FlagErrorf("--category is too long: at most %d characters", preferenceCategoryMaxLength)
			}
			return nil
		}),
	}
	cmd.Flags().StringVarP(&opts.Category, "category", "c", "", "Only preferences of this `category`")
	addPreferenceReadFlags(cmd, &opts.Bulk)
	return cmd
}

// preferenceReadRun lists (list) or fetches one preference (get) of each user: one request
// per user with bounded concurrency, output in argument order.
func preferenceReadRun(ctx context.Context, opts *PreferenceOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	refs, err := cmdutil.ResolveUsers(ctx, c, opts.Users)
	if err != nil {
		return err
	}
	// The same user given twice (by name and by ID) is listed once.
	usernames := map[string]string{}
	unique := refs[:0:0]
	for _, r := range refs {
		if r.Err == nil && r.User != nil {
			if _, seen := usernames[r.User.Id]; seen {
				continue
			}
			usernames[r.User.Id] = r.User.Username
		}
		unique = append(unique, r)
	}

	list := printer.NewList(p, preferenceColumns(usernames)...)
	err = cmdutil.RunEach(ctx, p, unique, opts.Bulk.Parallel, func(r cmdutil.UserRef) string { return r.Arg },
		func(ctx context.Context, r cmdutil.UserRef) (model.Preferences, error) {
			if r.Err != nil {
				return nil, r.Err
			}
			if r.User == nil {
				return nil, &cmdutil.NotFoundError{Kind: "user", Name: r.Arg}
			}
			return fetchPreferences(ctx, c, opts, r.User.Id)
		},
		func(o cmdutil.Outcome[model.Preferences]) error {
			for _, pref := range o.Result {
				if err := list.Add(pref); err != nil {
					return err
				}
			}
			return nil
		})
	return cmdutil.EndList(list, err)
}

func fetchPreferences(ctx context.Context, c client.Client, opts *PreferenceOptions, userID string) (model.Preferences, error) {
	var prefs model.Preferences
	switch {
	case opts.Action == preferenceActionGet:
		pref, _, err := c.GetPreferenceByCategoryAndName(ctx, userID, opts.Category, opts.Name)
		if err != nil {
			if client.IsNotFound(err) || isMissingPreference(err) {
				return nil, &cmdutil.NotFoundError{Kind: "preference", Name: opts.Category + " " + opts.Name}
			}
			return nil, err
		}
		if pref == nil {
			return nil, &cmdutil.NotFoundError{Kind: "preference", Name: opts.Category + " " + opts.Name}
		}
		return model.Preferences{*pref}, nil
	case opts.Category != "":
		var err error
		prefs, _, err = c.GetPreferencesByCategory(ctx, userID, opts.Category)
		// The server answers 404 for a category the user has no preferences in.
		if err != nil && client.StatusOf(err) != http.StatusNotFound {
			return nil, err
		}
	default:
		var err error
		if prefs, _, err = c.GetPreferences(ctx, userID); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(prefs, func(i, j int) bool {
		if prefs[i].Category != prefs[j].Category {
			return prefs[i].Category < prefs[j].Category
		}
		return prefs[i].Name < prefs[j].Name
	})
	return prefs, nil
}

// isMissingPreference recognises how Mattermost 7.8 answers for a preference that does not
// exist: HTTP 400 with app.preference.get.app_error rather than 404.
func isMissingPreference(err error) bool {
	e := client.AsError(err)
	return e != nil && e.Status == 400 && e.ID == "app.preference.get.app_error"
}
