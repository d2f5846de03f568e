//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// chanTeam makes an open team with a unique name through the API and returns its ID and name.
// Teams are left behind: their names are unique and the sandbox is disposable.
func chanTeam(t testing.TB) (id, name string) {
	t.Helper()
	name = unique("chteam")
	team := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/teams", map[string]any{
		"name": name, "display_name": "Channels " + name, "type": "O",
	})
	return team["id"].(string), name
}

// chanMake makes a channel through the API ("O" public, "P" private) and returns its ID.
func chanMake(t testing.TB, teamID, name, typ string) string {
	t.Helper()
	ch := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/channels", map[string]any{
		"team_id": teamID, "name": name, "display_name": "Display " + name, "type": typ,
	})
	return ch["id"].(string)
}

// chanGet is the server's record of a channel, or nil when it does not exist.
func chanGet(t testing.TB, id string) map[string]any {
	t.Helper()
	status, b := api(t, http.MethodGet, "/api/v4/channels/"+id, nil)
	switch status {
	case http.StatusNotFound:
		return nil
	case http.StatusOK:
		return decodeJSON[map[string]any](t, string(b))
	}
	t.Fatalf("GET /channels/%s: HTTP %d: %s", id, status, b)
	return nil
}

// chanNamed is the channel of a team with that name (archived ones too), or nil.
func chanNamed(t testing.TB, teamID, name string) map[string]any {
	t.Helper()
	status, b := api(t, http.MethodGet, "/api/v4/teams/"+teamID+"/channels/name/"+name+"?include_deleted=true", nil)
	switch status {
	case http.StatusNotFound:
		return nil
	case http.StatusOK:
		return decodeJSON[map[string]any](t, string(b))
	}
	t.Fatalf("GET channel %s of team %s: HTTP %d: %s", name, teamID, status, b)
	return nil
}

func chanArchived(t testing.TB, id string) bool {
	t.Helper()
	ch := chanGet(t, id)
	if ch == nil {
		t.Fatalf("channel %s does not exist", id)
	}
	return ch["delete_at"].(float64) != 0
}

func chanArchive(t testing.TB, id string) {
	t.Helper()
	if status, b := api(t, http.MethodDelete, "/api/v4/channels/"+id, nil); status != http.StatusOK {
		t.Fatalf("archiving %s: HTTP %d: %s", id, status, b)
	}
}

func chanAddMember(t testing.TB, channelID, userID string) {
	t.Helper()
	apiJSON[map[string]any](t, http.MethodPost, "/api/v4/channels/"+channelID+"/members", map[string]any{"user_id": userID})
}

func chanIsMember(t testing.TB, channelID, userID string) bool {
	t.Helper()
	status, _ := api(t, http.MethodGet, "/api/v4/channels/"+channelID+"/members/"+userID, nil)
	return status == http.StatusOK
}

// chanSetDeletion sets ServiceSettings.EnableAPIChannelDeletion through the API and checks that
// the server took it.
func chanSetDeletion(t testing.TB, on bool) {
	t.Helper()
	patchServerSetting(t, "ServiceSettings", "EnableAPIChannelDeletion", on)
}

// chanLines is stdout's non-empty lines.
func chanLines(stdout string) []string {
	var lines []string
	for _, l := range strings.Split(stdout, "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// chanStderrHas fails unless stderr has the line exactly once.
func chanStderrHas(t testing.TB, r result, line string) {
	t.Helper()
	n := 0
	for _, l := range strings.Split(r.Stderr, "\n") {
		if l == line {
			n++
		}
	}
	if n != 1 {
		t.Errorf("stderr has %q %d times, want once:\n%s", line, n, r.Stderr)
	}
}

func TestChannelCreate(t *testing.T) {
	c := adminCLI(t)
	teamID, team := chanTeam(t)

	t.Run("mmctl's line with a positional team", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "create", team, "--name", "alerts", "--display_name", "アラート通知")
		expectCode(t, r, 0)
		chanStderrHas(t, r, "Created public channel "+team+":alerts")
		ch := chanNamed(t, teamID, "alerts")
		if ch == nil || ch["display_name"] != "アラート通知" || ch["type"] != "O" {
			t.Fatalf("server has %v", ch)
		}
		if !strings.Contains(r.Stdout, ch["id"].(string)) {
			t.Errorf("stdout does not show the channel: %s", r.Stdout)
		}
	})
	t.Run("private, --team, JSON", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "create", "--team", teamID, "--name", "Secret", "--display-name", "Secret",
			"--private", "--header", "h", "--purpose", "p", "--json")
		expectCode(t, r, 0)
		got := decodeJSON[map[string]any](t, r.Stdout)
		ch := chanNamed(t, teamID, "secret")
		if ch == nil || ch["type"] != "P" || ch["header"] != "h" || ch["purpose"] != "p" || got["id"] != ch["id"] || got["team_name"] != team {
			t.Errorf("server has %v; printed %v", ch, got)
		}
	})
	t.Run("the team given twice, differently", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "create", team, "--team", "elsewhere", "--name", "x", "--display-name", "X")
		expectCode(t, r, 2)
		if chanNamed(t, teamID, "x") != nil {
			t.Error("created anyway")
		}
	})
	t.Run("dry run", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "create", team, "--name", "planned", "--display-name", "P", "--dry-run")
		expectCode(t, r, 0)
		chanStderrHas(t, r, "would create public channel "+team+":planned")
		if chanNamed(t, teamID, "planned") != nil {
			t.Error("a dry run created the channel")
		}
		r = c.boundTo(t).run("", "channel", "create", team, "--name", "alerts", "--display-name", "A", "--dry-run")
		expectCode(t, r, 1)
		if !strings.Contains(r.Stderr, "channel "+team+":alerts already exists") {
			t.Errorf("stderr: %s", r.Stderr)
		}
	})
	t.Run("name taken", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "create", team, "--name", "alerts", "--display-name", "Again")
		expectCode(t, r, 1)
		if !strings.Contains(r.Stderr, "channel "+team+":alerts already exists") {
			t.Errorf("stderr: %s", r.Stderr)
		}
	})
}

func TestChannelCreateFile(t *testing.T) {
	c := adminCLI(t)
	teamID, team := chanTeam(t)
	otherID, other := chanTeam(t)
	chanMake(t, otherID, "taken", "O")
	file := filepath.Join(t.TempDir(), "channels.csv")
	csv := "team,name,display_name,private,purpose\n" +
		",one,One,,first\n" +
		other + ",two,Two,yes,\n" +
		other + ",two,Again,,\n" +
		other + ",taken,Taken,,\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}

	r := c.run("", "channel", "create", team, "--file", file, "--dry-run")
	expectCode(t, r, 3)
	chanStderrHas(t, r, "would create public channel "+team+":one")
	chanStderrHas(t, r, "line 5: "+other+":taken: channel "+other+":taken already exists")
	if chanNamed(t, teamID, "one") != nil {
		t.Fatal("a dry run created a channel")
	}

	r = c.run("", "channel", "create", team, "--file", file, "--json")
	expectCode(t, r, 3)
	rows := decodeJSON[[]map[string]any](t, r.Stdout)
	if len(rows) != 4 || rows[0]["ok"] != true || rows[1]["ok"] != true || rows[2]["ok"] != false || rows[3]["ok"] != false {
		t.Errorf("rows: %v", rows)
	}
	chanStderrHas(t, r, "line 4: "+other+":two: channel "+other+":two repeats line 3")
	if ch := chanNamed(t, teamID, "one"); ch == nil || ch["purpose"] != "first" {
		t.Errorf("one: %v", ch)
	}
	if ch := chanNamed(t, otherID, "two"); ch == nil || ch["type"] != "P" || ch["display_name"] != "Two" {
		t.Errorf("two: %v", ch)
	}
}

func TestChannelArchiveUnarchive(t *testing.T) {
	c := adminCLI(t)
	teamID, team := chanTeam(t)
	otherID, other := chanTeam(t)
	shared := unique("alerts")
	alerts := chanMake(t, teamID, shared, "O")
	otherAlerts := chanMake(t, otherID, shared, "O")
	secret := chanMake(t, teamID, "secret", "P")
	solo := unique("solo")
	soloID := chanMake(t, teamID, solo, "P")

	t.Run("an ambiguous bare name lists its candidates and changes nothing", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "archive", shared)
		expectCode(t, r, 2)
		chanStderrHas(t, r, fmt.Sprintf(`%s: channel %q is ambiguous: it matches %s:%s, %s:%s`, shared, shared, min(team, other), shared, max(team, other), shared))
		if chanArchived(t, alerts) || chanArchived(t, otherAlerts) {
			t.Error("archived anyway")
		}
	})
	t.Run("dry run", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "archive", "--dry-run", team+":"+shared)
		expectCode(t, r, 0)
		chanStderrHas(t, r, "would archive channel "+team+":"+shared+" ("+alerts+")")
		if chanArchived(t, alerts) {
			t.Error("a dry run archived")
		}
	})
	t.Run("team:channel and --team with a bare name", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "archive", team+":"+shared, "--team", other, shared)
		expectCode(t, r, 0)
		chanStderrHas(t, r, "Archived channel "+team+":"+shared)
		chanStderrHas(t, r, "Archived channel "+other+":"+shared)
		if !chanArchived(t, alerts) || !chanArchived(t, otherAlerts) || chanArchived(t, secret) {
			t.Error("wrong state after archive")
		}
	})
	t.Run("a private channel by a bare name unique across teams", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "archive", solo)
		expectCode(t, r, 0)
		chanStderrHas(t, r, "Archived channel "+team+":"+solo)
		if !chanArchived(t, soloID) {
			t.Error("not archived")
		}
	})
	t.Run("again: already archived is a success; the default channel is refused", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "archive", team+":"+shared, team+":town-square", "--json")
		expectCode(t, r, 3)
		chanStderrHas(t, r, "Channel "+team+":"+shared+" is already archived: nothing to do")
		chanStderrHas(t, r, team+":town-square: the default channel of a team (town-square) cannot be archived")
		rows := decodeJSON[[]map[string]any](t, r.Stdout)
		if len(rows) != 2 || rows[0]["ok"] != true || rows[0]["changed"] != false || rows[1]["ok"] != false {
			t.Errorf("rows: %v", rows)
		}
		if sq := chanNamed(t, teamID, "town-square"); sq["delete_at"].(float64) != 0 {
			t.Error("town-square archived")
		}
	})
	t.Run("an archived channel resolves by its bare name", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "show", solo, "--json")
		expectCode(t, r, 0)
		if ch := decodeJSON[map[string]any](t, r.Stdout); ch["id"] != soloID || ch["delete_at"].(float64) == 0 {
			t.Errorf("show: %v", ch)
		}
	})
	t.Run("unarchive", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "unarchive", team+":"+shared, solo, team+":secret")
		expectCode(t, r, 0)
		chanStderrHas(t, r, "Unarchived channel "+team+":"+shared)
		chanStderrHas(t, r, "Unarchived channel "+team+":"+solo)
		chanStderrHas(t, r, "Channel "+team+":secret is not archived: nothing to do")
		if chanArchived(t, alerts) || chanArchived(t, soloID) || !chanArchived(t, otherAlerts) {
			t.Error("wrong state after unarchive")
		}
	})
}

func TestChannelDelete(t *testing.T) {
	c := adminCLI(t)
	teamID, team := chanTeam(t)
	a := chanMake(t, teamID, "del-a", "O")
	b := chanMake(t, teamID, "del-b", "P")
	chanArchive(t, b)

	t.Run("without a terminal --confirm is required", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "delete", team+":del-a")
		expectCode(t, r, 2)
		if !strings.Contains(r.Stderr, "--confirm") || chanGet(t, a) == nil {
			t.Errorf("stderr %s", r.Stderr)
		}
	})
	t.Run("one argument does not resolve: nothing is deleted", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "delete", "--confirm", team+":del-a", team+":ghost")
		expectCode(t, r, 5)
		if chanGet(t, a) == nil {
			t.Error("del-a deleted")
		}
	})
	t.Run("the setting off: refused, the setting named", func(t *testing.T) {
		chanSetDeletion(t, false)
		t.Cleanup(func() { chanSetDeletion(t, true) })
		r := c.boundTo(t).run("", "channel", "delete", "--confirm", team+":del-a")
		expectCode(t, r, 1)
		if !strings.Contains(r.Stderr, team+":del-a: permanent channel deletion through the API is disabled on the server (ServiceSettings.EnableAPIChannelDeletion, MM_SERVICESETTINGS_ENABLEAPICHANNELDELETION)") {
			t.Errorf("the refusal does not name the setting:\n%s", r.Stderr)
		}
		if !strings.Contains(r.Stderr, "hint: set ServiceSettings.EnableAPIChannelDeletion to true") || strings.Contains(r.Stderr, "auth login") {
			t.Errorf("stderr:\n%s", r.Stderr)
		}
		if chanGet(t, a) == nil {
			t.Error("deleted anyway")
		}
		chanSetDeletion(t, true)
	})
	t.Run("dry run", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "delete", "--dry-run", team+":del-a")
		expectCode(t, r, 0)
		chanStderrHas(t, r, "would permanently delete channel "+team+":del-a ("+a+")")
		if chanGet(t, a) == nil {
			t.Error("a dry run deleted")
		}
	})
	t.Run("deleted, archived ones too; the default channel never", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "delete", "-y", team+":town-square")
		expectCode(t, r, 1)
		if chanNamed(t, teamID, "town-square") == nil {
			t.Fatal("town-square deleted")
		}
		r = c.boundTo(t).run("", "channel", "delete", "-y", "--team", team, "del-a", "del-b")
		expectCode(t, r, 0)
		chanStderrHas(t, r, "Deleted channel "+team+":del-a")
		chanStderrHas(t, r, "Deleted channel "+team+":del-b")
		if chanGet(t, a) != nil || chanGet(t, b) != nil {
			t.Error("still there")
		}
	})
}

func TestChannelList(t *testing.T) {
	c := adminCLI(t)
	teamID, team := chanTeam(t)
	otherID, other := chanTeam(t)
	chanMake(t, teamID, "pub", "O")
	chanMake(t, teamID, "priv", "P")
	old := chanMake(t, teamID, "old", "P")
	chanArchive(t, old) // an archived private channel the admin is no member of: GET /teams/{id}/channels/deleted misses it
	chanMake(t, otherID, "elsewhere", "O")

	names := func(stdout string) []string {
		var out []string
		for _, l := range chanLines(stdout) {
			f := strings.Split(l, "\t")
			out = append(out, f[0]+":"+f[1]+":"+f[3]+":"+f[4])
		}
		slices.Sort(out)
		return out
	}
	r := c.run("", "channel", "list", team)
	expectCode(t, r, 0)
	want := []string{team + ":off-topic:public:no", team + ":old:private:yes", team + ":priv:private:no", team + ":pub:public:no", team + ":town-square:public:no"}
	if got := names(r.Stdout); !slices.Equal(got, want) {
		t.Errorf("list %s:\n%q\nwant\n%q", team, got, want)
	}

	r = c.run("", "channel", "list", team, other, "--private", "--archived")
	expectCode(t, r, 0)
	if got := names(r.Stdout); !slices.Equal(got, []string{team + ":old:private:yes", team + ":priv:private:no"}) {
		t.Errorf("--private --archived: %q", got)
	}

	r = c.run("", "channel", "list", "--json")
	expectCode(t, r, 0)
	all := decodeJSON[[]map[string]any](t, r.Stdout)
	found := map[string]bool{}
	for _, ch := range all {
		if ch["type"] == "D" || ch["type"] == "G" {
			t.Fatalf("a direct or group channel is listed: %v", ch)
		}
		found[fmt.Sprint(ch["team_name"], ":", ch["name"])] = true
	}
	for _, n := range []string{team + ":pub", team + ":priv", team + ":old", other + ":elsewhere"} {
		if !found[n] {
			t.Errorf("list without a team lacks %s", n)
		}
	}

	r = c.run("", "channel", "list", team, "nowhere-"+team)
	expectCode(t, r, 5)
	if r.Stdout != "" {
		t.Errorf("stdout: %s", r.Stdout)
	}
}

// Without a team, the channels of archived teams are left out with a note; naming the team
// lists them.
func TestChannelListArchivedTeam(t *testing.T) {
	teamID, team := chanTeam(t)
	chanMake(t, teamID, "kept", "O")
	if status, b := api(t, http.MethodDelete, "/api/v4/teams/"+teamID, nil); status != http.StatusOK {
		t.Fatalf("archiving the team: %d %s", status, b)
	}
	c := newCLI(t)
	c.login("admin")
	r := c.run("", "channel", "list", "--json")
	expectCode(t, r, 0)
	for _, ch := range decodeJSON[[]map[string]any](t, r.Stdout) {
		if ch["team_id"] == teamID {
			t.Fatalf("a channel of the archived team is listed: %v", ch)
		}
	}
	if !regexp.MustCompile(`\d+ channels of archived teams not shown: name the teams to list them`).MatchString(r.Stderr) {
		t.Errorf("stderr lacks the note: %q", r.Stderr)
	}
	r = c.run("", "channel", "list", team, "--json")
	expectCode(t, r, 0)
	var names []string
	for _, ch := range decodeJSON[[]map[string]any](t, r.Stdout) {
		names = append(names, ch["name"].(string))
	}
	slices.Sort(names)
	if want := []string{"kept", "off-topic", "town-square"}; !slices.Equal(names, want) {
		t.Errorf("channels of the named archived team: %q, want %q", names, want)
	}
}

// A user who is not a system admin sees the channels of their teams they may see.
func TestChannelListAsUser(t *testing.T) {
	teamID, team := chanTeam(t)
	name := unique("chuser")
	uid := createUser(t, name)
	addToTeam(t, teamID, uid)
	mine := chanMake(t, teamID, "mine", "P")
	chanAddMember(t, mine, uid)
	chanMake(t, teamID, "hidden", "P")
	chanMake(t, teamID, "open", "O")
	tok := userLogin(t, name, userPassword(name))

	c := newCLI(t).with("MATTERCTL_URL="+srv.URL, "MATTERCTL_TOKEN="+tok)
	r := c.run("", "channel", "list")
	expectCode(t, r, 0)
	if !strings.Contains(r.Stderr, "listing the channels you can see") {
		t.Errorf("stderr: %s", r.Stderr)
	}
	var got []string
	for _, l := range chanLines(r.Stdout) {
		f := strings.Split(l, "\t")
		got = append(got, f[0]+":"+f[1])
	}
	slices.Sort(got)
	if want := []string{team + ":mine", team + ":off-topic", team + ":open", team + ":town-square"}; !slices.Equal(got, want) {
		t.Errorf("listed %q, want %q", got, want)
	}
}

func TestChannelModifyRename(t *testing.T) {
	c := adminCLI(t)
	teamID, team := chanTeam(t)
	id := chanMake(t, teamID, "mod", "O")

	r := c.run("", "channel", "modify", team+":mod", "--private")
	expectCode(t, r, 0)
	chanStderrHas(t, r, "Made channel "+team+":mod private")
	if ch := chanGet(t, id); ch["type"] != "P" {
		t.Errorf("type %v", ch["type"])
	}
	r = c.run("", "channel", "modify", "--team", team, "mod", "--private")
	expectCode(t, r, 0)
	chanStderrHas(t, r, "Channel "+team+":mod is already private: nothing to do")

	r = c.run("", "channel", "modify", team+":town-square", "--private")
	expectCode(t, r, 1)
	chanStderrHas(t, r, team+":town-square: the default channel of a team (town-square) cannot be made private")

	r = c.run("", "channel", "modify", team+":mod", "--public", "--private")
	expectCode(t, r, 2)

	r = c.run("", "channel", "rename", team+":mod", "--name", "renamed", "--display_name", "Renamed ✓", "--json")
	expectCode(t, r, 0)
	ch := chanGet(t, id)
	if ch["name"] != "renamed" || ch["display_name"] != "Renamed ✓" || decodeJSON[map[string]any](t, r.Stdout)["name"] != "renamed" {
		t.Errorf("after rename: %v", ch)
	}
	chanMake(t, teamID, "other", "O")
	r = c.run("", "channel", "rename", team+":renamed", "--name", "other")
	expectCode(t, r, 1)
	if !strings.Contains(r.Stderr, "team "+team+" already has a channel named other") {
		t.Errorf("stderr: %s", r.Stderr)
	}

	chanArchive(t, id)
	r = c.run("", "channel", "modify", team+":renamed", "--public")
	expectCode(t, r, 1)
	chanStderrHas(t, r, team+":renamed: the channel is archived: unarchive it first (matterctl channel unarchive "+team+":renamed)")
}

func TestChannelSearch(t *testing.T) {
	c := adminCLI(t)
	teamID, team := chanTeam(t)
	otherID, other := chanTeam(t)
	name := unique("srch")
	a := chanMake(t, teamID, name, "O")
	b := chanMake(t, otherID, name, "P")
	chanArchive(t, b)
	chanMake(t, teamID, name+"-longer", "O")

	r := c.run("", "channel", "search", name, "--json")
	expectCode(t, r, 0)
	got := decodeJSON[[]map[string]any](t, r.Stdout)
	var ids []string
	for _, ch := range got {
		ids = append(ids, ch["id"].(string))
	}
	slices.Sort(ids)
	if want := []string{a, b}; !slices.Equal(ids, slices.Sorted(slices.Values(want))) {
		t.Errorf("found %v, want %v", ids, want)
	}

	r = c.run("", "channel", "search", strings.ToUpper(name), "--team", other)
	expectCode(t, r, 0)
	if lines := chanLines(r.Stdout); len(lines) != 1 || !strings.HasPrefix(lines[0], other+"\t"+name+"\t") || !strings.Contains(lines[0], "\tyes\t") {
		t.Errorf("stdout: %s", r.Stdout)
	}

	r = c.run("", "channel", "search", "nope"+name)
	expectCode(t, r, 5)
	_ = team
}

func TestChannelMove(t *testing.T) {
	c := adminCLI(t)
	fromID, from := chanTeam(t)
	toID, to := chanTeam(t)
	blocked := chanMake(t, fromID, "moving", "O")
	free := chanMake(t, fromID, "free", "O")
	outsider := unique("chout")
	uid := createUser(t, outsider)
	addToTeam(t, fromID, uid)
	chanAddMember(t, blocked, uid)

	t.Run("dry run names the members outside the team", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "move", to, from+":moving", from+":free", "--dry-run")
		expectCode(t, r, 3)
		chanStderrHas(t, r, fmt.Sprintf("%s:moving: 1 members of %s:moving are not in team %s: %s; add them to the team (matterctl team users add %s ...) or use --force to remove them from the channel",
			from, from, to, outsider, to))
		chanStderrHas(t, r, "would move channel "+from+":free ("+free+") to team "+to)
		if chanGet(t, free)["team_id"] != fromID {
			t.Error("a dry run moved")
		}
	})
	t.Run("blocked by a member outside the team: named", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "move", to, from+":moving")
		expectCode(t, r, 1)
		chanStderrHas(t, r, fmt.Sprintf("%s:moving: 1 members of %s:moving are not in team %s: %s; add them to the team (matterctl team users add %s ...) or use --force to remove them from the channel",
			from, from, to, outsider, to))
		if chanGet(t, blocked)["team_id"] != fromID {
			t.Error("moved anyway")
		}
	})
	t.Run("moved; already there", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "move", to, from+":free")
		expectCode(t, r, 0)
		chanStderrHas(t, r, "Moved channel free from team "+from+" to team "+to)
		if chanGet(t, free)["team_id"] != toID {
			t.Error("not moved")
		}
		r = c.boundTo(t).run("", "channel", "move", to, free)
		expectCode(t, r, 0)
		chanStderrHas(t, r, "Channel "+to+":free is already in team "+to+": nothing to do")
	})
	t.Run("name taken in the team", func(t *testing.T) {
		chanMake(t, fromID, "free", "O")
		r := c.boundTo(t).run("", "channel", "move", to, from+":free")
		expectCode(t, r, 1)
		if !strings.Contains(r.Stderr, "team "+to+" already has a channel named free") {
			t.Errorf("stderr: %s", r.Stderr)
		}
	})
	t.Run("force removes the outsider", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "move", to, from+":moving", "--force")
		expectCode(t, r, 0)
		chanStderrHas(t, r, "Moved channel moving from team "+from+" to team "+to)
		if chanGet(t, blocked)["team_id"] != toID || chanIsMember(t, blocked, uid) {
			t.Error("not moved, or the outsider is still a member")
		}
	})
}

func TestChannelShow(t *testing.T) {
	c := adminCLI(t)
	teamID, team := chanTeam(t)
	otherID, other := chanTeam(t)
	name := unique("shw")
	a := chanMake(t, teamID, name, "P")
	chanMake(t, otherID, name, "O")

	r := c.run("", "channel", "show", team+":"+name, "--json")
	expectCode(t, r, 0)
	if ch := decodeJSON[map[string]any](t, r.Stdout); ch["id"] != a || ch["team_name"] != team || ch["type"] != "P" {
		t.Errorf("show: %v", ch)
	}
	r = c.run("", "channel", "show", name)
	expectCode(t, r, 2)
	chanStderrHas(t, r, fmt.Sprintf(`%s: channel %q is ambiguous: it matches %s:%s, %s:%s`, name, name, min(team, other), name, max(team, other), name))

	r = c.run("", "channel", "show", a, other+":"+name, "ghost"+name)
	expectCode(t, r, 3)
	if lines := chanLines(r.Stdout); len(lines) != 2 || !strings.HasPrefix(lines[0], team+"\t") || !strings.HasPrefix(lines[1], other+"\t") {
		t.Errorf("stdout: %s", r.Stdout)
	}
}

// Over the local-mode socket the server offers part of the API only, and there is no caller:
// the verbs use what it offers.
func TestChannelLocalMode(t *testing.T) {
	c := newCLI(t).with("MATTERCTL_LOCAL_SOCKET=" + srv.SocketPath)
	teamID, team := chanTeam(t)
	name := unique("loc")
	priv := chanMake(t, teamID, name, "P")
	old := chanMake(t, teamID, name+"-old", "O")
	chanArchive(t, old)

	r := c.run("", "--local", "channel", "list", team)
	expectCode(t, r, 0)
	var got []string
	for _, l := range chanLines(r.Stdout) {
		f := strings.Split(l, "\t")
		got = append(got, f[1]+":"+f[3]+":"+f[4])
	}
	slices.Sort(got)
	want := []string{name + ":private:no", name + "-old:public:yes", "off-topic:public:no", "town-square:public:no"}
	if slices.Sort(want); !slices.Equal(got, want) {
		t.Errorf("listed %q, want %q", got, want)
	}

	r = c.run("", "--local", "channel", "search", name)
	expectCode(t, r, 0)
	if lines := chanLines(r.Stdout); len(lines) != 1 || !strings.HasPrefix(lines[0], team+"\t"+name+"\t") {
		t.Errorf("search: %s", r.Stdout)
	}

	r = c.run("", "--local", "channel", "archive", name)
	expectCode(t, r, 0)
	chanStderrHas(t, r, "Archived channel "+team+":"+name)
	if !chanArchived(t, priv) {
		t.Error("not archived")
	}
}
