package token

import (
	"strings"
	"testing"

	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdtest"
)

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
	env := cmdtest.New(t)
	cmd := NewCmdToken(env.F)
	for _, name := range []string{"generate", "list", "revoke"} {
		c, _, err := cmd.Find([]string{name})
		if err != nil || c.Name() != name || c.Hidden {
			t.Errorf("subcommand %s: %v (hidden %v)", name, err, c != nil && c.Hidden)
		}
	}
}
