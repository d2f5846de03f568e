//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matterctl/matterctl/e2e/harness"
)

// The test plugins (e2e/mmserver/testplugins), built once per run (cached across runs).
var (
	plBuildMu  sync.Mutex
	plFixtures = map[string]*harness.PluginFixture{}
)

// plFixture returns the built test plugin name (harness.PluginHovercard, ...).
func plFixture(t testing.TB, name string) *harness.PluginFixture {
	t.Helper()
	plBuildMu.Lock()
	defer plBuildMu.Unlock()
	if fx := plFixtures[name]; fx != nil {
		return fx
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	opts := harness.OptionsFromEnv()
	opts.Log = plLog{t}
	start := time.Now()
	fx, err := harness.BuildPlugin(ctx, opts, name)
	if err != nil {
		t.Fatalf("building the test plugin %s: %v", name, err)
	}
	if fx.Built {
		t.Logf("built the test plugin %s in %s: %s", name, time.Since(start).Round(time.Millisecond), fx.Bundle)
	}
	plFixtures[name] = fx
	return fx
}

type plLog struct{ t testing.TB }

func (l plLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// plCopy copies the bundle of fx to dir/name and returns the new path.
func plCopy(t testing.TB, fx *harness.PluginFixture, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(fx.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// plRunIn runs matterctl in dir, without a terminal, with a time limit.
func plRunIn(t testing.TB, c *cli, dir string, timeout time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = c.environ()
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader("")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	recordRun(args, "", out.String(), errOut.String(), c.configFile())
	if ctx.Err() != nil {
		t.Fatalf("matterctl %s: did not end within %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), timeout, clip(out.String()), clip(errOut.String()))
	}
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("running matterctl %v: %v", args, err)
	}
	return result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// plAdmin is a runner with the admin's token for the shared server.
func plAdmin(t testing.TB) *cli {
	return newCLI(t).with("MATTERCTL_URL="+srv.URL, "MATTERCTL_TOKEN="+adminToken)
}

// plInstalled maps each installed plugin's ID (GET /plugins) to whether it is enabled (its
// PluginSettings.PluginStates entry: GET /plugins calls the running ones active).
func plInstalled(t testing.TB) map[string]bool {
	t.Helper()
	resp := apiJSON[struct {
		Active   []struct{ ID string } `json:"active"`
		Inactive []struct{ ID string } `json:"inactive"`
	}](t, http.MethodGet, "/api/v4/plugins", nil)
	cfg := apiJSON[struct {
		PluginSettings struct {
			PluginStates map[string]struct{ Enable bool }
		}
	}](t, http.MethodGet, "/api/v4/config", nil)
	m := map[string]bool{}
	for _, p := range append(resp.Active, resp.Inactive...) {
		m[p.ID] = cfg.PluginSettings.PluginStates[p.ID].Enable
	}
	return m
}

// plState is the STATE column (the last) of id's row in a table, or "".
func plState(out, id string) string {
	if row := plRow(out, id); row != nil {
		return strings.ToLower(row[len(row)-1])
	}
	return ""
}

// plStatus is one entry of GET /plugins/statuses.
type plStatus struct {
	PluginID  string `json:"plugin_id"`
	ClusterID string `json:"cluster_id"`
	State     int    `json:"state"`
	Error     string `json:"error"`
	Version   string `json:"version"`
}

func plStatuses(t testing.TB, id string) []plStatus {
	t.Helper()
	var out []plStatus
	for _, s := range apiJSON[[]plStatus](t, http.MethodGet, "/api/v4/plugins/statuses", nil) {
		if s.PluginID == id {
			out = append(out, s)
		}
	}
	return out
}

// plWaitState waits until every status of id has the state (2 running, 3 failed to start, ...).
func plWaitState(t testing.TB, id string, state int) []plStatus {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		st := plStatuses(t, id)
		ok := len(st) > 0
		for _, s := range st {
			ok = ok && s.State == state
		}
		if ok {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("plugin %s did not reach state %d: %+v", id, state, st)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// plRemove deletes the plugin id if it is installed.
func plRemove(t testing.TB, id string) {
	t.Helper()
	if _, ok := plInstalled(t)[id]; !ok {
		return
	}
	if status, b := api(t, http.MethodDelete, "/api/v4/plugins/"+id, nil); status != http.StatusOK {
		t.Errorf("removing plugin %s: HTTP %d %s", id, status, b)
	}
}

// plFresh removes the plugins before the test and again after it.
func plFresh(t testing.TB, ids ...string) {
	t.Helper()
	for _, id := range ids {
		plRemove(t, id)
	}
	t.Cleanup(func() {
		for _, id := range ids {
			plRemove(t, id)
		}
	})
}

// plSetPluginSettings patches PluginSettings through the API and restores the values it had
// when the test ends.
func plSetPluginSettings(t testing.TB, set map[string]any) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(set)) {
		setServerSetting(t, "PluginSettings", k, set[k])
	}
}

// plHTTP calls a plugin's HTTP endpoint as the admin.
func plHTTP(t testing.TB, path string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+adminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// plLinesNaming counts the lines of s that contain word.
func plLinesNaming(s, word string) int {
	n := 0
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, word) {
			n++
		}
	}
	return n
}

// plOneLine fails unless stderr holds exactly one line containing every word of want.
func plOneLine(t testing.TB, what, stderr string, want ...string) {
	t.Helper()
	s := strings.TrimSpace(stderr)
	if s == "" || strings.Contains(s, "\n") {
		t.Errorf("%s: want one line on stderr, got %q", what, stderr)
	}
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s: stderr does not name %q: %q", what, w, stderr)
		}
	}
}

// TestPluginMmctlLines runs the mmctl lines verbatim in a directory that holds
// hovercardexample.tar.gz, a real plugin with a server part.
func TestPluginMmctlLines(t *testing.T) {
	fx := plFixture(t, harness.PluginHovercard)
	plFresh(t, fx.ID)
	dir := t.TempDir()
	plCopy(t, fx, dir, "hovercardexample.tar.gz")
	c := newCLI(t)
	c.login("plugin-lines")
	for _, line := range []string{
		`matterctl plugin add hovercardexample.tar.gz`,
		`matterctl plugin enable hovercardexample`,
		`matterctl plugin list`,
		`matterctl plugin disable hovercardexample`,
	} {
		r := plRunIn(t, c, dir, 3*time.Minute, shellWords(t, line)[1:]...)
		if r.Code != 0 {
			t.Fatalf("%s: exit %d\nstdout: %s\nstderr: %s", line, r.Code, clip(r.Stdout), clip(r.Stderr))
		}
		switch {
		case strings.HasSuffix(line, "add hovercardexample.tar.gz"):
			if enabled, ok := plInstalled(t)["hovercardexample"]; !ok || enabled {
				t.Fatalf("after %s: installed %v, enabled %v", line, ok, enabled)
			}
		case strings.HasSuffix(line, "enable hovercardexample"):
			if !plInstalled(t)["hovercardexample"] {
				t.Fatalf("after %s: not enabled", line)
			}
			// Running for real: its server part answers HTTP.
			plWaitState(t, "hovercardexample", 2)
			if code, body := plHTTP(t, "/plugins/hovercardexample/status"); code != http.StatusOK || !strings.Contains(body, `"running":true`) {
				t.Errorf("the plugin's HTTP endpoint: %d %s", code, body)
			}
		case strings.HasSuffix(line, "list"):
			row := plRow(r.Stdout, "hovercardexample")
			if row == nil || !slices.Contains(row, fx.Version) || plState(r.Stdout, "hovercardexample") != "running" {
				t.Errorf("plugin list: no running hovercardexample %s row:\n%s", fx.Version, r.Stdout)
			}
		case strings.HasSuffix(line, "disable hovercardexample"):
			if enabled, ok := plInstalled(t)["hovercardexample"]; !ok || enabled {
				t.Errorf("after %s: installed %v, enabled %v", line, ok, enabled)
			}
		}
	}
}

// plRow returns the tab-separated fields of the line of out whose first field is id.
func plRow(out, id string) []string {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Split(line, "\t")
		if len(f) > 1 && f[0] == id {
			return f
		}
	}
	return nil
}

// TestPluginVerbs goes through every verb on installed plugins: add --force --enable --wait,
// list, show, status, enable (idempotent), disable, enable, delete; the webapp-only bundle too.
func TestPluginVerbs(t *testing.T) {
	hc := plFixture(t, harness.PluginHovercard)
	web := plFixture(t, harness.PluginWebappOnly)
	plFresh(t, hc.ID, web.ID)
	c := plAdmin(t)
	dir := t.TempDir()
	hcPath := plCopy(t, hc, dir, "hc.tar.gz")
	webPath := plCopy(t, web, dir, "web.tar.gz")

	// --dry-run validates and uploads nothing.
	r := plRunIn(t, c, dir, time.Minute, "plugin", "add", "hc.tar.gz", "--dry-run")
	expectCode(t, r, 0)
	if _, ok := plInstalled(t)[hc.ID]; ok {
		t.Fatal("--dry-run installed the plugin")
	}

	// Uploaded, enabled, and running on every node when the command returns.
	r = plRunIn(t, c, dir, 3*time.Minute, "plugin", "add", hcPath, webPath, "--force", "--enable", "--wait")
	expectCode(t, r, 0)
	for _, fx := range []*harness.PluginFixture{hc, web} {
		st := plStatuses(t, fx.ID)
		if len(st) == 0 {
			t.Fatalf("%s: no status after add --enable --wait", fx.ID)
		}
		for _, s := range st {
			if s.State != 2 || s.Version != fx.Version {
				t.Errorf("%s: status %+v right after add --enable --wait, want running %s", fx.ID, s, fx.Version)
			}
		}
	}
	if code, body := plHTTP(t, "/plugins/hovercardexample/status"); code != http.StatusOK || !strings.Contains(body, `"running":true`) {
		t.Errorf("the plugin's HTTP endpoint: %d %s", code, body)
	}

	// Without --force an installed plugin is not replaced.
	r = plRunIn(t, c, dir, time.Minute, "plugin", "add", "hc.tar.gz")
	if r.Code == 0 || !strings.Contains(r.Stderr, "--force") {
		t.Errorf("add of an installed plugin without --force: exit %d, stderr %q", r.Code, r.Stderr)
	}

	// list: ID, name, version, enabled and the running state.
	r = plRunIn(t, c, dir, time.Minute, "plugin", "list")
	expectCode(t, r, 0)
	for _, fx := range []*harness.PluginFixture{hc, web} {
		row := plRow(r.Stdout, fx.ID)
		if row == nil || !slices.Contains(row, fx.Version) || plState(r.Stdout, fx.ID) != "running" {
			t.Errorf("plugin list: no running %s %s row:\n%s", fx.ID, fx.Version, r.Stdout)
		}
	}
	r = plRunIn(t, c, dir, time.Minute, "plugin", "list", "--json")
	expectCode(t, r, 0)
	type listedPlugin struct {
		ID string `json:"id"`
	}
	listed := decodeJSON[struct {
		Active []listedPlugin `json:"active"`
	}](t, r.Stdout)
	if !slices.Contains(listed.Active, listedPlugin{ID: hc.ID}) {
		t.Errorf("plugin list --json: %s not active:\n%s", hc.ID, r.Stdout)
	}

	// show and status.
	r = plRunIn(t, c, dir, time.Minute, "plugin", "show", hc.ID)
	expectCode(t, r, 0)
	for _, w := range []string{hc.ID, hc.Version, "Hovercard Example"} {
		if !strings.Contains(r.Stdout, w) {
			t.Errorf("plugin show: no %q:\n%s", w, r.Stdout)
		}
	}
	if !strings.Contains(strings.ToLower(r.Stdout), "running") {
		t.Errorf("plugin show: no running state:\n%s", r.Stdout)
	}
	r = plRunIn(t, c, dir, time.Minute, "plugin", "show", hc.ID, "--json")
	expectCode(t, r, 0)
	if !strings.Contains(r.Stdout, `"hovercardexample"`) || !json.Valid([]byte(r.Stdout)) {
		t.Errorf("plugin show --json:\n%s", r.Stdout)
	}
	r = plRunIn(t, c, dir, time.Minute, "plugin", "status", hc.ID)
	expectCode(t, r, 0)
	if row := plRow(r.Stdout, hc.ID); row == nil || !slices.Contains(row, hc.Version) ||
		!strings.Contains(strings.ToLower(strings.Join(row, " ")), "running") {
		t.Errorf("plugin status %s:\n%s", hc.ID, r.Stdout)
	}
	r = plRunIn(t, c, dir, time.Minute, "plugin", "status", "--json")
	expectCode(t, r, 0)
	all := decodeJSON[[]plStatus](t, r.Stdout)
	if !slices.ContainsFunc(all, func(s plStatus) bool { return s.PluginID == web.ID && s.State == 2 }) {
		t.Errorf("plugin status --json: no running %s:\n%s", web.ID, r.Stdout)
	}
	r = plRunIn(t, c, dir, time.Minute, "plugin", "show", "no.such.plugin")
	if r.Code == 0 || !strings.Contains(r.Stderr, "no.such.plugin") {
		t.Errorf("plugin show of an unknown ID: exit %d, stderr %q", r.Code, r.Stderr)
	}

	// enable is idempotent; disable, enable again; several IDs at once.
	r = plRunIn(t, c, dir, time.Minute, "plugin", "enable", hc.ID)
	expectCode(t, r, 0)
	if !strings.Contains(r.Stderr, "already enabled") {
		t.Errorf("enable of an enabled plugin: %q", r.Stderr)
	}
	// Several at once: each must end in the state the command reports.
	r = plRunIn(t, c, dir, time.Minute, "plugin", "disable", hc.ID, web.ID)
	expectCode(t, r, 0)
	if inst := plInstalled(t); inst[hc.ID] || inst[web.ID] {
		t.Errorf("after disable of both: %v\nstderr: %s", inst, r.Stderr)
	}
	r = plRunIn(t, c, dir, time.Minute, "plugin", "enable", hc.ID, web.ID)
	expectCode(t, r, 0)
	if inst := plInstalled(t); !inst[hc.ID] || !inst[web.ID] {
		t.Errorf("after enable of both: %v\nstderr: %s", inst, r.Stderr)
	}
	r = plRunIn(t, c, dir, time.Minute, "plugin", "disable", hc.ID, web.ID)
	expectCode(t, r, 0)
	if inst := plInstalled(t); inst[hc.ID] || inst[web.ID] {
		t.Errorf("after disable of both: %v\nstderr: %s", inst, r.Stderr)
	}
	r = plRunIn(t, c, dir, time.Minute, "plugin", "list")
	expectCode(t, r, 0)
	if st := plState(r.Stdout, hc.ID); st == "" || st == "running" {
		t.Errorf("plugin list after disable: %q", plRow(r.Stdout, hc.ID))
	}
	r = plRunIn(t, c, dir, time.Minute, "plugin", "enable", hc.ID)
	expectCode(t, r, 0)
	if !plInstalled(t)[hc.ID] {
		t.Error("enable did not enable")
	}
	plWaitState(t, hc.ID, 2)

	// delete: an unknown ID among others: refused, named once, nothing deleted; then both.
	r = plRunIn(t, c, dir, time.Minute, "plugin", "delete", hc.ID, "no.such.plugin", web.ID)
	if r.Code == 0 || plLinesNaming(r.Stderr, "no.such.plugin") != 1 {
		t.Errorf("delete with an unknown ID: exit %d, stderr %q", r.Code, r.Stderr)
	}
	inst := plInstalled(t)
	if _, ok := inst[hc.ID]; !ok {
		t.Errorf("delete with an unknown ID deleted %s: %v", hc.ID, inst)
	}
	r = plRunIn(t, c, dir, time.Minute, "plugin", "delete", hc.ID, web.ID)
	expectCode(t, r, 0)
	inst = plInstalled(t)
	for _, id := range []string{hc.ID, web.ID} {
		if _, ok := inst[id]; ok {
			t.Errorf("after delete: %s is still installed", id)
		}
	}
	r = plRunIn(t, c, dir, time.Minute, "plugin", "delete", hc.ID)
	if r.Code == 0 || !strings.Contains(r.Stderr, hc.ID) {
		t.Errorf("delete of a deleted plugin: exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// TestPluginAddFailsToStart: the server part of the bundle exits at once; add --enable --wait
// reports the server's reason and exits 1.
func TestPluginAddFailsToStart(t *testing.T) {
	fx := plFixture(t, harness.PluginCrash)
	plFresh(t, fx.ID)
	dir := t.TempDir()
	plCopy(t, fx, dir, "crash.tar.gz")
	r := plRunIn(t, plAdmin(t), dir, 3*time.Minute, "plugin", "add", "crash.tar.gz", "--force", "--enable", "--wait", "--wait-timeout", "90s")
	expectCode(t, r, 1)
	st := plStatuses(t, fx.ID)
	if len(st) == 0 || st[0].State != 3 {
		t.Fatalf("the server's statuses: %+v, want failed to start", st)
	}
	low := strings.ToLower(r.Stderr)
	if !strings.Contains(r.Stderr, fx.ID) || !strings.Contains(low, "fail") {
		t.Errorf("stderr does not name the plugin and its failure: %q", r.Stderr)
	}
	// The server's reason (its first line: go-plugin's explanation follows on others).
	if reason, _, _ := strings.Cut(st[0].Error, "\n"); reason != "" && !strings.Contains(r.Stderr, strings.TrimSpace(reason)) {
		t.Errorf("stderr does not carry the server's reason %q: %q", reason, r.Stderr)
	}
	// Installed and enabled: it is the server that could not start it.
	if !plInstalled(t)[fx.ID] {
		t.Errorf("the plugin is not installed and enabled: %v", plInstalled(t))
	}
	r = plRunIn(t, plAdmin(t), dir, time.Minute, "plugin", "status", fx.ID)
	expectCode(t, r, 0)
	if !strings.Contains(plState(r.Stdout, fx.ID)+strings.Join(plRow(r.Stdout, fx.ID), " "), "fail") {
		t.Errorf("plugin status %s:\n%s", fx.ID, r.Stdout)
	}
}

// plBadBundle is a bundle generated in the test that the local validation must refuse.
type plBadBundle struct {
	file  string   // its name
	names []string // what the one-line message must name besides the file
}

// plBadBundles writes the bad bundles into dir: not gzip, no manifest, a bad ID, a missing
// executable, a min_server_version above the server's.
func plBadBundles(t testing.TB, dir string) []plBadBundle {
	t.Helper()
	hc := plFixture(t, harness.PluginHovercard)
	files, err := harness.TreeFiles(hc.Dir)
	if err != nil {
		t.Fatal(err)
	}
	withManifest := func(change func(m map[string]any)) []harness.BundleFile {
		data, _ := json.Marshal(hc.Manifest)
		var m map[string]any
		_ = json.Unmarshal(data, &m)
		change(m)
		data, _ = json.Marshal(m)
		var out []harness.BundleFile
		for _, f := range files {
			if f.Name == "plugin.json" {
				f = harness.BundleFile{Name: "plugin.json", Data: data}
			}
			out = append(out, f)
		}
		return out
	}
	write := func(name, root string, files []harness.BundleFile) {
		if err := harness.WriteBundleFile(filepath.Join(dir, name), root, files); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notgzip.tar.gz"), []byte("this is not a gzip file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	write("nomanifest.tar.gz", "nomanifest", []harness.BundleFile{{Name: "README.md", Data: []byte("no manifest here\n")}})
	write("badid.tar.gz", "badid", withManifest(func(m map[string]any) { m["id"] = "bad id!" }))
	var noExe []harness.BundleFile
	for _, f := range files {
		if !strings.HasPrefix(f.Name, "server/") {
			noExe = append(noExe, f)
		}
	}
	write("missingexe.tar.gz", "hovercardexample", noExe)
	write("toonew.tar.gz", "hovercardexample", withManifest(func(m map[string]any) { m["min_server_version"] = "99.0.0" }))
	return []plBadBundle{
		{"notgzip.tar.gz", []string{"gzip"}},
		{"nomanifest.tar.gz", []string{"plugin.json"}},
		{"badid.tar.gz", []string{"id"}},
		{"missingexe.tar.gz", []string{"server.executables", "plugin-" + harness.Executable()}},
		{"toonew.tar.gz", []string{"min_server_version", "99.0.0"}},
	}
}

// TestPluginAddBadBundles: each bad bundle exits 2 with one line naming the file and the
// field, and nothing reaches the server.
func TestPluginAddBadBundles(t *testing.T) {
	dir := t.TempDir()
	bad := plBadBundles(t, dir)
	c := plAdmin(t)
	before := plInstalled(t)
	for _, b := range bad {
		r := plRunIn(t, c, dir, time.Minute, "plugin", "add", b.file, "--force")
		if r.Code != 2 {
			t.Errorf("%s: exit %d, want 2\nstderr: %s", b.file, r.Code, r.Stderr)
		}
		plOneLine(t, b.file, r.Stderr, append([]string{b.file}, b.names...)...)
		if r.Stdout != "" {
			t.Errorf("%s: stdout %q", b.file, r.Stdout)
		}
	}
	if after := plInstalled(t); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the server's plugins changed: %v, then %v", before, after)
	}
}

// TestPluginAddSeveralOneBad: every file is processed; the good one is uploaded, the bad one
// reported once, exit 3.
func TestPluginAddSeveralOneBad(t *testing.T) {
	web := plFixture(t, harness.PluginWebappOnly)
	plFresh(t, web.ID)
	dir := t.TempDir()
	plBadBundles(t, dir)
	plCopy(t, web, dir, "web.tar.gz")
	r := plRunIn(t, plAdmin(t), dir, 2*time.Minute, "plugin", "add", "notgzip.tar.gz", "web.tar.gz", "--force")
	expectCode(t, r, 3)
	if n := plLinesNaming(r.Stderr, "notgzip.tar.gz"); n != 1 {
		t.Errorf("notgzip.tar.gz named %d times: %q", n, r.Stderr)
	}
	if _, ok := plInstalled(t)[web.ID]; !ok {
		t.Errorf("the good bundle was not uploaded: %v", plInstalled(t))
	}
}

// TestPluginUploadsDisabled: a second server whose PluginSettings.EnableUploads is off (only
// config.json or the environment can set it): add and install-url are refused with a message
// naming the setting and its variable, and nothing is installed.
func TestPluginUploadsDisabled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a second server")
	}
	fx := plFixture(t, harness.PluginWebappOnly)
	dir, err := os.MkdirTemp("", "matterctl-noupload-")
	if err != nil {
		t.Fatal(err)
	}
	// PostgreSQL runs as another user when we are root: it must be able to enter the dir.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	opts := harness.OptionsFromEnv()
	opts.Log = plLog{t}
	opts.ServerEnv = []string{"MM_PLUGINSETTINGS_ENABLEUPLOADS=false"}
	s, err := harness.StartContext(ctx, dir, opts)
	if err != nil {
		if s != nil {
			_ = s.Destroy()
		}
		_ = os.RemoveAll(dir)
		t.Fatalf("starting the sandbox without plugin uploads: %v", err)
	}
	defer func() {
		if err := s.Destroy(); err != nil {
			t.Errorf("destroying the sandbox without plugin uploads: %v", err)
		}
		_ = os.RemoveAll(dir)
	}()
	if s.URL == srv.URL {
		t.Fatal("the second sandbox is the shared server")
	}
	tok, err := s.AdminToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	installed := func() string {
		resp, body, err := s.API(ctx, http.MethodGet, "/api/v4/plugins", nil, tok)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /plugins: %v %s", err, body)
		}
		return string(body)
	}
	before := installed()
	c := newCLI(t).with("MATTERCTL_URL="+s.URL, "MATTERCTL_TOKEN="+tok)
	work := t.TempDir()
	plCopy(t, fx, work, "web.tar.gz")
	r := plRunIn(t, c, work, 2*time.Minute, "plugin", "add", "web.tar.gz")
	if r.Code == 0 {
		t.Fatalf("add with uploads disabled succeeded: %s", r.Stderr)
	}
	for _, w := range []string{"PluginSettings.EnableUploads", "MM_PLUGINSETTINGS_ENABLEUPLOADS"} {
		if !strings.Contains(r.Stderr, w) {
			t.Errorf("add: stderr does not name %s: %q", w, r.Stderr)
		}
	}
	r = plRunIn(t, c, work, 2*time.Minute, "plugin", "install-url", "http://127.0.0.1:9/web.tar.gz")
	if r.Code == 0 || !strings.Contains(r.Stderr, "PluginSettings.EnableUploads") {
		t.Errorf("install-url with uploads disabled: exit %d, stderr %q", r.Code, r.Stderr)
	}
	if after := installed(); after != before {
		t.Errorf("plugins changed: %s, then %s", before, after)
	}
}

// plMarketplace starts a loopback marketplace for the test and returns it.
func plMarketplace(t testing.TB) *harness.Marketplace {
	t.Helper()
	m, err := harness.NewMarketplace()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// TestPluginInstallURL installs from the loopback marketplace's download URL: refused over
// http until PluginSettings.AllowInsecureDownloadURL is on, then installed.
func TestPluginInstallURL(t *testing.T) {
	fx := plFixture(t, harness.PluginHovercard)
	plFresh(t, fx.ID)
	m := plMarketplace(t)
	url, err := m.Add(fx, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := plAdmin(t)
	plSetPluginSettings(t, map[string]any{"AllowInsecureDownloadURL": false})
	r := plRunIn(t, c, t.TempDir(), 2*time.Minute, "plugin", "install-url", url)
	if r.Code == 0 || !strings.Contains(r.Stderr, "PluginSettings.AllowInsecureDownloadURL") {
		t.Errorf("install-url over http without AllowInsecureDownloadURL: exit %d, stderr %q", r.Code, r.Stderr)
	}
	if _, ok := plInstalled(t)[fx.ID]; ok {
		t.Fatal("installed although refused")
	}
	plSetPluginSettings(t, map[string]any{"AllowInsecureDownloadURL": true})
	r = plRunIn(t, c, t.TempDir(), 2*time.Minute, "plugin", "install-url", url, "--force")
	expectCode(t, r, 0)
	if _, ok := plInstalled(t)[fx.ID]; !ok {
		t.Fatalf("install-url did not install %s: %s", fx.ID, r.Stderr)
	}
	var got bool
	for _, req := range m.Requests() {
		got = got || req.Path == "/bundles/"+filepath.Base(url) && req.Status == http.StatusOK
	}
	if !got {
		t.Errorf("the server did not download %s: %+v", url, m.Requests())
	}
	// An URL that does not serve a bundle: refused, named.
	r = plRunIn(t, c, t.TempDir(), 2*time.Minute, "plugin", "install-url", m.URL+"/bundles/none.tar.gz", "--force")
	if r.Code == 0 || !strings.Contains(r.Stderr, "none.tar.gz") {
		t.Errorf("install-url of a missing bundle: exit %d, stderr %q", r.Code, r.Stderr)
	}
}

// TestPluginMarketplace points the server's marketplace at a loopback one that lists the test
// plugins with signatures made by a key the server trusts (and one without): list, --filter,
// --all (which ends), --local-only, install (the server checks the signature), and the refusal
// of an unsigned bundle.
func TestPluginMarketplace(t *testing.T) {
	hc := plFixture(t, harness.PluginHovercard)
	web := plFixture(t, harness.PluginWebappOnly)
	crash := plFixture(t, harness.PluginCrash)
	plFresh(t, hc.ID, web.ID, crash.ID)
	c := plAdmin(t)

	// The marketplace is off in the sandbox: the refusal names the setting.
	r := plRunIn(t, c, t.TempDir(), time.Minute, "plugin", "marketplace", "list")
	if r.Code == 0 || !strings.Contains(r.Stderr, "PluginSettings.EnableMarketplace") {
		t.Errorf("marketplace list while disabled: exit %d, stderr %q", r.Code, r.Stderr)
	}

	cfg := apiJSON[map[string]map[string]any](t, http.MethodGet, "/api/v4/config", nil)
	keys, _ := cfg["PluginSettings"]["SignaturePublicKeyFiles"].([]any)
	trusted := slices.ContainsFunc(keys, func(k any) bool { return k == srv.PluginKeyFile() })

	m := plMarketplace(t)
	signer, err := harness.NewPluginSigner()
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range []*harness.PluginFixture{hc, web} {
		if _, err := m.Add(fx, signer); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.Add(crash, nil); err != nil { // unsigned
		t.Fatal(err)
	}
	if trusted {
		untrust, err := srv.TrustPluginKey(signer)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = untrust() })
	}
	plSetPluginSettings(t, map[string]any{
		"EnableMarketplace":        true,
		"EnableRemoteMarketplace":  true,
		"MarketplaceURL":           m.URL,
		"AllowInsecureDownloadURL": true,
	})

	ids := func(out string) []string {
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if f := strings.Split(line, "\t"); len(f) > 1 {
				got = append(got, f[0])
			}
		}
		return got
	}
	r = plRunIn(t, c, t.TempDir(), time.Minute, "plugin", "marketplace", "list")
	expectCode(t, r, 0)
	got := ids(r.Stdout)
	for _, fx := range []*harness.PluginFixture{hc, web, crash} {
		if !slices.Contains(got, fx.ID) {
			t.Errorf("marketplace list: no %s:\n%s", fx.ID, r.Stdout)
		}
	}
	if !slices.ContainsFunc(m.Requests(), func(q harness.MarketplaceRequest) bool { return q.Path == "/api/v1/plugins" }) {
		t.Errorf("the server did not ask the loopback marketplace: %+v", m.Requests())
	}

	r = plRunIn(t, c, t.TempDir(), time.Minute, "plugin", "marketplace", "list", "--filter", "webapp bundle and no server")
	expectCode(t, r, 0)
	if got := ids(r.Stdout); !slices.Equal(got, []string{web.ID}) {
		t.Errorf("marketplace list --filter: %v\n%s", got, r.Stdout)
	}

	// --all ends although the server ignores paging, and lists each plugin once.
	r = plRunIn(t, c, t.TempDir(), time.Minute, "plugin", "marketplace", "list", "--all", "--per-page", "1")
	expectCode(t, r, 0)
	got = ids(r.Stdout)
	for _, fx := range []*harness.PluginFixture{hc, web, crash} {
		if n := len(slices.DeleteFunc(slices.Clone(got), func(id string) bool { return id != fx.ID })); n != 1 {
			t.Errorf("marketplace list --all: %s listed %d times:\n%s", fx.ID, n, r.Stdout)
		}
	}
	r = plRunIn(t, c, t.TempDir(), time.Minute, "plugin", "marketplace", "list", "--all", "--json")
	expectCode(t, r, 0)
	if n := len(decodeJSON[[]json.RawMessage](t, r.Stdout)); n < 3 {
		t.Errorf("marketplace list --all --json: %d plugins", n)
	}

	// --local-only: what the server has, not the remote marketplace.
	r = plRunIn(t, c, t.TempDir(), time.Minute, "plugin", "marketplace", "list", "--local-only")
	expectCode(t, r, 0)
	if got := ids(r.Stdout); slices.Contains(got, web.ID) || slices.Contains(got, crash.ID) {
		t.Errorf("marketplace list --local-only lists remote plugins: %v", got)
	}

	// An unsigned bundle is refused by the server.
	r = plRunIn(t, c, t.TempDir(), 2*time.Minute, "plugin", "marketplace", "install", crash.ID)
	if r.Code == 0 {
		t.Errorf("marketplace install of an unsigned bundle succeeded: %s", r.Stderr)
	}
	if _, ok := plInstalled(t)[crash.ID]; ok {
		t.Error("the unsigned bundle was installed")
	}

	if !trusted {
		t.Skipf("this sandbox's server does not trust %s (PluginSettings.SignaturePublicKeyFiles %v): it predates the harness's plugin key; start a new one", srv.PluginKeyFile(), keys)
	}
	// A signed one is installed: the server downloaded it and checked its signature.
	r = plRunIn(t, c, t.TempDir(), 2*time.Minute, "plugin", "marketplace", "install", web.ID)
	expectCode(t, r, 0)
	if _, ok := plInstalled(t)[web.ID]; !ok {
		t.Fatalf("marketplace install did not install %s: %s", web.ID, r.Stderr)
	}
	if !slices.ContainsFunc(m.Requests(), func(q harness.MarketplaceRequest) bool {
		return strings.HasPrefix(q.Path, "/bundles/"+web.ID) && q.Status == http.StatusOK
	}) {
		t.Errorf("the server did not download the bundle: %+v", m.Requests())
	}
	r = plRunIn(t, c, t.TempDir(), time.Minute, "plugin", "marketplace", "list", "--filter", "webapp bundle and no server", "--json")
	expectCode(t, r, 0)
	if !strings.Contains(r.Stdout, `"installed_version":"`+web.Version+`"`) && !strings.Contains(r.Stdout, `"installed_version": "`+web.Version+`"`) {
		t.Errorf("marketplace list after install: no installed_version %s:\n%s", web.Version, r.Stdout)
	}
}

// TestPluginAddTooLarge: a bundle above the server's FileSettings.MaxFileSize is refused here,
// before the upload, with a message naming the setting.
func TestPluginAddTooLarge(t *testing.T) {
	fx := plFixture(t, harness.PluginHovercard)
	plFresh(t, fx.ID)
	fi, err := os.Stat(fx.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	setServerSetting(t, "FileSettings", "MaxFileSize", fi.Size()/2)
	dir := t.TempDir()
	plCopy(t, fx, dir, "hc.tar.gz")
	r := plRunIn(t, plAdmin(t), dir, time.Minute, "plugin", "add", "hc.tar.gz", "--force")
	expectCode(t, r, 2)
	plOneLine(t, "too large", r.Stderr, "hc.tar.gz", "FileSettings.MaxFileSize")
	if _, ok := plInstalled(t)[fx.ID]; ok {
		t.Error("the bundle was uploaded")
	}
}
