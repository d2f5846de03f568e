package records

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testSchema = Schema{
	{Name: "name", Required: true},
	{Name: "display_name", Aliases: []string{"displayname"}},
	{Name: "password", KeepSpace: true},
	{Name: "private", Kind: Bool},
}

const testKnown = "(known: display_name, name, password, private)"

// rec is a record as the tests write it: "line 2" or "item 1 line 3", the fields, the error.
type rec struct {
	pos    string
	fields map[string]string
	err    string
}

type kv = map[string]string

func (r rec) String() string { return fmt.Sprintf("%s %v %q", r.pos, r.fields, r.err) }

var readTests = []struct {
	name  string
	file  string
	input string
	want  []rec
	fatal string // the error ending the sequence
}{
	{name: "csv", file: "t.csv", input: "name,display_name,password,private\na,Team A,pw,yes\nb,, sp ace ,0\n",
		want: []rec{
			{pos: "line 2", fields: kv{"name": "a", "display_name": "Team A", "password": "pw", "private": "true"}},
			{pos: "line 3", fields: kv{"name": "b", "display_name": "", "password": " sp ace ", "private": "false"}},
		}},
	{name: "csv header spellings", file: "t.csv", input: " Name ,Display-Name,DISPLAYNAME\n",
		fatal: `t.csv:1: column "display_name" appears twice`},
	{name: "csv aliases", file: "t.csv", input: "NAME,DisplayName\na,A\n",
		want: []rec{{pos: "line 2", fields: kv{"name": "a", "display_name": "A"}}}},
	{name: "csv crlf and bom", file: "t.csv", input: "\ufeffname,private\r\na,true\r\n\r\nb,F\r\n",
		want: []rec{
			{pos: "line 2", fields: kv{"name": "a", "private": "true"}},
			{pos: "line 4", fields: kv{"name": "b", "private": "false"}},
		}},
	{name: "csv quoted commas and newlines", file: "t.csv", input: "name,display_name\n\"a,b\",\"two\nlines\"\nc,\"say \"\"hi\"\"\"\n",
		want: []rec{
			{pos: "line 2", fields: kv{"name": "a,b", "display_name": "two\nlines"}},
			{pos: "line 4", fields: kv{"name": "c", "display_name": `say "hi"`}},
		}},
	{name: "csv blank lines and blank rows", file: "t.csv", input: "\n\nname,display_name\n\n , \na,\n,\n",
		want: []rec{{pos: "line 6", fields: kv{"name": "a", "display_name": ""}}}},
	{name: "csv row errors", file: "t.csv", input: "name,private,password\na,maybe,pw\n,1,pw\nc,1\nd,1,pw,extra\n",
		want: []rec{
			{pos: "line 2", fields: kv{"name": "a", "password": "pw"}, err: "t.csv:2: private: not a boolean (use true/false, 1/0 or yes/no)"},
			{pos: "line 3", fields: kv{"name": "", "private": "true", "password": "pw"}, err: "t.csv:3: name is required"},
			{pos: "line 4", fields: kv{"name": "c", "private": "true"}, err: "t.csv:4: 2 fields, but the header has 3"},
			{pos: "line 5", fields: kv{"name": "d", "private": "true", "password": "pw"}, err: "t.csv:5: 4 fields, but the header has 3"},
		}},
	{name: "csv unknown column", file: "t.csv", input: "name,nmae\n",
		fatal: `t.csv:1: unknown column "nmae" ` + testKnown},
	{name: "csv duplicate column", file: "t.csv", input: "\nname,private,Private\n",
		fatal: `t.csv:2: column "private" appears twice`},
	{name: "csv required column", file: "t.csv", input: "display_name\nA\n",
		fatal: `t.csv:1: the header has no "name" column`},
	{name: "csv empty", file: "t.csv", input: ""},
	{name: "csv header only", file: "t.csv", input: "name\n"},
	{name: "csv bad quote in the header", file: "t.csv", input: "na\"me\n", fatal: `t.csv:1:3: bare " in non-quoted-field`},
	{name: "csv bad quote after good rows", file: "t.csv", input: "name,display_name\na,A\nb,\"B\nc,C\n",
		want:  []rec{{pos: "line 2", fields: kv{"name": "a", "display_name": "A"}}},
		fatal: `t.csv:4:5: extraneous or missing " in quoted-field (in the record starting on line 3)`},
	{name: "csv bad quote inside a multi-line record", file: "t.csv", input: "name,display_name\na,\"x\ny\"z\n",
		fatal: `t.csv:3:2: extraneous or missing " in quoted-field (in the record starting on line 2)`},
	{name: "csv by content", file: "-", input: "  name\na\n",
		want: []rec{{pos: "line 2", fields: kv{"name": "a"}}}},

	{name: "json lines", file: "t.jsonl", input: "\n" + `{"name":"a","private":true,"display-name":"A"}` + "\r\n" +
		`{"name":"b","private":1,"password":" p ","displayname":null}` + "\n\n   \n" +
		`{"name":"c","private":"no","display_name":42.5}`,
		want: []rec{
			{pos: "line 2", fields: kv{"name": "a", "private": "true", "display_name": "A"}},
			{pos: "line 3", fields: kv{"name": "b", "private": "true", "password": " p ", "display_name": ""}},
			{pos: "line 6", fields: kv{"name": "c", "private": "false", "display_name": "42.5"}},
		}},
	{name: "json lines by content with bom", file: "standard input", input: "\ufeff\n" + `{"name":"a"}` + "\n\ufeff" + `{"name":"b"}`,
		want: []rec{{pos: "line 2", fields: kv{"name": "a"}}, {pos: "line 3", fields: kv{"name": "b"}}}},
	{name: "json lines bad records", file: "t.ndjson", input: `{"name":"a","nmae":"b"}` + "\n" +
		"not json\n" +
		`{"name":"c","display_name":{"x":1}}` + "\n" +
		`{"name":"d","private":"sure"}` + "\n" +
		`{"name":"e","displayname":"E","display_name":"E"}` + "\n" +
		`["name"]` + "\n" +
		"null\n" +
		`{"display_name":"F"}` + "\n" +
		`{"name":"g"} {}` + "\n" +
		`{"name":"h","private":[true]}` + "\n" +
		`{"name":"i"}`,
		want: []rec{
			{pos: "line 1", fields: kv{"name": "a"}, err: `t.ndjson:1: unknown field "nmae" ` + testKnown},
			{pos: "line 2", fields: kv{}, err: "t.ndjson:2: invalid JSON: invalid character 'o' in literal null (expecting 'u')"},
			{pos: "line 3", fields: kv{"name": "c"}, err: "t.ndjson:3: display_name: expected a string, boolean or number"},
			{pos: "line 4", fields: kv{"name": "d"}, err: "t.ndjson:4: private: not a boolean (use true/false, 1/0 or yes/no)"},
			{pos: "line 5", fields: kv{"name": "e", "display_name": "E"}, err: `t.ndjson:5: keys "display_name" and "displayname" are the same field`},
			{pos: "line 6", fields: kv{}, err: "t.ndjson:6: expected a JSON object"},
			{pos: "line 7", fields: kv{}, err: "t.ndjson:7: expected a JSON object"},
			{pos: "line 8", fields: kv{"display_name": "F"}, err: "t.ndjson:8: name is required"},
			{pos: "line 9", fields: kv{}, err: "t.ndjson:9: invalid JSON: invalid character '{' after top-level value"},
			{pos: "line 10", fields: kv{"name": "h"}, err: "t.ndjson:10: private: expected a string, boolean or number"},
			{pos: "line 11", fields: kv{"name": "i"}},
		}},
	{name: "json extension, lines", file: "t.json", input: `{"name":"a"}` + "\n",
		want: []rec{{pos: "line 1", fields: kv{"name": "a"}}}},

	{name: "json array", file: "t.json", input: "\ufeff  [\r\n" + `  {"name":"a","private":false},` + "\r\n" +
		`  {"name":"b",` + "\n" + `   "display_name":"B"}, {"name":"c"},` + "\n" + `  7]` + "\n",
		want: []rec{
			{pos: "item 1 line 2", fields: kv{"name": "a", "private": "false"}},
			{pos: "item 2 line 3", fields: kv{"name": "b", "display_name": "B"}},
			{pos: "item 3 line 4", fields: kv{"name": "c"}},
			{pos: "item 4 line 5", fields: kv{}, err: "t.json:5: expected a JSON object"},
		}},
	{name: "json array by content", file: "data", input: `[{"name":"a"}]`,
		want: []rec{{pos: "item 1 line 1", fields: kv{"name": "a"}}}},
	{name: "json array empty", file: "t.json", input: "[]"},
	{name: "json array truncated", file: "t.json", input: "[\n{\"name\":\"a\"},\n{\"name\":",
		fatal: "t.json:3:8: unexpected end of JSON input"},
	{name: "json array missing comma", file: "t.json", input: "[\n{\"name\":\"a\"}\n{\"name\":\"b\"}]",
		fatal: "t.json:3:1: invalid character '{' after array element"},
	{name: "json array trailing data", file: "t.json", input: `[{"name":"a"}]` + "\n\n,",
		fatal: "t.json:3:1: invalid character ',' after top-level value"},
	{name: "csv extension wins over content", file: "t.csv", input: `{"name":"a"}`,
		fatal: `t.csv:1:2: bare " in non-quoted-field`},
}

func collect(t testing.TB, name string, input string) ([]rec, error) {
	t.Helper()
	var got []rec
	for r, err := range Read(name, strings.NewReader(input), testSchema) {
		if err != nil {
			return got, err
		}
		got = append(got, recOf(r))
	}
	return got, nil
}

func recOf(r Record) rec {
	pos := r.Pos.String()
	if r.Pos.Item > 0 {
		pos += fmt.Sprintf(" line %d", r.Pos.Line)
	}
	out := rec{pos: pos, fields: r.Fields}
	if r.Err != nil {
		out.err = r.Err.Error()
	}
	return out
}

func TestRead(t *testing.T) {
	for _, tt := range readTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := collect(t, tt.file, tt.input)
			switch {
			case tt.fatal == "" && err != nil:
				t.Errorf("error = %v", err)
			case tt.fatal != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.fatal)):
				t.Errorf("error = %v, want %q", err, tt.fatal)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("records:\n%v\nwant\n%v", strings.Join(strs(got), "\n"), strings.Join(strs(tt.want), "\n"))
			}
		})
	}
}

func strs(rs []rec) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.String()
	}
	return out
}

func TestReadErrorType(t *testing.T) {
	_, err := collect(t, "t.csv", "name,nmae\n")
	var e *Error
	if !errors.As(err, &e) || e.File != "t.csv" || e.Line != 1 || !strings.HasPrefix(e.Err.Error(), `unknown column "nmae"`) {
		t.Errorf("error = %#v", err)
	}
	for r := range Read("t.jsonl", strings.NewReader("\n{\"name\":\"\"}"), testSchema) {
		if !errors.As(r.Err, &e) || e.File != "t.jsonl" || e.Line != 2 || e.Err.Error() != "name is required" {
			t.Errorf("record error = %#v", r.Err)
		}
	}
}

func TestReadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "teams.csv")
	if err := os.WriteFile(path, []byte("name\nred\nblue\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, stdin string
		want              []string
		wantErr           string
	}{
		{name: "file", path: path, stdin: `{"name":"ignored"}`, want: []string{"red", "blue"}},
		{name: "stdin json", path: "-", stdin: "{\"name\":\"x\"}\n{\"name\":\"y\"}\n", want: []string{"x", "y"}},
		{name: "stdin csv", path: "-", stdin: "name\nz\n", want: []string{"z"}},
		{name: "stdin error", path: "-", stdin: "name,bogus\n", wantErr: `standard input:1: unknown column "bogus"`},
		{name: "missing file", path: filepath.Join(t.TempDir(), "nope.csv"), wantErr: "nope.csv: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			var err error
			for r, rerr := range ReadFile(tt.path, strings.NewReader(tt.stdin), testSchema) {
				if rerr != nil {
					err = rerr
					break
				}
				got = append(got, r.Fields["name"])
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("names = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadStopsEarly(t *testing.T) {
	for _, in := range []struct{ file, input string }{
		{"t.csv", "name\na\nb\nc\n"},
		{"t.jsonl", "{\"name\":\"a\"}\n{\"name\":\"b\"}\n{\"name\":\"c\"}\n"},
		{"t.json", `[{"name":"a"},{"name":"b"},{"name":"c"}]`},
	} {
		n := 0
		for range Read(in.file, strings.NewReader(in.input), testSchema) {
			n++
			if n == 2 {
				break
			}
		}
		if n != 2 {
			t.Errorf("%s: %d records", in.file, n)
		}
	}
}

func TestReadIOError(t *testing.T) {
	for file, input := range map[string]string{
		"t.csv":   "name\n" + strings.Repeat("a\n", 50000),
		"t.jsonl": strings.Repeat("{\"name\":\"a\"}\n", 10000),
		"t.json":  "[" + strings.Repeat("{\"name\":\"a\"},", 10000),
	} {
		var err error
		n := 0
		for _, rerr := range Read(file, &failAfter{s: input}, testSchema) {
			if rerr != nil {
				err = rerr
			} else {
				n++
			}
		}
		if err == nil || !strings.HasPrefix(err.Error(), file+":") || !strings.HasSuffix(err.Error(), ": disk on fire") {
			t.Errorf("%s: error = %v after %d records", file, err, n)
		}
	}
}

// failAfter returns s, then an error.
type failAfter struct{ s string }

func (f *failAfter) Read(p []byte) (int, error) {
	if f.s == "" {
		return 0, errors.New("disk on fire")
	}
	n := copy(p, f.s)
	f.s = f.s[n:]
	return n, nil
}

func TestSchemaConflictPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic")
		}
	}()
	for range Read("t.csv", strings.NewReader(""), Schema{{Name: "first_name"}, {Name: "name", Aliases: []string{"First-Name"}}}) {
	}
}

var fuzzNames = []string{"f.csv", "f.jsonl", "f.json", "f", "standard input"}

func FuzzRead(f *testing.F) {
	for _, tt := range readTests {
		for i, n := range fuzzNames {
			if n == tt.file {
				f.Add(uint8(i), tt.input)
			}
		}
		f.Add(uint8(3), tt.input)
	}
	f.Fuzz(func(t *testing.T, which uint8, input string) {
		name := fuzzNames[int(which)%len(fuzzNames)]
		line := 0
		for r, err := range Read(name, strings.NewReader(input), testSchema) {
			if err != nil {
				if !strings.HasPrefix(err.Error(), name+":") {
					t.Fatalf("error does not name the file: %v", err)
				}
				continue
			}
			if r.Pos.Line < 1 || r.Pos.Line < line {
				t.Fatalf("record at line %d after line %d", r.Pos.Line, line)
			}
			line = r.Pos.Line
			if r.Err != nil && !strings.HasPrefix(r.Err.Error(), fmt.Sprintf("%s:%d: ", name, line)) {
				t.Fatalf("record error does not name the file and line %d: %v", line, r.Err)
			}
			for k := range r.Fields {
				if testSchema.field(k) == nil {
					t.Fatalf("unknown field %q in %v", k, r.Fields)
				}
			}
		}
	})
}

func (s Schema) field(name string) *Field {
	for i := range s {
		if s[i].Name == name {
			return &s[i]
		}
	}
	return nil
}
