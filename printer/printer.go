// Package printer writes command results: tables for people, tab-separated lines for pipes,
// JSON, JSON lines, or a gojq filter. Results go to stdout; messages go to stderr.
package printer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/itchyny/gojq"
	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/safetext"
)

// Format is an output format.
type Format string

const (
	Table Format = "table"
	Plain Format = "plain"
	JSON  Format = "json"
	JSONL Format = "jsonl"
)

// Formats lists the accepted --format values.
var Formats = []string{string(Table), string(Plain), string(JSON), string(JSONL)}

// Options are the output flags of one run.
type Options struct {
	Format string // "" → table on a terminal, plain otherwise
	JSON   bool   // --json: same as --format json
	JQ     string // --jq: filter the JSON document with gojq
	Quiet  bool   // --quiet: no success or progress messages
}

// Printer is built once per command run from the IO streams and the format flags.
type Printer struct {
	ios    *iostreams.IOStreams
	format Format
	jq     *gojq.Code
	quiet  bool
	// msgMu keeps message lines whole when workers of a multi-argument verb report at once.
	msgMu sync.Mutex
}

// New validates the format flags and returns the printer for this run.
func New(ios *iostreams.IOStreams, opts Options) (*Printer, error) {
	p := &Printer{ios: ios, quiet: opts.Quiet}
	switch {
	case opts.JSON && opts.Format != "" && opts.Format != string(JSON):
		return nil, fmt.Errorf("--json conflicts with --format %s", opts.Format)
	case opts.JSON:
		p.format = JSON
	case opts.Format == "":
		if ios.IsStdoutTTY() {
			p.format = Table
		} else {
			p.format = Plain
		}
	default:
		switch f := Format(opts.Format); f {
		case Table, Plain, JSON, JSONL:
			p.format = f
		default:
			return nil, fmt.Errorf("unknown --format %q: use one of %s", opts.Format, strings.Join(Formats, ", "))
		}
	}
	if opts.JQ != "" {
		if p.format == Table || p.format == Plain {
			p.format = JSON
		}
		q, err := gojq.Parse(opts.JQ)
		if err != nil {
			return nil, fmt.Errorf("invalid --jq expression: %w", err)
		}
		code, err := gojq.Compile(q, gojq.WithEnvironLoader(func() []string { return nil }))
		if err != nil {
			return nil, fmt.Errorf("invalid --jq expression: %w", err)
		}
		p.jq = code
	}
	return p, nil
}

// Format is the resolved output format.
func (p *Printer) Format() Format { return p.format }

// Structured reports whether results are machine documents (json, jsonl, or --jq) rather than
// text for people or line-oriented tools.
func (p *Printer) Structured() bool { return p.format == JSON || p.format == JSONL || p.jq != nil }

// HasJQ reports whether a --jq filter is set.
func (p *Printer) HasJQ() bool { return p.jq != nil }

// Out is stdout, for commands that write a raw document (the `api` command).
func (p *Printer) Out() io.Writer { return p.ios.Out }

// Successf reports a completed change on stderr, unless --quiet.
func (p *Printer) Successf(format string, args ...any) {
	if p.quiet {
		return
	}
	p.message("", format, args)
}

// message writes one line on stderr. What it quotes (an argument, a name from the server) is
// escaped: a message stays one line and cannot drive the terminal.
func (p *Printer) message(prefix, format string, args []any) {
	line := prefix + safetext.Escape(fmt.Sprintf(format, args...)) + "\n"
	p.msgMu.Lock()
	defer p.msgMu.Unlock()
	_, _ = io.WriteString(p.ios.ErrOut, line)
}

// Infof reports progress on stderr, unless --quiet.
func (p *Printer) Infof(format string, args ...any) { p.Successf(format, args...) }

// Warnf writes a warning on stderr. Warnings survive --quiet.
func (p *Printer) Warnf(format string, args ...any) {
	p.message("warning: ", format, args)
}

// Errorf writes one failure line on stderr (for per-argument failures). Survives --quiet.
func (p *Printer) Errorf(format string, args ...any) {
	p.message("", format, args)
}

// Column is one column of a table or plain listing.
type Column[T any] struct {
	Header string
	Value  func(T) string
}

// tableChunk is how many rows a terminal table holds before it is flushed, so that memory stays
// bounded on very long lists; each chunk is aligned on its own.
const tableChunk = 1000

// errListEnded is what Add returns once a list has been closed.
var errListEnded = errors.New("printer: item added to a list that has ended")

// List streams the items of one result list in the printer's format. It ends in one of two
// ways, and exactly one of them must be called, also when nothing was added:
//
//   - Close when every item has been added: the list is complete (JSON then prints `[]` for
//     an empty list).
//   - Fail when the items could not all be read (a page failed, the connection broke, the run
//     was cancelled): what was printed must not be mistaken for the whole list. See Fail.
//
// A failed Add (an item that cannot be encoded, stdout gone) also leaves the list failed: the
// error is sticky, and Close then ends the list as Fail would.
type List[T any] struct {
	p      *Printer
	cols   []Column[T]
	format Format
	// raw lists write each item's bytes as received (json.RawMessage) instead of encoding it.
	raw   bool
	n     int
	rows  [][]string
	jqBuf []any
	ended bool
	err   error
}

// NewList starts a list with the given columns (used for table and plain output).
func NewList[T any](p *Printer, cols ...Column[T]) *List[T] {
	return &List[T]{p: p, cols: cols, format: p.format}
}

// NewRawList starts a list of JSON documents received as bytes (the `api` command's
// --paginate). Whatever the format, they are printed as one JSON array, each item as
// received on a line of its own; --jq filters the whole array, like a raw document.
func NewRawList(p *Printer) *List[json.RawMessage] {
	return &List[json.RawMessage]{p: p, format: JSON, raw: true}
}

// Add writes one item (or buffers it: terminal tables in chunks, --jq over a JSON array whole).
// Once the list has failed, Add returns the failure; once it is closed, an error.
func (l *List[T]) Add(item T) error {
	if l.err != nil {
		return l.err
	}
	if l.ended {
		return errListEnded
	}
	if l.err = l.add(item); l.err == nil {
		l.n++
	}
	return l.err
}

func (l *List[T]) add(item T) error {
	out := l.p.ios.Out
	if l.p.jq != nil {
		v, err := toGeneric(item)
		if err != nil {
			return err
		}
		if l.format == JSONL {
			// Each line is a document of its own: filter it now instead of holding the list.
			return l.p.runJQ(v)
		}
		l.jqBuf = append(l.jqBuf, v)
		return nil
	}
	switch l.format {
	case JSON:
		b, indent, err := l.element(item)
		if err != nil {
			return err
		}
		sep := ",\n"
		if l.n == 0 {
			sep = "[\n"
		}
		_, err = io.WriteString(out, sep+indent+string(b))
		return err
	case JSONL:
		b, err := marshal(item)
		if err != nil {
			return err
		}
		_, err = out.Write(append(b, '\n'))
		return err
	case Plain:
		_, err := io.WriteString(out, strings.Join(l.values(item), "\t")+"\n")
		return err
	default:
		l.rows = append(l.rows, l.values(item))
		if len(l.rows) >= tableChunk {
			return l.flushTable()
		}
		return nil
	}
}

// element is one item of a JSON array and the indentation of its first line.
func (l *List[T]) element(item T) ([]byte, string, error) {
	if l.raw {
		return any(item).(json.RawMessage), "", nil
	}
	b, err := marshalIndent(item, "  ")
	return b, "  ", err
}

func (l *List[T]) values(item T) []string {
	vals := make([]string, len(l.cols))
	for i, c := range l.cols {
		vals[i] = sanitize(c.Value(item))
	}
	return vals
}

func (l *List[T]) flushTable() error {
	if len(l.rows) == 0 {
		return nil
	}
	headers := make([]string, len(l.cols))
	for i, c := range l.cols {
		headers[i] = c.Header
	}
	renderTable(l.p.ios.Out, headers, l.rows)
	l.rows = l.rows[:0]
	return nil
}

// Len is the number of items added so far.
func (l *List[T]) Len() int { return l.n }

// Close ends a complete list: closes the JSON array, flushes the table, or runs the --jq
// filter. If an Add failed, the list is not complete: Close ends it as Fail does and returns
// that failure. Closing an ended list does nothing and returns the same result again.
func (l *List[T]) Close() error {
	if l.ended {
		return l.err
	}
	l.ended = true
	if l.err != nil {
		l.abort()
		return l.err
	}
	// Kept, so that a second (deferred) Close reports the same failure.
	l.err = l.finish()
	return l.err
}

// Fail ends a list that could not be read to its end because of err, so that what was printed
// cannot be taken for the whole list, and returns err for the caller to return (main then
// prints it on stderr and exits non-zero). Per format:
//
//   - json: the array is left open (`[`, the items so far, a newline, never `]`): no JSON
//     parser accepts stdout as a complete document. If no item was written, nothing is: not
//     even `[]`, which would claim an empty list.
//   - --jq over a JSON array: the items held for the filter are dropped and the filter never
//     runs, so stdout stays empty rather than holding a result computed from part of the list
//     (`length` would print a plausible count).
//   - jsonl, also with --jq (filtered item by item): every line written is a complete document
//     by nature, and nothing is added after the last one; only the exit status and stderr tell
//     that lines are missing, as with any line-oriented output.
//   - plain: likewise, the lines written stay as they are.
//   - table: the rows held for the current chunk are printed, so that a person at a terminal
//     still sees what was read before the error on stderr.
//
// After Fail, Add, Close and Fail return the same error. If the list had already failed (a
// failed Add), Fail returns that first failure. Fail on a list closed without error cannot
// take the printed output back; it returns err. Fail(nil) is Close().
func (l *List[T]) Fail(err error) error {
	if err == nil {
		return l.Close()
	}
	if l.ended {
		if l.err == nil {
			l.err = err
		}
		return l.err
	}
	l.ended = true
	if l.err == nil {
		l.err = err
	}
	l.abort()
	return l.err
}

// abort ends the output of a failed list; see Fail. Write errors are ignored: the list has
// failed already, and its first failure is the one to report.
func (l *List[T]) abort() {
	l.jqBuf = nil
	if l.p.jq != nil {
		return
	}
	switch l.format {
	case JSON:
		if l.n > 0 {
			_, _ = io.WriteString(l.p.ios.Out, "\n")
		}
	case Table:
		_ = l.flushTable()
	}
}

func (l *List[T]) finish() error {
	out := l.p.ios.Out
	if l.p.jq != nil {
		if l.format == JSONL {
			return nil // filtered item by item in add
		}
		docs := l.jqBuf
		l.jqBuf = nil
		if docs == nil {
			docs = []any{}
		}
		return l.p.runJQ(docs)
	}
	switch l.format {
	case JSON:
		if l.n == 0 {
			_, err := io.WriteString(out, "[]\n")
			return err
		}
		_, err := io.WriteString(out, "\n]\n")
		return err
	case Table:
		return l.flushTable()
	}
	return nil
}

// Stream adds every item of seq to l and ends the list: with Close when seq is exhausted,
// with Fail at the first error seq yields or Add returns (which also stops seq, so that a
// paging iterator cancels the pages it no longer needs). It returns that error, or Close's.
// It is the whole loop of a list read page by page (client.Pages); a caller that filters items
// or rewrites errors on the way writes the loop itself, with the same two endings.
func Stream[T any](l *List[T], seq iter.Seq2[T, error]) error {
	for item, err := range seq {
		if err != nil {
			return l.Fail(err)
		}
		if err := l.Add(item); err != nil {
			return l.Fail(err)
		}
	}
	return l.Close()
}

// Field is one labelled value of a single object shown to a person.
type Field struct {
	Name  string
	Value string
}

// Object prints one result: the raw object in structured formats; a two-column table of fields
// on a terminal; one tab-separated line of field values in plain format.
func (p *Printer) Object(v any, fields []Field) error {
	out := p.ios.Out
	if p.jq != nil {
		g, err := toGeneric(v)
		if err != nil {
			return err
		}
		return p.runJQ(g)
	}
	switch p.format {
	case JSON:
		b, err := marshalIndent(v, "")
		if err != nil {
			return err
		}
		_, err = out.Write(append(b, '\n'))
		return err
	case JSONL:
		b, err := marshal(v)
		if err != nil {
			return err
		}
		_, err = out.Write(append(b, '\n'))
		return err
	case Plain:
		vals := make([]string, len(fields))
		for i, f := range fields {
			vals[i] = sanitize(f.Value)
		}
		_, err := io.WriteString(out, strings.Join(vals, "\t")+"\n")
		return err
	default:
		rows := make([][]string, len(fields))
		for i, f := range fields {
			rows[i] = []string{strings.ToUpper(f.Name), sanitize(f.Value)}
		}
		renderKV(out, rows)
		return nil
	}
}

// RawJSON prints a JSON document received as bytes (the `api` command): through --jq when set,
// indented on a terminal, otherwise as received. Non-JSON bodies are written unchanged.
func (p *Printer) RawJSON(body []byte) error {
	out := p.ios.Out
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return nil
	}
	if !json.Valid(trimmed) {
		if p.jq != nil {
			return errors.New("--jq: the response is not JSON")
		}
		_, err := out.Write(body)
		return err
	}
	if p.jq != nil {
		var v any
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return err
		}
		return p.runJQ(normalizeNumbers(v))
	}
	if p.ios.IsStdoutTTY() {
		var buf bytes.Buffer
		if err := json.Indent(&buf, trimmed, "", "  "); err == nil {
			buf.WriteByte('\n')
			_, err = out.Write(buf.Bytes())
			return err
		}
	}
	_, err := out.Write(append(trimmed, '\n'))
	return err
}

func (p *Printer) runJQ(input any) error {
	out := p.ios.Out
	iter := p.jq.Run(input)
	for {
		v, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, ok := v.(error); ok {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return nil
			}
			return fmt.Errorf("--jq: %w", err)
		}
		if s, ok := v.(string); ok {
			if _, err := io.WriteString(out, s+"\n"); err != nil {
				return err
			}
			continue
		}
		var b []byte
		var err error
		if p.ios.IsStdoutTTY() {
			b, err = marshalIndent(v, "")
		} else {
			b, err = marshal(v)
		}
		if err != nil {
			return err
		}
		if _, err := out.Write(append(b, '\n')); err != nil {
			return err
		}
	}
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return escapeC1(bytes.TrimRight(buf.Bytes(), "\n")), nil
}

func marshalIndent(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return escapeC1(bytes.TrimRight(buf.Bytes(), "\n")), nil
}

// escapeC1 writes DEL and the C1 control characters (U+0080 to U+009F) of encoded JSON as \u
// escapes: encoding/json leaves them raw, and a terminal may take U+009B as the start of a control
// sequence. In valid JSON they can only stand inside strings, where the escape means the same.
func escapeC1(b []byte) []byte {
	if !bytes.Contains(b, []byte{0xc2}) && !bytes.Contains(b, []byte{0x7f}) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); i++ {
		if b[i] == 0xc2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9f {
			out = append(out, fmt.Sprintf(`\u%04x`, b[i+1])...)
			i++
			continue
		}
		if b[i] == 0x7f {
			out = append(out, `\u007f`...)
			continue
		}
		out = append(out, b[i])
	}
	return out
}

// toGeneric turns a Go value into the map/slice form gojq works on, keeping integers exact.
func toGeneric(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var g any
	if err := dec.Decode(&g); err != nil {
		return nil, err
	}
	return normalizeNumbers(g), nil
}

// normalizeNumbers converts json.Number into int or float64, the types gojq understands.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
		return x
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	}
	return v
}

// sanitize drops control characters from values shown as text, and with an ESC or C1 control
// the whole escape sequence it starts: a value from the server (a display name, a channel
// header) must not be able to recolour, retitle or rewrite the user's terminal, nor leave
// "[31m" debris in a table. Tabs and newlines become spaces so each value stays one cell.
func sanitize(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\t' || r == '\n':
			b.WriteByte(' ')
		case r == 0x1b: // ESC
			i += escapeLen(s[i:])
		case r == 0x9b: // C1 CSI
			i += csiLen(s[i:])
		case r == 0x90 || r == 0x98 || r == 0x9d || r == 0x9e || r == 0x9f: // C1 DCS, SOS, OSC, PM, APC
			i += controlStringLen(s[i:])
		case isControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// escapeLen is the length of the escape sequence body that follows an ESC in rest.
func escapeLen(rest string) int {
	if rest == "" {
		return 0
	}
	switch c := rest[0]; {
	case c == '[':
		return 1 + csiLen(rest[1:])
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		return 1 + controlStringLen(rest[1:])
	case c >= 0x20 && c <= 0x2f: // intermediate bytes, then one final byte (ESC ( B)
		n := 1
		for n < len(rest) && rest[n] >= 0x20 && rest[n] <= 0x2f {
			n++
		}
		if n < len(rest) && rest[n] >= 0x30 && rest[n] <= 0x7e {
			n++
		}
		return n
	case c >= 0x30 && c <= 0x7e:
		return 1
	}
	return 0
}

// csiLen is the length of a control sequence's parameters and final byte at the start of rest.
// A byte that cannot be part of the sequence ends it without being consumed.
func csiLen(rest string) int {
	for j := 0; j < len(rest); j++ {
		switch c := rest[j]; {
		case c >= 0x40 && c <= 0x7e:
			return j + 1
		case c < 0x20 || c > 0x3f:
			return j
		}
	}
	return len(rest)
}

// controlStringLen is the length of an OSC/DCS/APC string and its terminator (BEL, ESC \ or
// C1 ST) at the start of rest; an unterminated string runs to the end, as on a terminal.
func controlStringLen(rest string) int {
	for j := 0; j < len(rest); j++ {
		switch {
		case rest[j] == 0x07:
			return j + 1
		case rest[j] == 0x1b && j+1 < len(rest) && rest[j+1] == '\\':
			return j + 2
		case strings.HasPrefix(rest[j:], "\u009c"):
			return j + len("\u009c")
		}
	}
	return len(rest)
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// renderTable writes an aligned, borderless table: columns separated by two spaces, a
// header in capitals, no wrapping (a value is never split across lines).
func renderTable(w io.Writer, headers []string, rows [][]string) {
	t := newTable(w, tw.On)
	t.Header(headers)
	_ = t.Bulk(rows)
	_ = t.Render()
}

// renderKV writes the two-column field table of a single object.
func renderKV(w io.Writer, rows [][]string) {
	t := newTable(w, tw.Off)
	_ = t.Bulk(rows)
	_ = t.Render()
}

func newTable(w io.Writer, headerFormat tw.State) *tablewriter.Table {
	cell := tw.CellConfig{
		Formatting: tw.CellFormatting{AutoWrap: tw.WrapNone},
		Alignment:  tw.CellAlignment{Global: tw.AlignLeft},
		Padding:    tw.CellPadding{Global: tw.Padding{Left: "", Right: "  ", Overwrite: true}},
	}
	header := cell
	header.Formatting.AutoFormat = headerFormat
	return tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Separators: tw.Separators{ShowHeader: tw.Off, ShowFooter: tw.Off, BetweenRows: tw.Off, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowTop: tw.Off, ShowBottom: tw.Off, ShowHeaderLine: tw.Off, ShowFooterLine: tw.Off},
			},
		})),
		tablewriter.WithConfig(tablewriter.Config{Header: header, Row: cell}),
		tablewriter.WithTrimSpace(tw.Off),
	)
}
