package harness

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestSandboxLifecycle starts a real server; it only runs with MATTERCTL_E2E=1
// (the first run builds Mattermost, which takes minutes).
func TestSandboxLifecycle(t *testing.T) {
	if os.Getenv("MATTERCTL_E2E") != "1" {
		t.Skip("set MATTERCTL_E2E=1 to run tests against a real Mattermost server")
	}
	srv, err := Start(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Destroy(); err != nil {
			t.Errorf("destroy: %v", err)
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	resp, body, err := srv.API(ctx, http.MethodGet, "/api/v4/system/ping", nil, "")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("ping: %v %v %s", err, resp, body)
	}

	tok, err := srv.AdminToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, body, err = srv.API(ctx, http.MethodGet, "/api/v4/users/me", nil, tok)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("users/me: %v %s", err, body)
	}
	var me struct{ Username, Roles string }
	if err := json.Unmarshal(body, &me); err != nil {
		t.Fatal(err)
	}
	if me.Username != srv.AdminUser || !strings.Contains(me.Roles, "system_admin") {
		t.Fatalf("unexpected admin: %+v", me)
	}

	// Local mode socket answers without authentication.
	fi, err := os.Stat(srv.SocketPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("socket mode = %v, want 0600", fi.Mode().Perm())
	}
	local := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", srv.SocketPath)
		},
	}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://_/api/v4/users?per_page=1", nil)
	lresp, err := local.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	lresp.Body.Close()
	if lresp.StatusCode != http.StatusOK {
		t.Fatalf("local mode: HTTP %d", lresp.StatusCode)
	}

	// Stop then start again on the same state: data survives.
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	srv2, err := Start(srv.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv2.AdminToken(ctx); err != nil {
		t.Fatal(err)
	}
}
