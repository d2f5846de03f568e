package cmdutil

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

type ctxKey struct{}

func TestBulkArgsRunE(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		file     string
		stdin    string
		parallel int
		wantArgs []string
		wantErr  string
	}{
		{name: "positional", args: []string{"a", "b"}, parallel: DefaultParallel, wantArgs: []string{"a", "b"}},
		{name: "args then file", args: []string{"a"}, file: "-", stdin: "b\n# c\n\n d \n", parallel: 2, wantArgs: []string{"a", "b", "d"}},
		{name: "none", parallel: DefaultParallel, wantErr: "give at least one widget as an argument or with --file"},
		{name: "parallel out of range", args: []string{"a"}, parallel: 0, wantErr: "--parallel must be between 1 and 64, got 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, in, _, _ := iostreams.Test()
			in.WriteString(tt.stdin)
			b := BulkArgs{IO: ios, Bulk: BulkFlags{File: tt.file, Parallel: tt.parallel}}
			var ran []string
			runE := b.RunE("widget", func(ctx context.Context) error {
				if ctx.Value(ctxKey{}) != "cmd" {
					t.Error("run did not get the command's context")
				}
				ran = slices.Clone(b.Args)
				return nil
			})
			cmd := &cobra.Command{}
			cmd.SetContext(context.WithValue(context.Background(), ctxKey{}, "cmd"))
			err := runE(cmd, tt.args)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || ExitCode(err) != ExitUsage {
					t.Fatalf("err = %v (exit %d), want usage error %q", err, ExitCode(err), tt.wantErr)
				}
				if ran != nil {
					t.Error("run was called after a usage error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ran, tt.wantArgs) {
				t.Errorf("args = %q, want %q", ran, tt.wantArgs)
			}
		})
	}
}

func TestBulkArgsSetupBuildsThePrinterFirst(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	fake := &clienttest.Fake{}
	var calls []string
	printerErr := errors.New("bad format")
	b := BulkArgs{
		IO:      ios,
		Printer: func() (*printer.Printer, error) { calls = append(calls, "printer"); return nil, printerErr },
		Client:  func() (client.Client, error) { calls = append(calls, "client"); return fake, nil },
	}
	if _, _, err := b.Setup(); !errors.Is(err, printerErr) {
		t.Fatalf("err = %v, want the printer's", err)
	}
	if !slices.Equal(calls, []string{"printer"}) {
		t.Errorf("calls = %q: the client was built after the printer failed", calls)
	}

	calls = nil
	b.Printer = func() (*printer.Printer, error) {
		calls = append(calls, "printer")
		return printer.New(ios, printer.Options{})
	}
	p, c, err := b.Setup()
	if err != nil || p == nil || c != client.Client(fake) {
		t.Fatalf("Setup = %v, %v, %v", p, c, err)
	}
	if !slices.Equal(calls, []string{"printer", "client"}) {
		t.Errorf("calls = %q", calls)
	}
}

func TestRunBulkVerbTakesArgsAndFlagsFromBulkArgs(t *testing.T) {
	a := &widget{ID: "w1", Name: "alpha"}
	b := &widget{ID: "w2", Name: "beta"}
	fake := &clienttest.Fake{}
	for _, dryRun := range []bool{false, true} {
		ios, _, _, errOut := iostreams.Test()
		args := BulkArgs{
			IO:      ios,
			Printer: func() (*printer.Printer, error) { return printer.New(ios, printer.Options{}) },
			Client:  func() (client.Client, error) { return fake, nil },
			Args:    []string{"alpha", "beta"},
			Bulk:    BulkFlags{Parallel: 2, DryRun: dryRun},
		}
		var mu sync.Mutex
		var applied []string
		err := RunBulkVerb(context.Background(), &args, widgetKind(a, b), func(c client.Client) Verb[*widget] {
			if c != client.Client(fake) {
				t.Error("build did not get the client")
			}
			return Verb[*widget]{
				Args: []string{"ignored"}, DryRun: !dryRun, Parallel: 64,
				Plan: "poke", Done: "Poked",
				Apply: func(_ context.Context, w *widget) (*widget, error) {
					mu.Lock()
					defer mu.Unlock()
					applied = append(applied, w.ID)
					return w, nil
				},
			}
		})
		if err != nil {
			t.Fatalf("dry run %v: %v", dryRun, err)
		}
		slices.Sort(applied)
		switch {
		case dryRun && (applied != nil || !strings.Contains(errOut.String(), "would poke widget alpha")):
			t.Errorf("dry run: applied %q, stderr %q", applied, errOut.String())
		case !dryRun && !slices.Equal(applied, []string{"w1", "w2"}):
			t.Errorf("applied %q, want both widgets; stderr %q", applied, errOut.String())
		}
	}
}

func TestRunBulkVerbStopsOnSetupError(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	clientErr := errors.New("not logged in")
	args := BulkArgs{
		IO:      ios,
		Printer: func() (*printer.Printer, error) { return printer.New(ios, printer.Options{}) },
		Client:  func() (client.Client, error) { return nil, clientErr },
		Args:    []string{"alpha"},
	}
	err := RunBulkVerb(context.Background(), &args, widgetKind(), func(client.Client) Verb[*widget] {
		t.Error("build was called without a client")
		return Verb[*widget]{}
	})
	if !errors.Is(err, clientErr) {
		t.Errorf("err = %v, want the client's", err)
	}
}

func TestRunnerPrefersTheTestHook(t *testing.T) {
	var got []string
	run := func(_ context.Context, o string) error { got = append(got, "run "+o); return nil }
	hook := func(_ context.Context, o string) error { got = append(got, "hook "+o); return nil }
	_ = Runner("a", nil, run)(context.Background())
	_ = Runner("b", hook, run)(context.Background())
	if !slices.Equal(got, []string{"run a", "hook b"}) {
		t.Errorf("calls = %q", got)
	}
}
