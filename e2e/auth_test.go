//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

type profileJSON struct {
	Name     string `json:"name"`
	URL      string `json:"url"`
	Username string `json:"username"`
	Method   string `json:"method"`
	Current  bool   `json:"current"`
}

func TestAuthLoginPassword(t *testing.T) {
	c := newCLI(t)
	r := c.mustRun(srv.AdminPassword+"\n", "auth", "login", srv.URL, "--name", "main", "--username", srv.AdminUser, "--password-stdin")
	noSecrets(t, r, srv.AdminPassword)
	if r.Stdout != "" {
		t.Errorf("login wrote to stdout: %q", r.Stdout)
	}
	if !strings.Contains(r.Stderr, `profile "main"`) {
		t.Errorf("no confirmation on stderr: %q", r.Stderr)
	}
	st, err := os.Stat(c.configFile())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("config mode %v, want 0600", st.Mode().Perm())
	}
	dir, _ := os.Stat(filepath.Dir(c.configFile()))
	if dir.Mode().Perm() != 0o700 {
		t.Errorf("config dir mode %v, want 0700", dir.Mode().Perm())
	}
	b, _ := os.ReadFile(c.configFile())
	if strings.Contains(string(b), srv.AdminPassword) {
		t.Fatal("the password was stored in the config file")
	}
	// The stored session token works against the server.
	var file struct {
		Current  string
		Profiles map[string]struct {
			Token      string `json:"token"`
			AuthMethod string `json:"auth_method"`
		} `json:"profiles"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	p := file.Profiles["main"]
	if file.Current != "main" || p.AuthMethod != "password" || p.Token == "" {
		t.Fatalf("unexpected config: current=%q method=%q", file.Current, p.AuthMethod)
	}
	if status, _ := apiAs(t, p.Token, http.MethodGet, "/api/v4/users/me", nil); status != 200 {
		t.Fatalf("stored token rejected by the server: HTTP %d", status)
	}
	me := decodeJSON[map[string]any](t, c.mustRun("", "api", "/users/me").Stdout)
	if me["username"] != srv.AdminUser {
		t.Errorf("api /users/me username %v", me["username"])
	}
}

func TestAuthLoginPasswordFile(t *testing.T) {
	c := newCLI(t)
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte(srv.AdminPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := c.mustRun("", "auth", "login", srv.URL, "--name", "pf", "--username", srv.AdminUser, "--password-file", pw)
	noSecrets(t, r, srv.AdminPassword)
	// mmctl's underscore spelling works too.
	c.mustRun("", "auth", "login", srv.URL, "--name", "pf2", "--username", srv.AdminUser, "--password_file", pw, "--no-activate")
	list := decodeJSON[[]profileJSON](t, c.mustRun("", "auth", "list", "--json").Stdout)
	if len(list) != 2 || !list[0].Current || list[1].Current {
		t.Fatalf("auth list after --no-activate: %+v", list)
	}
}

func TestAuthLoginToken(t *testing.T) {
	token := personalToken(t)
	tokFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokFile, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"file":  {"--access-token-file", tokFile},
		"stdin": {"--token-stdin"},
	} {
		t.Run(name, func(t *testing.T) {
			c := newCLI(t)
			stdin := ""
			if name == "stdin" {
				stdin = token + "\n"
			}
			r := c.mustRun(stdin, append([]string{"auth", "login", srv.URL, "--name", "tok"}, args...)...)
			noSecrets(t, r, token)
			list := decodeJSON[[]profileJSON](t, c.mustRun("", "auth", "list", "--json").Stdout)
			if len(list) != 1 || list[0].Method != "token" || list[0].Username != srv.AdminUser {
				t.Fatalf("auth list: %+v", list)
			}
			if got := strings.TrimSpace(c.mustRun("", "auth", "token").Stdout); got != token {
				t.Fatal("auth token does not print the stored token")
			}
		})
	}
}

func TestAuthLoginFailuresWriteNothing(t *testing.T) {
	tests := []struct {
		name   string
		stdin  string
		args   []string
		code   int
		stderr string
	}{
		{"wrong password", "not-the-password\n", []string{srv.URL, "--username", srv.AdminUser, "--password-stdin"}, 4, "login failed"},
		{"bad token", "nosuchtoken123\n", []string{srv.URL, "--token-stdin"}, 4, "login failed"},
		{"unreachable", "x\n", []string{"http://127.0.0.1:9", "--username", "a", "--password-stdin"}, 1, "cannot reach"},
		{"not mattermost", "x\n", []string{srv.URL + "/nothing-here", "--username", "a", "--password-stdin"}, 1, "does not look like a Mattermost server"},
		{"bad url", "x\n", []string{"ftp://example.com", "--username", "a", "--password-stdin"}, 2, "scheme"},
		{"missing flags", "", []string{srv.URL}, 2, "--username"},
		{"missing url", "", []string{"--username", "a", "--password-stdin"}, 2, "URL"},
		{"two secrets", "", []string{srv.URL, "--username", "a", "--password-stdin", "--password-file", "x"}, 2, "cannot be used together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			r := c.run(tt.stdin, append([]string{"auth", "login", "--name", "x"}, tt.args...)...)
			expectCode(t, r, tt.code)
			if !strings.Contains(r.Stderr, tt.stderr) {
				t.Errorf("stderr %q does not mention %q", r.Stderr, tt.stderr)
			}
			if strings.Count(strings.TrimSpace(r.Stderr), "\n") > 1 {
				t.Errorf("error is not short: %q", r.Stderr)
			}
			noSecrets(t, r, "not-the-password", "nosuchtoken123")
			if _, err := os.Stat(c.configFile()); !os.IsNotExist(err) {
				t.Fatalf("config file written after a failed login (%v)", err)
			}
		})
	}
	// A failed login leaves an existing file byte-for-byte unchanged.
	c := newCLI(t)
	c.login("keep")
	before, _ := os.ReadFile(c.configFile())
	expectCode(t, c.run("wrong\n", "auth", "login", srv.URL, "--name", "keep", "--username", srv.AdminUser, "--password-stdin"), 4)
	after, _ := os.ReadFile(c.configFile())
	if string(before) != string(after) {
		t.Fatal("a failed login changed the config file")
	}
}

func TestAuthHiddenPasswordFlagWarns(t *testing.T) {
	c := newCLI(t)
	r := c.mustRun("", "auth", "login", srv.URL, "--name", "argv", "--username", srv.AdminUser, "--password", srv.AdminPassword)
	if !strings.Contains(r.Stderr, "warning") {
		t.Errorf("no warning about --password: %q", r.Stderr)
	}
}

func TestAuthVerbs(t *testing.T) {
	c := newCLI(t)
	c.login("one")
	c.login("two")

	// list: plain without a terminal, current marked.
	r := c.mustRun("", "auth", "list")
	lines := strings.Split(strings.TrimRight(r.Stdout, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "*\ttwo\t") || !strings.HasPrefix(lines[0], "\tone\t") {
		t.Fatalf("auth list plain:\n%s", r.Stdout)
	}
	if strings.Contains(c.mustRun("", "auth", "list", "--json").Stdout, "token") {
		t.Fatal("auth list --json shows a token")
	}

	// current
	cur := decodeJSON[map[string]string](t, c.mustRun("", "auth", "current", "--json").Stdout)
	if cur["name"] != "two" || cur["source"] != "current profile" {
		t.Fatalf("auth current: %v", cur)
	}

	// set / switch
	c.mustRun("", "auth", "set", "one")
	if cur := decodeJSON[map[string]string](t, c.mustRun("", "auth", "current", "--json").Stdout); cur["name"] != "one" {
		t.Fatalf("after set: %v", cur)
	}
	c.mustRun("", "auth", "switch", "two")
	expectCode(t, c.run("", "auth", "set", "nope"), 5)
	expectCode(t, c.run("", "auth", "set"), 2)

	// --server overrides for one call without changing the file.
	before, _ := os.ReadFile(c.configFile())
	cur = decodeJSON[map[string]string](t, c.mustRun("", "auth", "current", "--json", "--server", "one").Stdout)
	if cur["name"] != "one" || cur["source"] != "--server" {
		t.Fatalf("--server: %v", cur)
	}
	c.mustRun("", "api", "/users/me", "--server", "one")
	after, _ := os.ReadFile(c.configFile())
	if string(before) != string(after) {
		t.Fatal("--server changed the config file")
	}
	expectCode(t, c.run("", "api", "/users/me", "--server", "missing"), 4)

	// status: both valid.
	st := decodeJSON[[]map[string]any](t, c.mustRun("", "auth", "status", "--json").Stdout)
	if len(st) != 2 {
		t.Fatalf("auth status: %v", st)
	}
	for _, s := range st {
		if s["valid"] != true || !strings.Contains(fmt.Sprint(s["roles"]), "system_admin") || s["server_version"] != srv.Version {
			t.Fatalf("auth status entry: %v", s)
		}
	}

	// renew gets a new session; the old one keeps working until it expires.
	r = c.mustRun(srv.AdminPassword, "auth", "renew", "one", "--password-stdin")
	noSecrets(t, r, srv.AdminPassword)
	expectCode(t, c.run("wrong", "auth", "renew", "one", "--password-stdin"), 4)
	expectCode(t, c.run("", "auth", "renew", "one"), 2)

	// status exits 4 when the profile in use has a revoked session.
	tok := strings.TrimSpace(c.mustRun("", "auth", "token", "--server", "two").Stdout)
	if status, _ := apiAs(t, tok, http.MethodPost, "/api/v4/users/logout", nil); status != 200 {
		t.Fatalf("logout: %d", status)
	}
	r = c.run("", "auth", "status", "--json")
	expectCode(t, r, 4)
	st = decodeJSON[[]map[string]any](t, r.Stdout)
	for _, s := range st {
		want := s["name"] != "two"
		if s["valid"] != want {
			t.Fatalf("status after logout: %v", st)
		}
	}
	expectCode(t, c.run("", "api", "/users/me"), 4)
	// Another profile still works, and status is fine when it is the one in use.
	c.mustRun("", "auth", "status", "--server", "one")

	// delete the current profile: none is current afterwards, and commands say so.
	r = c.mustRun("", "auth", "delete", "two")
	if !strings.Contains(r.Stderr, "no profile is current") {
		t.Errorf("delete message: %q", r.Stderr)
	}
	r = c.run("", "api", "/users/me")
	expectCode(t, r, 4)
	if !strings.Contains(r.Stderr, "auth set") {
		t.Errorf("no hint to pick a profile: %q", r.Stderr)
	}
	expectCode(t, c.run("", "auth", "delete", "two"), 5)

	// clean removes everything.
	c.mustRun("", "auth", "clean")
	if _, err := os.Stat(c.configFile()); !os.IsNotExist(err) {
		t.Fatal("auth clean left the file")
	}
	r = c.run("", "api", "/users/me")
	expectCode(t, r, 4)
	if !strings.Contains(r.Stderr, "matterctl auth login") {
		t.Errorf("no login hint: %q", r.Stderr)
	}
}

func TestEnvCredentials(t *testing.T) {
	token := personalToken(t)
	c := newCLI(t).with("MATTERCTL_URL="+srv.URL, "MATTERCTL_TOKEN="+token)
	me := decodeJSON[map[string]any](t, c.mustRun("", "api", "/users/me").Stdout)
	if me["username"] != srv.AdminUser {
		t.Fatalf("env credentials: %v", me["username"])
	}
	cur := decodeJSON[map[string]string](t, c.mustRun("", "auth", "current", "--json").Stdout)
	if cur["source"] != "MATTERCTL_URL/MATTERCTL_TOKEN" {
		t.Fatalf("source: %v", cur)
	}
	// The environment beats the current profile but not --server.
	c.login("stored")
	if cur := decodeJSON[map[string]string](t, c.mustRun("", "auth", "current", "--json").Stdout); cur["source"] != "MATTERCTL_URL/MATTERCTL_TOKEN" {
		t.Fatalf("env should win over the current profile: %v", cur)
	}
	if cur := decodeJSON[map[string]string](t, c.mustRun("", "auth", "current", "--json", "--server", "stored").Stdout); cur["name"] != "stored" {
		t.Fatalf("--server should win over env: %v", cur)
	}
	// MATTERCTL_SERVER names a profile.
	c2 := newCLI(t)
	c2.login("a")
	c2.login("b")
	if cur := decodeJSON[map[string]string](t, c2.with("MATTERCTL_SERVER=a").mustRun("", "auth", "current", "--json").Stdout); cur["name"] != "a" {
		t.Fatalf("MATTERCTL_SERVER: %v", cur)
	}
	// A bad env token is an auth failure; half-set env is refused.
	expectCode(t, newCLI(t).with("MATTERCTL_URL="+srv.URL, "MATTERCTL_TOKEN=bogus").run("", "api", "/users/me"), 4)
	expectCode(t, newCLI(t).with("MATTERCTL_URL="+srv.URL).run("", "api", "/users/me"), 4)
}

func TestLocalMode(t *testing.T) {
	c := newCLI(t).with("MATTERCTL_LOCAL_SOCKET=" + srv.SocketPath)
	users := decodeJSON[[]map[string]any](t, c.mustRun("", "--local", "api", "GET", "/users", "-F", "per_page=5").Stdout)
	if len(users) == 0 {
		t.Fatal("no users over the local socket")
	}
	cur := decodeJSON[map[string]string](t, c.mustRun("", "--local", "auth", "current", "--json").Stdout)
	if cur["source"] != "--local" {
		t.Fatalf("local source: %v", cur)
	}
	// A missing socket is a clear error, and there is never a silent fall-back to local mode.
	r := newCLI(t).with("MATTERCTL_LOCAL_SOCKET=/nonexistent/socket").run("", "--local", "api", "/users")
	expectCode(t, r, 1)
	if !strings.Contains(r.Stderr, "does not exist") {
		t.Errorf("missing socket: %q", r.Stderr)
	}
	r = newCLI(t).with("MATTERCTL_LOCAL_SOCKET="+srv.SocketPath).run("", "api", "/users")
	expectCode(t, r, 4)
}

func TestParallelLogins(t *testing.T) {
	c := newCLI(t)
	token := personalToken(t)
	const n = 50
	var wg sync.WaitGroup
	results := make([]result, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = c.run(token, "auth", "login", srv.URL, "--name", fmt.Sprintf("p%02d", i), "--token-stdin")
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.Code != 0 {
			t.Fatalf("login %d: exit %d: %s", i, r.Code, r.Stderr)
		}
	}
	list := decodeJSON[[]profileJSON](t, c.mustRun("", "auth", "list", "--json").Stdout)
	if len(list) != n {
		t.Fatalf("%d profiles after %d parallel logins", len(list), n)
	}
}

func TestCorruptConfig(t *testing.T) {
	c := newCLI(t)
	c.login("x")
	if err := os.WriteFile(c.configFile(), []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"auth", "list"}, {"api", "/users/me"}} {
		r := c.run("", args...)
		expectCode(t, r, 1)
		if !strings.Contains(r.Stderr, c.configFile()) || !strings.Contains(r.Stderr, "auth clean") {
			t.Errorf("%v: error does not name the file and the fix: %q", args, r.Stderr)
		}
	}
	expectCode(t, c.run(srv.AdminPassword, "auth", "login", srv.URL, "--name", "y", "--username", srv.AdminUser, "--password-stdin"), 1)
	if b, _ := os.ReadFile(c.configFile()); string(b) != "{not json" {
		t.Fatal("a corrupted config file was overwritten")
	}
	c.mustRun("", "auth", "clean")
	c.login("fresh")
}
