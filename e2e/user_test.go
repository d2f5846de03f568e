//go:build e2e

package e2e

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// boundTo returns a copy of c that reports failures to t, for subtests.
func (c *cli) boundTo(t testing.TB) *cli {
	cp := *c
	cp.t = t
	return &cp
}

// userRow is the JSON result of one argument (or file row) of a multi-argument verb.
type userRow struct {
	Input  string `json:"input"`
	OK     bool   `json:"ok"`
	DryRun bool   `json:"dry_run"`
	// DuplicateOf is the 1-based argument that named the same object first.
	DuplicateOf int            `json:"duplicate_of"`
	User        map[string]any `json:"user"`
	Token       map[string]any `json:"token"`
	Error       string         `json:"error"`
}

// usersNamed looks usernames up on the server in one request and indexes those that exist.
func usersNamed(t testing.TB, names ...string) map[string]map[string]any {
	t.Helper()
	users := apiJSON[[]map[string]any](t, http.MethodPost, "/api/v4/users/usernames", names)
	byName := make(map[string]map[string]any, len(users))
	for _, u := range users {
		byName[u["username"].(string)] = u
	}
	return byName
}

// userNamed returns the server's record of one user, failing when it does not exist.
func userNamed(t testing.TB, name string) map[string]any {
	t.Helper()
	u := usersNamed(t, name)[name]
	if u == nil {
		t.Fatalf("user %s does not exist on the server", name)
	}
	return u
}

// userGone reports whether the user ID no longer exists on the server (permanently deleted).
func userGone(t testing.TB, id string) bool {
	t.Helper()
	status, body := api(t, http.MethodGet, "/api/v4/users/"+id, nil)
	switch status {
	case http.StatusNotFound:
		return true
	case http.StatusOK:
		return false
	}
	t.Fatalf("GET /users/%s: HTTP %d: %s", id, status, body)
	return false
}

// userSnapshot is the server's record of the users, reduced to what a verb could change, as
// one comparable string. update_at catches any other change.
func userSnapshot(t testing.TB, ids ...string) string {
	t.Helper()
	users := apiJSON[[]map[string]any](t, http.MethodPost, "/api/v4/users/ids", ids)
	sort.Slice(users, func(i, j int) bool { return users[i]["id"].(string) < users[j]["id"].(string) })
	var b strings.Builder
	for _, u := range users {
		for _, k := range []string{"id", "username", "email", "nickname", "roles", "delete_at", "update_at", "is_bot", "auth_service", "locale"} {
			fmt.Fprintf(&b, "%s=%v ", k, u[k])
		}
		b.WriteString("\n")
	}
	if len(users) != len(ids) {
		fmt.Fprintf(&b, "(%d of %d exist)", len(users), len(ids))
	}
	return b.String()
}

// createUsers makes n users through the API (8 at a time) and returns their names and IDs.
func createUsers(t testing.TB, prefix string, n int) (names, ids []string) {
	t.Helper()
	names, ids = make([]string, n), make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		names[i] = unique(prefix)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ids[i] = createUser(t, names[i])
		}()
	}
	wg.Wait()
	return names, ids
}

// userPassword is the password createUser gives a user.
func userPassword(username string) string { return "Passw0rd-" + username }

// userTempFile writes content to a new file in the test's temporary directory.
func userTempFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// userLoginErr logs in with a password and returns the session token or the server's refusal.
func userLoginErr(login, password string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return srv.Login(ctx, login, password)
}

// userLogin logs in as a user, failing the test when the server refuses.
func userLogin(t testing.TB, login, password string) string {
	t.Helper()
	tok, err := userLoginErr(login, password)
	if err != nil {
		t.Fatalf("login as %s: %v", login, err)
	}
	return tok
}

// userMe is GET /users/me as the user: the only view with email_verified and mfa_active.
func userMe(t testing.TB, token string) map[string]any {
	t.Helper()
	status, body := apiAs(t, token, http.MethodGet, "/api/v4/users/me", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /users/me: HTTP %d: %s", status, body)
	}
	var me map[string]any
	if err := json.Unmarshal(body, &me); err != nil {
		t.Fatal(err)
	}
	return me
}

// noPasswordHash fails when a bcrypt password hash appears in the output.
func noPasswordHash(t testing.TB, r result) {
	t.Helper()
	for stream, out := range map[string]string{"stdout": r.Stdout, "stderr": r.Stderr} {
		if i := strings.Index(out, "$2a$"); i >= 0 {
			t.Errorf("a bcrypt password hash appears on %s: …%s$2a$…", stream, out[max(0, i-40):i])
		}
	}
}

// reportedOnce checks that each failing argument is reported exactly once as "<arg>: <reason>".
func reportedOnce(t testing.TB, stderr string, args ...string) {
	t.Helper()
	for _, a := range args {
		n := 0
		for _, line := range strings.Split(stderr, "\n") {
			if strings.HasPrefix(line, a+": ") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%q is reported %d times on stderr, want once:\n%s", a, n, stderr)
		}
	}
}

// createUserTeam creates an open team through the API and returns its ID and name.
func createUserTeam(t testing.TB) (id, name string) {
	t.Helper()
	name = unique("uteam")
	team := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/teams", map[string]any{
		"name": name, "display_name": "Team " + name, "type": "O",
	})
	return team["id"].(string), name
}

// addToTeam makes a user a member of a team through the API.
func addToTeam(t testing.TB, teamID, userID string) {
	t.Helper()
	apiJSON[map[string]any](t, http.MethodPost, "/api/v4/teams/"+teamID+"/members", map[string]any{"team_id": teamID, "user_id": userID})
}

// serverUsers pages through GET /users with the query directly and returns the IDs in order.
func serverUsers(t testing.TB, query string) []string {
	t.Helper()
	var ids []string
	for page := 0; ; page++ {
		users := apiJSON[[]map[string]any](t, http.MethodGet, fmt.Sprintf("/api/v4/users?page=%d&per_page=200%s", page, query), nil)
		for _, u := range users {
			ids = append(ids, u["id"].(string))
		}
		if len(users) < 200 {
			return ids
		}
	}
}

// stableTotal compares the number of users count sees with the server's total (paging through
// GET /users directly), retrying when the total moved meanwhile (another client creating users).
func stableTotal(t *testing.T, count func() int) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		before := countUsers(t)
		got := count()
		after := countUsers(t)
		if before != after && attempt < 3 {
			continue
		}
		if got != before || before != after {
			t.Fatalf("got %d users, the server has %d (then %d)", got, before, after)
		}
		return
	}
}

// userDB runs one SQL query against the sandbox's database: the API never shows auth_data or
// password hashes, even to an admin. It skips the test when psql is not installed.
func userDB(t testing.TB, query string) string {
	t.Helper()
	psql := filepath.Join(srv.Env["PG_BIN"], "psql")
	if _, err := os.Stat(psql); err != nil {
		if psql, err = exec.LookPath("psql"); err != nil {
			t.Skip("psql is not installed")
		}
	}
	out, err := exec.Command(psql, srv.Env["PG_DSN"], "-Atc", query).CombinedOutput()
	if err != nil {
		t.Fatalf("psql %q: %v\n%s", query, err, out)
	}
	return strings.TrimSpace(string(out))
}

// totpCode is the current RFC 6238 code (SHA-1, 6 digits, 30 s) for a base32 secret.
func totpCode(t testing.TB, secret string) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(strings.ToUpper(secret), "="))
	if err != nil {
		t.Fatalf("MFA secret: %v", err)
	}
	var msg [8]byte
	for i, n := 7, uint64(time.Now().Unix()/30); i >= 0; i, n = i-1, n>>8 {
		msg[i] = byte(n)
	}
	h := hmac.New(sha1.New, key)
	h.Write(msg[:])
	sum := h.Sum(nil)
	off := sum[len(sum)-1] & 0xf
	code := uint32(sum[off]&0x7f)<<24 | uint32(sum[off+1])<<16 | uint32(sum[off+2])<<8 | uint32(sum[off+3])
	return fmt.Sprintf("%06d", code%1000000)
}

func TestUserCreate(t *testing.T) {
	c := adminCLI(t)

	t.Run("every flag, password from a file", func(t *testing.T) {
		c := c.boundTo(t)
		name := unique("ucreate")
		pw := "S3cret-" + name + "!"
		r := c.mustRun("", "user", "create", "--username", name, "--email", strings.ToUpper(name)+"@Example.com",
			"--password-file", userTempFile(t, "pw", pw+"\n"), "--nickname", "Nick", "--firstname", "Ada", "--lastname", "Lovelace",
			"--locale", "fr", "--system-admin", "--email-verified", "--disable-welcome-email", "--json")
		noSecrets(t, r, pw)
		noPasswordHash(t, r)
		created := decodeJSON[map[string]any](t, r.Stdout)
		if !strings.Contains(r.Stderr, "Created user "+name) {
			t.Errorf("stderr: %q", r.Stderr)
		}
		u := userNamed(t, name)
		if created["id"] != u["id"] || u["email"] != name+"@example.com" || u["nickname"] != "Nick" ||
			u["first_name"] != "Ada" || u["last_name"] != "Lovelace" || u["locale"] != "fr" {
			t.Fatalf("server user %v, printed %v", u, created)
		}
		if roles := strings.Fields(u["roles"].(string)); !slices.Contains(roles, "system_admin") || !slices.Contains(roles, "system_user") {
			t.Errorf("roles %q, want system_user system_admin", u["roles"])
		}
		// The password from the file (without its newline) works; the email is verified.
		me := userMe(t, userLogin(t, name, pw))
		if me["email_verified"] != true {
			t.Errorf("email_verified = %v", me["email_verified"])
		}
	})

	t.Run("password on stdin, plain output", func(t *testing.T) {
		c := c.boundTo(t)
		name := unique("ucreate")
		pw := "S3cret-" + name + "?"
		r := c.mustRun(pw, "user", "create", "--username", name, "--email", name+"@example.com", "--password-file", "-")
		noSecrets(t, r, pw)
		if lines := strings.Split(strings.TrimSpace(r.Stdout), "\n"); len(lines) != 1 || !strings.Contains(lines[0], name) {
			t.Errorf("plain stdout: %q", r.Stdout)
		}
		u := userNamed(t, name)
		if u["roles"] != "system_user" {
			t.Errorf("roles %q", u["roles"])
		}
		if me := userMe(t, userLogin(t, name, pw)); me["email_verified"] == true {
			t.Error("email verified without --email-verified")
		}
	})

	t.Run("--password is never printed", func(t *testing.T) {
		c := c.boundTo(t)
		name := unique("ucreate")
		pw := "Argv-S3cret-" + name
		r := c.mustRun("", "user", "create", "--username", name, "--email", name+"@example.com", "--password", pw, "--json")
		noSecrets(t, r, pw)
		userLogin(t, name, pw)
	})

	t.Run("dry run creates nothing", func(t *testing.T) {
		c := c.boundTo(t)
		name := unique("ucreate")
		r := c.mustRun("", "user", "create", "--username", name, "--email", name+"@example.com", "--password", "Passw0rd!", "--dry-run")
		if !strings.Contains(r.Stderr, "would create user "+name) {
			t.Errorf("stderr: %q", r.Stderr)
		}
		if len(usersNamed(t, name)) != 0 {
			t.Fatal("--dry-run created the user")
		}
	})

	t.Run("usage errors create nothing", func(t *testing.T) {
		c := c.boundTo(t)
		name := unique("ucreate")
		for _, args := range [][]string{
			{"--username", name, "--password", "Passw0rd!"},
			{"--username", name, "--email", name + "@example.com"},
			{"--username", name, "--email", name + "@example.com", "--password", "Passw0rd!", "--system-admin", "--guest"},
			{"--username", name, "--email", name + "@example.com", "--password", "x", "--password-file", "-"},
			{"--username", "Bad Name!", "--email", name + "@example.com", "--password", "Passw0rd!"},
			{"--username", name, "--email", "not-an-email", "--password", "Passw0rd!"},
			{"--file", "users.csv", "--username", name},
			{"--username", name, "--email", name + "@example.com", "--password", "Passw0rd!", "--parallel", "0"},
			{"extra-arg"},
		} {
			expectCode(t, c.run("", append([]string{"user", "create"}, args...)...), 2)
		}
		if len(usersNamed(t, name)) != 0 {
			t.Fatal("a usage error created the user")
		}
	})

	t.Run("existing username: server error", func(t *testing.T) {
		c := c.boundTo(t)
		name := unique("ucreate")
		id := createUser(t, name)
		r := c.run("", "user", "create", "--username", name, "--email", "other-"+name+"@example.com", "--password", "Passw0rd!")
		expectCode(t, r, 1)
		if !strings.Contains(r.Stderr, "exists") {
			t.Errorf("stderr: %q", r.Stderr)
		}
		if u := userNamed(t, name); u["id"] != id || u["email"] != name+"@example.com" {
			t.Fatalf("the existing user changed: %v", u)
		}
	})

	t.Run("--guest needs a license", func(t *testing.T) {
		c := c.boundTo(t)
		name := unique("ucreate")
		r := c.run("", "user", "create", "--username", name, "--email", name+"@example.com", "--password", "Passw0rd!", "--guest")
		expectCode(t, r, 1)
		if !strings.Contains(r.Stderr, "license does not support guest accounts") {
			t.Errorf("stderr does not give the server's reason: %q", r.Stderr)
		}
		if strings.Count(strings.TrimSpace(r.Stderr), "\n") > 2 {
			t.Errorf("error is not short: %q", r.Stderr)
		}
		// The server refused the guest role: whatever exists is not a guest.
		if u := usersNamed(t, name)[name]; u != nil && strings.Contains(u["roles"].(string), "system_guest") {
			t.Fatalf("roles %q", u["roles"])
		}
	})
}

func TestUserCreateFile(t *testing.T) {
	c := adminCLI(t)

	t.Run("1000 rows", func(t *testing.T) {
		c := c.boundTo(t)
		const n = 1000
		prefix := unique("bk")
		names := make([]string, n)
		var csv strings.Builder
		csv.WriteString("username,email,password,nickname,disable_welcome_email\n")
		for i := range names {
			names[i] = fmt.Sprintf("%sx%04d", prefix, i)
			fmt.Fprintf(&csv, "%s,%s@example.com,Passw0rd-%d,row %d,true\n", names[i], names[i], i, i)
		}
		file := userTempFile(t, "users.csv", csv.String())
		start := time.Now()
		r := c.mustRun("", "user", "create", "--file", file, "--parallel", "8", "--json")
		t.Logf("created %d users in %s", n, time.Since(start).Round(time.Millisecond))
		noPasswordHash(t, r)
		if strings.Contains(r.Stdout, "Passw0rd-") || strings.Contains(r.Stderr, "Passw0rd-") {
			t.Fatal("a password from the file appears in the output")
		}
		rows := decodeJSON[[]userRow](t, r.Stdout)
		if len(rows) != n {
			t.Fatalf("%d JSON rows, want %d", len(rows), n)
		}
		printed := map[string]bool{}
		for i, row := range rows {
			want := fmt.Sprintf("line %d: %s", i+2, names[i])
			if !row.OK || row.Input != want || row.User["username"] != names[i] || row.Error != "" {
				t.Fatalf("row %d: %+v, want input %q ok", i, row, want)
			}
			printed[row.User["id"].(string)] = true
		}
		if strings.Count(r.Stderr, "Created user ") != n {
			t.Errorf("%d success lines on stderr, want %d", strings.Count(r.Stderr, "Created user "), n)
		}
		// The server's own count of those usernames, and each was created once.
		onServer := usersNamed(t, names...)
		if len(onServer) != n {
			t.Fatalf("the server has %d of the %d usernames", len(onServer), n)
		}
		for _, u := range onServer {
			if !printed[u["id"].(string)] {
				t.Fatalf("server user %v is not the one printed", u["username"])
			}
		}
		if u := onServer[names[n-1]]; u["nickname"] != fmt.Sprintf("row %d", n-1) || u["email"] != names[n-1]+"@example.com" {
			t.Errorf("last row on the server: %v", u)
		}
	})

	t.Run("a repeated row fails alone: exit 3", func(t *testing.T) {
		c := c.boundTo(t)
		a, b, d := unique("ufa"), unique("ufb"), unique("ufd")
		taken := unique("uftaken")
		createUser(t, taken)
		file := userTempFile(t, "users.csv", "username,email,password\n"+
			a+","+a+"@example.com,Passw0rd-1\n"+
			b+","+b+"@example.com,Passw0rd-2\n"+
			a+",again-"+a+"@example.com,Passw0rd-3\n"+
			taken+",new-"+taken+"@example.com,Passw0rd-4\n"+
			d+","+d+"@example.com,Passw0rd-5\n")
		r := c.run("", "user", "create", "--file", file, "--json")
		expectCode(t, r, 3)
		rows := decodeJSON[[]userRow](t, r.Stdout)
		if len(rows) != 5 {
			t.Fatalf("rows: %+v", rows)
		}
		for i, ok := range []bool{true, true, false, false, true} {
			if rows[i].OK != ok || (ok && rows[i].User["username"] == nil) || (!ok && rows[i].Error == "") {
				t.Errorf("row %d: %+v, want ok=%v", i, rows[i], ok)
			}
		}
		if !strings.Contains(rows[2].Error, "repeats line 2") {
			t.Errorf("duplicate row error: %q", rows[2].Error)
		}
		reportedOnce(t, r.Stderr, "line 4: "+a, "line 5: "+taken)
		got := usersNamed(t, a, b, d, taken)
		if len(got) != 4 || got[a]["email"] != a+"@example.com" || got[taken]["email"] != taken+"@example.com" {
			t.Fatalf("server state: %v", got)
		}
	})

	t.Run("JSON lines file", func(t *testing.T) {
		c := c.boundTo(t)
		a, b, d := unique("ujl"), unique("ujl"), unique("ujl")
		file := userTempFile(t, "users.jsonl",
			`{"username":"`+a+`","email":"`+a+`@example.com","password":"Passw0rd-a","system_admin":true}`+"\n"+
				`{"username":"`+b+`","email":"`+b+`@example.com","password":"Passw0rd-b","email_verified":true,"first_name":"Bea"}`+"\n"+
				"\n"+
				`{"username":"`+d+`","email":"`+d+`@example.com","password":"Passw0rd-d","locale":"de","disable-welcome-email":"yes"}`+"\n")
		r := c.mustRun("", "user", "create", "--file", file, "--json")
		noSecrets(t, r, "Passw0rd-a", "Passw0rd-b", "Passw0rd-d")
		if rows := decodeJSON[[]userRow](t, r.Stdout); len(rows) != 3 || rows[2].Input != "line 4: "+d {
			t.Fatalf("rows: %+v", rows)
		}
		got := usersNamed(t, a, b, d)
		if !strings.Contains(got[a]["roles"].(string), "system_admin") || got[b]["first_name"] != "Bea" || got[d]["locale"] != "de" {
			t.Fatalf("server state: %v", got)
		}
		if me := userMe(t, userLogin(t, b, "Passw0rd-b")); me["email_verified"] != true {
			t.Error("email_verified column ignored")
		}
	})

	t.Run("standard input: CSV and JSON lines", func(t *testing.T) {
		c := c.boundTo(t)
		a, b := unique("ustdin"), unique("ustdin")
		c.mustRun("username,email,password\n"+a+","+a+"@example.com,Passw0rd-a\n", "user", "create", "--file", "-")
		c.mustRun(`{"username":"`+b+`","email":"`+b+`@example.com","password":"Passw0rd-b"}`+"\n", "user", "create", "--file", "-")
		if got := usersNamed(t, a, b); len(got) != 2 {
			t.Fatalf("server has %v", got)
		}
		userLogin(t, b, "Passw0rd-b")
	})

	t.Run("dry run creates nothing", func(t *testing.T) {
		c := c.boundTo(t)
		taken := unique("udrytaken")
		createUser(t, taken)
		names := []string{unique("udry"), unique("udry"), unique("udry")}
		csv := "username,email,password\n"
		for _, n := range names {
			csv += n + "," + n + "@example.com,Passw0rd-1\n"
		}
		csv += taken + ",x-" + taken + "@example.com,Passw0rd-1\n"
		r := c.run("", "user", "create", "--file", userTempFile(t, "users.csv", csv), "--dry-run", "--json")
		expectCode(t, r, 3)
		rows := decodeJSON[[]userRow](t, r.Stdout)
		if len(rows) != 4 || !rows[0].OK || !rows[0].DryRun || rows[3].OK || !strings.Contains(rows[3].Error, "already exists") {
			t.Fatalf("rows: %+v", rows)
		}
		if got := usersNamed(t, append(names, taken)...); len(got) != 1 || got[taken] == nil {
			t.Fatalf("--dry-run changed the server: %v", got)
		}
	})

	t.Run("a bad file is a clear error", func(t *testing.T) {
		c := c.boundTo(t)
		r := c.run("", "user", "create", "--file", userTempFile(t, "bad.csv", "username,colour\nx,red\n"))
		expectCode(t, r, 1)
		if !strings.Contains(r.Stderr, "unknown column") {
			t.Errorf("stderr: %q", r.Stderr)
		}
		expectCode(t, c.run("", "user", "create", "--file", userTempFile(t, "empty.csv", "username,email,password\n")), 2)
		expectCode(t, c.run("", "user", "create", "--file", filepath.Join(t.TempDir(), "missing.csv")), 1)
	})
}

func TestUserActivateDeactivate(t *testing.T) {
	c := adminCLI(t)
	names, ids := createUsers(t, "uact", 3)
	deleted := func(id string) bool {
		return apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/"+id, nil)["delete_at"].(float64) != 0
	}

	// --dry-run: the server's record does not change.
	before := userSnapshot(t, ids...)
	r := c.mustRun("", "user", "deactivate", names[0], ids[1], names[2]+"@example.com", "--dry-run")
	if strings.Count(r.Stderr, "would deactivate user") != 3 {
		t.Errorf("dry run stderr: %q", r.Stderr)
	}
	if after := userSnapshot(t, ids...); after != before {
		t.Fatalf("--dry-run changed users:\n%s\n%s", before, after)
	}

	// ID, username and email; success lines on stderr, nothing on stdout in plain format.
	r = c.mustRun("", "user", "deactivate", ids[0], "@"+names[1], names[2]+"@example.com")
	if r.Stdout != "" || strings.Count(r.Stderr, "Deactivated user ") != 3 {
		t.Errorf("stdout %q stderr %q", r.Stdout, r.Stderr)
	}
	for _, id := range ids {
		if !deleted(id) {
			t.Fatalf("user %s still active", id)
		}
	}

	// Partial failure: the others are done, each failure reported once, exit 3.
	r = c.run("", "user", "activate", names[0], "nosuch-"+names[0], names[1], "--json")
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, "nosuch-"+names[0])
	rows := decodeJSON[[]userRow](t, r.Stdout)
	if len(rows) != 3 || !rows[0].OK || rows[1].OK || !rows[2].OK || !strings.Contains(rows[1].Error, "not found") || rows[0].User["username"] != names[0] {
		t.Fatalf("rows: %+v", rows)
	}
	if deleted(ids[0]) || deleted(ids[1]) || !deleted(ids[2]) {
		t.Fatal("partial activate: wrong server state")
	}

	// All not found: exit 5, nothing changes.
	before = userSnapshot(t, ids...)
	r = c.run("", "user", "deactivate", "nosuch1-"+names[0], "nosuch2-"+names[0])
	expectCode(t, r, 5)
	reportedOnce(t, r.Stderr, "nosuch1-"+names[0], "nosuch2-"+names[0])
	if after := userSnapshot(t, ids...); after != before {
		t.Fatal("a failed deactivate changed users")
	}

	// --file - reads one user per line.
	c.mustRun(names[2]+"\n\n# comment\n", "user", "activate", "--file", "-")
	if deleted(ids[2]) {
		t.Fatal("--file - did not activate the user")
	}
	expectCode(t, c.run("", "user", "activate"), 2)
	expectCode(t, c.run("", "user", "deactivate"), 2)

	// One user named three ways is deactivated once, reported once, and keeps three rows.
	r = c.mustRun("", "user", "deactivate", names[2], "@"+names[2], names[2]+"@example.com", "--json")
	if strings.Count(r.Stderr, "Deactivated user "+names[2]) != 1 || strings.Count(r.Stderr, ": same user as argument 1\n") != 2 {
		t.Errorf("stderr: %q", r.Stderr)
	}
	rows = decodeJSON[[]userRow](t, r.Stdout)
	if len(rows) != 3 || rows[0].DuplicateOf != 0 || rows[1].DuplicateOf != 1 || rows[2].DuplicateOf != 1 ||
		!rows[1].OK || rows[2].User["username"] != names[2] {
		t.Fatalf("rows: %+v", rows)
	}
	if !deleted(ids[2]) {
		t.Fatal("user not deactivated")
	}
}

func TestUserDelete(t *testing.T) {
	c := adminCLI(t)
	names, ids := createUsers(t, "udel", 3)

	// Without a terminal --confirm is required: exit 2 and nothing deleted.
	r := c.run("", "user", "delete", names[0])
	expectCode(t, r, 2)
	if !strings.Contains(r.Stderr, "--confirm") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	if userGone(t, ids[0]) {
		t.Fatal("delete without --confirm deleted the user")
	}
	// One argument that does not resolve: nothing is deleted.
	r = c.run("", "user", "delete", names[0], "nosuch-"+names[0], names[1], "--confirm")
	expectCode(t, r, 5)
	if !strings.Contains(r.Stderr, "nosuch-"+names[0]) || !strings.Contains(r.Stderr, "nothing was changed") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	if userGone(t, ids[0]) || userGone(t, ids[1]) {
		t.Fatal("a delete with an unknown argument deleted users")
	}
	// --dry-run deletes nothing.
	before := userSnapshot(t, ids...)
	r = c.mustRun("", "user", "delete", names[0], ids[1], "--dry-run", "--json")
	if rows := decodeJSON[[]userRow](t, r.Stdout); len(rows) != 2 || !rows[0].DryRun || !rows[1].OK {
		t.Errorf("dry-run rows: %s", r.Stdout)
	}
	if after := userSnapshot(t, ids...); after != before {
		t.Fatalf("nothing should be deleted yet:\n%s\n%s", before, after)
	}

	// --confirm deletes; the same user named twice is deleted once, and said once.
	r = c.mustRun("", "user", "delete", names[0], names[0]+"@example.com", ids[1], "--confirm")
	if strings.Count(r.Stderr, "Deleted user "+names[0]+"\n") != 1 || strings.Count(r.Stderr, "Deleted user ") != 2 ||
		!strings.Contains(r.Stderr, names[0]+"@example.com: same user as argument 1\n") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	if !userGone(t, ids[0]) || !userGone(t, ids[1]) || userGone(t, ids[2]) {
		t.Fatal("wrong users deleted")
	}
	// --file - and --yes.
	c.mustRun(names[2]+"\n", "user", "delete", "--file", "-", "--yes")
	if !userGone(t, ids[2]) {
		t.Fatal("delete --file - --yes did not delete")
	}
	expectCode(t, c.run("", "user", "delete", "--confirm"), 2)
}

func TestUserSearchShow(t *testing.T) {
	c := adminCLI(t)
	names, ids := createUsers(t, "usearch", 2)
	missing := "nosuch-" + names[0]

	// Every argument form, in argument order.
	r := c.mustRun("", "user", "search", ids[0], "@"+names[1], names[0], names[1]+"@example.com", "--json")
	noPasswordHash(t, r)
	found := decodeJSON[[]map[string]any](t, r.Stdout)
	want := []string{ids[0], ids[1], ids[0], ids[1]}
	if len(found) != len(want) {
		t.Fatalf("search: %d users", len(found))
	}
	for i, u := range found {
		if u["id"] != want[i] {
			t.Fatalf("search result %d is %v, want %s", i, u["id"], want[i])
		}
	}
	// Some missing: the others are still printed, exit 3; none found: exit 5.
	r = c.run("", "user", "search", names[0], missing)
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, missing)
	if lines := strings.Split(strings.TrimSpace(r.Stdout), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], ids[0]+"\t"+names[0]+"\t") {
		t.Errorf("plain search output: %q", r.Stdout)
	}
	r = c.run("", "user", "search", missing, "--json")
	expectCode(t, r, 5)
	if got := strings.TrimSpace(r.Stdout); got != "[]" {
		t.Errorf("JSON with nothing found: %q", got)
	}
	c.mustRun(names[1]+"\n", "user", "search", "--file", "-")

	// show: one user is the full object, several an array.
	r = c.mustRun("", "user", "show", names[0], "--json")
	noPasswordHash(t, r)
	one := decodeJSON[map[string]any](t, r.Stdout)
	server := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/"+ids[0], nil)
	for _, k := range []string{"id", "username", "email", "roles", "create_at", "locale"} {
		if fmt.Sprint(one[k]) != fmt.Sprint(server[k]) {
			t.Errorf("show %s = %v, server has %v", k, one[k], server[k])
		}
	}
	many := decodeJSON[[]map[string]any](t, c.mustRun("", "user", "show", names[0], ids[1], "--json").Stdout)
	if len(many) != 2 || many[1]["username"] != names[1] {
		t.Fatalf("show two: %v", many)
	}
	r = c.run("", "user", "show", names[0], missing)
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, missing)
	expectCode(t, c.run("", "user", "show", missing), 5)
	expectCode(t, c.run("", "user", "show"), 2)
	expectCode(t, c.run("", "user", "search"), 2)
}

func TestUserList(t *testing.T) {
	ensureUsers(t, 250) // --all must span pages
	c := adminCLI(t)

	t.Run("--all --json equals the server's total", func(t *testing.T) {
		c := c.boundTo(t)
		stableTotal(t, func() int {
			users := decodeJSON[[]map[string]any](t, c.mustRun("", "user", "list", "--all", "--json").Stdout)
			seen := map[string]bool{}
			for _, u := range users {
				id := u["id"].(string)
				if seen[id] {
					t.Fatalf("user %s listed twice", id)
				}
				seen[id] = true
				if _, ok := u["password"]; ok {
					t.Fatal("a user object carries a password field")
				}
			}
			return len(users)
		})
		// Small pages give the same users.
		stableTotal(t, func() int {
			return len(decodeJSON[[]json.RawMessage](t, c.mustRun("", "user", "list", "--all", "--per-page", "37", "--json").Stdout))
		})
	})

	t.Run("piped into jq", func(t *testing.T) {
		c := c.boundTo(t)
		jq, err := exec.LookPath("jq")
		if err != nil {
			t.Skip("jq is not installed")
		}
		stableTotal(t, func() int {
			out, err := runPiped(t, c.environ(), []string{"user", "list", "--all", "--json"}, fmt.Sprintf("%q length", jq))
			if err != nil {
				t.Fatalf("user list --all --json | jq length: %v\n%s", err, out)
			}
			n, err := strconv.Atoi(strings.TrimSpace(string(out)))
			if err != nil {
				t.Fatalf("jq printed %q", out)
			}
			return n
		})
	})

	t.Run("--page and --per-page", func(t *testing.T) {
		c := c.boundTo(t)
		for _, page := range []int{0, 1, 3} {
			users := decodeJSON[[]map[string]any](t, c.mustRun("", "user", "list", "--page", strconv.Itoa(page), "--per-page", "5", "--json").Stdout)
			server := apiJSON[[]map[string]any](t, http.MethodGet, fmt.Sprintf("/api/v4/users?page=%d&per_page=5", page), nil)
			if len(users) != 5 || len(server) != 5 {
				t.Fatalf("page %d: %d users, server %d", page, len(users), len(server))
			}
			for i := range users {
				if users[i]["id"] != server[i]["id"] {
					t.Fatalf("page %d item %d: %v, server %v", page, i, users[i]["id"], server[i]["id"])
				}
			}
		}
		// Default: one page of at most 200.
		if n := len(decodeJSON[[]json.RawMessage](t, c.mustRun("", "user", "list", "--json").Stdout)); n != 200 {
			t.Errorf("default page: %d users", n)
		}
		far := c.mustRun("", "user", "list", "--page", "100000", "--json")
		if strings.TrimSpace(far.Stdout) != "[]" {
			t.Errorf("empty page in JSON: %q", far.Stdout)
		}
		expectCode(t, c.run("", "user", "list", "--page", "-1"), 2)
		expectCode(t, c.run("", "user", "list", "--per-page", "0"), 2)
		expectCode(t, c.run("", "user", "list", "extra"), 2)
	})

	t.Run("--team by name and ID, --inactive", func(t *testing.T) {
		c := c.boundTo(t)
		teamID, teamName := createUserTeam(t)
		names, ids := createUsers(t, "uteamm", 2)
		for _, id := range ids {
			addToTeam(t, teamID, id)
		}
		want := serverUsers(t, "&in_team="+teamID)
		sort.Strings(want)
		if len(want) < 2 {
			t.Fatalf("the team has %d members", len(want))
		}
		for _, team := range []string{teamName, teamID, strings.ToUpper(teamName)} {
			users := decodeJSON[[]map[string]any](t, c.mustRun("", "user", "list", "--team", team, "--all", "--json").Stdout)
			var got []string
			for _, u := range users {
				got = append(got, u["id"].(string))
			}
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Fatalf("--team %s: %v, server %v", team, got, want)
			}
		}
		r := c.run("", "user", "list", "--team", "nosuch-"+teamName)
		expectCode(t, r, 5)
		if !strings.Contains(r.Stderr, "not found") {
			t.Errorf("stderr: %q", r.Stderr)
		}

		c.mustRun("", "user", "deactivate", names[1])
		inactive := decodeJSON[[]map[string]any](t, c.mustRun("", "user", "list", "--team", teamName, "--inactive", "--json").Stdout)
		if len(inactive) != 1 || inactive[0]["id"] != ids[1] {
			t.Fatalf("--team --inactive: %v", inactive)
		}
		all := decodeJSON[[]map[string]any](t, c.mustRun("", "user", "list", "--inactive", "--all", "--json").Stdout)
		found := false
		for _, u := range all {
			if u["delete_at"].(float64) == 0 {
				t.Fatalf("--inactive lists active user %v", u["username"])
			}
			found = found || u["id"] == ids[1]
		}
		if !found || len(all) != len(serverUsers(t, "&inactive=true")) {
			t.Fatalf("--inactive --all: %d users (ours found: %v), server %d", len(all), found, len(serverUsers(t, "&inactive=true")))
		}
	})

	t.Run("--role system_admin", func(t *testing.T) {
		c := c.boundTo(t)
		name := unique("urole")
		id := createUser(t, name)
		apiJSON[map[string]any](t, http.MethodPut, "/api/v4/users/"+id+"/roles", map[string]any{"roles": "system_user system_admin"})
		admins := decodeJSON[[]map[string]any](t, c.mustRun("", "user", "list", "--role", "system_admin", "--all", "--json").Stdout)
		want := serverUsers(t, "&role=system_admin")
		var got []string
		for _, u := range admins {
			if !strings.Contains(u["roles"].(string), "system_admin") {
				t.Fatalf("--role system_admin lists %v (%v)", u["username"], u["roles"])
			}
			got = append(got, u["id"].(string))
		}
		if !slices.Equal(got, want) || !slices.Contains(got, id) {
			t.Fatalf("--role system_admin: %v, server %v", got, want)
		}
	})

	t.Run("formats of --all", func(t *testing.T) {
		c := c.boundTo(t)
		stableTotal(t, func() int {
			// A long table is aligned in chunks, each with its header.
			table := strings.Split(strings.TrimRight(c.mustRun("", "user", "list", "--all", "--format", "table").Stdout, "\n"), "\n")
			if !strings.HasPrefix(table[0], "ID") || !strings.Contains(table[0], "USERNAME") {
				t.Fatalf("table header %q", table[0])
			}
			rows := 0
			for _, line := range table {
				if !strings.HasPrefix(line, "ID ") {
					rows++
				}
			}
			return rows
		})
		stableTotal(t, func() int {
			plain := strings.Split(strings.TrimRight(c.mustRun("", "user", "list", "--all", "--format", "plain").Stdout, "\n"), "\n")
			for _, line := range plain {
				if strings.Count(line, "\t") != 5 || strings.HasPrefix(line, "ID") {
					t.Fatalf("plain line %q", line)
				}
			}
			return len(plain)
		})
		stableTotal(t, func() int {
			lines := strings.Split(strings.TrimRight(c.mustRun("", "user", "list", "--all", "--format", "jsonl").Stdout, "\n"), "\n")
			for _, l := range lines {
				if u := decodeJSON[map[string]any](t, l); u["id"] == nil {
					t.Fatalf("jsonl line %q", l)
				}
			}
			return len(lines)
		})
		stableTotal(t, func() int {
			out := c.mustRun("", "user", "list", "--all", "--jq", ".[].username").Stdout
			return len(strings.Split(strings.TrimRight(out, "\n"), "\n"))
		})
		// An empty list is [] in JSON and nothing in plain.
		_, team := createUserTeam(t)
		if got := c.mustRun("", "user", "list", "--team", team, "--inactive", "--json").Stdout; strings.TrimSpace(got) != "[]" {
			t.Errorf("empty JSON list: %q", got)
		}
		if got := c.mustRun("", "user", "list", "--team", team, "--inactive").Stdout; got != "" {
			t.Errorf("empty plain list: %q", got)
		}
	})
}

func TestUserInvite(t *testing.T) {
	c := adminCLI(t)
	teamID, teamName := createUserTeam(t)
	_, other := createUserTeam(t)
	email := unique("uinvite") + "@example.com"

	// SMTP is not configured, but the server sends invitations in the background: it
	// accepts the request, and so do we.
	r := c.mustRun("", "user", "invite", email, teamName, teamID, other, "--json")
	rows := decodeJSON[[]struct {
		Input string         `json:"input"`
		OK    bool           `json:"ok"`
		Email string         `json:"email"`
		Team  map[string]any `json:"team"`
	}](t, r.Stdout)
	if len(rows) != 3 || !rows[0].OK || rows[1].Team["id"] != teamID || rows[2].Team["name"] != other || rows[0].Email != email {
		t.Fatalf("rows: %s", r.Stdout)
	}
	// The team named by name and by ID is invited to once.
	if strings.Count(r.Stderr, "Invited "+email) != 2 || !strings.Contains(r.Stderr, teamID+": same team as argument 1\n") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	// An invitation creates no account.
	if status, _ := api(t, http.MethodGet, "/api/v4/users/email/"+email, nil); status != http.StatusNotFound {
		t.Errorf("GET /users/email after invite: HTTP %d", status)
	}

	r = c.run("", "user", "invite", email, teamName, "nosuch-"+teamName)
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, "nosuch-"+teamName)
	expectCode(t, c.run("", "user", "invite", email, "nosuch-"+teamName), 5)
	r = c.mustRun("", "user", "invite", email, teamName, "--dry-run")
	if !strings.Contains(r.Stderr, "would invite "+email+" to "+teamName) {
		t.Errorf("dry run: %q", r.Stderr)
	}
	expectCode(t, c.run("", "user", "invite", "not-an-email", teamName), 2)
	expectCode(t, c.run("", "user", "invite", email), 2)
}

func TestUserResetPassword(t *testing.T) {
	c := adminCLI(t)
	names, _ := createUsers(t, "ureset", 1)
	name := names[0]

	// SMTP is not configured: the server says it could not send the email.
	r := c.run("", "user", "reset-password", name)
	expectCode(t, r, 1)
	if !strings.Contains(r.Stderr, name+": Failed to send password reset email") {
		t.Errorf("stderr does not give the server's reason: %q", r.Stderr)
	}
	// A user that does not exist is reported as such (the server itself would answer "sent").
	r = c.run("", "user", "reset_password", "nosuch-"+name+"@example.com")
	expectCode(t, r, 5)
	reportedOnce(t, r.Stderr, "nosuch-"+name+"@example.com")
	r = c.mustRun("", "user", "reset-password", name+"@example.com", "--dry-run")
	if !strings.Contains(r.Stderr, "would send a password reset email to user "+name) {
		t.Errorf("dry run: %q", r.Stderr)
	}
	// The password is unchanged.
	userLogin(t, name, userPassword(name))
	expectCode(t, c.run("", "user", "reset-password"), 2)
}

func TestUserChangePassword(t *testing.T) {
	c := adminCLI(t)
	names, _ := createUsers(t, "upass", 2)
	name := names[0]
	newPw := "N3w-" + name + "-pw"

	// Without a terminal the new password must come from a flag.
	expectCode(t, c.run("", "user", "change-password", name), 2)
	expectCode(t, c.run("", "user", "change-password", "nosuch-"+name, "--password-file", userTempFile(t, "pw", newPw)), 5)
	// --dry-run changes nothing.
	c.mustRun("", "user", "change-password", name, "--password-file", userTempFile(t, "pw", newPw), "--dry-run")
	userLogin(t, name, userPassword(name))

	// The admin changes another user's password without knowing it.
	r := c.mustRun("", "user", "change-password", name, "--password-file", userTempFile(t, "pw", newPw+"\n"))
	noSecrets(t, r, newPw, userPassword(name))
	if !strings.Contains(r.Stderr, "Password for user "+name+" successfully changed") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	userLogin(t, name, newPw)
	if _, err := userLoginErr(name, userPassword(name)); err == nil {
		t.Fatal("the old password still works")
	}

	// From standard input.
	c.mustRun(newPw+"-2", "user", "change-password", "@"+name, "--password-file", "-")
	userLogin(t, name, newPw+"-2")

	// --hashed stores a hash as is: give the second user the first user's hash.
	hash := userDB(t, "SELECT password FROM users WHERE username = '"+name+"'")
	r = c.mustRun(hash, "user", "change-password", names[1], "--hashed", "--password-file", "-")
	noPasswordHash(t, r)
	userLogin(t, names[1], newPw+"-2")
}

func TestUserResetMFA(t *testing.T) {
	c := adminCLI(t)
	names, ids := createUsers(t, "umfa", 2)
	name, id := names[0], ids[0]

	// The user turns MFA on; from then on a password alone no longer logs in.
	tok := userLogin(t, name, userPassword(name))
	status, body := apiAs(t, tok, http.MethodPost, "/api/v4/users/"+id+"/mfa/generate", nil)
	if status != http.StatusOK {
		t.Fatalf("mfa/generate: HTTP %d: %s", status, body)
	}
	var gen struct{ Secret string }
	if err := json.Unmarshal(body, &gen); err != nil || gen.Secret == "" {
		t.Fatalf("mfa/generate: %v %s", err, body)
	}
	status, body = apiAs(t, tok, http.MethodPut, "/api/v4/users/"+id+"/mfa", map[string]any{"activate": true, "code": totpCode(t, gen.Secret)})
	if status != http.StatusOK {
		t.Fatalf("activating MFA: HTTP %d: %s", status, body)
	}
	if me := userMe(t, tok); me["mfa_active"] != true {
		t.Fatalf("mfa_active = %v", me["mfa_active"])
	}
	if _, err := userLoginErr(name, userPassword(name)); err == nil {
		t.Fatal("password-only login works with MFA on")
	}

	c.mustRun("", "user", "resetmfa", name, "--dry-run")
	if me := userMe(t, tok); me["mfa_active"] != true {
		t.Fatal("--dry-run turned MFA off")
	}
	r := c.run("", "user", "resetmfa", name, names[1], "nosuch-"+name)
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, "nosuch-"+name)
	if !strings.Contains(r.Stderr, "Reset MFA of user "+name) {
		t.Errorf("stderr: %q", r.Stderr)
	}
	if me := userMe(t, tok); me["mfa_active"] == true {
		t.Fatal("MFA still on")
	}
	userLogin(t, name, userPassword(name))
	expectCode(t, c.run("", "user", "resetmfa", "nosuch-"+name), 5)
}

func TestUserEdit(t *testing.T) {
	c := adminCLI(t)
	names, ids := createUsers(t, "uedit", 2)
	name, id := names[0], ids[0]

	// --dry-run changes nothing.
	before := userSnapshot(t, ids...)
	newName := unique("uedited")
	for _, args := range [][]string{
		{"username", name, newName},
		{"email", name, newName + "@example.com"},
	} {
		r := c.mustRun("", append(append([]string{"user", "edit"}, args...), "--dry-run")...)
		if !strings.Contains(r.Stderr, "would change the "+args[0]) {
			t.Errorf("dry run stderr: %q", r.Stderr)
		}
	}
	if after := userSnapshot(t, ids...); after != before {
		t.Fatalf("--dry-run changed users:\n%s\n%s", before, after)
	}

	r := c.mustRun("", "user", "edit", "username", name, newName, "--json")
	noPasswordHash(t, r)
	if u := decodeJSON[map[string]any](t, r.Stdout); u["username"] != newName {
		t.Errorf("printed %v", u["username"])
	}
	if !strings.Contains(r.Stderr, "username updated successfully") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	r = c.mustRun("", "user", "edit", "email", id, strings.ToUpper(newName)+"@example.org")
	u := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/"+id, nil)
	if u["username"] != newName || u["email"] != newName+"@example.org" || u["nickname"] != "" {
		t.Fatalf("server user after edit: %v %v", u["username"], u["email"])
	}
	// Setting the current value again changes nothing.
	r = c.mustRun("", "user", "edit", "username", newName, newName)
	if !strings.Contains(r.Stderr, "nothing to change") {
		t.Errorf("stderr: %q", r.Stderr)
	}

	// Invalid values are usage errors; taken ones are the server's refusal; unknown users exit 5.
	expectCode(t, c.run("", "user", "edit", "username", newName, "Not Valid!"), 2)
	expectCode(t, c.run("", "user", "edit", "email", newName, "not-an-email"), 2)
	expectCode(t, c.run("", "user", "edit", "username", newName), 2)
	expectCode(t, c.run("", "user", "edit", "username", "nosuch-"+newName, unique("x")), 5)
	r = c.run("", "user", "edit", "username", newName, names[1])
	expectCode(t, r, 1)
	if u := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/"+id, nil); u["username"] != newName {
		t.Fatal("a refused rename changed the user")
	}

	t.Run("authdata", func(t *testing.T) {
		c := c.boundTo(t)
		// Authentication data needs an authentication service: give the user one.
		uname := names[1]
		// Authentication data is unique across users.
		first, second := unique("gl-"), unique("gl-")
		apiJSON[map[string]any](t, http.MethodPut, "/api/v4/users/"+ids[1]+"/auth", map[string]any{"auth_data": first, "auth_service": "gitlab"})
		before := userDB(t, "SELECT authdata FROM users WHERE id = '"+ids[1]+"'")
		if before != first {
			t.Fatalf("authdata before: %q", before)
		}
		c.mustRun("", "user", "edit", "authdata", uname, second, "--dry-run")
		if got := userDB(t, "SELECT authdata FROM users WHERE id = '"+ids[1]+"'"); got != first {
			t.Fatalf("--dry-run changed authdata to %q", got)
		}
		r := c.mustRun("", "user", "edit", "authdata", uname, second)
		if !strings.Contains(r.Stderr, "authdata updated successfully") {
			t.Errorf("stderr: %q", r.Stderr)
		}
		if got := userDB(t, "SELECT authdata || ' ' || authservice FROM users WHERE id = '"+ids[1]+"'"); got != second+" gitlab" {
			t.Fatalf("authdata after edit: %q", got)
		}
		// An email user has no authentication service: the server refuses.
		expectCode(t, c.run("", "user", "edit", "authdata", newName, "x-1"), 1)
		// The server cannot clear authentication data: "" must not claim success while the
		// old value stays.
		r = c.run("", "user", "edit", "authdata", uname, "")
		if got := userDB(t, "SELECT authdata FROM users WHERE id = '"+ids[1]+"'"); r.Code == 0 && got != "" {
			t.Errorf("user edit authdata %s \"\" exited 0 (%q) but the server still holds authdata %q", uname, strings.TrimSpace(r.Stderr), got)
		}
	})
}

func TestUserVerify(t *testing.T) {
	c := adminCLI(t)
	names, ids := createUsers(t, "uverify", 2)
	verified := func(name string) bool {
		return userMe(t, userLogin(t, name, userPassword(name)))["email_verified"] == true
	}
	if verified(names[0]) {
		t.Fatal("new user already verified")
	}
	before := userSnapshot(t, ids...)
	c.mustRun("", "user", "verify", names[0], "--dry-run")
	if verified(names[0]) || userSnapshot(t, ids...) != before {
		t.Fatal("--dry-run verified the user")
	}
	r := c.run("", "user", "verify", names[0], ids[1], "nosuch-"+names[0], "--json")
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, "nosuch-"+names[0])
	if !verified(names[0]) || !verified(names[1]) {
		t.Fatal("users not verified")
	}
	noPasswordHash(t, r)
	rows := decodeJSON[[]userRow](t, r.Stdout)
	if len(rows) != 3 || !rows[0].OK || rows[2].OK {
		t.Fatalf("rows: %+v", rows)
	}
	if rows[0].User["email_verified"] != true {
		t.Errorf("the JSON row shows email_verified = %v after verifying", rows[0].User["email_verified"])
	}
	expectCode(t, c.run("", "user", "verify", "nosuch-"+names[0]), 5)
}

func TestUserConvert(t *testing.T) {
	c := adminCLI(t)
	names, ids := createUsers(t, "uconv", 2)
	isBot := func(id string) bool {
		status, _ := api(t, http.MethodGet, "/api/v4/bots/"+id+"?include_deleted=true", nil)
		return status == http.StatusOK
	}

	before := userSnapshot(t, ids...)
	c.mustRun("", "user", "convert", names[0], "--bot", "--dry-run")
	if isBot(ids[0]) || userSnapshot(t, ids...) != before {
		t.Fatal("--dry-run converted the user")
	}
	r := c.run("", "user", "convert", names[0], ids[1], "nosuch-"+names[0], "--bot")
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, "nosuch-"+names[0])
	if !strings.Contains(r.Stderr, names[0]+" converted to bot.") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	if !isBot(ids[0]) || !isBot(ids[1]) {
		t.Fatal("users were not converted to bots")
	}
	// Already a bot: refused, unchanged.
	r = c.run("", "user", "convert", names[0], "--bot")
	expectCode(t, r, 1)
	reportedOnce(t, r.Stderr, names[0])

	// Back to a user account with a new password and email.
	pw := "B4ck-" + names[0]
	r = c.mustRun(pw, "user", "convert", names[0], "--user", "--password-file", "-", "--email", "back-"+names[0]+"@example.com", "--json")
	noSecrets(t, r, pw)
	noPasswordHash(t, r)
	if isBot(ids[0]) {
		t.Fatal("still a bot after --user")
	}
	if u := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/"+ids[0], nil); u["email"] != "back-"+names[0]+"@example.com" || u["is_bot"] == true {
		t.Fatalf("server user: %v", u)
	}
	userLogin(t, names[0], pw)

	// A user account is not a bot; usage errors.
	expectCode(t, c.run(pw, "user", "convert", names[0], "--user", "--password-file", "-"), 1)
	expectCode(t, c.run("", "user", "convert", names[1]), 2)
	expectCode(t, c.run("", "user", "convert", names[1], "--bot", "--user"), 2)
	expectCode(t, c.run("", "user", "convert", names[1], "--user"), 2)
	expectCode(t, c.run("", "user", "convert", names[1], "--bot", "--email", "x@example.com"), 2)
	expectCode(t, c.run("pw", "user", "convert", names[1], names[0], "--user", "--password-file", "-"), 2)
	if !isBot(ids[1]) {
		t.Fatal("a usage error changed the bot")
	}
}

func TestUserMigrateAuth(t *testing.T) {
	c := adminCLI(t)
	// This server has no Enterprise license: the server refuses, cleanly.
	for _, tt := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"email", "ldap", "email"}, "LDAP"},
		{[]string{"email", "saml", "--auto", "--confirm"}, "SAML"},
		{[]string{"ldap", "saml", userTempFile(t, "users.json", `{"a@example.com":"a"}`)}, "SAML"},
	} {
		r := c.run("", append([]string{"user", "migrate-auth"}, tt.args...)...)
		expectCode(t, r, 1)
		if !strings.Contains(r.Stderr, tt.stderr) || strings.Count(strings.TrimSpace(r.Stderr), "\n") > 1 {
			t.Errorf("%v: stderr %q", tt.args, r.Stderr)
		}
	}
	r := c.mustRun("", "user", "migrate_auth", "email", "ldap", "username", "--force", "--dry-run")
	if !strings.Contains(r.Stderr, "would migrate") {
		t.Errorf("dry run: %q", r.Stderr)
	}
	// Usage errors.
	for _, args := range [][]string{
		{"email"},
		{"email", "ldap"},
		{"email", "ldap", "nickname"},
		{"ldap", "ldap", "email"},
		{"email", "oauth", "email"},
		{"email", "saml"},
		{"email", "saml", "users.json", "--auto"},
		{"email", "ldap", "email", "--auto"},
		{"email", "saml", "--auto", "--force"},
		{"email", "saml", "--auto"}, // no --confirm without a terminal
		{"email", "ldap", "email", "extra", "args"},
	} {
		expectCode(t, c.run("", append([]string{"user", "migrate-auth"}, args...)...), 2)
	}
	r = c.run("", "user", "migrate-auth", "email", "saml", userTempFile(t, "bad.json", "[1,2]"))
	expectCode(t, r, 1)
	if !strings.Contains(r.Stderr, "users file") {
		t.Errorf("bad users file: %q", r.Stderr)
	}
}

func TestUserPromoteDemote(t *testing.T) {
	c := adminCLI(t)
	names, ids := createUsers(t, "uguest", 2)
	roles := func(id string) string {
		return apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/"+id, nil)["roles"].(string)
	}

	// Guest accounts need a license: demote is refused by the server, cleanly.
	r := c.run("", "user", "demote", names[0])
	expectCode(t, r, 1)
	reportedOnce(t, r.Stderr, names[0])
	if !strings.Contains(r.Stderr, "license does not support guest accounts") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	if roles(ids[0]) != "system_user" {
		t.Fatalf("roles after a refused demote: %q", roles(ids[0]))
	}
	c.mustRun("", "user", "demote", names[0], "--dry-run")
	expectCode(t, c.run("", "user", "demote", "nosuch-"+names[0]), 5)

	// A guest made through the roles API can be promoted.
	apiJSON[map[string]any](t, http.MethodPut, "/api/v4/users/"+ids[1]+"/roles", map[string]any{"roles": "system_guest"})
	c.mustRun("", "user", "promote", names[1], "--dry-run")
	if roles(ids[1]) != "system_guest" {
		t.Fatal("--dry-run promoted the guest")
	}
	r = c.run("", "user", "promote", names[1], names[0])
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, names[0])
	if !strings.Contains(r.Stderr, "User "+names[1]+" promoted") || !strings.Contains(r.Stderr, "not a guest") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	if roles(ids[1]) != "system_user" || roles(ids[0]) != "system_user" {
		t.Fatalf("roles after promote: %q, %q", roles(ids[1]), roles(ids[0]))
	}
	expectCode(t, c.run("", "user", "promote"), 2)
}

func TestUserPreference(t *testing.T) {
	c := adminCLI(t)
	names, ids := createUsers(t, "upref", 2)
	const cat, name = "display_settings", "use_military_time"
	serverPref := func(id string) (string, bool) {
		prefs := apiJSON[[]map[string]any](t, http.MethodGet, "/api/v4/users/"+id+"/preferences", nil)
		for _, p := range prefs {
			if p["category"] == cat && p["name"] == name {
				return p["value"].(string), true
			}
		}
		return "", false
	}

	c.mustRun("", "user", "preference", "set", names[0], ids[1], "-c", cat, "-n", name, "-v", "true", "--dry-run")
	if _, ok := serverPref(ids[0]); ok {
		t.Fatal("--dry-run set the preference")
	}
	r := c.mustRun("", "user", "pref", "set", names[0], ids[1], "-c", cat, "-n", name, "-v", "true")
	if strings.Count(r.Stderr, "updated successfully") != 2 {
		t.Errorf("stderr: %q", r.Stderr)
	}
	for _, id := range ids {
		if v, ok := serverPref(id); !ok || v != "true" {
			t.Fatalf("server preference of %s: %q %v", id, v, ok)
		}
	}

	got := decodeJSON[[]map[string]any](t, c.mustRun("", "user", "preference", "get", names[0], names[1], "-c", cat, "-n", name, "--json").Stdout)
	if len(got) != 2 || got[0]["user_id"] != ids[0] || got[1]["value"] != "true" {
		t.Fatalf("get: %v", got)
	}
	plain := c.mustRun("", "user", "preference", "get", names[0], "-c", cat, "-n", name).Stdout
	if plain != names[0]+"\t"+cat+"\t"+name+"\ttrue\n" {
		t.Errorf("plain get: %q", plain)
	}
	list := decodeJSON[[]map[string]any](t, c.mustRun("", "user", "preference", "list", names[0], "--json").Stdout)
	server := apiJSON[[]map[string]any](t, http.MethodGet, "/api/v4/users/"+ids[0]+"/preferences", nil)
	if len(list) != len(server) {
		t.Fatalf("list: %d preferences, server %d", len(list), len(server))
	}
	byCat := decodeJSON[[]map[string]any](t, c.mustRun("", "user", "preference", "list", names[0], "-c", cat, "--json").Stdout)
	if len(byCat) != 1 || byCat[0]["name"] != name {
		t.Fatalf("list -c: %v", byCat)
	}
	if got := c.mustRun("", "user", "preference", "list", names[0], "-c", "nosuchcategory", "--json").Stdout; strings.TrimSpace(got) != "[]" {
		t.Errorf("empty category: %q", got)
	}

	c.mustRun("", "user", "preference", "delete", names[0], "-c", cat, "-n", name, "--dry-run")
	if _, ok := serverPref(ids[0]); !ok {
		t.Fatal("--dry-run deleted the preference")
	}
	c.mustRun("", "user", "preference", "delete", names[0], "-c", cat, "-n", name)
	if _, ok := serverPref(ids[0]); ok {
		t.Fatal("preference not deleted")
	}
	if _, ok := serverPref(ids[1]); !ok {
		t.Fatal("the other user's preference was deleted")
	}
	// Deleting what is not there succeeds.
	c.mustRun("", "user", "preference", "delete", names[0], "-c", cat, "-n", name)

	// A user without the preference: reported once as not found; the others printed.
	r = c.run("", "user", "preference", "get", names[0], names[1], "-c", cat, "-n", name)
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, names[0])
	if !strings.HasPrefix(r.Stdout, names[1]+"\t") {
		t.Errorf("stdout: %q", r.Stdout)
	}
	if !strings.Contains(r.Stderr, "not found") || strings.Contains(r.Stderr, "sql:") {
		t.Errorf("a missing preference should read \"not found\", not the server's database error: %q", r.Stderr)
	}
	r = c.run("", "user", "preference", "get", names[0], "-c", cat, "-n", name)
	if r.Code != 5 {
		t.Errorf("get of a missing preference: exit %d, want 5 (not found); stderr %q", r.Code, r.Stderr)
	}

	// Usage errors.
	for _, args := range [][]string{
		{"set", names[0], "-c", cat, "-n", name},
		{"set", names[0], "-n", name, "-v", "x"},
		{"set", "-c", cat, "-n", name, "-v", "x"},
		{"get", names[0], "-c", cat},
		{"delete", names[0], "-n", name},
		{"set", names[0], "-c", "theme", "-n", "", "-v", "not json"},
	} {
		expectCode(t, c.run("", append([]string{"user", "preference"}, args...)...), 2)
	}
	expectCode(t, c.run("", "user", "preference", "list", "nosuch-"+names[0]), 5)
}
