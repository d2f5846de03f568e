package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/matterctl/matterctl/internal/safetext"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/internal/records"
	"github.com/matterctl/matterctl/printer"
)

// FileCreate creates one object per row of a records file (--file: CSV with a header, or JSON
// lines; "-" is stdin), the way `user create`, `team create` and `channel create` do:
//
//  1. The whole file is read and every row checked before anything is created: a file that
//     cannot be read or parsed, or holds no rows, is an error and creates nothing. A row that is
//     invalid, or repeats an identity (Keys) of an earlier row, fails on its own.
//  2. With --dry-run, the rows are checked against the server in bulk (Existing) and nothing is
//     created.
//  3. With --skip-existing, the same bulk check runs first and the rows whose object already
//     exists are skipped: reported as such, and counted as successes. A re-run of a file after
//     a failure thus creates only what is missing.
//  4. The valid rows are created with a bounded worker pool (Each). Each row is reported once on
//     stderr, labelled by its place in the file, as created, skipped, failed or unknown; JSON
//     formats get one row object per file row, with its "status". The exit code is 0, 3 when
//     some rows failed, or the first failure's code when all did.
//
// A create whose answer was lost (the connection broke, or timed out, after the request was
// sent) may or may not have been done. Such a row is checked again (Existing) until the server
// answers, for up to a minute: it is then reported as created when the object exists, sent again
// when it does not (see recheck), and reported as unknown when the server could not be asked.
//
// S is the spec of one row; T is the created object.
type FileCreate[S, T any] struct {
	Kind   Kind[T]        // the kind of the created objects (rows are keyed by its name)
	Schema records.Schema // the columns (CSV) or keys (JSON lines)

	// Parse builds the spec of a record and the name shown after its place in the file
	// ("line 3: alice"). err is why the row cannot be created; rec.Err is already set for a
	// record the reader found invalid.
	Parse func(rec records.Record) (spec S, name string, err error)
	// Keys are the identities of a spec that must be unique within the file, as
	// {what, value} pairs such as {"username", "alice"}. Optional.
	Keys func(S) [][2]string
	// Existing checks specs against the server for --dry-run and --skip-existing, in bulk: one
	// entry per spec, nil when it can be created, else why not: an *ExistsError when the object
	// exists, another error when the check failed or the spec cannot be created. Optional.
	Existing func(ctx context.Context, c client.Client, specs []S) ([]error, error)
	// Planned is the object a dry run shows for a spec.
	Planned func(S) T
	// Create creates one object.
	Create func(ctx context.Context, c client.Client, spec S) (T, error)
	// Message is the stderr line for a created (or, with dryRun, would-be) object.
	Message func(obj T, dryRun bool) string
}

// FileCreateRun are the inputs of one FileCreate run.
type FileCreateRun struct {
	Path         string
	Stdin        io.Reader
	DryRun       bool
	SkipExisting bool
	Parallel     int
	// Client is called after the file has been read, so a bad file fails without credentials.
	Client func() (client.Client, error)
}

// fileRow is one row of the file: its label, its spec, or why it cannot be created.
type fileRow[S any] struct {
	label string
	spec  S
	err   error
}

// Row statuses, as JSON rows hold them.
const (
	StatusCreated = "created"
	StatusSkipped = "skipped" // already existed, with --skip-existing
	StatusFailed  = "failed"
	StatusUnknown = "unknown" // the answer was lost and the server could not be asked again
	StatusPlanned = "planned" // --dry-run
)

// rowResult is what became of a row that did not fail.
type rowResult[T any] struct {
	obj    T
	status string
	note   string // said after the created object's message
}

// Run reads the file and creates its rows.
func (fc FileCreate[S, T]) Run(ctx context.Context, p *printer.Printer, in FileCreateRun) error {
	rows, err := fc.read(in.Path, in.Stdin)
	if err != nil {
		return err
	}
	c, err := in.Client()
	if err != nil {
		return err
	}
	skip := make([]bool, len(rows))
	if (in.DryRun || in.SkipExisting) && fc.Existing != nil {
		if err := fc.checkExisting(ctx, c, rows, in.SkipExisting, skip); err != nil {
			return err
		}
	}
	results := NewRows(p, fc.Kind)
	counts := map[string]int{}
	// A server that stops answering mid-run (it is restarting) is waited for: a create it
	// refused to connect for was never sent and is sent again, a create whose answer was lost is
	// checked once it answers.
	wait := serverWait{notice: func(msg string) { p.Infof("%s", msg) }}
	err = RunEach(ctx, p, indexes(len(rows)), in.Parallel, func(i int) string { return rows[i].label },
		func(ctx context.Context, i int) (rowResult[T], error) {
			r := rows[i]
			switch {
			case r.err != nil:
				return rowResult[T]{}, r.err
			case skip[i]:
				return rowResult[T]{obj: fc.Planned(r.spec), status: StatusSkipped}, nil
			case in.DryRun:
				return rowResult[T]{obj: fc.Planned(r.spec), status: StatusPlanned}, nil
			}
			obj, err := fc.Create(ctx, c, r.spec)
			for err != nil && notSent(err) && ctx.Err() == nil && wait.again() && wait.pause(ctx) == nil {
				obj, err = fc.Create(ctx, c, r.spec)
			}
			if !unanswered(err) {
				wait.answered()
			}
			if err == nil {
				return rowResult[T]{obj: obj, status: StatusCreated}, nil
			}
			if !client.AnswerLost(err) || fc.Existing == nil || ctx.Err() != nil {
				return rowResult[T]{}, err
			}
			wait.reached()
			return fc.recheck(ctx, c, &wait, r.spec, err)
		},
		func(o Outcome[rowResult[T]]) error {
			status := o.Result.status
			switch {
			case o.DuplicateOf != 0:
				status = ""
			case o.Err != nil && errors.As(o.Err, new(*UnknownError)):
				status = StatusUnknown
			case o.Err != nil:
				status = StatusFailed
			}
			counts[status]++
			switch status {
			case StatusSkipped:
				p.Infof("%s: already exists: skipped", rows[o.Index].label)
			case StatusPlanned:
				p.Infof("%s", fc.Message(o.Result.obj, true))
			case StatusCreated:
				p.Successf("%s%s", fc.Message(o.Result.obj, false), o.Result.note)
			}
			var fields map[string]any
			if status != "" {
				fields = map[string]any{"status": status}
			}
			return results.AddWith(Outcome[T]{Index: o.Index, Label: o.Label, DuplicateOf: o.DuplicateOf, Result: o.Result.obj, Err: o.Err}, in.DryRun, fields)
		})
	// The tally, when not every row was created: what to re-run, at a glance.
	if !in.DryRun && len(rows) > 1 && counts[StatusCreated] < len(rows) && ctx.Err() == nil {
		tally := []string{}
		for _, st := range []string{StatusCreated, StatusSkipped, StatusFailed, StatusUnknown} {
			if counts[st] > 0 {
				tally = append(tally, fmt.Sprintf("%d %s", counts[st], st))
			}
		}
		p.Infof("%d rows: %s", len(rows), strings.Join(tally, ", "))
	}
	return results.Close(err)
}

// recheck asks the server whether a spec whose create lost its answer (lost) exists now,
// until it answers or the run's wait for the server has run out. An object the server has is
// reported created. One it does not have was not made (the server makes it before it answers),
// and is sent again, at most maxResends times: the objects' unique names (username and email,
// team name, channel name in its team) keep a create that was only late from being made twice,
// and a refusal of the one sent again is followed by another check.
func (fc FileCreate[S, T]) recheck(ctx context.Context, c client.Client, wait *serverWait, spec S, lost error) (rowResult[T], error) {
	const maxResends = 2
	resends := 0
	for refusals := 0; ; {
		errs, err := fc.Existing(ctx, c, []S{spec})
		if err == nil && len(errs) == 1 {
			var exists *ExistsError
			switch {
			case errs[0] == nil && (resends == maxResends || ctx.Err() != nil):
				wait.answered()
				return rowResult[T]{}, fmt.Errorf("not created: %w", lost)
			case errs[0] == nil:
				wait.answered()
				resends++
				obj, cerr := fc.Create(ctx, c, spec)
				for cerr != nil && notSent(cerr) && ctx.Err() == nil && wait.again() && wait.pause(ctx) == nil {
					obj, cerr = fc.Create(ctx, c, spec)
				}
				if cerr == nil {
					wait.answered()
					return rowResult[T]{obj: obj, status: StatusCreated, note: " (sent again: the server did not have it after the answer was lost)"}, nil
				}
				lost, refusals = cerr, 0
				continue
			case errors.As(errs[0], &exists):
				wait.answered()
				return rowResult[T]{obj: fc.Planned(spec), status: StatusCreated, note: " (checked after the answer was lost)"}, nil
			}
			err = errs[0]
		}
		// A server that answers with an error is asked a few times; one that does not answer
		// is waited for as long as the run waits for it.
		again := false
		if unanswered(err) {
			again = wait.again()
		} else {
			wait.answered()
			refusals++
			again = refusals < 3
		}
		if ctx.Err() != nil || !again || wait.pause(ctx) != nil {
			return rowResult[T]{}, &UnknownError{Lost: lost, Check: err}
		}
	}
}

// UnknownError is a row whose create lost its answer, and whose object the server could not be
// asked about afterwards: it may or may not exist.
type UnknownError struct {
	Lost, Check error
}

func (e *UnknownError) Error() string {
	return fmt.Sprintf("unknown: the answer was lost (%s) and the server could not be asked whether it was created (%s); re-run with --skip-existing",
		ErrorMessageLine(e.Lost), ErrorMessageLine(e.Check))
}

func (e *UnknownError) Unwrap() error { return e.Lost }

// OutcomeUnknown marks the error as one after which the object may or may not exist.
func (e *UnknownError) OutcomeUnknown() {}

// ExistsError says that the object a row describes exists already.
type ExistsError struct{ Msg string }

func (e *ExistsError) Error() string { return e.Msg }

// Exists returns an *ExistsError with a formatted message ("username alice already exists").
func Exists(format string, args ...any) error {
	return &ExistsError{Msg: fmt.Sprintf(format, args...)}
}

// indexes returns 0, 1, … n-1.
func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// read reads and checks every row of the file.
func (fc FileCreate[S, T]) read(path string, stdin io.Reader) ([]fileRow[S], error) {
	var rows []fileRow[S]
	for rec, err := range records.ReadFile(path, stdin, fc.Schema) {
		if err != nil {
			return nil, err
		}
		spec, name, perr := fc.Parse(rec)
		label := rec.Pos.String()
		if name != "" {
			label += ": " + shortLabel(name)
		}
		err := rec.Err
		var rerr *records.Error
		if errors.As(err, &rerr) {
			err = rerr.Err // the label already says where
		}
		if err == nil {
			err = perr
		}
		rows = append(rows, fileRow[S]{label: label, spec: spec, err: err})
	}
	if len(rows) == 0 {
		return nil, FlagErrorf("%s holds no %ss", records.Name(path), fc.Kind.Name)
	}
	if fc.Keys != nil {
		markRepeats(rows, fc.Keys)
	}
	return rows, nil
}

// markRepeats fails every row that repeats an identity of an earlier valid row.
func markRepeats[S any](rows []fileRow[S], keys func(S) [][2]string) {
	first := map[[2]string]string{}
	for i := range rows {
		r := &rows[i]
		if r.err != nil {
			continue
		}
		ks := keys(r.spec)
		for _, k := range ks {
			if where, dup := first[k]; dup {
				r.err = fmt.Errorf("%s %s repeats %s", k[0], k[1], where)
				break
			}
		}
		if r.err != nil {
			continue
		}
		where, _, _ := strings.Cut(r.label, ":")
		for _, k := range ks {
			first[k] = where
		}
	}
}

// checkExisting asks the server about the valid rows in bulk. With skip, the rows whose
// object exists are marked in skipped and a failed check is left to the create; otherwise
// (--dry-run) every row the server says cannot be created fails.
func (fc FileCreate[S, T]) checkExisting(ctx context.Context, c client.Client, rows []fileRow[S], skip bool, skipped []bool) error {
	var specs []S
	var idx []int
	for i, r := range rows {
		if r.err == nil {
			specs = append(specs, r.spec)
			idx = append(idx, i)
		}
	}
	if len(specs) == 0 {
		return nil
	}
	errs, err := fc.Existing(ctx, c, specs)
	if err != nil {
		return err
	}
	for j, e := range errs {
		var exists *ExistsError
		switch {
		case e == nil:
		case skip && errors.As(e, &exists):
			skipped[idx[j]] = true
		case !skip || !isCheckFailure(e):
			rows[idx[j]].err = e
		}
	}
	return nil
}

// isCheckFailure reports an Existing error that says the check could not be made (a request
// failed), rather than why the row cannot be created.
func isCheckFailure(err error) bool {
	return client.StatusOf(err) != 0 || errors.Is(err, context.DeadlineExceeded) || client.AnswerLost(err) || isNetError(err)
}

// isNetError reports a failure to reach the server.
func isNetError(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr)
}

// maxLabel bounds how much of a row's name its messages quote.
const maxLabel = 64

// shortLabel is name, cut to maxLabel characters with "…" when longer: a 20 MB cell must not
// make a 20 MB message.
func shortLabel(name string) string { return safetext.Clip(name, maxLabel) }
