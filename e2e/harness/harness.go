// Package harness runs a real Mattermost server, backed by PostgreSQL, on loopback: for the
// matterctl end-to-end tests, `make demo` and the benchmarks, through the same code (the
// e2e/cmd/sandbox command wraps it).
//
// The server is built from the module pinned in e2e/mmserver/go.mod and cached, so the first
// Start on a machine takes minutes (module download and compile, reported as they go); later
// starts take seconds. Each sandbox lives in a directory of its own (ports, passwords, PIDs in
// its state.json, its database cluster, the server's files), so several can run at once.
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
	"path/filepath"
	"strings"
	"time"
)

// ModulePath is the module path of the repository root go.mod.
const ModulePath = "github.com/matterctl/matterctl"

// StartTimeout bounds Start, including a possible first build of the server, which downloads
// and compiles a large module.
var StartTimeout = 30 * time.Minute

// StopTimeout bounds Stop and Destroy.
var StopTimeout = 2 * time.Minute

// Server describes a running sandbox server.
type Server struct {
	URL           string // e.g. http://127.0.0.1:46713
	AdminUser     string
	AdminPassword string
	SocketPath    string // local-mode unix socket (mode 0600, owned by the server's uid)
	StateDir      string
	Version       string // the server's release, e.g. 7.8.0
	PID           int    // the server's process
	LogFile       string // the server's JSON log

	// Env is the sandbox as environment variables (MM_URL, MM_PID, PG_PORT, PG_DSN, ...): the
	// keys `sandbox env` prints.
	Env map[string]string

	client *http.Client
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

// Start starts (or finds running) the sandbox of stateDir with the options of the
// environment (see OptionsFromEnv) and returns its server.
func Start(stateDir string) (*Server, error) {
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	return StartContext(ctx, stateDir, OptionsFromEnv())
}

// Load returns the server of a sandbox started before, from its state.json, without checking
// that it runs.
func Load(stateDir string) (*Server, error) {
	dir, err := resolveDir(stateDir)
	if err != nil {
		return nil, err
	}
	st, err := ReadState(dir)
	if err != nil {
		return nil, fmt.Errorf("harness: %w", err)
	}
	return serverFromState(st), nil
}

// Stop stops Mattermost and PostgreSQL, keeping the state (a later Start on the same directory
// resumes with the same data).
func (s *Server) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), StopTimeout)
	defer cancel()
	return StopContext(ctx, s.StateDir, OptionsFromEnv())
}

// Destroy stops the servers and deletes the state directory (and the PostgreSQL cluster when
// it had to be placed outside it).
func (s *Server) Destroy() error {
	ctx, cancel := context.WithTimeout(context.Background(), StopTimeout)
	defer cancel()
	return DestroyContext(ctx, s.StateDir, OptionsFromEnv())
}

// State reads the sandbox's state file as it is now.
func (s *Server) State() (*State, error) { return ReadState(s.StateDir) }

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
