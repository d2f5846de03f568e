package token

import (
	"testing"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdtest"
)

func TestUserArgumentCompletion(t *testing.T) {
	cmdtest.CheckUserCompletion(t, func(e *cmdtest.Env) *cobra.Command { return NewCmdToken(e.F) }, map[string]string{
		"generate": "first",
		"list":     "first",
		"revoke":   "none",
	})
}
