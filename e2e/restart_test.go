//go:build e2e

package e2e

// No row lost or done twice: `create --file` runs while the server is killed and started
// again half-way. Every row is reported once, as created, failed or unknown, and the server
// holds exactly the rows reported created (an unknown row may be either). A re-run of the same
// file with --skip-existing creates only what is missing and reports the rest as skipped.
// `team users add --file` gets the same treatment (TestRestartMidFileMembers): there, a member
// already is a success, with or without --skip-existing.

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

// TestRestartMidFileCreate: create --file with 1,000 users, 300 teams and 300 channels, the
// server killed and restarted a third of the way: every row is reported once, created exactly
// when the server has it, and a re-run with --skip-existing creates only what is missing.
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
			// The restart came while the run was going (runWithRestart), a third of the way: the
			// rest rode it out, each row sent again when refused, and checked (then sent again if
			// the server did not have it) when its answer was lost.
			t.Logf("first run, server restarted in %s: %v (%d rows sent again, %d found after their answers were lost); stderr tail: %s",
				restart.Round(100*time.Millisecond), counts, strings.Count(r.Stderr, "(sent again: "),
				strings.Count(r.Stderr, "(checked after the answer was lost)"), lastLines(r.Stderr, 2))
			if counts["failed"]+counts["unknown"] == 0 && r.Code != 0 {
				t.Errorf("exit %d, though every row was created", r.Code)
			}
			expectWaitTold(t, r.Stderr)

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

// expectWaitTold checks that a run that rode out a restart said so on stderr: once when it
// started waiting for the server, and when the server answered again.
func expectWaitTold(t *testing.T, stderr string) {
	t.Helper()
	started := strings.Count(stderr, "the server is not answering (restarting?): trying again every 2s for up to 1m0s")
	back := strings.Count(stderr, "the server answers again after ")
	if started == 0 || back == 0 || started != back {
		t.Errorf("stderr tells the wait %d times and its end %d times, want once each (or as many of both)", started, back)
	}
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
		Error  string `json:"error"`
	}
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, clip(stdout))
	}
	out := map[string]string{}
	logged := 0
	for _, r := range rows {
		if r.Error != "" && logged < 3 {
			logged++
			t.Logf("%s: %s: %s", r.Input, r.Status, r.Error)
		}
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

// TestRestartMidFileMembers is the same guarantee for `team users add --file`, whose rows are
// {"input", "ok", "changed", "error"}: a user is added (ok, changed), already a member (ok, not
// changed: a success that changes nothing), unknown (the answer of its batch was lost and the
// server could not be asked again; the error says so) or failed. Adding a member again changes
// nothing, so a plain re-run of the file is the re-run after a fault: it adds what is missing
// and reports the rest as already members.
func TestRestartMidFileMembers(t *testing.T) {
	const n, before = 600, 40
	ensureUsers(t, n+10)
	teamID := tmCreate(t, tmName(), false)
	me := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/me", nil)["id"].(string)
	idOf := map[string]string{}
	var names []string
	for page := 0; len(names) < n; page++ {
		users := apiJSON[[]map[string]any](t, http.MethodGet, fmt.Sprintf("/api/v4/users?page=%d&per_page=200&active=true", page), nil)
		if len(users) == 0 {
			t.Fatalf("only %d active users", len(names))
		}
		for _, u := range users {
			if b, _ := u["is_bot"].(bool); b || u["id"] == me || len(names) == n {
				continue
			}
			names = append(names, u["username"].(string))
			idOf[u["username"].(string)] = u["id"].(string)
		}
	}
	// Some users are members before the run: they are reported as such, not added.
	var first []map[string]string
	for _, u := range names[n-before:] {
		first = append(first, map[string]string{"team_id": teamID, "user_id": idOf[u]})
	}
	apiJSON[[]json.RawMessage](t, http.MethodPost, "/api/v4/teams/"+teamID+"/members/batch", first)
	path := t.TempDir() + "/users.txt"
	if err := os.WriteFile(path, []byte(strings.Join(names, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	members := func() map[string]bool {
		in := map[string]bool{}
		for page := 0; ; page++ {
			ms := apiJSON[[]map[string]any](t, http.MethodGet, fmt.Sprintf("/api/v4/teams/%s/members?page=%d&per_page=200", teamID, page), nil)
			for _, m := range ms {
				if d, _ := m["delete_at"].(float64); d == 0 {
					in[m["user_id"].(string)] = true
				}
			}
			if len(ms) < 200 {
				return in
			}
		}
	}
	c := newCLI(t).with("MATTERCTL_URL="+srv.URL, "MATTERCTL_TOKEN="+adminToken)
	args := []string{"team", "users", "add", teamID, "--file", path, "--json", "--timeout", "10s"}

	// First run, with the server killed and restarted once a third of the users are done.
	start := time.Now()
	r, restart := runWithRestart(t, c, args, n/3)
	took := time.Since(start)
	status := memberStatuses(t, r.Stdout, names)
	server := members()
	counts := map[string]int{}
	for i, u := range names {
		st := status[u]
		counts[st]++
		switch {
		case (st == "added" || st == "already") && !server[idOf[u]]:
			t.Errorf("%s reported %s, but is not a member", u, st)
		case st == "failed" && server[idOf[u]]:
			t.Errorf("%s reported failed, but is a member", u)
		case st == "added" && i >= n-before:
			t.Errorf("%s was a member before the run, but is reported added", u)
		case st == "already" && i < n-before:
			t.Errorf("%s is reported already a member, but was not one before the run", u)
		case st != "added" && st != "already" && st != "failed" && st != "unknown":
			t.Errorf("%s: status %q, want added, already, failed or unknown", u, st)
		}
	}
	wantCode := 0
	if counts["failed"]+counts["unknown"] > 0 {
		wantCode = 3
	}
	if r.Code != wantCode {
		t.Errorf("exit code %d with %v, want %d; stderr tail: %s", r.Code, counts, wantCode, lastLines(r.Stderr, 3))
	}
	// A batch the server did not answer is sent again for up to a minute: a server back within
	// seconds loses no user.
	if restart < 40*time.Second && counts["failed"]+counts["unknown"] > 0 {
		t.Errorf("the server was back after %s, yet %d users failed and %d are unknown", restart.Round(100*time.Millisecond), counts["failed"], counts["unknown"])
	}
	expectWaitTold(t, r.Stderr)
	t.Logf("first run of %d users (%d members before), server restarted in %s, run took %s: %v; stderr tail: %s",
		n, before, restart.Round(100*time.Millisecond), took.Round(100*time.Millisecond), counts, lastLines(r.Stderr, 2))

	// The re-run adds what is missing; the users who are members already count as done (with
	// or without --skip-existing, accepted as for the create verbs).
	r = c.run("", append(args, "--skip-existing")...)
	expectCode(t, r, 0)
	again := memberStatuses(t, r.Stdout, names)
	already := 0
	for _, u := range names {
		want := "already"
		if !server[idOf[u]] {
			want = "added"
		} else {
			already++
		}
		if again[u] != want {
			t.Errorf("%s: %s in the first run, re-run status %q, want %s", u, status[u], again[u], want)
		}
	}
	if got := strings.Count(r.Stderr, "already a member of team"); got != already {
		t.Errorf("the re-run says %d users are already members, want %d", got, already)
	}
	server = members()
	for _, u := range names {
		if !server[idOf[u]] {
			t.Errorf("%s is not a member after the re-run", u)
		}
	}
}

// memberStatuses maps each user of a members verb's JSON rows to its status: added, already,
// unknown or failed. A user reported twice, or a user of the file missing, fails the test.
func memberStatuses(t *testing.T, stdout string, users []string) map[string]string {
	t.Helper()
	var rows []struct {
		Input   string `json:"input"`
		OK      bool   `json:"ok"`
		Changed *bool  `json:"changed"`
		Error   string `json:"error"`
	}
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, clip(stdout))
	}
	want := map[string]bool{}
	for _, u := range users {
		want[u] = true
	}
	out := map[string]string{}
	seenErr := map[string]bool{} // each distinct error is logged once
	for _, r := range rows {
		if !want[r.Input] {
			t.Errorf("a row for %q, which is not a user of the file", r.Input)
			continue
		}
		if _, dup := out[r.Input]; dup {
			t.Errorf("%s reported twice", r.Input)
		}
		switch {
		case r.OK && r.Changed == nil:
			out[r.Input] = "ok without changed"
		case r.OK && *r.Changed:
			out[r.Input] = "added"
		case r.OK:
			out[r.Input] = "already"
		case strings.HasPrefix(r.Error, "unknown"):
			out[r.Input] = "unknown"
		default:
			out[r.Input] = "failed"
		}
		if r.Error != "" && !seenErr[r.Error] {
			seenErr[r.Error] = true
			t.Logf("%s: %s", r.Input, r.Error)
		}
	}
	if len(out) != len(users) {
		t.Errorf("%d users reported for a file of %d", len(out), len(users))
	}
	return out
}
