package cmdutil

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/records"
	"github.com/matterctl/matterctl/printer"
)

type gadget struct{ Name, Color string }

// gadgetCreate is a FileCreate over gadgets whose name must be unique and not "taken".
func gadgetCreate(created *[]string, mu *sync.Mutex) FileCreate[gadget, *gadget] {
	return FileCreate[gadget, *gadget]{
		Kind:   Kind[*gadget]{Name: "gadget", ID: func(g *gadget) string { return g.Name }, Label: func(g *gadget) string { return g.Name }},
		Schema: records.Schema{{Name: "name", Required: true}, {Name: "color"}},
		Parse: func(rec records.Record) (gadget, string, error) {
			g := gadget{Name: rec.Fields["name"], Color: rec.Fields["color"]}
			if g.Color == "plaid" {
				return g, g.Name, errors.New("plaid is not a color")
			}
			return g, g.Name, nil
		},
		Keys: func(g gadget) [][2]string { return [][2]string{{"name", g.Name}} },
		Existing: func(_ context.Context, _ client.Client, specs []gadget) ([]error, error) {
			errs := make([]error, len(specs))
			for i, g := range specs {
				if g.Name == "taken" {
					errs[i] = Exists("gadget %s already exists", g.Name)
				}
			}
			return errs, nil
		},
		Planned: func(g gadget) *gadget { return &g },
		Create: func(_ context.Context, _ client.Client, g gadget) (*gadget, error) {
			if g.Name == "taken" {
				return nil, fmt.Errorf("gadget %s already exists", g.Name)
			}
			mu.Lock()
			defer mu.Unlock()
			*created = append(*created, g.Name)
			return &g, nil
		},
		Message: func(g *gadget, dryRun bool) string {
			if dryRun {
				return "would create gadget " + g.Name
			}
			return "Created gadget " + g.Name
		},
	}
}

func TestFileCreate(t *testing.T) {
	const file = "name,color\nred1,red\nplaid1,plaid\nred1,blue\ntaken,\n,green\nblue1,blue\n"
	for _, dryRun := range []bool{false, true} {
		t.Run(fmt.Sprintf("dry-run=%v", dryRun), func(t *testing.T) {
			ios, in, out, errOut := iostreams.Test()
			in.WriteString(file)
			p, err := printer.New(ios, printer.Options{JSON: true})
			if err != nil {
				t.Fatal(err)
			}
			var created []string
			var mu sync.Mutex
			err = gadgetCreate(&created, &mu).Run(context.Background(), p, FileCreateRun{
				Path: "-", Stdin: ios.In, DryRun: dryRun, Parallel: 3,
				Client: func() (client.Client, error) { return &clienttest.Fake{}, nil },
			})
			if ExitCode(err) != ExitPartial {
				t.Fatalf("err = %v (exit %d), want a partial failure", err, ExitCode(err))
			}
			wantCreated := 2
			if dryRun {
				wantCreated = 0
			}
			if len(created) != wantCreated {
				t.Errorf("created %v", created)
			}
			stderr := errOut.String()
			for _, want := range []string{
				"line 3: plaid1: plaid is not a color",
				"line 4: red1: name red1 repeats line 2",
				"line 5: taken: gadget taken already exists",
				"line 6: ",
			} {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			verb := "Created gadget "
			if dryRun {
				verb = "would create gadget "
			}
			for _, name := range []string{"red1", "blue1"} {
				if strings.Count(stderr, verb+name) != 1 {
					t.Errorf("stderr has %q %d times:\n%s", verb+name, strings.Count(stderr, verb+name), stderr)
				}
			}
			var rows []map[string]any
			if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
				t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
			}
			if len(rows) != 6 {
				t.Errorf("%d rows, want one per file row:\n%s", len(rows), out)
			}
		})
	}
}

func TestFileCreateBadFileNeedsNoClient(t *testing.T) {
	for name, content := range map[string]string{"empty": "name,color\n", "no name column": "color\nred\n"} {
		t.Run(name, func(t *testing.T) {
			ios, in, _, _ := iostreams.Test()
			in.WriteString(content)
			p, _ := printer.New(ios, printer.Options{})
			var created []string
			var mu sync.Mutex
			err := gadgetCreate(&created, &mu).Run(context.Background(), p, FileCreateRun{
				Path: "-", Stdin: ios.In, Parallel: 1,
				Client: func() (client.Client, error) { t.Error("the client was asked for"); return nil, errors.New("no") },
			})
			if err == nil || ExitCode(err) == ExitOK {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

// lostServer is a gadget store whose creates lose their answer for some names: the create is
// done (or not) but the caller gets a broken connection; the existence check fails while
// "down" is set.
type lostServer struct {
	mu      sync.Mutex
	stored  map[string]bool
	creates map[string]int
	loseAnd map[string]bool // name → whether the lost create was done
	// loseAlways: every create of these names loses its answer, undone. late: the first lost
	// create of these names is done only after the first check found nothing.
	loseAlways, late map[string]bool
	down             int // how many existence checks fail before the server answers
	checks           int
	// refuse is how many creates are refused (the connection, as by a restarting server) once
	// refuseAfter creates have been answered.
	refuse, refuseAfter int
	answered            int
}

func (s *lostServer) fileCreate() FileCreate[gadget, *gadget] {
	fc := gadgetCreate(new([]string), &sync.Mutex{})
	fc.Existing = func(_ context.Context, _ client.Client, specs []gadget) ([]error, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		errs := make([]error, len(specs))
		for i, g := range specs {
			s.checks++
			switch {
			case s.down > 0:
				s.down--
				errs[i] = fmt.Errorf("could not check gadget %s: %w", g.Name, &url.Error{Op: "Get", URL: "http://x", Err: syscall.ECONNREFUSED})
			case s.stored[g.Name]:
				errs[i] = Exists("gadget %s already exists", g.Name)
			case s.late[g.Name]:
				delete(s.late, g.Name)
				s.stored[g.Name] = true
			}
		}
		return errs, nil
	}
	fc.Create = func(_ context.Context, _ client.Client, g gadget) (*gadget, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.refuse > 0 && s.answered >= s.refuseAfter {
			s.refuse--
			return nil, &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}
		}
		s.answered++
		s.creates[g.Name]++
		if s.stored[g.Name] {
			return nil, &client.Error{Status: 400, Message: "gadget " + g.Name + " already exists"}
		}
		if s.loseAlways[g.Name] {
			return nil, &url.Error{Op: "Post", URL: "http://x", Err: io.ErrUnexpectedEOF}
		}
		done, lose := s.loseAnd[g.Name]
		if s.late[g.Name] {
			done, lose = false, true
		}
		if !lose || done {
			s.stored[g.Name] = true
		}
		if lose {
			delete(s.loseAnd, g.Name)
			return nil, &url.Error{Op: "Post", URL: "http://x", Err: io.ErrUnexpectedEOF}
		}
		return &g, nil
	}
	return fc
}

func runGadgets(t *testing.T, fc FileCreate[gadget, *gadget], file string, skip bool) (error, string, []map[string]any) {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(file)
	p, err := printer.New(ios, printer.Options{JSON: true})
	if err != nil {
		t.Fatal(err)
	}
	err = fc.Run(context.Background(), p, FileCreateRun{
		Path: "-", Stdin: ios.In, SkipExisting: skip, Parallel: 2,
		Client: func() (client.Client, error) { return &clienttest.Fake{}, nil },
	})
	var rows []map[string]any
	if jerr := json.Unmarshal(out.Bytes(), &rows); jerr != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", jerr, out)
	}
	return err, errOut.String(), rows
}

func statuses(rows []map[string]any) map[string]string {
	out := map[string]string{}
	for _, r := range rows {
		st, _ := r["status"].(string)
		out[r["input"].(string)] = st
	}
	return out
}

// TestFileCreateLostAnswers: a create whose answer is lost is checked again; it is reported
// created when the object exists, sent again when it does not, failed when even the creates
// sent again lose their answers, unknown when the server cannot be asked.
func TestFileCreateLostAnswers(t *testing.T) {
	old := UnansweredWait
	UnansweredWait.For, UnansweredWait.Every = 50*time.Millisecond, time.Millisecond
	t.Cleanup(func() { UnansweredWait = old })

	s := &lostServer{stored: map[string]bool{"old": true}, creates: map[string]int{},
		loseAnd: map[string]bool{"done": true, "undone": false}, loseAlways: map[string]bool{"cursed": true}, late: map[string]bool{"late": true}}
	err, stderr, rows := runGadgets(t, s.fileCreate(), "name\nnew\ndone\nundone\nold\ncursed\nlate\n", false)
	if ExitCode(err) != ExitPartial {
		t.Fatalf("err = %v, want a partial failure", err)
	}
	want := map[string]string{"line 2: new": "created", "line 3: done": "created", "line 4: undone": "created", "line 5: old": "failed",
		"line 6: cursed": "failed", "line 7: late": "created"}
	if got := statuses(rows); !maps.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	for _, line := range []string{
		"Created gadget done (checked after the answer was lost)",
		"Created gadget undone (sent again: the server did not have it after the answer was lost)",
		"line 6: cursed: not created: Post \"http://x\": unexpected EOF",
		// The first create was only late: the one sent again is refused, and a check finds it.
		"Created gadget late (checked after the answer was lost)",
		"6 rows: 4 created, 2 failed",
	} {
		if !strings.Contains(stderr, line) {
			t.Errorf("stderr lacks %q:\n%s", line, stderr)
		}
	}
	wantCreates := map[string]int{"new": 1, "done": 1, "undone": 2, "old": 1, "cursed": 3, "late": 2}
	if !maps.Equal(s.creates, wantCreates) {
		t.Errorf("creates sent %v, want %v", s.creates, wantCreates)
	}
	if !s.stored["undone"] || s.stored["cursed"] || !s.stored["late"] {
		t.Errorf("stored: %v", s.stored)
	}

	// The server stays down for longer than the recheck lasts: unknown.
	s = &lostServer{stored: map[string]bool{}, creates: map[string]int{}, loseAnd: map[string]bool{"lost": true}, down: 1 << 20}
	err, stderr, rows = runGadgets(t, s.fileCreate(), "name\nlost\nfine\n", false)
	if ExitCode(err) != ExitPartial {
		t.Fatalf("err = %v, want a partial failure", err)
	}
	if got := statuses(rows); got["line 2: lost"] != "unknown" || got["line 3: fine"] != "created" {
		t.Errorf("statuses %v", got)
	}
	if !strings.Contains(stderr, "line 2: lost: unknown: the answer was lost") || !strings.Contains(stderr, "re-run with --skip-existing") ||
		!strings.Contains(stderr, "2 rows: 1 created, 1 unknown") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if s.checks < 2 {
		t.Errorf("%d checks: the lost row was not checked again", s.checks)
	}
}

// TestFileCreateSkipExisting: with --skip-existing, rows whose object exists are skipped and
// count as done; a re-run after a partial run creates only what is missing.
func TestFileCreateSkipExisting(t *testing.T) {
	s := &lostServer{stored: map[string]bool{"a": true, "c": true}, creates: map[string]int{}, loseAnd: map[string]bool{}}
	err, stderr, rows := runGadgets(t, s.fileCreate(), "name\na\nb\nc\nd\n", true)
	if err != nil {
		t.Fatalf("err = %v, want success: existing rows count as done", err)
	}
	want := map[string]string{"line 2: a": "skipped", "line 3: b": "created", "line 4: c": "skipped", "line 5: d": "created"}
	if got := statuses(rows); !maps.Equal(got, want) {
		t.Errorf("statuses %v, want %v", got, want)
	}
	if s.creates["a"] != 0 || s.creates["c"] != 0 || s.creates["b"] != 1 || s.creates["d"] != 1 {
		t.Errorf("creates %v: existing rows were sent, or missing ones not once", s.creates)
	}
	for _, line := range []string{"line 2: a: already exists: skipped", "4 rows: 2 created, 2 skipped"} {
		if !strings.Contains(stderr, line) {
			t.Errorf("stderr lacks %q:\n%s", line, stderr)
		}
	}
	// Without the flag the same rows fail, as the server refuses them.
	s = &lostServer{stored: map[string]bool{"a": true}, creates: map[string]int{}, loseAnd: map[string]bool{}}
	err, _, rows = runGadgets(t, s.fileCreate(), "name\na\nb\n", false)
	if ExitCode(err) != ExitPartial || statuses(rows)["line 2: a"] != "failed" {
		t.Errorf("err %v, statuses %v", err, statuses(rows))
	}
}

func TestReadArgsFileRefusesBinary(t *testing.T) {
	for name, content := range map[string]string{
		"NUL":          "alice\nbo\x00b\n",
		"invalid UTF8": "alice\n\xff\xfe\n",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ReadArgsFile("-", strings.NewReader(content))
			if err == nil || !strings.Contains(err.Error(), "standard input:2: not a line of text") {
				t.Errorf("err = %v, want the file and line named", err)
			}
		})
	}
	args, err := ReadArgsFile("-", strings.NewReader("# users\nalice\n\n  bob  \nzoë\n"))
	if err != nil || strings.Join(args, ",") != "alice,bob,zoë" {
		t.Errorf("args %q, err %v", args, err)
	}
}

func TestShortLabel(t *testing.T) {
	long := strings.Repeat("x", 10000)
	if got := shortLabel(long); len([]rune(got)) != maxLabel || !strings.HasSuffix(got, "…") {
		t.Errorf("shortLabel of 10000 characters: %d characters", len([]rune(got)))
	}
	if got := shortLabel("alice"); got != "alice" {
		t.Errorf("shortLabel(alice) = %q", got)
	}
}

// TestFileCreateWaitsForARestart: a create refused mid-run (the server is restarting) was never
// sent: it is sent again once the server is back, and created once. A server that refuses from
// the first row on is not waited for: the address is wrong or the server stopped.
func TestFileCreateWaitsForARestart(t *testing.T) {
	old := UnansweredWait
	UnansweredWait.For, UnansweredWait.Every = time.Second, time.Millisecond
	t.Cleanup(func() { UnansweredWait = old })

	s := &lostServer{stored: map[string]bool{}, creates: map[string]int{}, refuse: 20, refuseAfter: 1}
	err, stderr, rows := runGadgets(t, s.fileCreate(), "name\na\nb\nc\nd\n", false)
	if err != nil {
		t.Fatalf("err = %v\n%s", err, stderr)
	}
	for _, r := range rows {
		if r["status"] != "created" {
			t.Errorf("row %v, want created", r)
		}
	}
	for name, n := range s.creates {
		if n != 1 {
			t.Errorf("gadget %s created %d times", name, n)
		}
	}
	if len(s.stored) != 4 || s.refuse != 0 {
		t.Errorf("stored %v, %d refusals left", s.stored, s.refuse)
	}
	// The wait is said once, and its end.
	if strings.Count(stderr, "the server is not answering (restarting?): trying again every 1ms for up to 1s\n") != 1 ||
		strings.Count(stderr, "the server answers again after ") != 1 {
		t.Errorf("stderr does not tell the wait once:\n%s", stderr)
	}

	s = &lostServer{stored: map[string]bool{}, creates: map[string]int{}, refuse: 1 << 20}
	start := time.Now()
	err, stderr, rows = runGadgets(t, s.fileCreate(), "name\na\nb\n", false)
	if ExitCode(err) != ExitError || len(rows) != 2 || rows[0]["status"] != "failed" || !strings.Contains(stderr, "connection refused") {
		t.Errorf("err %v, rows %v, stderr:\n%s", err, rows, stderr)
	}
	if strings.Contains(stderr, "not answering") {
		t.Errorf("a server refusing from the start is said to be restarting:\n%s", stderr)
	}
	if d := time.Since(start); d > 500*time.Millisecond || (1<<20)-s.refuse != 2 {
		t.Errorf("a server refusing from the start was waited for: %s, %d attempts", d, (1<<20)-s.refuse)
	}
}
