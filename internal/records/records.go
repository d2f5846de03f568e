// Package records reads the files that describe many objects at once (users, teams, channels):
// CSV with a header row, JSON lines (one object per line) or a JSON array of objects, checked
// against a schema of known fields.
//
// Records come as an iterator so that a caller may act on each as it is read. CSV and JSON
// lines are read a record at a time; a JSON array is one document and is read whole before its
// first element is returned.
package records

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Kind is what values a field accepts.
type Kind int

const (
	// String accepts any text.
	String Kind = iota
	// Bool accepts true/false, 1/0, yes/no, y/n and t/f, in any case; Record.Fields holds
	// "true" or "false" (or "" for an empty value).
	Bool
)

// Field is one known column or key.
type Field struct {
	// Name is the field's name as Record.Fields holds it, in lower case with underscores:
	// "system_admin". Hyphens are accepted for underscores in the file: "system-admin".
	Name string
	// Aliases are other accepted spellings, such as "first_name" for "firstname".
	Aliases []string
	// Required fields must be a column of a CSV header, and every record needs a value.
	Required bool
	Kind     Kind
	// KeepSpace keeps white space around the value (a password); other values are trimmed.
	KeepSpace bool
}

// Schema is the fields a file may hold. Missing required fields are named in schema order. No
// two fields may share a spelling: reading with such a schema panics.
type Schema []Field

// Pos is where a record starts.
type Pos struct {
	Line int // 1-based
	Item int // 1-based index in a JSON array; 0 in CSV and JSON lines
}

// String is "item 2" in a JSON array, else "line 7".
func (p Pos) String() string {
	if p.Item > 0 {
		return fmt.Sprintf("item %d", p.Item)
	}
	return fmt.Sprintf("line %d", p.Line)
}

// Record is one object of a file.
type Record struct {
	Pos Pos
	// Fields maps the Name of each field the record sets to its value. JSON strings are taken
	// as they are, numbers and booleans as their text, null as "". Fields holds what could be
	// read also when Err is set, so that a bad record can still be named.
	Fields map[string]string
	// Err, a *Error, says why the record is bad on its own; other records are unaffected.
	Err error
}

// Bool reports whether the Bool field name is set to true.
func (r Record) Bool(name string) bool { return r.Fields[name] == "true" }

// Error is a problem at a place in a file.
type Error struct {
	File   string // the name given to Read
	Line   int    // 1-based; 0 when the problem has no line
	Column int    // 1-based byte index in the line; 0 when not known
	Err    error  // the problem, without its place
}

func (e *Error) Error() string {
	switch {
	case e.Line == 0:
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Name is how messages name the file at path: the path, or "standard input" for "-".
func Name(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}

// ReadFile is Read of the file at path, or of stdin when path is "-". The file is opened when
// the iteration starts and closed when it ends; when it cannot be opened, the sequence is the
// *os.PathError alone.
func ReadFile(path string, stdin io.Reader, schema Schema) iter.Seq2[Record, error] {
	if path == "-" {
		return Read(Name(path), stdin, schema)
	}
	return func(yield func(Record, error) bool) {
		fh, err := os.Open(path)
		if err != nil {
			yield(Record{}, err)
			return
		}
		defer fh.Close()
		for rec, err := range Read(path, fh, schema) {
			if !yield(rec, err) {
				return
			}
		}
	}
}

// Read returns the records of r in file order, skipping blank lines and CSV rows whose cells
// are all blank. name names the file in errors, and its extension chooses the format: .csv is
// CSV; .jsonl, .ndjson and .json are JSON (an array when the content starts with "[", else
// JSON lines). Otherwise a first "{" or "[" means JSON and anything else CSV. A leading UTF-8
// byte order mark is skipped.
//
// A record that is bad on its own comes with Record.Err set. A file that cannot be read on
// (unreadable, a bad CSV header, broken CSV quoting, a malformed JSON array) ends the sequence
// with a non-nil error, a *Error naming the file, after the records read before it. The
// sequence reads r, so it can be iterated once.
func Read(name string, r io.Reader, schema Schema) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		rd := &reader{name: name, fields: index(schema), yield: yield}
		br := bufio.NewReaderSize(r, 64<<10)
		if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
			_, _ = br.Discard(len(bom))
		}
		first := firstByte(br)
		switch strings.ToLower(filepath.Ext(name)) {
		case ".csv":
			rd.csv(br)
			return
		case ".jsonl", ".ndjson", ".json":
		default:
			if first != '{' && first != '[' {
				rd.csv(br)
				return
			}
		}
		if first == '[' {
			rd.jsonArray(br)
		} else {
			rd.jsonLines(br)
		}
	}
}

var bom = []byte("\xef\xbb\xbf")

// firstByte peeks at the first byte that is not white space, 0 if there is none in the buffer.
func firstByte(br *bufio.Reader) byte {
	for n := 1; ; n++ {
		b, err := br.Peek(n)
		if len(b) < n || err != nil {
			return 0
		}
		switch c := b[n-1]; c {
		case ' ', '\t', '\r', '\n':
		default:
			return c
		}
	}
}

// fields is a schema indexed by every accepted spelling.
type fields struct {
	byKey map[string]*Field
	list  Schema
	known string // the names, sorted, for messages
}

func index(s Schema) *fields {
	fs := &fields{byKey: map[string]*Field{}, list: s}
	names := make([]string, 0, len(s))
	for i := range s {
		f := &s[i]
		for _, k := range append([]string{f.Name}, f.Aliases...) {
			k = normalizeKey(k)
			if prev, dup := fs.byKey[k]; dup {
				panic(fmt.Sprintf("records: %q names both %s and %s", k, prev.Name, f.Name))
			}
			fs.byKey[k] = f
		}
		names = append(names, f.Name)
	}
	slices.Sort(names)
	fs.known = strings.Join(names, ", ")
	return fs
}

// normalizeKey turns "System-Admin" into "system_admin".
func normalizeKey(k string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(k)), "-", "_")
}

func (fs *fields) lookup(key string) *Field { return fs.byKey[normalizeKey(key)] }

type reader struct {
	name   string
	fields *fields
	yield  func(Record, error) bool
}

func (rd *reader) errorf(line int, format string, args ...any) *Error {
	return &Error{File: rd.name, Line: line, Err: fmt.Errorf(format, args...)}
}

// fail ends the sequence with err.
func (rd *reader) fail(err error) { rd.yield(Record{}, err) }

// record collects the fields of one record and its first problem.
type record struct {
	rd  *reader
	rec Record
	err error
}

func (rd *reader) newRecord(pos Pos) *record {
	return &record{rd: rd, rec: Record{Pos: pos, Fields: map[string]string{}}}
}

func (r *record) problem(err error) {
	if r.err == nil {
		r.err = err
	}
}

// set stores a value of f, also after a problem, so that the record can be named.
func (r *record) set(f *Field, v string) {
	if !f.KeepSpace {
		v = strings.TrimSpace(v)
	}
	if f.Kind == Bool && v != "" {
		b, ok := parseBool(v)
		if !ok {
			// The value is not echoed: a misplaced column could hold a password.
			r.problem(fmt.Errorf("%s: not a boolean (use true/false, 1/0 or yes/no)", f.Name))
			return
		}
		v = fmt.Sprint(b)
	}
	r.rec.Fields[f.Name] = v
}

// done checks the required fields and returns the record.
func (r *record) done() Record {
	if r.err == nil {
		var missing []string
		for _, f := range r.rd.fields.list {
			if f.Required && r.rec.Fields[f.Name] == "" {
				missing = append(missing, f.Name)
			}
		}
		switch len(missing) {
		case 0:
		case 1:
			r.err = fmt.Errorf("%s is required", missing[0])
		default:
			r.err = fmt.Errorf("%s are required", strings.Join(missing, ", "))
		}
	}
	if r.err != nil {
		r.rec.Err = &Error{File: r.rd.name, Line: r.rec.Pos.Line, Err: r.err}
	}
	return r.rec
}

func parseBool(v string) (value, ok bool) {
	switch strings.ToLower(v) {
	case "true", "1", "yes", "y", "t":
		return true, true
	case "false", "0", "no", "n", "f":
		return false, true
	}
	return false, false
}

func (rd *reader) csv(r io.Reader) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return
	}
	if err != nil {
		rd.fail(rd.csvError(err))
		return
	}
	line, _ := cr.FieldPos(0)
	cols := make([]*Field, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		f := rd.fields.lookup(h)
		if f == nil {
			rd.fail(rd.errorf(line, "unknown column %q (known: %s)", h, rd.fields.known))
			return
		}
		if seen[f.Name] {
			rd.fail(rd.errorf(line, "column %q appears twice", f.Name))
			return
		}
		seen[f.Name] = true
		cols[i] = f
	}
	var missing []string
	for _, f := range rd.fields.list {
		if f.Required && !seen[f.Name] {
			missing = append(missing, fmt.Sprintf("%q", f.Name))
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		rd.fail(rd.errorf(line, "the header has no %s column", missing[0]))
		return
	default:
		rd.fail(rd.errorf(line, "the header has no %s columns", strings.Join(missing, ", ")))
		return
	}
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			rd.fail(rd.csvError(err))
			return
		}
		if blank(cells) {
			continue
		}
		line, _ := cr.FieldPos(0)
		r := rd.newRecord(Pos{Line: line})
		if len(cells) != len(cols) {
			r.problem(fmt.Errorf("%d fields, but the header has %d", len(cells), len(cols)))
		}
		for i := 0; i < len(cells) && i < len(cols); i++ {
			r.set(cols[i], cells[i])
		}
		if !rd.yield(r.done(), nil) {
			return
		}
	}
}

func (rd *reader) csvError(err error) *Error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &Error{File: rd.name, Err: err}
	}
	e := &Error{File: rd.name, Line: pe.Line, Column: pe.Column, Err: pe.Err}
	if pe.StartLine != pe.Line {
		e.Err = fmt.Errorf("%w (in the record starting on line %d)", pe.Err, pe.StartLine)
	}
	return e
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (rd *reader) jsonLines(br *bufio.Reader) {
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		// A byte order mark may start any line of files joined with cat.
		if b = bytes.TrimPrefix(bytes.TrimSpace(b), bom); len(b) > 0 {
			if !rd.yield(rd.object(Pos{Line: line}, b), nil) {
				return
			}
		}
		if err == io.EOF {
			return
		}
		if err != nil {
			rd.fail(&Error{File: rd.name, Line: line, Err: err})
			return
		}
	}
}

func (rd *reader) jsonArray(r io.Reader) {
	data, err := io.ReadAll(r)
	if err != nil {
		rd.fail(&Error{File: rd.name, Err: err})
		return
	}
	// Check the whole document first: the decoder's syntax errors do not say where they are.
	var se *json.SyntaxError
	if err := json.Unmarshal(data, new(json.RawMessage)); errors.As(err, &se) {
		off := min(max(int(se.Offset)-1, 0), len(data))
		line := 1 + bytes.Count(data[:off], []byte("\n"))
		col := off - bytes.LastIndexByte(data[:off], '\n')
		rd.fail(&Error{File: rd.name, Line: line, Column: col, Err: se})
		return
	} else if err != nil {
		rd.fail(&Error{File: rd.name, Err: err})
		return
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		rd.fail(&Error{File: rd.name, Line: 1, Err: err})
		return
	}
	line, counted := 1, 0
	for item := 1; dec.More(); item++ {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			rd.fail(&Error{File: rd.name, Line: line, Err: err})
			return
		}
		start := int(dec.InputOffset()) - len(raw)
		line += bytes.Count(data[counted:start], []byte("\n"))
		counted = start
		if !rd.yield(rd.object(Pos{Line: line, Item: item}, raw), nil) {
			return
		}
	}
}

// object reads one JSON object at pos.
func (rd *reader) object(pos Pos, b []byte) Record {
	r := rd.newRecord(pos)
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			r.problem(errors.New("expected a JSON object"))
		} else {
			r.problem(fmt.Errorf("invalid JSON: %w", err))
		}
		return r.done()
	}
	if obj == nil {
		r.problem(errors.New("expected a JSON object"))
		return r.done()
	}
	// Keys in a fixed order, so that the problem reported does not depend on map order.
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	seen := map[string]string{}
	for _, k := range keys {
		f := rd.fields.lookup(k)
		if f == nil {
			r.problem(fmt.Errorf("unknown field %q (known: %s)", k, rd.fields.known))
			continue
		}
		if prev, dup := seen[f.Name]; dup {
			r.problem(fmt.Errorf("keys %q and %q are the same field", prev, k))
			continue
		}
		seen[f.Name] = k
		v, err := scalar(obj[k])
		if err != nil {
			r.problem(fmt.Errorf("%s: %w", f.Name, err))
			continue
		}
		r.set(f, v)
	}
	return r.done()
}

// scalar turns a JSON string, boolean, number or null into the text a CSV cell would hold.
func scalar(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case '{', '[':
		return "", errors.New("expected a string, boolean or number")
	}
	return string(raw), nil
}
