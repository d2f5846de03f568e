//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// Names the server hands back that try to drive the terminal: set the window title, clear the
// screen, and a C1 control sequence introducer.
const (
	escTitle = "\x1b]0;pwned\x07"
	escClear = "\x1b[2J"
	escC1    = "\u009b31m"
)

// badCase is one command line that must fail cleanly.
type badCase struct {
	name  string
	args  []string
	stdin string
	code  int
	msg   string   // a substring of stderr
	also  []string // more substrings of stderr
	// hint allows a second stderr line starting with "hint: " (the convention for network and
	// credential errors).
	hint bool
	// stdout allows output on stdout: `api` prints the server's error body, as `gh api` does.
	stdout bool
	env    []string // extra environment, KEY=VALUE
	// rootSkip is the reason to skip the case when running as root (file permissions).
	rootSkip string
}

// badFiles are the prepared input files of the bad-input cases.
type badFiles struct {
	missing    string // does not exist
	unreadable string // mode 000
	empty      string // zero bytes
	emptyCSV   string // zero bytes, .csv
	huge       string // 20 MB of random bytes
	hugeCSV    string // a CSV header and one 20 MB field
	hugeLine   string // one 20 MB line, no newline
	// 1 MB names in otherwise well-formed rows: the messages quote them cut short.
	hugeTeamName, hugeUserName, hugeChannelName string
	csvAsJSON                                   string // CSV content in a .jsonl file
	binary                                      string // every byte value, repeated
	badJSON                                     string // truncated JSON
	jsonArray                                   string // a JSON array where the API expects an object
	directory                                   string // a directory where a file is expected
}

func newBadFiles(t *testing.T) badFiles {
	t.Helper()
	dir := t.TempDir()
	f := badFiles{
		missing:    filepath.Join(dir, "missing.csv"),
		unreadable: filepath.Join(dir, "unreadable.txt"),
		empty:      filepath.Join(dir, "empty.txt"),
		emptyCSV:   filepath.Join(dir, "empty.csv"),
		huge:       filepath.Join(dir, "huge.bin"),
		hugeCSV:    filepath.Join(dir, "huge.csv"),
		hugeLine:   filepath.Join(dir, "huge.txt"),
		csvAsJSON:  filepath.Join(dir, "users.jsonl"),
		binary:     filepath.Join(dir, "binary.dat"),
		badJSON:    filepath.Join(dir, "truncated.json"),
		jsonArray:  filepath.Join(dir, "array.json"),
		directory:  filepath.Join(dir, "adir"),

		hugeTeamName:    filepath.Join(dir, "teams-huge-name.csv"),
		hugeUserName:    filepath.Join(dir, "users-huge-name.csv"),
		hugeChannelName: filepath.Join(dir, "channels-huge-name.csv"),
	}
	junk := make([]byte, 20<<20)
	// Deterministic pseudo-random junk (xorshift): every byte value, no structure.
	x := uint32(2463534242)
	for i := range junk {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		junk[i] = byte(x)
	}
	bin := bytes.Repeat(func() []byte {
		b := make([]byte, 256)
		for i := range b {
			b[i] = byte(i)
		}
		return b
	}(), 16)
	write := func(path string, b []byte, mode os.FileMode) {
		if err := os.WriteFile(path, b, mode); err != nil {
			t.Fatal(err)
		}
	}
	write(f.unreadable, []byte("alice\n"), 0o600)
	if err := os.Chmod(f.unreadable, 0); err != nil {
		t.Fatal(err)
	}
	write(f.empty, nil, 0o600)
	write(f.emptyCSV, nil, 0o600)
	write(f.huge, junk, 0o600)
	write(f.hugeCSV, append([]byte("name,display_name\n"), bytes.Repeat([]byte("x"), 20<<20)...), 0o600)
	write(f.hugeLine, bytes.Repeat([]byte("a"), 20<<20), 0o600)
	mb := strings.Repeat("x", 1<<20)
	write(f.hugeTeamName, []byte("name,display_name\n"+mb+",X\n"), 0o600)
	write(f.hugeUserName, []byte("username,email,password\n"+mb+",bad-huge@example.com,Bad-Passw0rd!\n"), 0o600)
	write(f.hugeChannelName, []byte("team,name,display_name\nbad-nosuchteam,"+mb+",X\n"), 0o600)
	write(f.csvAsJSON, []byte("username,email,password\n"), 0o600)
	write(f.binary, bin, 0o600)
	write(f.badJSON, []byte(`{"username": "bad-trunc", `), 0o600)
	write(f.jsonArray, []byte(`["not", "an", "object"]`), 0o600)
	if err := os.Mkdir(f.directory, 0o700); err != nil {
		t.Fatal(err)
	}
	return f
}

// badFixtures are server objects whose names carry terminal escape sequences, and a channel name
// that two teams share.
type badFixtures struct {
	user, userID   string // first name, last name, nickname and position hold escapes
	team1, team2   string // team1's display name holds escapes
	team1ID        string
	dupChannel     string // a channel of this name in team1 and in team2
	channelDisplay string
	bot            string // display name and description hold escapes
	channel1ID     string // dupChannel in team1
	// hookDup names two incoming webhooks; escHook is the ID of one whose display name and
	// description hold escapes. Both are empty when the server refuses incoming webhooks.
	hookDup, escHook string
	hookIDs          []string // the two named hookDup, then escHook
}

func newBadFixtures(t *testing.T) badFixtures {
	t.Helper()
	fx := badFixtures{
		user:       unique("bad-esc"),
		team1:      unique("bad-t"),
		team2:      unique("bad-t"),
		dupChannel: unique("bad-dup"),
		bot:        unique("bad-bot"),
	}
	u := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/users", map[string]any{
		"username":   fx.user,
		"email":      fx.user + "@example.com",
		"password":   "Passw0rd-" + fx.user,
		"first_name": escTitle + "First",
		"last_name":  escClear + "Last",
		"nickname":   "Nick" + escC1,
		"position":   "Pos\r\x08\x7f",
	})
	fx.userID = u["id"].(string)
	t.Cleanup(func() { api(t, http.MethodDelete, "/api/v4/users/"+fx.userID, nil) })

	var teamIDs []string
	for i, name := range []string{fx.team1, fx.team2} {
		display := "Team " + name
		if i == 0 {
			display = escTitle + "Team" + escClear
		}
		tm := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/teams", map[string]any{
			"name": name, "display_name": display, "type": "O",
		})
		id := tm["id"].(string)
		teamIDs = append(teamIDs, id)
		t.Cleanup(func() { api(t, http.MethodDelete, "/api/v4/teams/"+id, nil) })
		fx.channelDisplay = escClear + escTitle + "Chan" + escC1
		ch := apiJSON[map[string]any](t, http.MethodPost, "/api/v4/channels", map[string]any{
			"team_id": id, "name": fx.dupChannel, "display_name": fx.channelDisplay, "type": "O",
		})
		if i == 0 {
			fx.channel1ID = ch["id"].(string)
		}
	}
	fx.team1ID = teamIDs[0]
	apiJSON[map[string]any](t, http.MethodPost, "/api/v4/teams/"+fx.team1ID+"/members", map[string]any{
		"team_id": fx.team1ID, "user_id": fx.userID,
	})
	apiJSON[map[string]any](t, http.MethodPost, "/api/v4/bots", map[string]any{
		"username": fx.bot, "display_name": escTitle + "Bot", "description": escClear + "desc" + escC1,
	})

	hookDup := unique("bad-hook")
	var hookIDs []string
	for _, h := range []map[string]any{
		{"display_name": hookDup},
		{"display_name": hookDup},
		{"display_name": escTitle + "Hook" + escClear, "description": "desc" + escC1},
	} {
		h["channel_id"] = fx.channel1ID
		status, b := api(t, http.MethodPost, "/api/v4/hooks/incoming", h)
		if status != http.StatusCreated {
			t.Logf("no webhook fixtures: POST /hooks/incoming: HTTP %d %s", status, b)
			break
		}
		var hook map[string]any
		if err := json.Unmarshal(b, &hook); err != nil {
			t.Fatal(err)
		}
		id := hook["id"].(string)
		hookIDs = append(hookIDs, id)
		t.Cleanup(func() { api(t, http.MethodDelete, "/api/v4/hooks/incoming/"+id, nil) })
	}
	if len(hookIDs) == 3 {
		fx.hookDup, fx.escHook, fx.hookIDs = hookDup, hookIDs[2], hookIDs
	}
	return fx
}

// stackTrace matches what a Go panic or a stack dump prints.
var stackTrace = regexp.MustCompile(`panic:|goroutine \d+|\.go:\d+|runtime\.|\[recovered\]`)

// controlIn returns a description of the first terminal control character in s (C0 other than
// tab and newline, DEL, C1, or a byte that is not UTF-8), or "".
func controlIn(s string) string {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && len(s[i:]) > 0:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return fmt.Sprintf("invalid UTF-8 byte %#x at %d", s[i], i)
			}
		case r == '\t' || r == '\n':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return fmt.Sprintf("control character %U at %d in %q", r, i, clip(s[max(0, i-40):min(len(s), i+40)]))
		}
	}
	return ""
}

// visible clips s for a failure message and escapes its control characters, so that reading
// the test log does not drive the terminal either.
func visible(s string) string {
	s = clip(s)
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				fmt.Fprintf(&b, `\x%02x`, s[i])
				continue
			}
			b.WriteRune(r)
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkClean fails when out holds a terminal control character, or a stack trace.
func checkClean(t *testing.T, what, out string) {
	t.Helper()
	if c := controlIn(out); c != "" {
		t.Errorf("%s: %s", what, c)
	}
	if m := stackTrace.FindString(out); m != "" {
		t.Errorf("%s looks like a stack trace (%q):\n%s", what, m, visible(out))
	}
}

// checkBad asserts how one bad command line failed.
func checkBad(t *testing.T, bc badCase, r result) {
	t.Helper()
	if r.Code != bc.code {
		t.Errorf("exit code %d, want %d", r.Code, bc.code)
	}
	stderr := strings.TrimSpace(r.Stderr)
	if len(stderr) > 2048 {
		t.Errorf("stderr is %d bytes long, want a short message: %s", len(stderr), visible(stderr))
	}
	lines := strings.Split(stderr, "\n")
	switch {
	case stderr == "":
		t.Errorf("nothing on stderr")
	case len(lines) == 2 && bc.hint && strings.HasPrefix(lines[1], "hint: "):
	case len(lines) != 1:
		t.Errorf("stderr has %d lines, want one:\n%s", len(lines), visible(stderr))
	}
	for _, m := range append([]string{bc.msg}, bc.also...) {
		if !strings.Contains(stderr, m) {
			t.Errorf("stderr lacks %q:\n%s", m, visible(stderr))
		}
	}
	checkClean(t, "stderr", r.Stderr)
	checkClean(t, "stdout", r.Stdout)
	jsonMode := slices.Contains(bc.args, "--json")
	switch {
	case jsonMode && isCompleteJSON(r.Stdout):
		t.Errorf("stdout holds a complete JSON document, as if the command had succeeded: %s", visible(r.Stdout))
	case !bc.stdout && !jsonMode && r.Stdout != "":
		t.Errorf("stdout is not empty: %s", visible(r.Stdout))
	}
	if bc.stdout && isCompleteJSON(r.Stdout) && !strings.Contains(r.Stdout, `"status_code"`) && !strings.Contains(r.Stdout, `"message"`) {
		t.Errorf("stdout holds a complete JSON document that is not an error: %s", visible(r.Stdout))
	}
	if t.Failed() {
		t.Logf("matterctl %q: exit %d\nstdout: %s\nstderr: %s", bc.args, r.Code, visible(r.Stdout), visible(r.Stderr))
	}
}

// isCompleteJSON tells whether s is one whole JSON document (a list cut short by an error is not).
func isCompleteJSON(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && json.Valid([]byte(s))
}

// badInputCases is the table: bad command lines for every command group, with the exit code and
// a part of the message each must give.
func badInputCases(f badFiles, fx badFixtures) []badCase {
	const absentID = "4xp9fdt7pbgium38k4dpd1ey3h" // well formed, names nothing
	pw := "Passw0rd-bad1!"
	dup := fx.dupChannel
	cases := []badCase{
		// Unknown commands and flags.
		{name: "root/unknown-command", args: []string{"frobnicate"}, code: 2, msg: `unknown command "frobnicate" for "matterctl"`},
		{name: "root/unknown-flag", args: []string{"--frobnicate"}, code: 2, msg: "unknown flag: --frobnicate"},
		{name: "root/unknown-shorthand", args: []string{"-Z", "version"}, code: 2, msg: "unknown shorthand flag: 'Z'"},
		{name: "root/bad-format", args: []string{"--format", "xml", "user", "list"}, code: 2, msg: `unknown --format "xml"`},
		{name: "root/bad-timeout", args: []string{"--timeout", "abc", "version"}, code: 2, msg: `invalid argument "abc" for "--timeout"`},
		{name: "root/negative-timeout", args: []string{"--timeout", "-1s", "version"}, code: 2, msg: "--timeout must be positive"},
		{name: "root/bad-jq", args: []string{"user", "list", "--jq", ".["}, code: 2, msg: "invalid --jq expression"},
		{name: "root/jq-error", args: []string{"user", "list", "--jq", `error("boom")`}, code: 1, msg: "boom"},
		{name: "root/unknown-help-topic", args: []string{"help", "nosuchtopic"}, code: 2, msg: "nosuchtopic"},
		{name: "user/list-unknown-role", args: []string{"user", "list", "--role", "bogus"}, code: 2, msg: `--role "bogus": the server has no such role`},
		{name: "user/list-unknown-role-json", args: []string{"user", "list", "--role", "bogus", "--json"}, code: 2, msg: `--role "bogus": the server has no such role`},
		{name: "user/list-malformed-role", args: []string{"user", "list", "--role", "System Admin"}, code: 2, msg: `--role "System Admin": not a role name`},
		{name: "channel/list-missing-teams", args: []string{"channel", "list", "bad-nosuchteam", "bad-nosuchteam2"}, code: 5, msg: `error: bad-nosuchteam: team "bad-nosuchteam" not found; bad-nosuchteam2: team`},
		{name: "webhook/list-missing-teams", args: []string{"webhook", "list", "bad-nosuchteam", "bad-nosuchteam2"}, code: 5, msg: `error: bad-nosuchteam: team "bad-nosuchteam" not found; bad-nosuchteam2: team`},
		{name: "root/unknown-profile", args: []string{"--server", "nosuch", "user", "list"}, code: 4, msg: `no profile named "nosuch"`},
		{name: "root/ca-file-missing", args: []string{"--ca-file", f.missing, "user", "list"}, code: 1, msg: f.missing},
		{name: "root/ca-file-binary", args: []string{"--ca-file", f.binary, "user", "list"}, code: 1, msg: "contains no PEM certificates"},
		{name: "root/ca-file-directory", args: []string{"--ca-file", f.directory, "user", "list"}, code: 1, msg: f.directory},
		{name: "root/local-no-socket", args: []string{"--local", "user", "list"}, env: []string{"MATTERCTL_LOCAL_SOCKET=" + f.missing}, code: 1, msg: "does not exist"},
		{name: "env/url-without-token", args: []string{"user", "list"}, env: []string{"MATTERCTL_URL=" + srv.URL}, code: 4, msg: "MATTERCTL_TOKEN is not"},
		{name: "env/bad-token", args: []string{"user", "list"}, env: []string{"MATTERCTL_URL=" + srv.URL, "MATTERCTL_TOKEN=badtoken"}, code: 4, msg: "Invalid or expired session", hint: true},
		{name: "env/token-escape", args: []string{"user", "list"}, env: []string{"MATTERCTL_URL=" + srv.URL, "MATTERCTL_TOKEN=x" + escClear}, code: 4, msg: "MATTERCTL_TOKEN"},
		{name: "env/url-escape", args: []string{"user", "list"}, env: []string{"MATTERCTL_URL=" + srv.URL + "/" + escClear, "MATTERCTL_TOKEN=x"}, code: 1, msg: "MATTERCTL_URL: invalid server URL"},
		{name: "env/url-not-a-url", args: []string{"user", "list"}, env: []string{"MATTERCTL_URL=not a url", "MATTERCTL_TOKEN=x"}, code: 1, msg: "MATTERCTL_URL: invalid server URL"},

		// auth
		{name: "auth/unknown-subcommand", args: []string{"auth", "frob"}, code: 2, msg: `unknown command "frob" for "matterctl auth"`},
		{name: "auth/login-not-interactive", args: []string{"auth", "login"}, code: 2, msg: "not running interactively"},
		{name: "auth/login-bad-scheme", args: []string{"auth", "login", "ftp://x", "--username", "admin", "--password-stdin"}, stdin: pw, code: 2, msg: `invalid server URL "ftp://x"`},
		{name: "auth/login-url-escape", args: []string{"auth", "login", srv.URL + "/" + escClear, "--username", "admin", "--password-stdin", "--dry-run"}, stdin: pw, code: 2, msg: "invalid server URL"},
		{name: "auth/login-stdin-twice", args: []string{"auth", "login", srv.URL, "--token-stdin", "--password-stdin"}, code: 2, msg: "cannot be used together"},
		{name: "auth/login-wrong-password", args: []string{"auth", "login", srv.URL, "--username", srv.AdminUser, "--password-stdin", "--dry-run"}, stdin: "wrong", code: 4, msg: "login failed"},
		{name: "auth/login-unknown-user", args: []string{"auth", "login", srv.URL, "--username", "bad-nosuchuser", "--password-stdin", "--dry-run"}, stdin: pw, code: 4, msg: "login failed"},
		{name: "auth/login-bad-token", args: []string{"auth", "login", srv.URL, "--token-stdin", "--dry-run"}, stdin: "notatoken", code: 4, msg: "login failed"},
		{name: "auth/login-empty-stdin", args: []string{"auth", "login", srv.URL, "--username", "admin", "--password-stdin", "--dry-run"}, code: 1, msg: "no secret on standard input"},
		{name: "auth/login-password-file-missing", args: []string{"auth", "login", srv.URL, "--username", "admin", "--password-file", f.missing, "--dry-run"}, code: 1, msg: f.missing},
		{name: "auth/login-password-file-empty", args: []string{"auth", "login", srv.URL, "--username", "admin", "--password-file", f.empty, "--dry-run"}, code: 1, msg: "is empty"},
		{name: "auth/login-password-file-unreadable", args: []string{"auth", "login", srv.URL, "--username", "admin", "--password-file", f.unreadable, "--dry-run"}, code: 1, msg: "permission denied", rootSkip: "root reads mode-000 files"},
		{name: "auth/login-password-file-directory", args: []string{"auth", "login", srv.URL, "--username", "admin", "--password-file", f.directory, "--dry-run"}, code: 1, msg: f.directory},
		{name: "auth/login-token-file-binary", args: []string{"auth", "login", srv.URL, "--access-token-file", f.binary, "--dry-run"}, code: 1, msg: f.binary},
		{name: "auth/login-refused", args: []string{"auth", "login", "http://127.0.0.1:1", "--username", "admin", "--password-stdin", "--dry-run"}, stdin: pw, code: 1, msg: "cannot reach http://127.0.0.1:1", hint: true},
		{name: "auth/login-bad-profile-name", args: []string{"auth", "login", srv.URL, "--name", "bad" + escClear, "--username", "admin", "--password-stdin", "--dry-run"}, stdin: pw, code: 2, msg: "invalid profile name"},
		{name: "auth/set-missing", args: []string{"auth", "set", "bad-nosuch"}, code: 5, msg: `profile "bad-nosuch" not found`},
		{name: "auth/set-empty", args: []string{"auth", "set", ""}, code: 2, msg: "is empty"},
		{name: "auth/set-escape", args: []string{"auth", "set", escTitle}, code: 5, msg: "not found"},
		{name: "auth/delete-missing", args: []string{"auth", "delete", "bad-nosuch"}, code: 5, msg: `profile "bad-nosuch" not found`},
		{name: "auth/renew-missing", args: []string{"auth", "renew", "bad-nosuch"}, code: 5, msg: `profile "bad-nosuch" not found`},
		{name: "auth/list-extra-arg", args: []string{"auth", "list", "extra"}, code: 2, msg: "extra"},
		{name: "auth/status-unknown-flag", args: []string{"auth", "status", "--bogus"}, code: 2, msg: "unknown flag: --bogus"},

		// user
		{name: "user/unknown-subcommand", args: []string{"user", "frob"}, code: 2, msg: `unknown command "frob" for "matterctl user"`},
		{name: "user/show-no-args", args: []string{"user", "show"}, code: 2, msg: "give at least one user"},
		{name: "user/show-empty", args: []string{"user", "show", ""}, code: 2, msg: "argument 1 (<user>) is empty"},
		{name: "user/show-blank", args: []string{"user", "show", "   "}, code: 2, msg: "only whitespace"},
		{name: "user/show-missing", args: []string{"user", "show", "bad-nosuchuser"}, code: 5, msg: `user "bad-nosuchuser" not found`},
		{name: "user/show-absent-id", args: []string{"user", "show", absentID}, code: 5, msg: "not found"},
		{name: "user/show-id-too-long", args: []string{"user", "show", absentID + "x"}, code: 5, msg: "not found"},
		{name: "user/show-absent-email", args: []string{"user", "show", "bad-nosuch@example.com"}, code: 5, msg: "not found"},
		{name: "user/show-escape", args: []string{"user", "show", "a" + escTitle + "b"}, code: 5, msg: "not found"},
		{name: "user/show-invalid-utf8", args: []string{"user", "show", "\xff\xfe"}, code: 5, msg: "not found"},
		{name: "user/show-file-missing", args: []string{"user", "show", "--file", f.missing}, code: 1, msg: f.missing},
		{name: "user/show-file-unreadable", args: []string{"user", "show", "--file", f.unreadable}, code: 1, msg: "permission denied", rootSkip: "root reads mode-000 files"},
		{name: "user/show-file-empty", args: []string{"user", "show", "--file", f.empty}, code: 2, msg: "give at least one user"},
		{name: "user/show-file-huge-line", args: []string{"user", "show", "--file", f.hugeLine}, code: 1, msg: f.hugeLine},
		{name: "user/show-file-binary", args: []string{"user", "show", "--file", f.binary}, code: 1, msg: f.binary},
		{name: "user/show-stdin-escape", args: []string{"user", "show", "--file", "-"}, stdin: "bad" + escClear + "name\n", code: 5, msg: "not found"},
		{name: "user/show-stdin-empty", args: []string{"user", "show", "--file", "-"}, code: 2, msg: "give at least one user"},
		{name: "user/show-file-directory", args: []string{"user", "show", "--file", f.directory}, code: 1, msg: f.directory},
		{name: "user/list-bad-page", args: []string{"user", "list", "--page", "-1"}, code: 2, msg: "--page must be 0 or more"},
		{name: "user/list-bad-per-page", args: []string{"user", "list", "--per-page", "0"}, code: 2, msg: "--per-page must be at least 1"},
		{name: "user/list-per-page-not-int", args: []string{"user", "list", "--per-page", "many"}, code: 2, msg: `invalid argument "many"`},
		{name: "user/list-missing-team", args: []string{"user", "list", "--team", "bad-nosuchteam"}, code: 5, msg: `error: team "bad-nosuchteam" not found`},
		{name: "user/list-missing-team-json", args: []string{"user", "list", "--team", "bad-nosuchteam", "--json"}, code: 5, msg: `error: team "bad-nosuchteam" not found`},
		{name: "user/list-missing-team-table", args: []string{"user", "list", "--team", "bad-nosuchteam", "--format", "table"}, code: 5, msg: `error: team "bad-nosuchteam" not found`},
		{name: "user/show-missing-table", args: []string{"user", "show", "bad-nosuchuser", "--format", "table"}, code: 5, msg: `user "bad-nosuchuser" not found`},
		{name: "user/show-missing-json", args: []string{"user", "show", "bad-nosuchuser", "--json"}, code: 5, msg: `user "bad-nosuchuser" not found`},
		{name: "user/preference-get-escape", args: []string{"user", "preference", "get", escClear, "-c", "x", "-n", "y"}, code: 5, msg: "not found"},
		{name: "user/create-no-flags", args: []string{"user", "create"}, code: 2, msg: "required flag(s)"},
		{name: "user/create-invalid-email", args: []string{"user", "create", "--username", "bad-x", "--email", "notanemail", "--password", pw}, code: 2, msg: `invalid email address "notanemail"`},
		{name: "user/create-email-two-ats", args: []string{"user", "create", "--username", "bad-x", "--email", "a@b@example.com", "--password", pw, "--dry-run"}, code: 2, msg: "invalid email address"},
		{name: "user/create-empty-username", args: []string{"user", "create", "--username", "", "--email", "bad@example.com", "--password", pw}, code: 2, msg: "username"},
		{name: "user/create-escape-username", args: []string{"user", "create", "--username", "bad" + escClear, "--email", "bad@example.com", "--password", pw, "--dry-run"}, code: 2, msg: "invalid username"},
		{name: "user/create-invalid-utf8-username", args: []string{"user", "create", "--username", "bad\xff", "--email", "bad@example.com", "--password", pw, "--dry-run"}, code: 2, msg: "invalid username"},
		{name: "user/create-file-missing", args: []string{"user", "create", "--file", f.missing}, code: 1, msg: f.missing},
		{name: "user/create-file-empty", args: []string{"user", "create", "--file", f.emptyCSV}, code: 2, msg: "holds no users"},
		{name: "user/create-file-huge", args: []string{"user", "create", "--file", f.huge, "--dry-run"}, code: 1, msg: f.huge},
		{name: "user/create-file-csv-as-jsonl", args: []string{"user", "create", "--file", f.csvAsJSON, "--dry-run"}, code: 1, msg: "invalid JSON"},
		{name: "user/create-file-truncated-json", args: []string{"user", "create", "--file", f.badJSON, "--dry-run"}, code: 1, msg: "invalid JSON"},
		{name: "user/create-file-binary", args: []string{"user", "create", "--file", f.binary, "--dry-run"}, code: 1, msg: "unknown column"},
		{name: "user/create-file-directory", args: []string{"user", "create", "--file", f.directory, "--dry-run"}, code: 1, msg: "is a directory"},
		{name: "user/edit-email-invalid", args: []string{"user", "edit", "email", fx.user, "notanemail"}, code: 2, msg: `invalid email address "notanemail"`},
		{name: "user/edit-email-missing-user", args: []string{"user", "edit", "email", "bad-nosuchuser", "bad@example.com"}, code: 5, msg: `user "bad-nosuchuser" not found`},
		{name: "user/edit-username-one-arg", args: []string{"user", "edit", "username", fx.user}, code: 2, msg: "got 1 argument(s)"},
		{name: "user/invite-invalid-email", args: []string{"user", "invite", "not an email", fx.team1}, code: 2, msg: "invalid email address"},
		{name: "user/invite-no-team", args: []string{"user", "invite", "bad@example.com"}, code: 2, msg: "at least one team"},
		{name: "user/invite-missing-team", args: []string{"user", "invite", "bad@example.com", "bad-nosuchteam"}, code: 5, msg: `team "bad-nosuchteam" not found`},
		{name: "user/preference-set-no-category", args: []string{"user", "preference", "set", fx.user}, code: 2, msg: "--category is required"},
		{name: "user/change-password-empty-file", args: []string{"user", "change-password", fx.user, "--password-file", f.empty}, code: 1, msg: "is empty"},
		{name: "user/delete-missing", args: []string{"user", "delete", "bad-nosuchuser", "--confirm"}, code: 5, msg: `user "bad-nosuchuser" not found`},
		{name: "user/deleteall-not-local", args: []string{"user", "deleteall"}, code: 2, msg: "only in local mode"},
		{name: "user/convert-no-direction", args: []string{"user", "convert", fx.user}, code: 2, msg: "give --bot"},
		{name: "user/activate-escape", args: []string{"user", "activate", escClear + "x"}, code: 5, msg: "not found"},

		// token
		{name: "token/generate-no-args", args: []string{"token", "generate"}, code: 2, msg: "expects a user and a description, got 0"},
		{name: "token/generate-one-arg", args: []string{"token", "generate", fx.user}, code: 2, msg: "got 1 argument(s)"},
		{name: "token/generate-empty-description", args: []string{"token", "generate", fx.user, ""}, code: 2, msg: "argument 2 (<description>) is empty"},
		{name: "token/generate-missing-user", args: []string{"token", "generate", "bad-nosuchuser", "desc"}, code: 5, msg: `user "bad-nosuchuser" not found`},
		{name: "token/list-missing-user", args: []string{"token", "list", "bad-nosuchuser"}, code: 5, msg: `user "bad-nosuchuser" not found`},
		{name: "token/list-missing-user-json", args: []string{"token", "list", "bad-nosuchuser", "--json"}, code: 5, msg: `user "bad-nosuchuser" not found`},
		{name: "token/list-absent-id", args: []string{"token", "list", absentID}, code: 5, msg: "not found"},
		{name: "token/list-escape-user", args: []string{"token", "list", escTitle}, code: 5, msg: "not found"},
		{name: "token/revoke-no-args", args: []string{"token", "revoke"}, code: 2, msg: "give at least one token ID"},
		{name: "token/revoke-malformed-id", args: []string{"token", "revoke", "not-an-id", "--confirm"}, code: 2, msg: "not a token ID"},
		{name: "token/revoke-absent-id", args: []string{"token", "revoke", absentID, "--confirm"}, code: 5, msg: "not found"},
		{name: "token/revoke-stdin-binary", args: []string{"token", "revoke", "--file", "-", "--confirm"}, stdin: "\xff\xfe\x00\n", code: 1, msg: "standard input:1: not a line of text"},
		{name: "token/revoke-file-missing", args: []string{"token", "revoke", "--file", f.missing, "--confirm"}, code: 1, msg: f.missing},

		// roles
		{name: "roles/unknown-subcommand", args: []string{"roles", "frob"}, code: 2, msg: `unknown command "frob" for "matterctl roles"`},
		{name: "roles/system-admin-no-args", args: []string{"roles", "system-admin"}, code: 2, msg: "give at least one user"},
		{name: "roles/system-admin-missing", args: []string{"roles", "system-admin", "bad-nosuchuser"}, code: 5, msg: `user "bad-nosuchuser" not found`},
		{name: "roles/member-missing", args: []string{"roles", "member", "bad-nosuch@example.com"}, code: 5, msg: "not found"},
		{name: "roles/list-extra-arg", args: []string{"roles", "list", "extra"}, code: 2, msg: "expects no arguments"},

		// team
		{name: "team/unknown-subcommand", args: []string{"team", "frob"}, code: 2, msg: `unknown command "frob" for "matterctl team"`},
		{name: "team/show-missing", args: []string{"team", "show", "bad-nosuchteam"}, code: 5, msg: `team "bad-nosuchteam" not found`},
		{name: "team/show-absent-id", args: []string{"team", "show", absentID}, code: 5, msg: "not found"},
		{name: "team/show-empty", args: []string{"team", "show", ""}, code: 2, msg: "argument 1 (<team>) is empty"},
		{name: "team/show-escape", args: []string{"team", "show", escClear}, code: 5, msg: "not found"},
		{name: "team/show-invalid-utf8", args: []string{"team", "show", "\xc3\x28"}, code: 5, msg: "not found"},
		{name: "team/create-bad-name", args: []string{"team", "create", "--name", "Bad Name!", "--display-name", "X", "--dry-run"}, code: 2, msg: "invalid team name"},
		{name: "team/create-invalid-email", args: []string{"team", "create", "--name", "bad-xy", "--display-name", "X", "--email", "notanemail", "--dry-run"}, code: 2, msg: `invalid email address "notanemail"`},
		{name: "team/create-no-display-name", args: []string{"team", "create", "--name", "bad-xy"}, code: 2, msg: `"display-name" not set`},
		{name: "team/create-file-empty", args: []string{"team", "create", "--file", f.emptyCSV}, code: 2, msg: "holds no teams"},
		{name: "team/create-file-huge-name", args: []string{"team", "create", "--file", f.hugeTeamName, "--dry-run"}, code: 1, msg: `invalid team name "xxx`},
		{name: "user/create-file-huge-name", args: []string{"user", "create", "--file", f.hugeUserName}, code: 1, msg: `invalid username "xxx`},
		{name: "channel/create-file-huge-name", args: []string{"channel", "create", "--file", f.hugeChannelName}, code: 1, msg: `invalid channel name "xxx`},
		{name: "team/create-huge-name-flag", args: []string{"team", "create", "--name", strings.Repeat("x", 100000), "--display-name", "X"}, code: 2, msg: `invalid team name "xxx`},
		{name: "team/create-file-huge-field", args: []string{"team", "create", "--file", f.hugeCSV, "--dry-run"}, code: 1, msg: "line 2"},
		{name: "team/create-file-unreadable", args: []string{"team", "create", "--file", f.unreadable}, code: 1, msg: "permission denied", rootSkip: "root reads mode-000 files"},
		{name: "team/create-stdin-bad-csv", args: []string{"team", "create", "--file", "-", "--dry-run"}, stdin: "name,display_name\n\"unterminated\n", code: 1, msg: "standard input:2"},
		{name: "team/rename-missing", args: []string{"team", "rename", "bad-nosuchteam", "--display-name", "Y"}, code: 5, msg: `team "bad-nosuchteam" not found`},
		{name: "team/modify-both", args: []string{"team", "modify", fx.team1, "--private", "--public"}, code: 2, msg: "cannot be used together"},
		{name: "team/delete-not-interactive", args: []string{"team", "delete", fx.team1}, code: 2, msg: "not running interactively"},
		{name: "team/delete-missing", args: []string{"team", "delete", "bad-nosuchteam", "--confirm"}, code: 5, msg: `team "bad-nosuchteam" not found`},
		{name: "team/archive-missing", args: []string{"team", "archive", "bad-nosuchteam", "--confirm"}, code: 5, msg: `team "bad-nosuchteam" not found`},
		{name: "team/users-add-no-args", args: []string{"team", "users", "add"}, code: 2, msg: "expects a team and at least one user"},
		{name: "team/users-add-missing-team", args: []string{"team", "users", "add", "bad-nosuchteam", fx.user}, code: 5, msg: `team "bad-nosuchteam" not found`},
		{name: "team/users-add-missing-user", args: []string{"team", "users", "add", fx.team1, "bad-nosuchuser"}, code: 5, msg: `user "bad-nosuchuser" not found`},
		{name: "team/list-extra-arg", args: []string{"team", "list", "extra"}, code: 2, msg: "expects no arguments"},

		// channel
		{name: "channel/unknown-subcommand", args: []string{"channel", "frob"}, code: 2, msg: `unknown command "frob" for "matterctl channel"`},
		{name: "channel/create-no-team", args: []string{"channel", "create", "--name", "bad-c", "--display-name", "C"}, code: 2, msg: `"team"`},
		{name: "channel/create-missing-team", args: []string{"channel", "create", "bad-nosuchteam", "--name", "bad-c", "--display-name", "C"}, code: 5, msg: `team "bad-nosuchteam" not found`},
		{name: "channel/create-invalid-utf8-name", args: []string{"channel", "create", fx.team1, "--name", "bad\xc3\x28", "--display-name", "C", "--dry-run"}, code: 2, msg: "invalid"},
		{name: "channel/create-escape-name", args: []string{"channel", "create", fx.team1, "--name", "bad" + escClear, "--display-name", "C", "--dry-run"}, code: 2, msg: "invalid"},
		{name: "channel/show-missing-team", args: []string{"channel", "show", "bad-nosuchteam:x"}, code: 5, msg: `team "bad-nosuchteam" not found`},
		{name: "channel/show-missing", args: []string{"channel", "show", fx.team1 + ":bad-nosuchchan"}, code: 5, msg: "not found"},
		{name: "channel/show-absent-id", args: []string{"channel", "show", absentID}, code: 5, msg: "not found"},
		{name: "channel/show-bare-missing", args: []string{"channel", "show", "bad-nosuchchan"}, code: 5, msg: `channel "bad-nosuchchan" not found`},
		{name: "channel/show-empty-name", args: []string{"channel", "show", fx.team1 + ":"}, code: 2, msg: "empty channel name"},
		{name: "channel/show-bad-team-name", args: []string{"channel", "show", "a:b:c"}, code: 5, msg: `team "a" not found`},
		{name: "channel/show-escape", args: []string{"channel", "show", fx.team1 + ":" + escClear}, code: 5, msg: "not found"},
		{name: "channel/show-ambiguous", args: []string{"channel", "show", dup}, code: 2, msg: "is ambiguous", also: []string{fx.team1 + ":" + dup, fx.team2 + ":" + dup}},
		{name: "channel/archive-ambiguous", args: []string{"channel", "archive", dup}, code: 2, msg: "is ambiguous", also: []string{fx.team1 + ":" + dup, fx.team2 + ":" + dup}},
		{name: "channel/rename-ambiguous", args: []string{"channel", "rename", dup, "--name", "bad-renamed"}, code: 2, msg: "is ambiguous", also: []string{fx.team1 + ":" + dup, fx.team2 + ":" + dup}},
		{name: "channel/users-add-ambiguous", args: []string{"channel", "users", "add", dup, fx.user}, code: 2, msg: "is ambiguous", also: []string{fx.team1 + ":" + dup, fx.team2 + ":" + dup}},
		{name: "channel/list-missing-team", args: []string{"channel", "list", "bad-nosuchteam"}, code: 5, msg: `error: team "bad-nosuchteam" not found`},
		{name: "channel/list-missing-team-json", args: []string{"channel", "list", "bad-nosuchteam", "--json"}, code: 5, msg: `error: team "bad-nosuchteam" not found`},
		{name: "channel/list-missing-team-table", args: []string{"channel", "list", "bad-nosuchteam", "--format", "table"}, code: 5, msg: `error: team "bad-nosuchteam" not found`},
		{name: "channel/list-escape-team", args: []string{"channel", "list", escTitle}, code: 5, msg: "not found"},
		{name: "channel/search-missing", args: []string{"channel", "search", "bad-nosuchchan"}, code: 5, msg: "bad-nosuchchan"},
		{name: "channel/rename-no-flags", args: []string{"channel", "rename", dup}, code: 2, msg: "give --name, --display-name or both"},
		{name: "channel/move-no-args", args: []string{"channel", "move"}, code: 2, msg: "expects a team, then channels"},
		{name: "channel/delete-not-interactive", args: []string{"channel", "delete", fx.team1 + ":" + dup}, code: 2, msg: "not running interactively"},
		{name: "channel/create-stdin-wrong-shape", args: []string{"channel", "create", fx.team1, "--file", "-", "--dry-run"}, stdin: "[1]", code: 1, msg: "expected a JSON object"},
		{name: "channel/create-file-binary", args: []string{"channel", "create", fx.team1, "--file", f.binary, "--dry-run"}, code: 1, msg: f.binary},

		// bot
		{name: "bot/unknown-subcommand", args: []string{"bot", "frob"}, code: 2, msg: `unknown command "frob" for "matterctl bot"`},
		{name: "bot/create-no-args", args: []string{"bot", "create"}, code: 2, msg: "expects a username, got 0"},
		{name: "bot/create-two-args", args: []string{"bot", "create", "bad-b", "extra"}, code: 2, msg: "got 2 argument(s)"},
		{name: "bot/create-bad-name", args: []string{"bot", "create", "Bad Bot!", "--dry-run"}, code: 2, msg: "invalid username"},
		{name: "bot/create-invalid-utf8", args: []string{"bot", "create", "\xff", "--dry-run"}, code: 2, msg: "invalid username"},
		{name: "bot/show-missing", args: []string{"bot", "show", "bad-nosuchbot"}, code: 5, msg: `bot "bad-nosuchbot" not found`},
		{name: "bot/show-absent-id", args: []string{"bot", "show", absentID}, code: 5, msg: "not found"},
		{name: "bot/show-person", args: []string{"bot", "show", fx.user}, code: 1, msg: "is a user, not a bot"},
		{name: "bot/show-escape", args: []string{"bot", "show", escC1}, code: 5, msg: "not found"},
		{name: "bot/assign-missing-owner", args: []string{"bot", "assign", fx.bot, "bad-nosuchuser"}, code: 5, msg: `user "bad-nosuchuser" not found`},
		{name: "bot/update-no-flags", args: []string{"bot", "update", fx.bot}, code: 2, msg: "give at least one of"},
		{name: "bot/show-missing-json", args: []string{"bot", "show", "bad-nosuchbot", "--json"}, code: 5, msg: `bot "bad-nosuchbot" not found`},
		{name: "bot/disable-missing", args: []string{"bot", "disable", "bad-nosuchbot"}, code: 5, msg: `bot "bad-nosuchbot" not found`},

		// webhook
		{name: "webhook/unknown-subcommand", args: []string{"webhook", "frob"}, code: 2, msg: `unknown command "frob" for "matterctl webhook"`},
		{name: "webhook/create-incoming-no-channel", args: []string{"webhook", "create-incoming"}, code: 2, msg: "--channel is required"},
		{name: "webhook/create-incoming-missing-team", args: []string{"webhook", "create-incoming", "--channel", "bad-nosuchteam:x"}, code: 5, msg: `team "bad-nosuchteam" not found`},
		{name: "webhook/create-incoming-missing-channel", args: []string{"webhook", "create-incoming", "--channel", fx.team1 + ":bad-nosuchchan"}, code: 5, msg: "not found"},
		{name: "webhook/create-incoming-ambiguous-channel", args: []string{"webhook", "create-incoming", "--channel", dup, "--dry-run"}, code: 2, msg: "is ambiguous", also: []string{fx.team1 + ":" + dup, fx.team2 + ":" + dup}},
		{name: "webhook/create-incoming-missing-user", args: []string{"webhook", "create-incoming", "--channel", fx.team1 + ":" + dup, "--user", "bad-nosuchuser", "--dry-run"}, code: 5, msg: `user "bad-nosuchuser" not found`},
		{name: "webhook/create-incoming-bad-icon", args: []string{"webhook", "create-incoming", "--channel", fx.team1 + ":" + dup, "--icon", "not a url"}, code: 2, msg: "is not an http(s) URL"},
		{name: "webhook/create-outgoing-no-url", args: []string{"webhook", "create-outgoing", "--team", fx.team1, "--trigger-word", "b"}, code: 2, msg: "--url is required"},
		{name: "webhook/create-outgoing-bad-url", args: []string{"webhook", "create-outgoing", "--team", fx.team1, "--trigger-word", "b", "--url", "not a url", "--dry-run"}, code: 2, msg: "is not an http(s) URL"},
		{name: "webhook/create-outgoing-url-escape", args: []string{"webhook", "create-outgoing", "--team", fx.team1, "--trigger-word", "b", "--url", "http://127.0.0.1:1/" + escClear, "--dry-run"}, code: 2, msg: "is not an http(s) URL"},
		{name: "webhook/create-outgoing-bad-trigger-when", args: []string{"webhook", "create-outgoing", "--team", fx.team1, "--trigger-word", "b", "--url", "http://127.0.0.1:1/x", "--trigger-when", "sometimes"}, code: 2, msg: "--trigger-when must be exact or start"},
		{name: "webhook/create-outgoing-bad-content-type", args: []string{"webhook", "create-outgoing", "--team", fx.team1, "--trigger-word", "b", "--url", "http://127.0.0.1:1/x", "--content-type", "text/xml"}, code: 2, msg: "--content-type must be"},
		{name: "webhook/create-outgoing-missing-team", args: []string{"webhook", "create-outgoing", "--team", "bad-nosuchteam", "--trigger-word", "b", "--url", "http://127.0.0.1:1/x"}, code: 5, msg: `team "bad-nosuchteam" not found`},
		{name: "webhook/show-no-args", args: []string{"webhook", "show"}, code: 2, msg: "give at least one webhook"},
		{name: "webhook/show-missing", args: []string{"webhook", "show", "bad-nosuchhook"}, code: 5, msg: `webhook "bad-nosuchhook" not found`},
		{name: "webhook/show-absent-id", args: []string{"webhook", "show", absentID}, code: 5, msg: "not found"},
		{name: "webhook/show-escape", args: []string{"webhook", "show", escClear}, code: 5, msg: "not found"},
		{name: "webhook/show-file-missing", args: []string{"webhook", "show", "--file", f.missing}, code: 1, msg: f.missing},
		{name: "webhook/show-missing-team", args: []string{"webhook", "show", "--team", "bad-nosuchteam", "somehook"}, code: 5, msg: `team "bad-nosuchteam" not found`},
		{name: "webhook/delete-not-interactive", args: []string{"webhook", "delete", "bad-nosuchhook"}, code: 2, msg: "not running interactively"},
		{name: "webhook/delete-missing", args: []string{"webhook", "delete", "bad-nosuchhook", "--confirm"}, code: 5, msg: `webhook "bad-nosuchhook" not found`},
		{name: "webhook/list-missing-team", args: []string{"webhook", "list", "bad-nosuchteam"}, code: 5, msg: `error: team "bad-nosuchteam" not found`},
		{name: "webhook/list-missing-team-table", args: []string{"webhook", "list", "bad-nosuchteam", "--format", "table"}, code: 5, msg: `error: team "bad-nosuchteam" not found`},
		{name: "webhook/list-missing-team-json", args: []string{"webhook", "list", "bad-nosuchteam", "--json"}, code: 5, msg: `error: team "bad-nosuchteam" not found`},
		{name: "webhook/modify-incoming-no-args", args: []string{"webhook", "modify-incoming"}, code: 2, msg: "expects a webhook, got 0"},
		{name: "webhook/modify-incoming-missing", args: []string{"webhook", "modify-incoming", "bad-nosuchhook", "--description", "x"}, code: 5, msg: `"bad-nosuchhook" not found`},
		{name: "webhook/modify-outgoing-no-args", args: []string{"webhook", "modify-outgoing"}, code: 2, msg: "expects a webhook, got 0"},
		{name: "webhook/modify-outgoing-no-flags", args: []string{"webhook", "modify-outgoing", "bad-nosuchhook"}, code: 2, msg: "give at least one of"},
		{name: "webhook/modify-outgoing-missing", args: []string{"webhook", "modify-outgoing", "bad-nosuchhook", "--description", "x"}, code: 5, msg: `"bad-nosuchhook" not found`},
		{name: "webhook/modify-outgoing-bad-trigger-when", args: []string{"webhook", "modify-outgoing", "bad-nosuchhook", "--trigger-when", "sometimes"}, code: 2, msg: "--trigger-when must be exact or start"},
		{name: "webhook/modify-outgoing-bad-url", args: []string{"webhook", "modify-outgoing", "bad-nosuchhook", "--url", "not a url"}, code: 2, msg: "is not an http(s) URL"},
		{name: "webhook/list-missing-channel-team", args: []string{"webhook", "list", "--channel", "bad-nosuchteam:x"}, code: 5, msg: `team "bad-nosuchteam" not found`},
		{name: "webhook/send-no-hook", args: []string{"webhook", "send", "--text", "x"}, code: 2, msg: "give the webhook"},
		{name: "webhook/send-nothing", args: []string{"webhook", "send", absentID}, code: 2, msg: "nothing to post"},
		{name: "webhook/send-bad-scheme", args: []string{"webhook", "send", "ftp://x/hooks/y", "--text", "x"}, code: 2, msg: "the scheme must be http or https"},
		{name: "webhook/send-bad-color", args: []string{"webhook", "send", absentID, "--text", "x", "--color", "purple"}, code: 2, msg: `invalid --color "purple"`},
		{name: "webhook/send-bad-field", args: []string{"webhook", "send", absentID, "--text", "x", "--field", "novalue"}, code: 2, msg: `invalid --field "novalue"`},
		{name: "webhook/send-absent-id", args: []string{"webhook", "send", absentID, "--text", "x"}, code: 5, msg: "not found"},
		{name: "webhook/send-escape", args: []string{"webhook", "send", escTitle, "--text", "x"}, code: 5, msg: "not found"},
		{name: "webhook/send-refused", args: []string{"webhook", "send", "http://127.0.0.1:1/hooks/" + absentID, "--text", "x"}, code: 1, msg: "connection refused", hint: true},
		{name: "webhook/send-attachment-binary", args: []string{"webhook", "send", absentID, "--attachment", f.binary}, code: 1, msg: "--attachment " + f.binary},
		{name: "webhook/send-attachment-csv", args: []string{"webhook", "send", absentID, "--attachment", f.csvAsJSON}, code: 1, msg: "--attachment " + f.csvAsJSON},
		{name: "webhook/send-attachment-huge", args: []string{"webhook", "send", absentID, "--attachment", f.huge}, code: 1, msg: "--attachment " + f.huge},
		{name: "webhook/send-text-file-missing", args: []string{"webhook", "send", absentID, "--text-file", f.missing}, code: 1, msg: f.missing},
		{name: "webhook/send-text-file-empty", args: []string{"webhook", "send", absentID, "--text-file", f.empty}, code: 1, msg: "is empty"},
		{name: "webhook/send-text-file-unreadable", args: []string{"webhook", "send", absentID, "--text-file", f.unreadable}, code: 1, msg: "permission denied", rootSkip: "root reads mode-000 files"},

		// plugin
		{name: "plugin/unknown-subcommand", args: []string{"plugin", "frob"}, code: 2, msg: `unknown command "frob" for "matterctl plugin"`},
		{name: "plugin/marketplace-unknown-subcommand", args: []string{"plugin", "marketplace", "frob"}, code: 2, msg: `unknown command "frob" for "matterctl plugin marketplace"`},
		{name: "plugin/add-no-args", args: []string{"plugin", "add"}, code: 2, msg: "give at least one plugin bundle"},
		{name: "plugin/add-missing", args: []string{"plugin", "add", f.missing}, code: 1, msg: f.missing},
		// A file that is not a valid bundle is a bad bundle (exit 2, nothing uploaded); a file that
		// cannot be read is an I/O failure (exit 1).
		{name: "plugin/add-binary", args: []string{"plugin", "add", f.binary}, code: 2, msg: "not a gzip-compressed file"},
		{name: "plugin/add-empty", args: []string{"plugin", "add", f.empty}, code: 2, msg: "the file is empty"},
		{name: "plugin/add-huge", args: []string{"plugin", "add", f.huge, "--dry-run"}, code: 2, msg: "not a gzip-compressed file"},
		{name: "plugin/add-directory", args: []string{"plugin", "add", f.directory}, code: 1, msg: "is a directory"},
		{name: "plugin/add-unreadable", args: []string{"plugin", "add", f.unreadable}, code: 1, msg: "permission denied", rootSkip: "root reads mode-000 files"},
		{name: "plugin/add-bad-wait-timeout", args: []string{"plugin", "add", f.binary, "--wait-timeout", "-1s"}, code: 2, msg: "--wait-timeout must be positive"},
		{name: "plugin/show-no-args", args: []string{"plugin", "show"}, code: 2, msg: "expects one plugin ID, got 0"},
		{name: "plugin/show-missing", args: []string{"plugin", "show", "bad.nosuch.plugin"}, code: 5, msg: `plugin "bad.nosuch.plugin" not found`},
		{name: "plugin/show-escape", args: []string{"plugin", "show", escClear}, code: 5, msg: "not found"},
		{name: "plugin/enable-missing", args: []string{"plugin", "enable", "bad.nosuch.plugin"}, code: 5, msg: `plugin "bad.nosuch.plugin" not found`},
		{name: "plugin/enable-escape", args: []string{"plugin", "enable", escTitle}, code: 5, msg: "not found"},
		{name: "plugin/disable-missing", args: []string{"plugin", "disable", "bad.nosuch.plugin"}, code: 5, msg: `plugin "bad.nosuch.plugin" not found`},
		{name: "plugin/delete-missing", args: []string{"plugin", "delete", "bad.nosuch.plugin"}, code: 5, msg: `plugin "bad.nosuch.plugin" not found`},
		{name: "plugin/install-url-not-url", args: []string{"plugin", "install-url", "not a url"}, code: 2, msg: "not an http or https URL"},
		{name: "plugin/install-url-bad-scheme", args: []string{"plugin", "install-url", "ftp://x/y.tar.gz"}, code: 2, msg: "not an http or https URL"},
		{name: "plugin/status-missing", args: []string{"plugin", "status", "bad.nosuch.plugin"}, code: 5, msg: `plugin "bad.nosuch.plugin" not found`},
		{name: "plugin/list-extra-arg", args: []string{"plugin", "list", "extra"}, code: 2, msg: "expects no arguments"},
		{name: "plugin/marketplace-list-unknown-flag", args: []string{"plugin", "marketplace", "list", "--bogus"}, code: 2, msg: "unknown flag: --bogus"},
		{name: "plugin/marketplace-install-no-args", args: []string{"plugin", "marketplace", "install"}, code: 2, msg: "expects one plugin ID, got 0"},

		// api
		{name: "api/no-args", args: []string{"api"}, code: 2, msg: "accepts between 1 and 2 arg(s), received 0"},
		{name: "api/three-args", args: []string{"api", "GET", "/users/me", "extra"}, code: 2, msg: "received 3"},
		{name: "api/bad-method", args: []string{"api", "FROB", "/users/me"}, code: 2, msg: `unknown HTTP method "FROB"`},
		{name: "api/full-url", args: []string{"api", "GET", "http://127.0.0.1:1/api/v4/users"}, code: 2, msg: "not a full URL"},
		{name: "api/bad-field", args: []string{"api", "GET", "/users/me", "-f", "novalue"}, code: 2, msg: `invalid field "novalue"`},
		{name: "api/bad-header", args: []string{"api", "GET", "/users/me", "-H", "badheader"}, code: 2, msg: `invalid header "badheader"`},
		{name: "api/field-file-missing", args: []string{"api", "POST", "/users", "-F", "x=@" + f.missing}, code: 1, msg: f.missing},
		{name: "api/input-missing", args: []string{"api", "POST", "/users", "--input", f.missing}, code: 1, msg: f.missing},
		{name: "api/input-not-json", args: []string{"api", "POST", "/users", "--input", f.csvAsJSON}, code: 1, msg: "HTTP 400", stdout: true},
		{name: "api/input-wrong-shape", args: []string{"api", "POST", "/users", "--input", f.jsonArray}, code: 1, msg: "HTTP 400", stdout: true},
		{name: "api/not-found", args: []string{"api", "/bad-nosuch/path"}, code: 5, msg: "HTTP 404", stdout: true},
		{name: "api/malformed-id", args: []string{"api", "/users/notanid"}, code: 1, msg: "HTTP 400", stdout: true},
		{name: "api/paginate-object", args: []string{"api", "/users/me", "--paginate"}, code: 1, msg: "not a JSON array"},
		{name: "api/path-escape", args: []string{"api", "GET", "/users/" + escClear}, code: 2, msg: "control character"},

		// version
		{name: "version/extra-arg", args: []string{"version", "extra"}, code: 2, msg: `unknown command "extra" for "matterctl version"`},
		{name: "version/unknown-flag", args: []string{"version", "--bogus"}, code: 2, msg: "unknown flag: --bogus"},
		{name: "version/bad-jq", args: []string{"version", "--json", "--jq", ".["}, code: 2, msg: "invalid --jq expression"},

		// completion
		{name: "completion/no-shell", args: []string{"completion"}, code: 2, msg: "expects one shell"},
		{name: "completion/two-shells", args: []string{"completion", "bash", "zsh"}, code: 2, msg: "got 2 argument(s)"},
		{name: "completion/unknown-shell", args: []string{"completion", "tcsh"}, code: 2, msg: `unsupported shell "tcsh"`},
		{name: "completion/empty-shell", args: []string{"completion", ""}, code: 2, msg: "shell"},
		{name: "completion/escape-shell", args: []string{"completion", escClear}, code: 2, msg: "unsupported shell"},
	}
	if fx.hookDup != "" {
		cases = append(cases,
			badCase{name: "webhook/show-ambiguous", args: []string{"webhook", "show", fx.hookDup}, code: 2, msg: "is ambiguous", also: fx.hookIDs[:2]},
			badCase{name: "webhook/delete-ambiguous", args: []string{"webhook", "delete", fx.hookDup, "--confirm"}, code: 2, msg: "is ambiguous"},
			badCase{name: "webhook/modify-incoming-ambiguous", args: []string{"webhook", "modify-incoming", fx.hookDup, "--description", "x"}, code: 2, msg: "is ambiguous"},
			badCase{name: "webhook/send-ambiguous", args: []string{"webhook", "send", fx.hookDup, "--text", "x", "--dry-run"}, code: 2, msg: "is ambiguous"},
		)
	}
	return cases
}

// badInputTimeout is how long one bad command line may run.
const badInputTimeout = 20 * time.Second

// runConcurrently runs every argv (with its stdin) through c, at most n at a time, and returns
// the results in order. The bad-input cases mostly wait on the server, so they run wider than
// go test's -parallel default (GOMAXPROCS).
func runConcurrently(t *testing.T, c *cli, n int, stdins []string, envs, argvs [][]string) []result {
	t.Helper()
	results := make([]result, len(argvs))
	errs := make([]error, len(argvs))
	sem := make(chan struct{}, n)
	// Command lines that read the huge files start first, so that they overlap the others.
	order := make([]int, 0, len(argvs))
	for pass := range 2 {
		for i, argv := range argvs {
			huge := slices.ContainsFunc(argv, func(a string) bool { return strings.Contains(a, "huge") })
			if huge == (pass == 0) {
				order = append(order, i)
			}
		}
	}
	var wg sync.WaitGroup
	for _, i := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			began := time.Now()
			defer func() {
				if d := time.Since(began); d > 5*time.Second {
					t.Logf("slow: matterctl %.80q took %s", argvs[i], d.Round(time.Millisecond))
				}
			}()
			ctx, cancel := context.WithTimeout(context.Background(), badInputTimeout)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, argvs[i]...)
			cmd.Env = c.with(envs[i]...).environ()
			cmd.Stdin = strings.NewReader(stdins[i])
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			err := cmd.Run()
			var exitErr *exec.ExitError
			switch {
			case ctx.Err() != nil:
				// Bad input must be rejected promptly: a command still running is a failure.
				results[i] = result{Stdout: out.String(), Code: -1,
					Stderr: fmt.Sprintf("[killed after %s] %s", badInputTimeout, errOut.String())}
			case errors.As(err, &exitErr):
				results[i] = result{Stdout: out.String(), Stderr: errOut.String(), Code: exitErr.ExitCode()}
			case err != nil:
				errs[i] = err
			default:
				results[i] = result{Stdout: out.String(), Stderr: errOut.String()}
			}
			if err == nil || exitErr != nil {
				recordRun(argvs[i], stdins[i], out.String(), errOut.String(), c.configFile())
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("running matterctl %q: %v", argvs[i], err)
		}
	}
	return results
}

// TestBadInput runs every command line of badInputCases: each must fail with its exit code and a
// one-line message, print nothing on stdout, and never panic or print terminal controls. Then it
// checks that names stored on the server with terminal escape sequences never reach the terminal
// raw, in table, plain and JSON output, and that JSON keeps them intact.
func TestBadInput(t *testing.T) {
	setup := time.Now()
	files := newBadFiles(t)
	fx := newBadFixtures(t)
	t.Logf("files and server fixtures in %s", time.Since(setup).Round(time.Millisecond))
	c := newCLI(t)
	c.login("bad-input")
	cases := badInputCases(files, fx)
	if len(cases) < 80 {
		t.Fatalf("only %d cases", len(cases))
	}
	seen := map[string]bool{}
	for _, bc := range cases {
		if seen[bc.name] {
			t.Fatalf("two cases named %s", bc.name)
		}
		seen[bc.name] = true
	}

	type show struct {
		name string
		args []string
		want string // a printable part of the output
		// field and value: with --json, the object's field holds value exactly.
		field, value string
	}
	var shows []show
	for _, format := range []string{"table", "plain"} {
		for _, s := range []show{
			{name: "user-show", args: []string{"user", "show", fx.user}, want: "First"},
			{name: "user-list", args: []string{"user", "list", "--team", fx.team1}, want: fx.user},
			{name: "user-search", args: []string{"user", "search", fx.user}, want: fx.user},
			{name: "team-show", args: []string{"team", "show", fx.team1}, want: "Team"},
			{name: "team-list", args: []string{"team", "list"}, want: fx.team1},
			{name: "team-search", args: []string{"team", "search", fx.team1}, want: fx.team1},
			{name: "team-users-list", args: []string{"team", "users", "list", fx.team1}, want: fx.user},
			{name: "channel-list", args: []string{"channel", "list", fx.team1}, want: fx.dupChannel},
			{name: "channel-show", args: []string{"channel", "show", fx.team1 + ":" + fx.dupChannel}, want: "Chan"},
			{name: "channel-search", args: []string{"channel", "search", fx.dupChannel}, want: fx.dupChannel},
			{name: "bot-show", args: []string{"bot", "show", fx.bot}, want: "Bot"},
			{name: "bot-list", args: []string{"bot", "list"}, want: fx.bot},
			{name: "webhook-list", args: []string{"webhook", "list", fx.team1}, want: "Hook"},
			{name: "webhook-show", args: []string{"webhook", "show", fx.escHook}, want: "Hook"},
		} {
			if fx.escHook == "" && strings.HasPrefix(s.name, "webhook") {
				continue
			}
			s.name += "/" + format
			s.args = append(s.args, "--format", format)
			shows = append(shows, s)
		}
	}
	// JSON carries the names exactly, escaped the JSON way (\u001b), never as raw control bytes.
	for _, s := range []show{
		{name: "user-show", args: []string{"user", "show", fx.user}, field: "first_name", value: escTitle + "First"},
		{name: "user-show-nickname", args: []string{"user", "show", fx.user}, field: "nickname", value: "Nick" + escC1},
		{name: "team-show", args: []string{"team", "show", fx.team1}, field: "display_name", value: escTitle + "Team" + escClear},
		{name: "channel-show", args: []string{"channel", "show", fx.team1 + ":" + fx.dupChannel}, field: "display_name", value: fx.channelDisplay},
		{name: "bot-show", args: []string{"bot", "show", fx.bot}, field: "display_name", value: escTitle + "Bot"},
		{name: "bot-show-description", args: []string{"bot", "show", fx.bot}, field: "description", value: escClear + "desc" + escC1},
		{name: "webhook-show", args: []string{"webhook", "show", fx.escHook}, field: "display_name", value: escTitle + "Hook" + escClear},
		{name: "webhook-show-description", args: []string{"webhook", "show", fx.escHook}, field: "description", value: "desc" + escC1},
	} {
		if fx.escHook == "" && strings.HasPrefix(s.name, "webhook") {
			continue
		}
		s.name += "/json"
		s.args = append(s.args, "--json")
		shows = append(shows, s)
	}

	var stdins []string
	var envs, argvs [][]string
	for _, bc := range cases {
		stdins = append(stdins, bc.stdin)
		envs = append(envs, bc.env)
		argvs = append(argvs, bc.args)
	}
	for _, s := range shows {
		stdins = append(stdins, "")
		envs = append(envs, nil)
		argvs = append(argvs, s.args)
	}
	start := time.Now()
	results := runConcurrently(t, c, 8, stdins, envs, argvs)
	t.Logf("ran %d command lines in %s", len(argvs), time.Since(start).Round(time.Millisecond))

	root := os.Geteuid() == 0
	t.Run("cases", func(t *testing.T) {
		for i, bc := range cases {
			t.Run(bc.name, func(t *testing.T) {
				if root && bc.rootSkip != "" {
					t.Skip(bc.rootSkip)
				}
				checkBad(t, bc, results[i])
			})
		}
	})
	t.Run("server-names", func(t *testing.T) {
		for i, s := range shows {
			r := results[len(cases)+i]
			t.Run(s.name, func(t *testing.T) {
				if r.Code != 0 {
					t.Fatalf("matterctl %q: exit %d\n%s", s.args, r.Code, visible(r.Stderr))
				}
				checkClean(t, "stdout", r.Stdout)
				checkClean(t, "stderr", r.Stderr)
				if s.field == "" {
					if !strings.Contains(r.Stdout, s.want) {
						t.Errorf("stdout lacks %q:\n%s", s.want, visible(r.Stdout))
					}
					return
				}
				var v any
				if err := json.Unmarshal([]byte(r.Stdout), &v); err != nil {
					t.Fatalf("stdout is not JSON: %v\n%s", err, visible(r.Stdout))
				}
				obj, ok := v.(map[string]any)
				if arr, isArr := v.([]any); isArr && len(arr) == 1 {
					obj, ok = arr[0].(map[string]any)
				}
				if !ok {
					t.Fatalf("stdout is not one object: %s", visible(r.Stdout))
				}
				if obj[s.field] != s.value {
					t.Errorf("%s = %q, want %q", s.field, obj[s.field], s.value)
				}
			})
		}
	})
}
