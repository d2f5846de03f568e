//go:build e2e

// Package e2e runs the compiled matterctl binary as a subprocess against a real Mattermost
// server and PostgreSQL started on loopback by e2e/harness.
//
// MATTERCTL_BIN names the binary (make test-e2e builds it); MATTERCTL_E2E_STATE reuses a
// sandbox state directory that is already running (for quick local iterations; start one with
// `go run ./e2e/cmd/sandbox start DIR`).
package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/matterctl/matterctl/e2e/harness"
)

var (
	srv        *harness.Server
	bin        string
	adminToken string
	// egress samples the server's sockets for the whole run (see egress_test.go).
	egress *harness.EgressWatch
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	var err error
	if bin, err = binary(); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	stateDir := os.Getenv("MATTERCTL_E2E_STATE")
	keep := stateDir != ""
	if stateDir == "" {
		if stateDir, err = os.MkdirTemp("", "matterctl-e2e-"); err != nil {
			fmt.Fprintln(os.Stderr, "e2e:", err)
			return 1
		}
		// PostgreSQL runs as another user when we are root: it must be able to enter the dir.
		_ = os.Chmod(stateDir, 0o755)
	}
	start := time.Now()
	srv, err = harness.Start(stateDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: starting the sandbox:", err)
		if srv != nil {
			_ = srv.Stop()
		}
		return 1
	}
	fmt.Fprintf(os.Stderr, "e2e: server %s ready in %s\n", srv.URL, time.Since(start).Round(time.Second))
	defer func() {
		if keep {
			return
		}
		if err := srv.Destroy(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: stopping the sandbox:", err)
		}
	}()
	egress = harness.WatchEgress(srv.PID, 200*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if adminToken, err = srv.AdminToken(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: admin login:", err)
		return 1
	}
	code := m.Run()
	if sandboxBin != "" {
		_ = os.RemoveAll(filepath.Dir(sandboxBin))
	}
	// TestServerStaysOnLoopback checks what happened until it ran; this, what came after.
	egress.Stop()
	if found := egressFindings(); len(found) > 0 {
		fmt.Fprintln(os.Stderr, "e2e: FAIL: the sandbox server reached off loopback during the run:")
		for _, f := range found {
			fmt.Fprintln(os.Stderr, "  "+f)
		}
		code = 1
	}
	if found := secretFindings(); len(found) > 0 {
		fmt.Fprintln(os.Stderr, "e2e: FAIL: a password or token of the run appears where it must not:")
		for _, f := range found {
			fmt.Fprintln(os.Stderr, "  "+f)
		}
		code = 1
	} else {
		runs, tokens := transcriptSize()
		fmt.Fprintf(os.Stderr, "e2e: secrets: none of the run's passwords and tokens (%d in profiles, plus the server's) appears in the argv, stdout or stderr of its %d matterctl runs\n", tokens, runs)
	}
	return code
}

// binary returns the matterctl binary under test, building it when MATTERCTL_BIN is unset.
func binary() (string, error) {
	if b := os.Getenv("MATTERCTL_BIN"); b != "" {
		return filepath.Abs(b)
	}
	root, err := harness.RepoRoot()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "matterctl-bin-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "matterctl")
	cmd := exec.Command("go", "build", "-o", out, "./cmd/matterctl")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building matterctl: %v\n%s", err, b)
	}
	return out, nil
}
