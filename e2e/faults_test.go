//go:build e2e

package e2e

// Faults injected between matterctl and the server by e2e/faultproxy: transient errors that
// reads survive and mutations survive only where a retry is safe, a server slower than
// --timeout, and the link cut in the middle of the streamed lists.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matterctl/matterctl/e2e/faultproxy"
	"github.com/matterctl/matterctl/e2e/harness"
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

// activeHumans returns the IDs of n active users who are not bots, creating the missing ones:
// ensureUsers counts bots and deactivated users too, which other tests leave behind.
func activeHumans(t *testing.T, n int) []string {
	t.Helper()
	var ids []string
	for page := 0; len(ids) < n; page++ {
		users := apiJSON[[]map[string]any](t, http.MethodGet, fmt.Sprintf("/api/v4/users?page=%d&per_page=200&active=true", page), nil)
		for _, u := range users {
			if b, _ := u["is_bot"].(bool); !b && len(ids) < n {
				ids = append(ids, u["id"].(string))
			}
		}
		if len(users) < 200 {
			break
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for range n - len(ids) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			id := createUser(t, unique("bulk"))
			mu.Lock()
			ids = append(ids, id)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return ids
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
	ids := activeHumans(t, 205)
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

// TestFaultFileCreateLostAnswers: `user create --file` where two creates lose their answers,
// one after the server made the user and one before it got the request: the first is found and
// reported created, the second is sent again; every user exists once, and is reported once.
func TestFaultFileCreateLostAnswers(t *testing.T) {
	run := unique("fl")
	names := []string{run + "-made", run + "-unsent", run + "-plain"}
	var file strings.Builder
	file.WriteString("username,email,password\n")
	for _, n := range names {
		mutDropUsername(t, n)
		fmt.Fprintf(&file, "%s,%s@example.com,Passw0rd-%s\n", n, n, n)
	}
	path := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(path, []byte(file.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	posts := map[string]int{}
	c, _ := faultCLI(t, func(r *http.Request) *faultproxy.Fault {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v4/users" || r.Body == nil {
			return nil
		}
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		var u struct {
			Username string `json:"username"`
		}
		_ = json.Unmarshal(b, &u)
		mu.Lock()
		defer mu.Unlock()
		posts[u.Username]++
		if posts[u.Username] > 1 {
			return nil
		}
		switch u.Username {
		case names[0]:
			return &faultproxy.Fault{Hangup: true, Forward: true} // made, answer lost
		case names[1]:
			return &faultproxy.Fault{Hangup: true} // never reached the server
		}
		return nil
	})
	r := c.run("", "user", "create", "--file", path, "--json")
	expectCode(t, r, 0)
	rows := decodeJSON[[]map[string]any](t, r.Stdout)
	if len(rows) != len(names) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(names), r.Stdout)
	}
	for _, row := range rows {
		if row["status"] != "created" {
			t.Errorf("row %v: status %v, want created", row["input"], row["status"])
		}
	}
	for _, want := range []string{
		"Created user " + names[0] + " (checked after the answer was lost)",
		"Created user " + names[1] + " (sent again: the server did not have it after the answer was lost)",
		"Created user " + names[2] + "\n",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if want := map[string]int{names[0]: 1, names[1]: 2, names[2]: 1}; !maps.Equal(posts, want) {
		t.Errorf("creates sent %v, want %v", posts, want)
	}
	found := apiJSON[[]map[string]any](t, http.MethodPost, "/api/v4/users/usernames", names)
	if len(found) != len(names) {
		t.Errorf("the server has %d of the %d users", len(found), len(names))
	}
}

// TestFaultMembersNoneLost: `team users add --file` with 450 users, while one batch's answer is
// lost after the server added its users and another batch meets a 503: every user is reported
// once and ends a member; a re-run finds them all members already.
func TestFaultMembersNoneLost(t *testing.T) {
	teamID := tmCreate(t, tmName(), false)
	ids := activeHumans(t, 450)
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

// mutFixture is what the cases of TestFaultMutationPolicy share: made once, through the API.
type mutFixture struct {
	teamID, teamName string // the team the channels, hooks and members are made in
	otherTeamID      string // the team channels move to
	adminID          string
	townSquare       string // a channel of teamID for the incoming hooks
	pluginID         string // an installed plugin (webapp only: enabling it starts no process)
	pluginBundle     string // its bundle
	pluginURL        string // its bundle at the loopback marketplace, for install-url
}

// mutRun is one prepared run of a verb: fresh objects for it alone.
type mutRun struct {
	args    []string
	path    string      // the URL path of the request that makes the change
	changed func() bool // whether the server holds the change the verb makes
	token   string      // whose token the verb runs with: the admin's when empty
}

// mutCase is one mutating verb. retried is the policy of `matterctl help retries` for it: a
// 503 answered in place of the request, and an answer lost after the server acted, are sent
// again only when the request is safe to repeat.
type mutCase struct {
	verb    string
	method  string
	retried bool
	// webhook send has rules of its own (its --help): a 503 is retried (the post was not made),
	// an answer lost is not, and it says so in its own words.
	sendRules bool
	serial    bool // changes server-wide state another case would see (a plugin's)
	setup     func(t *testing.T, fx *mutFixture) mutRun
}

// mutFault is one way the first request of a verb fails. unsure: after it, for all matterctl
// can tell, the server may have acted (a gateway's 502 may come after the server got the
// request, though here it never does).
type mutFault struct {
	name   string
	fault  faultproxy.Fault
	unsure bool
}

var mutFaults = []mutFault{
	{"503", faultproxy.Fault{Status: http.StatusServiceUnavailable}, false},
	{"502", faultproxy.Fault{Status: http.StatusBadGateway}, true},
	{"429", faultproxy.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1"}, false},
	{"lost answer", faultproxy.Fault{Hangup: true, Forward: true}, true},
}

// mutLostWords is how matterctl tells, after an answer lost on a request it does not send
// again, that the change may have been made; mutSendLostWords how webhook send tells it.
const (
	mutLostWords     = "the server may have made the change"
	mutSendLostWords = "the post may have been made"
)

func mutUser(t *testing.T, prefix string) (id, name string) {
	t.Helper()
	name = unique(prefix)
	id = createUser(t, name)
	mutDropUser(t, id)
	return id, name
}

// mutDropUser permanently deletes a user or a bot when the test ends, so that the runs do not
// pile up users (other tests count them).
func mutDropUser(t *testing.T, id string) {
	t.Cleanup(func() { api(t, http.MethodDelete, "/api/v4/users/"+id+"?permanent=true", nil) })
}

// mutDropUsername is mutDropUser for a user the verb under test may have created.
func mutDropUsername(t *testing.T, name string) {
	t.Cleanup(func() {
		if s, b := api(t, http.MethodGet, "/api/v4/users/username/"+name, nil); s == http.StatusOK {
			api(t, http.MethodDelete, "/api/v4/users/"+decodeJSON[map[string]any](t, string(b))["id"].(string)+"?permanent=true", nil)
		}
	})
}

func mutUserField(t *testing.T, id, field string) any {
	t.Helper()
	return apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/"+id, nil)[field]
}

func mutTeam(t *testing.T) (id, name string) {
	t.Helper()
	name = tmName()
	return tmCreate(t, name, false), name
}

func mutBot(t *testing.T) (id, name string) {
	t.Helper()
	name = unique("mbot")
	id = btCreate(t, name)
	mutDropUser(t, id)
	return id, name
}

func mutBotField(t *testing.T, id, field string) any {
	t.Helper()
	return apiJSON[map[string]any](t, http.MethodGet, "/api/v4/bots/"+id+"?include_deleted=true", nil)[field]
}

func mutIncoming(t *testing.T, channelID string) string {
	t.Helper()
	h := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/hooks/incoming", map[string]any{"channel_id": channelID, "display_name": unique("mhook")})
	id := h["id"].(string)
	t.Cleanup(func() { api(t, http.MethodDelete, "/api/v4/hooks/incoming/"+id, nil) })
	return id
}

func mutIsTeamMember(t *testing.T, teamID, userID string) bool {
	t.Helper()
	status, b := api(t, http.MethodGet, "/api/v4/teams/"+teamID+"/members/"+userID, nil)
	if status != http.StatusOK {
		return false
	}
	return decodeJSON[map[string]any](t, string(b))["delete_at"].(float64) == 0
}

func mutChannelField(t *testing.T, id, field string) any {
	t.Helper()
	return chanGet(t, id)[field]
}

// mutCases are the mutating verbs of every group, each with the request that makes its change.
func mutCases() []mutCase {
	return []mutCase{
		// user
		{verb: "user create", method: http.MethodPost, setup: func(t *testing.T, fx *mutFixture) mutRun {
			name := unique("mnew")
			mutDropUsername(t, name)
			return mutRun{
				args: []string{"user", "create", "--username", name, "--email", name + "@example.com", "--password", "Passw0rd-" + name},
				path: "/api/v4/users",
				changed: func() bool {
					s, _ := api(t, http.MethodGet, "/api/v4/users/username/"+name, nil)
					return s == http.StatusOK
				},
			}
		}},
		{verb: "user deactivate", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutUser(t, "mdeac")
			return mutRun{args: []string{"user", "deactivate", name}, path: "/api/v4/users/" + id + "/active",
				changed: func() bool { return mutUserField(t, id, "delete_at").(float64) != 0 }}
		}},
		{verb: "user activate", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutUser(t, "mact")
			apiJSON[map[string]any](t, http.MethodPut, "/api/v4/users/"+id+"/active", map[string]any{"active": false})
			return mutRun{args: []string{"user", "activate", name}, path: "/api/v4/users/" + id + "/active",
				changed: func() bool { return mutUserField(t, id, "delete_at").(float64) == 0 }}
		}},
		{verb: "user delete", method: http.MethodDelete, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutUser(t, "mdel")
			return mutRun{args: []string{"user", "delete", name, "--confirm"}, path: "/api/v4/users/" + id,
				changed: func() bool { return userGone(t, id) }}
		}},
		{verb: "user edit username", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutUser(t, "medit")
			to := unique("medited")
			return mutRun{args: []string{"user", "edit", "username", name, to}, path: "/api/v4/users/" + id + "/patch",
				changed: func() bool { return mutUserField(t, id, "username") == to }}
		}},
		{verb: "user change-password (admin)", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutUser(t, "mpwa")
			to := mutSecretFile(t, "Passw0rd-new-"+name)
			return mutRun{args: []string{"user", "change-password", name, "--password-file", to}, path: "/api/v4/users/" + id + "/password",
				changed: func() bool { return mutLogin(t, name, "Passw0rd-new-"+name) != "" }}
		}},
		{verb: "user change-password (own)", method: http.MethodPut, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutUser(t, "mpwo")
			token := mutLogin(t, name, "Passw0rd-"+name)
			if token == "" {
				t.Fatalf("login as %s failed", name)
			}
			cur, to := mutSecretFile(t, "Passw0rd-"+name), mutSecretFile(t, "Passw0rd-new-"+name)
			return mutRun{args: []string{"user", "change-password", name, "--current-file", cur, "--password-file", to}, path: "/api/v4/users/" + id + "/password",
				changed: func() bool { return mutLogin(t, name, "Passw0rd-new-"+name) != "" }, token: token}
		}},
		{verb: "user preference set", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutUser(t, "mpref")
			return mutRun{args: []string{"user", "preference", "set", name, "--category", "display_settings", "--name", "use_military_time", "--value", "true"},
				path: "/api/v4/users/" + id + "/preferences",
				changed: func() bool {
					s, b := api(t, http.MethodGet, "/api/v4/users/"+id+"/preferences/display_settings/name/use_military_time", nil)
					return s == http.StatusOK && decodeJSON[map[string]any](t, string(b))["value"] == "true"
				}}
		}},
		// token
		{verb: "token generate", method: http.MethodPost, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutUser(t, "mtok")
			return mutRun{args: []string{"token", "generate", name, "fault test"}, path: "/api/v4/users/" + id + "/tokens",
				changed: func() bool { return len(serverTokens(t, id)) > 0 }}
		}},
		{verb: "token revoke", method: http.MethodPost, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, _ := mutUser(t, "mrev")
			tok := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/users/"+id+"/tokens", map[string]any{"description": "fault test"})
			tokID := tok["id"].(string)
			return mutRun{args: []string{"token", "revoke", tokID, "--yes"}, path: "/api/v4/users/tokens/revoke",
				changed: func() bool { _, ok := serverTokens(t, id)[tokID]; return !ok }}
		}},
		// roles
		{verb: "roles system-admin", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutUser(t, "mrole")
			return mutRun{args: []string{"roles", "system-admin", name}, path: "/api/v4/users/" + id + "/roles",
				changed: func() bool { return strings.Contains(mutUserField(t, id, "roles").(string), "system_admin") }}
		}},
		{verb: "roles member", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutUser(t, "mmem")
			apiJSON[map[string]any](t, http.MethodPut, "/api/v4/users/"+id+"/roles", map[string]any{"roles": "system_user system_admin"})
			return mutRun{args: []string{"roles", "member", name}, path: "/api/v4/users/" + id + "/roles",
				changed: func() bool { return !strings.Contains(mutUserField(t, id, "roles").(string), "system_admin") }}
		}},
		// team
		{verb: "team create", method: http.MethodPost, setup: func(t *testing.T, fx *mutFixture) mutRun {
			name := tmName()
			t.Cleanup(func() {
				if team := tmByName(t, name); team != nil {
					api(t, http.MethodDelete, "/api/v4/teams/"+team["id"].(string)+"?permanent=true", nil)
				}
			})
			return mutRun{args: []string{"team", "create", "--name", name, "--display-name", "Fault " + name}, path: "/api/v4/teams",
				changed: func() bool { return tmByName(t, name) != nil }}
		}},
		{verb: "team archive", method: http.MethodDelete, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutTeam(t)
			return mutRun{args: []string{"team", "archive", name, "--yes"}, path: "/api/v4/teams/" + id,
				changed: func() bool { return tmArchived(t, name) }}
		}},
		{verb: "team restore", method: http.MethodPost, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutTeam(t)
			api(t, http.MethodDelete, "/api/v4/teams/"+id, nil)
			return mutRun{args: []string{"team", "restore", name}, path: "/api/v4/teams/" + id + "/restore",
				changed: func() bool { return !tmArchived(t, name) }}
		}},
		{verb: "team delete", method: http.MethodDelete, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutTeam(t)
			return mutRun{args: []string{"team", "delete", name, "--yes"}, path: "/api/v4/teams/" + id,
				changed: func() bool { return tmByName(t, name) == nil }}
		}},
		{verb: "team rename", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutTeam(t)
			return mutRun{args: []string{"team", "rename", name, "--display-name", "Renamed " + name}, path: "/api/v4/teams/" + id + "/patch",
				changed: func() bool { return tmMustExist(t, name)["display_name"] == "Renamed "+name }}
		}},
		{verb: "team modify", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutTeam(t)
			return mutRun{args: []string{"team", "modify", name, "--private"}, path: "/api/v4/teams/" + id + "/privacy",
				changed: func() bool { return tmMustExist(t, name)["type"] == "I" }}
		}},
		{verb: "team users add", method: http.MethodPost, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutUser(t, "mtadd")
			return mutRun{args: []string{"team", "users", "add", fx.teamID, name}, path: "/api/v4/teams/" + fx.teamID + "/members/batch",
				changed: func() bool { return mutIsTeamMember(t, fx.teamID, id) }}
		}},
		{verb: "team users remove", method: http.MethodDelete, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutUser(t, "mtrm")
			addToTeam(t, fx.teamID, id)
			return mutRun{args: []string{"team", "users", "remove", fx.teamID, name}, path: "/api/v4/teams/" + fx.teamID + "/members/" + id,
				changed: func() bool { return !mutIsTeamMember(t, fx.teamID, id) }}
		}},
		// channel
		{verb: "channel create", method: http.MethodPost, setup: func(t *testing.T, fx *mutFixture) mutRun {
			name := unique("mch-")
			return mutRun{args: []string{"channel", "create", "--team", fx.teamID, "--name", name, "--display-name", "Fault " + name}, path: "/api/v4/channels",
				changed: func() bool { return chanNamed(t, fx.teamID, name) != nil }}
		}},
		{verb: "channel archive", method: http.MethodDelete, setup: func(t *testing.T, fx *mutFixture) mutRun {
			name := unique("mcharc-")
			id := chanMake(t, fx.teamID, name, "O")
			return mutRun{args: []string{"channel", "archive", fx.teamName + ":" + name}, path: "/api/v4/channels/" + id,
				changed: func() bool { return chanArchived(t, id) }}
		}},
		{verb: "channel unarchive", method: http.MethodPost, setup: func(t *testing.T, fx *mutFixture) mutRun {
			name := unique("mchun-")
			id := chanMake(t, fx.teamID, name, "O")
			chanArchive(t, id)
			return mutRun{args: []string{"channel", "unarchive", fx.teamName + ":" + name}, path: "/api/v4/channels/" + id + "/restore",
				changed: func() bool { return !chanArchived(t, id) }}
		}},
		{verb: "channel delete", method: http.MethodDelete, setup: func(t *testing.T, fx *mutFixture) mutRun {
			name := unique("mchdel-")
			id := chanMake(t, fx.teamID, name, "O")
			return mutRun{args: []string{"channel", "delete", fx.teamName + ":" + name, "--yes"}, path: "/api/v4/channels/" + id,
				changed: func() bool { return chanGet(t, id) == nil }}
		}},
		{verb: "channel rename", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			name := unique("mchren-")
			id := chanMake(t, fx.teamID, name, "O")
			return mutRun{args: []string{"channel", "rename", fx.teamName + ":" + name, "--display-name", "Renamed " + name}, path: "/api/v4/channels/" + id + "/patch",
				changed: func() bool { return mutChannelField(t, id, "display_name") == "Renamed "+name }}
		}},
		{verb: "channel modify", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			name := unique("mchmod-")
			id := chanMake(t, fx.teamID, name, "O")
			return mutRun{args: []string{"channel", "modify", fx.teamName + ":" + name, "--private"}, path: "/api/v4/channels/" + id + "/privacy",
				changed: func() bool { return mutChannelField(t, id, "type") == "P" }}
		}},
		{verb: "channel move", method: http.MethodPost, setup: func(t *testing.T, fx *mutFixture) mutRun {
			name := unique("mchmv-")
			id := chanMake(t, fx.teamID, name, "O")
			return mutRun{args: []string{"channel", "move", fx.otherTeamID, fx.teamName + ":" + name}, path: "/api/v4/channels/" + id + "/move",
				changed: func() bool { return mutChannelField(t, id, "team_id") == fx.otherTeamID }}
		}},
		{verb: "channel users add", method: http.MethodPost, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			name := unique("mchadd-")
			id := chanMake(t, fx.teamID, name, "O")
			uid, uname := mutUser(t, "mcadd")
			addToTeam(t, fx.teamID, uid)
			return mutRun{args: []string{"channel", "users", "add", fx.teamName + ":" + name, uname}, path: "/api/v4/channels/" + id + "/members",
				changed: func() bool { return chanIsMember(t, id, uid) }}
		}},
		{verb: "channel users remove", method: http.MethodDelete, setup: func(t *testing.T, fx *mutFixture) mutRun {
			name := unique("mchrm-")
			id := chanMake(t, fx.teamID, name, "O")
			uid, uname := mutUser(t, "mcrm")
			addToTeam(t, fx.teamID, uid)
			chanAddMember(t, id, uid)
			return mutRun{args: []string{"channel", "users", "remove", fx.teamName + ":" + name, uname}, path: "/api/v4/channels/" + id + "/members/" + uid,
				changed: func() bool { return !chanIsMember(t, id, uid) }}
		}},
		// bot
		{verb: "bot create", method: http.MethodPost, setup: func(t *testing.T, fx *mutFixture) mutRun {
			name := unique("mnbot")
			mutDropUsername(t, name)
			return mutRun{args: []string{"bot", "create", name}, path: "/api/v4/bots",
				changed: func() bool {
					s, _ := api(t, http.MethodGet, "/api/v4/users/username/"+name, nil)
					return s == http.StatusOK
				}}
		}},
		{verb: "bot update", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutBot(t)
			return mutRun{args: []string{"bot", "update", name, "--display-name", "Updated " + name}, path: "/api/v4/bots/" + id,
				changed: func() bool { return mutBotField(t, id, "display_name") == "Updated "+name }}
		}},
		{verb: "bot disable", method: http.MethodPost, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutBot(t)
			return mutRun{args: []string{"bot", "disable", name}, path: "/api/v4/bots/" + id + "/disable",
				changed: func() bool { return mutBotField(t, id, "delete_at").(float64) != 0 }}
		}},
		{verb: "bot enable", method: http.MethodPost, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutBot(t)
			apiJSON[map[string]any](t, http.MethodPost, "/api/v4/bots/"+id+"/disable", nil)
			return mutRun{args: []string{"bot", "enable", name}, path: "/api/v4/bots/" + id + "/enable",
				changed: func() bool { return mutBotField(t, id, "delete_at").(float64) == 0 }}
		}},
		{verb: "bot assign", method: http.MethodPost, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id, name := mutBot(t)
			uid, uname := mutUser(t, "mowner")
			return mutRun{args: []string{"bot", "assign", name, uname}, path: "/api/v4/bots/" + id + "/assign/" + uid,
				changed: func() bool { return mutBotField(t, id, "owner_id") == uid }}
		}},
		// webhook
		{verb: "webhook create-incoming", method: http.MethodPost, setup: func(t *testing.T, fx *mutFixture) mutRun {
			ch := chanMake(t, fx.teamID, unique("mwhin-"), "O")
			return mutRun{args: []string{"webhook", "create-incoming", "--channel", ch, "--display-name", "fault"}, path: "/api/v4/hooks/incoming",
				changed: func() bool {
					return len(apiJSON[[]map[string]any](t, http.MethodGet, "/api/v4/hooks/incoming?team_id="+fx.teamID+"&per_page=200", nil)) > 0 &&
						mutHooksIn(t, fx.teamID, ch) > 0
				}}
		}},
		{verb: "webhook modify-incoming", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id := mutIncoming(t, fx.townSquare)
			return mutRun{args: []string{"webhook", "modify-incoming", id, "--description", "modified"}, path: "/api/v4/hooks/incoming/" + id,
				changed: func() bool { return whIncoming(t, id)["description"] == "modified" }}
		}},
		{verb: "webhook modify-outgoing", method: http.MethodPut, retried: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			h := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/hooks/outgoing", map[string]any{
				"team_id": fx.teamID, "display_name": unique("mhook"), "trigger_words": []string{unique("mword")}, "callback_urls": []string{"http://127.0.0.1:9/hook"},
			})
			id := h["id"].(string)
			t.Cleanup(func() { api(t, http.MethodDelete, "/api/v4/hooks/outgoing/"+id, nil) })
			return mutRun{args: []string{"webhook", "modify-outgoing", id, "--description", "modified"}, path: "/api/v4/hooks/outgoing/" + id,
				changed: func() bool { return whOutgoing(t, id)["description"] == "modified" }}
		}},
		{verb: "webhook create-outgoing", method: http.MethodPost, setup: func(t *testing.T, fx *mutFixture) mutRun {
			word := unique("mword")
			return mutRun{args: []string{"webhook", "create-outgoing", "--team", fx.teamID, "--trigger-word", word, "--url", "http://127.0.0.1:9/hook", "--display-name", word},
				path: "/api/v4/hooks/outgoing",
				changed: func() bool {
					for _, h := range apiJSON[[]map[string]any](t, http.MethodGet, "/api/v4/hooks/outgoing?team_id="+fx.teamID+"&per_page=200", nil) {
						if h["display_name"] == word {
							return true
						}
					}
					return false
				}}
		}},
		{verb: "webhook delete", method: http.MethodDelete, setup: func(t *testing.T, fx *mutFixture) mutRun {
			id := mutIncoming(t, fx.townSquare)
			return mutRun{args: []string{"webhook", "delete", id, "--yes"}, path: "/api/v4/hooks/incoming/" + id,
				changed: func() bool { return whIncoming(t, id) == nil }}
		}},
		{verb: "webhook send", method: http.MethodPost, sendRules: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			ch := chanMake(t, fx.teamID, unique("mwhsend-"), "O")
			id := mutIncoming(t, ch)
			text := unique("fault message ")
			return mutRun{args: []string{"webhook", "send", id, "--text", text}, path: "/hooks/" + id,
				changed: func() bool { return len(wsendFind(t, ch, text)) > 0 }}
		}},
		// plugin
		{verb: "plugin enable", method: http.MethodPost, retried: true, serial: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			apiJSON[map[string]any](t, http.MethodPost, "/api/v4/plugins/"+fx.pluginID+"/disable", nil)
			return mutRun{args: []string{"plugin", "enable", fx.pluginID}, path: "/api/v4/plugins/" + fx.pluginID + "/enable",
				changed: func() bool { return plInstalled(t)[fx.pluginID] }}
		}},
		{verb: "plugin disable", method: http.MethodPost, retried: true, serial: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			apiJSON[map[string]any](t, http.MethodPost, "/api/v4/plugins/"+fx.pluginID+"/enable", nil)
			return mutRun{args: []string{"plugin", "disable", fx.pluginID}, path: "/api/v4/plugins/" + fx.pluginID + "/disable",
				changed: func() bool { return !plInstalled(t)[fx.pluginID] }}
		}},
		{verb: "plugin add", method: http.MethodPost, serial: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			plRemove(t, fx.pluginID)
			return mutRun{args: []string{"plugin", "add", fx.pluginBundle, "--force"}, path: "/api/v4/plugins",
				changed: func() bool { _, ok := plInstalled(t)[fx.pluginID]; return ok }}
		}},
		{verb: "plugin install-url", method: http.MethodPost, serial: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			plRemove(t, fx.pluginID)
			return mutRun{args: []string{"plugin", "install-url", fx.pluginURL, "--force"}, path: "/api/v4/plugins/install_from_url",
				changed: func() bool { _, ok := plInstalled(t)[fx.pluginID]; return ok }}
		}},
		{verb: "plugin delete", method: http.MethodDelete, serial: true, setup: func(t *testing.T, fx *mutFixture) mutRun {
			if _, ok := plInstalled(t)[fx.pluginID]; !ok {
				plRunIn(t, plAdmin(t), t.TempDir(), time.Minute, "plugin", "add", fx.pluginBundle, "--force")
			}
			return mutRun{args: []string{"plugin", "delete", fx.pluginID}, path: "/api/v4/plugins/" + fx.pluginID,
				changed: func() bool { _, ok := plInstalled(t)[fx.pluginID]; return !ok }}
		}},
	}
}

// mutSecretFile writes a password to a file of the test's, to be passed with a --*-file flag
// (a password in argv would show in the process list).
func mutSecretFile(t *testing.T, secret string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// mutLogin logs in with a password and returns the session token, or "" when refused.
func mutLogin(t *testing.T, name, password string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, _, err := srv.API(ctx, http.MethodPost, "/api/v4/users/login", map[string]any{"login_id": name, "password": password}, "")
	if err != nil {
		t.Fatalf("login as %s: %v", name, err)
	}
	if resp.StatusCode != http.StatusOK {
		return ""
	}
	return resp.Header.Get("Token")
}

// mutHooksIn counts the incoming webhooks of a channel.
func mutHooksIn(t *testing.T, teamID, channelID string) int {
	t.Helper()
	n := 0
	for _, h := range apiJSON[[]map[string]any](t, http.MethodGet, "/api/v4/hooks/incoming?team_id="+teamID+"&per_page=200", nil) {
		if h["channel_id"] == channelID {
			n++
		}
	}
	return n
}

// TestFaultMutationPolicy: for a mutating verb of every group, the first request that makes
// the change is failed three ways, and the verb does what `matterctl help retries` says: a 503
// in place of the request is sent again only when the request is safe to repeat, a 429 always
// is, and an answer lost after the server acted is sent again only when safe, else reported as
// a change that may have been made. The server ends with the change made exactly when the
// command says so.
func TestFaultMutationPolicy(t *testing.T) {
	teamID, teamName := mutTeam(t)
	otherTeamID, _ := mutTeam(t)
	fx := &mutFixture{
		teamID: teamID, teamName: teamName, otherTeamID: otherTeamID,
		adminID:    apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/me", nil)["id"].(string),
		townSquare: chanNamed(t, teamID, "town-square")["id"].(string),
	}
	addToTeam(t, otherTeamID, fx.adminID)
	// Each setting goes back to what it was when the test ends: later tests rely on the
	// sandbox's values.
	setServerSetting(t, "ServiceSettings", "EnableBotAccountCreation", true)
	setServerSetting(t, "ServiceSettings", "EnableAPITeamDeletion", true)
	setServerSetting(t, "ServiceSettings", "EnableAPIChannelDeletion", true)
	plugin := plFixture(t, harness.PluginWebappOnly)
	plFresh(t, plugin.ID)
	dir := t.TempDir()
	plRunIn(t, plAdmin(t), dir, time.Minute, "plugin", "add", plCopy(t, plugin, dir, "web.tar.gz"))
	if _, ok := plInstalled(t)[plugin.ID]; !ok {
		t.Fatalf("the test plugin %s is not installed", plugin.ID)
	}
	fx.pluginID, fx.pluginBundle = plugin.ID, filepath.Join(dir, "web.tar.gz")
	url, err := plMarketplace(t).Add(plugin, nil)
	if err != nil {
		t.Fatal(err)
	}
	fx.pluginURL = url
	setServerSetting(t, "PluginSettings", "AllowInsecureDownloadURL", true)

	for _, tc := range mutCases() {
		t.Run(tc.verb, func(t *testing.T) {
			if !tc.serial {
				t.Parallel()
			}
			for _, f := range mutFaults {
				t.Run(f.name, func(t *testing.T) {
					if !tc.serial {
						t.Parallel()
					}
					mutCheck(t, fx, tc, f)
				})
			}
		})
	}
}

func mutCheck(t *testing.T, fx *mutFixture, tc mutCase, f mutFault) {
	if tc.sendRules && f.fault.Status == http.StatusBadGateway {
		t.Skip("webhook send tells a gateway's 502 from Mattermost's by the error document, and the fault proxy's looks like Mattermost's")
	}
	run := tc.setup(t, fx)
	if run.changed() {
		t.Fatal("the change is made before the verb runs")
	}
	var mu sync.Mutex
	seen := 0
	c, p := faultCLI(t, func(r *http.Request) *faultproxy.Fault {
		if r.Method != tc.method || r.URL.Path != run.path {
			return nil
		}
		mu.Lock()
		defer mu.Unlock()
		seen++
		if seen == 1 {
			fault := f.fault
			return &fault
		}
		return nil
	})
	if run.token != "" {
		c = c.with("MATTERCTL_TOKEN=" + run.token)
	}
	args := run.args
	if f.fault.Hangup {
		args = append(slices.Clone(args), "--json")
	}
	r := c.run("", args...)
	sent := 0
	for _, e := range p.Log() {
		if e.Method == tc.method && e.Path == run.path {
			sent++
		}
	}
	retried := tc.retried || f.fault.Status == http.StatusTooManyRequests ||
		(tc.sendRules && f.fault.Status == http.StatusServiceUnavailable)
	lostWords := mutLostWords
	if tc.sendRules {
		lostWords = mutSendLostWords
	}
	wantSent, wantChanged := 1, f.fault.Forward
	if retried {
		wantSent, wantChanged = 2, true
	}
	changed := run.changed()
	t.Logf("matterctl %s: exit %d, %d × %s %s, changed %v; stderr: %s", strings.Join(run.args, " "), r.Code, sent, tc.method, run.path, changed, strings.TrimSpace(r.Stderr))
	if sent != wantSent {
		t.Errorf("%d requests %s %s, want %d (retried: %v)", sent, tc.method, run.path, wantSent, retried)
		if sent == 0 {
			for _, e := range p.Log() {
				t.Logf("  the proxy saw %s %s → %d", e.Method, e.Path, e.Status)
			}
		}
	}
	if changed != wantChanged {
		t.Errorf("the server holds the change: %v, want %v", changed, wantChanged)
	}
	switch {
	case retried && r.Code != 0:
		t.Errorf("exit %d after a retried %s, want 0: %s", r.Code, f.name, r.Stderr)
	case !retried && r.Code == 0:
		t.Errorf("exit 0 after a %s that was not retried: %s", f.name, r.Stderr)
	case !retried && f.fault.Status != 0 && !strings.Contains(r.Stderr, strconv.Itoa(f.fault.Status)):
		t.Errorf("the error does not name the %d: %q", f.fault.Status, r.Stderr)
	case !retried && f.unsure && !strings.Contains(r.Stderr, lostWords):
		t.Errorf("the error does not say the change may have been made (%q): %q", lostWords, r.Stderr)
	case !retried && !f.unsure && strings.Contains(r.Stderr, lostWords):
		t.Errorf("the error says the change may have been made after a %s, which the server did not get: %q", f.name, r.Stderr)
	case !retried && f.unsure && strings.Contains(r.Stderr, "check the URL"):
		t.Errorf("after a lost answer the hint sends the user to the URL, though the server was reached: %q", r.Stderr)
	}
	// With --json, the row of a change whose answer was lost says its outcome is unknown (the
	// verbs that print a row per argument; plugin add prints the manifests it installed).
	if f.fault.Hangup && !retried && strings.HasPrefix(r.Stdout, "[") {
		for _, row := range decodeJSON[[]map[string]any](t, r.Stdout) {
			if _, ok := row["input"]; !ok {
				continue
			}
			t.Logf("JSON row: ok %v, unknown %v", row["ok"], row["unknown"])
			if row["ok"] != false || row["unknown"] != true {
				t.Errorf("the JSON row of a change whose answer was lost: ok %v, unknown %v, want false and true", row["ok"], row["unknown"])
			}
		}
	}
}
