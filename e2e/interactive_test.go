//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// term drives matterctl in a pseudo-terminal, as a person at a keyboard would.
type term struct {
	t    *testing.T
	f    *os.File
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
}

func startTerm(t *testing.T, c *cli, args ...string) *term {
	t.Helper()
	return startTermWith(t, c, func(*term, *exec.Cmd) {}, args...)
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-B]|\x1b[=>]`)

// screen is everything written so far, without terminal escapes.
func (tm *term) screen() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return ansi.ReplaceAllString(tm.out.String(), "")
}

// waitFor waits until the output contains s (after the given offset of earlier prompts).
func (tm *term) waitFor(s string) {
	tm.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(tm.screen(), s) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tm.t.Fatalf("timed out waiting for %q; screen:\n%s", s, tm.screen())
}

func (tm *term) send(s string) {
	tm.t.Helper()
	time.Sleep(150 * time.Millisecond)
	if _, err := io.WriteString(tm.f, s); err != nil {
		tm.t.Fatal(err)
	}
}

// wait waits for the process and returns its exit code.
func (tm *term) wait() int {
	tm.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- tm.cmd.Wait() }()
	select {
	case err := <-errc:
		<-tm.done
		tm.mu.Lock()
		// Streams redirected away from the terminal (startTermWith) are recorded too.
		var stdout, stderr string
		if b, ok := tm.cmd.Stdout.(fmt.Stringer); ok {
			stdout = b.String()
		}
		if b, ok := tm.cmd.Stderr.(fmt.Stringer); ok {
			stderr = b.String()
		}
		recordRun(tm.cmd.Args[1:], "", tm.out.String()+stdout, stderr, "")
		tm.mu.Unlock()
		if err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				return ee.ExitCode()
			}
			tm.t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		tm.t.Fatalf("matterctl did not exit; screen:\n%s", tm.screen())
		return -1
	}
}

func TestInteractiveLogin(t *testing.T) {
	c := newCLI(t)
	tm := startTerm(t, c, "auth", "login")
	tm.waitFor("Mattermost server URL")
	tm.send(srv.URL + "\r")
	tm.waitFor("Profile name")
	tm.send("\x15" + "interactive\r") // Ctrl-U clears the suggested name
	tm.waitFor("How do you want to log in?")
	tm.send("\r")
	tm.waitFor("Username")
	tm.send(srv.AdminUser + "\r")
	tm.waitFor("Password")
	tm.send(srv.AdminPassword + "\r")
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit %d; screen:\n%s", code, tm.screen())
	}
	if strings.Contains(tm.screen(), srv.AdminPassword) {
		t.Fatal("the password was echoed to the terminal")
	}
	list := decodeJSON[[]profileJSON](t, c.mustRun("", "auth", "list", "--json").Stdout)
	if len(list) != 1 || list[0].Name != "interactive" || list[0].Username != srv.AdminUser || !list[0].Current {
		t.Fatalf("stored profile: %+v", list)
	}
}

func TestInteractiveTokenLoginAndSwitch(t *testing.T) {
	c := newCLI(t)
	token := personalToken(t)
	tm := startTerm(t, c, "auth", "login", srv.URL, "--name", "tok")
	tm.waitFor("How do you want to log in?")
	tm.send("\x1b[B") // arrow down: personal access token
	tm.send("\r")
	tm.waitFor("Personal access token")
	tm.send(token + "\r")
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit %d; screen:\n%s", code, tm.screen())
	}
	if strings.Contains(tm.screen(), token) {
		t.Fatal("the token was echoed to the terminal")
	}
	c.login("other")
	// auth set without a name offers a picker at a terminal.
	tm = startTerm(t, c, "auth", "set")
	tm.waitFor("Profile to use")
	tm.send("\x1b[B\r") // the list is sorted: other, tok — move to tok
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit %d; screen:\n%s", code, tm.screen())
	}
	cur := decodeJSON[map[string]string](t, c.mustRun("", "auth", "current", "--json").Stdout)
	if cur["name"] != "tok" {
		t.Fatalf("after the picker: %v\nscreen:\n%s", cur, tm.screen())
	}
}

func TestInteractiveCtrlC(t *testing.T) {
	c := newCLI(t)
	tm := startTerm(t, c, "auth", "login")
	tm.waitFor("Mattermost server URL")
	tm.send("\x03")
	if code := tm.wait(); code != 130 {
		t.Fatalf("exit %d after Ctrl-C, want 130; screen:\n%s", code, tm.screen())
	}
	if _, err := os.Stat(c.configFile()); !os.IsNotExist(err) {
		t.Fatal("an interrupted login wrote the config file")
	}
}
