package cmdutil

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/printer"
)

// Ref is one resolved argument of a multi-argument verb: Obj is set, or Err says why not.
type Ref[T any] struct {
	Arg string
	Obj T
	Err error
}

// Kind describes one kind of object that commands take as arguments (users, teams, channels,
// bots, webhooks, plugins, tokens): how arguments resolve, what identifies an object, how
// messages name it, and what of it is printed.
type Kind[T any] struct {
	// Name is the singular noun: messages ("same team as argument 1") and the key of the
	// object in JSON rows ({"input", "ok", "team": {...}, "error"}).
	Name string
	// Resolve resolves every argument: one Ref per argument, in order. Failures are per
	// argument; the error return is for cancellation only.
	Resolve func(ctx context.Context, c client.Client, args []string) ([]Ref[T], error)
	// ID identifies an object: arguments that resolve to the same ID act once.
	ID func(T) string
	// Label names an object in messages ("alice", "devops").
	Label func(T) string
	// Show, when set, returns what is printed of an object (e.g. without secrets). It must not
	// change its argument.
	Show func(T) T
}

func (k Kind[T]) show(obj T) T {
	if k.Show == nil {
		return obj
	}
	return k.Show(obj)
}

// Verb is a change applied to each object named by a list of arguments.
type Verb[T any] struct {
	Args []string
	// Strict: nothing changes unless every argument resolves and passes Check (destructive
	// verbs). The error lists every argument that did not.
	Strict   bool
	DryRun   bool
	Parallel int
	// Plan is the verb in the infinitive for dry runs ("deactivate"), Done the past tense for
	// success messages ("Deactivated").
	Plan, Done string
	// Check runs for every resolved object before any change, in argument order, and may
	// refuse one (e.g. "already a bot").
	Check func(T) error
	// Apply changes one object and returns the object to report (the zero value: the
	// resolved one). Each object reaches Apply once, from one goroutine; it may change it.
	Apply func(ctx context.Context, obj T) (T, error)
	// Confirm, when set, is asked after resolution and checks and before any change (not in a
	// dry run), with each object once; an error stops the verb.
	Confirm func(objs []T) error
	// RowFields, when set, adds fields to each JSON row (after "ok", before the object); it gets
	// the zero value for an argument that did not resolve.
	RowFields func(T) map[string]any
	// Message optionally replaces the success line; PlanMessage the dry-run line ("" keeps
	// the default).
	Message     func(T) string
	PlanMessage func(T) string
	// Already, when set, makes the verb idempotent: it names the state an object is already in
	// when the verb would not change it ("already archived", "already private"), else "". Such
	// an object is not asked about (Confirm) and not applied; its line says so and counts as a
	// success. Every JSON row gets "changed". Apply may find the same after the fact and return
	// an *AlreadyError.
	Already func(T) string
	// Preview, when set, runs in a dry run where Apply would (in the worker pool, once per
	// object, not for objects already in the wanted state): it checks what the server would
	// check without changing anything, and its error fails the argument as Apply's would.
	Preview func(ctx context.Context, obj T) (T, error)
}

// AlreadyError is returned by Verb.Apply when the object turned out to be in the wanted state
// already (changed by someone else meanwhile): a success that changed nothing.
type AlreadyError struct{ State string }

func (e *AlreadyError) Error() string { return e.State }

// unchanged records the objects an idempotent verb leaves as they are, by ID, with their state.
type unchanged struct {
	mu    sync.Mutex
	state map[string]string
}

func (u *unchanged) set(id, state string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.state == nil {
		u.state = map[string]string{}
	}
	u.state[id] = state
}

func (u *unchanged) get(id string) string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.state[id]
}

// RunVerb resolves the arguments, runs the checks, and applies the verb with bounded
// concurrency: one success line per object on stderr, each failure once, and in JSON formats
// one row per argument on stdout, in argument order. Arguments naming the same object act
// once. See Each.Run for the returned error.
func RunVerb[T any](ctx context.Context, c client.Client, p *printer.Printer, k Kind[T], v Verb[T]) error {
	refs, err := k.Resolve(ctx, c, v.Args)
	if err != nil {
		return err
	}
	if v.Check != nil {
		for i, r := range refs {
			if r.Err == nil {
				refs[i].Err = v.Check(r.Obj)
			}
		}
	}
	var same unchanged
	if v.Already != nil {
		for _, r := range refs {
			if r.Err == nil {
				if state := v.Already(r.Obj); state != "" {
					same.set(k.ID(r.Obj), state)
				}
			}
		}
	}
	if v.Strict {
		if err := RequireResolved(refs); err != nil {
			return err
		}
	}
	if v.Confirm != nil && !v.DryRun {
		var objs []T
		for _, obj := range uniqueObjects(k, refs) {
			if same.get(k.ID(obj)) == "" {
				objs = append(objs, obj)
			}
		}
		if len(objs) > 0 {
			if err := v.Confirm(objs); err != nil {
				return err
			}
		}
	}
	rows := NewRows(p, k)
	rows.fields = v.RowFields
	if v.Already != nil {
		rows.changed = func(obj T) bool { return same.get(k.ID(obj)) == "" }
	}
	warnings := make([]string, len(refs)) // each written by the one worker of its object
	order := make([]int, len(refs))
	for i := range order {
		order[i] = i
	}
	err = Each[int, T]{
		Items: order, Parallel: v.Parallel, Kind: k.Name,
		Label: func(i int) string { return refs[i].Arg },
		Key: func(i int) string {
			if refs[i].Err != nil {
				return ""
			}
			return k.ID(refs[i].Obj)
		},
		Do: func(ctx context.Context, i int) (T, error) {
			r := refs[i]
			if r.Err != nil || same.get(k.ID(r.Obj)) != "" || (v.DryRun && v.Preview == nil) {
				return r.Obj, r.Err
			}
			apply := v.Apply
			if v.DryRun {
				apply = v.Preview
			}
			obj, err := apply(ctx, r.Obj)
			if isZero(obj) {
				obj = r.Obj
			}
			var w *DoneWithWarning
			var already *AlreadyError
			switch {
			case errors.As(err, &w):
				warnings[i] = w.Message
				err = nil
			case errors.As(err, &already):
				same.set(k.ID(obj), already.State)
				err = nil
			}
			return obj, err
		},
		Emit: func(o Outcome[T]) error {
			if o.Err == nil && o.DuplicateOf == 0 {
				state := ""
				if v.Already != nil {
					state = same.get(k.ID(o.Result))
				}
				switch {
				case state != "" && v.DryRun:
					p.Infof("%s %s is %s: nothing would change", k.Name, k.Label(o.Result), state)
				case state != "":
					p.Successf("%s %s is %s: nothing to do", capitalize(k.Name), k.Label(o.Result), state)
				case v.DryRun && v.PlanMessage != nil && v.PlanMessage(o.Result) != "":
					p.Infof("%s", v.PlanMessage(o.Result))
				case v.DryRun:
					p.Infof("would %s %s %s (%s)", v.Plan, k.Name, k.Label(o.Result), k.ID(o.Result))
				case v.Message != nil:
					p.Successf("%s", v.Message(o.Result))
				default:
					p.Successf("%s %s %s", v.Done, k.Name, k.Label(o.Result))
				}
				if w := warnings[o.Index]; w != "" {
					p.Warnf("%s", w)
				}
			}
			return rows.Add(o, v.DryRun)
		},
	}.Run(ctx, p)
	return rows.Close(err)
}

// capitalize upper-cases the first letter of a kind's name for the start of a line.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// DoneWithWarning is returned by Verb.Apply when the change was made but needs the user's
// attention: it counts as a success, and Message is printed as a warning after its line.
type DoneWithWarning struct{ Message string }

func (w *DoneWithWarning) Error() string { return w.Message }

// uniqueObjects is the resolved objects of refs, each once, in argument order.
func uniqueObjects[T any](k Kind[T], refs []Ref[T]) []T {
	seen := map[string]bool{}
	var objs []T
	for _, r := range refs {
		if r.Err == nil && !seen[k.ID(r.Obj)] {
			seen[k.ID(r.Obj)] = true
			objs = append(objs, r.Obj)
		}
	}
	return objs
}

// RequireResolved fails, listing every argument that did not resolve, unless all did; its
// exit code is the first failure's. Destructive verbs call it before changing anything.
func RequireResolved[T any](refs []Ref[T]) error {
	return requireResolved(refs, false)
}

// RequireResolvedToRead is RequireResolved for a verb that only reads (a list scoped to its
// arguments): the message does not speak of changes.
func RequireResolvedToRead[T any](refs []Ref[T]) error {
	return requireResolved(refs, true)
}

func requireResolved[T any](refs []Ref[T], readOnly bool) error {
	var lines []string
	var first error
	for _, r := range refs {
		if r.Err != nil {
			lines = append(lines, fmt.Sprintf("%s: %s", r.Arg, ErrorMessageLine(r.Err)))
			if first == nil {
				first = r.Err
			}
		}
	}
	if first != nil {
		return &ResolveError{Lines: lines, First: first, ReadOnly: readOnly}
	}
	return nil
}

// ResultRow is the JSON row of one argument of a multi-argument verb:
// {"input", "ok", "dry_run", "duplicate_of", "<kind>": object, "error"}.
type ResultRow[T any] struct {
	Kind        string
	Input       string
	OK          bool
	DryRun      bool
	DuplicateOf int
	// Fields are extra keys, written after "duplicate_of" in sorted order.
	Fields map[string]any
	Object T
	Error  string
}

// MarshalJSON writes the row with the object under its kind's name, keys in a fixed order.
func (r ResultRow[T]) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	field := func(key string, v any) error {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		b.Write(k)
		b.WriteByte(':')
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
		return nil
	}
	b.WriteByte('{')
	if err := field("input", r.Input); err != nil {
		return nil, err
	}
	if err := field("ok", r.OK); err != nil {
		return nil, err
	}
	if r.DryRun {
		_ = field("dry_run", true)
	}
	if r.DuplicateOf != 0 {
		_ = field("duplicate_of", r.DuplicateOf)
	}
	for _, k := range slices.Sorted(maps.Keys(r.Fields)) {
		if err := field(k, r.Fields[k]); err != nil {
			return nil, err
		}
	}
	if !isZero(r.Object) {
		if err := field(r.Kind, r.Object); err != nil {
			return nil, err
		}
	}
	if r.Error != "" {
		_ = field("error", r.Error)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Rows prints the per-argument rows of a multi-argument verb in JSON formats, and nothing in
// table and plain formats (there the success and failure lines on stderr are the output).
type Rows[T any] struct {
	kind   Kind[T]
	list   *printer.List[ResultRow[T]]
	fields func(T) map[string]any
	// changed, when set, gives the "changed" field of the rows of arguments that succeeded.
	changed func(T) bool
}

// NewRows starts the rows of a verb on objects of kind k.
func NewRows[T any](p *printer.Printer, k Kind[T]) *Rows[T] {
	r := &Rows[T]{kind: k}
	if p.Structured() {
		r.list = printer.NewList[ResultRow[T]](p)
	}
	return r
}

// Add writes the row of one outcome.
func (r *Rows[T]) Add(o Outcome[T], dryRun bool) error { return r.AddWith(o, dryRun, nil) }

// AddWith writes the row of one outcome with extra fields.
func (r *Rows[T]) AddWith(o Outcome[T], dryRun bool, extra map[string]any) error {
	if r.list == nil {
		return nil
	}
	row := ResultRow[T]{Kind: r.kind.Name, Input: o.Label, OK: o.Err == nil, DryRun: dryRun, DuplicateOf: o.DuplicateOf, Fields: extra}
	if !isZero(o.Result) {
		row.Object = r.kind.show(o.Result)
	}
	if r.fields != nil {
		for k, v := range r.fields(o.Result) {
			if row.Fields == nil {
				row.Fields = map[string]any{}
			}
			row.Fields[k] = v
		}
	}
	if r.changed != nil && o.Err == nil && !isZero(o.Result) {
		if row.Fields == nil {
			row.Fields = map[string]any{}
		}
		row.Fields["changed"] = r.changed(o.Result)
	}
	if o.Err != nil {
		row.Error = ErrorMessageLine(o.Err)
		// Rows with a "status" (create --file) say "unknown" there.
		if _, ok := row.Fields["status"]; !ok && OutcomeUnknown(o.Err) {
			if row.Fields == nil {
				row.Fields = map[string]any{}
			}
			row.Fields["unknown"] = true
		}
	}
	return r.list.Add(row)
}

// OutcomeUnknown reports a failure after which the change may or may not have been made: the
// answer was lost (client.AnswerLost) and nothing established what the server did. Such a
// JSON row gets "unknown": true.
func OutcomeUnknown(err error) bool {
	var u interface{ OutcomeUnknown() }
	return errors.As(err, &u) || client.AnswerLost(err)
}

// Close ends the rows given the run's error (see EndList) and returns it, or the error of
// ending them.
func (r *Rows[T]) Close(err error) error {
	if r.list == nil {
		return err
	}
	return EndList(r.list, err)
}

// EndList ends a list filled by a multi-argument run, given the run's error. Arguments that
// failed were each reported on stderr and leave the list whole: it holds every result, and the
// exit code says that some failed. A run cut short (cancelled, or stdout failing) leaves it
// incomplete, and JSON output must not parse as a whole list.
func EndList[T any](list *printer.List[T], err error) error {
	var partial *PartialError
	var silent *SilentError
	if err != nil && !errors.As(err, &partial) && !errors.As(err, &silent) {
		return list.Fail(err)
	}
	if cerr := list.Close(); cerr != nil && err == nil {
		return cerr
	}
	return err
}

// isZero reports whether v is its type's zero value (a nil pointer, for the object kinds).
func isZero[T any](v T) bool {
	return reflect.ValueOf(&v).Elem().IsZero()
}
