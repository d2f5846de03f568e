package team

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestDeleteFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		stdin     string
		wantTeams []string
		wantYes   bool
		wantBulk  cmdutil.BulkFlags
		wantErr   string
	}{
		{name: "plain", args: []string{"devops"}, wantTeams: []string{"devops"}, wantBulk: cmdutil.BulkFlags{Parallel: 8}},
		{name: "confirm", args: []string{"--confirm", "devops"}, wantTeams: []string{"devops"}, wantYes: true, wantBulk: cmdutil.BulkFlags{Parallel: 8}},
		{name: "yes", args: []string{"--yes", "devops", "qa"}, wantTeams: []string{"devops", "qa"}, wantYes: true, wantBulk: cmdutil.BulkFlags{Parallel: 8}},
		{name: "y", args: []string{"-y", "devops"}, wantTeams: []string{"devops"}, wantYes: true, wantBulk: cmdutil.BulkFlags{Parallel: 8}},
		{name: "dry run and parallel", args: []string{"--dry-run", "--parallel", "2", "devops"}, wantTeams: []string{"devops"},
			wantBulk: cmdutil.BulkFlags{Parallel: 2, DryRun: true}},
		{name: "file", args: []string{"qa", "--file", "-"}, stdin: "# old\ndevops\n", wantTeams: []string{"qa", "devops"},
			wantBulk: cmdutil.BulkFlags{File: "-", Parallel: 8}},
		{name: "no team", args: []string{"--confirm"}, wantErr: "give at least one team"},
		{name: "parallel", args: []string{"--parallel", "65", "devops"}, wantErr: "--parallel must be between 1 and 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.In.WriteString(tt.stdin)
			var got *DeleteOptions
			err := e.Exec(NewCmdDelete(e.F, func(_ context.Context, o *DeleteOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Args, tt.wantTeams) || got.Yes.Yes != tt.wantYes || got.Bulk != tt.wantBulk {
				t.Errorf("opts = teams %q yes %t bulk %+v", got.Args, got.Yes.Yes, got.Bulk)
			}
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
			}
		})
	}
}

func TestDeleteRun(t *testing.T) {
	devops, qa := tvTeam("devops"), tvTeam("qa")
	old := tvTeam("old", tvArchived)
	disabled := tvAPIError(401, "api.user.delete_team.not_enabled.app_error",
		"Permanent team deletion feature is not enabled. Please contact your System Administrator.")
	tests := []struct {
		name        string
		tty         bool
		args        []string
		confirms    []bool
		deleteErr   error
		wantExit    int
		wantErr     string
		wantStderr  []string // lines that must appear exactly once
		notStderr   []string
		wantAsked   []string
		wantDeleted []string
		wantCalls   bool
	}{
		{
			name: "no terminal, no --confirm: nothing asked of the server", args: []string{"devops"},
			wantExit: cmdutil.ExitUsage, wantErr: "not running interactively: provide --confirm (or --yes)",
		},
		{
			name: "no terminal, --confirm", args: []string{"--confirm", "devops", qa.Id},
			wantStderr: []string{"Deleted team devops", "Deleted team qa"}, wantDeleted: []string{"devops", "qa"}, wantCalls: true,
		},
		{
			name: "an archived team", args: []string{"-y", "old"},
			wantStderr: []string{"Deleted team old"}, wantDeleted: []string{"old"}, wantCalls: true,
		},
		{
			name: "terminal: confirmed", tty: true, args: []string{"devops", "qa"}, confirms: []bool{true},
			wantAsked:   []string{"Permanently delete 2 teams (devops, qa) with all their channels and posts? This cannot be undone."},
			wantStderr:  []string{"Deleted team devops", "Deleted team qa"},
			wantDeleted: []string{"devops", "qa"}, wantCalls: true,
		},
		{
			name: "terminal: one team, declined", tty: true, args: []string{"devops", "devops"}, confirms: []bool{false},
			wantExit:  cmdutil.ExitInterrupted,
			wantAsked: []string{"Permanently delete team devops with all its channels and posts? This cannot be undone."}, wantCalls: true,
		},
		{
			name: "one argument does not resolve: nothing deleted, nothing asked", tty: true, args: []string{"devops", "ghost"},
			wantExit: cmdutil.ExitNotFound, wantErr: `nothing was changed: ghost: team "ghost" not found`, wantCalls: true,
		},
		{
			name: "dry run needs no confirmation", args: []string{"--dry-run", "devops"},
			wantStderr: []string{"would permanently delete team devops (" + devops.Id + ")"}, notStderr: []string{"Deleted"}, wantCalls: true,
		},
		{
			name: "deletion disabled on the server", args: []string{"-y", "devops", "qa"}, deleteErr: disabled,
			wantExit: cmdutil.ExitError,
			wantStderr: []string{
				"devops: team deletion through the API is disabled on the server (ServiceSettings.EnableAPITeamDeletion, MM_SERVICESETTINGS_ENABLEAPITEAMDELETION)",
				"qa: team deletion through the API is disabled on the server (ServiceSettings.EnableAPITeamDeletion, MM_SERVICESETTINGS_ENABLEAPITEAMDELETION)",
				"hint: set ServiceSettings.EnableAPITeamDeletion to true (System Console, config.json or MM_SERVICESETTINGS_ENABLEAPITEAMDELETION=true), or use `matterctl team archive`",
			},
			notStderr: []string{"auth login", "Deleted"}, wantCalls: true,
		},
		{
			name: "another server error gives no hint", args: []string{"-y", "devops"}, deleteErr: tvAPIError(500, "x", "boom"),
			wantExit: cmdutil.ExitError, wantStderr: []string{"devops: boom (HTTP 500)"}, notStderr: []string{"hint:"}, wantCalls: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			for _, yes := range tt.confirms {
				e.Prompter.Script(cmdtest.Confirm("", yes))
			}
			s := tvServe(e.Fake, devops, qa, old)
			s.deleteErr = tt.deleteErr
			err := e.Exec(NewCmdDelete(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			for _, line := range tt.wantStderr {
				if n := tvCount(e.ErrOut.String(), line); n != 1 {
					t.Errorf("stderr has %q %d times, want once\nstderr:\n%s", line, n, e.ErrOut)
				}
			}
			for _, s := range tt.notStderr {
				if strings.Contains(e.ErrOut.String(), s) {
					t.Errorf("stderr contains %q:\n%s", s, e.ErrOut)
				}
			}
			if got := e.Prompter.Asked(); !slices.Equal(got, tt.wantAsked) {
				t.Errorf("asked %q, want %q", got, tt.wantAsked)
			}
			for _, name := range []string{"devops", "qa", "old"} {
				if gone := s.byName(name) == nil; gone != slices.Contains(tt.wantDeleted, name) {
					t.Errorf("team %s deleted: %t", name, gone)
				}
			}
			if !tt.wantCalls && e.Fake.TotalCalls() != 0 {
				t.Errorf("%d client calls, want none", e.Fake.TotalCalls())
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing outside JSON mode", e.Out)
			}
		})
	}
}

func TestDeleteJSONRows(t *testing.T) {
	devops := tvTeam("devops")
	e := cmdtest.New(t, cmdtest.JSON(true))
	tvServe(e.Fake, devops)
	err := e.Exec(NewCmdDelete(e.F, nil), "--yes", "devops", devops.Id)
	if err != nil {
		t.Fatalf("err = %v\nstderr:\n%s", err, e.ErrOut)
	}
	rows := tvRows(t, e.Out.String())
	if len(rows) != 2 || !rows[0].OK || rows[0].Team == nil || rows[0].Team.Id != devops.Id || rows[1].DuplicateOf != 1 {
		t.Errorf("rows = %+v", rows)
	}
	if e.Fake.Calls("PermanentDeleteTeam") != 1 {
		t.Errorf("PermanentDeleteTeam calls = %d, want 1", e.Fake.Calls("PermanentDeleteTeam"))
	}
}
