//go:build e2e

package e2e

// Lists cut short: the link to the server breaks (the latency proxy in front of it is
// stopped) while matterctl streams a list. stdout must then not hold a document that parses as
// the whole list, and the error must reach stderr as one line.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matterctl/matterctl/e2e/latencyproxy"
)

const (
	// streamUsers is how many users the server must list, streamPerPage the page size asked
	// for: the list spans at least 10 pages, so that the cut after the first ones lands with
	// pages still to come whatever the prefetch depth.
	streamUsers   = 100
	streamPerPage = "10"
	// streamDelay is added each way by the proxy, so that pages are still in flight when the
	// first ones have been printed.
	streamDelay = 200 * time.Millisecond
)

// syncBuffer is a bytes.Buffer that the test reads while matterctl writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runCut runs matterctl with args against the server through a fresh latency proxy, stops
// the proxy as soon as cutNow says so, and returns what the command printed. It fails the
// test if the command ends before the cut: the list was then read whole.
func runCut(t *testing.T, args []string, cutNow func(stdout string, proxy *latencyproxy.Proxy) bool) result {
	t.Helper()
	proxy, err := latencyproxy.New(srv.URL, streamDelay)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(proxy.Close)
	c := newCLI(t).with("MATTERCTL_URL="+proxy.URL, "MATTERCTL_TOKEN="+adminToken)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = c.environ()
	var out syncBuffer
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	var waitErr error
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case waitErr = <-exited:
			t.Fatalf("matterctl %s ended before the cut (%v): the list was read whole; stdout %d bytes\nstderr: %s",
				strings.Join(args, " "), waitErr, len(out.String()), clip(errOut.String()))
		case <-tick.C:
			if cutNow(out.String(), proxy) {
				break wait
			}
		case <-ctx.Done():
			t.Fatalf("matterctl %s: no cut after a minute", strings.Join(args, " "))
		}
	}
	proxy.Close()
	waitErr = <-exited
	code := 0
	var exitErr *exec.ExitError
	if errors.As(waitErr, &exitErr) {
		code = exitErr.ExitCode()
	} else if waitErr != nil {
		t.Fatalf("running matterctl: %v", waitErr)
	}
	recordRun(args, "", out.String(), errOut.String(), "")
	return result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// afterFirstItem cuts once stdout holds the start of an array and a whole first item.
func afterFirstItem(stdout string, _ *latencyproxy.Proxy) bool {
	return strings.HasPrefix(stdout, "[") && strings.Contains(stdout, "},")
}

// afterFirstPage cuts once the proxy has answered page 0 (with --jq nothing is printed until
// the list ends, so stdout cannot tell).
func afterFirstPage(_ string, proxy *latencyproxy.Proxy) bool {
	return slices.ContainsFunc(proxy.Answered(), func(uri string) bool {
		u, err := url.Parse(uri)
		return err == nil && u.Query().Get("page") == "0"
	})
}

// oneLineError fails unless stderr is one "error: …" line (and the hints that follow it), with
// no Go panic or trace.
func oneLineError(t *testing.T, r result) {
	t.Helper()
	if r.Code == 0 {
		t.Fatalf("exit code 0 after the link was cut\nstdout: %s", clip(r.Stdout))
	}
	lines := strings.Split(strings.TrimSuffix(r.Stderr, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "error: ") || !strings.HasSuffix(r.Stderr, "\n") {
		t.Errorf("stderr does not start with an error line: %q", r.Stderr)
	}
	for _, l := range lines[1:] {
		if !strings.HasPrefix(l, "hint: ") {
			t.Errorf("stderr has more than the error line and its hints: %q", r.Stderr)
		}
	}
	for _, s := range []string{"panic", "goroutine ", ".go:"} {
		if strings.Contains(r.Stderr, s) {
			t.Errorf("stderr holds a Go trace (%q): %s", s, clip(r.Stderr))
		}
	}
}

// TestStreamCutMidList cuts the link while `user list --all --json` and `api --paginate`
// stream a list of many pages: stdout starts an array, holds the items read, and does not
// parse as a JSON document; the exit code is not 0; stderr is one error line.
func TestStreamCutMidList(t *testing.T) {
	ensureUsers(t, streamUsers)
	for _, args := range [][]string{
		{"user", "list", "--all", "--json", "--per-page", streamPerPage},
		{"api", "/users?per_page=" + streamPerPage, "--paginate"},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			r := runCut(t, args, afterFirstItem)
			oneLineError(t, r)
			if json.Valid([]byte(r.Stdout)) {
				var got []json.RawMessage
				_ = json.Unmarshal([]byte(r.Stdout), &got)
				t.Fatalf("stdout parses as a complete JSON array of %d users after the link was cut (exit %d, stderr %q)",
					len(got), r.Code, r.Stderr)
			}
			if !strings.HasPrefix(r.Stdout, "[") {
				t.Errorf("stdout does not start an array: %s", clip(r.Stdout))
			}
			// The users read are whole, then the input ends inside the array.
			dec := json.NewDecoder(strings.NewReader(r.Stdout))
			_, _ = dec.Token()
			n := 0
			for dec.More() {
				var u struct {
					ID string `json:"id"`
				}
				if err := dec.Decode(&u); err != nil {
					t.Fatalf("user %d is not whole: %v", n, err)
				}
				if u.ID == "" {
					t.Fatalf("user %d has no id", n)
				}
				n++
			}
			if _, err := dec.Token(); err == nil {
				t.Error("the array is terminated")
			}
			if n == 0 {
				t.Error("no user was printed before the cut")
			}
			t.Logf("%d users printed before the cut; stderr: %s", n, strings.TrimSpace(r.Stderr))
		})
	}
}

// TestStreamCutMidListJQ cuts the link while --jq 'length' waits for the whole list: nothing
// may be printed, not the length of the part that was read.
func TestStreamCutMidListJQ(t *testing.T) {
	ensureUsers(t, streamUsers)
	for _, args := range [][]string{
		{"user", "list", "--all", "--per-page", streamPerPage, "--jq", "length"},
		{"api", "/users?per_page=" + streamPerPage, "--paginate", "--jq", "length"},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			r := runCut(t, args, afterFirstPage)
			oneLineError(t, r)
			if r.Stdout != "" {
				t.Errorf("--jq printed %q over a list that was cut, want nothing", r.Stdout)
			}
		})
	}
}
