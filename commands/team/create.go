package team

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
	"github.com/matterctl/matterctl/internal/records"
	"github.com/matterctl/matterctl/internal/safetext"
	"github.com/matterctl/matterctl/printer"
)

// CreateOptions are the inputs of `team create`.
type CreateOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Name        string
	DisplayName string
	Private     bool
	Email       string

	// Bulk.File is the CSV or JSON-lines file of teams (--file); Parallel and DryRun apply to
	// both forms.
	Bulk cmdutil.BulkFlags
}

// createSingleFlags are the per-team flags, which --file replaces.
var createSingleFlags = []string{"name", "display-name", "private", "email"}

// NewCmdCreate builds `team create`.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create teams",
		Long: `Create a team from flags, or many teams from a file.

One team: --name (the name in the team's URL: 2 to 64 lowercase letters, digits and '-') and
--display-name are required. A team is public (anyone on the server may join it) unless
--private is given (members join by invitation only). "Created team <name>" is reported on
stderr and the new team on stdout. The account that creates the team becomes its first member
and admin.

--email sets the team's contact email. The server ignores it except over the local-mode socket
(--local): it gives a team its creator's email, and a warning says so.

Many teams: --file teams.csv|teams.jsonl|- reads one team per row. A CSV file starts with a
header row naming its columns; JSON lines have one object per line. Columns and keys are the
flag names: name, display_name, private, email ("-" or "_" both work; booleans are true/false,
1/0, yes/no). Every row is checked before anything is created: a row with a missing or invalid
field, or repeating the name of an earlier row, fails on its own with its line number. The other
rows are created, --parallel at a time; results are reported in file order (one JSON object per
row in JSON formats), and the exit status is 3 when some rows failed.

--dry-run checks the flags or every row, and whether each name is already taken on the server
(archived teams keep their names), and creates nothing.`,
		Example: `  matterctl team create --name devops --display-name "DevOps Team"
  matterctl team create --name board --display-name "Board" --private
  matterctl team create --file teams.csv --dry-run
  matterctl team create --file teams.jsonl --json > results.json`,
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
	fl.StringVar(&opts.Name, "name", "", "Team name, as in the team's URL (required)")
	fl.StringVar(&opts.DisplayName, "display-name", "", "Display name (required)")
	fl.BoolVar(&opts.Private, "private", false, "Make the team private: members join by invitation only")
	fl.StringVar(&opts.Email, "email", "", "Contact email of the team (applied over --local only)")
	cmdutil.AddFileCreateFlags(cmd, &opts.Bulk, "teams", "Validate and check for existing teams, create nothing")
	return cmd
}

// createValidateFlags checks the flags without I/O.
func createValidateFlags(cmd *cobra.Command, opts *CreateOptions) error {
	if err := opts.Bulk.CheckFileCreate(cmd, createSingleFlags); err != nil || opts.Bulk.File != "" {
		return err
	}
	var missing []string
	if strings.TrimSpace(opts.Name) == "" {
		missing = append(missing, `"name"`)
	}
	if strings.TrimSpace(opts.DisplayName) == "" {
		missing = append(missing, `"display-name"`)
	}
	if len(missing) > 0 {
		return cmdutil.FlagErrorf("required flag(s) %s not set (or use --file)", strings.Join(missing, ", "))
	}
	spec := opts.spec()
	if err := spec.normalize(); err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	opts.Name, opts.DisplayName, opts.Email = spec.Name, spec.DisplayName, spec.Email
	return nil
}

func (opts *CreateOptions) spec() *teamSpec {
	return &teamSpec{Name: opts.Name, DisplayName: opts.DisplayName, Email: opts.Email, Private: opts.Private}
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	if opts.Bulk.File != "" {
		return createBulk(ctx, opts, p)
	}
	spec := opts.spec()
	if err := spec.normalize(); err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	if opts.Bulk.DryRun {
		errs, err := createCheckExisting(ctx, c, []*teamSpec{spec})
		if err != nil {
			return err
		}
		if errs[0] != nil {
			return errs[0]
		}
		planned := spec.planned()
		p.Infof("%s", createMessage(planned, true))
		return p.Object(planned, teamFields(planned))
	}
	created, err := createTeam(ctx, c, spec, p)
	if err != nil {
		return err
	}
	p.Successf("%s", createMessage(created, false))
	return p.Object(created, teamFields(created))
}

func createMessage(t *model.Team, dryRun bool) string {
	if dryRun {
		return fmt.Sprintf("would create %s team %s (%s)", teamPrivacy(t), t.Name, t.DisplayName)
	}
	return "Created team " + t.Name
}

// teamSpec is one team to create, from flags or from a row of a file.
type teamSpec struct {
	Name, DisplayName, Email string
	Private                  bool
}

// normalize lower-cases the name and email as the server does and checks every field the
// server would reject, so that a bad row fails before anything is created.
func (s *teamSpec) normalize() error {
	s.Name = strings.ToLower(strings.TrimSpace(s.Name))
	s.DisplayName = strings.TrimSpace(s.DisplayName)
	s.Email = strings.ToLower(strings.TrimSpace(s.Email))
	var missing []string
	if s.Name == "" {
		missing = append(missing, "name")
	}
	if s.DisplayName == "" {
		missing = append(missing, "display_name")
	}
	switch {
	case len(missing) == 1:
		return fmt.Errorf("%s is required", missing[0])
	case len(missing) > 1:
		return fmt.Errorf("%s are required", strings.Join(missing, ", "))
	case len(s.Name) > model.TeamNameMaxLength:
		return fmt.Errorf("invalid team name %q: use %d to %d lowercase letters, digits and '-', starting and ending with a letter or digit",
			safetext.Clip(s.Name, 64), model.TeamNameMinLength, model.TeamNameMaxLength)
	case model.IsReservedTeamName(s.Name):
		return fmt.Errorf("invalid team name %q: team names cannot start with a reserved word (admin, api, channel, help, login, plugins, signup, …)", safetext.Clip(s.Name, 64))
	case !model.IsValidTeamName(s.Name):
		return fmt.Errorf("invalid team name %q: use %d to %d lowercase letters, digits and '-', starting and ending with a letter or digit",
			safetext.Clip(s.Name, 64), model.TeamNameMinLength, model.TeamNameMaxLength)
	case utf8.RuneCountInString(s.DisplayName) > model.TeamDisplayNameMaxRunes:
		return fmt.Errorf("the display name is longer than %d characters", model.TeamDisplayNameMaxRunes)
	case s.Email != "" && (len(s.Email) > model.TeamEmailMaxLength || !teamValidEmail(s.Email)):
		return fmt.Errorf("invalid email address %q", safetext.Clip(s.Email, 64))
	}
	return nil
}

// team is the model sent to POST /teams. A public team allows open invitations, as
// `team modify --public` makes it.
func (s *teamSpec) team() *model.Team {
	t := &model.Team{Name: s.Name, DisplayName: s.DisplayName, Email: s.Email, Type: model.TeamOpen, AllowOpenInvite: true}
	if s.Private {
		t.Type, t.AllowOpenInvite = model.TeamInvite, false
	}
	return t
}

// planned is the team a dry run would create.
func (s *teamSpec) planned() *model.Team { return s.team() }

// teamValidEmail is model.IsValidEmail without its logging.
func teamValidEmail(s string) bool {
	if strings.Count(s, "@") != 1 {
		return false
	}
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == s
}

// teamCreationDomains is the server setting that can refuse to let an account create teams.
var teamCreationDomains = cmdutil.Setting{Key: "TeamSettings.RestrictCreationToDomains", Want: "a list that includes the account's email domain"}

// createTeam creates one team. A requested email the server replaced (it gives a team its
// creator's email, except over the local-mode socket) is a warning.
func createTeam(ctx context.Context, c client.Client, s *teamSpec, p *printer.Printer) (*model.Team, error) {
	created, _, err := c.CreateTeam(ctx, s.team())
	if e := client.AsError(err); e != nil && e.ID == "app.team.save.existing.app_error" {
		// Mattermost 7.8 words a taken name as "Must call update for existing team., invalid
		// input: entity: Team field: id"; say what it means.
		return nil, &teamExistsError{name: s.Name, archived: createIsArchived(ctx, c, s.Name), err: err}
	}
	if err != nil {
		return nil, cmdutil.RefusedBy(err, "api.team.is_team_creation_allowed.domain",
			"team creation for the email domain of this account", teamCreationDomains)
	}
	if created == nil {
		return nil, errors.New("the server returned no team")
	}
	if s.Email != "" && !strings.EqualFold(created.Email, s.Email) {
		p.Warnf("team %s has the email %s: the server gives a team its creator's email and ignores the one asked (%s), except over --local",
			created.Name, created.Email, s.Email)
	}
	return created, nil
}

// teamExistsError is the server's refusal to create a team whose name is taken.
type teamExistsError struct {
	name     string
	archived bool
	err      error
}

func (e *teamExistsError) Error() string {
	if e.archived {
		return fmt.Sprintf("team %s already exists (archived)", e.name)
	}
	return fmt.Sprintf("team %s already exists", e.name)
}

func (e *teamExistsError) Unwrap() error { return e.err }

// createIsArchived reports whether the team with that name is archived; false when it cannot
// be told.
func createIsArchived(ctx context.Context, c client.Client, name string) bool {
	t, _, err := c.GetTeamByName(client.WithIdempotent(ctx), name, "")
	return err == nil && t != nil && t.DeleteAt != 0
}

// createCheckExisting looks the names of specs up on the server (several at a time). The result
// has one entry per spec: nil when the name is free, else why the team cannot be created.
func createCheckExisting(ctx context.Context, c client.Client, specs []*teamSpec) ([]error, error) {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	refs, err := cmdutil.ResolveEach(ctx, names, func(ctx context.Context, name string) (*model.Team, error) {
		t, _, err := c.GetTeamByName(client.WithIdempotent(ctx), name, "")
		return t, err
	})
	if err != nil {
		return nil, err
	}
	errs := make([]error, len(specs))
	for i, r := range refs {
		switch {
		case r.Err == nil && r.Obj != nil && r.Obj.DeleteAt != 0:
			errs[i] = cmdutil.Exists("team %s already exists (archived)", specs[i].Name)
		case r.Err == nil && r.Obj != nil:
			errs[i] = cmdutil.Exists("team %s already exists", specs[i].Name)
		case r.Err != nil && !client.IsNotFound(r.Err):
			errs[i] = fmt.Errorf("could not check team name %s: %w", specs[i].Name, r.Err)
		}
	}
	return errs, nil
}

// createFields are the columns and keys of a teams file: the flag names.
var createFields = records.Schema{
	{Name: "name", Required: true},
	{Name: "display_name", Aliases: []string{"displayname"}, Required: true},
	{Name: "private", Kind: records.Bool},
	{Name: "email"},
}

// createParse builds the spec of a record of a teams file, named by its team name.
func createParse(rec records.Record) (*teamSpec, string, error) {
	f := rec.Fields
	s := &teamSpec{Name: f["name"], DisplayName: f["display_name"], Email: f["email"], Private: rec.Bool("private")}
	name := strings.ToLower(strings.TrimSpace(s.Name))
	if rec.Err != nil {
		return s, name, nil
	}
	return s, name, s.normalize()
}

func createBulk(ctx context.Context, opts *CreateOptions, p *printer.Printer) error {
	fc := cmdutil.FileCreate[*teamSpec, *model.Team]{
		Kind:     teamKind(),
		Schema:   createFields,
		Parse:    createParse,
		Keys:     func(s *teamSpec) [][2]string { return [][2]string{{"name", s.Name}} },
		Existing: createCheckExisting,
		Planned:  (*teamSpec).planned,
		Create: func(ctx context.Context, c client.Client, s *teamSpec) (*model.Team, error) {
			return createTeam(ctx, c, s, p)
		},
		Message: createMessage,
	}
	return fc.Run(ctx, p, cmdutil.FileCreateRun{
		Path: opts.Bulk.File, Stdin: opts.IO.In, DryRun: opts.Bulk.DryRun, SkipExisting: opts.Bulk.SkipExisting, Parallel: opts.Bulk.Parallel,
		Client: opts.Client,
	})
}
