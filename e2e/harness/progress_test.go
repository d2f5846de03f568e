package harness

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Not at a terminal: plain lines, one when the phase starts, one every interval while it
// runs (with its elapsed time and detail), one at the end.
func TestProgressPlainLines(t *testing.T) {
	var out syncBuffer
	pr := newProgress(&out)
	if pr.live {
		t.Fatal("a buffer is not a terminal")
	}
	pr.plainEvery = 30 * time.Millisecond
	ph := pr.Phase("compile")
	ph.Set("%d/%d packages", 412, 1380)
	time.Sleep(100 * time.Millisecond)
	ph.Done("%d packages compiled", 1380)
	pr.Logf("ready")

	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if lines[0] != "sandbox: compile ..." {
		t.Errorf("first line %q", lines[0])
	}
	if !strings.HasPrefix(lines[1], "sandbox: compile: still working, ") || !strings.HasSuffix(lines[1], ", 412/1380 packages") {
		t.Errorf("progress line %q", lines[1])
	}
	last := lines[len(lines)-2]
	if !strings.HasPrefix(last, "sandbox: compile: done in ") || !strings.HasSuffix(last, " (1380 packages compiled)") {
		t.Errorf("done line %q", last)
	}
	if lines[len(lines)-1] != "sandbox: ready" {
		t.Errorf("last line %q", lines[len(lines)-1])
	}
	if strings.Contains(out.String(), "\r") {
		t.Error("carriage returns in plain output")
	}
}

// At a terminal the phase's line is redrawn in place and cleared before other output.
func TestProgressLiveLine(t *testing.T) {
	var out syncBuffer
	pr := newProgress(&out)
	pr.live, pr.liveEvery = true, 10*time.Millisecond
	ph := pr.Phase("download modules")
	ph.Set("3/172 modules")
	time.Sleep(50 * time.Millisecond)
	ph.Fail()
	s := out.String()
	if strings.Count(s, "\r\033[K") < 3 || !strings.Contains(s, "download modules") || !strings.Contains(s, "3/172 modules") {
		t.Errorf("live output %q", s)
	}
	if !strings.HasSuffix(s, "\r\033[Ksandbox: download modules: failed after "+s[strings.LastIndex(s, "after ")+6:]) {
		t.Errorf("the live line was not cleared before the last line: %q", s)
	}
}

func TestRound(t *testing.T) {
	for d, want := range map[time.Duration]string{
		1234 * time.Millisecond:   "1s",
		853 * time.Millisecond:    "850ms",
		135500 * time.Millisecond: "2m16s",
	} {
		if got := round(d).String(); got != want {
			t.Errorf("round(%s) = %s, want %s", d, got, want)
		}
	}
}
