package team

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestArchiveRestoreFlags(t *testing.T) {
	type captured struct {
		teams []string
		bulk  cmdutil.BulkFlags
		yes   bool
	}
	builders := map[string]func(f *cmdutil.Factory, got *captured) *cobra.Command{
		"archive": func(f *cmdutil.Factory, got *captured) *cobra.Command {
			return NewCmdArchive(f, func(_ context.Context, o *ArchiveOptions) error {
				got.teams, got.bulk, got.yes = o.Args, o.Bulk, o.Yes.Yes
				return nil
			})
		},
		"restore": func(f *cmdutil.Factory, got *captured) *cobra.Command {
			return NewCmdRestore(f, func(_ context.Context, o *RestoreOptions) error {
				got.teams, got.bulk = o.Args, o.Bulk
				return nil
			})
		},
	}
	tests := []struct {
		name      string
		args      []string
		stdin     string
		wantTeams []string
		wantBulk  cmdutil.BulkFlags
		wantErr   string
	}{
		{name: "positional", args: []string{"devops", "qa"}, wantTeams: []string{"devops", "qa"}, wantBulk: cmdutil.BulkFlags{Parallel: 8}},
		{name: "dry run", args: []string{"--dry_run", "devops"}, wantTeams: []string{"devops"}, wantBulk: cmdutil.BulkFlags{Parallel: 8, DryRun: true}},
		{name: "file", args: []string{"--file", "-"}, stdin: "devops\n\nqa\n", wantTeams: []string{"devops", "qa"}, wantBulk: cmdutil.BulkFlags{File: "-", Parallel: 8}},
		{name: "none", wantErr: "give at least one team"},
	}
	for verb, build := range builders {
		for _, tt := range tests {
			t.Run(verb+"/"+tt.name, func(t *testing.T) {
				e := cmdtest.New(t)
				e.In.WriteString(tt.stdin)
				var got captured
				err := e.Exec(build(e.F, &got), tt.args...)
				if tt.wantErr != "" {
					if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got.teams, tt.wantTeams) || got.bulk != tt.wantBulk {
					t.Errorf("teams %q bulk %+v, want %q %+v", got.teams, got.bulk, tt.wantTeams, tt.wantBulk)
				}
				if e.Fake.TotalCalls() != 0 {
					t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
				}
			})
		}
	}
	t.Run("archive takes mmctl's --confirm", func(t *testing.T) {
		e := cmdtest.New(t)
		var got captured
		if err := e.Exec(builders["archive"](e.F, &got), "--confirm", "devops"); err != nil || !got.yes {
			t.Fatalf("err %v, yes %t", err, got.yes)
		}
	})
}

func TestArchiveRun(t *testing.T) {
	devops, qa := tvTeam("devops"), tvTeam("qa")
	old := tvTeam("old", tvArchived)
	tests := []struct {
		name         string
		tty          bool
		args         []string
		confirms     []bool
		wantExit     int
		wantStderr   []string
		notStderr    []string
		wantAsked    []string
		wantArchived []string // teams archived on the server afterwards
		wantCalls    int      // SoftDeleteTeam
	}{
		{
			name: "pipe: no question", args: []string{"devops", qa.Id},
			wantStderr: []string{"Archived team devops", "Archived team qa"}, wantArchived: []string{"devops", "qa", "old"}, wantCalls: 2,
		},
		{
			name: "already archived: a success, no request", args: []string{"old", "devops"},
			wantStderr:   []string{"Team old is already archived: nothing to do", "Archived team devops"},
			wantArchived: []string{"devops", "old"}, wantCalls: 1,
		},
		{
			name: "terminal: asked about the teams that change", tty: true, args: []string{"devops", "old", "qa"}, confirms: []bool{true},
			wantAsked:    []string{"Archive 2 teams (devops, qa)? Their members lose access to them until they are restored."},
			wantStderr:   []string{"Archived team devops", "Archived team qa", "Team old is already archived: nothing to do"},
			wantArchived: []string{"devops", "qa", "old"}, wantCalls: 2,
		},
		{
			name: "terminal: declined", tty: true, args: []string{"devops"}, confirms: []bool{false},
			wantExit:     cmdutil.ExitInterrupted,
			wantAsked:    []string{"Archive team devops? Its members lose access to it until it is restored."},
			wantArchived: []string{"old"},
		},
		{
			name: "terminal: nothing to change, nothing asked", tty: true, args: []string{"old"},
			wantStderr: []string{"Team old is already archived: nothing to do"}, wantArchived: []string{"old"},
		},
		{
			name: "terminal: --yes", tty: true, args: []string{"--yes", "devops"},
			wantStderr: []string{"Archived team devops"}, wantArchived: []string{"devops", "old"}, wantCalls: 1,
		},
		{
			name: "dry run", tty: true, args: []string{"--dry-run", "devops", "old"},
			wantStderr:   []string{"would archive team devops (" + devops.Id + ")", "team old is already archived: nothing would change"},
			notStderr:    []string{"Archived"},
			wantArchived: []string{"old"},
		},
		{
			name: "partial: unknown team", args: []string{"devops", "ghost"},
			wantExit:     cmdutil.ExitPartial,
			wantStderr:   []string{"Archived team devops", `ghost: team "ghost" not found`},
			wantArchived: []string{"devops", "old"}, wantCalls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			for _, yes := range tt.confirms {
				e.Prompter.Script(cmdtest.Confirm("", yes))
			}
			s := tvServe(e.Fake, devops, qa, old)
			err := e.Exec(NewCmdArchive(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
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
				if archived := s.byName(name).DeleteAt != 0; archived != slices.Contains(tt.wantArchived, name) {
					t.Errorf("team %s archived: %t", name, archived)
				}
			}
			if got := e.Fake.Calls("SoftDeleteTeam"); got != tt.wantCalls {
				t.Errorf("SoftDeleteTeam calls = %d, want %d", got, tt.wantCalls)
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout = %q", e.Out)
			}
		})
	}
}

func TestRestoreRun(t *testing.T) {
	devops := tvTeam("devops")
	old, older := tvTeam("old", tvArchived), tvTeam("older", tvArchived)
	e := cmdtest.New(t, cmdtest.JSON(true))
	s := tvServe(e.Fake, devops, old, older)
	err := e.Exec(NewCmdRestore(e.F, nil), "old", "devops", older.Id, "ghost")
	if cmdutil.ExitCode(err) != cmdutil.ExitPartial {
		t.Fatalf("exit = %d (%v), want 3\nstderr:\n%s", cmdutil.ExitCode(err), err, e.ErrOut)
	}
	want := []string{"Restored team old", "Team devops is not archived: nothing to do", "Restored team older", `ghost: team "ghost" not found`}
	if got := tvLines(e.ErrOut.String()); !slices.Equal(got, want) {
		t.Errorf("stderr = %q, want %q", got, want)
	}
	if e.Fake.Calls("RestoreTeam") != 2 {
		t.Errorf("RestoreTeam calls = %d, want 2", e.Fake.Calls("RestoreTeam"))
	}
	for _, name := range []string{"devops", "old", "older"} {
		if s.byName(name).DeleteAt != 0 {
			t.Errorf("%s is still archived", name)
		}
	}
	rows := tvRows(t, e.Out.String())
	if len(rows) != 4 {
		t.Fatalf("%d rows, want 4", len(rows))
	}
	for i, wantChanged := range []bool{true, false, true} {
		r := rows[i]
		if !r.OK || r.Changed == nil || *r.Changed != wantChanged || r.Team == nil || r.Team.DeleteAt != 0 {
			t.Errorf("row %d = %+v, want ok, changed %t, an active team", i, r, wantChanged)
		}
	}
	if rows[3].OK || rows[3].Changed != nil || rows[3].Error != `team "ghost" not found` {
		t.Errorf("ghost row = %+v", rows[3])
	}
}

func TestArchiveDryRunRows(t *testing.T) {
	devops, old := tvTeam("devops"), tvTeam("old", tvArchived)
	e := cmdtest.New(t, cmdtest.JSON(true))
	tvServe(e.Fake, devops, old)
	if err := e.Exec(NewCmdArchive(e.F, nil), "--dry-run", "devops", "old"); err != nil {
		t.Fatal(err)
	}
	rows := tvRows(t, e.Out.String())
	if len(rows) != 2 || !rows[0].DryRun || *rows[0].Changed != true || *rows[1].Changed != false {
		t.Errorf("rows = %+v", rows)
	}
	if e.Fake.Calls("SoftDeleteTeam") != 0 {
		t.Error("a dry run archived a team")
	}
}
