// Command sandbox runs a real Mattermost server (and its PostgreSQL) on loopback for matterctl:
// `make demo`, `make test-e2e` and `make bench-e2e` use it, and the e2e tests use the same
// code through package e2e/harness.
//
//	sandbox build                  build (or reuse) the cached Mattermost server binary
//	sandbox start   DIR            start PostgreSQL and Mattermost, create the admin; prints
//	                               the path of DIR/state.json (it holds the passwords)
//	sandbox stop    DIR            stop both, keeping the data (never fails when stopped)
//	sandbox status  DIR            report; exit 0 when running, 3 when not
//	sandbox env     DIR            print the sandbox as shell variables (passwords included)
//	sandbox destroy DIR            stop and delete DIR
//	sandbox demo    DIR MATTERCTL  start DIR unless it runs, log matterctl in with a profile
//	                               of its own (DIR/matterctl.json) and tour its commands
//
// Progress goes to stderr. Tunables are environment variables (MATTERCTL_E2E_CACHE,
// MATTERCTL_SANDBOX_*), listed by `sandbox help`. Run it from the repository:
// `go run ./e2e/cmd/sandbox start .sandbox/x`.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/matterctl/matterctl/e2e/harness"
)

const usage = `usage: sandbox <command> [DIR] [MATTERCTL]

  build                  build (or reuse) the cached Mattermost server binary
  start   DIR            start PostgreSQL and Mattermost, create the admin; prints the path of
                         DIR/state.json, which holds the passwords
  stop    DIR            stop both, keeping the data (never fails when already stopped)
  status  DIR            report; exit 0 when running, 3 when not
  env     DIR            print the sandbox as shell variables, passwords included:
                         eval "$(sandbox env DIR)"
  destroy DIR            stop and delete DIR
  demo    DIR MATTERCTL  start DIR unless it runs, log the matterctl binary in with a profile of
                         its own (DIR/matterctl.json) and tour its commands

Environment:
  MATTERCTL_E2E_CACHE               server binary cache (default $XDG_CACHE_HOME/matterctl-e2e)
  MATTERCTL_SANDBOX_ADMIN_USER      admin's username (default admin)
  MATTERCTL_SANDBOX_ADMIN_PASSWORD  admin's password (default Admin-Passw0rd!)
  MATTERCTL_SANDBOX_ADMIN_EMAIL     admin's email (default admin@example.com)
  MATTERCTL_SANDBOX_START_TIMEOUT   seconds to wait for the server's ping (default 180)
  MATTERCTL_SANDBOX_MM_PORT, MATTERCTL_SANDBOX_PG_PORT   fixed ports (default: free ones)
  MATTERCTL_SANDBOX_NO_APT=1        never install PostgreSQL with apt-get
`

// exitNotRunning is status's exit code for a sandbox that does not run.
const exitNotRunning = 3

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, stdout, stderr)
	var ue usageError
	var ne notRunningError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintln(stderr, "sandbox:", ue.msg)
		}
		fmt.Fprint(stderr, usage)
		return 2
	case errors.As(err, &ne):
		return exitNotRunning
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "sandbox: interrupted")
		return 130
	default:
		fmt.Fprintln(stderr, "sandbox: ERROR:", err)
		return 1
	}
}

type notRunningError struct{}

func (notRunningError) Error() string { return "not running" }

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{}
	}
	cmd, rest := args[0], args[1:]
	want := map[string]int{"build": 0, "start": 1, "stop": 1, "status": 1, "env": 1, "destroy": 1, "demo": 2}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	n, ok := want[cmd]
	if !ok {
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
	if len(rest) != n {
		return usageError{fmt.Sprintf("%s takes %d argument(s), got %d", cmd, n, len(rest))}
	}
	opts := harness.OptionsFromEnv()
	opts.Log = stderr
	switch cmd {
	case "build":
		_, err := harness.Build(ctx, opts)
		return err
	case "start":
		srv, err := harness.StartContext(ctx, rest[0], opts)
		if err != nil {
			return err
		}
		// Only the path: the file holds the passwords, and this output may end up in a CI log.
		fmt.Fprintln(stdout, filepath.Join(srv.StateDir, harness.StateFile))
		return nil
	case "stop":
		return harness.StopContext(ctx, rest[0], opts)
	case "destroy":
		return harness.DestroyContext(ctx, rest[0], opts)
	case "status":
		s, err := harness.GetStatus(ctx, rest[0])
		if errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(stdout, "no sandbox in %s\n", rest[0])
			return notRunningError{}
		}
		if err != nil {
			return err
		}
		st := s.State
		fmt.Fprintf(stdout, "mattermost: %s  url=%s socket=%s version=%s\n", s.Mattermost, st.URL(), st.Mattermost.Socket, st.Mattermost.Version)
		fmt.Fprintf(stdout, "postgresql: %s  port=%d data=%s\n", s.Postgres, st.Postgres.Port, st.DataDir())
		if !s.Running {
			return notRunningError{}
		}
		return nil
	case "env":
		st, err := harness.ReadState(rest[0])
		if err != nil {
			return err
		}
		fmt.Fprint(stdout, st.ShellEnv())
		return nil
	case "demo":
		return demo(ctx, rest[0], rest[1], opts, stdout, stderr)
	}
	return nil
}
