package user

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/prompt"
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
	fl.StringVar(&opts.Bulk.File, "file", "", "Create the users listed in `FILE` (CSV or JSON lines; - for standard input)")
	fl.IntVar(&opts.Bulk.Parallel, "parallel", cmdutil.DefaultParallel, "How many users to create at once with --file")
	fl.BoolVar(&opts.Bulk.DryRun, "dry-run", false, "Validate and check for existing users, create nothing")
	return cmd
}

// createValidateFlags checks the flags without network I/O; it reads --password-file.
func createValidateFlags(cmd *cobra.Command, opts *CreateOptions) error {
	if opts.Bulk.Parallel < 1 || opts.Bulk.Parallel > 64 {
		return cmdutil.FlagErrorf("--parallel must be between 1 and 64, got %d", opts.Bulk.Parallel)
	}
	if opts.Bulk.File != "" {
		var set []string
		for _, name := range createSingleFlags {
			if cmd.Flags().Changed(name) {
				set = append(set, "--"+name)
			}
		}
		if len(set) > 0 {
			return cmdutil.FlagErrorf("--file cannot be used with %s: give those as columns of the file", strings.Join(set, ", "))
		}
		return nil
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
		return fmt.Errorf("invalid username %q: use 1 to %d of a-z, 0-9, '.', '-' and '_' (some names are reserved)", s.Username, model.UserNameMaxLength)
	case len(s.Email) > model.UserEmailMaxLength || !userValidEmail(s.Email):
		return fmt.Errorf("invalid email address %q", s.Email)
	case len(s.Password) > model.UserPasswordMaxLength:
		return fmt.Errorf("the password is longer than %d bytes", model.UserPasswordMaxLength)
	case utf8.RuneCountInString(s.Nickname) > model.UserNicknameMaxRunes:
		return fmt.Errorf("the nickname is longer than %d characters", model.UserNicknameMaxRunes)
	case utf8.RuneCountInString(s.FirstName) > model.UserFirstNameMaxRunes:
		return fmt.Errorf("the first name is longer than %d characters", model.UserFirstNameMaxRunes)
	case utf8.RuneCountInString(s.LastName) > model.UserLastNameMaxRunes:
		return fmt.Errorf("the last name is longer than %d characters", model.UserLastNameMaxRunes)
	case !model.IsValidLocale(s.Locale):
		return fmt.Errorf("invalid locale %q", s.Locale)
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
	created, _, err := c.CreateUser(ctx, s.user())
	if err != nil {
		return nil, err
	}
	if created == nil {
		return nil, errors.New("the server returned no user")
	}
	created.Password = ""
	switch {
	case s.SystemAdmin:
		roles := model.SystemUserRoleId + " " + model.SystemAdminRoleId
		if _, err := c.UpdateUserRoles(ctx, created.Id, roles); err != nil {
			return created, fmt.Errorf("created user %s, but could not make them a system admin: %w", created.Username, err)
		}
		created.Roles = roles
	case s.Guest:
		if _, err := c.DemoteUserToGuest(ctx, created.Id); err != nil {
			return created, fmt.Errorf("created user %s, but could not make them a guest: %w", created.Username, err)
		}
		created.Roles = model.SystemGuestRoleId
	}
	// The server keeps email_verified only when an admin creates the user; verify explicitly
	// when it was dropped.
	if s.EmailVerified && !created.EmailVerified {
		if _, _, err := c.VerifyUserEmailWithoutToken(ctx, created.Id); err != nil {
			return created, fmt.Errorf("created user %s, but could not verify their email: %w", created.Username, err)
		}
		created.EmailVerified = true
	}
	return created, nil
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
			errs[i] = fmt.Errorf("username %s already exists", s.Username)
		case byEmail.Err == nil:
			errs[i] = fmt.Errorf("a user with email %s already exists", s.Email)
		case !errors.As(byName.Err, &nf):
			errs[i] = fmt.Errorf("could not check username %s: %w", s.Username, byName.Err)
		case !errors.As(byEmail.Err, &nf):
			errs[i] = fmt.Errorf("could not check email %s: %w", s.Email, byEmail.Err)
		}
	}
	return errs, nil
}

// createRow is one row of a --file: the user to create, or why the row cannot be.
type createRow struct {
	label string
	spec  *createSpec
	err   error
}

func createBulk(ctx context.Context, opts *CreateOptions, p *printer.Printer) error {
	rows, err := createReadFile(opts.Bulk.File, opts.IO.In)
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	if opts.Bulk.DryRun {
		var specs []*createSpec
		var idx []int
		for i, r := range rows {
			if r.err == nil {
				specs = append(specs, r.spec)
				idx = append(idx, i)
			}
		}
		if len(specs) > 0 {
			errs, err := createCheckExisting(ctx, c, specs)
			if err != nil {
				return err
			}
			for j, e := range errs {
				if e != nil {
					rows[idx[j]].err = e
				}
			}
		}
	}

	var results *printer.List[cmdutil.Row]
	if p.Structured() {
		results = printer.NewList(p, cmdutil.RowColumns...)
	}
	err = cmdutil.RunEach(ctx, p, rows, opts.Bulk.Parallel, func(r createRow) string { return r.label },
		func(ctx context.Context, r createRow) (*model.User, error) {
			switch {
			case r.err != nil:
				return nil, r.err
			case opts.Bulk.DryRun:
				return r.spec.planned(), nil
			}
			return createUser(ctx, c, r.spec)
		},
		func(o cmdutil.Outcome[*model.User]) error {
			if o.Err == nil && o.Result != nil {
				if opts.Bulk.DryRun {
					p.Infof("would create user %s (%s)", o.Result.Username, o.Result.Email)
				} else {
					p.Successf("Created user %s", o.Result.Username)
				}
			}
			if results == nil {
				return nil
			}
			row := cmdutil.Row{Input: o.Label, OK: o.Err == nil, DryRun: opts.Bulk.DryRun, User: o.Result}
			if o.Err != nil {
				row.Error = cmdutil.ErrorMessageLine(o.Err)
			}
			return results.Add(row)
		})
	if results != nil {
		if cerr := results.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}

// createReadFile reads and checks every row of a users file ("-" is stdin). Rows that cannot
// be created carry their error; a file that cannot be read or parsed at all is an error.
func createReadFile(path string, stdin io.Reader) ([]createRow, error) {
	var r io.Reader = stdin
	name := "standard input"
	if path != "-" {
		fh, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		r = fh
		name = path
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var rows []createRow
	var err error
	switch createFileFormat(path, br) {
	case "json":
		rows, err = createReadJSON(br, name)
	default:
		rows, err = createReadCSV(br, name)
	}
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, cmdutil.FlagErrorf("%s holds no users", name)
	}
	createMarkDuplicates(rows)
	return rows, nil
}

// createFileFormat is "csv" or "json", from the extension or else from the first byte.
func createFileFormat(path string, br *bufio.Reader) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv"
	case ".jsonl", ".ndjson", ".json":
		return "json"
	}
	if c := createFirstByte(br); c == '{' || c == '[' {
		return "json"
	}
	return "csv"
}

// createKeys maps normalised column names and JSON keys to the setter of a spec field.
var createKeys = map[string]func(s *createSpec, v string) error{
	"username":              func(s *createSpec, v string) error { s.Username = v; return nil },
	"email":                 func(s *createSpec, v string) error { s.Email = v; return nil },
	"password":              func(s *createSpec, v string) error { s.Password = v; return nil },
	"nickname":              func(s *createSpec, v string) error { s.Nickname = v; return nil },
	"firstname":             func(s *createSpec, v string) error { s.FirstName = v; return nil },
	"lastname":              func(s *createSpec, v string) error { s.LastName = v; return nil },
	"locale":                func(s *createSpec, v string) error { s.Locale = v; return nil },
	"system_admin":          func(s *createSpec, v string) error { return createParseBool(&s.SystemAdmin, v) },
	"guest":                 func(s *createSpec, v string) error { return createParseBool(&s.Guest, v) },
	"email_verified":        func(s *createSpec, v string) error { return createParseBool(&s.EmailVerified, v) },
	"disable_welcome_email": func(s *createSpec, v string) error { return createParseBool(&s.DisableWelcomeEmail, v) },
}

// createKeyAliases are accepted spellings of keys: the API's own field names.
var createKeyAliases = map[string]string{"first_name": "firstname", "last_name": "lastname"}

// createNormalizeKey turns "System-Admin" or "first_name" into a key of createKeys.
func createNormalizeKey(k string) string {
	k = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(k, "\ufeff")))
	k = strings.ReplaceAll(k, "-", "_")
	if a, ok := createKeyAliases[k]; ok {
		return a
	}
	return k
}

func createKnownKeys() string {
	keys := make([]string, 0, len(createKeys))
	for k := range createKeys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

func createParseBool(dst *bool, v string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1", "yes", "y", "t":
		*dst = true
	case "false", "0", "no", "n", "f", "":
		*dst = false
	default:
		// The value is not echoed: a misplaced column could hold a password.
		return errors.New("not a boolean (use true/false, 1/0 or yes/no)")
	}
	return nil
}

// createSetField sets one field; every value but the password is trimmed.
func createSetField(s *createSpec, key, value string) error {
	set, ok := createKeys[key]
	if !ok {
		return fmt.Errorf("unknown field %q (known: %s)", key, createKnownKeys())
	}
	if key != "password" {
		value = strings.TrimSpace(value)
	}
	if err := set(s, value); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}

// createNewRow builds the row for a parsed record at where ("line 3", "item 2").
func createNewRow(where string, s *createSpec, err error) createRow {
	if err == nil {
		err = s.normalize(true)
	}
	label := where
	if s.Username != "" {
		label += ": " + strings.ToLower(strings.TrimSpace(s.Username))
	}
	return createRow{label: label, spec: s, err: err}
}

func createReadCSV(br *bufio.Reader, name string) ([]createRow, error) {
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	keys := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		k := createNormalizeKey(h)
		if _, ok := createKeys[k]; !ok {
			return nil, fmt.Errorf("%s line 1: unknown column %q (known: %s)", name, h, createKnownKeys())
		}
		if seen[k] {
			return nil, fmt.Errorf("%s line 1: column %q appears twice", name, k)
		}
		seen[k] = true
		keys[i] = k
	}
	for _, k := range []string{"username", "email", "password"} {
		if !seen[k] {
			return nil, fmt.Errorf("%s line 1: the header has no %q column", name, k)
		}
	}
	var rows []createRow
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		where := fmt.Sprintf("line %d", line)
		if createBlankRecord(rec) {
			continue
		}
		s := &createSpec{}
		var rowErr error
		if len(rec) != len(keys) {
			rowErr = fmt.Errorf("%d fields, but the header has %d", len(rec), len(keys))
		}
		// Set every field, also after an error, so that the row is labelled by its username.
		for i := 0; i < len(rec) && i < len(keys); i++ {
			if err := createSetField(s, keys[i], rec[i]); err != nil && rowErr == nil {
				rowErr = err
			}
		}
		rows = append(rows, createNewRow(where, s, rowErr))
	}
}

func createBlankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// createReadJSON reads JSON lines (one object per line) or one JSON array of objects.
func createReadJSON(br *bufio.Reader, name string) ([]createRow, error) {
	if createFirstByte(br) == '[' {
		return createReadJSONArray(br, name)
	}
	var rows []createRow
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			rows = append(rows, createRowFromJSON(fmt.Sprintf("line %d", line), b))
		}
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
}

// createFirstByte peeks at the first byte that is not white space or a UTF-8 byte order mark.
func createFirstByte(br *bufio.Reader) byte {
	for n := 1; ; n++ {
		b, err := br.Peek(n)
		if len(b) < n || err != nil {
			return 0
		}
		if bom := []byte("\xef\xbb\xbf"); n <= len(bom) && bytes.Equal(b, bom[:n]) {
			continue
		}
		switch c := b[n-1]; c {
		case ' ', '\t', '\r', '\n':
			continue
		default:
			return c
		}
	}
}

func createReadJSONArray(br *bufio.Reader, name string) ([]createRow, error) {
	dec := json.NewDecoder(br)
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var rows []createRow
	for item := 1; dec.More(); item++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s item %d: %w", name, item, err)
		}
		rows = append(rows, createRowFromJSON(fmt.Sprintf("item %d", item), raw))
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return rows, nil
}

// createRowFromJSON parses one JSON object whose keys are the create flags.
func createRowFromJSON(where string, b []byte) createRow {
	s := &createSpec{}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(bytes.TrimPrefix(bytes.TrimSpace(b), []byte("\xef\xbb\xbf")), &obj); err != nil {
		return createRow{label: where, spec: s, err: fmt.Errorf("invalid JSON: %w", err)}
	}
	if obj == nil {
		return createRow{label: where, spec: s, err: errors.New("expected a JSON object")}
	}
	// Apply keys in a fixed order so the first error reported does not depend on map order.
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	// Set every field, also after an error, so that the row is labelled by its username.
	var rowErr error
	seen := map[string]string{}
	for _, k := range keys {
		nk := createNormalizeKey(k)
		var err error
		if prev, dup := seen[nk]; dup {
			err = fmt.Errorf("keys %q and %q are the same field", prev, k)
		} else {
			seen[nk] = k
			var v string
			if v, err = createJSONValue(obj[k]); err != nil {
				err = fmt.Errorf("%s: %w", k, err)
			} else {
				err = createSetField(s, nk, v)
			}
		}
		if err != nil && rowErr == nil {
			rowErr = err
		}
	}
	return createNewRow(where, s, rowErr)
}

// createJSONValue turns a JSON string, boolean, number or null into the text a CSV cell holds.
func createJSONValue(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case '{', '[':
		return "", errors.New("expected a string, boolean or number")
	}
	return string(raw), nil
}

// createMarkDuplicates fails every row that repeats the username or email of an earlier row.
func createMarkDuplicates(rows []createRow) {
	names := map[string]string{}
	emails := map[string]string{}
	for i := range rows {
		r := &rows[i]
		if r.err != nil {
			continue
		}
		where, _, _ := strings.Cut(r.label, ":")
		if first, dup := names[r.spec.Username]; dup {
			r.err = fmt.Errorf("username %s repeats %s", r.spec.Username, first)
			continue
		}
		if first, dup := emails[r.spec.Email]; dup {
			r.err = fmt.Errorf("email %s repeats %s", r.spec.Email, first)
			continue
		}
		names[r.spec.Username] = where
		emails[r.spec.Email] = where
	}
}
