package cmdutil

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/printer"
)

// DefaultParallel is the default --parallel of multi-argument verbs.
const DefaultParallel = 8

// Outcome is the result of one argument of a multi-argument verb.
type Outcome[R any] struct {
	Index int
	Label string
	// DuplicateOf is the 1-based position of the earlier argument that names the same object,
	// or 0. A duplicate shares that argument's Result and Err; nothing was done for it.
	DuplicateOf int
	Result      R
	Err         error
}

// Each applies Do to every item with at most Parallel calls in flight.
type Each[T, R any] struct {
	Items    []T
	Parallel int
	Label    func(T) string
	// Key names the object an item stands for ("" when unknown). Items with the same key act
	// once: the first does the work, later ones share its outcome and are reported as
	// "same <Kind> as argument N".
	Key  func(T) string
	Kind string
	Do   func(context.Context, T) (R, error)
	// Emit receives every outcome in argument order, from one goroutine, as soon as it and all
	// earlier ones are done. After it returns an error it is not called again.
	Emit func(Outcome[R]) error
}

// Run does the work. Failures are printed once on stderr as "<label>: <reason>". It returns
// nil when all succeeded, a *PartialError (exit 3) when some failed, and, when every item
// failed, a *SilentError with the exit code of the first failure. Once ctx is cancelled no
// further call starts; the items not started fail with the context's error.
func (e Each[T, R]) Run(ctx context.Context, p *printer.Printer) error {
	n := len(e.Items)
	parallel := min(max(e.Parallel, 1), max(n, 1))

	// first[i] is the index whose work stands for item i (itself, or an earlier duplicate).
	first := make([]int, n)
	var work []int
	seen := map[string]int{}
	for i, it := range e.Items {
		first[i] = i
		if e.Key != nil {
			if k := e.Key(it); k != "" {
				if j, ok := seen[k]; ok {
					first[i] = j
					continue
				}
				seen[k] = i
			}
		}
		work = append(work, i)
	}

	// Each outcome is written by exactly one worker before its done channel is closed, and read
	// only after that close: no other synchronisation is needed. Workers take the next index
	// from a counter, so cancellation needs no shared state beyond ctx.
	outcomes := make([]Outcome[R], n)
	done := make([]chan struct{}, n)
	for _, i := range work {
		done[i] = make(chan struct{})
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(parallel, len(work)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				w := int(next.Add(1)) - 1
				if w >= len(work) {
					return
				}
				i := work[w]
				o := Outcome[R]{Index: i, Label: e.Label(e.Items[i])}
				if err := ctx.Err(); err != nil {
					o.Err = err
				} else {
					o.Result, o.Err = e.Do(ctx, e.Items[i])
				}
				outcomes[i] = o
				close(done[i])
			}
		}()
	}

	failed, total := 0, len(work)
	var firstErr, emitErr error
	for i := range n {
		f := first[i]
		<-done[f]
		o := outcomes[f]
		o.Index, o.Label = i, e.Label(e.Items[i])
		if f != i {
			o.DuplicateOf = f + 1
			p.Errorf("%s: same %s as argument %d", o.Label, e.Kind, f+1)
		} else if o.Err != nil {
			failed++
			if firstErr == nil {
				firstErr = o.Err
			}
			p.Errorf("%s: %s", o.Label, ErrorMessageLine(o.Err))
		}
		if e.Emit != nil && emitErr == nil {
			emitErr = e.Emit(o)
		}
	}
	wg.Wait()
	if emitErr != nil {
		return emitErr
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	switch {
	case failed == 0:
		return nil
	case failed == total:
		return &SilentError{Code: ExitCode(firstErr), Hint: client.Hint(firstErr)}
	default:
		return &PartialError{Failed: failed, Total: total}
	}
}

// RunEach applies fn to every item with at most parallel calls in flight and hands each outcome
// to emit in argument order; see Each.Run. Items are not deduplicated.
func RunEach[T, R any](ctx context.Context, p *printer.Printer, items []T, parallel int, label func(T) string,
	fn func(context.Context, T) (R, error), emit func(Outcome[R]) error) error {
	return Each[T, R]{Items: items, Parallel: parallel, Label: label, Do: fn, Emit: emit}.Run(ctx, p)
}

// ErrorMessageLine is the one-line rendering of err used in per-argument failure lines.
func ErrorMessageLine(err error) string {
	msg, _, _ := strings.Cut(ErrorMessage(err), "\n")
	return msg
}
