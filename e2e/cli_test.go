//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// result is what one matterctl run produced.
type result struct {
	Stdout, Stderr string
	Code           int
}

// cli runs matterctl with an isolated config directory and a clean environment.
type cli struct {
	t      testing.TB
	config string // XDG_CONFIG_HOME
	env    []string
}

// newCLI returns a runner with its own empty XDG_CONFIG_HOME.
func newCLI(t testing.TB) *cli {
	t.Helper()
	return &cli{t: t, config: t.TempDir()}
}

// configFile is where matterctl stores profiles for this runner.
func (c *cli) configFile() string { return filepath.Join(c.config, "matterctl", "config.json") }

// with returns a copy that adds environment variables (KEY=VALUE).
func (c *cli) with(env ...string) *cli {
	cp := *c
	cp.env = append(append([]string{}, c.env...), env...)
	return &cp
}

// run executes matterctl with args and stdin, without a terminal.
func (c *cli) run(stdin string, args ...string) result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = c.environ()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		c.t.Fatalf("running matterctl %v: %v", args, err)
	}
	recordRun(args, stdin, out.String(), errOut.String(), c.configFile())
	return result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

func (c *cli) environ() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "MATTERCTL_") || k == "XDG_CONFIG_HOME" || k == "NO_COLOR" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "XDG_CONFIG_HOME="+c.config)
	return append(env, c.env...)
}

// mustRun runs matterctl and fails the test unless it exits 0.
func (c *cli) mustRun(stdin string, args ...string) result {
	c.t.Helper()
	r := c.run(stdin, args...)
	if r.Code != 0 {
		c.t.Fatalf("matterctl %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.Code, clip(r.Stdout), clip(r.Stderr))
	}
	return r
}

// login stores a password profile for the admin and makes it current.
func (c *cli) login(name string) {
	c.t.Helper()
	c.mustRun(srv.AdminPassword+"\n", "auth", "login", srv.URL, "--name", name, "--username", srv.AdminUser, "--password-stdin")
}

// expectCode fails unless r exited with want; it prints the output for diagnosis.
func expectCode(t testing.TB, r result, want int) {
	t.Helper()
	if r.Code != want {
		t.Fatalf("exit code %d, want %d\nstdout: %s\nstderr: %s", r.Code, want, clip(r.Stdout), clip(r.Stderr))
	}
}

// noSecrets fails when any secret appears in the output.
func noSecrets(t testing.TB, r result, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s == "" {
			continue
		}
		if strings.Contains(r.Stdout, s) || strings.Contains(r.Stderr, s) {
			t.Fatalf("a secret appears in the output")
		}
	}
}

// decodeJSON parses stdout as exactly one JSON document.
func decodeJSON[T any](t testing.TB, s string) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, s)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON document:\n%s", s)
	}
	return v
}

// api calls the server directly (as the admin unless token is given) to check its state.
func api(t testing.TB, method, path string, body any) (int, []byte) {
	t.Helper()
	return apiAs(t, adminToken, method, path, body)
}

func apiAs(t testing.TB, token, method, path string, body any) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, b, err := srv.API(ctx, method, path, body, token)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, b
}

// apiJSON calls the server and decodes a 2xx JSON answer.
func apiJSON[T any](t testing.TB, method, path string, body any) T {
	t.Helper()
	status, b := api(t, method, path, body)
	if status/100 != 2 {
		t.Fatalf("%s %s: HTTP %d: %s", method, path, status, b)
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return v
}

var uniq atomic.Int64

// patchServerSetting sets Section.Key in the server's configuration through the API and checks
// that the server took it (a value forced by an MM_* variable would not be). It returns the
// value it replaced.
func patchServerSetting(t testing.TB, section, key string, v any) (old any) {
	t.Helper()
	read := func() any {
		return apiJSON[map[string]map[string]any](t, http.MethodGet, "/api/v4/config", nil)[section][key]
	}
	old = read()
	if status, b := api(t, http.MethodPut, "/api/v4/config/patch", map[string]any{section: map[string]any{key: v}}); status != http.StatusOK {
		t.Fatalf("PUT /config/patch %s.%s=%v: HTTP %d: %s", section, key, v, status, b)
	}
	// Compared as JSON numbers decode (float64), so that 10 and 10.0 are the same.
	var want any
	if b, err := json.Marshal(v); err == nil {
		_ = json.Unmarshal(b, &want)
	}
	if got := read(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s.%s is %v after setting it to %v (forced by the environment?)", section, key, got, v)
	}
	return old
}

// setServerSetting is patchServerSetting, with the old value restored when the test ends.
func setServerSetting(t testing.TB, section, key string, v any) {
	t.Helper()
	old := patchServerSetting(t, section, key, v)
	t.Cleanup(func() {
		if status, b := api(t, http.MethodPut, "/api/v4/config/patch", map[string]any{section: map[string]any{key: old}}); status != http.StatusOK {
			t.Errorf("restoring %s.%s: HTTP %d: %s", section, key, status, b)
		}
	})
}

// unique returns a fresh lowercase name with the given prefix, unique within the run.
func unique(prefix string) string {
	return fmt.Sprintf("%s%d%d", prefix, time.Now().UnixNano()%1e6, uniq.Add(1))
}

// createUser makes a user through the API and returns its ID.
func createUser(t testing.TB, username string) string {
	t.Helper()
	u := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/users", map[string]any{
		"username": username, "email": username + "@example.com", "password": "Passw0rd-" + username,
	})
	return u["id"].(string)
}

// personalToken creates a personal access token for the admin.
func personalToken(t testing.TB) string {
	t.Helper()
	me := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/me", nil)
	tok := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/users/"+me["id"].(string)+"/tokens", map[string]any{"description": "e2e"})
	return tok["token"].(string)
}

// clip shortens long output in failure messages.
func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000] + "…[clipped]"
	}
	return s
}
