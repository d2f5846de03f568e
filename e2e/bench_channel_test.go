//go:build e2e

package e2e

// BenchmarkChannelList2000 measures `channel list` over a team of 2 000 seeded channels (and
// over every team of the server), directly and through the latency proxy:
//
//	MATTERCTL_BIN=bin/matterctl MATTERCTL_BENCH=1 go test -tags e2e -run '^$' -bench ChannelList -benchtime 1x ./e2e/
//
// Besides ns/op it reports peak-RSS-MB, cpu-s/op, channels/s and, through the proxy, req/op
// and max-in-flight.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	benchChannelTeam  = "benchchannels" // the team of the seeded channels
	benchChannelCount = 2000            // benchch0001 … benchch2000
)

var (
	benchChOnce   sync.Once
	benchChTeamID string
	benchChErr    error
)

// benchChSetup seeds the bench users (benchSetup skips unless MATTERCTL_BENCH=1) and the
// channels of the bench team, once per process.
func benchChSetup(b *testing.B) string {
	b.Helper()
	benchSetup(b)
	benchChOnce.Do(func() {
		benchChErr = fmt.Errorf("seeding the bench channels failed in an earlier benchmark")
		benchChTeamID = benchChSeed(b)
		benchChErr = nil
	})
	if benchChErr != nil {
		b.Fatal(benchChErr)
	}
	return benchChTeamID
}

// benchChSeed makes sure the bench team exists and holds benchch0001…benchch2000, inserted
// straight into PostgreSQL when missing (through the API they take minutes, and the team's
// channel limit, TeamSettings.MaxChannelsPerTeam, is 2 000 by default). One in ten is
// private and one in twenty archived; public ones are also written to PublicChannels, which
// the server keeps beside Channels. It returns the team's ID.
func benchChSeed(b *testing.B) string {
	b.Helper()
	start := time.Now()
	var teamID string
	if status, body := api(b, http.MethodGet, "/api/v4/teams/name/"+benchChannelTeam, nil); status == http.StatusOK {
		teamID = decodeJSON[map[string]any](b, string(body))["id"].(string)
	} else {
		teamID = apiJSON[map[string]any](b, http.MethodPost, "/api/v4/teams", map[string]any{
			"name": benchChannelTeam, "display_name": "Bench channels", "type": "O",
		})["id"].(string)
	}
	have, err := strconv.Atoi(strings.TrimSpace(benchPSQL(b, fmt.Sprintf(
		`SELECT count(*) FROM channels WHERE teamid = '%s' AND name ~ '^benchch[0-9]{4}$'`, teamID))))
	if err != nil {
		b.Fatalf("counting bench channels: %v", err)
	}
	if have < benchChannelCount {
		benchPSQL(b, fmt.Sprintf(`
INSERT INTO channels (id, createat, updateat, deleteat, teamid, type, displayname, name, header, purpose,
    lastpostat, totalmsgcount, extraupdateat, creatorid, schemeid, groupconstrained, shared,
    totalmsgcountroot, lastrootpostat)
SELECT substr(md5('matterctl-bench-channel-' || g), 1, 26), t.now_ms, t.now_ms,
    CASE WHEN g %% 20 = 1 THEN t.now_ms ELSE 0 END,
    '%[1]s', (CASE WHEN g %% 10 = 0 THEN 'P' ELSE 'O' END)::channel_type,
    'Bench channel ' || lpad(g::text, 4, '0'), 'benchch' || lpad(g::text, 4, '0'),
    'header of bench channel ' || g, 'purpose of bench channel ' || g,
    t.now_ms, 0, 0, '', NULL, NULL, NULL, 0, t.now_ms
FROM generate_series(1, %[2]d) AS g,
    (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms) AS t
ON CONFLICT DO NOTHING;
INSERT INTO publicchannels (id, deleteat, teamid, displayname, name, header, purpose)
SELECT id, deleteat, teamid, displayname, name, header, purpose FROM channels
WHERE teamid = '%[1]s' AND type = 'O' AND name ~ '^benchch[0-9]{4}$'
ON CONFLICT DO NOTHING;
ANALYZE channels;`, teamID, benchChannelCount))
		// Rows written behind the server's back: drop whatever it cached.
		apiJSON[map[string]any](b, http.MethodPost, "/api/v4/caches/invalidate", nil)
		b.Logf("seeded %d bench channels in PostgreSQL in %s", benchChannelCount-have, time.Since(start).Round(time.Millisecond))
	}
	// The server sees them: by name, archived included …
	for _, n := range []string{"benchch0001", "benchch1000", "benchch2000"} {
		if status, body := api(b, http.MethodGet, "/api/v4/teams/"+teamID+"/channels/name/"+n+"?include_deleted=true", nil); status != http.StatusOK {
			b.Fatalf("channel %s is not visible through the API: HTTP %d: %s", n, status, body)
		}
	}
	// … and in the paged listing that `channel list` walks.
	if n := benchChServerCount(b, teamID); n < benchChannelCount {
		b.Fatalf("the server lists %d channels in %s, want at least %d", n, benchChannelTeam, benchChannelCount)
	}
	return teamID
}

// benchChServerCount is the number of channels of a team (every team when teamID is ""), as
// the server's channel search counts them, archived included.
func benchChServerCount(b *testing.B, teamID string) int {
	b.Helper()
	search := map[string]any{"term": "", "include_deleted": true, "page": 0, "per_page": 1}
	if teamID != "" {
		search["team_ids"] = []string{teamID}
	}
	res := apiJSON[struct {
		TotalCount int `json:"total_count"`
	}](b, http.MethodPost, "/api/v4/channels/search", search)
	return res.TotalCount
}

// BenchmarkChannelList2000 runs `channel list <bench team> --json` (2 002 channels: the seeded
// ones, town-square and off-topic) and `channel list --json` (every team) on each route.
func BenchmarkChannelList2000(b *testing.B) {
	teamID := benchChSetup(b)
	for _, scope := range []struct {
		name string
		args []string
		team string
	}{
		{"team", []string{"channel", "list", benchChannelTeam, "--json"}, teamID},
		{"all", []string{"channel", "list", "--json"}, ""},
	} {
		// Once, untimed: the output is one JSON array with every channel the server counts.
		c, _ := benchCLI(b, benchRoute{name: "direct"})
		var full bytes.Buffer
		verify := benchExec(b, c, &full, scope.args...)
		chans := decodeJSON[[]json.RawMessage](b, full.String())
		if want := benchChServerCount(b, scope.team); len(chans) < want || len(chans) < benchChannelCount {
			b.Fatalf("%s printed %d channels, the server counts %d", strings.Join(scope.args, " "), len(chans), want)
		}
		wantBytes := verify.stdoutBytes

		for _, route := range benchRoutes {
			b.Run(scope.name+"-"+route.name, func(b *testing.B) {
				c, proxy := benchCLI(b, route)
				var rep benchReport
				b.StopTimer()
				for range b.N {
					if proxy != nil {
						proxy.ResetCounters()
					}
					b.StartTimer()
					run := benchExec(b, c, nil, scope.args...)
					b.StopTimer()
					// Tests sharing the server may add channels, never remove the bench ones.
					if run.stdoutBytes < wantBytes*9/10 {
						b.Fatalf("printed %d bytes, the verified run printed %d", run.stdoutBytes, wantBytes)
					}
					rep.add(run, proxy)
				}
				benchChReport(b, &rep, len(chans))
			})
		}
	}
}

// benchChReport writes the metrics of benchReport, counting channels instead of users.
func benchChReport(b *testing.B, r *benchReport, items int) {
	b.Helper()
	if r.runs == 0 {
		return
	}
	b.ReportMetric(r.peakRSS, "peak-RSS-MB")
	b.ReportMetric(r.cpu.Seconds()/float64(r.runs), "cpu-s/op")
	b.ReportMetric(float64(items*r.runs)/r.wall.Seconds(), "channels/s")
	if r.proxied {
		b.ReportMetric(float64(r.requests)/float64(r.runs), "req/op")
		b.ReportMetric(float64(r.maxInFlight), "max-in-flight")
	}
}
