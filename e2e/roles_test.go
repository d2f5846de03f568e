//go:build e2e

package e2e

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestRolesSystemAdminMember(t *testing.T) {
	c := adminCLI(t)
	names, ids := createUsers(t, "urole", 3)
	roles := func(id string) []string {
		return strings.Fields(apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/"+id, nil)["roles"].(string))
	}
	isAdmin := func(id string) bool { return slices.Contains(roles(id), "system_admin") }

	// --dry-run changes nothing.
	before := userSnapshot(t, ids...)
	r := c.mustRun("", "roles", "system-admin", names[0], ids[1], "--dry-run")
	if strings.Count(r.Stderr, "would assign the system admin role to user") != 2 {
		t.Errorf("dry run stderr: %q", r.Stderr)
	}
	if after := userSnapshot(t, ids...); after != before {
		t.Fatalf("--dry-run changed users:\n%s\n%s", before, after)
	}

	// Grant: other roles are kept; the new admin can act as one.
	r = c.mustRun("", "roles", "system-admin", names[0], ids[1])
	if !strings.Contains(r.Stderr, `System admin role assigned to user "`+names[0]+`"`) {
		t.Errorf("stderr: %q", r.Stderr)
	}
	for _, id := range ids[:2] {
		if got := roles(id); !slices.Contains(got, "system_admin") || !slices.Contains(got, "system_user") {
			t.Fatalf("roles of %s: %v", id, got)
		}
	}
	if isAdmin(ids[2]) {
		t.Fatal("a user not named became an admin")
	}
	tok := userLogin(t, names[0], userPassword(names[0]))
	if status, _ := apiAs(t, tok, http.MethodGet, "/api/v4/config", nil); status != http.StatusOK {
		t.Fatalf("the new system admin cannot read the config: HTTP %d", status)
	}
	// Already an admin: a note, nothing changes.
	before = userSnapshot(t, ids[0])
	r = c.mustRun("", "roles", "system_admin", names[0])
	if !strings.Contains(r.Stderr, "already a system admin") || userSnapshot(t, ids[0]) != before {
		t.Errorf("already admin: %q", r.Stderr)
	}

	// Partial failure: exit 3, each failure once, the others changed.
	r = c.run("", "roles", "member", names[0], "nosuch-"+names[0], "--json")
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, "nosuch-"+names[0])
	rows := decodeJSON[[]userRow](t, r.Stdout)
	if len(rows) != 2 || !rows[0].OK || rows[1].OK || rows[0].User["roles"] != "system_user" {
		t.Fatalf("rows: %s", r.Stdout)
	}
	if got := roles(ids[0]); !slices.Equal(got, []string{"system_user"}) {
		t.Fatalf("roles after member: %v", got)
	}
	if !isAdmin(ids[1]) {
		t.Fatal("member revoked the role of a user not named")
	}
	// member --dry-run, then member on a plain member (a note).
	before = userSnapshot(t, ids...)
	c.mustRun("", "roles", "member", ids[1], "--dry-run")
	if userSnapshot(t, ids...) != before {
		t.Fatal("member --dry-run changed users")
	}
	c.mustRun(names[1]+"\n", "roles", "member", "--file", "-")
	if isAdmin(ids[1]) {
		t.Fatal("member --file - did not revoke")
	}
	r = c.mustRun("", "roles", "member", names[2])
	if !strings.Contains(r.Stderr, "is not a system admin") {
		t.Errorf("stderr: %q", r.Stderr)
	}

	expectCode(t, c.run("", "roles", "system-admin", "nosuch-"+names[0]), 5)
	expectCode(t, c.run("", "roles", "system-admin"), 2)
	expectCode(t, c.run("", "roles", "member"), 2)

	// A non-admin may not change roles: exit 4, nothing changes.
	plain := newCLI(t)
	plain.mustRun(userPassword(names[2]), "auth", "login", srv.URL, "--name", "plain", "--username", names[2], "--password-stdin")
	r = plain.run("", "roles", "system-admin", names[2])
	expectCode(t, r, 4)
	if isAdmin(ids[2]) {
		t.Fatal("a non-admin made themselves an admin")
	}
}

func TestRolesList(t *testing.T) {
	c := adminCLI(t)
	plain := c.mustRun("", "roles", "list").Stdout
	var names []string
	for _, line := range strings.Split(strings.TrimRight(plain, "\n"), "\n") {
		name, _, _ := strings.Cut(line, "\t")
		names = append(names, name)
	}
	for _, want := range []string{"system_admin", "system_user", "system_guest", "team_admin", "channel_user"} {
		if !slices.Contains(names, want) {
			t.Errorf("roles list lacks %s:\n%s", want, plain)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("roles are not sorted by name: %v", names)
	}
	// JSON: the role objects, permissions included, as the server has them.
	roles := decodeJSON[[]map[string]any](t, c.mustRun("", "roles", "list", "--json").Stdout)
	server := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/roles/name/system_user", nil)
	found := false
	for _, r := range roles {
		if r["name"] == "system_user" {
			found = true
			if r["id"] != server["id"] || len(r["permissions"].([]any)) != len(server["permissions"].([]any)) {
				t.Errorf("system_user: %v, server %v", r["id"], server["id"])
			}
		}
	}
	if !found || len(roles) != len(names) {
		t.Fatalf("JSON has %d roles, plain %d", len(roles), len(names))
	}
	if got := c.mustRun("", "roles", "list", "--format", "table").Stdout; !strings.HasPrefix(got, "NAME") {
		t.Errorf("table: %q", got[:min(len(got), 80)])
	}
	expectCode(t, c.run("", "roles", "list", "extra"), 2)
}
