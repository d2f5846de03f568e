//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// ensureUsers makes sure the server has at least n users, creating them through the API.
func ensureUsers(t *testing.T, n int) {
	t.Helper()
	have := countUsers(t)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := have; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			createUser(t, unique("bulk"))
		}()
	}
	wg.Wait()
}

// countUsers pages through GET /users directly to learn the server's own count.
func countUsers(t *testing.T) int {
	t.Helper()
	total := 0
	for page := 0; ; page++ {
		users := apiJSON[[]json.RawMessage](t, http.MethodGet, fmt.Sprintf("/api/v4/users?page=%d&per_page=200", page), nil)
		total += len(users)
		if len(users) < 200 {
			return total
		}
	}
}

func adminCLI(t *testing.T) *cli {
	t.Helper()
	c := newCLI(t)
	c.login("admin")
	return c
}

func TestAPIPaginate(t *testing.T) {
	ensureUsers(t, 450)
	c := adminCLI(t)
	want := countUsers(t)
	r := c.mustRun("", "api", "/users", "--paginate")
	users := decodeJSON[[]map[string]any](t, r.Stdout)
	if len(users) != want {
		t.Fatalf("--paginate returned %d users, the server has %d", len(users), want)
	}
	seen := map[string]bool{}
	for _, u := range users {
		id := u["id"].(string)
		if seen[id] {
			t.Fatalf("user %s twice", id)
		}
		seen[id] = true
	}
	got := strings.TrimSpace(c.mustRun("", "api", "/users", "--paginate", "--jq", "length").Stdout)
	if got != strconv.Itoa(want) {
		t.Fatalf("--paginate --jq length = %s, want %d", got, want)
	}
	// A small per_page is honoured page by page.
	small := decodeJSON[[]json.RawMessage](t, c.mustRun("", "api", "/users?per_page=7", "--paginate").Stdout)
	if len(small) != want {
		t.Fatalf("per_page=7 --paginate returned %d, want %d", len(small), want)
	}
}

func TestAPIRequests(t *testing.T) {
	c := adminCLI(t)
	name := unique("apiuser")

	// POST with typed fields creates a user; the JSON body carries the right types.
	r := c.mustRun("", "api", "POST", "/users", "-f", "username="+name, "-f", "email="+name+"@example.com", "-f", "password=Passw0rd-"+name)
	created := decodeJSON[map[string]any](t, r.Stdout)
	id, _ := created["id"].(string)
	if id == "" {
		t.Fatalf("no id in %v", created)
	}
	// PUT with a typed boolean.
	c.mustRun("", "api", "PUT", "/users/"+id+"/active", "-F", "active=false")
	u := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/"+id, nil)
	if u["delete_at"].(float64) == 0 {
		t.Fatal("user not deactivated through api PUT -F active=false")
	}
	// --input from stdin.
	r = c.mustRun(`["`+name+`"]`, "api", "POST", "/users/usernames", "--input", "-")
	if got := decodeJSON[[]map[string]any](t, r.Stdout); len(got) != 1 || got[0]["id"] != id {
		t.Fatalf("--input -: %v", got)
	}
	// -f on a GET becomes the query string.
	if got := decodeJSON[[]json.RawMessage](t, c.mustRun("", "api", "/users", "-X", "GET", "-f", "per_page=3").Stdout); len(got) != 3 {
		t.Fatalf("GET -f per_page=3 returned %d", len(got))
	}
	// -i prints the status line and headers.
	r = c.mustRun("", "api", "-i", "/system/ping")
	if !strings.HasPrefix(r.Stdout, "HTTP/1.1 200") || !strings.Contains(r.Stdout, "X-Version-Id:") {
		t.Fatalf("-i output:\n%s", r.Stdout)
	}
	// -H adds a header (an ETag makes the server answer 304 with no body).
	me := c.mustRun("", "api", "-i", "/users/me").Stdout
	etag := ""
	for _, line := range strings.Split(me, "\n") {
		if strings.HasPrefix(line, "Etag: ") {
			etag = strings.TrimSpace(strings.TrimPrefix(line, "Etag: "))
		}
	}
	if etag != "" {
		r = c.mustRun("", "api", "-i", "-H", "If-None-Match: "+etag, "/users/me")
		if !strings.HasPrefix(r.Stdout, "HTTP/1.1 304") {
			t.Fatalf("-H If-None-Match: %s", r.Stdout)
		}
	}
}

func TestAPIErrors(t *testing.T) {
	c := adminCLI(t)
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"api", "/users/" + strings.Repeat("a", 26)}, 5},
		{[]string{"api", "/users/not-an-id"}, 5},
		{[]string{"api", "DELETE", "/nonexistent/route"}, 5},
		{[]string{"api", "BREW", "/users/me"}, 2},
		{[]string{"api", "POST", "/users", "--paginate"}, 2},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := c.run("", tt.args...)
			expectCode(t, r, tt.code)
			if tt.code != 2 {
				// The error body is still data on stdout; the message goes to stderr.
				body := decodeJSON[map[string]any](t, r.Stdout)
				if body["status_code"] == nil || !strings.Contains(r.Stderr, "HTTP") {
					t.Fatalf("stdout %q stderr %q", r.Stdout, r.Stderr)
				}
			}
		})
	}
	// A non-admin gets 403 → exit 4.
	name := unique("plain")
	createUser(t, name)
	u := newCLI(t)
	u.mustRun("Passw0rd-"+name, "auth", "login", srv.URL, "--name", "u", "--username", name, "--password-stdin")
	admin := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/me", nil)
	r := u.run("", "api", "PUT", "/users/"+admin["id"].(string)+"/active", "-F", "active=false")
	expectCode(t, r, 4)
	if !strings.Contains(r.Stderr, "permission") {
		t.Errorf("no permission hint: %q", r.Stderr)
	}
}

func TestOutputFormats(t *testing.T) {
	c := adminCLI(t)
	c.login("second")
	table := c.mustRun("", "auth", "list", "--format", "table").Stdout
	if !strings.HasPrefix(table, "CURRENT") || !strings.Contains(table, "NAME") {
		t.Fatalf("table:\n%s", table)
	}
	plain := c.mustRun("", "auth", "list", "--format", "plain").Stdout
	if strings.Contains(plain, "NAME") || strings.Count(plain, "\t") != 8 {
		t.Fatalf("plain:\n%q", plain)
	}
	js := decodeJSON[[]profileJSON](t, c.mustRun("", "auth", "list", "--format", "json").Stdout)
	if len(js) != 2 {
		t.Fatalf("json: %v", js)
	}
	jsonl := c.mustRun("", "auth", "list", "--format", "jsonl").Stdout
	lines := strings.Split(strings.TrimSpace(jsonl), "\n")
	if len(lines) != 2 {
		t.Fatalf("jsonl:\n%s", jsonl)
	}
	for _, l := range lines {
		decodeJSON[profileJSON](t, l)
	}
	if got := c.mustRun("", "auth", "list", "--jq", ".[].name").Stdout; got != "admin\nsecond\n" {
		t.Fatalf("--jq raw strings: %q", got)
	}
	expectCode(t, c.run("", "auth", "list", "--format", "yaml"), 2)
	expectCode(t, c.run("", "auth", "list", "--jq", ".[] | bogus("), 2)
	expectCode(t, c.run("", "auth", "list", "--json", "--format", "table"), 2)

	// Empty list: [] in JSON, nothing in plain.
	e := newCLI(t)
	if got := e.mustRun("", "auth", "list", "--json").Stdout; got != "[]\n" {
		t.Fatalf("empty json list: %q", got)
	}
	if got := e.mustRun("", "auth", "list").Stdout; got != "" {
		t.Fatalf("empty plain list: %q", got)
	}
}

func TestJSONIntoRealJQ(t *testing.T) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		t.Skip("jq is not installed")
	}
	c := adminCLI(t)
	cfg := filepath.Join(c.config, "matterctl", "config.json")
	for _, args := range [][]string{
		{"auth", "list", "--json"},
		{"auth", "status", "--json"},
		{"auth", "current", "--json"},
		{"version", "--json"},
		{"api", "/users", "--paginate"},
	} {
		if out, err := runPiped(t, append(c.environ(), "MATTERCTL_CONFIG="+cfg), args, fmt.Sprintf("%q -e . > /dev/null", jq)); err != nil {
			t.Fatalf("%v | jq: %v\n%s", args, err, out)
		}
	}
}

func TestVersion(t *testing.T) {
	c := newCLI(t)
	if r := c.mustRun("", "--version"); !strings.HasPrefix(r.Stdout, "matterctl version ") {
		t.Fatalf("--version: %q", r.Stdout)
	}
	v := decodeJSON[map[string]any](t, c.mustRun("", "version", "--json").Stdout)
	if v["server"] != nil {
		t.Fatalf("server info without credentials: %v", v)
	}
	c.login("v")
	v = decodeJSON[map[string]any](t, c.mustRun("", "version", "--json").Stdout)
	s, _ := v["server"].(map[string]any)
	if s["version"] != srv.Version || s["reachable"] != true {
		t.Fatalf("server version: %v", v)
	}
	// An unreachable server is reported, not fatal.
	off := newCLI(t).with("MATTERCTL_URL=http://127.0.0.1:9", "MATTERCTL_TOKEN=x")
	v = decodeJSON[map[string]any](t, off.mustRun("", "version", "--json").Stdout)
	if s, _ := v["server"].(map[string]any); s["reachable"] != false || s["error"] == "" {
		t.Fatalf("unreachable server: %v", v)
	}
}

func TestExitCodes(t *testing.T) {
	c := newCLI(t)
	for _, tt := range []struct {
		args []string
		code int
	}{
		{[]string{"nosuchcommand"}, 2},
		{[]string{"auth", "list", "--nosuchflag"}, 2},
		{[]string{"auth", "delete"}, 2},
		{[]string{"api", "/users/me"}, 4},
		{[]string{"auth", "delete", "nosuch"}, 5},
		{[]string{"help", "exit-codes"}, 0},
		{[]string{"help", "environment"}, 0},
		{[]string{"help", "formatting"}, 0},
		{[]string{"completion", "bash"}, 0},
		{[]string{"completion", "zsh"}, 0},
		{[]string{"completion", "fish"}, 0},
		{[]string{"completion", "powershell"}, 0},
		{[]string{"--timeout", "0s", "auth", "list"}, 2},
	} {
		expectCode(t, c.run("", tt.args...), tt.code)
	}
	if _, err := os.Stat(c.configFile()); !os.IsNotExist(err) {
		t.Fatal("read-only commands created a config file")
	}
}
