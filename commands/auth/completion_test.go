package auth

import (
	"strings"
	"testing"

	"github.com/matterctl/matterctl/commands/cmdtest"
)

// TestProfileCompletion checks where each verb completes stored profile names: at every
// argument position ("all"), at the first only ("first"), or nowhere ("none").
func TestProfileCompletion(t *testing.T) {
	where := map[string]string{
		"delete":  "all",
		"renew":   "all",
		"set":     "first",
		"login":   "none",
		"list":    "none",
		"current": "none",
		"clean":   "none",
		"status":  "none",
		"token":   "none",
	}
	for _, c := range NewCmdAuth(newTestEnv(t, false).F).Commands() {
		if _, ok := where[c.Name()]; !ok {
			t.Errorf("%s: not in the table", c.Name())
		}
	}
	for verb, w := range where {
		for pos, before := range [][]string{nil, {"prod"}} {
			want := w == "all" || (w == "first" && pos == 0)
			t.Run(verb+" "+[]string{"first", "second"}[pos], func(t *testing.T) {
				e := newTestEnv(t, false)
				e.seed("prod", prodProfile, devProfile)
				got := cmdtest.Complete(t, NewCmdAuth(e.F), append(append([]string{verb}, before...), "")...)
				if want && strings.Join(got, ",") != "dev,prod" {
					t.Errorf("suggestions %q, want dev and prod", got)
				}
				if !want && len(got) != 0 {
					t.Errorf("suggestions %q, want none", got)
				}
			})
		}
	}
}
