package token

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/iostreams"
)

type testEnv struct {
	f                  *cmdutil.Factory
	fake               *clienttest.Fake
	in, stdout, stderr *bytes.Buffer
}

func newTestEnv(tty, jsonOut bool) *testEnv {
	ios, in, out, errOut := iostreams.Test()
	ios.SetTTY(tty)
	f := cmdutil.New(ios, build.Info{Version: "test"}, func(string) string { return "" })
	f.Globals.JSON = jsonOut
	fake := &clienttest.Fake{}
	f.Client = func() (client.Client, error) { return fake, nil }
	return &testEnv{f: f, fake: fake, in: in, stdout: out, stderr: errOut}
}

// withUsers makes the fake resolve users by ID and username; others are not found.
func withUsers(fake *clienttest.Fake, users ...*model.User) {
	fake.GetUsersByIdsFunc = func(_ context.Context, ids []string) ([]*model.User, *model.Response, error) {
		var out []*model.User
		for _, id := range ids {
			for _, u := range users {
				if u.Id == id {
					out = append(out, u)
				}
			}
		}
		return out, nil, nil
	}
	fake.GetUsersByUsernamesFunc = func(_ context.Context, names []string) ([]*model.User, *model.Response, error) {
		var out []*model.User
		for _, n := range names {
			for _, u := range users {
				if u.Username == n {
					out = append(out, u)
				}
			}
		}
		return out, nil, nil
	}
	fake.GetUserByEmailFunc = func(context.Context, string, string) (*model.User, *model.Response, error) {
		return nil, nil, &client.Error{Status: http.StatusNotFound, Message: "not found"}
	}
}

// execute runs cmd with argv and returns its exit code.
func execute(t *testing.T, cmd *cobra.Command, argv ...string) (int, error) {
	t.Helper()
	cmd.SetArgs(argv)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	return cmdutil.ExitCode(err), err
}

func checkCalls(t *testing.T, fake *clienttest.Fake, want map[string]int) {
	t.Helper()
	for name, n := range want {
		if got := fake.Calls(name); got != n {
			t.Errorf("%s calls = %d, want %d", name, got, n)
		}
	}
}

func checkContains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s = %q, want it to contain %q", what, got, w)
		}
	}
}

func TestTokenGroup(t *testing.T) {
	env := newTestEnv(false, false)
	cmd := NewCmdToken(env.f)
	for _, name := range []string{"generate", "list", "revoke"} {
		c, _, err := cmd.Find([]string{name})
		if err != nil || c.Name() != name || c.Hidden {
			t.Errorf("subcommand %s: %v (hidden %v)", name, err, c != nil && c.Hidden)
		}
	}
}
