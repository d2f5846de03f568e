//go:build e2e

package e2e

// Faults injected between matterctl and the server by e2e/faultproxy: transient errors that
// reads survive and mutations survive only where a retry is safe, a server slower than
// --timeout, and the link cut in the middle of the streamed lists.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matterctl/matterctl/e2e/faultproxy"
)

// faultCLI runs matterctl as the admin through a fault proxy applying rule.
func faultCLI(t *testing.T, rule faultproxy.Rule) (*cli, *faultproxy.Proxy) {
	t.Helper()
	p, err := faultproxy.New(srv.URL, rule)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return newCLI(t).with("MATTERCTL_URL="+p.URL, "MATTERCTL_TOKEN="+adminToken), p
}

// pageOf is the page a list request asks for: the page query parameter, or the "page" of
// the JSON body of a search (POST /channels/search); 0 when absent. The body is put back.
func pageOf(r *http.Request) int {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/search") && r.Body != nil {
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		var body struct {
			Page int `json:"page"`
		}
		_ = json.Unmarshal(b, &body)
		return body.Page
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	return n
}

// TestFaultReadsRetried: every page of a user list first answers 503, 502 or 429 with
// Retry-After; the list still completes, whole, and each page was asked again.
func TestFaultReadsRetried(t *testing.T) {
	ensureUsers(t, streamUsers)
	want := countUsers(t)
	seen := map[string]int{}
	c, p := faultCLI(t, func(r *http.Request) *faultproxy.Fault {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/api/v4/users") {
			return nil
		}
		key := r.URL.RawQuery
		seen[key]++
		if seen[key] > 1 {
			return nil
		}
		switch pageOf(r) % 3 {
		case 0:
			return &faultproxy.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}
		case 1:
			return &faultproxy.Fault{Status: http.StatusServiceUnavailable}
		}
		return &faultproxy.Fault{Status: http.StatusBadGateway}
	})
	for _, args := range [][]string{
		{"user", "list", "--all", "--json", "--per-page", "50"},
		{"api", "/users?per_page=50", "--paginate"},
	} {
		t.Run(args[0], func(t *testing.T) {
			r := c.mustRun("", args...)
			users := decodeJSON[[]map[string]any](t, r.Stdout)
			if len(users) != want {
				t.Errorf("%d users listed through the faults, the server has %d", len(users), want)
			}
		})
	}
	injected, retried := 0, 0
	for _, e := range p.Log() {
		if e.Injected {
			injected++
		} else if e.Status == http.StatusOK {
			retried++
		}
	}
	if injected < 4 {
		t.Errorf("only %d faults were injected: the test did not exercise retries", injected)
	}
	t.Logf("%d transient failures injected, %d requests answered", injected, retried)
}

// TestFaultMutations: a 429 on a request that changes something is retried (the server did
// not act on it) and the change is made once; a 503 on a request that is not safe to repeat
// (creating a channel) is not retried, and is reported; a 503 on adding a member, which is
// safe to repeat, is retried.
func TestFaultMutations(t *testing.T) {
	teamID := tmCreate(t, tmName(), false)
	users := []string{createUser(t, unique("fm")), createUser(t, unique("fm"))}
	var mu sync.Mutex
	status, path, posts := 0, "", 0
	arm := func(s int, p string) {
		mu.Lock()
		defer mu.Unlock()
		status, path, posts = s, p, 0
	}
	sent := func() int {
		mu.Lock()
		defer mu.Unlock()
		return posts
	}
	c, _ := faultCLI(t, func(r *http.Request) *faultproxy.Fault {
		if r.Method != http.MethodPost || r.URL.Path != path {
			return nil
		}
		posts++
		if posts == 1 {
			return &faultproxy.Fault{Status: status, RetryAfter: "1"}
		}
		return nil
	})
	isMember := func(userID string) bool {
		s, _ := api(t, http.MethodGet, "/api/v4/teams/"+teamID+"/members/"+userID, nil)
		return s == http.StatusOK
	}

	t.Run("429 on an add is retried", func(t *testing.T) {
		arm(http.StatusTooManyRequests, "/api/v4/teams/"+teamID+"/members/batch")
		c.mustRun("", "team", "users", "add", teamID, users[0])
		if n := sent(); n != 2 {
			t.Errorf("%d POSTs for one add after a 429, want 2 (the refused one, then the retry)", n)
		}
		if !isMember(users[0]) {
			t.Error("the user is not a member after the retried add")
		}
	})
	t.Run("503 on an add is retried", func(t *testing.T) {
		arm(http.StatusServiceUnavailable, "/api/v4/teams/"+teamID+"/members/batch")
		c.mustRun("", "team", "users", "add", teamID, users[1])
		if n := sent(); n != 2 {
			t.Errorf("%d POSTs for one add after a 503, want 2: adding a member twice is adding it once", n)
		}
		if !isMember(users[1]) {
			t.Error("the user is not a member after the retried add")
		}
	})
	t.Run("503 on a create is not retried", func(t *testing.T) {
		arm(http.StatusServiceUnavailable, "/api/v4/channels")
		name := unique("fault-")
		r := c.run("", "channel", "create", "--team", teamID, "--name", name, "--display-name", "Fault "+name)
		if r.Code == 0 {
			t.Errorf("exit 0 after a 503 on the create: %s", r.Stderr)
		}
		if n := sent(); n != 1 {
			t.Errorf("%d POSTs after a 503, want 1: a create is not sent twice", n)
		}
		if !strings.Contains(r.Stderr, "503") {
			t.Errorf("the error does not name the 503: %q", r.Stderr)
		}
		if chanNamed(t, teamID, name) != nil {
			t.Error("the channel exists although the proxy answered 503 without forwarding")
		}
	})
}

// TestFaultSlowerThanTimeout: a server slower than --timeout fails the command with exit 1
// within the timeout plus one second, naming --timeout.
func TestFaultSlowerThanTimeout(t *testing.T) {
	c, _ := faultCLI(t, func(r *http.Request) *faultproxy.Fault {
		if strings.HasPrefix(r.URL.Path, "/api/v4/users") || strings.HasPrefix(r.URL.Path, "/api/v4/teams") {
			return &faultproxy.Fault{Delay: 30 * time.Second}
		}
		return nil
	})
	for _, args := range [][]string{
		{"user", "show", srv.AdminUser, "--timeout", "2s"},
		{"team", "list", "--timeout", "2s"},
		{"user", "list", "--all", "--json", "--timeout", "2s"},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			start := time.Now()
			r := c.run("", args...)
			took := time.Since(start)
			expectCode(t, r, 1)
			if took > 3*time.Second {
				t.Errorf("--timeout 2s took %s, want at most 3s", took.Round(10*time.Millisecond))
			}
			if !strings.Contains(r.Stderr, "--timeout") {
				t.Errorf("the error does not name --timeout: %q", r.Stderr)
			}
			if r.Stdout != "" && json.Valid([]byte(r.Stdout)) {
				t.Errorf("a complete JSON document after a timeout: %s", clip(r.Stdout))
			}
		})
	}
}

// TestFaultCutMidList: the link breaks for every page after the first of the streamed lists
// of team members, channels and webhooks (the lists of users and api --paginate are in
// stream_test.go):
// the first page is printed, the exit code is not 0, the JSON does not parse, stderr is one
// error line.
func TestFaultCutMidList(t *testing.T) {
	teamID := tmCreate(t, tmName(), false)
	ensureUsers(t, 210)
	var ids []string
	for page := 0; len(ids) < 205; page++ {
		for _, u := range apiJSON[[]map[string]any](t, http.MethodGet, fmt.Sprintf("/api/v4/users?page=%d&per_page=200&active=true", page), nil) {
			if b, _ := u["is_bot"].(bool); !b {
				ids = append(ids, u["id"].(string))
			}
		}
	}
	for i := 0; i < len(ids); i += 200 {
		batch := []map[string]any{}
		for _, id := range ids[i:min(i+200, len(ids))] {
			batch = append(batch, map[string]any{"team_id": teamID, "user_id": id})
		}
		if s, b := api(t, http.MethodPost, "/api/v4/teams/"+teamID+"/members/batch?graceful=true", batch); s != http.StatusCreated && s != http.StatusOK {
			t.Fatalf("adding members: HTTP %d: %s", s, b)
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range 205 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			chanMake(t, teamID, fmt.Sprintf("cut-%03d", i), "O")
		}()
	}
	wg.Wait()

	// 205 incoming hooks in one channel of the team: two pages of the server's hook list.
	townSquare := chanNamed(t, teamID, "town-square")["id"].(string)
	var hooks []string
	var hooksMu sync.Mutex
	for i := range 205 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			h := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/hooks/incoming", map[string]any{
				"channel_id": townSquare, "display_name": fmt.Sprintf("cut hook %03d", i),
			})
			hooksMu.Lock()
			hooks = append(hooks, h["id"].(string))
			hooksMu.Unlock()
		}()
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, id := range hooks {
			api(t, http.MethodDelete, "/api/v4/hooks/incoming/"+id, nil)
		}
	})

	c, _ := faultCLI(t, func(r *http.Request) *faultproxy.Fault {
		if pageOf(r) >= 1 {
			return &faultproxy.Fault{Hangup: true}
		}
		return nil
	})
	for _, args := range [][]string{
		{"team", "users", "list", teamID, "--json"},
		{"channel", "list", teamID, "--json"},
		{"webhook", "list", "--incoming", "--json"},
	} {
		t.Run(strings.Join(args[:2], " "), func(t *testing.T) {
			r := c.run("", args...)
			oneLineError(t, r)
			if json.Valid([]byte(r.Stdout)) {
				t.Fatalf("stdout parses as a complete JSON document after the cut (exit %d)", r.Code)
			}
			if !strings.HasPrefix(r.Stdout, "[") || !strings.Contains(r.Stdout, `"id"`) {
				t.Errorf("the first page was not printed before the cut: %s", clip(r.Stdout))
			}
		})
	}
}

// TestFaultConcurrentProfiles runs 20 matterctl processes at once on one config file, mixing
// logins, switches of the current profile and API calls: every profile survives, the file
// stays valid JSON with mode 0600.
func TestFaultConcurrentProfiles(t *testing.T) {
	c := newCLI(t)
	token := personalToken(t)
	for _, name := range []string{"base-a", "base-b"} {
		c.mustRun(token, "auth", "login", srv.URL, "--name", name, "--token-stdin")
	}
	const n = 20
	var wg sync.WaitGroup
	results := make([]result, n)
	argv := make([][]string, n)
	for i := range n {
		var args []string
		stdin := ""
		switch i % 4 {
		case 0, 1:
			args, stdin = []string{"auth", "login", srv.URL, "--name", fmt.Sprintf("par-%02d", i), "--token-stdin", "--no-activate"}, token
		case 2:
			args = []string{"auth", "set", []string{"base-a", "base-b"}[i%8/4]}
		default:
			args = []string{"user", "show", srv.AdminUser, "--server", "base-a", "--json"}
		}
		argv[i] = args
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = c.run(stdin, args...)
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r.Code != 0 {
			t.Errorf("matterctl %s: exit %d: %s", strings.Join(argv[i], " "), r.Code, r.Stderr)
		}
	}
	raw, err := os.ReadFile(c.configFile())
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Current  string                     `json:"current"`
		Profiles map[string]json.RawMessage `json:"profiles"`
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatalf("the config file is not valid JSON after the parallel runs: %v", err)
	}
	wantN := 2 + n/2
	if len(file.Profiles) != wantN {
		t.Errorf("%d profiles after the parallel runs, want %d", len(file.Profiles), wantN)
	}
	if file.Current != "base-a" && file.Current != "base-b" {
		t.Errorf("current profile %q, want base-a or base-b", file.Current)
	}
	if fi, err := os.Stat(c.configFile()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("config file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

// TestFaultMembersNoneLost: `team users add --file` with 450 users, while one batch's answer is
// lost after the server added its users and another batch meets a 503: every user is reported
// once and ends a member; a re-run finds them all members already.
func TestFaultMembersNoneLost(t *testing.T) {
	ensureUsers(t, 460)
	teamID := tmCreate(t, tmName(), false)
	var ids []string
	for page := 0; len(ids) < 450; page++ {
		users := apiJSON[[]map[string]any](t, http.MethodGet, fmt.Sprintf("/api/v4/users?page=%d&per_page=200&active=true", page), nil)
		if len(users) == 0 {
			t.Fatalf("only %d active users", len(ids))
		}
		for _, u := range users {
			if b, _ := u["is_bot"].(bool); !b && len(ids) < 450 {
				ids = append(ids, u["id"].(string))
			}
		}
	}
	path := t.TempDir() + "/members.txt"
	if err := os.WriteFile(path, []byte(strings.Join(ids, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	batches := 0
	c, p := faultCLI(t, func(r *http.Request) *faultproxy.Fault {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/teams/"+teamID+"/members/batch") {
			return nil
		}
		batches++
		switch batches {
		case 1:
			return &faultproxy.Fault{Hangup: true, Forward: true} // done, answer lost
		case 2:
			return &faultproxy.Fault{Status: http.StatusServiceUnavailable} // not done
		}
		return nil
	})
	r := c.mustRun("", "team", "users", "add", teamID, "--file", path, "--json")
	var rows []struct {
		Input string `json:"input"`
		OK    bool   `json:"ok"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &rows); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, clip(r.Stdout))
	}
	seen := map[string]int{}
	for _, row := range rows {
		seen[row.Input]++
		if !row.OK {
			t.Errorf("%s reported failed", row.Input)
		}
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("%s reported %d times", id, seen[id])
		}
	}
	members := 0
	for page := 0; ; page++ {
		ms := apiJSON[[]map[string]any](t, http.MethodGet, fmt.Sprintf("/api/v4/teams/%s/members?page=%d&per_page=200", teamID, page), nil)
		members += len(ms)
		if len(ms) < 200 {
			break
		}
	}
	if members < len(ids) {
		t.Errorf("the team has %d members after adding %d users", members, len(ids))
	}
	injected := 0
	for _, e := range p.Log() {
		if e.Injected {
			injected++
		}
	}
	if injected != 2 {
		t.Errorf("%d faults injected, want 2", injected)
	}
	r = c.mustRun("", "team", "users", "add", teamID, "--file", path)
	if n := strings.Count(r.Stderr, "already a member"); n != len(ids) {
		t.Errorf("the re-run says %d users are already members, want %d", n, len(ids))
	}
}
