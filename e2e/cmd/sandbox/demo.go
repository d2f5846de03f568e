package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/matterctl/matterctl/e2e/harness"
)

// credentialVars would take precedence over the demo's profile: the tour runs without them.
var credentialVars = []string{"MATTERCTL_URL", "MATTERCTL_TOKEN", "MATTERCTL_SERVER"}

// curated is the order of the groups the tour knows; groups it does not know follow, in the
// order of `matterctl --help`.
var curated = []string{"auth", "version", "api", "user", "token", "roles", "team", "channel"}

// demo starts the sandbox of dir unless it runs, logs the matterctl binary in as profile
// "sandbox" in dir/matterctl.json (never the user's own config), and runs a tour that shows
// every command group the binary has. Only the state file's path is printed, never a secret.
func demo(ctx context.Context, dir, bin string, opts harness.Options, stdout, stderr io.Writer) error {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	srv, err := harness.StartContext(ctx, dir, opts)
	if err != nil {
		return err
	}
	config := filepath.Join(srv.StateDir, "matterctl.json")
	var shadowing []string
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case slices.Contains(credentialVars, k):
			shadowing = append(shadowing, k)
		case k == "MATTERCTL_CONFIG":
		default:
			env = append(env, kv)
		}
	}
	t := &tour{ctx: ctx, bin: bin, env: append(env, "MATTERCTL_CONFIG="+config), stdout: stdout, stderr: stderr}
	if f, ok := stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		t.bold = true
	}

	t.header(`matterctl auth login %s --name sandbox --username %s --password-stdin <<< "$PASSWORD"`,
		harness.ShellQuote(srv.URL), harness.ShellQuote(srv.AdminUser))
	if err := t.runIn(srv.AdminPassword+"\n", "auth", "login", srv.URL, "--name", "sandbox", "--username", srv.AdminUser, "--password-stdin"); err != nil {
		return err
	}

	groups, err := t.groups()
	if err != nil {
		return err
	}
	for _, g := range groups {
		if err := t.group(g, srv); err != nil {
			return err
		}
	}

	q := harness.ShellQuote
	fmt.Fprintf(stdout, `
The sandbox is running:
  server       %s  (admin: %s; passwords in %s)
  credentials  profile "sandbox" in %s, apart from your own matterctl config

Keep using it:
  export PATH=%s:$PATH
  export MATTERCTL_CONFIG=%s
`, srv.URL, srv.AdminUser, q(filepath.Join(srv.StateDir, harness.StateFile)), q(config), q(filepath.Dir(bin)), q(config))
	if len(shadowing) > 0 {
		fmt.Fprintf(stdout, "  unset %s     # set in your shell: would override the profile\n", strings.Join(shadowing, " "))
	}
	fmt.Fprintf(stdout, `  matterctl user list
  matterctl --server sandbox api /users/me
  MATTERCTL_LOCAL_SOCKET=%s matterctl --local user list
  unset MATTERCTL_CONFIG     # back to your own profiles

Stop it with:  make demo-stop
`, q(srv.SocketPath))
	return nil
}

type tour struct {
	ctx    context.Context
	bin    string
	env    []string
	stdout io.Writer
	stderr io.Writer
	bold   bool
	team   string // the team the tour created, for the channel steps
}

func (t *tour) header(format string, args ...any) {
	line := "$ " + fmt.Sprintf(format, args...)
	if t.bold {
		line = "\033[1m" + line + "\033[0m"
	}
	fmt.Fprintf(t.stdout, "\n%s\n", line)
}

func (t *tour) cmd(stdin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(t.ctx, t.bin, args...)
	cmd.Env = t.env
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	cmd.Stdout, cmd.Stderr = t.stdout, t.stderr
	return cmd
}

func (t *tour) runIn(stdin string, args ...string) error {
	if err := t.cmd(stdin, args...).Run(); err != nil {
		return fmt.Errorf("matterctl %s: %w", strings.Join(args, " "), err)
	}
	return nil
}

// step shows and runs one matterctl command; a failure ends the tour.
func (t *tour) step(args ...string) error {
	t.header("matterctl %s", quoteAll(args))
	return t.runIn("", args...)
}

// softStep shows and runs a command the tour guessed (a group it has no curated steps for): a
// failure is reported and the tour goes on.
func (t *tour) softStep(args ...string) {
	t.header("matterctl %s", quoteAll(args))
	if err := t.runIn("", args...); err != nil {
		fmt.Fprintf(t.stderr, "sandbox: (this step failed: %v; the tour goes on)\n", err)
	}
}

// jqStep shows `matterctl ARGS --json | jq FILTER`: through jq when it is installed, else with
// matterctl's built-in --jq, which takes the same filter.
func (t *tour) jqStep(filter string, args ...string) error {
	jq, err := exec.LookPath("jq")
	if err != nil {
		fmt.Fprintln(t.stdout, "\n(jq is not installed: the same filter through matterctl's built-in --jq)")
		return t.step(append(args, "--json", "--jq", filter)...)
	}
	t.header("matterctl %s --json | jq -r %s", quoteAll(args), harness.ShellQuote(filter))
	mc := t.cmd("", append(args, "--json")...)
	mc.Stdout = nil
	jqCmd := exec.CommandContext(t.ctx, jq, "-r", filter)
	pipe, err := mc.StdoutPipe()
	if err != nil {
		return err
	}
	jqCmd.Stdin, jqCmd.Stdout, jqCmd.Stderr = pipe, t.stdout, t.stderr
	if err := mc.Start(); err != nil {
		return err
	}
	jqErr := jqCmd.Run()
	if err := mc.Wait(); err != nil {
		return fmt.Errorf("matterctl %s --json: %w", strings.Join(args, " "), err)
	}
	if jqErr != nil {
		return fmt.Errorf("jq: %w", jqErr)
	}
	return nil
}

// groups lists matterctl's command groups from its help, in tour order: the curated ones first.
// Groups without subcommands yet do not appear there.
func (t *tour) groups() ([]string, error) {
	names, err := t.helpCommands(nil, func(section string) bool {
		return strings.HasSuffix(section, "Commands:") && section != "Additional Commands:"
	})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range curated {
		if slices.Contains(names, c) {
			out = append(out, c)
		}
	}
	for _, n := range names {
		if !slices.Contains(out, n) && n != "help" && n != "completion" {
			out = append(out, n)
		}
	}
	return out, nil
}

// subcommands lists a group's subcommands from its help.
func (t *tour) subcommands(group string) []string {
	names, _ := t.helpCommands([]string{group}, func(section string) bool { return section == "Available Commands:" })
	return names
}

// helpCommands runs `matterctl PATH --help` and returns the first word of each line in the
// sections keep accepts.
func (t *tour) helpCommands(path []string, keep func(section string) bool) ([]string, error) {
	var out bytes.Buffer
	cmd := exec.CommandContext(t.ctx, t.bin, append(path, "--help")...)
	cmd.Env, cmd.Stdout = t.env, &out
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("matterctl %s --help: %w", strings.Join(path, " "), err)
	}
	var names []string
	in := false
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			in = false
		case !strings.HasPrefix(line, " "):
			in = keep(strings.TrimSpace(line))
		case in:
			names = append(names, strings.Fields(line)[0])
		}
	}
	return names, nil
}

// group runs the tour's steps for one command group.
func (t *tour) group(g string, srv *harness.Server) error {
	subs := t.subcommands(g)
	has := func(s string) bool { return slices.Contains(subs, s) }
	switch g {
	case "auth":
		return t.steps([]string{"auth", "list"}, []string{"auth", "status"})
	case "version":
		return t.step("version")
	case "api":
		return t.steps([]string{"--server", "sandbox", "api", "/system/ping"}, []string{"api", "/users", "--paginate", "--jq", "length"})
	case "user":
		if !has("create") || !has("deactivate") {
			return t.step("user", "list", "--per-page", "5")
		}
		n := rand.IntN(90000) + 10000
		name := fmt.Sprintf("demo%d", n)
		t.header(`matterctl user create --username %s --email %s@example.com --password-file - <<< "$PASSWORD"`, name, name)
		if err := t.runIn(fmt.Sprintf("Demo-Passw0rd-%d\n", n), "user", "create", "--username", name, "--email", name+"@example.com", "--password-file", "-"); err != nil {
			return err
		}
		if err := t.step("user", "list", "--per-page", "5"); err != nil {
			return err
		}
		if err := t.jqStep(".[].username", "user", "list", "--per-page", "5"); err != nil {
			return err
		}
		return t.steps(
			[]string{"user", "deactivate", name, "--dry-run"},
			[]string{"user", "deactivate", name},
			[]string{"user", "show", name, "--json", "--jq", "{username, delete_at}"},
		)
	case "token":
		return t.step("token", "generate", srv.AdminUser, "demo token", "--json", "--jq", ".id")
	case "roles":
		return t.step("roles", "list", "--jq", ".[].name")
	case "team":
		if !has("create") {
			break
		}
		t.team = fmt.Sprintf("demo-team-%d", rand.IntN(90000)+10000)
		steps := [][]string{
			{"team", "create", "--name", t.team, "--display-name", "Demo Team"},
			{"team", "list"},
		}
		users, _ := t.helpCommands([]string{"team", "users"}, func(section string) bool { return section == "Available Commands:" })
		if slices.Contains(users, "add") {
			// The creator is a member already: adding again is a success that says so.
			steps = append(steps, []string{"team", "users", "add", t.team, srv.AdminUser})
		}
		return t.steps(steps...)
	case "channel":
		if !has("create") || t.team == "" {
			break
		}
		return t.steps(
			[]string{"channel", "create", t.team, "--name", "news", "--display-name", "News"},
			[]string{"channel", "list", t.team},
			[]string{"channel", "archive", "news", "--team", t.team, "--dry-run"},
			[]string{"channel", "show", t.team + ":news", "--json", "--jq", "{name, display_name, type}"},
		)
	case "webhook":
		if !has("create-incoming") || !has("send") || t.team == "" {
			break
		}
		hook := fmt.Sprintf("Demo deploys %d", rand.IntN(90000)+10000)
		return t.steps(
			[]string{"webhook", "create-incoming", "--channel", t.team + ":news", "--display-name", hook, "--description", "deployment notices"},
			[]string{"webhook", "send", hook, "--text", "Deployment succeeded", "--color", "good", "--title", "api 1.4.2",
				"--field", "Service=api", "--field", "Version=1.4.2", "--field", "Environment=staging"},
			[]string{"webhook", "list", t.team},
		)
	}
	// A group the tour has no steps for yet: its list when that takes no argument, else its help.
	if has("list") && !t.needsArgs(g, "list") {
		t.softStep(g, "list")
		return nil
	}
	return t.step(g, "--help")
}

func (t *tour) steps(cmds ...[]string) error {
	for _, c := range cmds {
		if err := t.step(c...); err != nil {
			return err
		}
	}
	return nil
}

// needsArgs tells whether `matterctl GROUP VERB`'s usage line names an argument.
func (t *tour) needsArgs(group, verb string) bool {
	var out bytes.Buffer
	cmd := exec.CommandContext(t.ctx, t.bin, group, verb, "--help")
	cmd.Env, cmd.Stdout = t.env, &out
	if err := cmd.Run(); err != nil {
		return true
	}
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "Usage:" && sc.Scan() {
			return strings.Contains(sc.Text(), "<")
		}
	}
	return true
}

func quoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = harness.ShellQuote(a)
	}
	return strings.Join(q, " ")
}
