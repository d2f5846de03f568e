package user

import (
	"context"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// Fields `user edit` changes.
const (
	editFieldUsername = "username"
	editFieldEmail    = "email"
	editFieldAuthData = "authdata"
)

// EditOptions are the inputs of `user edit username|email|authdata`.
type EditOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	// Field is what changes: "username", "email" or "authdata".
	Field string
	User  string
	Value string
	// DryRun resolves the user and validates the value, and changes nothing.
	DryRun bool
}

// NewCmdEdit builds the `user edit` group: username, email and authdata.
func NewCmdEdit(f *cmdutil.Factory, runF func(context.Context, *EditOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "edit <command>",
		Short: "Change a user's username, email or authentication data",
		Long: `Change a user's username, email or authentication data.

Username and email are changed with a patch of that one field, so a concurrent change to
another field of the user is never overwritten.`,
	}
	cmd.AddCommand(
		newCmdEditField(f, runF, editFieldUsername, "<user> <new-username>", "Change a user's username",
			`Change a user's username. The new username is checked before anything is sent: lowercase
letters, digits, '.', '-' and '_', and not a reserved name (all, channel, matterbot, system). The server
may enforce further rules.`,
			`  matterctl user edit username alice alice.smith
  matterctl user edit username alice@example.com alice2 --dry-run`),
		newCmdEditField(f, runF, editFieldEmail, "<user> <new-email>", "Change a user's email address",
			`Change a user's email address. The new address is checked before anything is sent.`,
			`  matterctl user edit email alice alice.smith@example.com`),
		newCmdEditField(f, runF, editFieldAuthData, "<user> <new-authdata>", "Change a user's authentication data",
			`Change the authentication data of a user: the ID the SSO provider (LDAP, SAML, GitLab, …)
knows the user by. The user's authentication service is kept. The value cannot be empty: the
server does not accept clearing it.`,
			`  matterctl user edit authdata alice 0123456789`),
	)
	return cmd
}

func newCmdEditField(f *cmdutil.Factory, runF func(context.Context, *EditOptions) error, field, args, short, long, example string) *cobra.Command {
	opts := &EditOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer, Field: field}
	cmd := &cobra.Command{
		Use:               field + " " + args,
		ValidArgsFunction: cmdutil.CompleteFirst(cmdutil.CompleteUsers(f)),
		Short:             short,
		Long:              long,
		Example:           example,
		Args:              cmdutil.ExactArgs(2, "a user and the new "+field),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.User, opts.Value = args[0], args[1]
			if err := validateEditValue(field, opts.Value); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return editRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Resolve the user and validate the value, change nothing")
	return cmd
}

// validateEditValue checks the new value locally, as the server would, so that a typo is a
// usage error rather than a round trip.
func validateEditValue(field, value string) error {
	switch field {
	case editFieldUsername:
		if !model.IsValidUsername(strings.ToLower(value)) {
			return cmdutil.FlagErrorf("invalid username %q: use up to %d lowercase letters, digits, '.', '-' or '_', and not a reserved name",
				value, model.UserNameMaxLength)
		}
	case editFieldEmail:
		if len(value) > model.UserEmailMaxLength || !model.IsValidEmail(strings.ToLower(value)) {
			return cmdutil.FlagErrorf("invalid email address %q", value)
		}
	case editFieldAuthData:
		if value == "" {
			// The server refuses empty auth data (HTTP 400); say so before sending anything.
			return cmdutil.FlagErrorf("authentication data cannot be empty: the server does not accept clearing it")
		}
		if len(value) > model.UserAuthDataMaxLength {
			return cmdutil.FlagErrorf("authentication data is too long: at most %d characters", model.UserAuthDataMaxLength)
		}
	}
	return nil
}

func editRun(ctx context.Context, opts *EditOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	u, err := cmdutil.ResolveUser(ctx, c, opts.User)
	if err != nil {
		return err
	}

	current, label := editCurrentValue(u, opts.Field)
	// The API never shows auth data (it reads as ""), so it is always sent.
	known := opts.Field != editFieldAuthData
	if known && current == editNormalize(opts.Field, opts.Value) {
		p.Infof("User %s already has %s %q: nothing to change", u.Username, label, opts.Value)
		if p.Structured() && !opts.DryRun {
			return p.Object(u, userFields(u))
		}
		return nil
	}
	if opts.DryRun {
		if known {
			p.Infof("would change the %s of user %s (%s) from %q to %q", label, u.Username, u.Id, current, opts.Value)
		} else {
			p.Infof("would set the %s of user %s (%s) to %q", label, u.Username, u.Id, opts.Value)
		}
		return nil
	}

	updated := u
	switch opts.Field {
	case editFieldUsername, editFieldEmail:
		patch := &model.UserPatch{}
		value := opts.Value
		if opts.Field == editFieldUsername {
			patch.Username = &value
		} else {
			patch.Email = &value
		}
		pu, _, err := c.PatchUser(ctx, u.Id, patch)
		if err != nil {
			return err
		}
		if pu != nil {
			updated = pu
		}
	case editFieldAuthData:
		value := opts.Value
		auth, _, err := c.UpdateUserAuth(ctx, u.Id, &model.UserAuth{AuthData: &value, AuthService: u.AuthService})
		if err != nil {
			return err
		}
		if auth != nil {
			u.AuthData = auth.AuthData
			u.AuthService = auth.AuthService
		} else {
			u.AuthData = &value
		}
	default:
		return fmt.Errorf("unknown field %q", opts.Field)
	}
	p.Successf("User %s %s updated successfully", u.Username, opts.Field)
	if p.Structured() {
		return p.Object(updated, userFields(updated))
	}
	return nil
}

// editCurrentValue is the user's present value of field and how messages name the field.
func editCurrentValue(u *model.User, field string) (value, label string) {
	switch field {
	case editFieldUsername:
		return u.Username, "username"
	case editFieldEmail:
		return u.Email, "email"
	default:
		if u.AuthData != nil {
			value = *u.AuthData
		}
		return value, "authentication data"
	}
}

// editNormalize is value as the server stores it (usernames and emails in lowercase).
func editNormalize(field, value string) string {
	if field == editFieldUsername || field == editFieldEmail {
		return strings.ToLower(value)
	}
	return value
}
