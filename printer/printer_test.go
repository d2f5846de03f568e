package printer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/matterctl/matterctl/internal/iostreams"
)

// user is the kind of small struct commands list.
type user struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Roles string `json:"roles"`
}

var userColumns = []Column[user]{
	{Header: "ID", Value: func(u user) string { return u.ID }},
	{Header: "Username", Value: func(u user) string { return u.Name }},
	{Header: "System roles", Value: func(u user) string { return u.Roles }},
}

var threeUsers = []user{
	{ID: "u1", Name: "alice", Roles: "system_admin system_user"},
	{ID: "u2222222", Name: "bob", Roles: "system_user"},
	{ID: "u3", Name: "carol-the-long", Roles: "system_guest"},
}

func newTestPrinter(t *testing.T, tty bool, opts Options) (*Printer, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	ios.SetTTY(tty)
	p, err := New(ios, opts)
	if err != nil {
		t.Fatalf("New(%+v): %v", opts, err)
	}
	return p, out, errOut
}

func printList[T any](t *testing.T, p *Printer, cols []Column[T], items []T) error {
	t.Helper()
	l := NewList(p, cols...)
	for _, it := range items {
		if err := l.Add(it); err != nil {
			return err
		}
	}
	if l.Len() != len(items) {
		t.Errorf("Len() = %d, want %d", l.Len(), len(items))
	}
	return l.Close()
}

// decodeOne asserts that s holds exactly one JSON document and returns it.
func decodeOne(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, s)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		t.Fatalf("stdout holds more than one JSON document (next: %v, %v)\n%s", extra, err, s)
	}
	return v
}

// optsName names a subtest after the flags it sets.
func optsName(o Options) string {
	var parts []string
	if o.Format != "" {
		parts = append(parts, "--format="+o.Format)
	}
	if o.JSON {
		parts = append(parts, "--json")
	}
	if o.JQ != "" {
		parts = append(parts, "--jq="+o.JQ)
	}
	if o.Quiet {
		parts = append(parts, "--quiet")
	}
	if parts == nil {
		return "default"
	}
	return strings.Join(parts, " ")
}

func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// cellStarts returns where each cell of a table line begins; cells are separated by at least two
// spaces and may contain single spaces.
var cellRE = regexp.MustCompile(`\S+(?: \S+)*`)

func cellStarts(line string) []int {
	var starts []int
	for _, loc := range cellRE.FindAllStringIndex(line, -1) {
		starts = append(starts, loc[0])
	}
	return starts
}

func cells(line string) []string { return cellRE.FindAllString(line, -1) }

func TestNewResolvesFormat(t *testing.T) {
	tests := []struct {
		name           string
		tty            bool
		opts           Options
		want           Format
		wantJQ         bool
		wantStructured bool
		wantErr        string
	}{
		{name: "default on a terminal is table", tty: true, want: Table},
		{name: "default in a pipe is plain", tty: false, want: Plain},
		{name: "--json on a terminal", tty: true, opts: Options{JSON: true}, want: JSON, wantStructured: true},
		{name: "--json in a pipe", opts: Options{JSON: true}, want: JSON, wantStructured: true},
		{name: "--json with --format json agrees", opts: Options{JSON: true, Format: "json"}, want: JSON, wantStructured: true},
		{name: "--format json", opts: Options{Format: "json"}, want: JSON, wantStructured: true},
		{name: "--format jsonl", tty: true, opts: Options{Format: "jsonl"}, want: JSONL, wantStructured: true},
		{name: "--format plain on a terminal", tty: true, opts: Options{Format: "plain"}, want: Plain},
		{name: "--format table in a pipe", opts: Options{Format: "table"}, want: Table},
		{name: "--json conflicts with --format table", opts: Options{JSON: true, Format: "table"}, wantErr: "--json conflicts with --format table"},
		{name: "--json conflicts with --format jsonl", opts: Options{JSON: true, Format: "jsonl"}, wantErr: "--json conflicts with --format jsonl"},
		{name: "unknown format", opts: Options{Format: "yaml"}, wantErr: `unknown --format "yaml": use one of table, plain, json, jsonl`},
		{name: "format names are case-sensitive", opts: Options{Format: "JSON"}, wantErr: `unknown --format "JSON"`},
		{name: "--jq forces JSON over the terminal table", tty: true, opts: Options{JQ: ".[]"}, want: JSON, wantJQ: true, wantStructured: true},
		{name: "--jq forces JSON in a pipe", opts: Options{JQ: "."}, want: JSON, wantJQ: true, wantStructured: true},
		{name: "--jq forces JSON over --format plain", opts: Options{Format: "plain", JQ: "."}, want: JSON, wantJQ: true, wantStructured: true},
		{name: "--jq forces JSON over --format table", opts: Options{Format: "table", JQ: "."}, want: JSON, wantJQ: true, wantStructured: true},
		{name: "--jq keeps --format jsonl", opts: Options{Format: "jsonl", JQ: ".id"}, want: JSONL, wantJQ: true, wantStructured: true},
		{name: "--jq with --json", opts: Options{JSON: true, JQ: "length"}, want: JSON, wantJQ: true, wantStructured: true},
		{name: "--jq syntax error", opts: Options{JQ: ".[] | "}, wantErr: "invalid --jq expression"},
		{name: "--jq unbalanced", opts: Options{JQ: ".["}, wantErr: "invalid --jq expression"},
		{name: "--jq undefined variable", opts: Options{JQ: "$nope"}, wantErr: "invalid --jq expression"},
		{name: "--jq undefined function", opts: Options{JQ: "nosuchfunc(1)"}, wantErr: "invalid --jq expression"},
		{name: "--jq with an unknown format", opts: Options{Format: "xml", JQ: "."}, wantErr: `unknown --format "xml"`},
		{name: "--quiet does not change the format", opts: Options{Quiet: true}, want: Plain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := iostreams.Test()
			ios.SetTTY(tt.tty)
			p, err := New(ios, tt.opts)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("New(%+v) = format %q, want error containing %q", tt.opts, p.Format(), tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %q, want it to contain %q", err, tt.wantErr)
				}
				if p != nil {
					t.Errorf("New returned a printer along with the error")
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%+v): %v", tt.opts, err)
			}
			if got := p.Format(); got != tt.want {
				t.Errorf("Format() = %q, want %q", got, tt.want)
			}
			if got := p.HasJQ(); got != tt.wantJQ {
				t.Errorf("HasJQ() = %v, want %v", got, tt.wantJQ)
			}
			if got := p.Structured(); got != tt.wantStructured {
				t.Errorf("Structured() = %v, want %v", got, tt.wantStructured)
			}
			if p.Out() != ios.Out {
				t.Errorf("Out() is not the IO streams' stdout")
			}
			if out.Len()+errOut.Len() != 0 {
				t.Errorf("New wrote output: stdout %q, stderr %q", out, errOut)
			}
		})
	}
}

func TestListFormats(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		items := threeUsers[:n]
		for _, tty := range []bool{false, true} {
			t.Run(fmt.Sprintf("json/%d items/tty=%v", n, tty), func(t *testing.T) {
				p, out, errOut := newTestPrinter(t, tty, Options{Format: "json"})
				if err := printList(t, p, userColumns, items); err != nil {
					t.Fatal(err)
				}
				// encoding/json's own indentation of the whole slice is the oracle: one document,
				// 2-space indent, `[]` (not `null`) when empty.
				want, err := json.MarshalIndent(append([]user{}, items...), "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				if got := out.String(); got != string(want)+"\n" {
					t.Errorf("stdout:\n%s\nwant:\n%s", got, want)
				}
				var decoded []user
				if err := json.Unmarshal([]byte(out.String()), &decoded); err != nil {
					t.Fatalf("not a JSON array of users: %v", err)
				}
				if decoded == nil || len(decoded) != n {
					t.Errorf("decoded %#v, want %d users", decoded, n)
				}
				if v := decodeOne(t, out.String()); v == nil {
					t.Errorf("decoded to null")
				}
				if n == 0 && out.String() != "[]\n" {
					t.Errorf("empty list = %q, want %q", out, "[]\n")
				}
				if n > 0 && !strings.Contains(out.String(), "\n  {\n    \"id\": ") {
					t.Errorf("indentation is not 2 spaces:\n%s", out)
				}
				if errOut.Len() != 0 {
					t.Errorf("stderr = %q", errOut)
				}
			})

			t.Run(fmt.Sprintf("jsonl/%d items/tty=%v", n, tty), func(t *testing.T) {
				p, out, errOut := newTestPrinter(t, tty, Options{Format: "jsonl"})
				if err := printList(t, p, userColumns, items); err != nil {
					t.Fatal(err)
				}
				got := lines(out.String())
				if len(got) != n {
					t.Fatalf("%d lines, want %d:\n%s", len(got), n, out)
				}
				for i, line := range got {
					want, _ := json.Marshal(items[i])
					if line != string(want) {
						t.Errorf("line %d = %s, want %s", i, line, want)
					}
					var u user
					if err := json.Unmarshal([]byte(line), &u); err != nil || u != items[i] {
						t.Errorf("line %d decodes to %+v, %v", i, u, err)
					}
				}
				if n > 0 && !strings.HasSuffix(out.String(), "}\n") {
					t.Errorf("output does not end with a newline: %q", out)
				}
				if errOut.Len() != 0 {
					t.Errorf("stderr = %q", errOut)
				}
			})

			t.Run(fmt.Sprintf("plain/%d items/tty=%v", n, tty), func(t *testing.T) {
				p, out, errOut := newTestPrinter(t, tty, Options{Format: "plain"})
				if err := printList(t, p, userColumns, items); err != nil {
					t.Fatal(err)
				}
				var want strings.Builder
				for _, u := range items {
					want.WriteString(u.ID + "\t" + u.Name + "\t" + u.Roles + "\n")
				}
				if out.String() != want.String() {
					t.Errorf("stdout = %q, want %q (no header, tab-separated)", out, want.String())
				}
				if errOut.Len() != 0 {
					t.Errorf("stderr = %q", errOut)
				}
			})

			t.Run(fmt.Sprintf("table/%d items/tty=%v", n, tty), func(t *testing.T) {
				p, out, errOut := newTestPrinter(t, tty, Options{Format: "table"})
				if err := printList(t, p, userColumns, items); err != nil {
					t.Fatal(err)
				}
				got := lines(out.String())
				if n == 0 {
					if out.Len() != 0 {
						t.Errorf("empty table printed %q", out)
					}
					return
				}
				if len(got) != n+1 {
					t.Fatalf("%d lines, want header + %d rows:\n%s", len(got), n, out)
				}
				if h := cells(got[0]); strings.Join(h, "|") != "ID|USERNAME|SYSTEM ROLES" {
					t.Errorf("header cells = %q, want upper-case headers", h)
				}
				for i, u := range items {
					if c := cells(got[i+1]); strings.Join(c, "|") != u.ID+"|"+u.Name+"|"+u.Roles {
						t.Errorf("row %d cells = %q", i, c)
					}
				}
				assertAligned(t, got)
				if strings.ContainsAny(out.String(), "|+\t") {
					t.Errorf("table has borders or tabs:\n%s", out)
				}
				if errOut.Len() != 0 {
					t.Errorf("stderr = %q", errOut)
				}
			})
		}
	}
}

func assertAligned(t *testing.T, tableLines []string) {
	t.Helper()
	want := cellStarts(tableLines[0])
	for i, line := range tableLines[1:] {
		if got := cellStarts(line); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("row %d columns start at %v, header at %v:\n%s", i, got, want, strings.Join(tableLines, "\n"))
		}
	}
	if len(want) > 1 {
		// The widest value in the first column decides where the second starts, plus padding.
		widest := 0
		for _, line := range tableLines {
			widest = max(widest, len(cells(line)[0]))
		}
		if want[1] != widest+2 {
			t.Errorf("second column starts at %d, want %d (widest first cell + 2)", want[1], widest+2)
		}
	}
}

func TestDefaultFormatFollowsTerminal(t *testing.T) {
	p, out, _ := newTestPrinter(t, true, Options{})
	if err := printList(t, p, userColumns, threeUsers); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "ID ") {
		t.Errorf("terminal default is not a table with a header:\n%s", out)
	}

	p, out, _ = newTestPrinter(t, false, Options{})
	if err := printList(t, p, userColumns, threeUsers); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "u1\talice\t") {
		t.Errorf("pipe default is not plain:\n%s", out)
	}
}

func TestHTMLCharactersAreNotEscaped(t *testing.T) {
	item := user{ID: "x", Name: "<a&b>", Roles: "'q' \"dq\""}
	for _, format := range []string{"json", "jsonl", "plain", "table"} {
		t.Run("list "+format, func(t *testing.T) {
			p, out, _ := newTestPrinter(t, false, Options{Format: format})
			if err := printList(t, p, userColumns, []user{item}); err != nil {
				t.Fatal(err)
			}
			assertNotHTMLEscaped(t, out.String())
		})
		t.Run("object "+format, func(t *testing.T) {
			p, out, _ := newTestPrinter(t, false, Options{Format: format})
			if err := p.Object(item, []Field{{Name: "name", Value: item.Name}}); err != nil {
				t.Fatal(err)
			}
			assertNotHTMLEscaped(t, out.String())
		})
	}
	for _, jq := range []string{".[0]", ".[0].name", "."} {
		t.Run("jq "+jq, func(t *testing.T) {
			p, out, _ := newTestPrinter(t, false, Options{JQ: jq})
			if err := printList(t, p, userColumns, []user{item}); err != nil {
				t.Fatal(err)
			}
			assertNotHTMLEscaped(t, out.String())
		})
	}
	t.Run("raw json through jq", func(t *testing.T) {
		p, out, _ := newTestPrinter(t, true, Options{JQ: "."})
		if err := p.RawJSON([]byte(`{"name":"<a&b>"}`)); err != nil {
			t.Fatal(err)
		}
		assertNotHTMLEscaped(t, out.String())
	})
}

func assertNotHTMLEscaped(t *testing.T, s string) {
	t.Helper()
	if !strings.Contains(s, "<a&b>") {
		t.Errorf("output lost <a&b>: %q", s)
	}
	if strings.Contains(s, `\u003c`) || strings.Contains(s, `\u0026`) || strings.Contains(s, `\u003e`) {
		t.Errorf("output is HTML-escaped: %q", s)
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text is unchanged", "alice", "alice"},
		{"unicode is kept", "Zoë 日本 😀", "Zoë 日本 😀"},
		{"tab becomes a space", "a\tb", "a b"},
		{"newline becomes a space", "line1\nline2", "line1 line2"},
		{"carriage return is dropped", "over\rwrite", "overwrite"},
		{"NUL, BEL, backspace and DEL are dropped", "a\x00b\x07c\x08d\x7fe", "abcde"},
		{"SGR colour is removed whole", "\x1b[31mred\x1b[0m", "red"},
		{"SGR with many parameters", "\x1b[1;38;5;196mbold\x1b[m", "bold"},
		{"cursor movement and erase", "x\x1b[2J\x1b[Hy\x1b[1A", "xy"},
		{"private CSI", "\x1b[?25lhidden cursor\x1b[?25h", "hidden cursor"},
		{"OSC window title ended by BEL", "\x1b]0;pwned\x07name", "name"},
		{"OSC 8 hyperlink ended by ST", "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"},
		{"unterminated OSC runs to the end of the value", "ok\x1b]0;title", "ok"},
		{"DCS string", "a\x1bPq#0;2;0;0;0\x1b\\b", "ab"},
		{"charset designation", "\x1b(Bplain", "plain"},
		{"two-byte escape", "\x1bcreset", "reset"},
		{"lone ESC at the end", "trailing\x1b", "trailing"},
		{"ESC before a non-ASCII rune keeps the rune", "\x1bé", "é"},
		{"unterminated CSI at the end", "cut\x1b[31", "cut"},
		{"CSI broken by a control keeps what follows", "a\x1b[3\nb", "a b"},
		{"C1 CSI", "\u009b31mred", "red"},
		{"C1 OSC ended by C1 ST", "\u009d0;title\u009cname", "name"},
		{"other C1 controls are dropped", "a\u0085b", "ab"},
		{"no-break space is not a control", "a\u00a0b", "a\u00a0b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitize(tt.in); got != tt.want {
				t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestControlCharactersInOutput(t *testing.T) {
	evil := user{ID: "id\x1b[2J", Name: "\x1b[31mred\x1b[0m\x1b]0;title\x07", Roles: "a\tb\nc"}
	clean := user{ID: "id", Name: "red", Roles: "a b c"}

	for _, format := range []string{"table", "plain"} {
		t.Run("list "+format, func(t *testing.T) {
			p, out, _ := newTestPrinter(t, true, Options{Format: format})
			if err := printList(t, p, userColumns, []user{evil}); err != nil {
				t.Fatal(err)
			}
			assertNoControls(t, out.String(), format == "plain")
			for _, v := range []string{clean.ID, clean.Name, clean.Roles} {
				if !strings.Contains(out.String(), v) {
					t.Errorf("output lost %q: %q", v, out)
				}
			}
			if strings.Contains(out.String(), "[31m") || strings.Contains(out.String(), "title") {
				t.Errorf("escape sequence debris left: %q", out)
			}
			if format == "plain" {
				if got := lines(out.String()); len(got) != 1 || len(strings.Split(got[0], "\t")) != 3 {
					t.Errorf("a value's tab or newline broke the line into cells: %q", out)
				}
			}
		})
		t.Run("object "+format, func(t *testing.T) {
			p, out, _ := newTestPrinter(t, true, Options{Format: format})
			if err := p.Object(evil, []Field{{Name: "id", Value: evil.ID}, {Name: "name", Value: evil.Name}, {Name: "roles", Value: evil.Roles}}); err != nil {
				t.Fatal(err)
			}
			assertNoControls(t, out.String(), format == "plain")
			if !strings.Contains(out.String(), "red") {
				t.Errorf("output lost the value: %q", out)
			}
		})
	}

	for _, format := range []string{"json", "jsonl"} {
		t.Run("list "+format+" keeps values exact", func(t *testing.T) {
			p, out, _ := newTestPrinter(t, true, Options{Format: format})
			if err := printList(t, p, userColumns, []user{evil}); err != nil {
				t.Fatal(err)
			}
			if strings.ContainsRune(out.String(), 0x1b) {
				t.Errorf("raw ESC in JSON output: %q", out)
			}
			var got user
			doc := strings.TrimSpace(out.String())
			if format == "json" {
				var arr []user
				if err := json.Unmarshal([]byte(doc), &arr); err != nil || len(arr) != 1 {
					t.Fatalf("decode: %v %v", arr, err)
				}
				got = arr[0]
			} else if err := json.Unmarshal([]byte(doc), &got); err != nil {
				t.Fatal(err)
			}
			if got != evil {
				t.Errorf("JSON value changed: got %+v, want %+v", got, evil)
			}
		})
	}
}

func assertNoControls(t *testing.T, s string, tabsAllowed bool) {
	t.Helper()
	for _, r := range s {
		if r == '\n' || (tabsAllowed && r == '\t') {
			continue
		}
		if isControl(r) {
			t.Errorf("control character %U in output %q", r, s)
			return
		}
	}
}

func TestListJQ(t *testing.T) {
	type numbered struct {
		Name string `json:"name"`
		N    int64  `json:"n"`
	}
	numberedCols := []Column[numbered]{{Header: "Name", Value: func(v numbered) string { return v.Name }}}
	big := []numbered{{Name: "max", N: 9007199254740993}, {Name: "epoch", N: 1700000000123}}

	tests := []struct {
		name    string
		tty     bool
		format  string
		jq      string
		items   []user
		want    string
		wantErr string
	}{
		{name: "strings print raw", jq: ".[].name", items: threeUsers, want: "alice\nbob\ncarol-the-long\n"},
		{name: "length prints a number", jq: "length", items: threeUsers, want: "3\n"},
		{name: "length of an empty list", jq: "length", want: "0\n"},
		{name: "identity of an empty list is []", jq: ".", want: "[]\n"},
		{name: "nothing selected prints nothing", jq: ".[] | select(.name == \"nobody\")", items: threeUsers, want: ""},
		{name: "arrays are compact in a pipe", jq: "map(.id)", items: threeUsers, want: "[\"u1\",\"u2222222\",\"u3\"]\n"},
		{name: "arrays are indented on a terminal", tty: true, jq: "map(.id)", items: threeUsers, want: "[\n  \"u1\",\n  \"u2222222\",\n  \"u3\"\n]\n"},
		{name: "objects one per line in a pipe", jq: ".[] | {id}", items: threeUsers[:2], want: "{\"id\":\"u1\"}\n{\"id\":\"u2222222\"}\n"},
		{name: "jsonl runs the filter per item", format: "jsonl", jq: ".name", items: threeUsers, want: "alice\nbob\ncarol-the-long\n"},
		{name: "jsonl with no items prints nothing", format: "jsonl", jq: ".name", want: ""},
		{name: "jsonl runtime error", format: "jsonl", jq: ".name + 1", items: threeUsers, wantErr: "--jq: "},
		{name: "the environment is not exposed", jq: "env | length", items: threeUsers, want: "0\n"},
		{name: "halt stops quietly", jq: ".[0].name, halt", items: threeUsers, want: "alice\n"},
		{name: "runtime type error", jq: ".[] | .name + 1", items: threeUsers, wantErr: "--jq: "},
		{name: "error() reaches the user", jq: `error("boom")`, items: threeUsers, wantErr: "boom"},
		{name: "indexing a string", jq: ".[0].name.x", items: threeUsers, wantErr: "--jq: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, out, errOut := newTestPrinter(t, tt.tty, Options{Format: tt.format, JQ: tt.jq})
			l := NewList(p, userColumns...)
			var err error
			for _, it := range tt.items {
				if err = l.Add(it); err != nil {
					break
				}
			}
			if tt.format != "jsonl" && out.Len() != 0 {
				// A filter over the whole array needs the whole array.
				t.Errorf("--jq output before Close: %q", out)
			}
			if closeErr := l.Close(); err == nil {
				err = closeErr
			} else if closeErr != err {
				t.Errorf("Close() = %v after Add failed with %v", closeErr, err)
			}
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Close() = nil, want error containing %q (stdout %q)", tt.wantErr, out)
				}
				if !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "--jq") {
					t.Fatalf("error = %q, want it to mention --jq and %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("stdout = %q, want %q", out, tt.want)
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr = %q", errOut)
			}
		})
	}

	t.Run("integers stay exact", func(t *testing.T) {
		p, out, _ := newTestPrinter(t, false, Options{JQ: ".[].n"})
		if err := printList(t, p, numberedCols, big); err != nil {
			t.Fatal(err)
		}
		if out.String() != "9007199254740993\n1700000000123\n" {
			t.Errorf("stdout = %q", out)
		}
	})

	t.Run("Close twice prints once", func(t *testing.T) {
		p, out, _ := newTestPrinter(t, false, Options{JQ: "length"})
		l := NewList(p, userColumns...)
		_ = l.Add(threeUsers[0])
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if out.String() != "1\n" {
			t.Errorf("stdout = %q", out)
		}
	})

	t.Run("a second Close reports the filter's error again", func(t *testing.T) {
		p, _, _ := newTestPrinter(t, false, Options{JQ: `error("boom")`})
		l := NewList(p, userColumns...)
		first := l.Close()
		if first == nil {
			t.Fatal("Close() = nil, want the filter's error")
		}
		if second := l.Close(); second != first {
			t.Errorf("second Close() = %v, want %v", second, first)
		}
	})
}

func TestListMarshalErrorIsSticky(t *testing.T) {
	type bad struct {
		F func() `json:"f"`
	}
	cols := []Column[bad]{{Header: "F", Value: func(bad) string { return "f" }}}
	for _, opts := range []Options{{Format: "json"}, {Format: "jsonl"}, {JQ: "."}} {
		t.Run(optsName(opts), func(t *testing.T) {
			p, _, _ := newTestPrinter(t, false, opts)
			l := NewList(p, cols...)
			first := l.Add(bad{F: func() {}})
			if first == nil {
				t.Fatal("Add of an unencodable value succeeded")
			}
			if err := l.Add(bad{}); !errors.Is(err, first) {
				t.Errorf("second Add = %v, want the first error %v", err, first)
			}
			if err := l.Close(); !errors.Is(err, first) {
				t.Errorf("Close = %v, want the first error %v", err, first)
			}
		})
	}
}

func TestObject(t *testing.T) {
	obj := user{ID: "u1", Name: "alice", Roles: "system_admin"}
	fields := []Field{{Name: "id", Value: obj.ID}, {Name: "user name", Value: obj.Name}, {Name: "roles", Value: obj.Roles}}

	tests := []struct {
		name    string
		tty     bool
		opts    Options
		want    string
		wantErr string
	}{
		{name: "table on a terminal", tty: true, want: "ID         u1\nUSER NAME  alice\nROLES      system_admin\n"},
		{name: "plain in a pipe", want: "u1\talice\tsystem_admin\n"},
		{name: "plain on a terminal", tty: true, opts: Options{Format: "plain"}, want: "u1\talice\tsystem_admin\n"},
		{name: "json is indented 2 spaces", opts: Options{JSON: true}, want: "{\n  \"id\": \"u1\",\n  \"name\": \"alice\",\n  \"roles\": \"system_admin\"\n}\n"},
		{name: "json on a terminal", tty: true, opts: Options{Format: "json"}, want: "{\n  \"id\": \"u1\",\n  \"name\": \"alice\",\n  \"roles\": \"system_admin\"\n}\n"},
		{name: "jsonl is one compact line", opts: Options{Format: "jsonl"}, want: "{\"id\":\"u1\",\"name\":\"alice\",\"roles\":\"system_admin\"}\n"},
		{name: "jq string is raw", opts: Options{JQ: ".name"}, want: "alice\n"},
		{name: "jq object compact in a pipe", opts: Options{JQ: "{id}"}, want: "{\"id\":\"u1\"}\n"},
		{name: "jq object indented on a terminal", tty: true, opts: Options{JQ: "{id, name}"}, want: "{\n  \"id\": \"u1\",\n  \"name\": \"alice\"\n}\n"},
		{name: "jq keys", opts: Options{JQ: "keys"}, want: "[\"id\",\"name\",\"roles\"]\n"},
		{name: "jq runtime error", opts: Options{JQ: ".name | tonumber"}, wantErr: "--jq"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, out, errOut := newTestPrinter(t, tt.tty, tt.opts)
			err := p.Object(obj, fields)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Object() error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := out.String()
			if p.Format() == Table {
				// tablewriter pads the last column; trailing blanks are invisible.
				got = trimTrailingBlanks(got)
			}
			if got != tt.want {
				t.Errorf("stdout = %q, want %q", got, tt.want)
			}
			if p.Structured() && !p.HasJQ() {
				decodeOne(t, out.String())
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr = %q", errOut)
			}
		})
	}
}

func trimTrailingBlanks(s string) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(ls, "\n")
}

func TestRawJSON(t *testing.T) {
	tests := []struct {
		name    string
		tty     bool
		jq      string
		body    string
		want    string
		wantErr string
	}{
		{name: "indented on a terminal", tty: true, body: `{"a":1,"b":[true,null]}`, want: "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null\n  ]\n}\n"},
		{name: "as received in a pipe", body: `{"a": 1,"b":"<x&y>"}`, want: "{\"a\": 1,\"b\":\"<x&y>\"}\n"},
		{name: "a trailing newline is not doubled", body: "[1,2]\n", want: "[1,2]\n"},
		{name: "surrounding blanks are trimmed", body: "  \n{\"a\":1}\n\n", want: "{\"a\":1}\n"},
		{name: "scalar document", tty: true, body: `"ok"`, want: "\"ok\"\n"},
		{name: "empty body prints nothing", body: "", want: ""},
		{name: "blank body prints nothing", tty: true, body: " \n ", want: ""},
		{name: "non-JSON body passes through unchanged", body: "<html>oops</html>", want: "<html>oops</html>"},
		{name: "non-JSON body passes through on a terminal", tty: true, body: "plain text\n", want: "plain text\n"},
		{name: "invalid JSON passes through", body: `{"a":`, want: `{"a":`},
		{name: "jq selects a field", jq: ".a", body: `{"a":1,"b":"x"}`, want: "1\n"},
		{name: "jq string is raw", jq: ".b", body: `{"a":1,"b":"x y"}`, want: "x y\n"},
		{name: "jq over an array", jq: ".[] | .id", body: `[{"id":"a"},{"id":"b"}]`, want: "a\nb\n"},
		{name: "jq output indented on a terminal", tty: true, jq: ".", body: `{"a":[1]}`, want: "{\n  \"a\": [\n    1\n  ]\n}\n"},
		{name: "jq keeps big integers exact", jq: ".n", body: `{"n":9007199254740993}`, want: "9007199254740993\n"},
		{name: "jq keeps floats", jq: ".f", body: `{"f":1.5}`, want: "1.5\n"},
		{name: "jq on a non-JSON body fails", jq: ".", body: "<html></html>", wantErr: "--jq: the response is not JSON"},
		{name: "jq runtime error", jq: ".a.b", body: `{"a":"s"}`, wantErr: "--jq"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, out, errOut := newTestPrinter(t, tt.tty, Options{JQ: tt.jq})
			err := p.RawJSON([]byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("RawJSON() error = %v, want one containing %q", err, tt.wantErr)
				}
				if out.Len() != 0 {
					t.Errorf("stdout = %q after an error", out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("stdout = %q, want %q", out, tt.want)
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr = %q", errOut)
			}
		})
	}
}

func TestMessages(t *testing.T) {
	tests := []struct {
		name  string
		quiet bool
		emit  func(p *Printer)
		want  string
	}{
		{name: "Successf", emit: func(p *Printer) { p.Successf("created %s", "bob") }, want: "created bob\n"},
		{name: "Successf quiet", quiet: true, emit: func(p *Printer) { p.Successf("created %s", "bob") }, want: ""},
		{name: "Infof", emit: func(p *Printer) { p.Infof("page %d", 2) }, want: "page 2\n"},
		{name: "Infof quiet", quiet: true, emit: func(p *Printer) { p.Infof("page %d", 2) }, want: ""},
		{name: "Warnf", emit: func(p *Printer) { p.Warnf("%s is deprecated", "--x") }, want: "warning: --x is deprecated\n"},
		{name: "Warnf survives quiet", quiet: true, emit: func(p *Printer) { p.Warnf("%s is deprecated", "--x") }, want: "warning: --x is deprecated\n"},
		{name: "Errorf", emit: func(p *Printer) { p.Errorf("%s: not found", "carol") }, want: "carol: not found\n"},
		{name: "Errorf survives quiet", quiet: true, emit: func(p *Printer) { p.Errorf("%s: not found", "carol") }, want: "carol: not found\n"},
		{name: "percent signs in arguments are literal", emit: func(p *Printer) { p.Successf("%s", "100%") }, want: "100%\n"},
	}
	for _, tt := range tests {
		for _, opts := range []Options{{Quiet: tt.quiet}, {Quiet: tt.quiet, JSON: true}, {Quiet: tt.quiet, JQ: "."}} {
			t.Run(tt.name+"/"+optsName(opts), func(t *testing.T) {
				p, out, errOut := newTestPrinter(t, true, opts)
				tt.emit(p)
				if out.Len() != 0 {
					t.Errorf("message on stdout: %q", out)
				}
				if errOut.String() != tt.want {
					t.Errorf("stderr = %q, want %q", errOut, tt.want)
				}
			})
		}
	}
}

func TestTableChunksPrintEveryRow(t *testing.T) {
	const n = 2*tableChunk + 500
	p, out, _ := newTestPrinter(t, true, Options{})
	l := NewList(p, userColumns...)
	for i := range n {
		if err := l.Add(user{ID: fmt.Sprintf("id%05d", i), Name: "n", Roles: "r"}); err != nil {
			t.Fatal(err)
		}
		// A full chunk is written without waiting for Close.
		if i == tableChunk-1 && !strings.Contains(out.String(), fmt.Sprintf("id%05d", i)) {
			t.Errorf("the first %d rows were not flushed", tableChunk)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]int)
	rows, headers := 0, 0
	for _, line := range lines(out.String()) {
		c := cells(line)
		if c[0] == "ID" {
			headers++
			continue
		}
		rows++
		seen[c[0]]++
	}
	if rows != n || len(seen) != n {
		t.Errorf("printed %d rows (%d distinct), want %d", rows, len(seen), n)
	}
	for i := range n {
		if id := fmt.Sprintf("id%05d", i); seen[id] != 1 {
			t.Fatalf("row %s printed %d times", id, seen[id])
		}
	}
	if headers < 1 {
		t.Errorf("no header printed")
	}
}

func TestListStreams(t *testing.T) {
	for _, opts := range []Options{{Format: "json"}, {Format: "jsonl"}, {Format: "plain"}, {Format: "jsonl", JQ: "{name}"}} {
		format := opts.Format
		t.Run(optsName(opts), func(t *testing.T) {
			ios, _, _, _ := iostreams.Test()
			w := &bytes.Buffer{}
			ios.Out = w
			p, err := New(ios, opts)
			if err != nil {
				t.Fatal(err)
			}
			l := NewList(p, userColumns...)
			if err := l.Add(threeUsers[0]); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(w.String(), threeUsers[0].Name) {
				t.Fatalf("first item not on stdout before Close: %q", w.String())
			}
			afterFirst := w.Len()
			if err := l.Add(threeUsers[1]); err != nil {
				t.Fatal(err)
			}
			if w.Len() <= afterFirst || !strings.Contains(w.String(), threeUsers[1].Name) {
				t.Fatalf("second item not on stdout before Close: %q", w.String())
			}
			if err := l.Close(); err != nil {
				t.Fatal(err)
			}
			if format == "json" {
				var got []user
				if err := json.Unmarshal(w.Bytes(), &got); err != nil || len(got) != 2 {
					t.Errorf("streamed JSON is not one array of 2: %v %v\n%s", got, err, w.String())
				}
			}
		})
	}

	// The same through a pipe: a reader sees the first item while the writer is still open.
	t.Run("json through a pipe", func(t *testing.T) {
		pr, pw := io.Pipe()
		ios, _, _, _ := iostreams.Test()
		ios.Out = pw
		p, err := New(ios, Options{JSON: true})
		if err != nil {
			t.Fatal(err)
		}
		l := NewList(p, userColumns...)
		got := make(chan string, 1)
		go func() {
			buf := make([]byte, 4096)
			var seen strings.Builder
			for !strings.Contains(seen.String(), `"name": "alice"`) {
				n, err := pr.Read(buf)
				seen.Write(buf[:n])
				if err != nil {
					break
				}
			}
			got <- seen.String()
			_, _ = io.Copy(io.Discard, pr)
		}()
		if err := l.Add(threeUsers[0]); err != nil { // blocks until the reader has the bytes
			t.Fatal(err)
		}
		if s := <-got; !strings.Contains(s, `"name": "alice"`) {
			t.Fatalf("reader saw %q", s)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		pw.Close()
	})
}

type memItem struct {
	ID      string `json:"id"`
	Payload string `json:"payload"`
}

var memColumns = []Column[memItem]{
	{Header: "ID", Value: func(m memItem) string { return m.ID }},
	{Header: "Payload", Value: func(m memItem) string { return m.Payload }},
}

// liveHeapGrowth adds n freshly allocated items to a list writing to out and returns how much
// the live heap grew while the list was still open.
func liveHeapGrowth(t *testing.T, opts Options, out io.Writer, n int) int64 {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	ios.Out = out
	p, err := New(ios, opts)
	if err != nil {
		t.Fatal(err)
	}
	l := NewList(p, memColumns...)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range n {
		// Fresh strings each time: retaining items would retain these ~200 bytes each.
		if err := l.Add(memItem{ID: strconv.Itoa(i), Payload: fmt.Sprintf("%0128d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(l)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return int64(after.HeapAlloc) - int64(before.HeapAlloc)
}

func TestListMemoryDoesNotGrowWithItemCount(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 100k items")
	}
	const small, large = 10_000, 100_000
	// 90k retained items would hold more than 90k × 150 bytes ≈ 13 MB; a streaming list holds
	// only its current item.
	const bound = 4 << 20

	// Control: the same measurement sees retention when the output itself is kept in memory,
	// so a pass below is not a blind spot of the measurement.
	var keep bytes.Buffer
	growth := liveHeapGrowth(t, Options{Format: "jsonl"}, &keep, large) - liveHeapGrowth(t, Options{Format: "jsonl"}, &bytes.Buffer{}, small)
	if growth < bound {
		t.Fatalf("control: retaining output grew the heap by only %d bytes; the measurement cannot detect retained items", growth)
	}
	runtime.KeepAlive(&keep)

	for _, opts := range []Options{{Format: "json"}, {Format: "jsonl"}, {Format: "plain"}, {Format: "jsonl", JQ: ".id"}} {
		t.Run(optsName(opts), func(t *testing.T) {
			g10k := liveHeapGrowth(t, opts, io.Discard, small)
			g100k := liveHeapGrowth(t, opts, io.Discard, large)
			t.Logf("live heap growth: %d items → %d B, %d items → %d B", small, g10k, large, g100k)
			if g100k-g10k > bound {
				t.Errorf("live heap grew by %d bytes more for %d items than for %d: items are retained", g100k-g10k, large, small)
			}
		})
	}
}

func BenchmarkListJSON(b *testing.B) {
	const n = 100_000
	ios, _, _, _ := iostreams.Test()
	ios.Out = io.Discard
	p, err := New(ios, Options{Format: "json"})
	if err != nil {
		b.Fatal(err)
	}
	item := user{ID: "8a6gxcqnqtrz8jc3k3c4opu7ir", Name: "alice", Roles: "system_user"}
	b.ReportAllocs()
	for b.Loop() {
		l := NewList(p, userColumns...)
		for range n {
			if err := l.Add(item); err != nil {
				b.Fatal(err)
			}
		}
		if err := l.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
}

func TestJSONEscapesC1Controls(t *testing.T) {
	b, err := marshal(map[string]string{"name": "csi \u009b31m é ü\x7f"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"csi \u009b31m é ü\u007f"}`; string(b) != want {
		t.Errorf("marshal = %s, want %s", b, want)
	}
	var back map[string]string
	if err := json.Unmarshal(b, &back); err != nil || back["name"] != "csi \u009b31m é ü\x7f" {
		t.Errorf("round trip: %q, %v", back["name"], err)
	}
}
