// Package harness starts a real Mattermost server (backed by PostgreSQL) on
// loopback for matterctl end-to-end tests. It drives scripts/sandbox.sh,
// which builds the server from the pinned module in e2e/mmserver, so the
// first Start on a machine can take several minutes (module download and
// compile); later starts reuse the cached binary and take a few seconds.
//
// Typical use:
//
//	srv, err := harness.Start(t.TempDir())
//	if err != nil { t.Fatal(err) }
//	t.Cleanup(func() { _ = srv.Destroy() })
//	token, err := srv.AdminToken(ctx)
package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ModulePath is the module path of the repository root go.mod.
const ModulePath = "github.com/matterctl/matterctl"

// StartTimeout bounds `sandbox.sh start` (including a possible first build of
// the server, which downloads and compiles a large module).
var StartTimeout = 30 * time.Minute

// StopTimeout bounds `sandbox.sh stop` and `sandbox.sh destroy`.
var StopTimeout = 2 * time.Minute

// Server describes a running sandbox server.
type Server struct {
	URL           string // e.g. http://127.0.0.1:46713
	AdminUser     string
	AdminPassword string
	SocketPath    string // local-mode unix socket (mode 0600, owned by the server's uid)
	StateDir      string

	Version string // the server's release, e.g. 7.8.0
	PID     int    // the server's process
	LogFile string // the server's JSON log

	// Env holds every key of STATE_DIR/env.json (MM_URL, MM_PID, PG_PORT, PG_DSN, ...).
	Env map[string]string

	repoRoot string
	client   *http.Client
}

func serverFromState(st *State) *Server {
	env := map[string]string{}
	for _, v := range st.Env() {
		env[v.Key] = v.Value
	}
	return &Server{
		URL:           st.URL(),
		AdminUser:     st.Admin.Username,
		AdminPassword: st.Admin.Password,
		SocketPath:    st.Mattermost.Socket,
		StateDir:      st.Dir,
		Version:       st.Mattermost.Version,
		PID:           st.Mattermost.Process.PID,
		LogFile:       st.LogFile(),
		Env:           env,
		client:        &http.Client{Timeout: 60 * time.Second},
	}
}

// RepoRoot finds the matterctl repository root: $MATTERCTL_REPO_ROOT when set,
// otherwise the nearest ancestor of the working directory whose go.mod
// declares ModulePath.
func RepoRoot() (string, error) {
	if r := os.Getenv("MATTERCTL_REPO_ROOT"); r != "" {
		return r, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isRepoRoot(dir) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("harness: no go.mod declaring module %s found above the working directory", ModulePath)
		}
		dir = parent
	}
}

func isRepoRoot(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == ModulePath
		}
	}
	return false
}

// Start runs `scripts/sandbox.sh start stateDir` and returns the server it
// started (or the one already running for that state dir).
func Start(stateDir string) (*Server, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(stateDir)
	if err != nil {
		return nil, err
	}
	if _, err := runScript(root, StartTimeout, "start", abs); err != nil {
		return nil, err
	}
	s, err := Load(abs)
	if err != nil {
		return nil, err
	}
	s.repoRoot = root
	return s, nil
}

// Load reads STATE_DIR/env.json of an already started sandbox (for example
// one started by hand with scripts/sandbox.sh).
func Load(stateDir string) (*Server, error) {
	data, err := os.ReadFile(filepath.Join(stateDir, "env.json"))
	if err != nil {
		return nil, fmt.Errorf("harness: reading sandbox env: %w", err)
	}
	env := map[string]string{}
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("harness: parsing %s: %w", filepath.Join(stateDir, "env.json"), err)
	}
	for _, k := range []string{"MM_URL", "MM_ADMIN_USER", "MM_ADMIN_PASSWORD", "MM_SOCKET"} {
		if env[k] == "" {
			return nil, fmt.Errorf("harness: %s missing from %s/env.json", k, stateDir)
		}
	}
	dir := env["MM_STATE_DIR"]
	if dir == "" {
		dir = stateDir
	}
	return &Server{
		URL:           strings.TrimRight(env["MM_URL"], "/"),
		AdminUser:     env["MM_ADMIN_USER"],
		AdminPassword: env["MM_ADMIN_PASSWORD"],
		SocketPath:    env["MM_SOCKET"],
		StateDir:      dir,
		Env:           env,
		client:        &http.Client{Timeout: 60 * time.Second},
	}, nil
}

// Stop stops Mattermost and PostgreSQL, keeping the state (a later Start on
// the same directory resumes with the same data).
func (s *Server) Stop() error {
	root, err := s.root()
	if err != nil {
		return err
	}
	_, err = runScript(root, StopTimeout, "stop", s.StateDir)
	return err
}

// Destroy stops the servers and deletes the state directory (and the
// PostgreSQL cluster when it had to be placed outside it).
func (s *Server) Destroy() error {
	root, err := s.root()
	if err != nil {
		return err
	}
	_, err = runScript(root, StopTimeout, "destroy", s.StateDir)
	return err
}

func (s *Server) root() (string, error) {
	if s.repoRoot != "" {
		return s.repoRoot, nil
	}
	return RepoRoot()
}

// AdminToken logs in as the admin user and returns the session token.
func (s *Server) AdminToken(ctx context.Context) (string, error) {
	return s.Login(ctx, s.AdminUser, s.AdminPassword)
}

// Login logs in with the given credentials and returns the session token.
func (s *Server) Login(ctx context.Context, loginID, password string) (string, error) {
	resp, body, err := s.API(ctx, http.MethodPost, "/api/v4/users/login",
		map[string]string{"login_id": loginID, "password": password}, "")
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("harness: login as %q: HTTP %d: %s", loginID, resp.StatusCode, trim(body))
	}
	tok := resp.Header.Get("Token")
	if tok == "" {
		return "", errors.New("harness: login response has no Token header")
	}
	return tok, nil
}

// API sends a request to the server's REST API. path is relative to the
// server URL (e.g. "/api/v4/users/me"). body may be nil, []byte, string,
// io.Reader or any JSON-marshalable value. A non-empty token is sent as a
// bearer token. The returned response's body is already read and closed;
// non-2xx statuses are not errors.
func (s *Server) API(ctx context.Context, method, path string, body any, token string) (*http.Response, []byte, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	case io.Reader:
		rd = b
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return nil, nil, fmt.Errorf("harness: encoding request body: %w", err)
		}
		rd = bytes.NewReader(data)
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	req, err := http.NewRequestWithContext(ctx, method, s.URL+path, rd)
	if err != nil {
		return nil, nil, err
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := s.client
	if c == nil {
		c = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("harness: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, data, fmt.Errorf("harness: reading %s %s response: %w", method, path, err)
	}
	return resp, data, nil
}

func runScript(root string, timeout time.Duration, args ...string) ([]byte, error) {
	script := filepath.Join(root, "scripts", "sandbox.sh")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", append([]string{script}, args...)...)
	cmd.Dir = root
	cmd.Stdin = nil // /dev/null: the script never prompts
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	// The script redirects everything its daemons inherit, but don't hang
	// forever on a leaked pipe either.
	cmd.WaitDelay = 10 * time.Second
	err := cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		err = nil // the script succeeded; some daemon kept our pipe open
	}
	if ctx.Err() == context.DeadlineExceeded {
		return out.Bytes(), fmt.Errorf("harness: sandbox.sh %s timed out after %s:\n%s", strings.Join(args, " "), timeout, tail(out.String(), 60))
	}
	if err != nil {
		return out.Bytes(), fmt.Errorf("harness: sandbox.sh %s: %w:\n%s", strings.Join(args, " "), err, tail(out.String(), 60))
	}
	return out.Bytes(), nil
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func trim(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 500 {
		s = s[:500] + "..."
	}
	return s
}
