package auth

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/internal/httpstub"
)

// testEnv is one command run's world (see cmdtest.Env: streams, HTTP stub registry, scripted
// prompter, environment, config file) plus a directory for the test's own files.
type testEnv struct {
	*cmdtest.Env
	t   *testing.T
	dir string
}

func newTestEnv(t *testing.T, tty bool) *testEnv {
	t.Helper()
	env := cmdtest.New(t, cmdtest.TTY(tty), cmdtest.HTTPStub())
	return &testEnv{Env: env, t: t, dir: filepath.Dir(env.ConfigPath)}
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
	err := config.NewStore(e.ConfigPath).Update(func(f *config.File) error {
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
	f, err := config.NewStore(e.ConfigPath).Load()
	if err != nil {
		e.t.Fatal(err)
	}
	return f
}

// rawConfig is the config file's bytes, nil when it does not exist.
func (e *testEnv) rawConfig() []byte {
	e.t.Helper()
	b, err := os.ReadFile(e.ConfigPath)
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
		for where, text := range map[string]string{"stdout": e.Out.String(), "stderr": e.ErrOut.String(), "error": msg} {
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

// Server fixtures.

const (
	serverURL = "https://mm.example.com"
	pingPath  = "/api/v4/system/ping"
	loginPath = "/api/v4/users/login"
	mePath    = "/api/v4/users/me"
	// logoutPath ends the session a --dry-run password check opened.
	logoutPath = "/api/v4/users/logout"
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

// stubLogout expects the session token to be logged out once and answers with resp.
func stubLogout(reg *httpstub.Registry, token string, resp httpstub.Responder) {
	reg.Register(authed("POST", logoutPath, token), resp)
}

func logoutOK() httpstub.Responder {
	return httpstub.JSONResponse(200, map[string]string{"status": "OK"})
}

func tokenRejected() httpstub.Responder {
	return httpstub.AppErrorResponse(401, "api.context.session_expired.app_error", "Invalid or expired session, please login again.")
}
