package team

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestRenameFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     RenameOptions
		wantErr  string
		wantExit int
	}{
		{name: "display name", args: []string{"devops", "--display-name", " DevOps Team "}, want: RenameOptions{Team: "devops", DisplayName: "DevOps Team"}},
		{name: "mmctl spelling, dry run", args: []string{"devops", "--display_name", "D", "--dry-run"}, want: RenameOptions{Team: "devops", DisplayName: "D", DryRun: true}},
		{name: "no display name", args: []string{"devops"}, wantErr: `required flag "display-name" not set`, wantExit: cmdutil.ExitUsage},
		{name: "empty display name", args: []string{"devops", "--display-name", " "}, wantErr: "--display-name cannot be empty", wantExit: cmdutil.ExitUsage},
		{name: "long display name", args: []string{"devops", "--display-name", strings.Repeat("x", 65)}, wantErr: "longer than 64", wantExit: cmdutil.ExitUsage},
		{name: "no team", args: []string{"--display-name", "D"}, wantErr: "expects one team", wantExit: cmdutil.ExitUsage},
		{name: "two teams", args: []string{"a", "b", "--display-name", "D"}, wantErr: "expects one team", wantExit: cmdutil.ExitUsage},
		{
			name: "--name is refused before anything", args: []string{"devops", "--name", "platform", "--display-name", "D"},
			wantErr:  "--name: the server's API cannot change a team's URL name; create a team with the new name (`matterctl team create`) and move the channels to it, or change only --display-name",
			wantExit: cmdutil.ExitError,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *RenameOptions
			err := e.Exec(NewCmdRename(e.F, func(_ context.Context, o *RenameOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != tt.wantExit || err == nil || err.Error() != tt.wantErr && !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v (exit %d), want %q (exit %d)", err, cmdutil.ExitCode(err), tt.wantErr, tt.wantExit)
				}
				if got != nil {
					t.Error("the command ran")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Team != tt.want.Team || got.DisplayName != tt.want.DisplayName || got.DryRun != tt.want.DryRun {
				t.Errorf("opts = %+v, want %+v", *got, tt.want)
			}
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
			}
		})
	}
}

func TestRenameRun(t *testing.T) {
	devops := tvTeam("devops", func(t *model.Team) { t.DisplayName = "DevOps"; t.Description = "keep me" })
	tests := []struct {
		name        string
		json        bool
		args        []string
		wantExit    int
		wantStderr  string
		wantDisplay string
		wantPatch   int
	}{
		{
			name: "renamed", args: []string{"devops", "--display-name", "Platform"},
			wantStderr: "Renamed team devops from \"DevOps\" to \"Platform\"\n", wantDisplay: "Platform", wantPatch: 1,
		},
		{
			name: "by ID, JSON", json: true, args: []string{devops.Id, "--display-name", "Platform"},
			wantStderr: "Renamed team devops from \"DevOps\" to \"Platform\"\n", wantDisplay: "Platform", wantPatch: 1,
		},
		{
			name: "same display name", args: []string{"devops", "--display-name", "DevOps"},
			wantStderr: "Team devops already has display name \"DevOps\": nothing to change\n", wantDisplay: "DevOps",
		},
		{
			name: "dry run", args: []string{"devops", "--display-name", "Platform", "--dry-run"},
			wantStderr: "would rename team devops (" + devops.Id + ") from \"DevOps\" to \"Platform\"\n", wantDisplay: "DevOps",
		},
		{
			name: "unknown team", args: []string{"ghost", "--display-name", "X"},
			wantExit: cmdutil.ExitNotFound, wantDisplay: "DevOps",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.JSON(tt.json))
			s := tvServe(e.Fake, devops)
			var patches []*model.TeamPatch
			inner := e.Fake.PatchTeamFunc
			e.Fake.PatchTeamFunc = func(ctx context.Context, id string, patch *model.TeamPatch) (*model.Team, *model.Response, error) {
				patches = append(patches, patch)
				return inner(ctx, id, patch)
			}
			err := e.Exec(NewCmdRename(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			if tt.wantExit == 0 && e.ErrOut.String() != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", e.ErrOut, tt.wantStderr)
			}
			if len(patches) != tt.wantPatch {
				t.Fatalf("%d patches, want %d", len(patches), tt.wantPatch)
			}
			// Only the display name is sent: a concurrent change to another field survives.
			for _, p := range patches {
				if p.DisplayName == nil || p.Description != nil || p.AllowOpenInvite != nil || p.CompanyName != nil || p.AllowedDomains != nil {
					t.Errorf("patch = %+v, want the display name only", p)
				}
			}
			got := s.byName("devops")
			if got.DisplayName != tt.wantDisplay || got.Description != "keep me" {
				t.Errorf("team = %+v", got)
			}
			if tt.json {
				var team model.Team
				if err := json.Unmarshal(e.Out.Bytes(), &team); err != nil || team.Id != devops.Id || team.DisplayName != "Platform" {
					t.Errorf("stdout = %s (%v), want the renamed team", e.Out, err)
				}
			} else if e.Out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing outside JSON mode", e.Out)
			}
		})
	}
}
