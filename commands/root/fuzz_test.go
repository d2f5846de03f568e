package root

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/internal/iostreams"
)

// FuzzNormalizeFlagName checks the flag name normalisation: every '_' becomes '-', nothing
// else changes, and normalising twice is normalising once.
func FuzzNormalizeFlagName(f *testing.F) {
	for _, s := range []string{"display_name", "display-name", "_", "--", "a__b", "no_activate", "x-_-y", "", "ü_ß"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := string(normalizeFlagName(nil, name))
		if strings.Contains(got, "_") || len(got) != len(name) {
			t.Fatalf("normalizeFlagName(%q) = %q", name, got)
		}
		for i := range len(name) {
			want := name[i]
			if want == '_' {
				want = '-'
			}
			if got[i] != want {
				t.Fatalf("normalizeFlagName(%q) = %q: byte %d", name, got, i)
			}
		}
		if again := string(normalizeFlagName(nil, got)); again != got {
			t.Fatalf("normalizeFlagName(%q) = %q, then %q", name, got, again)
		}
	})
}

// fuzzRunTimeout bounds one run of the command tree: every call fails at once, so a run that
// takes longer waits for something that will never come.
const fuzzRunTimeout = 10 * time.Second

// FuzzRoot runs the whole command tree with a fuzzed argv (arguments separated by NUL, which
// no real argument holds), without a terminal, against a server where nothing exists. It
// checks: no panic, no hang, no prompt, an exit code from the documented set, an error
// message that is one line of printable text, and stderr without raw control characters.
func FuzzRoot(f *testing.F) {
	for _, argv := range [][]string{
		{"version"},
		{"--json", "version"},
		{"user", "list"},
		{"user", "list", "--all", "--format", "json"},
		{"user", "show", "alice", "@bob", "carol@example.com"},
		{"user", "show", "a\nb", "\x1b[2J", "\xff"},
		{"user", "deactivate", "alice", "--dry-run"},
		{"user", "deactivate", "--file", "-"},
		{"user", "create", "--email", "a@example.com", "--username", "a", "--password", "x"},
		{"team", "create", "--name", "x", "--display_name", "X"},
		{"team", "delete", "devops", "--confirm"},
		{"team", "users", "add", "devops", "alice"},
		{"channel", "list", "--team", "devops"},
		{"channel", "archive", "devops:alerts", ":x", "y:"},
		{"channel", "users", "remove", "devops:alerts", "alice"},
		{"bot", "list", "--all"},
		{"bot", "disable", "mybot"},
		{"webhook", "list"},
		{"webhook", "show", "deploys"},
		{"webhook", "delete", "deploys", "--confirm"},
		{"plugin", "list"},
		{"plugin", "enable", "com.example.plugin"},
		{"token", "list", "alice"},
		{"roles", "system-admin", "alice"},
		{"auth", "list"},
		{"auth", "current"},
		{"auth", "set", "nosuchprofile"},
		{"auth", "login", "https://mm.example.com", "--name", "x", "--access-token", "tok"},
		{"api", "GET", "/users/me"},
		{"api", "/system/ping", "--jq", ".status"},
		{"--format", "bogus", "version"},
		{"--timeout", "-1s", "user", "list"},
		{"--jq", ".[", "user", "list"},
		{"--no_color", "--quiet", "team", "list"},
		{"user", "--bogus\n", "list"},
		{"help", "exit-codes"},
		{"completion", "bash"},
		{"__complete", "user", "show", ""},
		{"nosuchcommand", "\t"},
		{"user", "show", ""},
		{},
	} {
		f.Add(strings.Join(argv, "\x00"))
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var args []string
		if raw != "" {
			args = strings.Split(raw, "\x00")
		}
		if len(args) > 16 || len(raw) > 1024 {
			t.Skip("too long for one quick run")
		}
		for _, a := range args {
			// Device and kernel files never end (/dev/zero) or block (/dev/stdin).
			if strings.Contains(a, "/dev/") || strings.Contains(a, "/proc/") || strings.Contains(a, "/sys/") {
				t.Skip("reads a device or kernel file")
			}
		}
		e := newFuzzEnv(t)
		root := NewCmdRoot(e.f)
		if cmd, _, err := root.Find(args); err == nil && cmd.CommandPath() == "matterctl webhook send" {
			// It posts to the webhook URL it is given with its own HTTP client.
			t.Skip("webhook send talks to any URL")
		}
		err, done := e.run(root, args)
		if !done {
			t.Fatalf("%q: no result after %s", args, fuzzRunTimeout)
		}
		if e.prompts > 0 {
			t.Fatalf("%q: prompted without a terminal", args)
		}
		switch code := cmdutil.ExitCode(err); code {
		case cmdutil.ExitOK, cmdutil.ExitError, cmdutil.ExitUsage, cmdutil.ExitPartial, cmdutil.ExitAuth, cmdutil.ExitNotFound:
		default:
			t.Fatalf("%q: exit code %d for %v", args, code, err)
		}
		if err != nil {
			// What matterctl prints for err (cmd/matterctl): a usage error in one line, or the
			// message and its hint lines.
			var msg string
			if IsUsageError(err) || errors.As(err, new(*cmdutil.FlagError)) {
				msg = UsageMessage(err)
			} else {
				msg = cmdutil.ErrorMessage(err)
			}
			for n, line := range strings.Split(msg, "\n") {
				if n > 0 && !strings.HasPrefix(line, "hint: ") {
					t.Fatalf("%q: the error is more than one line and its hints: %q", args, msg)
				}
				for i, r := range line {
					if (r == utf8.RuneError && !strings.HasPrefix(line[i:], "\uFFFD")) || !strconv.IsPrint(r) {
						t.Fatalf("%q: the error has a raw %q at byte %d: %q", args, r, i, msg)
					}
				}
			}
		}
		out := e.errOut.String()
		for i, r := range out {
			if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r == utf8.RuneError && !strings.HasPrefix(out[i:], "\uFFFD"))) {
				t.Fatalf("%q: stderr has a raw %q at byte %d:\n%s", args, r, i, out)
			}
		}
	})
}

type fuzzEnv struct {
	f       *cmdutil.Factory
	errOut  *lockedBuffer
	config  string
	prompts int
}

func newFuzzEnv(t *testing.T) *fuzzEnv {
	ios, _, _, _ := iostreams.Test()
	ios.Out, ios.ErrOut = io.Discard, &lockedBuffer{}
	ios.SetTTY(false)
	e := &fuzzEnv{errOut: ios.ErrOut.(*lockedBuffer), config: filepath.Join(t.TempDir(), "config.json")}
	vars := map[string]string{
		"MATTERCTL_URL":       "https://mm.example.com",
		"MATTERCTL_TOKEN":     "fuzz-token",
		"MATTERCTL_NO_PROMPT": "1",
	}
	f := cmdutil.New(ios, build.Info{Version: "1.2.3"}, func(k string) string { return vars[k] })
	f.Prompter = &countingPrompter{n: &e.prompts}
	fake := clienttest.NotFound()
	// Whatever --config says, the config file is the one in the test's directory.
	f.ConfigStore = func() (*config.Store, error) { return config.NewStore(e.config), nil }
	f.Client = func() (client.Client, error) { return fake, nil }
	f.NewClient = func(client.Options) (client.Client, error) { return fake, nil }
	f.HTTPClient = func() (*http.Client, client.Options, error) {
		return &http.Client{Transport: notFoundTransport{}}, client.Options{URL: "https://mm.example.com", Token: "fuzz-token"}, nil
	}
	e.f = f
	return e
}

// run executes args as main does; done is false when the run did not end in time.
func (e *fuzzEnv) run(cmd *cobra.Command, args []string) (err error, done bool) {
	e.f.Globals.ConfigPath = e.config
	cmd.SetArgs(args)
	cmd.SetIn(&bytes.Buffer{})
	cmd.SetOut(io.Discard)
	cmd.SetErr(e.errOut)
	ctx, cancel := context.WithTimeout(context.Background(), fuzzRunTimeout)
	defer cancel()
	result := make(chan error, 1)
	go func() {
		_, err := cmd.ExecuteContextC(ctx)
		result <- err
	}()
	select {
	case err = <-result:
	case <-time.After(fuzzRunTimeout + time.Second):
		return nil, false
	}
	if ctx.Err() != nil {
		return err, false
	}
	if err != nil && IsUsageError(err) {
		err = &cmdutil.FlagError{Err: err}
	}
	return err, true
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// countingPrompter counts prompts and answers none.
type countingPrompter struct {
	mu sync.Mutex
	n  *int
}

func (p *countingPrompter) count() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	*p.n++
	return cmdutil.ErrCancelled
}

func (p *countingPrompter) Input(string, string, string, func(string) error) (string, error) {
	return "", p.count()
}
func (p *countingPrompter) Password(string) (string, error) { return "", p.count() }
func (p *countingPrompter) Select(string, []string, string) (string, error) {
	return "", p.count()
}
func (p *countingPrompter) Confirm(string, bool) (bool, error) { return false, p.count() }

// notFoundTransport answers every raw API request with the server's 404 document.
type notFoundTransport struct{}

func (notFoundTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return &http.Response{
		StatusCode: http.StatusNotFound,
		Status:     "404 Not Found",
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(strings.NewReader(`{"id":"api.fuzz.not_found","message":"Not found.","status_code":404}`)),
		Request:    req,
	}, nil
}
