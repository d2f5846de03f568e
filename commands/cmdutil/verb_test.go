package cmdutil

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// widget is a stand-in object kind: the runner knows nothing of users.
type widget struct {
	ID, Name string
	Secret   string `json:"secret,omitempty"`
	Changed  int    `json:"changed"`
}

func widgetKind(known ...*widget) Kind[*widget] {
	return Kind[*widget]{
		Name: "widget",
		Resolve: func(ctx context.Context, _ client.Client, args []string) ([]Ref[*widget], error) {
			return ResolveEach(ctx, args, func(_ context.Context, arg string) (*widget, error) {
				for _, w := range known {
					if w.ID == arg || w.Name == arg {
						return w, nil
					}
				}
				return nil, &NotFoundError{Kind: "widget", Name: arg}
			})
		},
		ID:    func(w *widget) string { return w.ID },
		Label: func(w *widget) string { return w.Name },
		Show:  func(w *widget) *widget { c := *w; c.Secret = ""; return &c },
	}
}

func verbPrinter(t *testing.T, opts printer.Options) (*printer.Printer, *strings.Builder, func() string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	p, err := printer.New(ios, opts)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	return p, &sb, func() string { sb.WriteString(out.String()); return errOut.String() }
}

func TestRunVerbRowsNamedAfterTheKind(t *testing.T) {
	a := &widget{ID: "w1", Name: "alpha", Secret: "s3cret"}
	b := &widget{ID: "w2", Name: "beta"}
	ios, _, out, errOut := iostreams.Test()
	p, _ := printer.New(ios, printer.Options{JSON: true})
	var mu sync.Mutex
	applied := map[string]int{}
	err := RunVerb(context.Background(), nil, p, widgetKind(a, b), Verb[*widget]{
		Args: []string{"alpha", "w1", "beta", "ghost"}, Parallel: 4, Done: "Polished",
		Apply: func(_ context.Context, w *widget) (*widget, error) {
			mu.Lock()
			applied[w.ID]++
			mu.Unlock()
			w.Changed++ // one worker per object: no race
			if w.ID == "w2" {
				return nil, &DoneWithWarning{Message: "beta is still dull"}
			}
			return w, nil
		},
	})
	if ExitCode(err) != ExitPartial {
		t.Fatalf("exit = %d (%v), want 3", ExitCode(err), err)
	}
	if applied["w1"] != 1 || applied["w2"] != 1 {
		t.Errorf("applied = %v, want each once", applied)
	}
	wantErr := "Polished widget alpha\nw1: same widget as argument 1\nPolished widget beta\nwarning: beta is still dull\nghost: widget \"ghost\" not found\n"
	if errOut.String() != wantErr {
		t.Errorf("stderr = %q, want %q", errOut, wantErr)
	}
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatalf("stdout: %v\n%s", err, out)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows", len(rows))
	}
	if string(rows[0]["widget"]) == "" || strings.Contains(out.String(), "s3cret") {
		t.Errorf("row 0 lacks the widget or shows its secret: %s", out)
	}
	if string(rows[1]["duplicate_of"]) != "1" || string(rows[3]["ok"]) != "false" || rows[3]["widget"] != nil {
		t.Errorf("rows = %s", out)
	}
	if got := string(rows[3]["error"]); got != `"widget \"ghost\" not found"` {
		t.Errorf("error = %s", got)
	}
	if _, ok := rows[0]["user"]; ok {
		t.Errorf("row keyed by user: %s", out)
	}
}

func TestRunVerbStrictAndConfirm(t *testing.T) {
	a := &widget{ID: "w1", Name: "alpha"}
	b := &widget{ID: "w2", Name: "beta"}
	var applied int
	apply := func(_ context.Context, w *widget) (*widget, error) { applied++; return w, nil }

	p, _, _ := verbPrinter(t, printer.Options{})
	err := RunVerb(context.Background(), nil, p, widgetKind(a, b), Verb[*widget]{
		Args: []string{"alpha", "ghost"}, Strict: true, Parallel: 1, Apply: apply,
		Confirm: func([]*widget) error { t.Error("asked although an argument did not resolve"); return nil },
	})
	var re *ResolveError
	if !errors.As(err, &re) || ExitCode(err) != ExitNotFound || applied != 0 {
		t.Fatalf("strict: err = %v, applied %d", err, applied)
	}

	var asked []string
	err = RunVerb(context.Background(), nil, p, widgetKind(a, b), Verb[*widget]{
		Args: []string{"alpha", "w1", "beta"}, Strict: true, Parallel: 1, Apply: apply,
		Confirm: func(ws []*widget) error {
			for _, w := range ws {
				asked = append(asked, w.Name)
			}
			return ErrCancelled
		},
	})
	if !errors.Is(err, ErrCancelled) || applied != 0 || fmt.Sprint(asked) != "[alpha beta]" {
		t.Errorf("declined: err = %v, applied %d, asked about %v", err, applied, asked)
	}

	err = RunVerb(context.Background(), nil, p, widgetKind(a, b), Verb[*widget]{
		Args: []string{"alpha"}, DryRun: true, Plan: "polish", Apply: apply,
		Confirm: func([]*widget) error { t.Error("asked in a dry run"); return nil },
	})
	if err != nil || applied != 0 {
		t.Errorf("dry run: err = %v, applied %d", err, applied)
	}
}

func TestResultRowMarshal(t *testing.T) {
	encode := func(r ResultRow[*widget]) string {
		var buf strings.Builder
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // as the printer does
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(buf.String())
	}
	for _, tt := range []struct {
		row  ResultRow[*widget]
		want string
	}{
		{ResultRow[*widget]{Kind: "widget", Input: "a<b", OK: true, Object: &widget{ID: "x"}},
			`{"input":"a<b","ok":true,"widget":{"ID":"x","Name":"","changed":0}}`},
		{ResultRow[*widget]{Kind: "widget", DryRun: true, DuplicateOf: 2, Error: "boom"},
			`{"input":"","ok":false,"dry_run":true,"duplicate_of":2,"error":"boom"}`},
	} {
		if got := encode(tt.row); got != tt.want {
			t.Errorf("got %s, want %s", got, tt.want)
		}
	}
}

// A run cut short leaves the JSON rows unterminated; failed arguments leave them whole.
func TestRunVerbRowsEndings(t *testing.T) {
	a := &widget{ID: "w1", Name: "alpha"}
	b := &widget{ID: "w2", Name: "beta"}
	for _, cancelled := range []bool{false, true} {
		ios, _, out, _ := iostreams.Test()
		p, _ := printer.New(ios, printer.Options{JSON: true})
		ctx, cancel := context.WithCancel(context.Background())
		err := RunVerb(ctx, nil, p, widgetKind(a, b), Verb[*widget]{
			Args: []string{"alpha", "ghost", "beta"}, Parallel: 1, Done: "Polished",
			Apply: func(_ context.Context, w *widget) (*widget, error) {
				if cancelled {
					cancel()
				}
				return w, nil
			},
		})
		cancel()
		if json.Valid(out.Bytes()) == cancelled {
			t.Errorf("cancelled=%v: err %v, stdout valid JSON = %v:\n%s", cancelled, err, !cancelled, out)
		}
	}
}

func TestRunVerbAlready(t *testing.T) {
	for _, dryRun := range []bool{false, true} {
		t.Run(fmt.Sprintf("dry-run=%v", dryRun), func(t *testing.T) {
			shiny := &widget{ID: "w1", Name: "shiny", Changed: 1}
			dull := &widget{ID: "w2", Name: "dull"}
			raced := &widget{ID: "w3", Name: "raced"}
			ios, _, out, errOut := iostreams.Test()
			p, _ := printer.New(ios, printer.Options{JSON: true})
			var mu sync.Mutex
			var applied, asked []string
			err := RunVerb(context.Background(), nil, p, widgetKind(shiny, dull, raced), Verb[*widget]{
				Args: []string{"shiny", "dull", "raced"}, Parallel: 2, DryRun: dryRun, Plan: "polish", Done: "Polished",
				Already: func(w *widget) string {
					if w.Changed > 0 {
						return "already shiny"
					}
					return ""
				},
				Confirm: func(ws []*widget) error {
					for _, w := range ws {
						asked = append(asked, w.Name)
					}
					return nil
				},
				Apply: func(_ context.Context, w *widget) (*widget, error) {
					mu.Lock()
					applied = append(applied, w.Name)
					mu.Unlock()
					if w.ID == "w3" {
						return nil, &AlreadyError{State: "already shiny"}
					}
					return w, nil
				},
			})
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if slices.Contains(applied, "shiny") || (dryRun && len(applied) > 0) {
				t.Errorf("applied = %v", applied)
			}
			if !dryRun && !slices.Equal(asked, []string{"dull", "raced"}) {
				t.Errorf("asked about %v, want only the widgets that change", asked)
			}
			stderr := errOut.String()
			want := "Widget shiny is already shiny: nothing to do"
			if dryRun {
				want = "widget shiny is already shiny: nothing would change"
			}
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
			if !dryRun && !strings.Contains(stderr, "Widget raced is already shiny: nothing to do") {
				t.Errorf("an AlreadyError from Apply is not reported as such:\n%s", stderr)
			}
			var rows []map[string]any
			if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
				t.Fatal(err)
			}
			wantChanged := []bool{false, true, dryRun}
			if len(rows) != 3 {
				t.Fatalf("%d rows", len(rows))
			}
			for i, r := range rows {
				if r["changed"] != wantChanged[i] {
					t.Errorf("row %d: changed = %v, want %v", i, r["changed"], wantChanged[i])
				}
			}
		})
	}
}

func TestRunVerbPreview(t *testing.T) {
	good := &widget{ID: "w1", Name: "good"}
	bad := &widget{ID: "w2", Name: "bad"}
	done := &widget{ID: "w3", Name: "done", Changed: 1}
	p, _, stderr := verbPrinter(t, printer.Options{})
	var mu sync.Mutex
	var previewed []string
	err := RunVerb(context.Background(), nil, p, widgetKind(good, bad, done), Verb[*widget]{
		Args: []string{"good", "bad", "done", "w1"}, Parallel: 3, DryRun: true, Plan: "polish",
		Already: func(w *widget) string {
			if w.Changed > 0 {
				return "already polished"
			}
			return ""
		},
		Preview: func(_ context.Context, w *widget) (*widget, error) {
			mu.Lock()
			previewed = append(previewed, w.Name)
			mu.Unlock()
			if w.Name == "bad" {
				return nil, errors.New("too rough to polish")
			}
			return w, nil
		},
		Apply: func(context.Context, *widget) (*widget, error) { t.Error("Apply in a dry run"); return nil, nil },
	})
	if ExitCode(err) != ExitPartial {
		t.Fatalf("err = %v", err)
	}
	slices.Sort(previewed)
	if !slices.Equal(previewed, []string{"bad", "good"}) {
		t.Errorf("previewed %v, want each object that would change once", previewed)
	}
	got := stderr()
	for _, want := range []string{"would polish widget good (w1)", "bad: too rough to polish", "widget done is already polished: nothing would change"} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr lacks %q:\n%s", want, got)
		}
	}
}

func TestRunVerbAlreadyFailedRowsSayNothingOfChange(t *testing.T) {
	a := &widget{ID: "w1", Name: "alpha"}
	ios, _, out, _ := iostreams.Test()
	p, _ := printer.New(ios, printer.Options{JSON: true})
	err := RunVerb(context.Background(), nil, p, widgetKind(a), Verb[*widget]{
		Args: []string{"alpha", "ghost"}, Parallel: 1, Done: "Polished",
		Already: func(*widget) string { return "" },
		Apply:   func(context.Context, *widget) (*widget, error) { return nil, errors.New("stuck") },
	})
	if ExitCode(err) != ExitError {
		t.Fatalf("err = %v (exit %d)", err, ExitCode(err))
	}
	var rows []map[string]any
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if _, ok := r["changed"]; ok || r["ok"] != false {
			t.Errorf("row %d of a failed argument: %v", i, r)
		}
	}
}

// TestRunVerbRowsOfUnknownOutcomes: a failure after which the change may have been made (an
// answer lost, a check that could not be made) gets "unknown": true; other failures do not.
func TestRunVerbRowsOfUnknownOutcomes(t *testing.T) {
	ws := []*widget{{ID: "w1", Name: "lost"}, {ID: "w2", Name: "unasked"}, {ID: "w3", Name: "refused"}, {ID: "w4", Name: "fine"}}
	ios, _, out, _ := iostreams.Test()
	p, _ := printer.New(ios, printer.Options{JSON: true})
	err := RunVerb(context.Background(), nil, p, widgetKind(ws...), Verb[*widget]{
		Args: []string{"lost", "unasked", "refused", "fine"}, Parallel: 1, Done: "Polished",
		Apply: func(_ context.Context, w *widget) (*widget, error) {
			switch w.Name {
			case "lost":
				return nil, &client.AnswerLostError{Err: errors.New("EOF")}
			case "unasked":
				return nil, &UnknownOutcomeError{Err: errors.New("connection refused")}
			case "refused":
				return nil, &client.Error{Status: 400, Message: "no"}
			}
			return w, nil
		},
	})
	if ExitCode(err) != ExitPartial {
		t.Fatalf("err = %v (exit %d)", err, ExitCode(err))
	}
	var rows []map[string]any
	if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"lost": true, "unasked": true, "refused": nil, "fine": nil}
	for _, r := range rows {
		if got := r["unknown"]; got != want[r["input"].(string)] {
			t.Errorf("row %v: unknown = %v, want %v", r["input"], got, want[r["input"].(string)])
		}
	}
	if len(rows) != len(want) {
		t.Errorf("%d rows", len(rows))
	}
}
