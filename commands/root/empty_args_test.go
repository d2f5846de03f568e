package root

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/auth"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/commands/roles"
	"github.com/matterctl/matterctl/commands/token"
	"github.com/matterctl/matterctl/commands/user"
)

// emptyArgCase is one command line with one empty (or blank) argument.
type emptyArgCase struct {
	path  []string // command path below the tree's top, e.g. ["user", "show"]
	args  []string
	blank int // index of the empty argument
}

// emptyArgCases lists, for every runnable command under top whose Use line shows positional
// arguments, command lines where one argument is empty: each position of the shortest and the
// longest argument list, and one past a variadic last argument.
func emptyArgCases(top *cobra.Command) []emptyArgCase {
	var cases []emptyArgCase
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string{}, path...), sub.Name()))
		}
		slots := cmdutil.UsageArgs(c.Use)
		if !isVerb(c) || len(slots) == 0 {
			return
		}
		required := 0
		for _, s := range slots {
			if !s.Optional {
				required++
			}
		}
		counts := []int{max(required, 1)}
		if len(slots) > counts[0] {
			counts = append(counts, len(slots))
		}
		if slots[len(slots)-1].Variadic {
			counts = append(counts, len(slots)+1)
		}
		for _, n := range counts {
			for i := range n {
				args := make([]string, n)
				for j := range args {
					args[j] = fmt.Sprintf("x%d", j)
				}
				args[i] = ""
				if i%2 == 1 {
					args[i] = " \t"
				}
				cases = append(cases, emptyArgCase{path: path, args: args, blank: i})
			}
		}
	}
	walk(top, nil)
	return cases
}

// TestEmptyArgumentsAreUsageErrors runs every verb that takes arguments with an empty or
// blank one, in each group as its constructor builds it and through the whole tree: each run
// is a usage error that names the argument, and no request is made.
func TestEmptyArgumentsAreUsageErrors(t *testing.T) {
	trees := []struct {
		name  string
		build func(e *testEnv) *cobra.Command
	}{
		{"auth", func(e *testEnv) *cobra.Command { return auth.NewCmdAuth(e.f) }},
		{"user", func(e *testEnv) *cobra.Command { return user.NewCmdUser(e.f) }},
		{"token", func(e *testEnv) *cobra.Command { return token.NewCmdToken(e.f) }},
		{"roles", func(e *testEnv) *cobra.Command { return roles.NewCmdRoles(e.f) }},
		{"root", func(e *testEnv) *cobra.Command { return NewCmdRoot(e.f) }},
	}
	for _, tree := range trees {
		t.Run(tree.name, func(t *testing.T) {
			cases := emptyArgCases(tree.build(newTestEnv(t)))
			if len(cases) == 0 {
				t.Fatal("no command with arguments found")
			}
			seen := map[string]bool{}
			for _, tc := range cases {
				seen[strings.Join(tc.path, " ")] = true
				t.Run(strings.Join(append(append([]string{}, tc.path...), fmt.Sprintf("%q", tc.args)), " "), func(t *testing.T) {
					e := newTestEnv(t)
					cmd := tree.build(e)
					e.f.Globals.ConfigPath = e.configPath
					cmd.SetArgs(append(append([]string{}, tc.path...), tc.args...))
					cmd.SetOut(io.Discard)
					cmd.SetErr(io.Discard)
					cmd.SilenceErrors, cmd.SilenceUsage = true, true
					_, err := cmd.ExecuteContextC(context.Background())
					var fe *cmdutil.FlagError
					if !errors.As(err, &fe) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
						t.Fatalf("error = %v (%T), want a usage error (exit 2)", err, err)
					}
					msg := err.Error()
					// A command whose own validator lists the accepted values may quote the
					// empty value instead.
					if !strings.Contains(msg, fmt.Sprintf("argument %d", tc.blank+1)) && !strings.Contains(msg, `""`) {
						t.Errorf("message %q does not name argument %d", msg, tc.blank+1)
					}
					if strings.Contains(msg, "\n") {
						t.Errorf("message is not one line: %q", msg)
					}
					if n := len(e.reg.Requests()); n != 0 {
						t.Errorf("%d request(s) made", n)
					}
					if e.out.Len() != 0 {
						t.Errorf("stdout: %q", e.out.String())
					}
				})
			}
			// The walk must reach the verbs this test is about.
			for _, want := range map[string][]string{
				"auth":  {"delete", "login", "renew", "set"},
				"user":  {"show", "search", "delete", "edit email", "invite", "migrate-auth", "preference set", "convert"},
				"token": {"generate", "list", "revoke"},
				"roles": {"member", "system-admin"},
				"root":  {"api", "completion", "user show", "token generate"},
			}[tree.name] {
				if !seen[want] {
					t.Errorf("%s: no case for %q (walked %v)", tree.name, want, keys(seen))
				}
			}
		})
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
