//go:build e2e

package e2e

import (
	"net/http"
	"strings"
	"testing"
)

// TestMmctlScriptLines runs lines written for mmctl, verbatim but for the binary's name, and
// checks the server's state after each: scripts written for mmctl must run unchanged.
func TestMmctlScriptLines(t *testing.T) {
	// The lines name fixed objects; a server reused from an earlier run may hold them already.
	setServerSetting(t, "ServiceSettings", "EnableAPITeamDeletion", true)
	dropTeam(t, "devops")
	t.Cleanup(func() { dropTeam(t, "devops") })
	if status, _ := api(t, http.MethodGet, "/api/v4/users/username/newuser", nil); status == http.StatusNotFound {
		createUser(t, "newuser")
	}

	c := newCLI(t)
	c.login("mmctl-lines")
	for _, line := range []string{
		`matterctl team create --name devops --display_name "DevOps Team"`,
		`matterctl channel create devops --name alerts --display_name "アラート通知"`,
		`matterctl team users add devops newuser`,
	} {
		r := c.run("", shellWords(t, line)[1:]...)
		expectCode(t, r, 0)
		if strings.TrimSpace(r.Stderr) == "" {
			t.Errorf("%s: said nothing on stderr", line)
		}
	}

	team := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/teams/name/devops", nil)
	if team["display_name"] != "DevOps Team" || team["type"] != "O" {
		t.Errorf("team devops: %v", team)
	}
	teamID := team["id"].(string)
	ch := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/teams/"+teamID+"/channels/name/alerts", nil)
	if ch["display_name"] != "アラート通知" || ch["type"] != "O" {
		t.Errorf("channel alerts: %v", ch)
	}
	u := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/username/newuser", nil)
	if status, b := api(t, http.MethodGet, "/api/v4/teams/"+teamID+"/members/"+u["id"].(string), nil); status != http.StatusOK {
		t.Errorf("newuser is not a member of devops: HTTP %d %s", status, b)
	}
}

// dropTeam permanently deletes the team with the given name, if there is one.
func dropTeam(t *testing.T, name string) {
	t.Helper()
	status, b := api(t, http.MethodGet, "/api/v4/teams/name/"+name, nil)
	if status == http.StatusNotFound {
		return
	}
	if status != http.StatusOK {
		t.Fatalf("GET team %s: HTTP %d %s", name, status, b)
	}
	team := decodeJSON[map[string]any](t, string(b))
	if status, b := api(t, http.MethodDelete, "/api/v4/teams/"+team["id"].(string)+"?permanent=true", nil); status != http.StatusOK {
		t.Fatalf("deleting team %s: HTTP %d %s", name, status, b)
	}
}

// shellWords splits a command line the way a POSIX shell does for the simple quoting used in
// these lines (double quotes, no escapes or expansions).
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	inWord, quoted := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		t.Fatalf("unbalanced quote in %q", line)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
