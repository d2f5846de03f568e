package plugin

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progressBar draws the progress of uploads on one terminal line of stderr:
//
//	Uploading  [##########----------]  48%  48.0/100.0 MiB  21.3 MiB/s
//
// It is drawn at most every redrawEvery and erased by Done. Safe for concurrent use: the
// uploads of one run share it.
type progressBar struct {
	w     io.Writer
	width int
	label string
	now   func() time.Time

	mu    sync.Mutex
	total int64
	done  int64
	start time.Time
	drawn time.Time
	shown bool
}

const redrawEvery = 100 * time.Millisecond

func newProgressBar(w io.Writer, width int, label string, total int64) *progressBar {
	if width <= 0 {
		width = 80
	}
	return &progressBar{w: w, width: width, label: label, total: total, now: time.Now}
}

// Add records n more bytes sent.
func (b *progressBar) Add(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	if b.start.IsZero() {
		b.start = now
	}
	b.done += int64(n)
	if now.Sub(b.drawn) < redrawEvery && b.done < b.total {
		return
	}
	b.drawn = now
	b.shown = true
	fmt.Fprint(b.w, "\r"+b.line(now)+"\x1b[K")
}

// Done erases the bar.
func (b *progressBar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shown {
		fmt.Fprint(b.w, "\r\x1b[K")
		b.shown = false
	}
}

func (b *progressBar) line(now time.Time) string {
	pct := 100.0
	if b.total > 0 {
		pct = min(100, float64(b.done)*100/float64(b.total))
	}
	const mb = 1 << 20
	tail := fmt.Sprintf(" %3.0f%%  %.1f/%.1f MiB", pct, float64(b.done)/mb, float64(b.total)/mb)
	if secs := now.Sub(b.start).Seconds(); secs > 0.2 {
		tail += fmt.Sprintf("  %.1f MiB/s", float64(b.done)/mb/secs)
	}
	// The bar keeps its width as the tail grows (the rate appears after a moment).
	const tailRoom = 48
	bar := min(b.width-len(b.label)-tailRoom-4, 40)
	if bar < 10 {
		return b.label + tail
	}
	filled := int(float64(bar) * pct / 100)
	return b.label + " [" + strings.Repeat("#", filled) + strings.Repeat("-", bar-filled) + "]" + tail
}
