package client

import (
	"context"
	"iter"
	"sync"
)

// MaxPerPage is the largest page the Mattermost API serves.
const MaxPerPage = 200

const defaultPrefetch = 4

// PageFunc fetches one page of a paged list. It must honour ctx: the iterator cancels it for
// pages it no longer needs.
type PageFunc[T any] func(ctx context.Context, page, perPage int) ([]T, error)

// PageOptions tune Pages.
type PageOptions struct {
	// PerPage is the page size; 0 means MaxPerPage, larger values are clamped to it.
	PerPage int
	// StartPage is the first page fetched (0-based).
	StartPage int
	// MaxPages stops after this many pages; 0 means until a short page.
	MaxPages int
	// Prefetch is how many pages may be in flight at once; 0 means 4, 1 fetches sequentially.
	Prefetch int
}

// Pages iterates over every item of a paged list, in order, fetching up to Prefetch pages ahead
// of the consumer so lists stream at the speed of the server rather than of one round trip per
// page. The list ends at the first page shorter than PerPage; pages requested beyond it are
// cancelled and discarded. A fetch error is yielded once, as (zero, err), and ends the
// iteration. When the consumer stops early, or the iteration ends for any reason, in-flight
// fetches are cancelled and have returned before the loop over Pages finishes. At most Prefetch
// pages are held in memory.
func Pages[T any](ctx context.Context, opts PageOptions, fetch PageFunc[T]) iter.Seq2[T, error] {
	perPage := opts.PerPage
	if perPage <= 0 || perPage > MaxPerPage {
		perPage = MaxPerPage
	}
	prefetch := opts.Prefetch
	if prefetch <= 0 {
		prefetch = defaultPrefetch
	}
	if opts.MaxPages > 0 && prefetch > opts.MaxPages {
		prefetch = opts.MaxPages
	}
	startPage := max(opts.StartPage, 0)

	return func(yield func(T, error) bool) {
		var zero T
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer func() {
			cancel()
			wg.Wait()
		}()

		type result struct {
			items []T
			err   error
		}
		// pending holds the in-flight pages in page order; each channel receives exactly once.
		pending := make([]chan result, 0, prefetch)
		next, launched := startPage, 0
		launch := func() {
			ch := make(chan result, 1)
			page := next
			next++
			launched++
			wg.Add(1)
			go func() {
				defer wg.Done()
				items, err := fetch(ctx, page, perPage)
				ch <- result{items, err}
			}()
			pending = append(pending, ch)
		}

		for {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			// Refill only once the previous page has been consumed, so that Prefetch 1 is
			// strictly sequential and at most Prefetch pages are held at any time.
			for len(pending) < prefetch && (opts.MaxPages <= 0 || launched < opts.MaxPages) {
				launch()
			}
			if len(pending) == 0 {
				return
			}
			r := <-pending[0]
			pending[0] = nil
			pending = pending[1:]
			if r.err != nil {
				cancel()
				yield(zero, r.err)
				return
			}
			last := len(r.items) < perPage
			if last {
				// Release speculative requests for pages past the end while the consumer
				// works through this one.
				cancel()
			}
			for _, item := range r.items {
				if !yield(item, nil) {
					return
				}
			}
			if last {
				return
			}
		}
	}
}
