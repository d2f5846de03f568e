//go:build e2e

package e2e

// Server benchmarks: the compiled binary against the sandbox server, directly and through
// latencyproxy (+10 ms each way, i.e. a 20 ms round trip). `make bench-e2e` runs them:
//
//	MATTERCTL_BIN=bin/matterctl MATTERCTL_BENCH=1 go test -tags e2e -run '^$' -bench . -benchtime 1x ./e2e/
//
// They need MATTERCTL_BENCH=1 because the first one seeds 20 000 users; the seeding happens
// lazily in the first benchmark, never in TestMain, so `go test -tags e2e` is unaffected.
//
// Besides ns/op (the wall time of one command, process start included) each result reports
// peak-RSS-MB (matterctl's maximum resident set), cpu-s/op (its user+system CPU time), users/s,
// and, through the proxy, req/op and max-in-flight (what the proxy saw: how many round trips,
// and how many of them overlapped). activate/deactivate also run with --parallel 1 to show what
// the default concurrency (8) buys; user list has no prefetch flag, so it runs one way.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/matterctl/matterctl/e2e/latencyproxy"
)

const (
	benchUserCount = 20000 // users seeded for user list --all
	benchArgCount  = 500   // arguments of user activate / deactivate
	benchDelay     = 10 * time.Millisecond
	benchPrefix    = "bench" // bench00001 … bench20000
)

func benchUsername(i int) string { return fmt.Sprintf("%s%05d", benchPrefix, i) }

// benchFixture is what the seeding established, shared by every benchmark of the run.
type benchFixture struct {
	total    int      // users the server lists (bench users and everyone else)
	argNames []string // bench00001 … bench00500
	argIDs   []string // their IDs, same order
}

var (
	benchOnce sync.Once
	benchFix  *benchFixture
	benchErr  error
)

// benchSetup skips unless MATTERCTL_BENCH=1 and seeds the server once per process.
func benchSetup(b *testing.B) *benchFixture {
	b.Helper()
	if os.Getenv("MATTERCTL_BENCH") != "1" {
		b.Skip("set MATTERCTL_BENCH=1 (make bench-e2e) to run the server benchmarks")
	}
	benchOnce.Do(func() {
		// If seeding fails, b.Fatal ends this goroutine inside Do; later benchmarks then see this.
		benchErr = errors.New("seeding the bench users failed in an earlier benchmark")
		benchFix = seedBenchUsers(b)
		benchErr = nil
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchFix
}

// seedBenchUsers inserts bench00001…bench20000 straight into PostgreSQL (the API manages about
// 20 users/s because of bcrypt), then checks through the API that the server sees them.
func seedBenchUsers(b *testing.B) *benchFixture {
	b.Helper()
	start := time.Now()
	have, err := strconv.Atoi(strings.TrimSpace(benchPSQL(b, fmt.Sprintf(
		`SELECT count(*) FROM users WHERE username ~ '^%s[0-9]{5}$' AND username <= '%s'`,
		benchPrefix, benchUsername(benchUserCount)))))
	if err != nil {
		b.Fatalf("counting bench users: %v", err)
	}
	if have < benchUserCount {
		// Copies the admin's profile defaults (notify props, time zone). md5 gives 32 hex
		// digits; the first 26 are a valid Mattermost ID ([a-z0-9]{26}). No password: the bench
		// users never log in. Rerunnable: rows that already exist are skipped.
		benchPSQL(b, fmt.Sprintf(`
INSERT INTO users (id, createat, updateat, deleteat, username, password, authdata, authservice,
    email, emailverified, nickname, firstname, lastname, roles, allowmarketing, props, notifyprops,
    lastpasswordupdate, lastpictureupdate, failedattempts, locale, mfaactive, mfasecret, position,
    timezone, remoteid)
SELECT substr(md5('matterctl-bench-' || g), 1, 26), now_ms, now_ms, 0,
    '%[1]s' || lpad(g::text, 5, '0'), '', NULL, '',
    '%[1]s' || lpad(g::text, 5, '0') || '@example.com', true, '', 'Bench', lpad(g::text, 5, '0'),
    'system_user', false, '{}', a.notifyprops, now_ms, 0, 0, 'en', false, '', '', a.timezone, NULL
FROM generate_series(1, %[2]d) AS g,
    (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms) AS t,
    (SELECT notifyprops, timezone FROM users WHERE username = '%[3]s') AS a
ON CONFLICT DO NOTHING;
ANALYZE users;`, benchPrefix, benchUserCount, srv.AdminUser))
		b.Logf("seeded %d bench users in PostgreSQL in %s", benchUserCount-have, time.Since(start).Round(time.Millisecond))
	}

	// Visible through the API, by name …
	probe := []string{benchUsername(1), benchUsername(benchUserCount / 2), benchUsername(benchUserCount)}
	if got := apiJSON[[]map[string]any](b, http.MethodPost, "/api/v4/users/usernames", probe); len(got) != len(probe) {
		b.Fatalf("POST /users/usernames %v found %d users, want %d", probe, len(got), len(probe))
	}
	// … and in the paged list that user list --all walks.
	total := 0
	for page := 0; ; page++ {
		users := apiJSON[[]json.RawMessage](b, http.MethodGet, fmt.Sprintf("/api/v4/users?page=%d&per_page=200", page), nil)
		total += len(users)
		if len(users) < 200 {
			break
		}
	}
	if total < benchUserCount {
		b.Fatalf("GET /users pages hold %d users, want at least %d", total, benchUserCount)
	}

	fix := &benchFixture{total: total}
	for i := 1; i <= benchArgCount; i++ {
		fix.argNames = append(fix.argNames, benchUsername(i))
	}
	byName := map[string]string{}
	for batch := range slices.Chunk(fix.argNames, 100) {
		for _, u := range apiJSON[[]struct{ ID, Username string }](b, http.MethodPost, "/api/v4/users/usernames", batch) {
			byName[u.Username] = u.ID
		}
	}
	for _, name := range fix.argNames {
		if byName[name] == "" {
			b.Fatalf("%s is not visible through the API", name)
		}
		fix.argIDs = append(fix.argIDs, byName[name])
	}
	// An interrupted earlier run may have left some deactivated.
	benchSetActive(b, fix.argIDs, true)
	b.Logf("bench fixture ready in %s: the server lists %d users", time.Since(start).Round(time.Millisecond), total)
	return fix
}

// benchPSQL runs SQL in the sandbox's database and returns psql's unaligned output.
func benchPSQL(b *testing.B, sql string) string {
	b.Helper()
	psql := "psql"
	if dir := srv.Env["PG_BIN"]; dir != "" {
		psql = filepath.Join(dir, "psql")
	}
	dsn := srv.Env["PG_DSN"]
	if dsn == "" {
		b.Fatal("PG_DSN missing from the sandbox's env.json")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, psql, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", sql)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		b.Fatalf("psql: %v\n%s", err, clip(errOut.String()))
	}
	return out.String()
}

// benchActiveState reports, for each ID, whether the user is active (delete_at == 0).
func benchActiveState(b *testing.B, ids []string) map[string]bool {
	b.Helper()
	state := map[string]bool{}
	for batch := range slices.Chunk(ids, 100) {
		for _, u := range apiJSON[[]struct {
			ID       string `json:"id"`
			DeleteAt int64  `json:"delete_at"`
		}](b, http.MethodPost, "/api/v4/users/ids", batch) {
			state[u.ID] = u.DeleteAt == 0
		}
	}
	if len(state) != len(ids) {
		b.Fatalf("POST /users/ids returned %d of %d users", len(state), len(ids))
	}
	return state
}

// benchSetActive puts every user in the wanted state through the API, 16 requests at a time.
func benchSetActive(b *testing.B, ids []string, active bool) {
	b.Helper()
	state := benchActiveState(b, ids)
	var todo []string
	for _, id := range ids {
		if state[id] != active {
			todo = append(todo, id)
		}
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		errs  []error
		slots = make(chan struct{}, 16)
	)
	for _, id := range todo {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			resp, body, err := srv.API(ctx, http.MethodPut, "/api/v4/users/"+id+"/active", map[string]bool{"active": active}, adminToken)
			if err == nil && resp.StatusCode/100 != 2 {
				err = fmt.Errorf("PUT /users/%s/active: HTTP %d: %s", id, resp.StatusCode, clip(string(body)))
			}
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		b.Fatalf("setting %d users active=%v: %d failed, first: %v", len(todo), active, len(errs), errs[0])
	}
}

// benchRoute is how matterctl reaches the server: directly or through the latency proxy.
type benchRoute struct {
	name  string
	delay time.Duration // 0: no proxy
}

var benchRoutes = []benchRoute{{"direct", 0}, {"proxy10ms", benchDelay}}

// benchCLI returns a runner whose credentials point at the server, through a fresh latency
// proxy when the route has a delay (nil proxy otherwise).
func benchCLI(b *testing.B, route benchRoute) (*cli, *latencyproxy.Proxy) {
	b.Helper()
	url := srv.URL
	var proxy *latencyproxy.Proxy
	if route.delay > 0 {
		var err error
		if proxy, err = latencyproxy.New(srv.URL, route.delay); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(proxy.Close)
		url = proxy.URL
	}
	return newCLI(b).with("MATTERCTL_URL="+url, "MATTERCTL_TOKEN="+adminToken), proxy
}

// benchRun is one measured matterctl process.
type benchRun struct {
	wall        time.Duration
	cpu         time.Duration // user + system
	peakRSSMB   float64
	stdoutBytes int64
}

// benchCountingWriter counts what passes through to w (which may be nil).
type benchCountingWriter struct {
	w io.Writer
	n int64
}

func (c *benchCountingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	if c.w == nil {
		return len(p), nil
	}
	return c.w.Write(p)
}

// benchExec runs matterctl once (the benchmark timer must be running, or not, as the caller
// wants) and fails unless it exits 0. stdout, when not nil, receives the command's output.
//
// Peak RSS cannot come from the child's own rusage: os/exec starts it with vfork semantics
// (CLONE_VM), and Linux folds the high-water mark of the borrowed address space, i.e. the
// test binary's, into the child's ru_maxrss at exec; every figure would read as this
// process's peak. GNU time forks from its own small address space, so its %M is the
// command's; without it, /proc/PID/status VmHWM is sampled while the command runs.
func benchExec(b *testing.B, c *cli, stdout io.Writer, args ...string) benchRun {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var rssFile string
	argv := append([]string{bin}, args...)
	if gnuTime := benchGNUTime(); gnuTime != "" {
		rssFile = filepath.Join(b.TempDir(), "maxrss")
		argv = append([]string{gnuTime, "-f", "%M", "-o", rssFile}, argv...)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = c.environ()
	out := &benchCountingWriter{w: stdout}
	var errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &errOut
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatalf("matterctl %s: %v", benchArgv(args), err)
	}
	var sampledKB atomic.Int64
	sampled := make(chan struct{})
	if rssFile == "" {
		go func() {
			defer close(sampled)
			benchSampleHWM(ctx, cmd.Process.Pid, &sampledKB)
		}()
	} else {
		close(sampled)
	}
	err := cmd.Wait()
	wall := time.Since(start)
	cancel()
	<-sampled
	if err != nil {
		b.Fatalf("matterctl %s: %v\nstderr: %s", benchArgv(args), err, clip(errOut.String()))
	}
	// With GNU time these include the command's, which time waited for.
	run := benchRun{wall: wall, stdoutBytes: out.n, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	kb := sampledKB.Load()
	if rssFile != "" {
		data, err := os.ReadFile(rssFile)
		if err != nil {
			b.Fatalf("reading GNU time's output: %v", err)
		}
		lines := strings.Fields(string(data))
		if len(lines) == 0 {
			b.Fatalf("GNU time wrote no peak RSS: %q", data)
		}
		if kb, err = strconv.ParseInt(lines[len(lines)-1], 10, 64); err != nil {
			b.Fatalf("GNU time's peak RSS %q: %v", data, err)
		}
	}
	run.peakRSSMB = float64(kb) / 1024
	return run
}

// benchGNUTime is the path of GNU time, or "" when it is not installed.
var benchGNUTime = sync.OnceValue(func() string {
	const path = "/usr/bin/time"
	out, err := exec.Command(path, "--version").CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("GNU")) {
		return ""
	}
	return path
})

// benchSampleHWM records the largest VmHWM of pid until ctx ends (Linux only; elsewhere the
// figure stays 0). The last few milliseconds before exit can be missed.
func benchSampleHWM(ctx context.Context, pid int, kb *atomic.Int64) {
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	path := fmt.Sprintf("/proc/%d/status", pid)
	for {
		if data, err := os.ReadFile(path); err == nil {
			for line := range strings.SplitSeq(string(data), "\n") {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					if n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64); err == nil && n > kb.Load() {
						kb.Store(n)
					}
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// benchArgv shortens long argument lists for messages.
func benchArgv(args []string) string {
	if len(args) > 6 {
		return strings.Join(args[:4], " ") + fmt.Sprintf(" … (%d arguments)", len(args))
	}
	return strings.Join(args, " ")
}

// benchReport aggregates runs into custom metrics.
type benchReport struct {
	runs        int
	wall        time.Duration
	cpu         time.Duration
	peakRSS     float64
	proxied     bool
	requests    int64
	maxInFlight int64
}

// add records one run; proxy (nil when direct) holds the counters of that run only: callers
// reset them before each run.
func (r *benchReport) add(run benchRun, proxy *latencyproxy.Proxy) {
	r.runs++
	r.wall += run.wall
	r.cpu += run.cpu
	r.peakRSS = max(r.peakRSS, run.peakRSSMB)
	if proxy != nil {
		r.proxied = true
		r.requests += proxy.Requests()
		r.maxInFlight = max(r.maxInFlight, proxy.MaxInFlight())
	}
}

// report writes the metrics; items is how many users one run handled.
func (r *benchReport) report(b *testing.B, items int) {
	b.Helper()
	if r.runs == 0 {
		return
	}
	b.ReportMetric(r.peakRSS, "peak-RSS-MB")
	b.ReportMetric(r.cpu.Seconds()/float64(r.runs), "cpu-s/op")
	b.ReportMetric(float64(items*r.runs)/r.wall.Seconds(), "users/s")
	if r.proxied {
		b.ReportMetric(float64(r.requests)/float64(r.runs), "req/op")
		b.ReportMetric(float64(r.maxInFlight), "max-in-flight")
	}
}

// BenchmarkUserListAll measures `user list --all --json` over the whole server (≥ 20 000 users).
func BenchmarkUserListAll(b *testing.B) {
	fix := benchSetup(b)

	// Once, untimed: the output is one JSON array with every user (this also warms the
	// server's caches so that the first measured route is not penalised).
	c, _ := benchCLI(b, benchRoute{name: "direct"})
	var full bytes.Buffer
	verify := benchExec(b, c, &full, "user", "list", "--all", "--json")
	users := decodeJSON[[]json.RawMessage](b, full.String())
	if len(users) < fix.total {
		b.Fatalf("user list --all --json printed %d users, the server lists %d", len(users), fix.total)
	}
	wantBytes := verify.stdoutBytes
	full = bytes.Buffer{}

	for _, route := range benchRoutes {
		b.Run(route.name, func(b *testing.B) {
			c, proxy := benchCLI(b, route)
			var rep benchReport
			b.StopTimer()
			for range b.N {
				if proxy != nil {
					proxy.ResetCounters()
				}
				b.StartTimer()
				run := benchExec(b, c, nil, "user", "list", "--all", "--json")
				b.StopTimer()
				// Tests sharing a dev server may add users, never remove them.
				if run.stdoutBytes < wantBytes*9/10 {
					b.Fatalf("printed %d bytes, the verified run printed %d", run.stdoutBytes, wantBytes)
				}
				rep.add(run, proxy)
			}
			rep.report(b, len(users))
		})
	}
}

// BenchmarkUserDeactivate500 measures `user deactivate` with 500 usernames as arguments.
func BenchmarkUserDeactivate500(b *testing.B) { benchActiveVerb(b, "deactivate", false) }

// BenchmarkUserActivate500 measures `user activate` with 500 usernames as arguments.
func BenchmarkUserActivate500(b *testing.B) { benchActiveVerb(b, "activate", true) }

// benchActiveVerb runs `user <verb> bench00001 … bench00500` on each route, with the default
// --parallel (8) and with --parallel 1 to show what the concurrency buys.
func benchActiveVerb(b *testing.B, verb string, active bool) {
	fix := benchSetup(b)
	b.Cleanup(func() { benchSetActive(b, fix.argIDs, true) })

	for _, route := range benchRoutes {
		for _, parallel := range []int{0, 1} {
			name := route.name
			args := append([]string{"user", verb}, fix.argNames...)
			if parallel > 0 {
				name += fmt.Sprintf("-parallel%d", parallel)
				args = append(args, "--parallel", strconv.Itoa(parallel))
			}
			b.Run(name, func(b *testing.B) {
				c, proxy := benchCLI(b, route)
				var rep benchReport
				b.StopTimer()
				for range b.N {
					benchSetActive(b, fix.argIDs, !active)
					if proxy != nil {
						proxy.ResetCounters()
					}
					b.StartTimer()
					run := benchExec(b, c, nil, args...)
					b.StopTimer()
					rep.add(run, proxy)
					state := benchActiveState(b, fix.argIDs)
					for i, id := range fix.argIDs {
						if state[id] != active {
							b.Fatalf("after user %s, %s is active=%v", verb, fix.argNames[i], state[id])
						}
					}
				}
				rep.report(b, benchArgCount)
			})
		}
	}
}
