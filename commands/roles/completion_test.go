package roles

import (
	"testing"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdtest"
)

func TestUserArgumentCompletion(t *testing.T) {
	cmdtest.CheckUserCompletion(t, func(e *cmdtest.Env) *cobra.Command { return NewCmdRoles(e.F) }, map[string]string{
		"system-admin": "all",
		"member":       "all",
		"list":         "none",
	})
}
