package plugin

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressBar(t *testing.T) {
	var out bytes.Buffer
	now := time.Unix(0, 0)
	b := newProgressBar(&out, 120, "Uploading", 100<<20)
	b.now = func() time.Time { return now }
	b.Add(10 << 20) // drawn: the first call
	now = now.Add(10 * time.Millisecond)
	b.Add(10 << 20) // not drawn: too soon
	now = now.Add(time.Second)
	b.Add(30 << 20)
	now = now.Add(time.Second)
	b.Add(50 << 20) // drawn: complete
	frames := strings.Split(strings.TrimPrefix(out.String(), "\r"), "\r")
	if len(frames) != 3 {
		t.Fatalf("%d frames: %q", len(frames), out.String())
	}
	want := []string{
		"Uploading [####------------------------------------]  10%  10.0/100.0 MiB\x1b[K",
		"Uploading [####################--------------------]  50%  50.0/100.0 MiB  49.5 MiB/s\x1b[K",
		"Uploading [########################################] 100%  100.0/100.0 MiB  49.8 MiB/s\x1b[K",
	}
	for i, w := range want {
		if frames[i] != w {
			t.Errorf("frame %d:\n got %q\nwant %q", i, frames[i], w)
		}
	}
	out.Reset()
	b.Done()
	b.Done()
	if out.String() != "\r\x1b[K" {
		t.Errorf("Done wrote %q", out.String())
	}
	var narrow bytes.Buffer
	n := newProgressBar(&narrow, 40, "Uploading", 10)
	n.Add(5)
	if strings.Contains(narrow.String(), " [") || !strings.Contains(narrow.String(), "50%") {
		t.Errorf("narrow terminal: %q", narrow.String())
	}
}
