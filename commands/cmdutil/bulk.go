package cmdutil

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"
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
	name := path
	if path == "-" {
		name = "standard input"
	}
	var args []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxArgLine)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// A binary file (or one in another encoding) is refused whole, before any request.
		if !utf8.ValidString(line) || strings.ContainsRune(line, 0) {
			return nil, fmt.Errorf("%s:%d: not a line of text (invalid UTF-8 or a NUL byte): give one argument per line", name, n)
		}
		args = append(args, line)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s: a line is longer than %d KiB: give one argument per line", name, maxArgLine>>10)
		}
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return args, nil
}

// maxArgLine bounds a line of an arguments file.
const maxArgLine = 1 << 20

// BulkFlags are the flags shared by multi-argument verbs.
type BulkFlags struct {
	File         string
	Parallel     int
	DryRun       bool
	SkipExisting bool // create verbs with --file only
}

// AddBulkFlags registers --file, --parallel and --dry-run.
func AddBulkFlags(cmd *cobra.Command, b *BulkFlags, what string) {
	cmd.Flags().StringVar(&b.File, "file", "", "Read "+what+" from `FILE`, one per line (- for standard input)")
	cmd.Flags().IntVar(&b.Parallel, "parallel", DefaultParallel, "How many requests to run at once")
	cmd.Flags().BoolVar(&b.DryRun, "dry-run", false, "Resolve and validate, print what would change, change nothing")
}

// AddFileFlag registers --file alone, for read-only verbs on arguments (show), which resolve
// them in bulk and print them in order: no --parallel, no --dry-run.
func AddFileFlag(cmd *cobra.Command, b *BulkFlags, what string) {
	b.Parallel = 1
	cmd.Flags().StringVar(&b.File, "file", "", "Read "+what+" from `FILE`, one per line (- for standard input)")
}

// Args merges positional arguments with those read from --file, validating --parallel.
// It does I/O only when --file is set.
func (b *BulkFlags) Args(args []string, stdin io.Reader, what string) ([]string, error) {
	if err := b.checkParallel(); err != nil {
		return nil, err
	}
	return ArgsWithFile(args, b.File, stdin, what)
}

func (b *BulkFlags) checkParallel() error {
	if b.Parallel < 1 || b.Parallel > 64 {
		return FlagErrorf("--parallel must be between 1 and 64, got %d", b.Parallel)
	}
	return nil
}

// AddFileCreateFlags registers the --file, --parallel and --dry-run of a create verb, whose
// --file is a records file of the objects (what: "teams") to create.
func AddFileCreateFlags(cmd *cobra.Command, b *BulkFlags, what, dryRunHelp string) {
	fl := cmd.Flags()
	fl.StringVar(&b.File, "file", "", "Create the "+what+" listed in `FILE` (CSV or JSON lines; - for standard input)")
	fl.IntVar(&b.Parallel, "parallel", DefaultParallel, "How many "+what+" to create at once with --file")
	fl.BoolVar(&b.DryRun, "dry-run", false, dryRunHelp)
	fl.BoolVar(&b.SkipExisting, "skip-existing", false, "With --file, skip the rows whose "+strings.TrimSuffix(what, "s")+" already exists and count them as done (to re-run a file)")
}

// AddSkipExistingMembersFlag registers --skip-existing on a verb that adds members, for the
// same re-run of a file as the create verbs: there a user who is a member already always
// counts as done, so the flag changes nothing but is accepted.
func AddSkipExistingMembersFlag(cmd *cobra.Command, b *BulkFlags) {
	cmd.Flags().BoolVar(&b.SkipExisting, "skip-existing", false, "With --file, count the users who are members already as done (always the case; accepted to re-run a file as with the create verbs)")
}

// CheckFileCreate checks the flags of AddFileCreateFlags without I/O: --parallel in range and,
// with --file, none of the per-object flags (single) given too, since the file has them as
// columns.
func (b *BulkFlags) CheckFileCreate(cmd *cobra.Command, single []string) error {
	if err := b.checkParallel(); err != nil {
		return err
	}
	if b.File == "" {
		if b.SkipExisting {
			return FlagErrorf("--skip-existing works with --file only")
		}
		return nil
	}
	var set []string
	for _, name := range single {
		if cmd.Flags().Changed(name) {
			set = append(set, "--"+name)
		}
	}
	if len(set) > 0 {
		return FlagErrorf("--file cannot be used with %s: give those as columns of the file", strings.Join(set, ", "))
	}
	return nil
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
