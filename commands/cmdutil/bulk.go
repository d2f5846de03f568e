package cmdutil

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/printer"
)

// ReadArgsFile reads one argument per line from path ("-" is stdin). Blank lines and lines
// starting with # are skipped; surrounding whitespace is trimmed.
func ReadArgsFile(path string, stdin io.Reader) ([]string, error) {
	var r io.Reader = stdin
	if path != "-" {
		fh, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		r = fh
	}
	var args []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		args = append(args, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return args, nil
}

// BulkFlags are the flags shared by multi-argument verbs.
type BulkFlags struct {
	File     string
	Parallel int
	DryRun   bool
}

// AddBulkFlags registers --file, --parallel and --dry-run.
func AddBulkFlags(cmd *cobra.Command, b *BulkFlags, what string) {
	cmd.Flags().StringVar(&b.File, "file", "", "Read "+what+" from `FILE`, one per line (- for standard input)")
	cmd.Flags().IntVar(&b.Parallel, "parallel", DefaultParallel, "How many requests to run at once")
	cmd.Flags().BoolVar(&b.DryRun, "dry-run", false, "Resolve and validate, print what would change, change nothing")
}

// Args merges positional arguments with those read from --file, validating --parallel.
// It does I/O only when --file is set.
func (b *BulkFlags) Args(args []string, stdin io.Reader, what string) ([]string, error) {
	if b.Parallel < 1 || b.Parallel > 64 {
		return nil, FlagErrorf("--parallel must be between 1 and 64, got %d", b.Parallel)
	}
	return ArgsWithFile(args, b.File, stdin, what)
}

// ArgsWithFile appends the arguments read from file (if any) to args and requires at least one.
func ArgsWithFile(args []string, file string, stdin io.Reader, what string) ([]string, error) {
	if file != "" {
		more, err := ReadArgsFile(file, stdin)
		if err != nil {
			return nil, err
		}
		args = append(args, more...)
	}
	if len(args) == 0 {
		return nil, FlagErrorf("give at least one %s as an argument or with --file", what)
	}
	return args, nil
}

// ConfirmFlags are --confirm and its alias --yes.
type ConfirmFlags struct{ Yes bool }

// AddConfirmFlags registers --confirm and --yes (-y).
func AddConfirmFlags(cmd *cobra.Command, c *ConfirmFlags) {
	cmd.Flags().BoolVar(&c.Yes, "confirm", false, "Do not ask for confirmation")
	cmd.Flags().BoolVarP(&c.Yes, "yes", "y", false, "Do not ask for confirmation (same as --confirm)")
}

// Confirm asks question at a terminal unless --confirm/--yes was given. Without a terminal it
// is a usage error naming --confirm. Declining is ErrCancelled.
func (c ConfirmFlags) Confirm(f *Factory, question string) error {
	if c.Yes {
		return nil
	}
	if !f.IOStreams.CanPrompt() {
		return MissingFlagsError("--confirm (or --yes)")
	}
	ok, err := f.Prompter.Confirm(question, false)
	if err != nil || !ok {
		return ErrCancelled
	}
	return nil
}

// Row is the per-argument result of a multi-argument verb in JSON output.
type Row struct {
	Input  string `json:"input"`
	OK     bool   `json:"ok"`
	DryRun bool   `json:"dry_run,omitempty"`
	// DuplicateOf is the 1-based position of an earlier argument naming the same object.
	DuplicateOf int                    `json:"duplicate_of,omitempty"`
	User        *model.User            `json:"user,omitempty"`
	Token       *model.UserAccessToken `json:"token,omitempty"`
	Error       string                 `json:"error,omitempty"`
}

// NewRow is the JSON row of an outcome; set puts the object under its kind's key.
func NewRow[R any](o Outcome[R], dryRun bool, set func(*Row, R)) Row {
	row := Row{Input: o.Label, OK: o.Err == nil, DryRun: dryRun, DuplicateOf: o.DuplicateOf}
	if o.Err != nil {
		row.Error = ErrorMessageLine(o.Err)
	}
	set(&row, o.Result)
	return row
}

// UserRefKey identifies the user a resolved argument names ("" when it did not resolve).
func UserRefKey(r UserRef) string {
	if r.Err != nil || r.User == nil {
		return ""
	}
	return r.User.Id
}

// RowColumns are the table/plain columns of rows; multi-argument verbs print rows on stdout
// only in JSON formats, so these serve --format table|plain when a verb chooses to list rows.
var RowColumns = []printer.Column[Row]{
	{Header: "input", Value: func(r Row) string { return r.Input }},
	{Header: "ok", Value: func(r Row) string { return fmt.Sprint(r.OK) }},
	{Header: "error", Value: func(r Row) string { return r.Error }},
}

// UserVerb describes a verb applied to each of a list of users.
type UserVerb struct {
	Args     []string
	Strict   bool // destructive: every argument must resolve before anything changes
	DryRun   bool
	Parallel int
	// Plan is the verb in the infinitive for dry runs ("deactivate"), Done the past tense for
	// success messages ("Deactivated").
	Plan, Done string
	// Check runs before any change (after resolution) and may refuse a user (e.g. already a bot).
	Check func(u *model.User) error
	// Apply changes one user and returns the user to report (nil: the resolved one).
	Apply func(ctx context.Context, u *model.User) (*model.User, error)
	// Message optionally replaces the default success line for a user.
	Message func(u *model.User) string
	// PlanMessage optionally replaces the dry-run line for a user; "" keeps the default.
	PlanMessage func(u *model.User) string
}

// RunUserVerb applies a verb to users given as arguments; see RunVerb.
func RunUserVerb(ctx context.Context, c client.Client, p *printer.Printer, v UserVerb) error {
	return RunVerb(ctx, c, p, Users(), Verb[*model.User]{
		Args: v.Args, Strict: v.Strict, DryRun: v.DryRun, Parallel: v.Parallel,
		Plan: v.Plan, Done: v.Done, Check: v.Check, Apply: v.Apply,
		Message: v.Message, PlanMessage: v.PlanMessage,
	})
}

// ScrubUser returns u without the secrets some endpoints send back unsanitised (password hash,
// MFA secret), for printing. u itself is not changed.
func ScrubUser(u *model.User) *model.User {
	if u == nil || (u.Password == "" && u.MfaSecret == "") {
		return u
	}
	clean := *u
	clean.Password, clean.MfaSecret = "", ""
	return &clean
}
