//go:build e2e

package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// tmRow is the JSON result of one argument of a multi-argument team verb.
type tmRow struct {
	Input       string         `json:"input"`
	OK          bool           `json:"ok"`
	DryRun      bool           `json:"dry_run"`
	DuplicateOf int            `json:"duplicate_of"`
	Changed     *bool          `json:"changed"`
	Team        map[string]any `json:"team"`
	Error       string         `json:"error"`
}

// tmName is a fresh team name, unique within the run.
func tmName() string { return unique("tm") }

// tmCreate makes a team through the API (public: open, joinable by anyone; private: invite
// only), deletes it when the test ends, and returns its ID.
func tmCreate(t testing.TB, name string, private bool) string {
	t.Helper()
	body := map[string]any{"name": name, "display_name": "Team " + name, "type": "O", "allow_open_invite": true}
	if private {
		body["type"], body["allow_open_invite"] = "I", false
	}
	team := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/teams", body)
	id := team["id"].(string)
	tmDropAtEnd(t, id)
	return id
}

// tmDropAtEnd permanently deletes the team when the test ends, if it still exists.
func tmDropAtEnd(t testing.TB, id string) {
	t.Cleanup(func() { api(t, http.MethodDelete, "/api/v4/teams/"+id+"?permanent=true", nil) })
}

// tmByName is the server's record of the team with that name (archived ones too), or nil.
func tmByName(t testing.TB, name string) map[string]any {
	t.Helper()
	status, b := api(t, http.MethodGet, "/api/v4/teams/name/"+name, nil)
	switch status {
	case http.StatusNotFound:
		return nil
	case http.StatusOK:
		var team map[string]any
		if err := json.Unmarshal(b, &team); err != nil {
			t.Fatal(err)
		}
		return team
	}
	t.Fatalf("GET /teams/name/%s: HTTP %d: %s", name, status, b)
	return nil
}

// tmMustExist is tmByName, failing when the team does not exist.
func tmMustExist(t testing.TB, name string) map[string]any {
	t.Helper()
	team := tmByName(t, name)
	if team == nil {
		t.Fatalf("team %s does not exist on the server", name)
	}
	return team
}

// tmArchived reports whether the server holds the team as archived.
func tmArchived(t testing.TB, name string) bool {
	t.Helper()
	return tmMustExist(t, name)["delete_at"].(float64) != 0
}

// tmSnapshot is what a verb could change of the teams, as one comparable string.
func tmSnapshot(t testing.TB, names ...string) string {
	t.Helper()
	var b strings.Builder
	for _, n := range names {
		team := tmByName(t, n)
		if team == nil {
			fmt.Fprintf(&b, "%s: gone\n", n)
			continue
		}
		for _, k := range []string{"id", "name", "display_name", "type", "allow_open_invite", "delete_at", "update_at", "invite_id"} {
			fmt.Fprintf(&b, "%s=%v ", k, team[k])
		}
		b.WriteString("\n")
	}
	return b.String()
}

// tmSetTeamDeletion sets ServiceSettings.EnableAPITeamDeletion through the API and checks that
// the server took it. The sandbox keeps the setting in config.json so that tests can flip it.
func tmSetTeamDeletion(t testing.TB, on bool) {
	t.Helper()
	patchServerSetting(t, "ServiceSettings", "EnableAPITeamDeletion", on)
}

// tmNames is the first column of each plain output line.
func tmNames(stdout string) []string {
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if l != "" {
			name, _, _ := strings.Cut(l, "\t")
			names = append(names, name)
		}
	}
	return names
}

func TestTeamCreate(t *testing.T) {
	c := adminCLI(t)

	t.Run("mmctl's line", func(t *testing.T) {
		name := tmName()
		r := c.boundTo(t).run("", "team", "create", "--name", name, "--display_name", "DevOps Team")
		expectCode(t, r, 0)
		team := tmMustExist(t, name)
		tmDropAtEnd(t, team["id"].(string))
		if r.Stderr != "Created team "+name+"\n" {
			t.Errorf("stderr = %q", r.Stderr)
		}
		if !strings.HasPrefix(r.Stdout, name+"\tDevOps Team\tpublic\tno\t"+team["id"].(string)) {
			t.Errorf("stdout = %q", r.Stdout)
		}
		if team["display_name"] != "DevOps Team" || team["type"] != "O" || team["allow_open_invite"] != true {
			t.Errorf("team on the server: %v", team)
		}
	})

	t.Run("private, JSON, an email the server replaces", func(t *testing.T) {
		name := tmName()
		r := c.boundTo(t).run("", "team", "create", "--name", strings.ToUpper(name), "--display-name", "Board", "--private",
			"--email", "board@example.com", "--json")
		expectCode(t, r, 0)
		created := decodeJSON[map[string]any](t, r.Stdout)
		team := tmMustExist(t, name)
		tmDropAtEnd(t, team["id"].(string))
		if created["id"] != team["id"] || created["name"] != name || created["type"] != "I" || created["allow_open_invite"] != false {
			t.Errorf("stdout = %v, server = %v", created, team)
		}
		if team["type"] != "I" || team["allow_open_invite"] != false {
			t.Errorf("team on the server: %v", team)
		}
		if !strings.Contains(r.Stderr, "warning: team "+name+" has the email admin@example.com") || !strings.Contains(r.Stderr, "Created team "+name) {
			t.Errorf("stderr = %q", r.Stderr)
		}
	})

	t.Run("over the local-mode socket the email is kept", func(t *testing.T) {
		name := tmName()
		local := newCLI(t).with("MATTERCTL_LOCAL_SOCKET=" + srv.SocketPath)
		r := local.run("", "--local", "team", "create", "--name", name, "--display-name", "Local", "--email", "Ops@Example.com")
		expectCode(t, r, 0)
		team := tmMustExist(t, name)
		tmDropAtEnd(t, team["id"].(string))
		if team["email"] != "ops@example.com" {
			t.Errorf("email on the server %v", team["email"])
		}
		if r.Stderr != "Created team "+name+"\n" {
			t.Errorf("stderr = %q", r.Stderr)
		}
	})

	t.Run("dry run creates nothing", func(t *testing.T) {
		name := tmName()
		r := c.boundTo(t).run("", "team", "create", "--name", name, "--display-name", "D", "--dry-run")
		expectCode(t, r, 0)
		if r.Stderr != "would create public team "+name+" (D)\n" {
			t.Errorf("stderr = %q", r.Stderr)
		}
		if tmByName(t, name) != nil {
			t.Fatal("a dry run created the team")
		}
	})

	t.Run("name taken, also by an archived team", func(t *testing.T) {
		name := tmName()
		id := tmCreate(t, name, false)
		r := c.boundTo(t).run("", "team", "create", "--name", name, "--display-name", "Again")
		expectCode(t, r, 1)
		if !strings.HasPrefix(r.Stderr, "error: team "+name+" already exists (HTTP 400) [request ") {
			t.Errorf("stderr = %q", r.Stderr)
		}
		api(t, http.MethodDelete, "/api/v4/teams/"+id, nil)
		for _, dry := range []string{"--dry-run=false", "--dry-run"} {
			r = c.boundTo(t).run("", "team", "create", "--name", name, "--display-name", "Again", dry)
			expectCode(t, r, 1)
			if !strings.Contains(r.Stderr, "team "+name+" already exists (archived)") {
				t.Errorf("%s: stderr = %q", dry, r.Stderr)
			}
		}
	})

	t.Run("invalid name: a usage error before any request", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "create", "--name", "api-"+tmName(), "--display-name", "D")
		expectCode(t, r, 2)
		if !strings.Contains(r.Stderr, "reserved word") {
			t.Errorf("stderr = %q", r.Stderr)
		}
	})
}

func TestTeamCreateFile(t *testing.T) {
	c := adminCLI(t)
	a, b, taken := tmName(), tmName(), tmName()
	tmCreate(t, taken, false)
	csv := "name,display_name,private\n" + a + ",Alpha,\n" + b + ",Beta,yes\n" + a + ",Again,\n" + "x y,Bad,\n" + taken + ",Taken,\n"
	path := userTempFile(t, "teams.csv", csv)

	r := c.run("", "team", "create", "--file", path, "--dry-run", "--json")
	expectCode(t, r, 3)
	rows := decodeJSON[[]tmRow](t, r.Stdout)
	if len(rows) != 5 || !rows[0].OK || !rows[0].DryRun || rows[4].OK || !strings.Contains(rows[4].Error, "already exists") {
		t.Errorf("dry-run rows = %+v", rows)
	}
	if tmByName(t, a) != nil || tmByName(t, b) != nil {
		t.Fatal("a dry run created teams")
	}

	r = c.run("", "team", "create", "--file", path, "--json")
	expectCode(t, r, 3)
	for _, n := range []string{a, b} {
		if team := tmByName(t, n); team != nil {
			tmDropAtEnd(t, team["id"].(string))
		}
	}
	rows = decodeJSON[[]tmRow](t, r.Stdout)
	if len(rows) != 5 {
		t.Fatalf("%d rows, want 5", len(rows))
	}
	if !rows[0].OK || rows[0].Team["name"] != a || !rows[1].OK || rows[1].Team["type"] != "I" {
		t.Errorf("rows 1-2 = %+v", rows[:2])
	}
	for i, want := range []string{"name " + a + " repeats line 2", "invalid team name", "already exists"} {
		if r := rows[i+2]; r.OK || !strings.Contains(r.Error, want) {
			t.Errorf("row %d = %+v, want an error with %q", i+3, r, want)
		}
	}
	if tmMustExist(t, a)["display_name"] != "Alpha" || tmMustExist(t, b)["type"] != "I" {
		t.Error("the file's teams are not on the server as described")
	}
	reportedOnce(t, r.Stderr, "line 4: "+a, "line 5: x y", "line 6: "+taken)
}

func TestTeamArchiveRestore(t *testing.T) {
	c := adminCLI(t)
	name, other := tmName(), tmName()
	id := tmCreate(t, name, false)
	tmCreate(t, other, true)

	t.Run("dry run changes nothing", func(t *testing.T) {
		before := tmSnapshot(t, name, other)
		r := c.boundTo(t).run("", "team", "archive", name, other, "--dry-run")
		expectCode(t, r, 0)
		if !strings.Contains(r.Stderr, "would archive team "+name+" ("+id+")") {
			t.Errorf("stderr = %q", r.Stderr)
		}
		if after := tmSnapshot(t, name, other); after != before {
			t.Errorf("the server changed:\n%s\n%s", before, after)
		}
	})

	t.Run("archive without a terminal needs no flag", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "archive", name, "--json")
		expectCode(t, r, 0)
		if !tmArchived(t, name) {
			t.Fatal("the team is not archived")
		}
		rows := decodeJSON[[]tmRow](t, r.Stdout)
		if len(rows) != 1 || !rows[0].OK || rows[0].Changed == nil || !*rows[0].Changed || rows[0].Team["delete_at"] == float64(0) {
			t.Errorf("rows = %+v", rows)
		}
		if r.Stderr != "Archived team "+name+"\n" {
			t.Errorf("stderr = %q", r.Stderr)
		}
	})

	t.Run("archiving an archived team is a success that changes nothing", func(t *testing.T) {
		before := tmSnapshot(t, name)
		r := c.boundTo(t).run("", "team", "archive", name, "--confirm")
		expectCode(t, r, 0)
		if r.Stderr != "Team "+name+" is already archived: nothing to do\n" {
			t.Errorf("stderr = %q", r.Stderr)
		}
		if after := tmSnapshot(t, name); after != before {
			t.Errorf("the server changed:\n%s\n%s", before, after)
		}
	})

	t.Run("an archived team resolves by name and by ID", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "show", name, "--json")
		expectCode(t, r, 0)
		if team := decodeJSON[map[string]any](t, r.Stdout); team["id"] != id || team["delete_at"] == float64(0) {
			t.Errorf("show = %v", team)
		}
		r = c.boundTo(t).run("", "team", "show", id)
		expectCode(t, r, 0)
		if !strings.HasPrefix(r.Stdout, name+"\tTeam "+name+"\tpublic\tyes\t"+id) {
			t.Errorf("stdout = %q", r.Stdout)
		}
	})

	t.Run("restore", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "restore", id, other)
		expectCode(t, r, 0)
		if tmArchived(t, name) || tmArchived(t, other) {
			t.Fatal("a team is archived after restore")
		}
		want := "Restored team " + name + "\nTeam " + other + " is not archived: nothing to do\n"
		if r.Stderr != want {
			t.Errorf("stderr = %q, want %q", r.Stderr, want)
		}
	})

	t.Run("unknown team: the others are archived, exit 3", func(t *testing.T) {
		ghost := tmName()
		r := c.boundTo(t).run("", "team", "archive", other, ghost)
		expectCode(t, r, 3)
		if !tmArchived(t, other) {
			t.Error("the known team was not archived")
		}
		reportedOnce(t, r.Stderr, ghost)
	})
}

func TestTeamDelete(t *testing.T) {
	c := adminCLI(t)
	name, archived := tmName(), tmName()
	id := tmCreate(t, name, false)
	archivedID := tmCreate(t, archived, true)
	api(t, http.MethodDelete, "/api/v4/teams/"+archivedID, nil)

	t.Run("without a terminal, --confirm is required before any request", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "delete", name)
		expectCode(t, r, 2)
		if !strings.Contains(r.Stderr, "--confirm") {
			t.Errorf("stderr = %q", r.Stderr)
		}
		tmMustExist(t, name)
	})

	t.Run("dry run deletes nothing", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "delete", name, archived, "--dry-run")
		expectCode(t, r, 0)
		if !strings.Contains(r.Stderr, "would permanently delete team "+name+" ("+id+")") {
			t.Errorf("stderr = %q", r.Stderr)
		}
		tmMustExist(t, name)
		tmMustExist(t, archived)
	})

	t.Run("one argument does not resolve: nothing is deleted", func(t *testing.T) {
		ghost := tmName()
		r := c.boundTo(t).run("", "team", "delete", name, ghost, "--confirm")
		expectCode(t, r, 5)
		if !strings.Contains(r.Stderr, "nothing was changed") || !strings.Contains(r.Stderr, ghost) {
			t.Errorf("stderr = %q", r.Stderr)
		}
		tmMustExist(t, name)
	})

	t.Run("refused while ServiceSettings.EnableAPITeamDeletion is false", func(t *testing.T) {
		tmSetTeamDeletion(t, false)
		t.Cleanup(func() { tmSetTeamDeletion(t, true) })
		r := c.boundTo(t).run("", "team", "delete", name, "--yes")
		tmSetTeamDeletion(t, true) // at once: other tests delete teams too
		expectCode(t, r, 1)
		want := name + ": team deletion through the API is disabled on the server (ServiceSettings.EnableAPITeamDeletion, MM_SERVICESETTINGS_ENABLEAPITEAMDELETION)"
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr = %q, want a line %q", r.Stderr, want)
		}
		if !strings.Contains(r.Stderr, "hint: set ServiceSettings.EnableAPITeamDeletion to true") || !strings.Contains(r.Stderr, "matterctl team archive") {
			t.Errorf("stderr = %q, want the remedy", r.Stderr)
		}
		if strings.Contains(r.Stderr, "auth login") {
			t.Errorf("stderr = %q: the refusal is not an authentication problem", r.Stderr)
		}
		tmMustExist(t, name)
	})

	t.Run("allowed: active and archived teams are deleted", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "delete", name, archivedID, name, "--confirm", "--json")
		expectCode(t, r, 0)
		rows := decodeJSON[[]tmRow](t, r.Stdout)
		if len(rows) != 3 || !rows[0].OK || rows[0].Team["id"] != id || !rows[1].OK || rows[2].DuplicateOf != 1 {
			t.Errorf("rows = %+v", rows)
		}
		if tmByName(t, name) != nil || tmByName(t, archived) != nil {
			t.Fatal("a team still exists")
		}
		if !strings.Contains(r.Stderr, "Deleted team "+name+"\n") || !strings.Contains(r.Stderr, "Deleted team "+archived+"\n") {
			t.Errorf("stderr = %q", r.Stderr)
		}
	})
}

func TestTeamList(t *testing.T) {
	c := adminCLI(t)
	active, private, archived := tmName(), tmName(), tmName()
	tmCreate(t, active, false)
	tmCreate(t, private, true)
	archivedID := tmCreate(t, archived, false)
	api(t, http.MethodDelete, "/api/v4/teams/"+archivedID, nil)

	r := c.mustRun("", "team", "list")
	names := tmNames(r.Stdout)
	if !slices.Contains(names, active) || !slices.Contains(names, private) || slices.Contains(names, archived) {
		t.Errorf("default list %q: want the active teams only", names)
	}
	if !strings.Contains(r.Stderr, "archived team") || !strings.Contains(r.Stderr, "use --all") {
		t.Errorf("stderr = %q, want the note on archived teams", r.Stderr)
	}
	for _, l := range strings.Split(r.Stdout, "\n") {
		if strings.HasPrefix(l, private+"\t") && !strings.HasPrefix(l, private+"\tTeam "+private+"\tprivate\tno\t") {
			t.Errorf("line %q", l)
		}
	}

	r = c.mustRun("", "team", "list", "--archived")
	if names := tmNames(r.Stdout); slices.Contains(names, active) || !slices.Contains(names, archived) {
		t.Errorf("--archived %q", names)
	}

	r = c.mustRun("", "team", "list", "--all", "--json")
	teams := decodeJSON[[]map[string]any](t, r.Stdout)
	byName := map[string]map[string]any{}
	for _, team := range teams {
		byName[team["name"].(string)] = team
	}
	if byName[active] == nil || byName[private] == nil || byName[archived] == nil {
		t.Fatalf("--all lacks a team")
	}
	if byName[archived]["delete_at"] == float64(0) || byName[private]["type"] != "I" || byName[active]["allow_open_invite"] != true {
		t.Errorf("not the server's team objects: %v", byName[archived])
	}
	if len(byName) != len(teams) {
		t.Errorf("--all listed %d teams, %d distinct", len(teams), len(byName))
	}
}

func TestTeamSearch(t *testing.T) {
	c := adminCLI(t)
	base := tmName()
	a, b, old := base+"-alpha", base+"-beta", base+"-old"
	tmCreate(t, a, false)
	tmCreate(t, b, true)
	oldID := tmCreate(t, old, false)
	api(t, http.MethodDelete, "/api/v4/teams/"+oldID, nil)

	r := c.mustRun("", "team", "search", b, base, a)
	if got := tmNames(r.Stdout); !slices.Equal(got, []string{a, b}) {
		t.Errorf("teams %q, want %q once each, sorted", got, []string{a, b})
	}
	if !strings.Contains(r.Stderr, "1 archived team not shown") {
		t.Errorf("stderr = %q", r.Stderr)
	}

	r = c.run("", "team", "search", base, "zz"+base)
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, "zz"+base)

	r = c.run("", "team", "search", old)
	expectCode(t, r, 5)
	if !strings.Contains(r.Stderr, "1 archived team does: use --all") {
		t.Errorf("stderr = %q", r.Stderr)
	}

	r = c.mustRun("", "team", "search", base, "--all", "--json")
	teams := decodeJSON[[]map[string]any](t, r.Stdout)
	if len(teams) != 3 || teams[2]["name"] != old || teams[2]["delete_at"] == float64(0) {
		t.Errorf("--all --json = %v", teams)
	}
}

func TestTeamRename(t *testing.T) {
	c := adminCLI(t)
	name := tmName()
	id := tmCreate(t, name, false)

	t.Run("--name cannot be applied: refused before any change", func(t *testing.T) {
		before := tmSnapshot(t, name)
		r := c.boundTo(t).run("", "team", "rename", name, "--name", tmName(), "--display-name", "X")
		expectCode(t, r, 1)
		if !strings.Contains(r.Stderr, "the server's API cannot change a team's URL name") || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 {
			t.Errorf("stderr = %q, want one line", r.Stderr)
		}
		if after := tmSnapshot(t, name); after != before {
			t.Errorf("the server changed:\n%s\n%s", before, after)
		}
	})

	t.Run("dry run", func(t *testing.T) {
		before := tmSnapshot(t, name)
		r := c.boundTo(t).run("", "team", "rename", name, "--display-name", "Platform", "--dry-run")
		expectCode(t, r, 0)
		if !strings.Contains(r.Stderr, "would rename team "+name) {
			t.Errorf("stderr = %q", r.Stderr)
		}
		if after := tmSnapshot(t, name); after != before {
			t.Errorf("the server changed:\n%s\n%s", before, after)
		}
	})

	t.Run("mmctl's spelling", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "rename", id, "--display_name", "Platform Team", "--json")
		expectCode(t, r, 0)
		team := decodeJSON[map[string]any](t, r.Stdout)
		if team["display_name"] != "Platform Team" || team["id"] != id {
			t.Errorf("stdout = %v", team)
		}
		if got := tmMustExist(t, name)["display_name"]; got != "Platform Team" {
			t.Errorf("display name on the server %v", got)
		}
		if r.Stderr != fmt.Sprintf("Renamed team %s from %q to %q\n", name, "Team "+name, "Platform Team") {
			t.Errorf("stderr = %q", r.Stderr)
		}
	})

	t.Run("same display name: nothing to change", func(t *testing.T) {
		before := tmSnapshot(t, name)
		r := c.boundTo(t).run("", "team", "rename", name, "--display-name", "Platform Team")
		expectCode(t, r, 0)
		if !strings.Contains(r.Stderr, "nothing to change") {
			t.Errorf("stderr = %q", r.Stderr)
		}
		if after := tmSnapshot(t, name); after != before {
			t.Errorf("the server changed:\n%s\n%s", before, after)
		}
	})
}

func TestTeamModify(t *testing.T) {
	c := adminCLI(t)
	name, other := tmName(), tmName()
	tmCreate(t, name, false)
	tmCreate(t, other, true)

	before := tmSnapshot(t, name, other)
	r := c.mustRun("", "team", "modify", name, other, "--private", "--dry-run")
	if after := tmSnapshot(t, name, other); after != before {
		t.Errorf("a dry run changed the server:\n%s\n%s", before, after)
	}
	if !strings.Contains(r.Stderr, "would make team "+name) || !strings.Contains(r.Stderr, "team "+other+" is already private: nothing would change") {
		t.Errorf("stderr = %q", r.Stderr)
	}

	r = c.mustRun("", "team", "modify", name, other, "--private")
	if team := tmMustExist(t, name); team["type"] != "I" || team["allow_open_invite"] != false {
		t.Errorf("team after --private: %v", team)
	}
	if want := "Made team " + name + " private\nTeam " + other + " is already private: nothing to do\n"; r.Stderr != want {
		t.Errorf("stderr = %q, want %q", r.Stderr, want)
	}

	r = c.mustRun("", "team", "modify", name, other, "--public", "--json")
	for _, n := range []string{name, other} {
		if team := tmMustExist(t, n); team["type"] != "O" || team["allow_open_invite"] != true {
			t.Errorf("team after --public: %v", team)
		}
	}
	rows := decodeJSON[[]tmRow](t, r.Stdout)
	if len(rows) != 2 || !*rows[0].Changed || rows[0].Team["type"] != "O" {
		t.Errorf("rows = %+v", rows)
	}

	r = c.run("", "team", "modify", name)
	expectCode(t, r, 2)
}

func TestTeamShow(t *testing.T) {
	c := adminCLI(t)
	name, other := tmName(), tmName()
	id := tmCreate(t, name, false)
	otherID := tmCreate(t, other, true)

	r := c.mustRun("", "team", "show", name, "--json")
	shown := decodeJSON[map[string]any](t, r.Stdout)
	server := tmMustExist(t, name)
	for _, k := range []string{"id", "name", "display_name", "type", "allow_open_invite", "create_at", "update_at", "delete_at"} {
		if shown[k] != server[k] {
			t.Errorf("%s = %v, the server has %v", k, shown[k], server[k])
		}
	}

	r = c.mustRun("", "team", "show", otherID, name, "--json")
	teams := decodeJSON[[]map[string]any](t, r.Stdout)
	if len(teams) != 2 || teams[0]["id"] != otherID || teams[1]["id"] != id {
		t.Errorf("show of two = %v", teams)
	}

	ghost := tmName()
	r = c.run("", "team", "show", name, ghost)
	expectCode(t, r, 3)
	reportedOnce(t, r.Stderr, ghost)
	if got := tmNames(r.Stdout); !slices.Equal(got, []string{name}) {
		t.Errorf("stdout = %q", r.Stdout)
	}

	r = c.run("", "team", "show", ghost)
	expectCode(t, r, 5)
}
