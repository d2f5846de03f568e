package records

import (
	"errors"
	"strings"
	"testing"
)

// fuzzSchema has every kind of field: required with an alias, a bool, a value kept with its
// white space, plain strings.
var fuzzSchema = Schema{
	{Name: "username", Aliases: []string{"login"}, Required: true},
	{Name: "first_name", Aliases: []string{"firstname"}},
	{Name: "password", KeepSpace: true},
	{Name: "system_admin", Kind: Bool},
	{Name: "email"},
}

// fuzzFormats are the names a file is read under: each extension chooses a format, and the
// last ones sniff it from the first byte.
var fuzzFormats = []string{"users.csv", "users.jsonl", "users.json", "users", "standard input"}

// FuzzReadSchema reads arbitrary bytes as CSV, JSON lines and JSON arrays and checks what
// callers rely on: errors are one-line *Errors naming the file, records hold only schema
// names with normalised values, a record without an error has its required fields, and
// positions move forward.
func FuzzReadSchema(f *testing.F) {
	seeds := []string{
		"username,firstname,password,system_admin,email\nalice,Alice, pw ,yes,a@x.org\nbob,,,0,\n",
		"Login,System-Admin\r\n\"a,b\",\"t\"\r\n\r\n\"multi\nline\",n\n",
		"username\n\"unterminated\n",
		"username,username\n",
		"email\nx@y\n",
		"username,password\na\nb,c,d\n",
		"\ufeffusername\n  ,  \nz\n",
		`{"username":"a","system_admin":true,"password":" p "}` + "\n\n" + `{"login":"b","first_name":null}` + "\n",
		`{"username":"a","Login":"b"}` + "\n" + `[1]` + "\n" + `{"username":{}}` + "\n" + `{"email":3.5e10}`,
		`{"username":"a","unknown":1}` + "\n" + `{bad json` + "\n" + `null` + "\n",
		`[{"username":"a"},` + "\n" + `{"username":"b","system_admin":"maybe"}, 3, null]`,
		`[{"username":"a"}`,
		"[\n\n{\"username\":\"a\"}\n]",
		"  \n\t[]",
		"",
		"\ufeff{\"username\":\"x\"}\n\ufeff{\"username\":\"y\"}",
		"{\"\\nusername\":{}}\n",
	}
	for _, s := range seeds {
		for i := range fuzzFormats {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		name := fuzzFormats[int(which)%len(fuzzFormats)]
		checkRead(t, name, data)
	})
}

func checkRead(t *testing.T, name string, data []byte) {
	t.Helper()
	lastLine, lastItem, n := 0, 0, 0
	var ended error
	for r, err := range Read(name, strings.NewReader(string(data)), fuzzSchema) {
		if ended != nil {
			t.Fatalf("the sequence went on after its error %q", ended)
		}
		if err != nil {
			checkError(t, name, err)
			ended = err
			continue
		}
		n++
		if r.Pos.Line < 1 {
			t.Fatalf("record %d: line %d", n, r.Pos.Line)
		}
		if r.Pos.Item > 0 {
			// A JSON array: items count from 1, and several may share a line.
			if r.Pos.Item != lastItem+1 || r.Pos.Line < lastLine {
				t.Fatalf("record %d at %+v after item %d line %d", n, r.Pos, lastItem, lastLine)
			}
			lastItem = r.Pos.Item
		} else if lastItem > 0 || r.Pos.Line <= lastLine {
			// CSV and JSON lines: every record starts on a later line than the one before.
			t.Fatalf("record %d at %+v after item %d line %d", n, r.Pos, lastItem, lastLine)
		}
		lastLine = r.Pos.Line
		if r.Err != nil {
			e := checkError(t, name, r.Err)
			if e.Line != r.Pos.Line {
				t.Fatalf("record at line %d has an error at line %d: %v", r.Pos.Line, e.Line, r.Err)
			}
		}
		if r.Fields == nil {
			t.Fatalf("record %d has nil Fields", n)
		}
		for k, v := range r.Fields {
			fd := fuzzSchema.fuzzField(k)
			if fd == nil {
				t.Fatalf("record %d: key %q is not a schema name: %v", n, k, r.Fields)
			}
			if fd.Kind == Bool && v != "" && v != "true" && v != "false" {
				t.Fatalf("record %d: bool %s = %q", n, k, v)
			}
			if !fd.KeepSpace && strings.TrimSpace(v) != v {
				t.Fatalf("record %d: %s = %q is not trimmed", n, k, v)
			}
		}
		if r.Err == nil {
			for _, fd := range fuzzSchema {
				if fd.Required && r.Fields[fd.Name] == "" {
					t.Fatalf("record %d has no %s and no error: %v", n, fd.Name, r.Fields)
				}
			}
		}
	}
}

// checkError checks that err is a *Error naming the file, in one line.
func checkError(t *testing.T, name string, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e != err {
		t.Fatalf("error %T is not a *Error: %v", err, err)
	}
	if e.File != name {
		t.Fatalf("error names %q, not %q: %v", e.File, name, err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, name+":") {
		t.Fatalf("error does not start with the file name: %q", msg)
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("error is not one line: %q", msg)
	}
	if e.Line < 0 || e.Column < 0 || (e.Column > 0 && e.Line == 0) {
		t.Fatalf("error at line %d column %d: %q", e.Line, e.Column, msg)
	}
	return e
}

func (s Schema) fuzzField(name string) *Field {
	for i := range s {
		if s[i].Name == name {
			return &s[i]
		}
	}
	return nil
}
