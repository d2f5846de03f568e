//go:build e2e

package e2e

// Benchmarks of `webhook list` and `webhook send`, direct and through the latency proxy:
//
//	MATTERCTL_BIN=bin/matterctl MATTERCTL_BENCH=1 go test -tags e2e -run '^$' -bench Webhook -benchtime 1x ./e2e/
//
// The fixture is 50 teams (benchwh01 … benchwh50), each with 5 incoming and 5 outgoing
// webhooks on its town square (500 webhooks), created through the API concurrently and reused
// by later runs. With MATTERCTL_BENCH_MMCTL pointing at an mmctl binary, `webhook list` is also
// timed with mmctl, and its sub-benchmarks report mmctl's wall time over matterctl's
// (mmctl/matterctl) on the same route and output format.
//
// Besides ns/op each result reports peak-RSS-MB, cpu-s/op, hooks/s (list) and, through the
// proxy, req/op and max-in-flight as the proxy counted them.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	benchWHPrefix   = "benchwh" // teams benchwh01 …, webhooks benchwh01-in1 …, benchwh01-out1 …
	benchWHTeams    = 50
	benchWHPerKind  = 5 // incoming and outgoing webhooks per team
	benchWHHooks    = benchWHTeams * benchWHPerKind * 2
	benchWHParallel = 16 // concurrent API calls while seeding
)

// benchWHFixture is the teams and webhooks of the webhook benchmarks.
type benchWHFixture struct {
	teamIDs    []string
	sendHookID string // benchwh01-in1
	sendTeam   string
	sendChan   string // its channel
}

var (
	benchWHOnce sync.Once
	benchWHFix  *benchWHFixture
	benchWHErr  error
)

// benchWHSetup skips unless MATTERCTL_BENCH=1 and makes sure the fixture exists, once per
// process. It does not need the 20 000 bench users of the other benchmarks.
func benchWHSetup(b *testing.B) *benchWHFixture {
	b.Helper()
	if os.Getenv("MATTERCTL_BENCH") != "1" {
		b.Skip("set MATTERCTL_BENCH=1 (make bench-e2e) to run the server benchmarks")
	}
	benchWHOnce.Do(func() {
		benchWHErr = fmt.Errorf("seeding the webhook fixture failed in an earlier benchmark")
		benchWHFix = benchWHSeed(b)
		benchWHErr = nil
	})
	if benchWHErr != nil {
		b.Fatal(benchWHErr)
	}
	return benchWHFix
}

func benchWHTeam(i int) string { return fmt.Sprintf("%s%02d", benchWHPrefix, i) }

// benchWHSeed creates what is missing of the fixture, team by team, benchWHParallel at a time.
func benchWHSeed(b *testing.B) *benchWHFixture {
	b.Helper()
	start := time.Now()
	fix := &benchWHFixture{teamIDs: make([]string, benchWHTeams)}
	var mu sync.Mutex
	created := 0
	idx := make([]int, benchWHTeams)
	for i := range idx {
		idx[i] = i
	}
	benchConcurrently(b, benchWHParallel, idx, func(i int) {
		name := benchWHTeam(i + 1)
		teamID := benchWHEnsureTeam(b, name)
		if teamID == "" {
			return
		}
		fix.teamIDs[i] = teamID
		var ch struct {
			ID string `json:"id"`
		}
		if !benchWHGet(b, "/api/v4/teams/"+teamID+"/channels/name/town-square", &ch) {
			return
		}
		var in, out []struct {
			ID          string `json:"id"`
			DisplayName string `json:"display_name"`
		}
		if !benchWHGet(b, "/api/v4/hooks/incoming?team_id="+teamID+"&per_page=200", &in) ||
			!benchWHGet(b, "/api/v4/hooks/outgoing?team_id="+teamID+"&per_page=200", &out) {
			return
		}
		have := map[string]string{}
		for _, h := range in {
			have[h.DisplayName] = h.ID
		}
		for _, h := range out {
			have[h.DisplayName] = h.ID
		}
		n := 0
		for k := 1; k <= benchWHPerKind; k++ {
			inName := fmt.Sprintf("%s-in%d", name, k)
			if have[inName] == "" {
				var h struct {
					ID string `json:"id"`
				}
				data := benchAPIAt(b, srv.URL, http.MethodPost, "/api/v4/hooks/incoming", map[string]any{
					"channel_id": ch.ID, "display_name": inName, "description": "matterctl benchmark",
				})
				if data == nil || json.Unmarshal(data, &h) != nil {
					return
				}
				have[inName] = h.ID
				n++
			}
			outName := fmt.Sprintf("%s-out%d", name, k)
			if have[outName] == "" {
				// Never fires: nothing posts the trigger word, and the callback is loopback.
				if benchAPIAt(b, srv.URL, http.MethodPost, "/api/v4/hooks/outgoing", map[string]any{
					"team_id": teamID, "channel_id": ch.ID, "display_name": outName,
					"trigger_words": []string{fmt.Sprintf("%s-never-%d", name, k)}, "trigger_when": 0,
					"callback_urls": []string{"http://127.0.0.1:9/" + benchWHPrefix}, "content_type": "application/json",
				}) == nil {
					return
				}
				n++
			}
		}
		mu.Lock()
		created += n
		if i == 0 {
			fix.sendHookID, fix.sendTeam, fix.sendChan = have[name+"-in1"], teamID, ch.ID
		}
		mu.Unlock()
	})
	if b.Failed() {
		b.FailNow()
	}
	if created > 0 {
		b.Logf("created %d of the %d bench webhooks in %s", created, benchWHHooks, time.Since(start).Round(time.Millisecond))
	}
	return fix
}

// benchWHEnsureTeam is benchEnsureTeam for use from several goroutines: failures are b.Error
// and return "".
func benchWHEnsureTeam(b *testing.B, name string) string {
	var team struct {
		ID string `json:"id"`
	}
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v4/teams/name/"+name, nil)
	if err != nil {
		b.Error(err)
		return ""
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := benchHTTP.Do(req)
	if err != nil {
		b.Error(err)
		return ""
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&team); err != nil {
			b.Error(err)
		}
		return team.ID
	}
	data := benchAPIAt(b, srv.URL, http.MethodPost, "/api/v4/teams", map[string]any{
		"name": name, "display_name": "Bench " + name, "type": "O",
	})
	if data == nil || json.Unmarshal(data, &team) != nil {
		return ""
	}
	return team.ID
}

// benchWHGet decodes a GET as the admin into v; false (and b.Error) on failure.
func benchWHGet(b *testing.B, path string, v any) bool {
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err == nil {
		req.Header.Set("Authorization", "Bearer "+adminToken)
		var resp *http.Response
		if resp, err = benchHTTP.Do(req); err == nil {
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("HTTP %d", resp.StatusCode)
			} else {
				err = json.NewDecoder(resp.Body).Decode(v)
			}
		}
	}
	if err != nil {
		b.Errorf("GET %s: %v", path, err)
		return false
	}
	return true
}

// benchWHCount counts the fixture's webhooks in `webhook list --json` output.
func benchWHCount(b *testing.B, out []byte) int {
	b.Helper()
	hooks := decodeJSON[[]struct {
		DisplayName string `json:"display_name"`
	}](b, string(out))
	n := 0
	for _, h := range hooks {
		if strings.HasPrefix(h.DisplayName, benchWHPrefix) {
			n++
		}
	}
	return n
}

// BenchmarkWebhookList runs `webhook list` over every team (plain and --json) on each route,
// with matterctl and, when MATTERCTL_BENCH_MMCTL is set, with mmctl.
func BenchmarkWebhookList(b *testing.B) {
	benchWHSetup(b)

	// Once, untimed: the JSON lists every webhook of the fixture.
	c, _ := benchCLI(b, benchRoute{name: "direct"})
	var full bytes.Buffer
	benchExec(b, c, &full, "webhook", "list", "--json")
	if n := benchWHCount(b, full.Bytes()); n < benchWHHooks {
		b.Fatalf("webhook list --json printed %d of the %d bench webhooks", n, benchWHHooks)
	}
	if mm := benchMmctl(); mm != "" {
		mc, _ := benchToolCLI(b, benchTool{name: "mmctl", mmctl: true}, benchRoute{name: "direct"})
		var out bytes.Buffer
		withBinary(mm, func() { benchExec(b, mc, &out, "webhook", "list") })
		if n := strings.Count(out.String(), benchWHPrefix); n < benchWHHooks {
			b.Fatalf("mmctl webhook list printed %d of the %d bench webhooks", n, benchWHHooks)
		}
	}

	tools := []benchTool{{name: "matterctl"}}
	if benchMmctl() != "" {
		tools = append(tools, benchTool{name: "mmctl", mmctl: true})
	}
	// The mean wall time of matterctl per route and format, for the ratio.
	matterctlWall := map[string]time.Duration{}
	for _, route := range benchRoutes {
		for _, format := range []string{"plain", "json"} {
			args := []string{"webhook", "list"}
			if format == "json" {
				args = append(args, "--json")
			}
			for _, tool := range tools {
				b.Run(tool.name+"-"+format+"-"+route.name, func(b *testing.B) {
					c, proxy := benchToolCLI(b, tool, route)
					var rep benchReport
					b.StopTimer()
					for range b.N {
						if proxy != nil {
							proxy.ResetCounters()
						}
						b.StartTimer()
						run := benchToolExec(b, tool, c, args)
						b.StopTimer()
						if run.stdoutBytes < int64(benchWHHooks*20) {
							b.Fatalf("printed only %d bytes", run.stdoutBytes)
						}
						rep.add(run, proxy)
					}
					benchWHReport(b, &rep, benchWHHooks, "hooks/s")
					key := format + "-" + route.name
					mean := rep.wall / time.Duration(rep.runs)
					if !tool.mmctl {
						matterctlWall[key] = mean
					} else if m := matterctlWall[key]; m > 0 {
						b.ReportMetric(float64(mean)/float64(m), "mmctl/matterctl")
					}
				})
			}
		}
	}
}

// BenchmarkWebhookSend measures `webhook send` from a cold start to an accepted post, by URL
// (no credentials), by ID (the URL built from the server URL) and by display name (looked up
// first), on each route; and curl posting the same payload to the URL, as a baseline. Each run
// posts one message to the town square of benchwh01.
func BenchmarkWebhookSend(b *testing.B) {
	fix := benchWHSetup(b)
	if fix.sendHookID == "" {
		b.Fatal("the fixture has no benchwh01-in1")
	}
	for _, route := range benchRoutes {
		ways := []string{"url", "id", "name"}
		if _, err := exec.LookPath("curl"); err == nil {
			ways = append(ways, "curl") // the baseline: one process, one POST of the same payload
		}
		for _, by := range ways {
			b.Run(by+"-"+route.name, func(b *testing.B) {
				c, proxy := benchCLI(b, route)
				base := srv.URL
				if proxy != nil {
					base = proxy.URL
				}
				var hook string
				switch by {
				case "url", "curl":
					hook = base + "/hooks/" + fix.sendHookID
					c = newCLI(b) // no credentials at all
				case "id":
					hook = fix.sendHookID
				case "name":
					hook = benchWHTeam(1) + "-in1"
				}
				var rep benchReport
				var last string
				b.StopTimer()
				for i := range b.N {
					if proxy != nil {
						proxy.ResetCounters()
					}
					last = fmt.Sprintf("bench webhook send %s %s %d %d", by, route.name, i, time.Now().UnixNano())
					var run benchRun
					if by == "curl" {
						doc, _ := json.Marshal(map[string]string{"text": last})
						curl, _ := exec.LookPath("curl")
						withBinary(curl, func() {
							b.StartTimer()
							run = benchExec(b, c, nil, "-sSf", "-o", "/dev/null", "-H", "Content-Type: application/json", "--data-binary", string(doc), hook)
							b.StopTimer()
						})
					} else {
						b.StartTimer()
						run = benchExec(b, c, nil, "webhook", "send", hook, "--text", last, "--quiet")
						b.StopTimer()
					}
					rep.add(run, proxy)
				}
				if len(wsendFind(b, fix.sendChan, last)) != 1 {
					b.Fatalf("the last message is not in the channel")
				}
				benchWHReport(b, &rep, 1, "posts/s")
			})
		}
	}
}

// benchWHReport writes the metrics of benchReport with items counted in unit.
func benchWHReport(b *testing.B, r *benchReport, items int, unit string) {
	b.Helper()
	if r.runs == 0 {
		return
	}
	b.ReportMetric(r.peakRSS, "peak-RSS-MB")
	b.ReportMetric(r.cpu.Seconds()/float64(r.runs), "cpu-s/op")
	b.ReportMetric(float64(items*r.runs)/r.wall.Seconds(), unit)
	if r.proxied {
		b.ReportMetric(float64(r.requests)/float64(r.runs), "req/op")
		b.ReportMetric(float64(r.maxInFlight), "max-in-flight")
	}
}
