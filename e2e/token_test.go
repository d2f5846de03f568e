//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
)

// serverTokens is the server's list of a user's personal access tokens: ID → active.
func serverTokens(t testing.TB, userID string) map[string]bool {
	t.Helper()
	tokens := apiJSON[[]map[string]any](t, http.MethodGet, "/api/v4/users/"+userID+"/tokens?per_page=200", nil)
	m := make(map[string]bool, len(tokens))
	for _, tok := range tokens {
		m[tok["id"].(string)] = tok["is_active"] == true
	}
	return m
}

// tokenIDs lists the IDs of a token list printed in JSON, sorted.
func tokenIDs(t testing.TB, stdout string) []string {
	t.Helper()
	var ids []string
	for _, tok := range decodeJSON[[]map[string]any](t, stdout) {
		if tok["token"] != nil {
			t.Fatalf("token list shows a token value: %v", tok)
		}
		ids = append(ids, tok["id"].(string))
	}
	sort.Strings(ids)
	return ids
}

func TestTokenGenerate(t *testing.T) {
	c := adminCLI(t)
	name := unique("utok")
	id := createUser(t, name)

	// Plain output is the token alone, once, on stdout; it works as a bearer token.
	r := c.mustRun("", "token", "generate", name, "ci pipeline")
	token := strings.TrimSpace(r.Stdout)
	if r.Stdout != token+"\n" || len(token) != 26 {
		t.Fatalf("plain stdout %q is not one token", r.Stdout)
	}
	if strings.Contains(r.Stderr, token) {
		t.Fatal("the token appears on stderr")
	}
	if !strings.Contains(r.Stderr, "Generated a token for "+name) {
		t.Errorf("stderr: %q", r.Stderr)
	}
	status, body := apiAs(t, token, http.MethodGet, "/api/v4/users/me", nil)
	if status != http.StatusOK || !strings.Contains(string(body), `"username":"`+name+`"`) {
		t.Fatalf("the token does not work for %s: HTTP %d %s", name, status, body)
	}

	// JSON: the token object, the token value once.
	r = c.mustRun("", "token", "generate", id, "deploy", "--json")
	tok := decodeJSON[map[string]any](t, r.Stdout)
	value, _ := tok["token"].(string)
	if value == "" || tok["user_id"] != id || tok["description"] != "deploy" || tok["is_active"] != true {
		t.Fatalf("token object: %v", tok)
	}
	if strings.Count(r.Stdout, value) != 1 || strings.Contains(r.Stderr, value) {
		t.Fatal("the token is printed more than once")
	}
	if active, ok := serverTokens(t, id)[tok["id"].(string)]; !ok || !active {
		t.Fatal("the server does not list the new token as active")
	}

	// --dry-run generates nothing; errors.
	before := serverTokens(t, id)
	c.mustRun("", "token", "generate", name, "nothing", "--dry-run")
	if after := serverTokens(t, id); len(after) != len(before) {
		t.Fatalf("--dry-run generated a token: %d → %d", len(before), len(after))
	}
	expectCode(t, c.run("", "token", "generate", "nosuch-"+name, "x"), 5)
	expectCode(t, c.run("", "token", "generate", name, "  "), 2)
	expectCode(t, c.run("", "token", "generate", name), 2)
	expectCode(t, c.run("", "token", "generate", name, strings.Repeat("d", 256)), 2)
	if after := serverTokens(t, id); len(after) != len(before) {
		t.Fatal("a failed generate created a token")
	}
}

func TestTokenListRevoke(t *testing.T) {
	c := adminCLI(t)
	name := unique("utok")
	id := createUser(t, name)
	var ids, values []string
	for i := range 3 {
		tok := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/users/"+id+"/tokens", map[string]any{"description": fmt.Sprintf("token %d", i)})
		ids = append(ids, tok["id"].(string))
		values = append(values, tok["token"].(string))
	}
	sorted := func(s ...string) []string { s = append([]string(nil), s...); sort.Strings(s); return s }

	// An empty list is [], not an error.
	other := unique("utok")
	createUser(t, other)
	if got := c.mustRun("", "token", "list", other, "--json").Stdout; strings.TrimSpace(got) != "[]" {
		t.Errorf("empty token list: %q", got)
	}
	if got := c.mustRun("", "token", "list", other, "--inactive").Stdout; got != "" {
		t.Errorf("empty plain token list: %q", got)
	}

	r := c.mustRun("", "token", "list", name)
	if lines := strings.Split(strings.TrimSpace(r.Stdout), "\n"); len(lines) != 3 || !strings.HasPrefix(lines[0], ids[0]+"\ttoken 0\ttrue") {
		t.Fatalf("plain list:\n%s", r.Stdout)
	}
	noSecrets(t, r, values...)

	// Disable one (inactive) through the API; revoke another with --dry-run first.
	apiJSON[map[string]any](t, http.MethodPost, "/api/v4/users/tokens/disable", map[string]any{"token_id": ids[0]})
	before := serverTokens(t, id)
	r = c.mustRun("", "token", "revoke", ids[1], "--dry-run", "--json")
	if rows := decodeJSON[[]userRow](t, r.Stdout); len(rows) != 1 || !rows[0].OK || !rows[0].DryRun || rows[0].Token["description"] != "token 1" {
		t.Fatalf("dry-run rows: %s", r.Stdout)
	}
	if after := serverTokens(t, id); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("--dry-run changed tokens: %v → %v", before, after)
	}
	if status, _ := apiAs(t, values[1], http.MethodGet, "/api/v4/users/me", nil); status != http.StatusOK {
		t.Fatal("the token stopped working after --dry-run")
	}

	// Partial failure: the valid one is revoked, the unknown one reported once, exit 3.
	unknown := "abcdefghijklmnopqrstuvwxyz"
	r = c.run("", "token", "revoke", ids[1], unknown, "not-an-id")
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, unknown, "not-an-id")
	if !strings.Contains(r.Stderr, "Revoked token "+ids[1]) {
		t.Errorf("stderr: %q", r.Stderr)
	}
	if _, ok := serverTokens(t, id)[ids[1]]; ok {
		t.Fatal("the revoked token is still on the server")
	}
	if status, _ := apiAs(t, values[1], http.MethodGet, "/api/v4/users/me", nil); status != http.StatusUnauthorized {
		t.Fatalf("the revoked token still works: HTTP %d", status)
	}
	// All failed: the failure's own exit code.
	expectCode(t, c.run("", "token", "revoke", unknown), 5)
	expectCode(t, c.run("", "token", "revoke"), 2)

	// --active and --inactive filter as their names say.
	all := tokenIDs(t, c.mustRun("", "token", "list", name, "--json").Stdout)
	active := tokenIDs(t, c.mustRun("", "token", "list", id, "--active", "--all", "--json").Stdout)
	inactive := tokenIDs(t, c.mustRun("", "token", "list", "@"+name, "--inactive", "--json").Stdout)
	if fmt.Sprint(all) != fmt.Sprint(sorted(ids[0], ids[2])) || fmt.Sprint(active) != fmt.Sprint([]string{ids[2]}) || fmt.Sprint(inactive) != fmt.Sprint([]string{ids[0]}) {
		t.Fatalf("all %v, --active %v, --inactive %v; want %v, [%s], [%s]", all, active, inactive, sorted(ids[0], ids[2]), ids[2], ids[0])
	}
	if got := c.mustRun("", "token", "list", name, "--per-page", "1", "--page", "1", "--json").Stdout; len(tokenIDs(t, got)) != 1 {
		t.Errorf("--per-page 1 --page 1: %s", got)
	}
	expectCode(t, c.run("", "token", "list", name, "--active", "--inactive"), 2)
	expectCode(t, c.run("", "token", "list", "nosuch-"+name), 5)

	// --file - revokes the rest.
	r = c.mustRun(ids[0]+"\n"+ids[2]+"\n", "token", "revoke", "--file", "-", "--json")
	if rows := decodeJSON[[]userRow](t, r.Stdout); len(rows) != 2 || !rows[0].OK || !rows[1].OK {
		t.Fatalf("rows: %s", r.Stdout)
	}
	if left := serverTokens(t, id); len(left) != 0 {
		t.Fatalf("tokens left: %v", left)
	}
}

// With personal access tokens off, generate and list name the setting and its variable (exit 1).
func TestTokenRefusedBySetting(t *testing.T) {
	c := adminCLI(t)
	name := unique("utok")
	createUser(t, name)
	setServerSetting(t, "ServiceSettings", "EnableUserAccessTokens", false)
	r := c.run("", "token", "generate", name, "refused")
	expectCode(t, r, 1)
	want := "personal access token creation is disabled on the server (ServiceSettings.EnableUserAccessTokens, MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS)"
	if !strings.Contains(r.Stderr, want) || !strings.Contains(r.Stderr, "\nhint: set ServiceSettings.EnableUserAccessTokens to true") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	if r.Stdout != "" {
		t.Errorf("stdout: %q", r.Stdout)
	}
}
