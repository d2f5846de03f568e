package cmdutil

import (
	"context"
	"fmt"
	"strings"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/printer"
)

// Shown says how `<noun> show` prints objects of one kind: as a list (View, then Columns), or,
// when exactly one argument was given, as one object with its Fields.
type Shown[T, V any] struct {
	View    func(T) V // what is printed for an object (often the object itself)
	Columns []printer.Column[V]
	Fields  func(V) []printer.Field
}

// Show prints resolved arguments the way every `show` verb does. With one argument: a table of
// its fields on a terminal, the object in JSON. Otherwise, and always in plain format (so cut
// and awk see the list's columns whatever the count): one list in argument order. Each
// unresolved argument is reported once on stderr; the error is nil when all resolved, a partial
// failure when some did, and carries the first failure's exit code when none did.
func Show[T, V any](ctx context.Context, p *printer.Printer, refs []Ref[T], s Shown[T, V]) error {
	if len(refs) == 1 && p.Format() != printer.Plain {
		r := refs[0]
		if r.Err != nil {
			p.Errorf("%s: %s", r.Arg, ErrorMessageLine(r.Err))
			return &SilentError{Code: ExitCode(r.Err), Hint: client.Hint(r.Err)}
		}
		v := s.View(r.Obj)
		return p.Object(v, s.Fields(v))
	}
	return ShowList(ctx, p, refs, s)
}

// ShowList prints resolved arguments as one list in argument order, whatever their number, and
// reports each unresolved one on stderr; the error is as for Show.
func ShowList[T, V any](ctx context.Context, p *printer.Printer, refs []Ref[T], s Shown[T, V]) error {
	list := printer.NewList(p, s.Columns...)
	err := RunEach(ctx, p, refs, 1, func(r Ref[T]) string { return r.Arg },
		func(_ context.Context, r Ref[T]) (T, error) { return r.Obj, r.Err },
		func(o Outcome[T]) error {
			if o.Err != nil || isZero(o.Result) {
				return nil
			}
			return list.Add(s.View(o.Result))
		})
	return EndList(list, err)
}

// Same is the View of kinds printed as they are.
func Same[T any](v T) T { return v }

// Question asks about the objects named: with one name, single (its %s is the name); with
// more, many (its %d is their number and its %s the first ten names, then how many more).
func Question(names []string, single, many string) string {
	if len(names) == 1 {
		return fmt.Sprintf(single, names[0])
	}
	return fmt.Sprintf(many, len(names), NameList(names, 10))
}

// NameList joins names for a question or message: all of them up to shown, then the first
// shown and "and N more".
func NameList(names []string, shown int) string {
	list := strings.Join(names[:min(shown, len(names))], ", ")
	if len(names) > shown {
		list += fmt.Sprintf(" and %d more", len(names)-shown)
	}
	return list
}
