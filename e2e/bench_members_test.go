//go:build e2e

package e2e

// Benchmarks of `team users` and `channel users`, on the bench users of bench_test.go, direct
// and through the latency proxy:
//
//	MATTERCTL_BIN=bin/matterctl MATTERCTL_BENCH=1 go test -tags e2e -run '^$' \
//	    -bench 'TeamUsers|ChannelUsers|TeamAddStrategies' -benchtime 1x ./e2e/
//
// With MATTERCTL_BENCH_MMCTL pointing at an mmctl binary, the add benchmarks also time mmctl
// doing the same (its own credentials, logged in with the admin's password), to compare.
//
// BenchmarkTeamAddStrategies times, at the API level and without matterctl, the ways of adding
// 500 users to a team: batch requests of the server's maximum (256) one after the other, the
// same users split over 8 concurrent batch requests, and 8 concurrent single adds. matterctl
// uses what it shows to be fastest.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matterctl/matterctl/e2e/latencyproxy"
)

const (
	benchMembersTeam    = "benchmembers"      // the team the add benchmarks fill and empty
	benchMembersChannel = "bench-add"         // the public channel of that team they fill and empty
	benchListTeam       = "benchmembers-list" // the team with every bench user as a member
)

// benchMembersFixture is the teams and channel of the members benchmarks.
type benchMembersFixture struct {
	*benchFixture
	teamID, channelID, listTeamID string
	listMembers                   int // members of benchListTeam, as the server counts them
}

var (
	benchMembersOnce sync.Once
	benchMembersFix  *benchMembersFixture
	benchMembersErr  error
)

// benchMembersSetup seeds the bench users (benchSetup), then makes sure the teams and the
// channel exist and that every bench user is a member of benchListTeam.
func benchMembersSetup(b *testing.B) *benchMembersFixture {
	b.Helper()
	fix := benchSetup(b)
	benchMembersOnce.Do(func() {
		benchMembersErr = fmt.Errorf("setting up the members benchmarks failed in an earlier benchmark")
		f := &benchMembersFixture{benchFixture: fix}
		f.teamID = benchEnsureTeam(b, benchMembersTeam)
		f.channelID = benchEnsureChannel(b, f.teamID, benchMembersChannel)
		f.listTeamID = benchEnsureTeam(b, benchListTeam)
		f.listMembers = seedBenchTeamMembers(b, f.listTeamID)
		benchMembersFix, benchMembersErr = f, nil
	})
	if benchMembersErr != nil {
		b.Fatal(benchMembersErr)
	}
	return benchMembersFix
}

// benchEnsureTeam returns the ID of the open team name, creating it when missing.
func benchEnsureTeam(b *testing.B, name string) string {
	b.Helper()
	if status, body := api(b, http.MethodGet, "/api/v4/teams/name/"+name, nil); status == http.StatusOK {
		return decodeJSON[map[string]any](b, string(body))["id"].(string)
	}
	team := apiJSON[map[string]any](b, http.MethodPost, "/api/v4/teams", map[string]any{
		"name": name, "display_name": "Bench " + name, "type": "O",
	})
	return team["id"].(string)
}

// benchEnsureChannel returns the ID of the public channel name of the team, creating it.
func benchEnsureChannel(b *testing.B, teamID, name string) string {
	b.Helper()
	if status, body := api(b, http.MethodGet, "/api/v4/teams/"+teamID+"/channels/name/"+name+"?include_deleted=true", nil); status == http.StatusOK {
		return decodeJSON[map[string]any](b, string(body))["id"].(string)
	}
	ch := apiJSON[map[string]any](b, http.MethodPost, "/api/v4/channels", map[string]any{
		"team_id": teamID, "name": name, "display_name": "Bench " + name, "type": "O",
	})
	return ch["id"].(string)
}

// seedBenchTeamMembers makes every bench user a member of the team straight in PostgreSQL
// (through the API, 20 000 adds take minutes), then has the server drop its caches and checks
// that its own count agrees. It returns the team's member count.
func seedBenchTeamMembers(b *testing.B, teamID string) int {
	b.Helper()
	start := time.Now()
	inserted := strings.TrimSpace(benchPSQL(b, fmt.Sprintf(`
WITH ins AS (
    INSERT INTO teammembers (teamid, userid, roles, deleteat, schemeuser, schemeadmin, schemeguest, createat)
    SELECT '%[1]s', id, '', 0, true, false, false, (extract(epoch FROM clock_timestamp()) * 1000)::bigint
    FROM users WHERE username ~ '^%[2]s[0-9]{5}$' AND username <= '%[3]s'
    ON CONFLICT (teamid, userid) DO UPDATE SET deleteat = 0 WHERE teammembers.deleteat <> 0
    RETURNING 1)
SELECT count(*) FROM ins;`, teamID, benchPrefix, benchUsername(benchUserCount))))
	if inserted != "0" {
		// Rows written behind the server's back: drop whatever it cached about memberships.
		apiJSON[map[string]any](b, http.MethodPost, "/api/v4/caches/invalidate", nil)
		b.Logf("seeded %s members of %s in PostgreSQL in %s", inserted, benchListTeam, time.Since(start).Round(time.Millisecond))
	}
	stats := apiJSON[struct {
		Total int `json:"total_member_count"`
	}](b, http.MethodGet, "/api/v4/teams/"+teamID+"/stats", nil)
	if stats.Total < benchUserCount {
		b.Fatalf("the server counts %d members of %s, want at least %d", stats.Total, benchListTeam, benchUserCount)
	}
	return stats.Total
}

// benchMemberIDs returns which of ids are members, asking path (…/members/ids) 500 at a time.
func benchMemberIDs(b *testing.B, path string, ids []string) map[string]bool {
	b.Helper()
	found := map[string]bool{}
	for batch := range slices.Chunk(ids, 500) {
		for _, m := range apiJSON[[]struct {
			UserID   string `json:"user_id"`
			DeleteAt int64  `json:"delete_at"`
		}](b, http.MethodPost, path, batch) {
			found[m.UserID] = m.DeleteAt == 0
		}
	}
	return found
}

func benchTeamMembers(b *testing.B, teamID string, ids []string) map[string]bool {
	return benchMemberIDs(b, "/api/v4/teams/"+teamID+"/members/ids", ids)
}

func benchChannelMembers(b *testing.B, channelID string, ids []string) map[string]bool {
	return benchMemberIDs(b, "/api/v4/channels/"+channelID+"/members/ids", ids)
}

// benchParallelAPI sends one request per ID (path made by pathOf), 16 at a time, and fails on
// any non-2xx answer.
func benchParallelAPI(b *testing.B, method string, ids []string, pathOf func(id string) string, bodyOf func(id string) any) {
	b.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		errs  []error
		slots = make(chan struct{}, 16)
	)
	for _, id := range ids {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var body any
			if bodyOf != nil {
				body = bodyOf(id)
			}
			resp, data, err := srv.API(ctx, method, pathOf(id), body, adminToken)
			if err == nil && resp.StatusCode/100 != 2 {
				err = fmt.Errorf("%s %s: HTTP %d: %s", method, pathOf(id), resp.StatusCode, clip(string(data)))
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
		b.Fatalf("%d of %d requests failed, first: %v", len(errs), len(ids), errs[0])
	}
}

// benchEmptyTeam removes those of ids who are members of the team, through the API.
func benchEmptyTeam(b *testing.B, teamID string, ids []string) {
	b.Helper()
	members := benchTeamMembers(b, teamID, ids)
	var todo []string
	for _, id := range ids {
		if members[id] {
			todo = append(todo, id)
		}
	}
	benchParallelAPI(b, http.MethodDelete, todo, func(id string) string { return "/api/v4/teams/" + teamID + "/members/" + id }, nil)
}

// benchFillTeam adds those of ids who are not members of the team, through the API.
func benchFillTeam(b *testing.B, teamID string, ids []string) {
	b.Helper()
	members := benchTeamMembers(b, teamID, ids)
	var todo []string
	for _, id := range ids {
		if !members[id] {
			todo = append(todo, id)
		}
	}
	for batch := range slices.Chunk(todo, 256) {
		body := make([]map[string]string, len(batch))
		for i, id := range batch {
			body[i] = map[string]string{"team_id": teamID, "user_id": id}
		}
		apiJSON[[]json.RawMessage](b, http.MethodPost, "/api/v4/teams/"+teamID+"/members/batch", body)
	}
}

// benchEmptyChannel removes those of ids who are members of the channel, through the API.
func benchEmptyChannel(b *testing.B, channelID string, ids []string) {
	b.Helper()
	members := benchChannelMembers(b, channelID, ids)
	var todo []string
	for _, id := range ids {
		if members[id] {
			todo = append(todo, id)
		}
	}
	benchParallelAPI(b, http.MethodDelete, todo, func(id string) string { return "/api/v4/channels/" + channelID + "/members/" + id }, nil)
}

// benchRequireMembers fails unless every one of ids is in members.
func benchRequireMembers(b *testing.B, what string, members map[string]bool, ids []string) {
	b.Helper()
	missing := 0
	for _, id := range ids {
		if !members[id] {
			missing++
		}
	}
	if missing > 0 {
		b.Fatalf("%d of %d users are not members of %s", missing, len(ids), what)
	}
}

// benchMmctl is the mmctl binary to compare with (MATTERCTL_BENCH_MMCTL), or "".
func benchMmctl() string { return os.Getenv("MATTERCTL_BENCH_MMCTL") }

// benchTool is one program the add benchmarks time: matterctl with some flags, or mmctl.
type benchTool struct {
	name  string
	mmctl bool
	flags []string
}

func benchAddTools() []benchTool {
	tools := []benchTool{{name: "matterctl"}, {name: "matterctl-parallel1", flags: []string{"--parallel", "1"}}}
	if benchMmctl() != "" {
		tools = append(tools, benchTool{name: "mmctl", mmctl: true})
	}
	return tools
}

// benchToolCLI returns a runner for tool on route: matterctl with the admin's token in the
// environment, or mmctl logged in (password) into the runner's own configuration directory.
func benchToolCLI(b *testing.B, tool benchTool, route benchRoute) (*cli, *latencyproxy.Proxy) {
	b.Helper()
	c, proxy := benchCLI(b, route)
	if !tool.mmctl {
		return c, proxy
	}
	url := srv.URL
	if proxy != nil {
		url = proxy.URL
	}
	pwFile := filepath.Join(b.TempDir(), "password")
	if err := os.WriteFile(pwFile, []byte(srv.AdminPassword), 0o600); err != nil {
		b.Fatal(err)
	}
	c = newCLI(b) // no MATTERCTL_* variables: mmctl reads its own configuration
	withBinary(benchMmctl(), func() {
		benchExec(b, c, nil, "auth", "login", url, "--name", "bench", "--username", srv.AdminUser, "--password-file", pwFile)
	})
	return c, proxy
}

// withBinary runs fn with benchExec starting path instead of matterctl (benchmarks run one at
// a time, so the swap is not seen elsewhere).
func withBinary(path string, fn func()) {
	saved := bin
	bin = path
	defer func() { bin = saved }()
	fn()
}

// benchToolExec runs tool once with args.
func benchToolExec(b *testing.B, tool benchTool, c *cli, args []string) benchRun {
	b.Helper()
	var run benchRun
	if tool.mmctl {
		withBinary(benchMmctl(), func() { run = benchExec(b, c, nil, args...) })
		return run
	}
	// --quiet: stderr keeps the failures only (mmctl prints nothing on success either).
	return benchExec(b, c, nil, append(append(slices.Clone(args), "--quiet"), tool.flags...)...)
}

// BenchmarkTeamUsersAdd500 measures `team users add benchmembers bench00001 … bench00500` into
// an empty membership: matterctl (batch requests, 8 at a time), matterctl --parallel 1, and
// mmctl when MATTERCTL_BENCH_MMCTL is set.
func BenchmarkTeamUsersAdd500(b *testing.B) {
	fix := benchMembersSetup(b)
	args := append([]string{"team", "users", "add", benchMembersTeam}, fix.argNames...)
	for _, route := range benchRoutes {
		for _, tool := range benchAddTools() {
			b.Run(tool.name+"-"+route.name, func(b *testing.B) {
				c, proxy := benchToolCLI(b, tool, route)
				var rep benchReport
				b.StopTimer()
				for range b.N {
					benchEmptyTeam(b, fix.teamID, fix.argIDs)
					if proxy != nil {
						proxy.ResetCounters()
					}
					b.StartTimer()
					run := benchToolExec(b, tool, c, args)
					b.StopTimer()
					rep.add(run, proxy)
					benchRequireMembers(b, "team "+benchMembersTeam, benchTeamMembers(b, fix.teamID, fix.argIDs), fix.argIDs)
				}
				rep.report(b, benchArgCount)
			})
		}
	}
}

// BenchmarkChannelUsersAdd500 measures `channel users add benchmembers:bench-add bench00001 …
// bench00500` into an empty channel whose team holds the users: matterctl (8 single adds at a
// time: the server has no batch), matterctl --parallel 1, and mmctl when
// MATTERCTL_BENCH_MMCTL is set.
func BenchmarkChannelUsersAdd500(b *testing.B) {
	fix := benchMembersSetup(b)
	benchFillTeam(b, fix.teamID, fix.argIDs)
	args := append([]string{"channel", "users", "add", benchMembersTeam + ":" + benchMembersChannel}, fix.argNames...)
	for _, route := range benchRoutes {
		for _, tool := range benchAddTools() {
			b.Run(tool.name+"-"+route.name, func(b *testing.B) {
				c, proxy := benchToolCLI(b, tool, route)
				var rep benchReport
				b.StopTimer()
				for range b.N {
					benchEmptyChannel(b, fix.channelID, fix.argIDs)
					if proxy != nil {
						proxy.ResetCounters()
					}
					b.StartTimer()
					run := benchToolExec(b, tool, c, args)
					b.StopTimer()
					rep.add(run, proxy)
					benchRequireMembers(b, "channel "+benchMembersChannel, benchChannelMembers(b, fix.channelID, fix.argIDs), fix.argIDs)
				}
				rep.report(b, benchArgCount)
			})
		}
	}
}

// BenchmarkTeamUsersList20000 measures `team users list benchmembers-list --json` over the
// team's ≥ 20 000 members; every run must print as many members as the server counts.
func BenchmarkTeamUsersList20000(b *testing.B) {
	fix := benchMembersSetup(b)

	// Once, untimed: one JSON array with every member, each with their team membership.
	c, _ := benchCLI(b, benchRoute{name: "direct"})
	var full bytes.Buffer
	verify := benchExec(b, c, &full, "team", "users", "list", benchListTeam, "--json")
	members := decodeJSON[[]struct {
		ID         string `json:"id"`
		TeamMember struct {
			TeamID string `json:"team_id"`
			Roles  string `json:"roles"`
		} `json:"team_member"`
	}](b, full.String())
	if len(members) != fix.listMembers {
		b.Fatalf("team users list printed %d members, the server counts %d", len(members), fix.listMembers)
	}
	for _, m := range members {
		if m.TeamMember.TeamID != fix.listTeamID || !strings.Contains(m.TeamMember.Roles, "team_user") {
			b.Fatalf("member %s printed with team membership %+v", m.ID, m.TeamMember)
		}
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
				run := benchExec(b, c, nil, "team", "users", "list", benchListTeam, "--json")
				b.StopTimer()
				if run.stdoutBytes < wantBytes*9/10 {
					b.Fatalf("printed %d bytes, the verified run printed %d", run.stdoutBytes, wantBytes)
				}
				rep.add(run, proxy)
			}
			rep.report(b, len(members))
		})
	}
}

// BenchmarkTeamAddStrategies adds the 500 bench users to an empty team at the API level, each
// strategy on each route, to choose how `team users add` sends them.
func BenchmarkTeamAddStrategies(b *testing.B) {
	fix := benchMembersSetup(b)
	strategies := []struct {
		name string
		add  func(b *testing.B, base, teamID string, ids []string)
	}{
		{"batch256-sequential", func(b *testing.B, base, teamID string, ids []string) {
			for batch := range slices.Chunk(ids, 256) {
				benchBatchAdd(b, base, teamID, batch)
			}
		}},
		{"batch-split8", func(b *testing.B, base, teamID string, ids []string) {
			size := (len(ids) + 7) / 8
			benchConcurrently(b, 8, slices.Collect(slices.Chunk(ids, size)), func(batch []string) {
				benchBatchAdd(b, base, teamID, batch)
			})
		}},
		{"singles-parallel8", func(b *testing.B, base, teamID string, ids []string) {
			benchConcurrently(b, 8, ids, func(id string) {
				benchAPIAt(b, base, http.MethodPost, "/api/v4/teams/"+teamID+"/members", map[string]string{"team_id": teamID, "user_id": id})
			})
		}},
		{"singles-parallel16", func(b *testing.B, base, teamID string, ids []string) {
			benchConcurrently(b, 16, ids, func(id string) {
				benchAPIAt(b, base, http.MethodPost, "/api/v4/teams/"+teamID+"/members", map[string]string{"team_id": teamID, "user_id": id})
			})
		}},
	}
	for _, route := range benchRoutes {
		for _, s := range strategies {
			b.Run(s.name+"-"+route.name, func(b *testing.B) {
				base := srv.URL
				if route.delay > 0 {
					proxy, err := latencyproxy.New(srv.URL, route.delay)
					if err != nil {
						b.Fatal(err)
					}
					b.Cleanup(proxy.Close)
					base = proxy.URL
				}
				b.StopTimer()
				var wall time.Duration
				for range b.N {
					benchEmptyTeam(b, fix.teamID, fix.argIDs)
					start := time.Now()
					b.StartTimer()
					s.add(b, base, fix.teamID, fix.argIDs)
					b.StopTimer()
					wall += time.Since(start)
					benchRequireMembers(b, "team "+benchMembersTeam, benchTeamMembers(b, fix.teamID, fix.argIDs), fix.argIDs)
				}
				b.ReportMetric(float64(benchArgCount*b.N)/wall.Seconds(), "users/s")
			})
		}
	}
}

// benchBatchAdd adds users in one graceful batch request and fails unless each was added.
func benchBatchAdd(b *testing.B, base, teamID string, ids []string) {
	body := make([]map[string]string, len(ids))
	for i, id := range ids {
		body[i] = map[string]string{"team_id": teamID, "user_id": id}
	}
	data := benchAPIAt(b, base, http.MethodPost, "/api/v4/teams/"+teamID+"/members/batch?graceful=true", body)
	var results []struct {
		UserID string          `json:"user_id"`
		Error  json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(data, &results); err != nil {
		b.Errorf("batch answer: %v", err)
		return
	}
	for _, r := range results {
		if len(r.Error) > 0 && string(r.Error) != "null" {
			b.Errorf("adding %s: %s", r.UserID, r.Error)
		}
	}
}

// benchConcurrently calls fn on every item, parallel at a time.
func benchConcurrently[T any](b *testing.B, parallel int, items []T, fn func(T)) {
	var wg sync.WaitGroup
	slots := make(chan struct{}, parallel)
	for _, it := range items {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			fn(it)
		}()
	}
	wg.Wait()
}

// benchHTTP is the client of benchAPIAt: enough idle connections for the concurrent strategies.
var benchHTTP = &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConns: 64, MaxIdleConnsPerHost: 64}}

// benchAPIAt sends a request as the admin to base (the server or a proxy) and returns the body
// of its 2xx answer; any other answer fails the benchmark (from any goroutine).
func benchAPIAt(b *testing.B, base, method, path string, body any) []byte {
	data, err := json.Marshal(body)
	if err != nil {
		b.Error(err)
		return nil
	}
	req, err := http.NewRequest(method, base+path, bytes.NewReader(data))
	if err != nil {
		b.Error(err)
		return nil
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := benchHTTP.Do(req)
	if err != nil {
		b.Error(err)
		return nil
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode/100 != 2 {
		b.Errorf("%s %s: HTTP %d %v: %s", method, path, resp.StatusCode, err, clip(string(out)))
		return nil
	}
	return out
}
