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
	"github.com/matterctl/matterctl/internal/prompt"
	"github.com/matterctl/matterctl/printer"
)

// ConvertOptions are the inputs of `user convert`.
type ConvertOptions struct {
	IO       *iostreams.IOStreams
	Client   func() (client.Client, error)
	Printer  func() (*printer.Printer, error)
	Prompter prompt.Prompter

	Users []string
	Bulk  cmdutil.BulkFlags

	ToBot  bool
	ToUser bool

	// The fields of the user account a bot becomes (--user only). Empty means "keep".
	Password     string
	PasswordFile string
	Username     string
	Email        string
	Nickname     string
	FirstName    string
	LastName     string
	Locale       string
	SystemAdmin  bool
}

// convertUserOnlyFlags apply only to --user.
var convertUserOnlyFlags = []string{"password", "password-file", "username", "email", "nickname", "firstname", "lastname", "locale", "system-admin"}

// NewCmdConvert builds `user convert`.
func NewCmdConvert(f *cmdutil.Factory, runF func(context.Context, *ConvertOptions) error) *cobra.Command {
	opts := &ConvertOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer, Prompter: f.Prompter}
	cmd := &cobra.Command{
		Use:               "convert (<user>... --bot | <bot> --user --password-file FILE)",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Short:             "Convert users to bots, or a bot to a user",
		Long: `Convert user accounts to bots (--bot), or one bot to a user account (--user).

With --bot, users are given as IDs, usernames, @usernames or emails, as arguments or with
--file; a user that is already a bot is reported as a failure and left unchanged.

With --user, exactly one bot is converted. The new account needs a password: give it with
--password-file (a file, or - for standard input) or --password; at a terminal it is asked
for. --username, --email, --nickname, --firstname, --lastname and --locale set those fields,
--system-admin also makes the account a system admin.`,
		Example: `  matterctl user convert alice bob --bot
  matterctl user convert mybot --user --password-file pw.txt --email mybot@example.com
  matterctl user convert --file accounts.txt --bot --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case opts.ToBot && opts.ToUser:
				return cmdutil.FlagErrorf("--bot and --user cannot be used together")
			case !opts.ToBot && !opts.ToUser:
				return cmdutil.FlagErrorf("give --bot (convert users to bots) or --user (convert a bot to a user)")
			}
			if opts.ToBot {
				var set []string
				for _, name := range convertUserOnlyFlags {
					if cmd.Flags().Changed(name) {
						set = append(set, "--"+name)
					}
				}
				switch len(set) {
				case 0:
				case 1:
					return cmdutil.FlagErrorf("%s applies only with --user", set[0])
				default:
					return cmdutil.FlagErrorf("%s apply only with --user", strings.Join(set, ", "))
				}
			}
			if err := cmdutil.MutuallyExclusive(cmd, "password", "password-file"); err != nil {
				return err
			}
			if opts.PasswordFile == "-" && opts.Bulk.File == "-" {
				return cmdutil.FlagErrorf("--password-file - and --file - cannot both read standard input")
			}
			what := "user"
			if opts.ToUser {
				what = "bot"
			}
			users, err := opts.Bulk.Args(args, opts.IO.In, what)
			if err != nil {
				return err
			}
			if opts.ToUser && len(users) != 1 {
				return cmdutil.FlagErrorf("--user converts one bot at a time, got %d", len(users))
			}
			opts.Users = users
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return convertRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.ToBot, "bot", false, "Convert users to bots")
	fl.BoolVar(&opts.ToUser, "user", false, "Convert a bot to a user account")
	fl.StringVar(&opts.Password, "password", "", "Password of the new user account (--user; prefer --password-file)")
	fl.StringVar(&opts.PasswordFile, "password-file", "", "Read the password of the new user account from `FILE` (- for standard input)")
	fl.StringVar(&opts.Username, "username", "", "Username of the new user account (--user)")
	fl.StringVar(&opts.Email, "email", "", "Email of the new user account (--user)")
	fl.StringVar(&opts.Nickname, "nickname", "", "Nickname of the new user account (--user)")
	fl.StringVar(&opts.FirstName, "firstname", "", "First name of the new user account (--user)")
	fl.StringVar(&opts.LastName, "lastname", "", "Last name of the new user account (--user)")
	fl.StringVar(&opts.Locale, "locale", "", "Locale of the new user account, e.g. en (--user)")
	fl.BoolVar(&opts.SystemAdmin, "system-admin", false, "Make the new user account a system admin (--user)")
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func convertRun(ctx context.Context, opts *ConvertOptions) error {
	var patch *model.UserPatch
	if opts.ToUser {
		var err error
		if patch, err = convertPatch(opts); err != nil {
			return err
		}
	}
	p, err := opts.Printer()
	if err == nil && opts.Password != "" {
		p.Warnf("--password exposes the password in the process list and shell history; use --password-file")
	}
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	verb := cmdutil.Verb[*model.User]{Args: opts.Users, DryRun: opts.Bulk.DryRun, Parallel: opts.Bulk.Parallel}
	if opts.ToBot {
		verb.Plan, verb.Done = "convert to a bot", "Converted"
		verb.Check = func(u *model.User) error {
			if u.IsBot {
				return fmt.Errorf("%s is already a bot", u.Username)
			}
			return nil
		}
		verb.Apply = func(ctx context.Context, u *model.User) (*model.User, error) {
			if _, _, err := c.ConvertUserToBot(ctx, u.Id); err != nil {
				return nil, err
			}
			u.IsBot = true
			return u, nil
		}
		verb.Message = func(u *model.User) string { return u.Username + " converted to bot." }
		return cmdutil.RunVerb(ctx, c, p, cmdutil.Users(), verb)
	}

	verb.Plan, verb.Done = "convert to a regular user account the bot", "Converted"
	verb.Check = func(u *model.User) error {
		if !u.IsBot {
			return fmt.Errorf("%s is not a bot", u.Username)
		}
		return nil
	}
	verb.Apply = func(ctx context.Context, u *model.User) (*model.User, error) {
		converted, _, err := c.ConvertBotToUser(ctx, u.Id, patch, opts.SystemAdmin)
		if err != nil {
			return nil, err
		}
		if converted == nil {
			u.IsBot = false
			return u, nil
		}
		return converted, nil
	}
	verb.Message = func(u *model.User) string { return u.Username + " converted to user." }
	if opts.Bulk.DryRun {
		if changes := convertChanges(opts); changes != "" {
			p.Infof("the account would get: %s", changes)
		}
	}
	return cmdutil.RunVerb(ctx, c, p, cmdutil.Users(), verb)
}

// convertPatch builds the UserPatch for --user, reading or asking for the password. A dry run
// needs no password at a terminal (it would be asked for), but elsewhere it validates that
// one was given, as the real run would.
func convertPatch(opts *ConvertOptions) (*model.UserPatch, error) {
	password := opts.Password
	if opts.PasswordFile != "" {
		var err error
		if password, err = cmdutil.ReadSecretFile(opts.PasswordFile, opts.IO.In); err != nil {
			return nil, err
		}
	}
	if password == "" {
		if !opts.IO.CanPrompt() {
			return nil, cmdutil.MissingFlagsError("--password-file (or --password)")
		}
		if !opts.Bulk.DryRun {
			var err error
			if password, err = opts.Prompter.Password("Password for the new user account"); err != nil {
				return nil, cmdutil.ErrCancelled
			}
		}
	}
	patch := &model.UserPatch{}
	if password != "" {
		patch.Password = model.NewPointer(password)
	}
	for _, f := range []struct {
		value string
		dst   **string
	}{
		{opts.Username, &patch.Username},
		{opts.Email, &patch.Email},
		{opts.Nickname, &patch.Nickname},
		{opts.FirstName, &patch.FirstName},
		{opts.LastName, &patch.LastName},
		{opts.Locale, &patch.Locale},
	} {
		if f.value != "" {
			*f.dst = model.NewPointer(f.value)
		}
	}
	return patch, nil
}

// convertChanges describes the --user changes for a dry run. The password is never shown.
func convertChanges(opts *ConvertOptions) string {
	var parts []string
	for _, f := range []struct{ name, value string }{
		{"username", opts.Username}, {"email", opts.Email}, {"nickname", opts.Nickname},
		{"first name", opts.FirstName}, {"last name", opts.LastName}, {"locale", opts.Locale},
	} {
		if f.value != "" {
			parts = append(parts, fmt.Sprintf("%s %q", f.name, f.value))
		}
	}
	parts = append(parts, "a password")
	if opts.SystemAdmin {
		parts = append(parts, "the system admin role")
	}
	return strings.Join(parts, ", ")
}
