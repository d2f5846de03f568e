package cmdutil

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

func eachPrinter(t *testing.T) (*printer.Printer, *bytes.Buffer) {
	t.Helper()
	ios, _, _, errOut := iostreams.Test()
	p, err := printer.New(ios, printer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return p, errOut
}

func eachItems(n int) []string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf("item%02d", i)
	}
	return items
}

func eachLabel(s string) string { return s }

func TestRunEachOrderWithRandomDelays(t *testing.T) {
	p, errOut := eachPrinter(t)
	items := eachItems(60)
	var emitted []string
	err := RunEach(context.Background(), p, items, 8, eachLabel,
		func(_ context.Context, s string) (string, error) {
			time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
			return strings.ToUpper(s), nil
		},
		func(o Outcome[string]) error {
			if o.Label != items[o.Index] || o.Result != strings.ToUpper(items[o.Index]) {
				t.Errorf("outcome %+v does not match item %d", o, o.Index)
			}
			emitted = append(emitted, o.Label)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(emitted, ",") != strings.Join(items, ",") {
		t.Errorf("emitted out of order: %v", emitted)
	}
	if errOut.Len() != 0 {
		t.Errorf("stderr = %q", errOut)
	}
}

func TestRunEachBoundsConcurrency(t *testing.T) {
	for _, parallel := range []int{1, 3, 8} {
		t.Run(fmt.Sprint(parallel), func(t *testing.T) {
			p, _ := eachPrinter(t)
			var cur, peak atomic.Int32
			var calls atomic.Int32
			err := RunEach(context.Background(), p, eachItems(40), parallel, eachLabel,
				func(context.Context, string) (struct{}, error) {
					calls.Add(1)
					n := cur.Add(1)
					defer cur.Add(-1)
					for m := peak.Load(); n > m && !peak.CompareAndSwap(m, n); m = peak.Load() {
					}
					time.Sleep(2 * time.Millisecond)
					return struct{}{}, nil
				}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := peak.Load(); got > int32(parallel) {
				t.Errorf("%d in flight, want ≤ %d", got, parallel)
			}
			if parallel > 1 && peak.Load() < 2 {
				t.Errorf("never ran concurrently (peak %d)", peak.Load())
			}
			if calls.Load() != 40 {
				t.Errorf("fn called %d times, want 40", calls.Load())
			}
		})
	}
}

func TestRunEachFailures(t *testing.T) {
	notFound := func(s string) error { return &NotFoundError{Kind: "user", Name: s} }
	forbidden := &client.Error{Status: 403, Message: "forbidden"}
	tests := []struct {
		name     string
		items    []string
		fail     map[string]error
		wantExit int
		wantErr  any
		wantErrs string
	}{
		{name: "all succeed", items: []string{"a", "b"}, wantExit: ExitOK},
		{
			name: "some fail", items: []string{"a", "b", "c", "d"},
			fail:     map[string]error{"b": notFound("b"), "d": errors.New("boom")},
			wantExit: ExitPartial, wantErr: &PartialError{},
			wantErrs: "b: user \"b\" not found\nd: boom\n",
		},
		{
			name: "all fail: the first failure's code", items: []string{"a", "b"},
			fail:     map[string]error{"a": notFound("a"), "b": errors.New("boom")},
			wantExit: ExitNotFound, wantErr: &SilentError{},
			wantErrs: "a: user \"a\" not found\nb: boom\n",
		},
		{
			name: "all forbidden", items: []string{"a", "b"},
			fail:     map[string]error{"a": forbidden, "b": forbidden},
			wantExit: ExitAuth, wantErr: &SilentError{},
			wantErrs: "a: forbidden (HTTP 403)\nb: forbidden (HTTP 403)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, errOut := eachPrinter(t)
			var okEmits, failEmits int
			err := RunEach(context.Background(), p, tt.items, 4, eachLabel,
				func(_ context.Context, s string) (string, error) {
					time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
					return s, tt.fail[s]
				},
				func(o Outcome[string]) error {
					if o.Err != nil {
						failEmits++
					} else {
						okEmits++
					}
					return nil
				})
			if ExitCode(err) != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d", ExitCode(err), err, tt.wantExit)
			}
			switch tt.wantErr.(type) {
			case *PartialError:
				var pe *PartialError
				if !errors.As(err, &pe) || pe.Failed != len(tt.fail) || pe.Total != len(tt.items) {
					t.Errorf("err = %#v", err)
				}
			case *SilentError:
				var se *SilentError
				if !errors.As(err, &se) {
					t.Errorf("err = %#v, want *SilentError (failures already printed)", err)
				}
				// Only the hint that goes with the failures is left to print, once.
				if msg := ErrorMessage(err); msg != "" && (!strings.HasPrefix(msg, "hint: ") || strings.Contains(msg, "\n")) {
					t.Errorf("the final error repeats the failures: %q", msg)
				}
			}
			// Each failure once, in argument order, and nothing else.
			if errOut.String() != tt.wantErrs {
				t.Errorf("stderr = %q, want %q", errOut, tt.wantErrs)
			}
			if failEmits != len(tt.fail) || okEmits != len(tt.items)-len(tt.fail) {
				t.Errorf("emitted %d ok, %d failed", okEmits, failEmits)
			}
		})
	}
}

func TestRunEachEmitErrorStops(t *testing.T) {
	p, _ := eachPrinter(t)
	stop := errors.New("stdout closed")
	var emits int
	err := RunEach(context.Background(), p, eachItems(10), 2, eachLabel,
		func(_ context.Context, s string) (string, error) { return s, nil },
		func(Outcome[string]) error { emits++; return stop })
	if !errors.Is(err, stop) {
		t.Errorf("err = %v, want the emit error", err)
	}
	if emits != 1 {
		t.Errorf("emit called %d times after failing, want 1", emits)
	}
}

func TestRunEachCancellation(t *testing.T) {
	p, _ := eachPrinter(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	items := eachItems(100)
	var started atomic.Int32
	done := make(chan error, 1)
	go func() {
		done <- RunEach(ctx, p, items, 4, eachLabel,
			func(ctx context.Context, s string) (string, error) {
				if started.Add(1) == 10 {
					cancel()
				}
				select {
				case <-ctx.Done():
					return "", ctx.Err()
				case <-time.After(time.Millisecond):
					return s, nil
				}
			}, nil)
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if ExitCode(err) != ExitInterrupted {
			t.Errorf("exit = %d, want 130", ExitCode(err))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("RunEach did not return after cancellation")
	}
	// Dispatch stops soon after the cancel. (Its select may still admit a few items while a
	// slot is free, which is harmless: their context is already cancelled.)
	if n := started.Load(); n >= 50 {
		t.Errorf("%d of %d calls started after cancelling at the 10th", n, len(items))
	}
}

// Cancelling while workers are in flight, many times over: no data race (under -race), no
// worker left blocked, no call started long after the cancel.
func TestRunEachCancellationRepeated(t *testing.T) {
	p, _ := eachPrinter(t)
	for round := range 300 {
		ctx, cancel := context.WithCancel(context.Background())
		var started atomic.Int32
		cancelAt := int32(1 + round%7)
		done := make(chan error, 1)
		go func() {
			done <- RunEach(ctx, p, eachItems(40), 1+round%5, eachLabel,
				func(ctx context.Context, s string) (string, error) {
					if started.Add(1) == cancelAt {
						cancel()
					}
					return s, nil
				}, nil)
		}()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("round %d: err = %v, want context.Canceled", round, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: RunEach did not return after cancellation", round)
		}
		cancel()
	}
}
