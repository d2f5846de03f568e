package printer

import (
	"encoding/json"
	"errors"
	"io"
	"iter"
	"math"
	"strings"
	"testing"
)

// errCut stands for a page that could not be read: the connection broke half-way.
var errCut = errors.New("read tcp 127.0.0.1:80: connection reset by peer")

// assertUnterminatedArray fails unless out is a JSON array that holds exactly the first n
// items, complete, and then ends without its closing bracket: a parser must reject it.
func assertUnterminatedArray(t *testing.T, out string, n int) {
	t.Helper()
	if json.Valid([]byte(out)) {
		t.Fatalf("stdout parses as a complete JSON document after a failure:\n%s", out)
	}
	var whole any
	if err := json.NewDecoder(strings.NewReader(out)).Decode(&whole); err == nil {
		t.Fatalf("a JSON decoder reads stdout as a document after a failure:\n%s", out)
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		t.Fatalf("stdout does not start a JSON array (%v, %v):\n%s", tok, err, out)
	}
	for i := range n {
		var u user
		if !dec.More() {
			t.Fatalf("item %d missing:\n%s", i, out)
		}
		if err := dec.Decode(&u); err != nil {
			t.Fatalf("item %d is not a whole JSON object: %v\n%s", i, err, out)
		}
	}
	if tok, err := dec.Token(); err == nil {
		t.Fatalf("after %d items stdout goes on with %v, want the end of the input:\n%s", n, tok, out)
	}
	if strings.Contains(out, "]") {
		t.Errorf("stdout holds a closing bracket:\n%s", out)
	}
	if !strings.HasSuffix(out, "\n") {
		t.Errorf("stdout does not end with a newline (the error on stderr would follow the last brace):\n%q", out)
	}
}

func TestStreamFailLeavesOutputIncomplete(t *testing.T) {
	items := threeUsers[:2]
	tests := []struct {
		name  string
		tty   bool
		opts  Options
		check func(t *testing.T, out string)
	}{
		{name: "json", opts: Options{Format: "json"}, check: func(t *testing.T, out string) { assertUnterminatedArray(t, out, 2) }},
		{name: "json on a terminal", tty: true, opts: Options{JSON: true}, check: func(t *testing.T, out string) { assertUnterminatedArray(t, out, 2) }},
		{name: "--jq prints nothing", opts: Options{JQ: "length"}, check: func(t *testing.T, out string) {
			if out != "" {
				t.Errorf("stdout = %q, want nothing: a filter over part of the list", out)
			}
		}},
		{name: "--jq on a terminal prints nothing", tty: true, opts: Options{JQ: ".[].name"}, check: func(t *testing.T, out string) {
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		}},
		{name: "jsonl keeps its complete lines", opts: Options{Format: "jsonl"}, check: func(t *testing.T, out string) {
			ls := lines(out)
			if len(ls) != 2 || !strings.HasSuffix(out, "\n") {
				t.Fatalf("stdout = %q, want the 2 lines written", out)
			}
			for _, l := range ls {
				if !json.Valid([]byte(l)) {
					t.Errorf("line %q is not a JSON document", l)
				}
			}
		}},
		{name: "jsonl --jq keeps the lines filtered", opts: Options{Format: "jsonl", JQ: ".name"}, check: func(t *testing.T, out string) {
			if out != "alice\nbob\n" {
				t.Errorf("stdout = %q", out)
			}
		}},
		{name: "plain keeps its lines", opts: Options{Format: "plain"}, check: func(t *testing.T, out string) {
			if want := "u1\talice\tsystem_admin system_user\nu2222222\tbob\tsystem_user\n"; out != want {
				t.Errorf("stdout = %q, want %q", out, want)
			}
		}},
		{name: "table shows the rows read", tty: true, check: func(t *testing.T, out string) {
			ls := lines(out)
			if len(ls) != 3 || cells(ls[0])[0] != "ID" || cells(ls[1])[1] != "alice" || cells(ls[2])[1] != "bob" {
				t.Errorf("stdout is not a header and the 2 rows read:\n%s", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, out, errOut := newTestPrinter(t, tt.tty, tt.opts)
			l := NewList(p, userColumns...)
			for _, it := range items {
				if err := l.Add(it); err != nil {
					t.Fatal(err)
				}
			}
			if err := l.Fail(errCut); err != errCut {
				t.Fatalf("Fail() = %v, want the error it was given", err)
			}
			tt.check(t, out.String())
			if errOut.Len() != 0 {
				t.Errorf("stderr = %q: reporting the error is the caller's", errOut)
			}

			// The list has ended: nothing else reaches stdout, and every call reports the failure.
			printed := out.String()
			if err := l.Close(); err != errCut {
				t.Errorf("Close() after Fail = %v, want %v", err, errCut)
			}
			if err := l.Add(threeUsers[2]); err != errCut {
				t.Errorf("Add() after Fail = %v, want %v", err, errCut)
			}
			if err := l.Fail(errors.New("later")); err != errCut {
				t.Errorf("a second Fail() = %v, want the first failure %v", err, errCut)
			}
			if out.String() != printed {
				t.Errorf("stdout changed after Fail: %q, then %q", printed, out)
			}
		})
	}
}

func TestStreamFailBeforeAnyItemPrintsNothing(t *testing.T) {
	for _, tty := range []bool{false, true} {
		for _, opts := range []Options{{}, {Format: "json"}, {Format: "jsonl"}, {Format: "plain"}, {Format: "table"}, {JQ: "length"}, {JQ: "."}, {Format: "jsonl", JQ: "."}} {
			t.Run(optsName(opts)+map[bool]string{true: " on a terminal"}[tty], func(t *testing.T) {
				p, out, errOut := newTestPrinter(t, tty, opts)
				l := NewList(p, userColumns...)
				if err := l.Fail(errCut); err != errCut {
					t.Fatalf("Fail() = %v", err)
				}
				if err := l.Close(); err != errCut {
					t.Fatalf("Close() after Fail = %v", err)
				}
				if out.Len()+errOut.Len() != 0 {
					t.Errorf("stdout %q, stderr %q: want nothing (not even [], which claims an empty list)", out, errOut)
				}
			})
		}
	}
}

func TestStreamFailEdgeCases(t *testing.T) {
	t.Run("Fail(nil) is Close", func(t *testing.T) {
		p, out, _ := newTestPrinter(t, false, Options{JSON: true})
		l := NewList(p, userColumns...)
		if err := l.Fail(nil); err != nil {
			t.Fatal(err)
		}
		if out.String() != "[]\n" {
			t.Errorf("stdout = %q", out)
		}
	})
	t.Run("Fail after Close reports the error and prints nothing more", func(t *testing.T) {
		p, out, _ := newTestPrinter(t, false, Options{JSON: true})
		l := NewList(p, userColumns...)
		_ = l.Add(threeUsers[0])
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		printed := out.String()
		if err := l.Fail(errCut); err != errCut {
			t.Errorf("Fail() after Close = %v, want %v", err, errCut)
		}
		if err := l.Close(); err != errCut {
			t.Errorf("Close() after that = %v, want %v", err, errCut)
		}
		if out.String() != printed {
			t.Errorf("stdout changed: %q, then %q", printed, out)
		}
	})
	t.Run("Add after Close is an error, not a second array", func(t *testing.T) {
		p, out, _ := newTestPrinter(t, false, Options{JSON: true})
		l := NewList(p, userColumns...)
		_ = l.Add(threeUsers[0])
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if err := l.Add(threeUsers[1]); err == nil {
			t.Error("Add() after Close succeeded")
		}
		decodeOne(t, out.String())
		if err := l.Close(); err != nil {
			t.Errorf("Close() again = %v, want the first Close's nil", err)
		}
	})
	t.Run("Close after a failed Add ends the list as failed", func(t *testing.T) {
		type maybeBad struct {
			ID string  `json:"id"`
			F  float64 `json:"f"`
		}
		cols := []Column[maybeBad]{{Header: "ID", Value: func(v maybeBad) string { return v.ID }}}
		p, out, _ := newTestPrinter(t, false, Options{JSON: true})
		l := NewList(p, cols...)
		if err := l.Add(maybeBad{ID: "u1"}); err != nil {
			t.Fatal(err)
		}
		addErr := l.Add(maybeBad{ID: "u2", F: math.NaN()})
		if addErr == nil {
			t.Fatal("Add of an unencodable value succeeded")
		}
		if err := l.Close(); err != addErr {
			t.Errorf("Close() = %v, want the Add failure %v", err, addErr)
		}
		if err := l.Fail(errCut); err != addErr {
			t.Errorf("Fail() = %v, want the first failure %v", err, addErr)
		}
		if l.Len() != 1 {
			t.Errorf("Len() = %d, want 1: the failed item was not added", l.Len())
		}
		assertUnterminatedArray(t, out.String(), 1)
	})
	t.Run("a failed first Add prints nothing", func(t *testing.T) {
		type bad struct {
			F func() `json:"f"`
		}
		p, out, _ := newTestPrinter(t, false, Options{JSON: true})
		l := NewList(p, Column[bad]{Header: "F", Value: func(bad) string { return "" }})
		if err := l.Add(bad{F: func() {}}); err == nil {
			t.Fatal("Add of an unencodable value succeeded")
		}
		_ = l.Close()
		if out.Len() != 0 {
			t.Errorf("stdout = %q, want nothing", out)
		}
	})
}

// pagesOf yields items, then err when it is not nil; overran (when not nil) records that the
// consumer asked for more after the error.
func pagesOf[T any](items []T, err error, overran *bool) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
		if err != nil {
			var zero T
			if yield(zero, err) && overran != nil {
				*overran = true
			}
		}
	}
}

func TestStreamDrainsAnIterator(t *testing.T) {
	t.Run("complete", func(t *testing.T) {
		p, out, _ := newTestPrinter(t, false, Options{JSON: true})
		if err := Stream(NewList(p, userColumns...), pagesOf(threeUsers, nil, nil)); err != nil {
			t.Fatal(err)
		}
		if got, ok := decodeOne(t, out.String()).([]any); !ok || len(got) != 3 {
			t.Errorf("stdout is not an array of 3:\n%s", out)
		}
	})
	t.Run("empty", func(t *testing.T) {
		p, out, _ := newTestPrinter(t, false, Options{JSON: true})
		if err := Stream(NewList(p, userColumns...), pagesOf[user](nil, nil, nil)); err != nil {
			t.Fatal(err)
		}
		if out.String() != "[]\n" {
			t.Errorf("stdout = %q", out)
		}
	})
	for _, opts := range []Options{{JSON: true}, {JQ: "length"}} {
		t.Run("a failing page/"+optsName(opts), func(t *testing.T) {
			p, out, _ := newTestPrinter(t, false, opts)
			var overran bool
			l := NewList(p, userColumns...)
			if err := Stream(l, pagesOf(threeUsers[:2], errCut, &overran)); !errors.Is(err, errCut) {
				t.Fatalf("Stream() = %v, want %v", err, errCut)
			}
			if overran {
				t.Error("Stream asked for more after the error")
			}
			if opts.JQ != "" {
				if out.Len() != 0 {
					t.Errorf("stdout = %q, want nothing", out)
				}
			} else {
				assertUnterminatedArray(t, out.String(), 2)
			}
			if err := l.Close(); err != errCut {
				t.Errorf("Close() after Stream failed = %v", err)
			}
		})
	}
	t.Run("a failing Add stops the iterator", func(t *testing.T) {
		p, out, _ := newTestPrinter(t, false, Options{JSON: true})
		l := NewList(p, userColumns...)
		writeErr := errors.New("write /dev/stdout: broken pipe")
		p.ios.Out = &failAfter{w: out, n: 1, err: writeErr}
		calls := 0
		seq := func(yield func(user, error) bool) {
			for _, u := range threeUsers {
				calls++
				if !yield(u, nil) {
					return
				}
			}
		}
		if err := Stream(l, seq); err != writeErr {
			t.Fatalf("Stream() = %v, want the write error", err)
		}
		if calls != 2 {
			t.Errorf("the iterator produced %d items, want it stopped after the failed second", calls)
		}
	})
}

// failAfter passes n writes to w, then fails every write with err.
type failAfter struct {
	w   io.Writer
	n   int
	err error
}

func (f *failAfter) Write(b []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	f.n--
	return f.w.Write(b)
}

func TestStreamRawList(t *testing.T) {
	items := []json.RawMessage{json.RawMessage(`{"id":"u1","n":9007199254740993}`), json.RawMessage(`{"id":"u2","name":"<b>"}`)}
	const wantArray = "[\n{\"id\":\"u1\",\"n\":9007199254740993},\n{\"id\":\"u2\",\"name\":\"<b>\"}\n]\n"
	tests := []struct {
		name  string
		tty   bool
		opts  Options
		items []json.RawMessage
		want  string
	}{
		{name: "items as received, one per line", items: items, want: wantArray},
		{name: "not indented on a terminal", tty: true, items: items, want: wantArray},
		{name: "--format is ignored", opts: Options{Format: "jsonl"}, items: items, want: wantArray},
		{name: "table is ignored", tty: true, opts: Options{Format: "table"}, items: items, want: wantArray},
		{name: "empty", want: "[]\n"},
		{name: "--jq over the whole array", opts: Options{JQ: "length"}, items: items, want: "2\n"},
		{name: "--jq with jsonl still sees one array", opts: Options{Format: "jsonl", JQ: "length"}, items: items, want: "2\n"},
		{name: "--jq keeps integers exact", opts: Options{JQ: ".[0].n"}, items: items, want: "9007199254740993\n"},
		{name: "--jq output indented on a terminal", tty: true, opts: Options{JQ: "map(.id)"}, items: items, want: "[\n  \"u1\",\n  \"u2\"\n]\n"},
		{name: "--jq over an empty list", opts: Options{JQ: "."}, want: "[]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, out, _ := newTestPrinter(t, tt.tty, tt.opts)
			l := NewRawList(p)
			for _, it := range tt.items {
				if err := l.Add(it); err != nil {
					t.Fatal(err)
				}
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("stdout = %q, want %q", out, tt.want)
			}
		})
	}

	t.Run("Fail leaves the array open", func(t *testing.T) {
		p, out, _ := newTestPrinter(t, false, Options{})
		l := NewRawList(p)
		for _, it := range items {
			_ = l.Add(it)
		}
		if err := l.Fail(errCut); err != errCut {
			t.Fatal(err)
		}
		if want := strings.TrimSuffix(wantArray, "]\n"); out.String() != want {
			t.Errorf("stdout = %q, want %q", out, want)
		}
		if json.Valid(out.Bytes()) {
			t.Error("stdout parses as complete JSON")
		}
	})
	t.Run("Fail with --jq prints nothing", func(t *testing.T) {
		p, out, _ := newTestPrinter(t, false, Options{JQ: "length"})
		l := NewRawList(p)
		for _, it := range items {
			_ = l.Add(it)
		}
		_ = l.Fail(errCut)
		if out.Len() != 0 {
			t.Errorf("stdout = %q", out)
		}
	})
}
