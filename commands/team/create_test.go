package team

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestCreateFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    CreateOptions
		wantErr string
	}{
		{name: "mmctl spelling", args: []string{"--name", "devops", "--display_name", "DevOps Team"},
			want: CreateOptions{Name: "devops", DisplayName: "DevOps Team"}},
		{name: "private with email", args: []string{"--name", "Board", "--display-name", " Board ", "--private", "--email", "Board@Example.com"},
			want: CreateOptions{Name: "board", DisplayName: "Board", Private: true, Email: "board@example.com"}},
		{name: "dry run", args: []string{"--name", "qa", "--display-name", "QA", "--dry-run"},
			want: CreateOptions{Name: "qa", DisplayName: "QA", Bulk: cmdutil.BulkFlags{DryRun: true}}},
		{name: "file", args: []string{"--file", "teams.csv", "--parallel", "3"},
			want: CreateOptions{Bulk: cmdutil.BulkFlags{File: "teams.csv", Parallel: 3}}},
		{name: "no flags", wantErr: `required flag(s) "name", "display-name" not set (or use --file)`},
		{name: "no display name", args: []string{"--name", "devops"}, wantErr: `required flag(s) "display-name" not set`},
		{name: "bad characters", args: []string{"--name", "dev ops", "--display-name", "x"}, wantErr: `invalid team name "dev ops"`},
		{name: "one letter", args: []string{"--name", "d", "--display-name", "x"}, wantErr: `invalid team name "d": use 2 to 64`},
		{name: "reserved", args: []string{"--name", "api-team", "--display-name", "x"}, wantErr: "cannot start with a reserved word"},
		{name: "long display name", args: []string{"--name", "devops", "--display-name", strings.Repeat("é", 65)}, wantErr: "longer than 64 characters"},
		{name: "bad email", args: []string{"--name", "devops", "--display-name", "x", "--email", "nope"}, wantErr: `invalid email address "nope"`},
		{name: "file and name", args: []string{"--file", "t.csv", "--name", "x", "--private"}, wantErr: "--file cannot be used with --name, --private"},
		{name: "parallel", args: []string{"--file", "t.csv", "--parallel", "0"}, wantErr: "--parallel must be between 1 and 64"},
		{name: "argument", args: []string{"devops"}, wantErr: "expects no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *CreateOptions
			err := e.Exec(NewCmdCreate(e.F, func(_ context.Context, o *CreateOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v (exit %d), want a usage error containing %q", err, cmdutil.ExitCode(err), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.Bulk.Parallel == 0 {
				tt.want.Bulk.Parallel = cmdutil.DefaultParallel
			}
			if got.Name != tt.want.Name || got.DisplayName != tt.want.DisplayName || got.Private != tt.want.Private ||
				got.Email != tt.want.Email || got.Bulk != tt.want.Bulk {
				t.Errorf("opts = %+v, want %+v", *got, tt.want)
			}
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
			}
		})
	}
}

func TestCreateRun(t *testing.T) {
	existing := tvTeam("taken")
	gone := tvTeam("gone", tvArchived)
	tests := []struct {
		name       string
		tty        bool
		format     string
		args       []string
		setup      func(e *cmdtest.Env, s *tvServer)
		wantExit   int
		wantErr    string
		wantStderr string
		wantOut    []string // substrings of stdout
		wantTeam   *model.Team
		wantCreate int
	}{
		{
			name: "terminal: public team", tty: true, args: []string{"--name", "devops", "--display_name", "DevOps Team"},
			wantStderr: "Created team devops\n",
			wantOut:    []string{"NAME", "devops", "DISPLAY NAME", "DevOps Team", "public", "admin@example.com"},
			wantTeam:   &model.Team{Name: "devops", DisplayName: "DevOps Team", Type: model.TeamOpen, AllowOpenInvite: true},
			wantCreate: 1,
		},
		{
			name: "pipe: private team is one plain line", args: []string{"--name", "board", "--display-name", "Board", "--private"},
			wantStderr: "Created team board\n",
			wantOut:    []string{"board\tBoard\tprivate\tno\t"},
			wantTeam:   &model.Team{Name: "board", DisplayName: "Board", Type: model.TeamInvite},
			wantCreate: 1,
		},
		{
			name: "email replaced by the server's", args: []string{"--name", "devops", "--display-name", "D", "--email", "ops@example.com"},
			wantStderr: "warning: team devops has the email admin@example.com: the server gives a team its creator's email and ignores the one asked (ops@example.com), except over --local\nCreated team devops\n",
			wantTeam:   &model.Team{Name: "devops", DisplayName: "D", Type: model.TeamOpen, AllowOpenInvite: true, Email: "admin@example.com"},
			wantCreate: 1,
		},
		{
			name: "email kept (local mode)", args: []string{"--name", "devops", "--display-name", "D", "--email", "ops@example.com"},
			setup:      func(_ *cmdtest.Env, s *tvServer) { s.creator = "" },
			wantStderr: "Created team devops\n",
			wantTeam:   &model.Team{Name: "devops", DisplayName: "D", Type: model.TeamOpen, AllowOpenInvite: true, Email: "ops@example.com"},
			wantCreate: 1,
		},
		{
			name: "name taken", args: []string{"--name", "taken", "--display-name", "T"},
			wantExit: cmdutil.ExitError, wantErr: "team taken already exists", wantCreate: 1,
		},
		{
			name: "name of an archived team taken", args: []string{"--name", "gone", "--display-name", "T"},
			wantExit: cmdutil.ExitError, wantErr: "team gone already exists (archived)", wantCreate: 1,
		},
		{
			name: "dry run", args: []string{"--name", "devops", "--display-name", "DevOps", "--dry-run"},
			wantStderr: "would create public team devops (DevOps)\n",
			wantOut:    []string{"devops\tDevOps\tpublic\tno\t"},
		},
		{
			name: "dry run: name taken", args: []string{"--name", "taken", "--display-name", "T", "--dry-run"},
			wantExit: cmdutil.ExitError, wantErr: "team taken already exists",
		},
		{
			name: "dry run: name of an archived team", args: []string{"--name", "gone", "--display-name", "T", "--dry-run"},
			wantExit: cmdutil.ExitError, wantErr: "team gone already exists (archived)",
		},
		{
			name: "creation restricted to other domains", args: []string{"--name", "devops", "--display-name", "D"},
			setup: func(e *cmdtest.Env, _ *tvServer) {
				e.Fake.CreateTeamFunc = func(context.Context, *model.Team) (*model.Team, *model.Response, error) {
					return nil, &model.Response{StatusCode: 400}, tvAPIError(400, "api.team.is_team_creation_allowed.domain.app_error", "Email must be from a specific domain (e.g. @example.com).")
				}
			},
			wantExit:   cmdutil.ExitError,
			wantErr:    "team creation for the email domain of this account is disabled on the server (TeamSettings.RestrictCreationToDomains, MM_TEAMSETTINGS_RESTRICTCREATIONTODOMAINS)",
			wantCreate: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.Format(tt.format))
			s := tvServe(e.Fake, existing, gone)
			if tt.setup != nil {
				tt.setup(e, s)
			}
			err := e.Exec(NewCmdCreate(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if tt.wantExit == 0 && e.ErrOut.String() != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", e.ErrOut, tt.wantStderr)
			}
			for _, s := range tt.wantOut {
				if !strings.Contains(e.Out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, e.Out)
				}
			}
			if got := e.Fake.Calls("CreateTeam"); got != tt.wantCreate {
				t.Errorf("CreateTeam calls = %d, want %d", got, tt.wantCreate)
			}
			if w := tt.wantTeam; w != nil {
				got := s.byName(w.Name)
				if got == nil {
					t.Fatalf("team %s was not created", w.Name)
				}
				if got.DisplayName != w.DisplayName || got.Type != w.Type || got.AllowOpenInvite != w.AllowOpenInvite || (w.Email != "" && got.Email != w.Email) {
					t.Errorf("created %+v, want %+v", got, w)
				}
			}
		})
	}
}

func TestCreateJSONIsTheRawTeam(t *testing.T) {
	e := cmdtest.New(t, cmdtest.JSON(true))
	tvServe(e.Fake)
	if err := e.Exec(NewCmdCreate(e.F, nil), "--name", "devops", "--display-name", "DevOps Team"); err != nil {
		t.Fatal(err)
	}
	var team map[string]any
	if err := json.Unmarshal(e.Out.Bytes(), &team); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, e.Out)
	}
	if team["name"] != "devops" || team["display_name"] != "DevOps Team" || team["type"] != "O" || team["allow_open_invite"] != true || team["id"] == "" {
		t.Errorf("team = %v", team)
	}
	if e.ErrOut.String() != "Created team devops\n" {
		t.Errorf("stderr = %q", e.ErrOut)
	}
}

func TestCreateFile(t *testing.T) {
	taken := tvTeam("taken")
	csv := "name,display_name,private,email\n" +
		"devops,DevOps Team,,\n" +
		"Board,Board,yes,\n" +
		"devops,Again,,\n" +
		"x y,Bad,,\n" +
		",No name,,\n" +
		"taken,Taken,,\n"
	t.Run("create", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		s := tvServe(e.Fake, taken)
		path := filepath.Join(t.TempDir(), "teams.csv")
		if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
			t.Fatal(err)
		}
		err := e.Exec(NewCmdCreate(e.F, nil), "--file", path)
		if cmdutil.ExitCode(err) != cmdutil.ExitPartial {
			t.Fatalf("exit = %d (%v), want 3\nstderr:\n%s", cmdutil.ExitCode(err), err, e.ErrOut)
		}
		if got := e.Fake.Calls("CreateTeam"); got != 3 {
			t.Errorf("CreateTeam calls = %d, want 3 (devops, board, taken)", got)
		}
		if b := s.byName("board"); b == nil || b.Type != model.TeamInvite || b.AllowOpenInvite {
			t.Errorf("board = %+v, want a private team", b)
		}
		for _, line := range []string{
			"Created team devops", "Created team board",
			"line 4: devops: name devops repeats line 2",
			`line 5: x y: invalid team name "x y": use 2 to 64 lowercase letters, digits and '-', starting and ending with a letter or digit`,
			"line 6: name is required",
			"line 7: taken: team taken already exists",
		} {
			if tvCount(e.ErrOut.String(), line) != 1 {
				t.Errorf("stderr lacks %q once:\n%s", line, e.ErrOut)
			}
		}
		rows := tvRows(t, e.Out.String())
		if len(rows) != 6 {
			t.Fatalf("%d rows, want 6", len(rows))
		}
		if !rows[0].OK || rows[0].Team == nil || rows[0].Team.Name != "devops" || rows[0].Input != "line 2: devops" {
			t.Errorf("row 1 = %+v", rows[0])
		}
		if rows[2].OK || rows[4].OK || !strings.Contains(rows[4].Error, "name") {
			t.Errorf("rows 3 and 5 = %+v, %+v", rows[2], rows[4])
		}
	})
	t.Run("dry run checks the server", func(t *testing.T) {
		e := cmdtest.New(t)
		tvServe(e.Fake, taken)
		e.In.WriteString(`{"name": "devops", "display-name": "DevOps"}` + "\n" + `{"name": "taken", "display_name": "T"}` + "\n")
		err := e.Exec(NewCmdCreate(e.F, nil), "--file", "-", "--dry-run")
		if cmdutil.ExitCode(err) != cmdutil.ExitPartial {
			t.Fatalf("exit = %d (%v), want 3\nstderr:\n%s", cmdutil.ExitCode(err), err, e.ErrOut)
		}
		want := "would create public team devops (DevOps)\nline 2: taken: team taken already exists\n"
		if e.ErrOut.String() != want {
			t.Errorf("stderr = %q, want %q", e.ErrOut, want)
		}
		if e.Fake.Calls("CreateTeam") != 0 {
			t.Error("a dry run created a team")
		}
	})
	t.Run("empty file", func(t *testing.T) {
		e := cmdtest.New(t)
		e.In.WriteString("name,display_name\n")
		err := e.Exec(NewCmdCreate(e.F, nil), "--file", "-")
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "holds no teams") {
			t.Fatalf("err = %v, want a usage error", err)
		}
	})
}
