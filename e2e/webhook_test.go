//go:build e2e

package e2e

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// whTeam makes an open team named wh-<unique> through the API, with the public channels given,
// and returns its ID, its name and the channels' IDs by name. The team is deleted at cleanup,
// with its channels and webhooks.
func whTeam(t testing.TB, channels ...string) (id, name string, chans map[string]string) {
	t.Helper()
	name = unique("wh-")
	team := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/teams", map[string]any{"name": name, "display_name": "Webhooks " + name, "type": "O"})
	id = team["id"].(string)
	t.Cleanup(func() { api(t, http.MethodDelete, "/api/v4/teams/"+id+"?permanent=true", nil) })
	chans = map[string]string{}
	for _, ch := range channels {
		chans[ch] = chanMake(t, id, ch, "O")
	}
	return id, name, chans
}

// whIncoming is the server's record of an incoming webhook, or nil when there is none.
func whIncoming(t testing.TB, id string) map[string]any {
	t.Helper()
	status, b := api(t, http.MethodGet, "/api/v4/hooks/incoming/"+id, nil)
	if status == http.StatusNotFound {
		return nil
	}
	if status != http.StatusOK {
		t.Fatalf("GET incoming hook %s: HTTP %d %s", id, status, b)
	}
	return decodeJSON[map[string]any](t, string(b))
}

// whOutgoing is the server's record of an outgoing webhook, or nil when there is none.
func whOutgoing(t testing.TB, id string) map[string]any {
	t.Helper()
	status, b := api(t, http.MethodGet, "/api/v4/hooks/outgoing/"+id, nil)
	if status == http.StatusNotFound {
		return nil
	}
	if status != http.StatusOK {
		t.Fatalf("GET outgoing hook %s: HTTP %d %s", id, status, b)
	}
	return decodeJSON[map[string]any](t, string(b))
}

// whSetting sets ServiceSettings.<key> through the API and restores its value at cleanup.
func whSetting(t testing.TB, key string, on bool) {
	t.Helper()
	setServerSetting(t, "ServiceSettings", key, on)
}

// whIDs are the "id" fields of a JSON array of objects.
func whIDs(t testing.TB, stdout string) []string {
	t.Helper()
	var ids []string
	for _, o := range decodeJSON[[]map[string]any](t, stdout) {
		ids = append(ids, o["id"].(string))
	}
	slices.Sort(ids)
	return ids
}

func sorted(ids ...string) []string {
	s := slices.Clone(ids)
	slices.Sort(s)
	return s
}

// TestWebhookMmctlLine runs the mmctl line verbatim: a bare channel name unique on the server.
func TestWebhookMmctlLine(t *testing.T) {
	teamID, teamName, chans := whTeam(t, "general")
	hits := apiJSON[[]map[string]any](t, http.MethodPost, "/api/v4/channels/search", map[string]any{"term": "general", "include_deleted": true})
	n := 0
	for _, ch := range hits {
		if ch["name"] == "general" {
			n++
		}
	}
	if n != 1 {
		t.Skipf("%d channels named general on the server: the line needs the name to be unique there", n)
	}
	c := newCLI(t)
	c.login("wh-line")
	line := `matterctl webhook create-incoming --channel general --user admin --display-name "Deploy Notifications" --description "デプロイメント通知用Webhook"`
	r := c.run("", shellWords(t, line)[1:]...)
	expectCode(t, r, 0)
	id, _, _ := strings.Cut(r.Stdout, "\t")
	h := whIncoming(t, id)
	if h == nil || h["channel_id"] != chans["general"] || h["team_id"] != teamID || h["display_name"] != "Deploy Notifications" ||
		h["description"] != "デプロイメント通知用Webhook" || h["channel_locked"] != false {
		t.Fatalf("hook %s: %v\nstdout: %s", id, h, r.Stdout)
	}
	if !strings.Contains(r.Stderr, `Created incoming webhook "Deploy Notifications" (`+id+`) in channel `+teamName+`:general`) {
		t.Errorf("stderr: %s", r.Stderr)
	}
	me := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/username/admin", nil)
	if h["user_id"] != me["id"] {
		t.Errorf("creator %v, want admin", h["user_id"])
	}
}

func TestWebhookIncoming(t *testing.T) {
	_, team, chans := whTeam(t, "alerts", "builds")
	c := newCLI(t)
	c.login("wh-in")
	name := unique("wh-deploy-")

	r := c.mustRun("", "webhook", "create-incoming", "--channel", team+":alerts", "--display-name", name, "--lock-to-channel", "--description", "first", "--json")
	id := decodeJSON[map[string]any](t, r.Stdout)["id"].(string)
	if h := whIncoming(t, id); h["channel_locked"] != true || h["channel_id"] != chans["alerts"] {
		t.Fatalf("created %v", h)
	}

	// A locked hook stays locked after an unrelated change.
	c.mustRun("", "webhook", "modify-incoming", name, "--display-name", name+"-x")
	c.mustRun("", "webhook", "modify-incoming", name+"-x", "--display-name", name)
	if h := whIncoming(t, id); h["channel_locked"] != true || h["display_name"] != name || h["description"] != "first" {
		t.Errorf("after a rename: %v", h)
	}
	// An empty value clears; the channel moves within the team by bare name.
	c.mustRun("", "webhook", "modify-incoming", id, "--description", "", "--channel", "builds")
	if h := whIncoming(t, id); h["description"] != "" || h["channel_id"] != chans["builds"] || h["channel_locked"] != true {
		t.Errorf("after clearing: %v", h)
	}
	// Nothing to change: said so, no request.
	r = c.mustRun("", "webhook", "modify-incoming", id, "--lock-to-channel")
	if !strings.Contains(r.Stderr, "already has the values given") {
		t.Errorf("stderr: %s", r.Stderr)
	}
	c.mustRun("", "webhook", "modify-incoming", id, "--lock-to-channel=false", "--dry-run")
	if h := whIncoming(t, id); h["channel_locked"] != true {
		t.Errorf("a dry run unlocked it")
	}
	c.mustRun("", "webhook", "modify-incoming", id, "--lock-to-channel=false")
	if h := whIncoming(t, id); h["channel_locked"] != false {
		t.Errorf("still locked: %v", h)
	}

	// show: by name, a table of fields with the names of the team, channel and creator.
	r = c.mustRun("", "webhook", "show", name)
	if !strings.Contains(r.Stdout, id+"\tincoming\t"+name+"\t"+team+"\tbuilds\tadmin\tno") {
		t.Errorf("show: %s", r.Stdout)
	}
}

func TestWebhookOutgoing(t *testing.T) {
	teamID, team, chans := whTeam(t, "alerts")
	chanMake(t, teamID, "secret", "P")
	c := newCLI(t)
	c.login("wh-out")
	name := unique("wh-build-")
	url := "http://127.0.0.1:9/hook"

	countOut := func() int {
		return len(apiJSON[[]map[string]any](t, http.MethodGet, "/api/v4/hooks/outgoing?team_id="+teamID, nil))
	}
	// A --channel that does not resolve is an error, not a hook of the whole team.
	r := c.run("", "webhook", "create-outgoing", "--team", team, "--channel", "nope", "--display-name", name, "--trigger-word", "go", "--url", url)
	if r.Code != 5 || !strings.Contains(r.Stderr, "nope") || countOut() != 0 {
		t.Fatalf("exit %d, stderr %s, %d hooks", r.Code, r.Stderr, countOut())
	}
	r = c.run("", "webhook", "create-outgoing", "--team", team, "--channel", "secret", "--trigger-word", "go", "--url", url)
	if r.Code != 1 || !strings.Contains(r.Stderr, "public channels only") || countOut() != 0 {
		t.Fatalf("private channel: exit %d, stderr %s", r.Code, r.Stderr)
	}

	r = c.mustRun("", "webhook", "create-outgoing", "--team", team, "--display-name", name, "--trigger-word", "build",
		"--trigger-word", "ship", "--trigger-when", "start", "--url", url, "--content-type", "application/json", "--json")
	id := decodeJSON[map[string]any](t, r.Stdout)["id"].(string)
	h := whOutgoing(t, id)
	if h["channel_id"] != "" || h["trigger_when"] != float64(1) || h["content_type"] != "application/json" || len(h["trigger_words"].([]any)) != 2 {
		t.Fatalf("created %v", h)
	}

	// Clearing the trigger words of a team-wide hook would leave it nothing to listen to.
	r = c.run("", "webhook", "modify-outgoing", name, "--trigger-word", "")
	if r.Code != 2 {
		t.Errorf("exit %d: %s", r.Code, r.Stderr)
	}
	// With a channel they can go; other fields stay.
	c.mustRun("", "webhook", "modify-outgoing", name, "--channel", "alerts", "--trigger-word", "")
	h = whOutgoing(t, id)
	if h["channel_id"] != chans["alerts"] || len(h["trigger_words"].([]any)) != 0 || h["content_type"] != "application/json" || h["trigger_when"] != float64(1) {
		t.Errorf("after modify: %v", h)
	}
	c.mustRun("", "webhook", "modify-outgoing", id, "--content-type", "", "--trigger-word", "deploy", "--channel", "")
	h = whOutgoing(t, id)
	if h["channel_id"] != "" || h["content_type"] != "" || len(h["trigger_words"].([]any)) != 1 {
		t.Errorf("after clearing: %v", h)
	}
}

func TestWebhookNamesListAndDelete(t *testing.T) {
	_, team, _ := whTeam(t, "alerts", "builds")
	_, other, _ := whTeam(t, "alerts")
	c := newCLI(t)
	c.login("wh-names")
	name := unique("wh-same-")
	url := "http://127.0.0.1:9/hook"
	mk := func(args ...string) string {
		r := c.mustRun("", append(args, "--json")...)
		return decodeJSON[map[string]any](t, r.Stdout)["id"].(string)
	}
	inAlerts := mk("webhook", "create-incoming", "--channel", team+":alerts", "--display-name", name)
	inBuilds := mk("webhook", "create-incoming", "--channel", team+":builds", "--display-name", name)
	outAlerts := mk("webhook", "create-outgoing", "--team", team, "--channel", "alerts", "--display-name", name+"-out", "--url", url)
	outTeam := mk("webhook", "create-outgoing", "--team", team, "--trigger-word", "x", "--display-name", unique("wh-all-"), "--url", url)
	otherIn := mk("webhook", "create-incoming", "--channel", other+":alerts", "--display-name", unique("wh-other-"))

	// An ambiguous name lists its candidates and exits 2; a scope makes it unique.
	r := c.run("", "webhook", "show", name)
	if r.Code != 2 || !strings.Contains(r.Stderr, inAlerts) || !strings.Contains(r.Stderr, inBuilds) || !strings.Contains(r.Stderr, team+":builds") {
		t.Fatalf("ambiguous: exit %d, stderr %s", r.Code, r.Stderr)
	}
	r = c.mustRun("", "webhook", "show", name, "--channel", team+":builds", "--json")
	if decodeJSON[map[string]any](t, r.Stdout)["id"] != inBuilds {
		t.Errorf("show --channel: %s", r.Stdout)
	}
	if r := c.run("", "webhook", "show", name+"-out", "--team", other); r.Code != 5 {
		t.Errorf("out of scope: exit %d %s", r.Code, r.Stderr)
	}

	// list filters.
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{team}, sorted(inAlerts, inBuilds, outAlerts, outTeam)},
		{[]string{team, "--incoming"}, sorted(inAlerts, inBuilds)},
		{[]string{team, "--outgoing"}, sorted(outAlerts, outTeam)},
		{[]string{"--channel", team + ":alerts"}, sorted(inAlerts, outAlerts)},
		{[]string{team, "--channel", "builds"}, sorted(inBuilds)},
		{[]string{team, other, "--incoming"}, sorted(inAlerts, inBuilds, otherIn)},
	} {
		r := c.mustRun("", append([]string{"webhook", "list", "--json"}, tt.args...)...)
		if got := whIDs(t, r.Stdout); !slices.Equal(got, tt.want) {
			t.Errorf("list %v: %v, want %v", tt.args, got, tt.want)
		}
	}
	r = c.mustRun("", "webhook", "list", team)
	if !strings.Contains(r.Stdout, outAlerts+"\toutgoing\t"+name+"-out\t"+team+"\talerts\tadmin\t") {
		t.Errorf("list table: %s", r.Stdout)
	}
	// The whole server holds them too.
	r = c.mustRun("", "webhook", "list", "--json")
	all := whIDs(t, r.Stdout)
	for _, id := range []string{inAlerts, outTeam, otherIn} {
		if !slices.Contains(all, id) {
			t.Errorf("the server's list lacks %s", id)
		}
	}

	// delete: several at once; nothing when one does not resolve.
	r = c.run("", "webhook", "delete", inAlerts, "nope-"+name, "--confirm")
	if r.Code != 5 || whIncoming(t, inAlerts) == nil {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	r = c.mustRun("", "webhook", "delete", inAlerts, name+"-out", outTeam, "--team", team, "--confirm")
	if whIncoming(t, inAlerts) != nil || whOutgoing(t, outAlerts) != nil || whOutgoing(t, outTeam) != nil || whIncoming(t, inBuilds) == nil {
		t.Errorf("after delete: stderr %s", r.Stderr)
	}
	for _, want := range []string{"Deleted incoming webhook", "Deleted outgoing webhook \"" + name + "-out\""} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr lacks %q: %s", want, r.Stderr)
		}
	}
}

func TestWebhookRefusedBySettings(t *testing.T) {
	_, team, _ := whTeam(t, "alerts")
	c := newCLI(t)
	c.login("wh-settings")
	url := "http://127.0.0.1:9/hook"
	r := c.mustRun("", "webhook", "create-outgoing", "--team", team, "--channel", "alerts", "--url", url, "--display-name", unique("wh-o-"), "--json")
	outID := decodeJSON[map[string]any](t, r.Stdout)["id"].(string)
	r = c.mustRun("", "webhook", "create-incoming", "--channel", team+":alerts", "--display-name", unique("wh-i-"), "--json")
	inID := decodeJSON[map[string]any](t, r.Stdout)["id"].(string)

	t.Run("incoming", func(t *testing.T) {
		whSetting(t, "EnableIncomingWebhooks", false)
		r := c.run("", "webhook", "create-incoming", "--channel", team+":alerts")
		if r.Code != 1 || !strings.Contains(r.Stderr, "ServiceSettings.EnableIncomingWebhooks") || !strings.Contains(r.Stderr, "MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS") {
			t.Errorf("create: exit %d, stderr %s", r.Code, r.Stderr)
		}
		r = c.run("", "webhook", "list", team, "--json")
		if r.Code != 0 || !strings.Contains(r.Stderr, "MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS") || !slices.Equal(whIDs(t, r.Stdout), []string{outID}) {
			t.Errorf("list: exit %d, stdout %s, stderr %s", r.Code, r.Stdout, r.Stderr)
		}
		if r := c.run("", "webhook", "list", team, "--incoming"); r.Code != 1 || !strings.Contains(r.Stderr, "ServiceSettings.EnableIncomingWebhooks") {
			t.Errorf("list --incoming: exit %d, stderr %s", r.Code, r.Stderr)
		}
		if r := c.run("", "webhook", "modify-incoming", inID, "--description", "x"); r.Code != 1 || !strings.Contains(r.Stderr, "ServiceSettings.EnableIncomingWebhooks") {
			t.Errorf("modify: exit %d, stderr %s", r.Code, r.Stderr)
		}
	})
	t.Run("outgoing", func(t *testing.T) {
		whSetting(t, "EnableOutgoingWebhooks", false)
		r := c.run("", "webhook", "create-outgoing", "--team", team, "--trigger-word", "x", "--url", url)
		if r.Code != 1 || !strings.Contains(r.Stderr, "ServiceSettings.EnableOutgoingWebhooks") || !strings.Contains(r.Stderr, "MM_SERVICESETTINGS_ENABLEOUTGOINGWEBHOOKS") {
			t.Errorf("create: exit %d, stderr %s", r.Code, r.Stderr)
		}
		r = c.run("", "webhook", "list", team, "--json")
		if r.Code != 0 || !strings.Contains(r.Stderr, "MM_SERVICESETTINGS_ENABLEOUTGOINGWEBHOOKS") || !slices.Equal(whIDs(t, r.Stdout), []string{inID}) {
			t.Errorf("list: exit %d, stdout %s, stderr %s", r.Code, r.Stdout, r.Stderr)
		}
		if r := c.run("", "webhook", "delete", outID, "--confirm"); r.Code != 1 || !strings.Contains(r.Stderr, "ServiceSettings.EnableOutgoingWebhooks") {
			t.Errorf("delete: exit %d, stderr %s", r.Code, r.Stderr)
		}
	})
}

// TestWebhookListAsTeamAdmin lists as a user who is not a system admin: the server refuses the
// listing of every webhook, so the teams the user can see are listed one by one, and those where
// the user may not manage webhooks are named on stderr.
func TestWebhookListAsTeamAdmin(t *testing.T) {
	aID, a, _ := whTeam(t, "alerts")
	bID, b, _ := whTeam(t, "alerts")
	admin := newCLI(t)
	admin.login("wh-teamadmin")
	mk := func(args ...string) string {
		r := admin.mustRun("", append(args, "--json")...)
		return decodeJSON[map[string]any](t, r.Stdout)["id"].(string)
	}
	url := "http://127.0.0.1:9/hook"
	inA := mk("webhook", "create-incoming", "--channel", a+":alerts", "--display-name", unique("wh-a-"))
	outA := mk("webhook", "create-outgoing", "--team", a, "--trigger-word", "x", "--url", url, "--display-name", unique("wh-a-"))
	inB := mk("webhook", "create-incoming", "--channel", b+":alerts", "--display-name", unique("wh-b-"))

	name := unique("whuser")
	userID := createUser(t, name)
	for _, team := range []string{aID, bID} {
		apiJSON[map[string]any](t, http.MethodPost, "/api/v4/teams/"+team+"/members", map[string]any{"team_id": team, "user_id": userID})
	}
	if status, body := api(t, http.MethodPut, "/api/v4/teams/"+aID+"/members/"+userID+"/roles", map[string]any{"roles": "team_user team_admin"}); status != http.StatusOK {
		t.Fatalf("team admin role: HTTP %d %s", status, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, body, err := srv.API(ctx, http.MethodPost, "/api/v4/users/login", map[string]any{"login_id": name, "password": "Passw0rd-" + name}, "")
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Token") == "" {
		t.Fatalf("login as %s: %v %s", name, err, body)
	}
	user := newCLI(t).with("MATTERCTL_URL="+srv.URL, "MATTERCTL_TOKEN="+resp.Header.Get("Token"))

	r := user.mustRun("", "webhook", "list", "--json")
	got := whIDs(t, r.Stdout)
	if !slices.Contains(got, inA) || !slices.Contains(got, outA) || slices.Contains(got, inB) {
		t.Errorf("list: %v (want %s and %s, not %s)", got, inA, outA, inB)
	}
	if !strings.Contains(r.Stderr, "left out the incoming webhooks of the teams where you may not manage them") || !strings.Contains(r.Stderr, b) {
		t.Errorf("stderr: %s", r.Stderr)
	}
	if r := user.run("", "webhook", "show", inB); r.Code != 4 {
		t.Errorf("show a hook of team %s: exit %d %s", b, r.Code, r.Stderr)
	}
}
