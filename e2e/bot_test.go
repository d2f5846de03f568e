//go:build e2e

package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// btByUsername is the server's record of the bot with that username (disabled ones too), or nil.
func btByUsername(t testing.TB, username string) map[string]any {
	t.Helper()
	status, b := api(t, http.MethodGet, "/api/v4/users/username/"+username, nil)
	if status == http.StatusNotFound {
		return nil
	}
	if status != http.StatusOK {
		t.Fatalf("GET user %s: HTTP %d %s", username, status, b)
	}
	var u map[string]any
	if err := json.Unmarshal(b, &u); err != nil {
		t.Fatal(err)
	}
	return apiJSON[map[string]any](t, http.MethodGet, "/api/v4/bots/"+u["id"].(string)+"?include_deleted=true", nil)
}

// btMoveAside renames the bot with that username, if there is one, so that the name is free:
// bots cannot be deleted through the API without ServiceSettings.EnableAPIUserDeletion.
func btMoveAside(t testing.TB, username string) {
	t.Helper()
	if b := btByUsername(t, username); b != nil {
		apiJSON[map[string]any](t, http.MethodPut, "/api/v4/bots/"+b["user_id"].(string), map[string]any{"username": unique("old" + username)})
	}
}

// btCreate makes a bot through the API and returns its user ID.
func btCreate(t testing.TB, username string) string {
	t.Helper()
	b := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/bots", map[string]any{"username": username, "display_name": "Bot " + username})
	return b["user_id"].(string)
}

// btSetBotCreation sets ServiceSettings.EnableBotAccountCreation through the API.
func btSetBotCreation(t testing.TB, on bool) {
	t.Helper()
	patchServerSetting(t, "ServiceSettings", "EnableBotAccountCreation", on)
}

func TestBotMmctlLines(t *testing.T) {
	btMoveAside(t, "mybot")
	t.Cleanup(func() { btMoveAside(t, "mybot") })
	c := newCLI(t)
	c.login("bot-lines")
	for _, line := range []string{
		`matterctl bot create mybot --description "自動化Bot" --display-name "Automation Bot"`,
		`matterctl bot list`,
		`matterctl bot enable mybot`,
	} {
		r := c.run("", shellWords(t, line)[1:]...)
		expectCode(t, r, 0)
		if strings.TrimSpace(r.Stderr) == "" && !strings.HasSuffix(line, "list") {
			t.Errorf("%s: said nothing on stderr", line)
		}
		if strings.HasSuffix(line, "list") && !strings.Contains(r.Stdout, "mybot\tAutomation Bot\tadmin\tenabled\t") {
			t.Errorf("bot list:\n%s", r.Stdout)
		}
		if strings.HasSuffix(line, "enable mybot") && !strings.Contains(r.Stderr, "Bot mybot is already enabled: nothing to do") {
			t.Errorf("bot enable: %s", r.Stderr)
		}
	}
	b := btByUsername(t, "mybot")
	if b == nil || b["display_name"] != "Automation Bot" || b["description"] != "自動化Bot" || b["delete_at"].(float64) != 0 {
		t.Errorf("bot mybot: %v", b)
	}
}

func TestBotLifecycle(t *testing.T) {
	c := newCLI(t)
	c.login("bot-life")
	name := unique("bt")
	t.Cleanup(func() { btMoveAside(t, name) })

	// A dry run creates nothing.
	r := c.mustRun("", "bot", "create", name, "--dry-run")
	if !strings.Contains(r.Stderr, "would create bot "+name) || btByUsername(t, name) != nil {
		t.Fatalf("dry run: %s", r.Stderr)
	}

	// Created with a token: the token alone on stdout, and it works.
	r = c.mustRun("", "bot", "create", name, "--with-token")
	token := strings.TrimSpace(r.Stdout)
	if len(token) != 26 || strings.Contains(r.Stderr, token) {
		t.Fatalf("stdout %q stderr %q", r.Stdout, r.Stderr)
	}
	if status, b := apiAs(t, token, http.MethodGet, "/api/v4/users/me", nil); status != http.StatusOK || !strings.Contains(string(b), name) {
		t.Errorf("the bot's token: HTTP %d %s", status, b)
	}

	// Update: only the flags given; an empty value clears.
	c.mustRun("", "bot", "update", name, "--description", "first")
	c.mustRun("", "bot", "update", name, "--display-name", "")
	b := btByUsername(t, name)
	if b["description"] != "first" || b["display_name"] != nil && b["display_name"] != "" {
		t.Errorf("after update: %v", b)
	}

	// Disable, idempotently; disabled bots are listed with --all only.
	c.mustRun("", "bot", "disable", name)
	r = c.mustRun("", "bot", "disable", name, "--json")
	rows := decodeJSON[[]map[string]any](t, r.Stdout)
	if len(rows) != 1 || rows[0]["changed"] != false {
		t.Errorf("second disable: %s", r.Stdout)
	}
	if b := btByUsername(t, name); b["delete_at"].(float64) == 0 {
		t.Errorf("still enabled: %v", b)
	}
	if r := c.mustRun("", "bot", "list"); strings.Contains(r.Stdout, name) {
		t.Errorf("a disabled bot is listed without --all")
	}
	r = c.mustRun("", "bot", "list", "--all", "--json")
	found := false
	for _, bot := range decodeJSON[[]map[string]any](t, r.Stdout) {
		found = found || bot["username"] == name
	}
	if !found {
		t.Errorf("bot list --all lacks %s", name)
	}

	// Enable with --dry-run changes nothing; then for real.
	c.mustRun("", "bot", "enable", name, "--dry-run")
	if b := btByUsername(t, name); b["delete_at"].(float64) == 0 {
		t.Errorf("a dry run enabled the bot")
	}
	c.mustRun("", "bot", "enable", name)
	if b := btByUsername(t, name); b["delete_at"].(float64) != 0 {
		t.Errorf("still disabled")
	}

	// Assign to another user, and show.
	owner := unique("btowner")
	ownerID := createUser(t, owner)
	c.mustRun("", "bot", "assign", name, owner)
	if b := btByUsername(t, name); b["owner_id"] != ownerID {
		t.Errorf("owner %v, want %s", b["owner_id"], ownerID)
	}
	r = c.mustRun("", "bot", "show", name)
	if !strings.HasPrefix(r.Stdout, name+"\t\t"+owner+"\tenabled\t") {
		t.Errorf("bot show: %q", r.Stdout)
	}

	// A person is not a bot.
	r = c.run("", "bot", "show", owner)
	if r.Code == 0 || !strings.Contains(r.Stderr, owner+" is a user, not a bot") {
		t.Errorf("bot show <person>: exit %d, %s", r.Code, r.Stderr)
	}
}

func TestBotCreateRefusedBySetting(t *testing.T) {
	setServerSetting(t, "ServiceSettings", "EnableBotAccountCreation", false)
	c := newCLI(t)
	c.login("bot-refused")
	name := unique("bt")
	r := c.run("", "bot", "create", name)
	expectCode(t, r, 1)
	for _, w := range []string{"ServiceSettings.EnableBotAccountCreation", "MM_SERVICESETTINGS_ENABLEBOTACCOUNTCREATION"} {
		if !strings.Contains(r.Stderr, w) {
			t.Errorf("stderr lacks %s: %s", w, r.Stderr)
		}
	}
	if btByUsername(t, name) != nil {
		t.Errorf("the bot was created")
	}
}
