//go:build e2e

package e2e

import (
	"bytes"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// A command that asks nothing must not wait on the terminal: 5 s was the stall of a colour
// query nobody answered, so this bound is generous on a loaded machine.
const noPromptBudget = time.Second

// defaultProfileName is the name auth login suggests for srv.URL: its host, ":" made "-".
func defaultProfileName(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(u.Host, ":", "-")
}

// raw is everything written to the terminal so far, escapes included.
func (tm *term) raw() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.out.String()
}

// screenWriter adds what a redirected stream carries to the term's output, so waitFor sees
// prompts drawn there.
type screenWriter struct{ tm *term }

func (w screenWriter) Write(p []byte) (int, error) {
	w.tm.mu.Lock()
	defer w.tm.mu.Unlock()
	return w.tm.out.Write(p)
}

// startTermWith is startTerm with some streams sent elsewhere than the terminal: redirect sets
// cmd.Stdout or cmd.Stderr (those left nil stay on the terminal), as `| cat` or `2>log` would.
func startTermWith(t *testing.T, c *cli, redirect func(tm *term, cmd *exec.Cmd), args ...string) *term {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(c.environ(), "TERM=xterm-256color")
	tm := &term{t: t, cmd: cmd, done: make(chan struct{})}
	redirect(tm, cmd)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	tm.f = f
	go func() {
		defer close(tm.done)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				tm.mu.Lock()
				tm.out.Write(buf[:n])
				tm.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = f.Close()
	})
	return tm
}

// finishLogin answers the method select with Enter (the default: username and password) and
// then the credentials, and waits for a successful exit.
func finishLogin(t *testing.T, tm *term) {
	t.Helper()
	tm.waitFor("How do you want to log in?")
	tm.send("\r")
	tm.waitFor("Username or email") // the token choice would ask for a token instead
	tm.send(srv.AdminUser + "\r")
	tm.waitFor("Password")
	tm.send(srv.AdminPassword + "\r")
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit %d; screen:\n%s", code, tm.screen())
	}
}

// onlyProfile returns the single stored profile.
func onlyProfile(t *testing.T, c *cli) profileJSON {
	t.Helper()
	list := decodeJSON[[]profileJSON](t, c.mustRun("", "auth", "list", "--json").Stdout)
	if len(list) != 1 {
		t.Fatalf("want exactly one stored profile, got %+v", list)
	}
	return list[0]
}

// The suggested profile name is a placeholder: what is typed replaces it, it is not appended to it.
func TestTTYLoginTypedNameReplacesDefault(t *testing.T) {
	c := newCLI(t)
	def := defaultProfileName(t)
	tm := startTerm(t, c, "auth", "login")
	tm.waitFor("Mattermost server URL")
	tm.send(srv.URL + "\r")
	tm.waitFor("Profile name")
	tm.waitFor(def)
	tm.send("ttylab\r") // no Ctrl-U: a person types straight over the suggestion
	finishLogin(t, tm)
	p := onlyProfile(t, c)
	if p.Name != "ttylab" {
		t.Fatalf("typing %q over the suggested %q stored the profile %q", "ttylab", def, p.Name)
	}
	if p.URL != srv.URL || p.Username != srv.AdminUser || p.Method != "password" || !p.Current {
		t.Fatalf("stored profile: %+v", p)
	}
}

// Enter keeps each default: the suggested profile name and the first login method. The URL
// prompt has no default: its placeholder is an example, and Enter on it is refused.
func TestTTYLoginEnterAcceptsDefaults(t *testing.T) {
	c := newCLI(t)
	def := defaultProfileName(t)
	tm := startTerm(t, c, "auth", "login")
	tm.waitFor("Mattermost server URL")
	tm.send("\r")
	tm.waitFor("empty server URL")
	if strings.Contains(tm.screen(), "Profile name") {
		t.Fatalf("Enter on an empty URL went on to the next prompt; screen:\n%s", tm.screen())
	}
	tm.send(srv.URL + "\r")
	tm.waitFor("Profile name")
	tm.waitFor(def)
	tm.send("\r")
	finishLogin(t, tm)
	p := onlyProfile(t, c)
	if p.Name != def || p.URL != srv.URL || p.Method != "password" || !p.Current {
		t.Fatalf("Enter at every prompt with a default stored %+v, want the profile %q for %s by password", p, def, srv.URL)
	}
}

// The auth set picker starts on the current profile: Enter keeps it.
func TestTTYAuthSetPickerStartsOnCurrent(t *testing.T) {
	c := newCLI(t)
	c.login("alpha")
	c.login("zulu") // current, and second in the sorted list
	tm := startTerm(t, c, "auth", "set")
	tm.waitFor("Profile to use")
	tm.waitFor("zulu")
	tm.send("\r")
	if code := tm.wait(); code != 0 {
		t.Fatalf("exit %d; screen:\n%s", code, tm.screen())
	}
	cur := decodeJSON[map[string]string](t, c.mustRun("", "auth", "current", "--json").Stdout)
	if cur["name"] != "zulu" {
		t.Fatalf("Enter at the picker made %q current, want the current %q; screen:\n%s", cur["name"], "zulu", tm.screen())
	}
}

// At a terminal with standard error redirected (`matterctl auth login 2>log`) the prompts
// still work, whether they are drawn on the terminal or to the redirected stream, which has
// no size. The test reads both.
func TestTTYLoginWithStderrRedirected(t *testing.T) {
	c := newCLI(t)
	tm := startTermWith(t, c, func(tm *term, cmd *exec.Cmd) { cmd.Stderr = screenWriter{tm} }, "auth", "login")
	tm.waitFor("Mattermost server URL")
	tm.send(srv.URL + "\r")
	tm.waitFor("Profile name")
	tm.send("\r")
	finishLogin(t, tm)
	if p := onlyProfile(t, c); p.Name != defaultProfileName(t) || p.URL != srv.URL {
		t.Fatalf("stored profile: %+v", p)
	}
}

// A command that asks nothing neither queries the terminal nor waits for an answer: the
// terminal here never answers. It finishes at once and writes no escape sequence (tables are
// plain text), at a terminal, piped at a terminal (`matterctl auth list | cat`), and with no
// terminal at all.
func TestTTYNoTerminalQueries(t *testing.T) {
	c := newCLI(t)
	c = c.with("MATTERCTL_CONFIG=" + filepath.Join(t.TempDir(), "profiles.json"))
	c.login("alpha")
	c.login("zulu")

	check := func(t *testing.T, elapsed time.Duration, streams map[string]string) {
		t.Helper()
		t.Logf("auth list took %s", elapsed.Round(time.Millisecond))
		if elapsed > noPromptBudget {
			t.Errorf("auth list took %s, want under %s", elapsed.Round(time.Millisecond), noPromptBudget)
		}
		for name, s := range streams {
			for _, q := range []struct{ seq, what string }{
				{"\x1b]11;?", "background colour query (OSC 11)"},
				{"\x1b[6n", "cursor position query (DSR)"},
			} {
				if strings.Contains(s, q.seq) {
					t.Errorf("%s carries a %s", name, q.what)
				}
			}
			if strings.Contains(s, "\x1b") {
				t.Errorf("%s carries escape sequences: %q", name, clip(s))
			}
		}
	}
	listed := func(t *testing.T, name, s string) {
		t.Helper()
		for _, p := range []string{"alpha", "zulu", srv.URL} {
			if !strings.Contains(s, p) {
				t.Errorf("%s does not list %q:\n%s", name, p, s)
			}
		}
	}

	t.Run("terminal", func(t *testing.T) {
		start := time.Now()
		tm := startTerm(t, c, "auth", "list")
		code := tm.wait()
		elapsed := time.Since(start)
		if code != 0 {
			t.Fatalf("exit %d; output: %q", code, tm.raw())
		}
		check(t, elapsed, map[string]string{"the terminal": tm.raw()})
		listed(t, "the terminal", tm.raw())
	})

	t.Run("piped at a terminal", func(t *testing.T) {
		var stdout bytes.Buffer
		start := time.Now()
		tm := startTermWith(t, c, func(_ *term, cmd *exec.Cmd) { cmd.Stdout = &stdout }, "auth", "list")
		code := tm.wait()
		elapsed := time.Since(start)
		if code != 0 {
			t.Fatalf("exit %d; terminal: %q; stdout: %q", code, tm.raw(), stdout.String())
		}
		check(t, elapsed, map[string]string{"the terminal": tm.raw(), "stdout": stdout.String()})
		listed(t, "stdout", stdout.String())
	})

	t.Run("no terminal", func(t *testing.T) {
		start := time.Now()
		r := c.run("", "auth", "list")
		elapsed := time.Since(start)
		expectCode(t, r, 0)
		check(t, elapsed, map[string]string{"stdout": r.Stdout, "stderr": r.Stderr})
		listed(t, "stdout", r.Stdout)
	})
}
