//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// membersTeamMembers returns which of ids are members of the team, as the server says.
func membersTeamMembers(t testing.TB, teamID string, ids ...string) map[string]bool {
	t.Helper()
	found := map[string]bool{}
	for _, m := range apiJSON[[]map[string]any](t, http.MethodPost, "/api/v4/teams/"+teamID+"/members/ids", ids) {
		found[m["user_id"].(string)] = m["delete_at"].(float64) == 0
	}
	return found
}

// membersChannelMembers returns which of ids are members of the channel, as the server says.
func membersChannelMembers(t testing.TB, channelID string, ids ...string) map[string]bool {
	t.Helper()
	found := map[string]bool{}
	for _, m := range apiJSON[[]map[string]any](t, http.MethodPost, "/api/v4/channels/"+channelID+"/members/ids", ids) {
		found[m["user_id"].(string)] = true
	}
	return found
}

// membersChannelCount is the channel's member count, as the server says.
func membersChannelCount(t testing.TB, channelID string) int {
	t.Helper()
	stats := apiJSON[map[string]any](t, http.MethodGet, "/api/v4/channels/"+channelID+"/stats", nil)
	return int(stats["member_count"].(float64))
}

// membersCreateChannel creates a channel (type "O" or "P") in the team through the API.
func membersCreateChannel(t testing.TB, teamID, typ string) (id, name string) {
	t.Helper()
	name = unique("mch")
	ch := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/channels", map[string]any{
		"team_id": teamID, "name": name, "display_name": "Channel " + name, "type": typ,
	})
	return ch["id"].(string), name
}

// membersHasLine fails unless stderr has line exactly once.
func membersHasLine(t testing.TB, stderr, line string) {
	t.Helper()
	if n := strings.Count("\n"+stderr, "\n"+line+"\n"); n != 1 {
		t.Errorf("stderr has %q %d times, want once:\n%s", line, n, clip(stderr))
	}
}

// membersRow is a JSON row of the members verbs.
type membersRow struct {
	Input   string         `json:"input"`
	OK      bool           `json:"ok"`
	DryRun  bool           `json:"dry_run"`
	Changed *bool          `json:"changed"`
	User    map[string]any `json:"user"`
	Error   string         `json:"error"`
}

func TestMembersTeamUsers(t *testing.T) {
	c := newCLI(t)
	c.login("members-team")
	teamID, team := createUserTeam(t)
	names, ids := createUsers(t, "mtu", 4)
	alice, bob, carol, dave := names[0], names[1], names[2], names[3]

	t.Run("add: users by name and email, an unknown one, exit 3", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "users", "add", team, alice, bob+"@example.com", "nobody-"+alice)
		expectCode(t, r, 3)
		membersHasLine(t, r.Stderr, "Added "+alice+" to team "+team)
		membersHasLine(t, r.Stderr, "Added "+bob+" to team "+team)
		membersHasLine(t, r.Stderr, fmt.Sprintf("nobody-%s: user %q not found", alice, "nobody-"+alice))
		got := membersTeamMembers(t, teamID, ids...)
		if !got[ids[0]] || !got[ids[1]] || got[ids[2]] || got[ids[3]] {
			t.Errorf("members after add: %v", got)
		}
	})

	t.Run("add again: already a member is a success", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "users", "add", team, alice, "--json")
		expectCode(t, r, 0)
		membersHasLine(t, r.Stderr, "User "+alice+" is already a member of team "+team+": nothing to do")
		rows := decodeJSON[[]membersRow](t, r.Stdout)
		if len(rows) != 1 || !rows[0].OK || rows[0].Changed == nil || *rows[0].Changed || rows[0].User["id"] != ids[0] {
			t.Errorf("rows = %+v", rows)
		}
	})

	t.Run("add --dry-run changes nothing", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "users", "add", team, carol, alice, "--dry-run")
		expectCode(t, r, 0)
		membersHasLine(t, r.Stderr, "would add "+carol+" to team "+team)
		membersHasLine(t, r.Stderr, "user "+alice+" is already a member of team "+team+": nothing would change")
		if membersTeamMembers(t, teamID, ids[2])[ids[2]] {
			t.Error("the dry run added carol")
		}
	})

	t.Run("add with --file", func(t *testing.T) {
		file := userTempFile(t, "users.txt", "# new\n"+carol+"\n\n"+ids[3]+"\n")
		r := c.boundTo(t).run("", "team", "users", "add", team, "--file", file)
		expectCode(t, r, 0)
		got := membersTeamMembers(t, teamID, ids...)
		for i := range ids {
			if !got[ids[i]] {
				t.Errorf("%s is not a member", names[i])
			}
		}
	})

	t.Run("list: the members with their team roles, in every format", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "users", "list", team, "--format", "plain")
		expectCode(t, r, 0)
		var listed []string
		for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
			f := strings.Split(line, "\t")
			if len(f) != 7 {
				t.Fatalf("line %q has %d fields, want 7", line, len(f))
			}
			listed = append(listed, f[1])
			if f[1] == srv.AdminUser && f[6] != "team_user team_admin" {
				t.Errorf("the team's creator has team roles %q", f[6])
			}
			if f[1] == alice && f[6] != "team_user" {
				t.Errorf("%s has team roles %q", alice, f[6])
			}
		}
		want := append(slices.Clone(names), srv.AdminUser)
		slices.Sort(want)
		slices.Sort(listed)
		if !slices.Equal(listed, want) {
			t.Errorf("listed %v, want %v", listed, want)
		}

		r = c.boundTo(t).run("", "team", "users", "list", team, "--json")
		expectCode(t, r, 0)
		members := decodeJSON[[]map[string]any](t, r.Stdout)
		if len(members) != 5 {
			t.Fatalf("%d members in JSON, want 5", len(members))
		}
		for _, m := range members {
			tm, _ := m["team_member"].(map[string]any)
			if tm == nil || tm["team_id"] != teamID || tm["user_id"] != m["id"] || m["password"] != nil {
				t.Errorf("member %v", m)
			}
			if m["username"] == srv.AdminUser && tm["scheme_admin"] != true {
				t.Errorf("the team's creator is not a team admin: %v", tm)
			}
		}
	})

	t.Run("remove: a member and a non-member", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "users", "remove", team, bob, dave, "--dry-run")
		expectCode(t, r, 0)
		membersHasLine(t, r.Stderr, "would remove "+bob+" from team "+team)
		if !membersTeamMembers(t, teamID, ids[1])[ids[1]] {
			t.Fatal("the dry run removed bob")
		}
		r = c.boundTo(t).run("", "team", "users", "remove", team, bob, dave)
		expectCode(t, r, 0)
		membersHasLine(t, r.Stderr, "Removed "+bob+" from team "+team)
		membersHasLine(t, r.Stderr, "Removed "+dave+" from team "+team)
		r = c.boundTo(t).run("", "team", "users", "remove", team, bob)
		expectCode(t, r, 0)
		membersHasLine(t, r.Stderr, "User "+bob+" is not a member of team "+team+": nothing to do")
		got := membersTeamMembers(t, teamID, ids...)
		if !got[ids[0]] || got[ids[1]] || !got[ids[2]] || got[ids[3]] {
			t.Errorf("members after remove: %v", got)
		}
	})

	t.Run("archived team: add refused, remove and list still work", func(t *testing.T) {
		archivedID, archived := createUserTeam(t)
		addToTeam(t, archivedID, ids[0])
		if status, b := api(t, http.MethodDelete, "/api/v4/teams/"+archivedID, nil); status != http.StatusOK {
			t.Fatalf("archiving: HTTP %d %s", status, b)
		}
		r := c.boundTo(t).run("", "team", "users", "add", archived, bob)
		expectCode(t, r, 1)
		if !strings.Contains(r.Stderr, "archived") || membersTeamMembers(t, archivedID, ids[1])[ids[1]] {
			t.Errorf("stderr %q", r.Stderr)
		}
		r = c.boundTo(t).run("", "team", "users", "list", archived, "--format", "plain")
		expectCode(t, r, 0)
		if !strings.Contains(r.Stdout, "\t"+alice+"\t") {
			t.Errorf("list of the archived team: %q", r.Stdout)
		}
		r = c.boundTo(t).run("", "team", "users", "remove", archived, alice)
		expectCode(t, r, 0)
		if membersTeamMembers(t, archivedID, ids[0])[ids[0]] {
			t.Error("alice is still a member of the archived team")
		}
	})

	t.Run("unknown team: exit 5", func(t *testing.T) {
		r := c.boundTo(t).run("", "team", "users", "add", "no-such-team-"+team, alice)
		expectCode(t, r, 5)
		r = c.boundTo(t).run("", "team", "users", "list", "no-such-team-"+team)
		expectCode(t, r, 5)
	})
}

func TestMembersChannelUsers(t *testing.T) {
	c := newCLI(t)
	c.login("members-channel")
	teamID, team := createUserTeam(t)
	channelID, channel := membersCreateChannel(t, teamID, "P")
	names, ids := createUsers(t, "mcu", 4)
	alice, bob, carol, outsider := names[0], names[1], names[2], names[3]
	for _, id := range ids[:3] {
		addToTeam(t, teamID, id)
	}
	qualified := team + ":" + channel

	t.Run("add: team:channel, a user outside the team fails with the fix", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "users", "add", qualified, alice, bob, outsider)
		expectCode(t, r, 3)
		membersHasLine(t, r.Stderr, "Added "+alice+" to channel "+qualified)
		membersHasLine(t, r.Stderr, "Added "+bob+" to channel "+qualified)
		membersHasLine(t, r.Stderr, fmt.Sprintf("%s: not a member of team %s; add them to the team first: matterctl team users add %s %s", outsider, team, team, outsider))
		got := membersChannelMembers(t, channelID, ids...)
		if !got[ids[0]] || !got[ids[1]] || got[ids[2]] || got[ids[3]] {
			t.Errorf("members after add: %v", got)
		}
	})

	t.Run("add: a bare name with --team, a bare unique name, and by ID; members already", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "users", "add", channel, "--team", team, carol, alice)
		expectCode(t, r, 0)
		membersHasLine(t, r.Stderr, "Added "+carol+" to channel "+qualified)
		membersHasLine(t, r.Stderr, "User "+alice+" is already a member of channel "+qualified+": nothing to do")
		r = c.boundTo(t).run("", "channel", "users", "add", channel, carol)
		expectCode(t, r, 0)
		membersHasLine(t, r.Stderr, "User "+carol+" is already a member of channel "+qualified+": nothing to do")
		r = c.boundTo(t).run("", "channel", "users", "add", channelID, carol, "--json")
		expectCode(t, r, 0)
		rows := decodeJSON[[]membersRow](t, r.Stdout)
		if len(rows) != 1 || !rows[0].OK || rows[0].Changed == nil || *rows[0].Changed {
			t.Errorf("rows = %+v", rows)
		}
	})

	t.Run("list: members with their channel roles", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "users", "list", qualified, "--json")
		expectCode(t, r, 0)
		members := decodeJSON[[]map[string]any](t, r.Stdout)
		var listed []string
		for _, m := range members {
			listed = append(listed, m["username"].(string))
			cm, _ := m["channel_member"].(map[string]any)
			if cm == nil || cm["channel_id"] != channelID || !strings.Contains(cm["roles"].(string), "channel_user") {
				t.Errorf("member %v", m)
			}
		}
		want := []string{srv.AdminUser, alice, bob, carol}
		slices.Sort(want)
		if !slices.Equal(listed, want) {
			t.Errorf("listed %v, want %v", listed, want)
		}
		if n := membersChannelCount(t, channelID); n != len(listed) {
			t.Errorf("the server counts %d members, the list has %d", n, len(listed))
		}
	})

	t.Run("remove: a member, a non-member, dry run first", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "users", "remove", qualified, bob, outsider, "--dry-run")
		expectCode(t, r, 0)
		membersHasLine(t, r.Stderr, "would remove "+bob+" from channel "+qualified)
		membersHasLine(t, r.Stderr, "user "+outsider+" is not a member of channel "+qualified+": nothing would change")
		if !membersChannelMembers(t, channelID, ids[1])[ids[1]] {
			t.Fatal("the dry run removed bob")
		}
		r = c.boundTo(t).run("", "channel", "users", "remove", qualified, bob, outsider)
		expectCode(t, r, 0)
		membersHasLine(t, r.Stderr, "Removed "+bob+" from channel "+qualified)
		if membersChannelMembers(t, channelID, ids[1])[ids[1]] {
			t.Error("bob is still a member")
		}
	})

	t.Run("town-square: members leave it with the team", func(t *testing.T) {
		r := c.boundTo(t).run("", "channel", "users", "remove", team+":town-square", alice)
		expectCode(t, r, 1)
		if !strings.Contains(r.Stderr, "matterctl team users remove "+team+" "+alice) {
			t.Errorf("stderr %q", r.Stderr)
		}
		r = c.boundTo(t).run("", "channel", "users", "remove", team+":town-square", "--all-users")
		expectCode(t, r, 1)
	})

	t.Run("archived channel: add refused, list and remove work", func(t *testing.T) {
		archivedID, archived := membersCreateChannel(t, teamID, "O")
		apiJSON[map[string]any](t, http.MethodPost, "/api/v4/channels/"+archivedID+"/members", map[string]string{"user_id": ids[0]})
		if status, b := api(t, http.MethodDelete, "/api/v4/channels/"+archivedID, nil); status != http.StatusOK {
			t.Fatalf("archiving: HTTP %d %s", status, b)
		}
		q := team + ":" + archived
		r := c.boundTo(t).run("", "channel", "users", "add", q, bob)
		expectCode(t, r, 1)
		r = c.boundTo(t).run("", "channel", "users", "list", q, "--format", "plain")
		expectCode(t, r, 0)
		if !strings.Contains(r.Stdout, "\t"+alice+"\t") {
			t.Errorf("list: %q", r.Stdout)
		}
		r = c.boundTo(t).run("", "channel", "users", "remove", q, alice)
		expectCode(t, r, 0)
		if membersChannelMembers(t, archivedID, ids[0])[ids[0]] {
			t.Error("alice is still a member of the archived channel")
		}
	})
}

// TestMembersChannelRemoveAllUsers empties a channel of more than 200 members (mmctl fetches
// one page of them), keeping the caller, without a terminal and so without a question.
func TestMembersChannelRemoveAllUsers(t *testing.T) {
	const n = 205
	c := newCLI(t)
	c.login("members-all")
	teamID, team := createUserTeam(t)
	channelID, channel := membersCreateChannel(t, teamID, "O")
	names, _ := createUsers(t, "mall", n)
	qualified := team + ":" + channel
	file := userTempFile(t, "users.txt", strings.Join(names, "\n")+"\n")

	// Filled with matterctl itself: the team in batches, the channel one by one.
	c.mustRun("", "team", "users", "add", team, "--file", file)
	c.mustRun("", "channel", "users", "add", qualified, "--file", file, "--parallel", "16")
	if got := membersChannelCount(t, channelID); got != n+1 {
		t.Fatalf("the channel has %d members, want %d", got, n+1)
	}

	r := c.run("", "channel", "users", "remove", qualified, "--all-users", "--dry-run", "--json")
	expectCode(t, r, 0)
	if rows := decodeJSON[[]membersRow](t, r.Stdout); len(rows) != n {
		t.Errorf("the dry run lists %d removals, want %d", len(rows), n)
	}
	if got := membersChannelCount(t, channelID); got != n+1 {
		t.Fatalf("the dry run changed the channel: %d members", got)
	}

	r = c.run("", "channel", "users", "remove", qualified, "--all-users")
	expectCode(t, r, 0)
	membersHasLine(t, r.Stderr, fmt.Sprintf("Keeping %s (you) in channel %s: name yourself to remove yourself", srv.AdminUser, qualified))
	if got := strings.Count(r.Stderr, "Removed "); got != n {
		t.Errorf("%d removal lines, want %d", got, n)
	}
	if got := membersChannelCount(t, channelID); got != 1 {
		t.Errorf("the channel has %d members after --all-users, want 1 (the caller)", got)
	}
	members := apiJSON[[]map[string]any](t, http.MethodGet, "/api/v4/channels/"+channelID+"/members?per_page=200", nil)
	if len(members) != 1 || members[0]["user_id"] != apiJSON[map[string]any](t, http.MethodGet, "/api/v4/users/me", nil)["id"] {
		t.Errorf("members left: %v", members)
	}

	r = c.run("", "channel", "users", "remove", qualified, "--all-users")
	expectCode(t, r, 0)
	membersHasLine(t, r.Stderr, "channel "+qualified+" has no other members to remove")
}
