// Package cmdtest is the world a command's unit test runs in: a Factory over buffered
// streams, a fake API client (or an HTTP stub registry), a scripted prompter, an environment
// of its own and a config file in a temporary directory. Only tests import it.
//
// Which double: a run-tier test whose subject is the client calls a command makes (which, with
// what arguments) and what it does with their results uses the fake client (Env.Fake, generated
// from client.Client: set only the <Method>Func fields the test expects, an unexpected call
// fails). A test whose subject is HTTP itself uses the stub registry (internal/httpstub): a
// command that builds its own client (auth, version) or sends raw requests (api), or an assertion
// on paths, queries, headers, bodies, request counts or how a server's error document is read.
// Never both in one test. End-to-end behaviour against a real server belongs in e2e/.
//
// It sits beside commands/cmdutil because it builds what the commands consume; like cmdutil it
// must never import a commands/<noun> package.
package cmdtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/httpstub"
	"github.com/matterctl/matterctl/internal/iostreams"
)

// Env is one command run's world.
type Env struct {
	F *cmdutil.Factory
	// Fake is what F.Client returns; nil with HTTPStub.
	Fake *clienttest.Fake
	// Reg answers the requests of the clients F.NewClient and F.HTTPClient build; nil unless
	// HTTPStub. It fails the test on unexpected or unused stubs.
	Reg *httpstub.Registry
	// Prompter is F.Prompter; a prompt nobody scripted fails the test.
	Prompter *Prompter
	// In, Out and ErrOut are the buffers behind F.IOStreams. Out and ErrOut are written
	// through a lock, so that commands may write from several goroutines.
	In, Out, ErrOut *bytes.Buffer
	// Vars is the environment F.Getenv reads, read at each call: a test may change it after
	// New (MATTERCTL_NO_PROMPT excepted, which the Factory reads once).
	Vars map[string]string
	// ConfigPath is F.Globals.ConfigPath: config.json in a fresh temporary directory.
	ConfigPath string
}

type settings struct {
	tty, json bool
	format    string
	build     build.Info
	vars      map[string]string
	stub      bool
}

// Option configures New.
type Option func(*settings)

// TTY makes stdin, stdout and stderr terminals or not (default: not).
func TTY(on bool) Option { return func(s *settings) { s.tty = on } }

// JSON sets --json.
func JSON(on bool) Option { return func(s *settings) { s.json = on } }

// Format sets --format.
func Format(name string) Option { return func(s *settings) { s.format = name } }

// Build sets the build information (default: version 1.2.3).
func Build(info build.Info) Option { return func(s *settings) { s.build = info } }

// Vars adds variables to the environment F.Getenv reads (default: empty).
func Vars(vars map[string]string) Option {
	return func(s *settings) {
		for k, v := range vars {
			s.vars[k] = v
		}
	}
}

// HTTPStub sends the API requests to Env.Reg over the real client code, instead of giving
// commands the fake client.
func HTTPStub() Option { return func(s *settings) { s.stub = true } }

// New builds an Env for t. It also points the process environment variable MATTERCTL_CONFIG
// at a temporary file for the test (t.Setenv: the test cannot be parallel), so that a config
// path lost on the way never reaches the real config file.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	s := settings{build: build.Info{Version: "1.2.3"}, vars: map[string]string{}}
	for _, o := range opts {
		o(&s)
	}
	dir := t.TempDir()
	t.Setenv("MATTERCTL_CONFIG", filepath.Join(dir, "default-config.json"))

	ios, in, out, errOut := iostreams.Test()
	ios.Out, ios.ErrOut = &lockedWriter{w: out}, &lockedWriter{w: errOut}
	ios.SetTTY(s.tty)
	e := &Env{
		Prompter: NewPrompter(t),
		In:       in, Out: out, ErrOut: errOut,
		Vars:       s.vars,
		ConfigPath: filepath.Join(dir, "config.json"),
	}
	f := cmdutil.New(ios, s.build, func(k string) string { return e.Vars[k] })
	f.Globals.ConfigPath = e.ConfigPath
	f.Globals.JSON = s.json
	f.Globals.Format = s.format
	f.Prompter = e.Prompter
	if s.stub {
		e.Reg = httpstub.New(t)
		f.NewClient = func(opts client.Options) (client.Client, error) {
			return e.Reg.Client4(opts.BaseURL(), opts.Token), nil
		}
		f.HTTPClient = func() (*http.Client, client.Options, error) {
			creds, err := f.Credentials()
			if err != nil {
				return nil, client.Options{}, err
			}
			opts, err := f.ClientOptions(creds)
			return e.Reg.Client(), opts, err
		}
	} else {
		e.Fake = &clienttest.Fake{}
		f.Client = func() (client.Client, error) { return e.Fake, nil }
	}
	e.F = f
	return e
}

// Exec runs cmd with args as the root command would: flag names with "_" normalised to "-",
// flag errors as usage errors (exit 2), stdin from e.In, and cobra's own error and usage
// output discarded. It returns the command's error; cmdutil.ExitCode maps it.
func (e *Env) Exec(cmd *cobra.Command, args ...string) error {
	cmd.SetGlobalNormalizationFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		return pflag.NormalizedName(strings.ReplaceAll(name, "_", "-"))
	})
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	cmd.SetArgs(args)
	cmd.SetIn(e.In)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return cmd.ExecuteContext(context.Background())
}

// lockedWriter serialises writes, as an *os.File takes concurrent writes and a bytes.Buffer
// does not.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
