package cmdutil

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
