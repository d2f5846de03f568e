package team

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestSearchFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		stdin     string
		wantTerms []string
		wantAll   bool
		wantErr   string
	}{
		{name: "terms", args: []string{"dev", "ops"}, wantTerms: []string{"dev", "ops"}},
		{name: "file and all", args: []string{"dev", "--file", "-", "--all"}, stdin: "ops\n", wantTerms: []string{"dev", "ops"}, wantAll: true},
		{name: "none", wantErr: "give at least one search term"},
		{name: "empty", args: []string{""}, wantErr: "is empty"},
		{name: "both filters", args: []string{"dev", "--all", "--archived"}, wantErr: "cannot be used together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.In.WriteString(tt.stdin)
			var got *SearchOptions
			err := e.Exec(NewCmdTeam(e.F), append([]string{"search"}, tt.args...)...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			e = cmdtest.New(t)
			e.In.WriteString(tt.stdin)
			err = e.Exec(NewCmdSearch(e.F, func(_ context.Context, o *SearchOptions) error { got = o; return nil }), tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Terms, tt.wantTerms) || got.All != tt.wantAll {
				t.Errorf("opts = %+v", *got)
			}
		})
	}
}

func TestSearchRun(t *testing.T) {
	devops := tvTeam("devops", func(t *model.Team) { t.DisplayName = "DevOps" })
	ops := tvTeam("ops", func(t *model.Team) { t.DisplayName = "Operations" })
	devOld := tvTeam("devold", tvArchived, func(t *model.Team) { t.DisplayName = "Old dev" })
	gone := tvTeam("gone", tvArchived, func(t *model.Team) { t.DisplayName = "Gone" })
	tests := []struct {
		name       string
		args       []string
		wantExit   int
		wantNames  []string
		wantStderr []string
	}{
		{
			name: "deduplicated and sorted by name", args: []string{"ops", "dev"},
			wantNames: []string{"devops", "ops"}, wantStderr: []string{"1 archived team not shown: use --all or --archived"},
		},
		{
			name: "all", args: []string{"dev", "--all"}, wantNames: []string{"devold", "devops"},
		},
		{
			name: "archived", args: []string{"dev", "gone", "--archived"}, wantNames: []string{"devold", "gone"},
		},
		{
			name: "a term without a match", args: []string{"ops", "zzz"},
			wantExit: cmdutil.ExitPartial, wantNames: []string{"devops", "ops"}, wantStderr: []string{`zzz: no active team matches "zzz"`},
		},
		{
			name: "a term that only matches archived teams", args: []string{"gone"},
			wantExit: cmdutil.ExitNotFound, wantStderr: []string{`gone: no active team matches "gone" (1 archived team does: use --all)`},
		},
		{
			name: "no term matches", args: []string{"zzz", "yyy", "--all"},
			wantExit:   cmdutil.ExitNotFound,
			wantStderr: []string{`zzz: no team matches "zzz"`, `yyy: no team matches "yyy"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			tvServe(e.Fake, devops, ops, devOld, gone)
			err := e.Exec(NewCmdSearch(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			var names []string
			for _, l := range tvLines(e.Out.String()) {
				name, _, _ := strings.Cut(l, "\t")
				names = append(names, name)
			}
			if !slices.Equal(names, tt.wantNames) {
				t.Errorf("teams %q, want %q\nstdout:\n%s", names, tt.wantNames, e.Out)
			}
			if got := tvLines(e.ErrOut.String()); !slices.Equal(got, tt.wantStderr) {
				t.Errorf("stderr = %q, want %q", got, tt.wantStderr)
			}
		})
	}
}

func TestSearchJSON(t *testing.T) {
	devops := tvTeam("devops")
	t.Run("raw teams in one array", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		tvServe(e.Fake, devops)
		if err := e.Exec(NewCmdSearch(e.F, nil), "dev", "ops"); err != nil {
			t.Fatal(err)
		}
		var teams []map[string]any
		if err := json.Unmarshal(e.Out.Bytes(), &teams); err != nil || len(teams) != 1 || teams[0]["id"] != devops.Id {
			t.Errorf("stdout = %s (%v)", e.Out, err)
		}
	})
	t.Run("nothing found is []", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		tvServe(e.Fake, devops)
		err := e.Exec(NewCmdSearch(e.F, nil), "zzz")
		if cmdutil.ExitCode(err) != cmdutil.ExitNotFound {
			t.Fatalf("err = %v", err)
		}
		if strings.TrimSpace(e.Out.String()) != "[]" {
			t.Errorf("stdout = %q, want []", e.Out)
		}
	})
	t.Run("a failed search", func(t *testing.T) {
		e := cmdtest.New(t)
		e.Fake.SearchTeamsFunc = func(context.Context, *model.TeamSearch) ([]*model.Team, *model.Response, error) {
			return nil, &model.Response{StatusCode: 403}, tvAPIError(403, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
		}
		err := e.Exec(NewCmdSearch(e.F, nil), "dev")
		if cmdutil.ExitCode(err) != cmdutil.ExitAuth {
			t.Fatalf("exit = %d (%v), want 4", cmdutil.ExitCode(err), err)
		}
		if !strings.HasPrefix(e.ErrOut.String(), "dev: You do not have the appropriate permissions. (HTTP 403)") {
			t.Errorf("stderr = %q", e.ErrOut)
		}
	})
}
