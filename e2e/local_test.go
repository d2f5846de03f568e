//go:build e2e

package e2e

import (
	"net/http"
	"testing"
)

// User arguments resolve over the local-mode socket too, which has no batch username lookup.
func TestLocalModeUserArguments(t *testing.T) {
	c := newCLI(t).with("MATTERCTL_LOCAL_SOCKET=" + srv.SocketPath)
	name := unique("local")
	id := createUser(t, name)

	r := c.run("", "--local", "user", "deactivate", name, "@"+name, "nobody-"+name)
	expectCode(t, r, 3)
	u := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/"+id, nil)
	if u["delete_at"].(float64) == 0 {
		t.Fatalf("%s was not deactivated over the socket:\n%s", name, r.Stderr)
	}
	show := decodeJSON[map[string]any](t, c.mustRun("", "--local", "user", "show", name, "--json").Stdout)
	if show["id"] != id {
		t.Errorf("user show over the socket: %v", show)
	}
	c.mustRun("", "--local", "user", "activate", name)
	u = apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/"+id, nil)
	if u["delete_at"].(float64) != 0 {
		t.Error("not activated again")
	}
}
