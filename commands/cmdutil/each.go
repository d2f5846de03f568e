package cmdutil

import (
	"context"
	"strings"
	"sync"

	"github.com/matterctl/matterctl/printer"
)

// DefaultParallel is the default --parallel of multi-argument verbs.
const DefaultParallel = 8

// Outcome is the result of one argument of a multi-argument verb.
type Outcome[R any] struct {
	Index  int
	Label  string
	Result R
	Err    error
}

// RunEach applies fn to every item with at most parallel calls in flight, and hands each
// outcome to emit in argument order as soon as it and all earlier ones are done. Failures are
// printed once on stderr as "<label>: <reason>". It returns nil when all succeeded, a
// *PartialError (exit 3) when some failed, and, when every item failed, a *SilentError with the
// exit code of the first failure.
func RunEach[T, R any](ctx context.Context, p *printer.Printer, items []T, parallel int, label func(T) string,
	fn func(context.Context, T) (R, error), emit func(Outcome[R]) error) error {
	if parallel < 1 {
		parallel = 1
	}
	outcomes := make([]Outcome[R], len(items))
	done := make([]chan struct{}, len(items))
	for i := range done {
		done[i] = make(chan struct{})
	}
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	go func() {
		for i, it := range items {
			if ctx.Err() != nil {
				// Do not start more work once cancelled, even if a slot is free.
				sem = nil
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				for j := i; j < len(items); j++ {
					outcomes[j] = Outcome[R]{Index: j, Label: label(items[j]), Err: ctx.Err()}
					close(done[j])
				}
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				r, err := fn(ctx, it)
				outcomes[i] = Outcome[R]{Index: i, Label: label(it), Result: r, Err: err}
				close(done[i])
			}()
		}
	}()

	failed := 0
	var first error
	var emitErr error
	for i := range items {
		<-done[i]
		o := outcomes[i]
		if o.Err != nil {
			failed++
			if first == nil {
				first = o.Err
			}
			p.Errorf("%s: %s", o.Label, ErrorMessageLine(o.Err))
		}
		if emit != nil && emitErr == nil {
			emitErr = emit(o)
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
	case failed == len(items):
		return &SilentError{Code: ExitCode(first)}
	default:
		return &PartialError{Failed: failed, Total: len(items)}
	}
}

// ErrorMessageLine is the one-line rendering of err used in per-argument failure lines.
func ErrorMessageLine(err error) string {
	msg, _, _ := strings.Cut(ErrorMessage(err), "\n")
	return msg
}
