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

func TestShowFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		stdin   string
		want    []string
		wantErr string
	}{
		{name: "one", args: []string{"devops"}, want: []string{"devops"}},
		{name: "several and stdin", args: []string{"devops", "--file", "-"}, stdin: "qa\n# x\nops\n", want: []string{"devops", "qa", "ops"}},
		{name: "none", wantErr: "at least one team"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.In.WriteString(tt.stdin)
			var got *ShowOptions
			err := e.Exec(NewCmdShow(e.F, func(_ context.Context, o *ShowOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Args, tt.want) {
				t.Errorf("teams = %q, want %q", got.Args, tt.want)
			}
		})
	}
}

func TestShowRun(t *testing.T) {
	devops := tvTeam("devops", func(t *model.Team) { t.Description = "Builds things"; t.Email = "ops@example.com" })
	old := tvTeam("old", tvArchived, tvPrivate)
	tests := []struct {
		name       string
		tty        bool
		json       bool
		args       []string
		wantExit   int
		check      func(t *testing.T, out string)
		wantStderr string
	}{
		{
			name: "one team at a terminal: its fields", tty: true, args: []string{"devops"},
			check: func(t *testing.T, out string) {
				for _, s := range []string{"NAME", "devops", "DISPLAY NAME", "Team devops", "TYPE", "public", "DESCRIPTION", "Builds things",
					"EMAIL", "ops@example.com", "ARCHIVED", "no", devops.Id, "2023-11-14T22:13:20Z"} {
					if !strings.Contains(out, s) {
						t.Errorf("stdout lacks %q:\n%s", s, out)
					}
				}
			},
		},
		{
			name: "one team in JSON: the raw object", json: true, args: []string{"old"},
			check: func(t *testing.T, out string) {
				var team map[string]any
				if err := json.Unmarshal([]byte(out), &team); err != nil {
					t.Fatalf("not one JSON object: %v\n%s", err, out)
				}
				if team["id"] != old.Id || team["type"] != "I" || team["delete_at"] != float64(old.DeleteAt) {
					t.Errorf("team = %v", team)
				}
			},
		},
		{
			name: "one team in a pipe: the list's line", args: []string{"old"},
			check: func(t *testing.T, out string) {
				if out != "old\tTeam old\tprivate\tyes\t"+old.Id+"\n" {
					t.Errorf("stdout = %q", out)
				}
			},
		},
		{
			name: "several in JSON: an array in argument order", json: true, args: []string{"old", devops.Id},
			check: func(t *testing.T, out string) {
				var teams []model.Team
				if err := json.Unmarshal([]byte(out), &teams); err != nil || len(teams) != 2 || teams[0].Id != old.Id || teams[1].Id != devops.Id {
					t.Errorf("stdout = %s (%v)", out, err)
				}
			},
		},
		{
			name: "some not found", args: []string{"devops", "ghost"}, wantExit: cmdutil.ExitPartial,
			wantStderr: "ghost: team \"ghost\" not found\n",
			check: func(t *testing.T, out string) {
				if !strings.HasPrefix(out, "devops\t") || len(tvLines(out)) != 1 {
					t.Errorf("stdout = %q", out)
				}
			},
		},
		{
			name: "one not found", tty: true, args: []string{"ghost"}, wantExit: cmdutil.ExitNotFound,
			wantStderr: "ghost: team \"ghost\" not found\n",
			check: func(t *testing.T, out string) {
				if out != "" {
					t.Errorf("stdout = %q", out)
				}
			},
		},
		{
			name: "none found in JSON: []", json: true, args: []string{"ghost", "nope"}, wantExit: cmdutil.ExitNotFound,
			wantStderr: "ghost: team \"ghost\" not found\nnope: team \"nope\" not found\n",
			check: func(t *testing.T, out string) {
				if strings.TrimSpace(out) != "[]" {
					t.Errorf("stdout = %q", out)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			tvServe(e.Fake, devops, old)
			err := e.Exec(NewCmdShow(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			if e.ErrOut.String() != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", e.ErrOut, tt.wantStderr)
			}
			tt.check(t, e.Out.String())
		})
	}
}

func TestShowServerErrorIsNotNotFound(t *testing.T) {
	e := cmdtest.New(t)
	e.Fake.GetTeamByNameFunc = func(context.Context, string, string) (*model.Team, *model.Response, error) {
		return nil, &model.Response{StatusCode: 403}, tvAPIError(403, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
	}
	err := e.Exec(NewCmdShow(e.F, nil), "devops")
	if cmdutil.ExitCode(err) != cmdutil.ExitAuth {
		t.Fatalf("exit = %d (%v), want 4", cmdutil.ExitCode(err), err)
	}
	if strings.Contains(e.ErrOut.String(), "not found") {
		t.Errorf("stderr = %q", e.ErrOut)
	}
}
