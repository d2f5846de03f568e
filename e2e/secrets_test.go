//go:build e2e

package e2e

// The secrets check: every matterctl process the run starts is recorded (argv, stdin, stdout,
// stderr), and after the last test runMain looks for every password and token of the run in
// what was recorded. The passwords are the admin's and every password the tests gave matterctl
// (on stdin with --password-stdin, with --password, or as a password= field); the tokens are
// the admin's session, every token stored in a profile of the run, and every session and
// personal access token the server holds at the end.
//
// A secret may appear only where the user put it: in stdin, and in argv for mmctl's
// --password flag (user create's only way to set a password, kept for compatibility). A token
// may appear on the stdout of the commands that exist to print one: `token generate`,
// `bot create --with-token`, `auth token`, and `api` requests that create tokens.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// runRecord is one matterctl process of the run.
type runRecord struct {
	argv                  []string
	stdin, stdout, stderr string
}

var transcript struct {
	sync.Mutex
	runs   []runRecord
	tokens map[string]bool // tokens seen in the profiles of the run
}

// recordRun adds a finished matterctl process to the transcript, and the tokens of the
// profiles in configFile (if any) to the secrets to look for.
func recordRun(argv []string, stdin, stdout, stderr, configFile string) {
	tokens := profileTokens(configFile)
	transcript.Lock()
	defer transcript.Unlock()
	transcript.runs = append(transcript.runs, runRecord{argv: slices.Clone(argv), stdin: stdin, stdout: stdout, stderr: stderr})
	if transcript.tokens == nil {
		transcript.tokens = map[string]bool{}
	}
	for _, t := range tokens {
		transcript.tokens[t] = true
	}
}

// runPiped runs `matterctl args | consumer` through sh, with env, and returns the consumer's
// output (stdout and stderr) and the pipeline's error. matterctl's stdout and stderr are kept
// on the side (tee) and recorded like any other run.
func runPiped(t *testing.T, env []string, args []string, consumer string) ([]byte, error) {
	t.Helper()
	dir := t.TempDir()
	outFile, errFile := filepath.Join(dir, "stdout"), filepath.Join(dir, "stderr")
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	script := fmt.Sprintf("set -o pipefail; %q %s 2>%q | tee %q | %s", bin, strings.Join(quoted, " "), errFile, outFile, consumer)
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	stdout, _ := os.ReadFile(outFile)
	stderr, _ := os.ReadFile(errFile)
	recordRun(args, "", string(stdout), string(stderr), configOf(env))
	return out, err
}

// configOf is the MATTERCTL_CONFIG or XDG_CONFIG_HOME config file named in env, or "".
func configOf(env []string) string {
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "XDG_CONFIG_HOME="); ok && path == "" {
			path = filepath.Join(v, "matterctl", "config.json")
		}
		if v, ok := strings.CutPrefix(kv, "MATTERCTL_CONFIG="); ok {
			path = v
		}
	}
	return path
}

// profileTokens returns the tokens stored in a matterctl config file.
func profileTokens(path string) []string {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var f struct {
		Profiles map[string]struct {
			Token string `json:"token"`
		} `json:"profiles"`
	}
	if json.Unmarshal(b, &f) != nil {
		return nil
	}
	var out []string
	for _, p := range f.Profiles {
		if p.Token != "" {
			out = append(out, p.Token)
		}
	}
	return out
}

// runPasswords returns the passwords a run gave matterctl.
func runPasswords(r runRecord) []string {
	var out []string
	for i, a := range r.argv {
		switch {
		case a == "--password" && i+1 < len(r.argv):
			out = append(out, r.argv[i+1])
		case strings.HasPrefix(a, "--password="):
			out = append(out, strings.TrimPrefix(a, "--password="))
		case strings.HasPrefix(a, "password="):
			out = append(out, strings.TrimPrefix(a, "password="))
		case a == "--password-stdin":
			out = append(out, strings.TrimSpace(r.stdin))
		}
	}
	return out
}

// printsToken reports whether the command of argv exists to print a token on stdout.
func printsToken(argv []string) bool {
	has := func(words ...string) bool {
		i := 0
		for _, a := range argv {
			if i < len(words) && a == words[i] {
				i++
			}
		}
		return i == len(words)
	}
	switch {
	case has("token", "generate"), has("bot", "create", "--with-token"), has("auth", "token"):
		return true
	case len(argv) > 0 && argv[0] == "api":
		return slices.ContainsFunc(argv, func(a string) bool { return strings.Contains(a, "/tokens") || strings.Contains(a, "/login") })
	}
	return false
}

// heldTokens returns every session and personal access token the server holds.
func heldTokens() []string {
	psql := filepath.Join(srv.Env["PG_BIN"], "psql")
	if _, err := os.Stat(psql); err != nil {
		if psql, err = exec.LookPath("psql"); err != nil {
			return nil
		}
	}
	out, err := exec.Command(psql, "-X", "-A", "-t", "-d", srv.Env["PG_DSN"], "-c",
		"SELECT token FROM sessions UNION SELECT token FROM useraccesstokens").Output()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: reading the server's tokens:", err)
		return nil
	}
	return strings.Fields(string(out))
}

// secretFindings checks the transcript and describes each leak, without the secret itself.
func secretFindings() []string {
	transcript.Lock()
	defer transcript.Unlock()
	tokens := map[string]bool{adminToken: true}
	for t := range transcript.tokens {
		tokens[t] = true
	}
	for _, t := range heldTokens() {
		tokens[t] = true
	}
	passwords := map[string]bool{srv.AdminPassword: true}
	for _, r := range transcript.runs {
		for _, p := range runPasswords(r) {
			if len(p) >= 6 { // "x" or "wrong" would match unrelated text
				passwords[p] = true
			}
		}
	}
	delete(tokens, "")

	var found []string
	report := func(r runRecord, what, where string) {
		found = append(found, fmt.Sprintf("a %s in the %s of `matterctl %s`", what, where, redactArgv(r.argv, tokens, passwords)))
	}
	for _, r := range transcript.runs {
		// argv without the passwords the user put there on purpose (--password X, password=X).
		given := runPasswords(r)
		argv := make([]string, len(r.argv))
		for i, a := range r.argv {
			_, v, _ := strings.Cut(a, "=")
			if !slices.Contains(given, a) && !(strings.Contains(a, "password=") && slices.Contains(given, v)) {
				argv[i] = a
			}
		}
		for p := range passwords {
			if strings.Contains(r.stdout, p) {
				report(r, "password", "stdout")
			}
			if strings.Contains(r.stderr, p) {
				report(r, "password", "stderr")
			}
			if slices.ContainsFunc(argv, func(a string) bool { return strings.Contains(a, p) }) {
				report(r, "password", "argv")
			}
		}
		for t := range tokens {
			if strings.Contains(r.stdout, t) && !printsToken(r.argv) {
				report(r, "token", "stdout")
			}
			if strings.Contains(r.stderr, t) {
				report(r, "token", "stderr")
			}
			if slices.ContainsFunc(r.argv, func(a string) bool { return strings.Contains(a, t) }) {
				report(r, "token", "argv")
			}
		}
	}
	slices.Sort(found)
	return slices.Compact(found)
}

// redactArgv joins argv with every secret replaced.
func redactArgv(argv []string, tokens, passwords map[string]bool) string {
	s := strings.Join(argv, " ")
	for t := range tokens {
		s = strings.ReplaceAll(s, t, "<token>")
	}
	for p := range passwords {
		s = strings.ReplaceAll(s, p, "<password>")
	}
	return s
}

// transcriptSize is how many processes and secrets the check covered, for the run's summary.
func transcriptSize() (runs, tokens int) {
	transcript.Lock()
	defer transcript.Unlock()
	return len(transcript.runs), len(transcript.tokens)
}

// TestSecretsCheckCatchesLeaks feeds the check made-up runs, to prove it reports each kind of
// leak and accepts what is allowed, then puts the run's transcript back.
func TestSecretsCheckCatchesLeaks(t *testing.T) {
	transcript.Lock()
	saved, savedTokens := transcript.runs, transcript.tokens
	transcript.runs, transcript.tokens = nil, map[string]bool{"profile-token-0123456789": true}
	transcript.Unlock()
	t.Cleanup(func() {
		transcript.Lock()
		transcript.runs, transcript.tokens = saved, savedTokens
		transcript.Unlock()
	})

	userPass := "Secret-" + unique("pw")
	recordRun([]string{"user", "create", "--username", "x", "--password", userPass}, "", "created x", "", "")
	recordRun([]string{"token", "generate", "admin"}, "", "profile-token-0123456789\n", "", "")
	recordRun([]string{"auth", "login", srv.URL, "--password-stdin"}, srv.AdminPassword+"\n", "", "", "")
	recordRun([]string{"user", "show", "admin"}, "", "", "error: bad token "+adminToken, "")
	recordRun([]string{"api", "/users/me", "-H", "Authorization: Bearer profile-token-0123456789"}, "", "", "", "")
	recordRun([]string{"user", "list"}, "", "x "+userPass, "", "")
	recordRun([]string{"team", "list"}, "", "profile-token-0123456789", "", "")

	got := strings.Join(secretFindings(), "\n")
	for _, want := range []string{
		"a token in the stderr of `matterctl user show admin`",
		"a token in the argv of `matterctl api /users/me -H Authorization: Bearer <token>`",
		"a password in the stdout of `matterctl user list`",
		"a token in the stdout of `matterctl team list`",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the check missed %q; it found:\n%s", want, got)
		}
	}
	for _, allowed := range []string{"`matterctl user create", "`matterctl token generate", "`matterctl auth login"} {
		if strings.Contains(got, allowed) {
			t.Errorf("the check reported an allowed use (%s):\n%s", allowed, got)
		}
	}
	if strings.Contains(got, userPass) || strings.Contains(got, adminToken) {
		t.Errorf("the findings quote a secret:\n%s", got)
	}
}
