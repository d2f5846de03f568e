//go:build e2e

package e2e

// No row lost or done twice: `create --file` runs while the server is killed and started
// again half-way. Every row is reported once, as created, failed or unknown, and the server
// holds exactly the rows reported created (an unknown row may be either). A re-run of the same
// file with --skip-existing creates only what is missing and reports the rest as skipped.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/matterctl/matterctl/e2e/harness"
)

// egressBeforeRestart keeps what the egress sampler saw of a server process that was restarted.
var egressBeforeRestart []string

// restartServer kills the Mattermost process (as a crash would) and starts it again on the
// same database and port, then watches the new process for egress.
func restartServer(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	if err := syscall.Kill(srv.PID, syscall.SIGKILL); err != nil {
		t.Fatalf("killing the server: %v", err)
	}
	for i := 0; i < 100 && syscall.Kill(srv.PID, 0) == nil; i++ {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second) // a second of clients meeting a closed port
	next, err := harness.Start(srv.StateDir)
	if err != nil {
		t.Fatalf("starting the server again: %v", err)
	}
	egressBeforeRestart = append(egressBeforeRestart, egress.Stop()...)
	srv = next
	egress = harness.WatchEgress(srv.PID, 200*time.Millisecond)
	return time.Since(start)
}

// restartCase is one create verb and its file.
type restartCase struct {
	name   string
	args   []string // the command, without --file
	header string
	row    func(i int) (line, key string)
	exists func(t *testing.T, keys []string) map[string]bool
}

func TestRestartMidFileCreate(t *testing.T) {
	teamID := tmCreate(t, tmName(), false)
	run := unique("rs")
	cases := []restartCase{
		{
			name: "user create", args: []string{"user", "create"}, header: "username,email,password",
			row: func(i int) (string, string) {
				u := fmt.Sprintf("%s-u%04d", run, i)
				return fmt.Sprintf("%s,%s@example.com,Passw0rd-%s", u, u, u), u
			},
			exists: func(t *testing.T, keys []string) map[string]bool {
				found := map[string]bool{}
				for i := 0; i < len(keys); i += 100 {
					for _, u := range apiJSON[[]map[string]any](t, http.MethodPost, "/api/v4/users/usernames", keys[i:min(i+100, len(keys))]) {
						found[u["username"].(string)] = true
					}
				}
				return found
			},
		},
		{
			name: "team create", args: []string{"team", "create"}, header: "name,display_name",
			row: func(i int) (string, string) {
				n := fmt.Sprintf("%s-t%03d", run, i)
				return n + ",Team " + n, n
			},
			exists: func(t *testing.T, keys []string) map[string]bool {
				found := map[string]bool{}
				for _, k := range keys {
					if s, _ := api(t, http.MethodGet, "/api/v4/teams/name/"+k, nil); s == http.StatusOK {
						found[k] = true
					}
				}
				return found
			},
		},
		{
			name: "channel create", args: []string{"channel", "create", "--team", teamID}, header: "name,display_name",
			row: func(i int) (string, string) {
				n := fmt.Sprintf("%s-c%03d", run, i)
				return n + ",Channel " + n, n
			},
			exists: func(t *testing.T, keys []string) map[string]bool {
				found := map[string]bool{}
				for _, k := range keys {
					if s, _ := api(t, http.MethodGet, "/api/v4/teams/"+teamID+"/channels/name/"+k+"?include_deleted=true", nil); s == http.StatusOK {
						found[k] = true
					}
				}
				return found
			},
		},
	}
	sizes := map[string]int{"user create": 1000, "team create": 300, "channel create": 300}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n := sizes[tc.name]
			var file strings.Builder
			file.WriteString(tc.header + "\n")
			keys := make([]string, n)
			byLabel := map[string]string{}
			for i := range n {
				line, key := tc.row(i)
				file.WriteString(line + "\n")
				keys[i] = key
				byLabel[fmt.Sprintf("line %d", i+2)] = key
			}
			path := t.TempDir() + "/rows.csv"
			if err := os.WriteFile(path, []byte(file.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			c := newCLI(t).with("MATTERCTL_URL="+srv.URL, "MATTERCTL_TOKEN="+adminToken)

			// First run, with the server killed and restarted once a third of the rows are done.
			args := append(append([]string{}, tc.args...), "--file", path, "--json", "--timeout", "10s")
			r, restart := runWithRestart(t, c, args, n/3)
			if r.Code == 0 {
				t.Logf("exit 0: the restart fell between two rows")
			}
			status := rowStatuses(t, r.Stdout, byLabel)
			server := tc.exists(t, keys)
			counts := map[string]int{}
			for _, k := range keys {
				st := status[k]
				counts[st]++
				switch {
				case st == "created" && !server[k]:
					t.Errorf("%s reported created, but the server does not have it", k)
				case st == "failed" && server[k]:
					t.Errorf("%s reported failed, but the server has it", k)
				case st != "created" && st != "failed" && st != "unknown":
					t.Errorf("%s: status %q, want created, failed or unknown", k, st)
				}
			}
			t.Logf("first run, server restarted in %s: %v; stderr tail: %s", restart.Round(100*time.Millisecond), counts, lastLines(r.Stderr, 2))
			if counts["failed"]+counts["unknown"] == 0 {
				t.Errorf("no row failed: the restart did not hit the run (%v)", counts)
			}

			// The re-run creates only what is missing; what exists counts as done.
			r = c.run("", append(args, "--skip-existing")...)
			expectCode(t, r, 0)
			again := rowStatuses(t, r.Stdout, byLabel)
			for _, k := range keys {
				switch {
				case status[k] == "created" && again[k] != "skipped":
					t.Errorf("%s was created by the first run, re-run status %q, want skipped", k, again[k])
				case status[k] == "failed" && again[k] != "created":
					t.Errorf("%s failed in the first run, re-run status %q, want created", k, again[k])
				}
			}
			if server := tc.exists(t, keys); len(server) != n {
				t.Errorf("the server has %d of the %d rows after the re-run", len(server), n)
			}
		})
	}
}

// runWithRestart runs matterctl and restarts the server once stdout holds after rows.
func runWithRestart(t *testing.T, c *cli, args []string, after int) (result, time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = c.environ()
	var out syncBuffer
	var errOut strings.Builder
	var mu sync.Mutex
	cmd.Stdout = &out
	cmd.Stderr = writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return errOut.Write(p) })
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var restart time.Duration
	var waitErr error
	for done := false; !done; {
		select {
		case waitErr = <-exited:
			done = true
		case <-time.After(5 * time.Millisecond):
			if restart == 0 && strings.Count(out.String(), `"input"`) >= after {
				restart = restartServer(t)
			}
		}
	}
	if restart == 0 {
		t.Fatalf("matterctl ended before %d rows were done; stderr: %s", after, lastLines(errOut.String(), 5))
	}
	code := 0
	if ee, ok := waitErr.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if waitErr != nil {
		t.Fatal(waitErr)
	}
	mu.Lock()
	defer mu.Unlock()
	recordRun(args, "", out.String(), errOut.String(), "")
	return result{Stdout: out.String(), Stderr: errOut.String(), Code: code}, restart
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// rowStatuses maps each key of the file to the status of its row in the JSON output (byLabel
// maps "line N" to the key of that row); a row reported twice, or a row of the file missing,
// fails the test.
func rowStatuses(t *testing.T, stdout string, byLabel map[string]string) map[string]string {
	t.Helper()
	var rows []struct {
		Input  string `json:"input"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, clip(stdout))
	}
	out := map[string]string{}
	for _, r := range rows {
		// "line 7: alice", or "line 7: TEAMID:name" for channels.
		where, name, _ := strings.Cut(r.Input, ": ")
		k, ok := byLabel[where]
		if ok && !strings.HasSuffix(name, k) {
			ok = false
		}
		if !ok {
			t.Errorf("a row for %q, which is not a row of the file", r.Input)
			continue
		}
		if _, dup := out[k]; dup {
			t.Errorf("%s reported twice", k)
		}
		out[k] = r.Status
	}
	if len(out) != len(byLabel) {
		t.Errorf("%d rows reported for a file of %d", len(out), len(byLabel))
	}
	return out
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}
