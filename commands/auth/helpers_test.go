package auth

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/internal/httpstub"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/prompt"
)

// testEnv is one command run's world: a Factory wired to buffers, a stub HTTP registry, a
// scripted prompter, environment variables and a config file in a temporary directory.
type testEnv struct {
	t          *testing.T
	f          *cmdutil.Factory
	reg        *httpstub.Registry
	prompter   *fakePrompter
	in         *bytes.Buffer
	out        *bytes.Buffer
	errOut     *bytes.Buffer
	env        map[string]string
	dir        string
	configPath string
}

func newTestEnv(t *testing.T, tty bool) *testEnv {
	t.Helper()
	// iostreams.CanPrompt reads the process environment; keep a developer's setting out of tests.
	t.Setenv("MATTERCTL_NO_PROMPT", "")
	// A safety net: a test that loses its config path must not touch the real config file.
	t.Setenv("MATTERCTL_CONFIG", filepath.Join(t.TempDir(), "default-config.json"))
	ios, in, out, errOut := iostreams.Test()
	ios.SetTTY(tty)
	e := &testEnv{
		t: t, reg: httpstub.New(t), prompter: newFakePrompter(t),
		in: in, out: out, errOut: errOut, env: map[string]string{}, dir: t.TempDir(),
	}
	e.configPath = filepath.Join(e.dir, "config.json")
	f := cmdutil.New(ios, build.Info{Version: "1.2.3"}, func(k string) string { return e.env[k] })
	f.Globals.ConfigPath = e.configPath
	f.Prompter = e.prompter
	f.NewClient = func(opts client.Options) (client.Client, error) {
		return e.reg.Client4(opts.BaseURL(), opts.Token), nil
	}
	f.HTTPClient = func() (*http.Client, client.Options, error) {
		creds, err := f.Credentials()
		if err != nil {
			return nil, client.Options{}, err
		}
		opts, err := f.ClientOptions(creds)
		return e.reg.Client(), opts, err
	}
	e.f = f
	return e
}

// run executes cmd with args and returns its error; usage and cobra's own output are discarded.
func (e *testEnv) run(cmd *cobra.Command, args ...string) error {
	e.t.Helper()
	cmd.SetArgs(args)
	cmd.SetIn(e.in)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return cmd.ExecuteContext(context.Background())
}

// writeFile creates a file in the test directory and returns its path.
func (e *testEnv) writeFile(name, content string) string {
	e.t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// seed writes profiles to the config file; current names the current one.
func (e *testEnv) seed(current string, profiles ...*config.Profile) {
	e.t.Helper()
	err := config.NewStore(e.configPath).Update(func(f *config.File) error {
		for _, p := range profiles {
			cp := *p
			f.Put(&cp)
		}
		f.Current = current
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *testEnv) load() *config.File {
	e.t.Helper()
	f, err := config.NewStore(e.configPath).Load()
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

// rawConfig is the config file's bytes, nil when it does not exist.
func (e *testEnv) rawConfig() []byte {
	e.t.Helper()
	b, err := os.ReadFile(e.configPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// assertNoSecrets fails when a secret shows up on stdout, stderr or in the error message.
func (e *testEnv) assertNoSecrets(err error, secrets ...string) {
	e.t.Helper()
	msg := ""
	if err != nil {
		msg = cmdutil.ErrorMessage(err)
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		for where, text := range map[string]string{"stdout": e.out.String(), "stderr": e.errOut.String(), "error": msg} {
			if strings.Contains(text, s) {
				e.t.Errorf("secret %q appears in %s: %q", s, where, text)
			}
		}
	}
}

func wantExit(t *testing.T, err error, code int) {
	t.Helper()
	if got := cmdutil.ExitCode(err); got != code {
		t.Fatalf("exit code %d, want %d (error: %v)", got, code, err)
	}
}

// answer is one scripted reply of fakePrompter.
type answer struct {
	kind  string // "input", "password", "select", "confirm"
	title string // the expected title, or a prefix of it
	value string // "" for an input keeps the default
	yes   bool   // confirm
	err   error  // returned instead of a value
}

// fakePrompter replies with scripted answers in order and records the titles it was asked.
// A prompt it has no answer for fails the test and aborts as Ctrl-C would.
type fakePrompter struct {
	t       *testing.T
	answers []answer
	asked   []string
}

var _ prompt.Prompter = (*fakePrompter)(nil)

func newFakePrompter(t *testing.T) *fakePrompter {
	p := &fakePrompter{t: t}
	t.Cleanup(func() {
		if len(p.answers) > 0 {
			t.Errorf("prompts never asked: %+v (asked: %q)", p.answers, p.asked)
		}
	})
	return p
}

func (p *fakePrompter) script(answers ...answer) { p.answers = append(p.answers, answers...) }

func (p *fakePrompter) next(kind, title string) (answer, bool) {
	p.t.Helper()
	p.asked = append(p.asked, title)
	if len(p.answers) == 0 {
		p.t.Errorf("unexpected %s prompt %q", kind, title)
		return answer{}, false
	}
	a := p.answers[0]
	p.answers = p.answers[1:]
	if a.kind != kind || !strings.HasPrefix(title, a.title) {
		p.t.Errorf("prompt %s %q, want %s %q", kind, title, a.kind, a.title)
		return answer{}, false
	}
	return a, true
}

func (p *fakePrompter) Input(title, _, def string, validate func(string) error) (string, error) {
	a, ok := p.next("input", title)
	if !ok {
		return "", prompt.ErrInterrupted
	}
	if a.err != nil {
		return "", a.err
	}
	v := a.value
	if v == "" {
		v = def
	}
	if validate != nil {
		if err := validate(v); err != nil {
			p.t.Errorf("prompt %q: the scripted answer %q does not validate: %v", title, v, err)
			return "", prompt.ErrInterrupted
		}
	}
	return v, nil
}

func (p *fakePrompter) Password(title string) (string, error) {
	a, ok := p.next("password", title)
	if !ok {
		return "", prompt.ErrInterrupted
	}
	return a.value, a.err
}

func (p *fakePrompter) Select(title string, options []string, def string) (string, error) {
	a, ok := p.next("select", title)
	if !ok {
		return "", prompt.ErrInterrupted
	}
	if a.err != nil {
		return "", a.err
	}
	v := a.value
	if v == "" {
		v = def
	}
	if !slices.Contains(options, v) {
		p.t.Errorf("prompt %q: %q is not one of %q", title, v, options)
		return "", prompt.ErrInterrupted
	}
	return v, nil
}

func (p *fakePrompter) Confirm(title string, _ bool) (bool, error) {
	a, ok := p.next("confirm", title)
	if !ok {
		return false, prompt.ErrInterrupted
	}
	return a.yes, a.err
}

// Server fixtures.

const (
	serverURL = "https://mm.example.com"
	pingPath  = "/api/v4/system/ping"
	loginPath = "/api/v4/users/login"
	mePath    = "/api/v4/users/me"
	// serverVerHeader is what Mattermost sends as X-Version-Id; serverVer is what matterctl shows.
	serverVerHeader = "10.5.0.12345.3f2a9c0d.false"
	serverVer       = "10.5.0"
	testPassword    = "pa55-w0rd-SECRET"
)

func testUser(username string) *model.User {
	return &model.User{Id: "uid-" + username, Username: username, Roles: "system_admin system_user"}
}

func stubPing(reg *httpstub.Registry) {
	reg.Register(httpstub.REST("GET", pingPath),
		httpstub.WithHeader(httpstub.JSONResponse(200, map[string]string{"status": "OK"}), model.HeaderVersionId, serverVerHeader))
}

// stubLogin expects POST /users/login with these credentials (mfa "" for none) and answers
// with resp.
func stubLogin(t *testing.T, reg *httpstub.Registry, username, password, mfa string, resp httpstub.Responder) {
	reg.Register(httpstub.REST("POST", loginPath), httpstub.Inspect(func(_ *http.Request, body []byte) {
		want := `{"login_id":"` + username + `","password":"` + password + `"}`
		if mfa != "" {
			want = `{"login_id":"` + username + `","password":"` + password + `","token":"` + mfa + `"}`
		}
		if string(body) != want {
			t.Errorf("login body %s, want %s", body, want)
		}
	}, resp))
}

func loginOK(username, token string) httpstub.Responder {
	return httpstub.WithHeader(httpstub.JSONResponse(200, testUser(username)), model.HeaderToken, token)
}

func loginRejected() httpstub.Responder {
	return httpstub.AppErrorResponse(401, "api.user.login.invalid_credentials_email_username", "Enter a valid email or username and/or password.")
}

func mfaRequired() httpstub.Responder {
	return httpstub.AppErrorResponse(401, "mfa.validate_token.authenticate.app_error", "Invalid or expired MFA token.")
}

// authed matches method and path sent with this bearer token.
func authed(method, path, token string) httpstub.Matcher {
	rest := httpstub.REST(method, path)
	return httpstub.MatcherFunc(rest.String()+" with token "+token, func(req *http.Request) bool {
		return rest.Matches(req) && strings.EqualFold(req.Header.Get("Authorization"), "Bearer "+token)
	})
}

// stubMe answers GET /users/me sent with token.
func stubMe(reg *httpstub.Registry, token string, resp httpstub.Responder) {
	reg.Register(authed("GET", mePath, token), resp)
}

func meOK(username string) httpstub.Responder {
	return httpstub.WithHeader(httpstub.JSONResponse(200, testUser(username)), model.HeaderVersionId, serverVerHeader)
}

func tokenRejected() httpstub.Responder {
	return httpstub.AppErrorResponse(401, "api.context.session_expired.app_error", "Invalid or expired session, please login again.")
}
