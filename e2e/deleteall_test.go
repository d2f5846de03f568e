//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/matterctl/matterctl/e2e/harness"
)

// TestUserDeleteAll runs `user deleteall` against a sandbox of its own: it wipes every user,
// so it must never touch the server the other tests share.
func TestUserDeleteAll(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second server")
	}
	dir, err := os.MkdirTemp("", "matterctl-deleteall-")
	if err != nil {
		t.Fatal(err)
	}
	// PostgreSQL runs as another user when we are root: it must be able to enter the dir.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	s, err := harness.Start(dir)
	if err != nil {
		if s != nil {
			_ = s.Destroy()
		}
		_ = os.RemoveAll(dir)
		t.Fatalf("starting the deleteall sandbox: %v", err)
	}
	defer func() {
		if err := s.Destroy(); err != nil {
			t.Errorf("destroying the deleteall sandbox: %v", err)
		}
		_ = os.RemoveAll(dir)
	}()
	t.Logf("deleteall sandbox %s ready in %s", s.URL, time.Since(start).Round(time.Second))
	if s.URL == srv.URL || s.SocketPath == srv.SocketPath {
		t.Fatal("the deleteall sandbox is the shared server")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	adminTok, err := s.AdminToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		name := fmt.Sprintf("wipe%d", i)
		resp, body, err := s.API(ctx, http.MethodPost, "/api/v4/users", map[string]any{
			"username": name, "email": name + "@example.com", "password": "Passw0rd-" + name,
		}, adminTok)
		if err != nil || resp.StatusCode != http.StatusCreated {
			t.Fatalf("creating %s: %v %s", name, err, body)
		}
	}

	local := newCLI(t).with("MATTERCTL_LOCAL_SOCKET=" + s.SocketPath)
	// The server's own count over the local socket, page by page.
	count := func() int {
		n := 0
		for page := 0; ; page++ {
			r := local.mustRun("", "--local", "api", "GET", "/users", "-F", fmt.Sprintf("page=%d", page), "-F", "per_page=200")
			var users []json.RawMessage
			if err := json.Unmarshal([]byte(r.Stdout), &users); err != nil {
				t.Fatalf("GET /users over the socket: %v\n%s", err, r.Stdout)
			}
			n += len(users)
			if len(users) < 200 {
				return n
			}
		}
	}
	total := count()
	if total < 4 {
		t.Fatalf("the sandbox has %d users, want the admin and 3 more", total)
	}

	// Without --confirm and no terminal: exit 2, nothing deleted.
	r := local.run("", "--local", "user", "deleteall")
	expectCode(t, r, 2)
	if !strings.Contains(r.Stderr, "--confirm") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	if n := count(); n != total {
		t.Fatalf("%d users left after a refused deleteall, want %d", n, total)
	}

	// --dry-run counts and deletes nothing.
	r = local.mustRun("", "--local", "user", "deleteall", "--dry-run")
	if !strings.Contains(r.Stderr, fmt.Sprintf("would permanently delete all %d users", total)) {
		t.Errorf("dry run: %q", r.Stderr)
	}
	if n := count(); n != total {
		t.Fatalf("--dry-run deleted users: %d left of %d", n, total)
	}

	// Without --local it is refused, even with admin credentials for that server.
	remote := newCLI(t).with("MATTERCTL_URL="+s.URL, "MATTERCTL_TOKEN="+adminTok)
	r = remote.run("", "user", "deleteall", "--confirm")
	expectCode(t, r, 2)
	if !strings.Contains(r.Stderr, "--local") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	if n := count(); n != total {
		t.Fatalf("deleteall without --local deleted users: %d left of %d", n, total)
	}

	// --confirm over the socket: every user is gone.
	r = local.mustRun("", "--local", "user", "deleteall", "--confirm")
	if !strings.Contains(r.Stderr, "All users successfully deleted") {
		t.Errorf("stderr: %q", r.Stderr)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d users left after deleteall", n)
	}
	if _, err := s.AdminToken(ctx); err == nil {
		t.Fatal("the admin can still log in after deleteall")
	}
}
