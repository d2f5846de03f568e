//go:build e2e

package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/matterctl/matterctl/e2e/latencyproxy"
)

// wsendHook is an incoming webhook made for a test, in the town square of a fresh team.
type wsendHook struct {
	id, name, teamID, channelID string
}

// wsendCreateHook makes a team and an incoming webhook on its town square, through the API.
func wsendCreateHook(t testing.TB) wsendHook {
	t.Helper()
	teamName := unique("wsend")
	team := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/teams", map[string]any{
		"name": teamName, "display_name": "Webhook send " + teamName, "type": "O",
	})
	teamID := team["id"].(string)
	// Archived when the test ends, so that teams do not pile up on a reused server.
	t.Cleanup(func() { api(t, http.MethodDelete, "/api/v4/teams/"+teamID, nil) })
	ch := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/teams/"+teamID+"/channels/name/town-square", nil)
	name := unique("wsend-hook-")
	hook := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/hooks/incoming", map[string]any{
		"channel_id": ch["id"], "display_name": name, "description": "matterctl e2e",
	})
	t.Cleanup(func() { api(t, http.MethodDelete, "/api/v4/hooks/incoming/"+hook["id"].(string), nil) })
	return wsendHook{id: hook["id"].(string), name: name, teamID: teamID, channelID: ch["id"].(string)}
}

// wsendPost is the part of a post the tests read back.
type wsendPost struct {
	Message string `json:"message"`
	Props   struct {
		FromWebhook      string `json:"from_webhook"`
		OverrideUsername string `json:"override_username"`
		Attachments      []struct {
			Color  string `json:"color"`
			Title  string `json:"title"`
			Fields []struct {
				Title string `json:"title"`
				Value any    `json:"value"`
				Short bool   `json:"short"`
			} `json:"fields"`
		} `json:"attachments"`
	} `json:"props"`
}

// wsendFind returns the posts of the channel whose message is text.
func wsendFind(t testing.TB, channelID, text string) []wsendPost {
	t.Helper()
	page := apiJSON[struct {
		Posts map[string]wsendPost `json:"posts"`
	}](t, http.MethodGet, "/api/v4/channels/"+channelID+"/posts?per_page=200", nil)
	var out []wsendPost
	for _, p := range page.Posts {
		if p.Message == text {
			out = append(out, p)
		}
	}
	return out
}

// wsendOne returns the one post with message text, failing unless there is exactly one.
func wsendOne(t testing.TB, channelID, text string) wsendPost {
	t.Helper()
	found := wsendFind(t, channelID, text)
	if len(found) != 1 {
		t.Fatalf("%d posts with message %q, want 1", len(found), text)
	}
	return found[0]
}

// wsendSetServiceSetting sets a boolean ServiceSettings key through the API and restores its
// value when the test ends.
func wsendSetServiceSetting(t *testing.T, key string, on bool) {
	t.Helper()
	setServerSetting(t, "ServiceSettings", key, on)
}

// wsendNoHookID fails when the hook's ID appears whole in r's output.
func wsendNoHookID(t *testing.T, r result, id string) {
	t.Helper()
	if strings.Contains(r.Stdout, id) || strings.Contains(r.Stderr, id) {
		t.Fatalf("the hook ID is printed:\nstdout: %s\nstderr: %s", r.Stdout, r.Stderr)
	}
}

func TestWebhookSendByIDNameAndURL(t *testing.T) {
	h := wsendCreateHook(t)
	shown := srv.URL + "/hooks/" + h.id[:3] + "…"

	// By ID, with a profile: the URL is built from the profile's server.
	c := newCLI(t)
	c.login("wsend")
	textID := unique("sent by ID ")
	r := c.mustRun("", "webhook", "send", h.id, "--text", textID)
	if r.Stdout != "" || strings.TrimSpace(r.Stderr) != "Posted to "+shown {
		t.Errorf("stdout %q stderr %q", r.Stdout, r.Stderr)
	}
	wsendNoHookID(t, r, h.id)
	if p := wsendOne(t, h.channelID, textID); p.Props.FromWebhook != "true" {
		t.Errorf("post by ID: %+v", p)
	}

	// By display name: looked up first.
	textName := unique("sent by name ")
	r = c.mustRun("", "webhook", "send", h.name, "--text", textName)
	if !strings.Contains(r.Stderr, `Posted to webhook "`+h.name+`" (`+shown+")") {
		t.Errorf("stderr %q", r.Stderr)
	}
	wsendOne(t, h.channelID, textName)

	// By URL, with no profile and no MATTERCTL_* variable at all: a card with fields.
	bare := newCLI(t)
	textURL := unique("deployment ")
	r = bare.mustRun("", "webhook", "send", srv.URL+"/hooks/"+h.id, "--text", textURL,
		"--color", "#2eb886", "--title", "Deployment succeeded",
		"--field", "Service=api", "--field", "Version=1.4.2", "--field", "Environment=production", "--json")
	wsendNoHookID(t, r, h.id)
	sent := decodeJSON[map[string]any](t, r.Stdout)
	if sent["text"] != textURL || len(sent["attachments"].([]any)) != 1 {
		t.Errorf("--json printed %s", r.Stdout)
	}
	p := wsendOne(t, h.channelID, textURL)
	if len(p.Props.Attachments) != 1 {
		t.Fatalf("attachments: %+v", p.Props)
	}
	a := p.Props.Attachments[0]
	if a.Color != "#2eb886" || a.Title != "Deployment succeeded" || len(a.Fields) != 3 {
		t.Fatalf("attachment: %+v", a)
	}
	for i, want := range [][2]string{{"Service", "api"}, {"Version", "1.4.2"}, {"Environment", "production"}} {
		f := a.Fields[i]
		if f.Title != want[0] || f.Value != want[1] || !f.Short {
			t.Errorf("field %d: %+v, want %v short", i, f, want)
		}
	}

	// The URL from MATTERCTL_WEBHOOK_URL, the text from standard input, and a file of
	// attachments.
	textEnv := unique("from the environment ")
	r = bare.with("MATTERCTL_WEBHOOK_URL="+srv.URL+"/hooks/"+h.id).mustRun(textEnv+"\n", "webhook", "send", "--text-file", "-", "--long-fields", "--field", "Changes=many")
	wsendNoHookID(t, r, h.id)
	p = wsendOne(t, h.channelID, textEnv)
	if len(p.Props.Attachments) != 1 || len(p.Props.Attachments[0].Fields) != 1 || p.Props.Attachments[0].Fields[0].Short {
		t.Errorf("long field: %+v", p.Props.Attachments)
	}
}

func TestWebhookSendUsernameOverride(t *testing.T) {
	h := wsendCreateHook(t)
	c := newCLI(t)
	c.login("wsend-override")

	// Off: the server ignores --username, and matterctl says so.
	wsendSetServiceSetting(t, "EnablePostUsernameOverride", false)
	textOff := unique("override off ")
	r := c.mustRun("", "webhook", "send", h.id, "--text", textOff, "--username", "deploy-bot")
	if !strings.Contains(r.Stderr, "warning: the server ignored --username: ServiceSettings.EnablePostUsernameOverride is off") ||
		!strings.Contains(r.Stderr, "MM_SERVICESETTINGS_ENABLEPOSTUSERNAMEOVERRIDE") {
		t.Errorf("stderr %q", r.Stderr)
	}
	if p := wsendOne(t, h.channelID, textOff); p.Props.OverrideUsername == "deploy-bot" {
		t.Errorf("the server applied the override while it is off: %+v", p.Props)
	}

	// On: the post shows the name, and there is no warning.
	wsendSetServiceSetting(t, "EnablePostUsernameOverride", true)
	textOn := unique("override on ")
	r = c.mustRun("", "webhook", "send", h.id, "--text", textOn, "--username", "deploy-bot")
	if strings.Contains(r.Stderr, "warning") {
		t.Errorf("stderr %q", r.Stderr)
	}
	if p := wsendOne(t, h.channelID, textOn); p.Props.OverrideUsername != "deploy-bot" {
		t.Errorf("override_username %q, want deploy-bot", p.Props.OverrideUsername)
	}
}

func TestWebhookSendRefusals(t *testing.T) {
	h := wsendCreateHook(t)
	bare := newCLI(t)

	// An ID of no hook: not found, exit 5, and the ID is not printed.
	missing := "aaaaaaaaaaaaaaaaaaaaaaaaaa"
	r := bare.run("", "webhook", "send", srv.URL+"/hooks/"+missing, "--text", "x")
	expectCode(t, r, 5)
	wsendNoHookID(t, r, missing)
	if !strings.Contains(r.Stderr, "incoming webhook") || !strings.Contains(r.Stderr, "not found") {
		t.Errorf("stderr %q", r.Stderr)
	}

	// A bad attachment file: one line naming the file, nothing posted.
	r = bare.run(`[{"fields": "no"}]`, "webhook", "send", srv.URL+"/hooks/"+h.id, "--attachment", "-")
	expectCode(t, r, 1)
	if lines := strings.Split(strings.TrimSpace(r.Stderr), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "--attachment (standard input)") {
		t.Errorf("stderr %q", r.Stderr)
	}

	// --field without '=': a usage error.
	r = bare.run("", "webhook", "send", srv.URL+"/hooks/"+h.id, "--field", "Service")
	expectCode(t, r, 2)

	// Incoming webhooks disabled: the refusal names the setting and its variable.
	wsendSetServiceSetting(t, "EnableIncomingWebhooks", false)
	text := unique("refused ")
	r = bare.run("", "webhook", "send", srv.URL+"/hooks/"+h.id, "--text", text)
	expectCode(t, r, 1)
	wsendNoHookID(t, r, h.id)
	if !strings.Contains(r.Stderr, "ServiceSettings.EnableIncomingWebhooks") || !strings.Contains(r.Stderr, "MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS") {
		t.Errorf("stderr %q", r.Stderr)
	}
	if n := len(wsendFind(t, h.channelID, text)); n != 0 {
		t.Errorf("%d posts made while refused", n)
	}
}

// TestWebhookSendRequestCount checks through a counting proxy that a post by ID or URL is one
// request.
func TestWebhookSendRequestCount(t *testing.T) {
	h := wsendCreateHook(t)
	proxy := wsendProxy(t)
	c := newCLI(t).with("MATTERCTL_URL="+proxy.URL, "MATTERCTL_TOKEN="+adminToken)
	for _, hook := range []string{h.id, proxy.URL + "/hooks/" + h.id} {
		proxy.ResetCounters()
		c.mustRun("", "webhook", "send", hook, "--text", unique("counted "))
		if n := proxy.Requests(); n != 1 {
			t.Errorf("webhook send %s: %d requests, want 1", strings.Replace(hook, h.id, "ID", 1), n)
		}
	}
}

// wsendProxy is a counting proxy to the server, with no added delay.
func wsendProxy(t *testing.T) *latencyproxy.Proxy {
	t.Helper()
	p, err := latencyproxy.New(srv.URL, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}
