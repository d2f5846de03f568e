package harness

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"
)

// progress reports the harness's work on a writer (stderr): one line per message, and for a
// long phase its elapsed time and what it has done so far. At a terminal the phase's line is
// redrawn in place; otherwise a plain line is added every plainEvery, so a CI log shows that
// the work goes on without filling up.
type progress struct {
	w          io.Writer
	live       bool
	liveEvery  time.Duration
	plainEvery time.Duration

	mu    sync.Mutex
	drawn bool // a live line is on screen and must be cleared before other output
}

func newProgress(w io.Writer) *progress {
	if w == nil {
		w = io.Discard
	}
	live := false
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) && os.Getenv("TERM") != "dumb" {
		live = true
	}
	return &progress{w: w, live: live, liveEvery: 250 * time.Millisecond, plainEvery: 15 * time.Second}
}

// Logf prints one message line.
func (p *progress) Logf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clearLocked()
	fmt.Fprintf(p.w, "sandbox: "+format+"\n", args...)
}

func (p *progress) clearLocked() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

// phase is one long step of the work, reported until Done or Fail.
type phase struct {
	p      *progress
	name   string
	start  time.Time
	mu     sync.Mutex
	detail string
	stop   chan struct{}
	done   chan struct{}
}

// Phase starts reporting a step named name ("compile", "start PostgreSQL").
func (p *progress) Phase(name string) *phase {
	ph := &phase{p: p, name: name, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	if p.live {
		p.draw(ph)
	} else {
		p.Logf("%s ...", name)
	}
	go ph.tick()
	return ph
}

// Set replaces what the phase reports it has done so far ("412/1380 packages").
func (ph *phase) Set(format string, args ...any) {
	ph.mu.Lock()
	ph.detail = fmt.Sprintf(format, args...)
	ph.mu.Unlock()
}

func (ph *phase) snapshot() (elapsed time.Duration, detail string) {
	ph.mu.Lock()
	defer ph.mu.Unlock()
	return time.Since(ph.start), ph.detail
}

func (ph *phase) tick() {
	defer close(ph.done)
	every := ph.p.plainEvery
	if ph.p.live {
		every = ph.p.liveEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ph.stop:
			return
		case <-t.C:
			if ph.p.live {
				ph.p.draw(ph)
				continue
			}
			elapsed, detail := ph.snapshot()
			if detail != "" {
				ph.p.Logf("%s: still working, %s, %s", ph.name, round(elapsed), detail)
			} else {
				ph.p.Logf("%s: still working, %s", ph.name, round(elapsed))
			}
		}
	}
}

var spinner = []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")

func (p *progress) draw(ph *phase) {
	elapsed, detail := ph.snapshot()
	p.mu.Lock()
	defer p.mu.Unlock()
	line := fmt.Sprintf("sandbox: %c %s %s", spinner[int(elapsed/p.liveEvery)%len(spinner)], ph.name, round(elapsed))
	if detail != "" {
		line += "  " + detail
	}
	fmt.Fprint(p.w, "\r\033[K"+line)
	p.drawn = true
}

func (ph *phase) end() time.Duration {
	close(ph.stop)
	<-ph.done
	return time.Since(ph.start)
}

// Done ends the phase with one line: its time and, when not empty, a summary.
func (ph *phase) Done(format string, args ...any) {
	elapsed := ph.end()
	summary := fmt.Sprintf(format, args...)
	if summary != "" {
		ph.p.Logf("%s: done in %s (%s)", ph.name, round(elapsed), summary)
	} else {
		ph.p.Logf("%s: done in %s", ph.name, round(elapsed))
	}
}

// Fail ends the phase without a success line.
func (ph *phase) Fail() {
	elapsed := ph.end()
	ph.p.Logf("%s: failed after %s", ph.name, round(elapsed))
}

// round shows a duration the way a person reads a clock: 850ms, 12s, 2m15s.
func round(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(time.Second)
}
