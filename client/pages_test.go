package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeList serves a list of the integers 0..total-1 page by page and records how it was asked.
type fakeList struct {
	total int
	// delay, when set, is how long a page takes; the fetch gives up early when cancelled.
	delay func(page int) time.Duration
	// blockFrom makes pages >= blockFrom wait until cancelled, like requests the server is slow
	// to answer; 0 disables it.
	blockFrom int
	failPage  int // page that fails with failErr; -1 for none
	failErr   error

	mu        sync.Mutex
	calls     []int
	cancelled []int
	perPages  []int
	active    atomic.Int32
	maxActive atomic.Int32
}

func newFakeList(total int) *fakeList { return &fakeList{total: total, failPage: -1} }

func (f *fakeList) fetch(ctx context.Context, page, perPage int) ([]int, error) {
	n := f.active.Add(1)
	defer f.active.Add(-1)
	for {
		m := f.maxActive.Load()
		if n <= m || f.maxActive.CompareAndSwap(m, n) {
			break
		}
	}
	f.mu.Lock()
	f.calls = append(f.calls, page)
	f.perPages = append(f.perPages, perPage)
	f.mu.Unlock()

	var wait <-chan time.Time
	if f.blockFrom > 0 && page >= f.blockFrom {
		wait = nil // only cancellation ends it
	} else if f.delay != nil {
		wait = time.After(f.delay(page))
	} else {
		c := make(chan time.Time, 1)
		c <- time.Time{}
		wait = c
	}
	select {
	case <-wait:
	case <-ctx.Done():
		f.mu.Lock()
		f.cancelled = append(f.cancelled, page)
		f.mu.Unlock()
		return nil, ctx.Err()
	}

	if page == f.failPage {
		return nil, f.failErr
	}
	var items []int
	for i := page * perPage; i < min((page+1)*perPage, f.total); i++ {
		items = append(items, i)
	}
	return items, nil
}

func (f *fakeList) snapshot() (calls, cancelled, perPages []int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls, cancelled, perPages = slices.Clone(f.calls), slices.Clone(f.cancelled), slices.Clone(f.perPages)
	slices.Sort(calls)
	slices.Sort(cancelled)
	return calls, cancelled, perPages
}

func collect(t *testing.T, seq func(func(int, error) bool)) (items []int, errs []error) {
	t.Helper()
	seq(func(v int, err error) bool {
		if err != nil {
			errs = append(errs, err)
		} else {
			items = append(items, v)
		}
		return true
	})
	return items, errs
}

func span(from, to int) []int {
	s := []int{}
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

func TestPages(t *testing.T) {
	tests := []struct {
		name         string
		total        int
		opts         PageOptions
		randomDelays bool
		wantItems    []int
		wantPages    []int // pages whose results are used
		wantPerPage  int
		wantMaxInFly int32
	}{
		{name: "in order despite random delays", total: 1037, opts: PageOptions{PerPage: 50, Prefetch: 4}, randomDelays: true,
			wantItems: span(0, 1037), wantPages: span(0, 21), wantPerPage: 50, wantMaxInFly: 4},
		{name: "stops at a short page", total: 450, opts: PageOptions{}, wantItems: span(0, 450), wantPages: span(0, 3), wantPerPage: 200, wantMaxInFly: 4},
		{name: "exact multiple ends with an empty page", total: 400, opts: PageOptions{PerPage: 100}, wantItems: span(0, 400), wantPages: span(0, 5), wantPerPage: 100, wantMaxInFly: 4},
		{name: "empty list", total: 0, opts: PageOptions{PerPage: 10}, wantItems: []int{}, wantPages: []int{0}, wantPerPage: 10, wantMaxInFly: 4},
		{name: "per page clamped to 200", total: 250, opts: PageOptions{PerPage: 1000}, wantItems: span(0, 250), wantPages: span(0, 2), wantPerPage: 200, wantMaxInFly: 4},
		{name: "sequential with Prefetch 1", total: 95, opts: PageOptions{PerPage: 10, Prefetch: 1}, randomDelays: true, wantItems: span(0, 95), wantPages: span(0, 10), wantPerPage: 10, wantMaxInFly: 1},
		{name: "MaxPages", total: 1000, opts: PageOptions{PerPage: 10, MaxPages: 3}, wantItems: span(0, 30), wantPages: span(0, 3), wantPerPage: 10, wantMaxInFly: 3},
		{name: "StartPage", total: 55, opts: PageOptions{PerPage: 10, StartPage: 2}, wantItems: span(20, 55), wantPages: span(2, 6), wantPerPage: 10, wantMaxInFly: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeList(tt.total)
			if tt.randomDelays {
				f.delay = func(int) time.Duration { return time.Duration(rand.IntN(3000)) * time.Microsecond }
			}
			// Pages past the end never answer on their own: only cancellation ends them.
			f.blockFrom = tt.wantPages[len(tt.wantPages)-1] + 1

			items, errs := collect(t, Pages(context.Background(), tt.opts, f.fetch))

			if len(errs) != 0 {
				t.Fatalf("errors: %v", errs)
			}
			if !slices.Equal(items, tt.wantItems) {
				t.Errorf("items = %v, want %v", items, tt.wantItems)
			}
			if n := f.active.Load(); n != 0 {
				t.Errorf("%d fetches still running after the loop", n)
			}
			calls, cancelled, perPages := f.snapshot()
			if !slices.Equal(calls[:min(len(calls), len(tt.wantPages))], tt.wantPages) {
				t.Errorf("pages requested = %v, want %v first", calls, tt.wantPages)
			}
			speculative := calls[len(tt.wantPages):]
			prefetch := cmpOr(tt.opts.Prefetch, 4)
			if len(speculative) > prefetch-1 {
				t.Errorf("%d speculative requests %v, want at most Prefetch-1 = %d", len(speculative), speculative, prefetch-1)
			}
			if !slices.Equal(cancelled, speculative) {
				t.Errorf("cancelled pages = %v, want every speculative page %v", cancelled, speculative)
			}
			for _, pp := range perPages {
				if pp != tt.wantPerPage {
					t.Fatalf("fetch got perPage %d, want %d", pp, tt.wantPerPage)
				}
			}
			if got := f.maxActive.Load(); got > tt.wantMaxInFly {
				t.Errorf("%d fetches in flight at once, want at most %d", got, tt.wantMaxInFly)
			}
		})
	}
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func TestPagesError(t *testing.T) {
	boom := errors.New("boom")
	f := newFakeList(1000)
	f.failPage = 2
	f.failErr = boom
	f.blockFrom = 3

	var items []int
	var errs []error
	calls := 0
	for v, err := range Pages(context.Background(), PageOptions{PerPage: 10, Prefetch: 4}, f.fetch) {
		calls++
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, v)
	}
	if !slices.Equal(items, span(0, 20)) {
		t.Errorf("items = %v, want pages 0 and 1", items)
	}
	if len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Errorf("errors = %v, want boom once", errs)
	}
	if calls != 21 {
		t.Errorf("yield called %d times, want 21 (nothing after the error)", calls)
	}
	if n := f.active.Load(); n != 0 {
		t.Errorf("%d fetches still running", n)
	}
	_, cancelled, _ := f.snapshot()
	if len(cancelled) == 0 {
		t.Error("in-flight fetches after the failing page were not cancelled")
	}
}

func TestPagesEarlyBreak(t *testing.T) {
	before := runtime.NumGoroutine()
	f := newFakeList(1000)
	f.blockFrom = 1 // everything after the first page is in flight when the consumer stops

	var got []int
	for v, err := range Pages(context.Background(), PageOptions{PerPage: 10, Prefetch: 4}, f.fetch) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
		if len(got) == 5 {
			break
		}
	}
	if !slices.Equal(got, span(0, 5)) {
		t.Errorf("items = %v", got)
	}
	if n := f.active.Load(); n != 0 {
		t.Errorf("%d fetches still running after break", n)
	}
	calls, cancelled, _ := f.snapshot()
	if !slices.Equal(calls, []int{0, 1, 2, 3}) || !slices.Equal(cancelled, []int{1, 2, 3}) {
		t.Errorf("requested %v, cancelled %v; want 0-3 requested and 1-3 cancelled", calls, cancelled)
	}
	waitGoroutines(t, before)
}

func TestPagesParentCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newFakeList(1000)
	f.blockFrom = 2

	var items []int
	var errs []error
	for v, err := range Pages(ctx, PageOptions{PerPage: 10, Prefetch: 2}, f.fetch) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, v)
		if v == 15 {
			cancel()
		}
	}
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("errors = %v, want context.Canceled once", errs)
	}
	if len(items) > 20 {
		t.Errorf("got %d items after cancelling", len(items))
	}
	if n := f.active.Load(); n != 0 {
		t.Errorf("%d fetches still running", n)
	}
}

// TestPagesNoLeak runs many iterations that end in every way and checks that no goroutine
// outlives them.
func TestPagesNoLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := range 50 {
		f := newFakeList(rand.IntN(200))
		f.delay = func(int) time.Duration { return time.Duration(rand.IntN(500)) * time.Microsecond }
		if i%3 == 0 {
			f.failPage = rand.IntN(5)
			f.failErr = fmt.Errorf("fail %d", i)
		}
		stopAfter := rand.IntN(100)
		n := 0
		for _, err := range Pages(context.Background(), PageOptions{PerPage: 7, Prefetch: 1 + i%6}, f.fetch) {
			n++
			if err != nil || n > stopAfter {
				break
			}
		}
		if a := f.active.Load(); a != 0 {
			t.Fatalf("iteration %d: %d fetches still running", i, a)
		}
	}
	waitGoroutines(t, before)
}

func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want at most %d:\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func BenchmarkPages(b *testing.B) {
	const perPage, pages = 10, 100
	fetch := func(ctx context.Context, page, perPage int) ([]int, error) {
		t := time.NewTimer(time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		n := perPage
		if page == pages-1 {
			n = perPage / 2
		}
		return make([]int, n), nil
	}
	for _, prefetch := range []int{1, 4} {
		b.Run(fmt.Sprintf("prefetch=%d", prefetch), func(b *testing.B) {
			for b.Loop() {
				n := 0
				for _, err := range Pages(context.Background(), PageOptions{PerPage: perPage, Prefetch: prefetch}, fetch) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != (pages-1)*perPage+perPage/2 {
					b.Fatalf("got %d items", n)
				}
			}
		})
	}
}
