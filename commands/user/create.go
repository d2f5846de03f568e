package user

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/ops"
	"github.com/matterctl/matterctl/internal/prompt"
	"github.com/matterctl/matterctl/internal/records"
	"github.com/matterctl/matterctl/internal/safetext"
	"github.com/matterctl/matterctl/printer"
)

// CreateOptions are the inputs of `user create`.
type CreateOptions struct {
	IO       *iostreams.IOStreams
	Client   func() (client.Client, error)
	Printer  func() (*printer.Printer, error)
	Prompter prompt.Prompter

	Username     string
	Email        string
	Password     string
	PasswordFile string
	// PasswordOnArgv is set when --password was given on the command line (a warning follows).
	PasswordOnArgv      bool
	Nickname            string
	FirstName           string
	LastName            string
	Locale              string
	SystemAdmin         bool
	Guest               bool
	EmailVerified       bool
	DisableWelcomeEmail bool

	// Bulk.File is the CSV or JSON-lines file of users (--file); Parallel and DryRun apply to
	// both forms.
	Bulk cmdutil.BulkFlags
}

// createSingleFlags are the per-user flags, which --file replaces.
var createSingleFlags = []string{"username", "email", "password", "password-file", "nickname", "firstname",
	"lastname", "locale", "system-admin", "guest", "email-verified", "disable-welcome-email"}

// NewCmdCreate builds `user create`.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer, Prompter: f.Prompter}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create users",
		Long: `Create a user from flags, or many users from a file.

One user: --username, --email and --password are required (the password may instead come from
--password-file FILE, - for standard input, or a prompt on a terminal; it is never printed).
--system-admin makes the user a system admin, --guest a guest (at most one of them);
--email-verified marks the email address as verified; --disable-welcome-email sends no welcome
email. "Created user <username>" is reported on stderr and the new user on stdout.

Many users: --file users.csv|users.jsonl|- reads one user per row. A CSV file starts with a
header row naming its columns; JSON lines have one object per line. Columns and keys are the
flag names: username, email, password, nickname, firstname, lastname, locale, system_admin,
guest, email_verified, disable_welcome_email ("-" or "_" both work; booleans are true/false,
1/0, yes/no). The format follows the extension (.csv, .jsonl, .json); for standard input a
first "{" means JSON lines. Every row is checked before anything is created: a row with a
missing or invalid field, or repeating a username or email of an earlier row, fails on its
own with its line number. The other rows are created, --parallel at a time, each exactly once;
results are reported in file order (one JSON object per row in JSON formats), and the exit
status is 3 when some rows failed.

--dry-run checks every row (and whether its username or email is already taken on the server)
and creates nothing.`,
		Example: `  matterctl user create --username alice --email alice@example.com --password-file pw.txt
  matterctl user create --username bob --email bob@example.com --password 'S3cret!' --system-admin
  matterctl user create --file users.csv --dry-run
  matterctl user create --file users.jsonl --parallel 16 --json > results.json`,
		Args: cmdutil.ExactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := createValidateFlags(cmd, opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Username, "username", "", "Username (required)")
	fl.StringVar(&opts.Email, "email", "", "Email address (required)")
	fl.StringVar(&opts.Password, "password", "", "Password (required; prefer --password-file)")
	fl.StringVar(&opts.PasswordFile, "password-file", "", "Read the password from `FILE` (- for standard input)")
	fl.StringVar(&opts.Nickname, "nickname", "", "Nickname")
	fl.StringVar(&opts.FirstName, "firstname", "", "First name")
	fl.StringVar(&opts.LastName, "lastname", "", "Last name")
	fl.StringVar(&opts.Locale, "locale", "", "Locale, such as en or fr")
	fl.BoolVar(&opts.SystemAdmin, "system-admin", false, "Make the user a system admin")
	fl.BoolVar(&opts.Guest, "guest", false, "Make the user a guest")
	fl.BoolVar(&opts.EmailVerified, "email-verified", false, "Mark the email address as verified")
	fl.BoolVar(&opts.DisableWelcomeEmail, "disable-welcome-email", false, "Do not send the welcome email")
	cmdutil.AddFileCreateFlags(cmd, &opts.Bulk, "users", "Validate and check for existing users, create nothing")
	return cmd
}

// createValidateFlags checks the flags without network I/O; it reads --password-file.
func createValidateFlags(cmd *cobra.Command, opts *CreateOptions) error {
	if err := opts.Bulk.CheckFileCreate(cmd, createSingleFlags); err != nil || opts.Bulk.File != "" {
		return err
	}
	if err := cmdutil.MutuallyExclusive(cmd, "system-admin", "guest"); err != nil {
		return err
	}
	if err := cmdutil.MutuallyExclusive(cmd, "password", "password-file"); err != nil {
		return err
	}
	opts.PasswordOnArgv = opts.Password != ""
	if opts.PasswordFile != "" {
		pw, err := cmdutil.ReadSecretFile(opts.PasswordFile, opts.IO.In)
		if err != nil {
			return err
		}
		opts.Password = pw
	}
	var missing []string
	if strings.TrimSpace(opts.Username) == "" {
		missing = append(missing, `"username"`)
	}
	if strings.TrimSpace(opts.Email) == "" {
		missing = append(missing, `"email"`)
	}
	if opts.Password == "" && !opts.IO.CanPrompt() {
		missing = append(missing, `"password"`)
	}
	if len(missing) > 0 {
		return cmdutil.FlagErrorf("required flag(s) %s not set (or use --file)", strings.Join(missing, ", "))
	}
	spec := createSpec{
		Username: opts.Username, Email: opts.Email, Password: opts.Password, Nickname: opts.Nickname,
		FirstName: opts.FirstName, LastName: opts.LastName, Locale: opts.Locale,
		SystemAdmin: opts.SystemAdmin, Guest: opts.Guest, EmailVerified: opts.EmailVerified,
		DisableWelcomeEmail: opts.DisableWelcomeEmail,
	}
	if err := spec.normalize(opts.Password != ""); err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	opts.Username, opts.Email = spec.Username, spec.Email
	return nil
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	if opts.PasswordOnArgv {
		p.Warnf("--password exposes the password in the process list and shell history; use --password-file")
	}
	if opts.Bulk.File != "" {
		return createBulk(ctx, opts, p)
	}
	return createSingle(ctx, opts, p)
}

// createSpec is one user to create, from flags or from a row of a file.
type createSpec struct {
	Username, Email, Password, Nickname, FirstName, LastName, Locale string
	SystemAdmin, Guest, EmailVerified, DisableWelcomeEmail           bool
}

// normalize lower-cases the username and email as the server does and checks every field the
// server would reject, so that a bad row fails before anything is created.
func (s *createSpec) normalize(needPassword bool) error {
	s.Username = strings.ToLower(strings.TrimSpace(s.Username))
	s.Email = strings.ToLower(strings.TrimSpace(s.Email))
	var missing []string
	if s.Username == "" {
		missing = append(missing, "username")
	}
	if s.Email == "" {
		missing = append(missing, "email")
	}
	if needPassword && s.Password == "" {
		missing = append(missing, "password")
	}
	switch {
	case len(missing) == 1:
		return fmt.Errorf("%s is required", missing[0])
	case len(missing) > 1:
		return fmt.Errorf("%s are required", strings.Join(missing, ", "))
	case !model.IsValidUsername(s.Username):
		return fmt.Errorf("invalid username %q: use 1 to %d of a-z, 0-9, '.', '-' and '_' (some names are reserved)", safetext.Clip(s.Username, 64), model.UserNameMaxLength)
	case len(s.Email) > model.UserEmailMaxLength || !userValidEmail(s.Email):
		return fmt.Errorf("invalid email address %q", safetext.Clip(s.Email, 64))
	case len(s.Password) > model.UserPasswordMaxLength:
		return fmt.Errorf("the password is longer than %d bytes", model.UserPasswordMaxLength)
	case utf8.RuneCountInString(s.Nickname) > model.UserNicknameMaxRunes:
		return fmt.Errorf("the nickname is longer than %d characters", model.UserNicknameMaxRunes)
	case utf8.RuneCountInString(s.FirstName) > model.UserFirstNameMaxRunes:
		return fmt.Errorf("the first name is longer than %d characters", model.UserFirstNameMaxRunes)
	case utf8.RuneCountInString(s.LastName) > model.UserLastNameMaxRunes:
		return fmt.Errorf("the last name is longer than %d characters", model.UserLastNameMaxRunes)
	case !model.IsValidLocale(s.Locale):
		return fmt.Errorf("invalid locale %q", safetext.Clip(s.Locale, 64))
	case s.SystemAdmin && s.Guest:
		return errors.New("system_admin and guest cannot both be set")
	}
	return nil
}

// user is the model sent to POST /users.
func (s *createSpec) user() *model.User {
	return &model.User{
		Username:            s.Username,
		Email:               s.Email,
		Password:            s.Password,
		Nickname:            s.Nickname,
		FirstName:           s.FirstName,
		LastName:            s.LastName,
		Locale:              s.Locale,
		EmailVerified:       s.EmailVerified,
		DisableWelcomeEmail: s.DisableWelcomeEmail,
	}
}

// planned is the user a dry run would create, without its password.
func (s *createSpec) planned() *model.User {
	u := s.user()
	u.Password = ""
	u.Roles = model.SystemUserRoleId
	switch {
	case s.SystemAdmin:
		u.Roles = model.SystemUserRoleId + " " + model.SystemAdminRoleId
	case s.Guest:
		u.Roles = model.SystemGuestRoleId
	}
	return u
}

// userValidEmail is model.IsValidEmail without its logging (which writes to stdout).
func userValidEmail(s string) bool {
	if s != strings.ToLower(s) || strings.Count(s, "@") != 1 {
		return false
	}
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == s
}

// createUser creates one user and applies the role and verification the spec asks for. When a
// follow-up step fails the created user is returned with the error, which says it exists.
func createUser(ctx context.Context, c client.Client, s *createSpec) (*model.User, error) {
	return ops.CreateUser(ctx, c, s.user(), ops.UserSetup{SystemAdmin: s.SystemAdmin, Guest: s.Guest, EmailVerified: s.EmailVerified})
}

func createSingle(ctx context.Context, opts *CreateOptions, p *printer.Printer) error {
	spec := &createSpec{
		Username: opts.Username, Email: opts.Email, Password: opts.Password, Nickname: opts.Nickname,
		FirstName: opts.FirstName, LastName: opts.LastName, Locale: opts.Locale,
		SystemAdmin: opts.SystemAdmin, Guest: opts.Guest, EmailVerified: opts.EmailVerified,
		DisableWelcomeEmail: opts.DisableWelcomeEmail,
	}
	if spec.Password == "" && !opts.Bulk.DryRun {
		pw, err := createPromptPassword(opts)
		if err != nil {
			return err
		}
		spec.Password = pw
	}
	if err := spec.normalize(!opts.Bulk.DryRun); err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	if opts.Bulk.DryRun {
		errs, err := createCheckExisting(ctx, c, []*createSpec{spec})
		if err != nil {
			return err
		}
		if errs[0] != nil {
			return errs[0]
		}
		p.Infof("would create user %s (%s)", spec.Username, spec.Email)
		planned := spec.planned()
		return p.Object(planned, userFields(planned))
	}
	created, err := createUser(ctx, c, spec)
	if created == nil {
		return err
	}
	p.Successf("Created user %s", created.Username)
	if perr := p.Object(created, userFields(created)); perr != nil && err == nil {
		err = perr
	}
	return err
}

// createPromptPassword asks for the new user's password twice at a terminal.
func createPromptPassword(opts *CreateOptions) (string, error) {
	if opts.Prompter == nil || !opts.IO.CanPrompt() {
		return "", cmdutil.MissingFlagsError("--password or --password-file")
	}
	pw, err := opts.Prompter.Password("Password for the new user:")
	if err != nil {
		return "", cmdutil.ErrCancelled
	}
	again, err := opts.Prompter.Password("Repeat the password:")
	if err != nil {
		return "", cmdutil.ErrCancelled
	}
	if pw != again {
		return "", errors.New("the passwords do not match")
	}
	if pw == "" {
		return "", errors.New("the password is empty")
	}
	return pw, nil
}

// createCheckExisting looks up the usernames and emails of specs on the server in bulk. The
// result has one entry per spec: nil when neither is taken, else why the row cannot be created
// (already exists, or the lookup failed).
func createCheckExisting(ctx context.Context, c client.Client, specs []*createSpec) ([]error, error) {
	args := make([]string, 0, 2*len(specs))
	for _, s := range specs {
		// "@" forces a username lookup even for a username shaped like an ID.
		args = append(args, "@"+s.Username, s.Email)
	}
	refs, err := cmdutil.ResolveUsers(ctx, c, args)
	if err != nil {
		return nil, err
	}
	errs := make([]error, len(specs))
	for i, s := range specs {
		byName, byEmail := refs[2*i], refs[2*i+1]
		var nf *cmdutil.NotFoundError
		switch {
		case byName.Err == nil:
			errs[i] = cmdutil.Exists("username %s already exists", s.Username)
		case byEmail.Err == nil:
			errs[i] = cmdutil.Exists("a user with email %s already exists", s.Email)
		case !errors.As(byName.Err, &nf):
			errs[i] = fmt.Errorf("could not check username %s: %w", s.Username, byName.Err)
		case !errors.As(byEmail.Err, &nf):
			errs[i] = fmt.Errorf("could not check email %s: %w", s.Email, byEmail.Err)
		}
	}
	return errs, nil
}

func createBulk(ctx context.Context, opts *CreateOptions, p *printer.Printer) error {
	return userFileCreate.Run(ctx, p, cmdutil.FileCreateRun{
		Path: opts.Bulk.File, Stdin: opts.IO.In, DryRun: opts.Bulk.DryRun, SkipExisting: opts.Bulk.SkipExisting, Parallel: opts.Bulk.Parallel,
		Client: opts.Client,
	})
}

// userFileCreate creates the users of a --file.
var userFileCreate = cmdutil.FileCreate[*createSpec, *model.User]{
	Kind:   cmdutil.Users(),
	Schema: createFields,
	Parse:  createParse,
	Keys: func(s *createSpec) [][2]string {
		return [][2]string{{"username", s.Username}, {"email", s.Email}}
	},
	Existing: createCheckExisting,
	Planned:  (*createSpec).planned,
	Create:   createUser,
	Message: func(u *model.User, dryRun bool) string {
		if dryRun {
			return fmt.Sprintf("would create user %s (%s)", u.Username, u.Email)
		}
		return "Created user " + u.Username
	},
}

// createFields are the columns and keys of a users file: the flag names.
var createFields = records.Schema{
	{Name: "username", Required: true},
	{Name: "email", Required: true},
	{Name: "password", Required: true, KeepSpace: true},
	{Name: "nickname"},
	{Name: "firstname", Aliases: []string{"first_name"}},
	{Name: "lastname", Aliases: []string{"last_name"}},
	{Name: "locale"},
	{Name: "system_admin", Kind: records.Bool},
	{Name: "guest", Kind: records.Bool},
	{Name: "email_verified", Kind: records.Bool},
	{Name: "disable_welcome_email", Kind: records.Bool},
}

// createParse builds the spec of a record of a users file, named by its username.
func createParse(rec records.Record) (*createSpec, string, error) {
	f := rec.Fields
	s := &createSpec{
		Username: f["username"], Email: f["email"], Password: f["password"], Nickname: f["nickname"],
		FirstName: f["firstname"], LastName: f["lastname"], Locale: f["locale"],
		SystemAdmin: rec.Bool("system_admin"), Guest: rec.Bool("guest"),
		EmailVerified: rec.Bool("email_verified"), DisableWelcomeEmail: rec.Bool("disable_welcome_email"),
	}
	name := strings.ToLower(s.Username)
	if rec.Err != nil {
		return s, name, nil
	}
	return s, name, s.normalize(true)
}
