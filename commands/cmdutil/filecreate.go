package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

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
//  3. The valid rows are created with a bounded worker pool (Each). Each row is reported once on
//     stderr, labelled by its place in the file; JSON formats get one row object per file row.
//     The exit code is 0, 3 when some rows failed, or the first failure's code when all did.
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
	// Existing checks specs against the server for --dry-run, in bulk: one entry per spec,
	// nil when it can be created, else why not (it exists, or the check failed). Optional.
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
	Path     string
	Stdin    io.Reader
	DryRun   bool
	Parallel int
	// Client is called after the file has been read, so a bad file fails without credentials.
	Client func() (client.Client, error)
}

// fileRow is one row of the file: its label, its spec, or why it cannot be created.
type fileRow[S any] struct {
	label string
	spec  S
	err   error
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
	if in.DryRun && fc.Existing != nil {
		if err := fc.checkExisting(ctx, c, rows); err != nil {
			return err
		}
	}
	results := NewRows(p, fc.Kind)
	err = RunEach(ctx, p, rows, in.Parallel, func(r fileRow[S]) string { return r.label },
		func(ctx context.Context, r fileRow[S]) (T, error) {
			var zero T
			switch {
			case r.err != nil:
				return zero, r.err
			case in.DryRun:
				return fc.Planned(r.spec), nil
			}
			return fc.Create(ctx, c, r.spec)
		},
		func(o Outcome[T]) error {
			if o.Err == nil && !isZero(o.Result) {
				if in.DryRun {
					p.Infof("%s", fc.Message(o.Result, true))
				} else {
					p.Successf("%s", fc.Message(o.Result, false))
				}
			}
			return results.Add(o, in.DryRun)
		})
	return results.Close(err)
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
			label += ": " + name
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

// checkExisting marks the valid rows that the server says cannot be created.
func (fc FileCreate[S, T]) checkExisting(ctx context.Context, c client.Client, rows []fileRow[S]) error {
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
		if e != nil {
			rows[idx[j]].err = e
		}
	}
	return nil
}
