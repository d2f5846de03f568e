package user

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// MigrateAuthOptions are the inputs of `user migrate-auth`.
type MigrateAuthOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)
	// Confirm asks the question unless --confirm/--yes was given (cmdutil.ConfirmFlags.Confirm).
	Confirm func(question string) error

	From string // email, gitlab, ldap, saml, google, office365
	To   string // ldap or saml
	// MatchField is the LDAP attribute accounts are matched on (email or username).
	MatchField string
	// UsersFile is the SAML users file: a JSON object mapping current emails to SAML usernames.
	UsersFile string

	Force  bool // ldap
	Auto   bool // saml
	DryRun bool
	Yes    cmdutil.ConfirmFlags
}

// The sources each target accepts, as the server validates them.
var (
	migrateAuthFromLDAP = []string{"email", "gitlab", "saml", "google", "office365"}
	migrateAuthFromSAML = []string{"email", "gitlab", "ldap", "google", "office365"}
	migrateAuthMatch    = []string{"email", "username"}
)

// NewCmdMigrateAuth builds `user migrate-auth`.
func NewCmdMigrateAuth(f *cmdutil.Factory, runF func(context.Context, *MigrateAuthOptions) error) *cobra.Command {
	opts := &MigrateAuthOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	opts.Confirm = func(question string) error { return opts.Yes.Confirm(f, question) }
	cmd := &cobra.Command{
		Use:     "migrate-auth <from> <to> [<match-field> | <users-file>]",
		Aliases: []string{"migrate_auth"},
		Short:   "Move accounts from one sign-in method to LDAP or SAML",
		Long: `Move every account that signs in with <from> to LDAP or SAML. The server needs an
Enterprise license with the target feature; its refusal is shown as is.

To LDAP: matterctl user migrate-auth <from> ldap <match-field>
  <from> is email, gitlab, saml, google or office365. <match-field> is the account field
  matched against the LDAP server: email or username. --force migrates even when the LDAP
  server holds duplicates (those are skipped).

To SAML: matterctl user migrate-auth <from> saml <users-file>
     or: matterctl user migrate-auth <from> saml --auto
  <from> is email, gitlab, ldap, google or office365. <users-file> is a JSON object that maps
  each account's current email to its SAML username (- reads standard input). --auto instead
  assumes usernames and emails are the same in SAML; it asks for confirmation at a terminal
  and needs --confirm (or --yes) elsewhere.

--dry-run validates the arguments and the users file and prints the planned migration.`,
		Example: `  matterctl user migrate-auth email ldap email
  matterctl user migrate-auth ldap saml users.json
  matterctl user migrate-auth email saml --auto --confirm`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) < 2 || len(args) > 3 {
				return cmdutil.FlagErrorf("%s expects <from> <to> and, depending on <to>, a match field or users file; got %d argument(s)", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.From = strings.ToLower(strings.TrimSpace(args[0]))
			opts.To = strings.ToLower(strings.TrimSpace(args[1]))
			var third string
			if len(args) == 3 {
				third = args[2]
			}
			if err := migrateAuthValidate(opts, len(args) == 3, third); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return migrateAuthRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Force, "force", false, "Migrate even if the LDAP server has duplicate entries; duplicates are skipped (ldap only)")
	fl.BoolVar(&opts.Auto, "auto", false, "Match accounts on identical usernames and emails in SAML, without a users file (saml only)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Validate and print the planned migration, change nothing")
	cmdutil.AddConfirmFlags(cmd, &opts.Yes)
	return cmd
}

// migrateAuthValidate checks the argument combination without I/O.
func migrateAuthValidate(opts *MigrateAuthOptions, hasThird bool, third string) error {
	switch opts.To {
	case "ldap":
		if !slices.Contains(migrateAuthFromLDAP, opts.From) {
			return cmdutil.FlagErrorf("cannot migrate from %q to ldap: <from> must be one of %s", opts.From, strings.Join(migrateAuthFromLDAP, ", "))
		}
		if opts.Auto {
			return cmdutil.FlagErrorf("--auto applies only to a migration to saml")
		}
		if !hasThird {
			return cmdutil.FlagErrorf("a migration to ldap needs a match field: %s", strings.Join(migrateAuthMatch, " or "))
		}
		opts.MatchField = strings.ToLower(strings.TrimSpace(third))
		if !slices.Contains(migrateAuthMatch, opts.MatchField) {
			return cmdutil.FlagErrorf("invalid match field %q: use %s", third, strings.Join(migrateAuthMatch, " or "))
		}
	case "saml":
		if !slices.Contains(migrateAuthFromSAML, opts.From) {
			return cmdutil.FlagErrorf("cannot migrate from %q to saml: <from> must be one of %s", opts.From, strings.Join(migrateAuthFromSAML, ", "))
		}
		if opts.Force {
			return cmdutil.FlagErrorf("--force applies only to a migration to ldap")
		}
		switch {
		case opts.Auto && hasThird:
			return cmdutil.FlagErrorf("--auto takes no users file: give either %s or --auto", third)
		case !opts.Auto && !hasThird:
			return cmdutil.FlagErrorf("a migration to saml needs a users file (JSON: current email → SAML username) or --auto")
		}
		opts.UsersFile = third
	default:
		return cmdutil.FlagErrorf("cannot migrate to %q: <to> must be ldap or saml", opts.To)
	}
	return nil
}

func migrateAuthRun(ctx context.Context, opts *MigrateAuthOptions) error {
	var matches map[string]string
	if opts.To == "saml" && !opts.Auto {
		var err error
		if matches, err = migrateAuthReadUsers(opts.UsersFile, opts.IO.In); err != nil {
			return err
		}
	}
	if opts.To == "saml" && opts.Auto && !opts.DryRun && !opts.Yes.Yes && !opts.IO.CanPrompt() {
		return cmdutil.MissingFlagsError("--confirm (or --yes)")
	}
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	if opts.DryRun {
		switch {
		case opts.To == "ldap":
			p.Infof("would migrate the accounts signing in with %s to ldap, matching on %s (force: %t)", opts.From, opts.MatchField, opts.Force)
		case opts.Auto:
			p.Infof("would migrate the accounts signing in with %s to saml automatically (same usernames and emails in SAML)", opts.From)
		default:
			p.Infof("would migrate the accounts signing in with %s to saml, %d listed in %s", opts.From, len(matches), opts.UsersFile)
		}
		return nil
	}
	if opts.To == "saml" && opts.Auto {
		question := fmt.Sprintf("Migrate every account that signs in with %s to SAML automatically? This is right only if the "+
			"usernames and emails are the same in SAML; otherwise give a users file instead of --auto.", opts.From)
		if err := opts.Confirm(question); err != nil {
			return err
		}
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	if opts.To == "ldap" {
		_, err = c.MigrateAuthToLdap(ctx, opts.From, opts.MatchField, opts.Force)
	} else {
		if matches == nil {
			matches = map[string]string{}
		}
		_, err = c.MigrateAuthToSaml(ctx, opts.From, matches, opts.Auto)
	}
	if err != nil {
		return err
	}
	p.Successf("Successfully migrated accounts.")
	return nil
}

// migrateAuthReadUsers reads the SAML users file: a JSON object of strings.
func migrateAuthReadUsers(path string, stdin io.Reader) (map[string]string, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the users file: %w", err)
	}
	var matches map[string]string
	if err := json.Unmarshal(b, &matches); err != nil {
		return nil, fmt.Errorf("invalid users file %s: want a JSON object mapping current emails to SAML usernames: %w", path, err)
	}
	if len(matches) == 0 {
		return nil, fmt.Errorf("the users file %s lists no accounts", path)
	}
	return matches, nil
}
