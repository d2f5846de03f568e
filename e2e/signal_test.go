//go:build e2e

package e2e

import (
	"bytes"
	"net"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// hangingServer accepts connections on loopback and never answers.
func hangingServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = conn.Close() })
		}
	}()
	return "http://" + ln.Addr().String()
}

func TestCtrlCCancelsInFlightRequest(t *testing.T) {
	url := hangingServer(t)
	c := newCLI(t).with("MATTERCTL_URL="+url, "MATTERCTL_TOKEN=x")
	cmd := exec.Command(bin, "api", "/users/me")
	cmd.Env = c.environ()
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	start := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	recordRun(cmd.Args[1:], "", "", errOut.String(), "")
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 130 {
		t.Fatalf("exit %v after SIGINT, want 130; stderr %q", err, errOut.String())
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %s to stop after SIGINT", d)
	}
}

func TestTimeout(t *testing.T) {
	url := hangingServer(t)
	c := newCLI(t).with("MATTERCTL_URL="+url, "MATTERCTL_TOKEN=x")
	start := time.Now()
	r := c.run("", "api", "/users/me", "--timeout", "1s")
	expectCode(t, r, 1)
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("--timeout 1s took %s", d)
	}
	if !strings.Contains(r.Stderr, "--timeout") {
		t.Errorf("no timeout hint: %q", r.Stderr)
	}
}
