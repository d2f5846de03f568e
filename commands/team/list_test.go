package team

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestListFlags(t *testing.T) {
	tests := []struct {
		name         string
		args         []string
		wantArchived bool
		wantAll      bool
		wantErr      string
	}{
		{name: "default"},
		{name: "archived", args: []string{"--archived"}, wantArchived: true},
		{name: "all", args: []string{"--all"}, wantAll: true},
		{name: "both", args: []string{"--all", "--archived"}, wantErr: "--archived and --all cannot be used together"},
		{name: "argument", args: []string{"devops"}, wantErr: "expects no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *ListOptions
			err := e.Exec(NewCmdList(e.F, func(_ context.Context, o *ListOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Archived != tt.wantArchived || got.All != tt.wantAll {
				t.Errorf("opts = %+v", *got)
			}
		})
	}
}

func TestListRun(t *testing.T) {
	devops := tvTeam("devops", func(t *model.Team) { t.DisplayName = "A DevOps" })
	board := tvTeam("board", tvPrivate, func(t *model.Team) { t.DisplayName = "B Board" })
	old := tvTeam("old", tvArchived, func(t *model.Team) { t.DisplayName = "C Old" })
	older := tvTeam("older", tvArchived, func(t *model.Team) { t.DisplayName = "D Older" })
	tests := []struct {
		name       string
		tty        bool
		args       []string
		wantOut    string
		wantStderr string
	}{
		{
			name: "pipe: active teams", wantOut: "devops\tA DevOps\tpublic\tno\t" + devops.Id + "\nboard\tB Board\tprivate\tno\t" + board.Id + "\n",
			wantStderr: "2 archived teams not shown: use --all or --archived\n",
		},
		{
			name: "archived", args: []string{"--archived"},
			wantOut: "old\tC Old\tpublic\tyes\t" + old.Id + "\nolder\tD Older\tpublic\tyes\t" + older.Id + "\n",
		},
		{
			name: "all", args: []string{"--all"},
			wantOut: "devops\tA DevOps\tpublic\tno\t" + devops.Id + "\nboard\tB Board\tprivate\tno\t" + board.Id + "\n" +
				"old\tC Old\tpublic\tyes\t" + old.Id + "\nolder\tD Older\tpublic\tyes\t" + older.Id + "\n",
		},
		{
			name: "terminal: a table", tty: true, args: []string{"--all"},
			wantOut: "NAME", // checked below
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			tvServe(e.Fake, devops, board, old, older)
			if err := e.Exec(NewCmdList(e.F, nil), tt.args...); err != nil {
				t.Fatalf("err = %v\nstderr:\n%s", err, e.ErrOut)
			}
			if tt.tty {
				lines := tvLines(e.Out.String())
				if len(lines) != 5 || !strings.Contains(lines[0], "NAME") || !strings.Contains(lines[0], "DISPLAY NAME") ||
					!strings.Contains(lines[0], "TYPE") || !strings.Contains(lines[0], "ARCHIVED") || !strings.Contains(lines[0], "ID") ||
					!strings.Contains(lines[2], "private") || !strings.Contains(lines[3], "yes") {
					t.Errorf("table:\n%s", e.Out)
				}
				return
			}
			if e.Out.String() != tt.wantOut {
				t.Errorf("stdout = %q, want %q", e.Out, tt.wantOut)
			}
			if e.ErrOut.String() != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", e.ErrOut, tt.wantStderr)
			}
		})
	}
}

func TestListJSONStreamsEveryPage(t *testing.T) {
	var teams []*model.Team
	for i := range 450 {
		mods := []func(*model.Team){func(t *model.Team) { t.DisplayName = fmt.Sprintf("T%03d", i) }}
		if i%50 == 0 {
			mods = append(mods, tvArchived)
		}
		teams = append(teams, tvTeam(fmt.Sprintf("t%03d", i), mods...))
	}
	e := cmdtest.New(t, cmdtest.JSON(true))
	tvServe(e.Fake, teams...)
	if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
		t.Fatalf("stdout is not one JSON array: %v", err)
	}
	if len(got) != 441 {
		t.Errorf("%d teams, want 441 active", len(got))
	}
	if got[0]["name"] != "t001" || got[0]["display_name"] != "T001" || got[0]["delete_at"] != float64(0) {
		t.Errorf("first team = %v, want the raw team object of t001", got[0])
	}
	if e.Fake.Calls("GetAllTeams") < 3 {
		t.Errorf("GetAllTeams calls = %d, want every page", e.Fake.Calls("GetAllTeams"))
	}
	if e.ErrOut.String() != "9 archived teams not shown: use --all or --archived\n" {
		t.Errorf("stderr = %q", e.ErrOut)
	}
}

func TestListEmptyAndFailed(t *testing.T) {
	t.Run("empty is []", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		tvServe(e.Fake, tvTeam("old", tvArchived))
		if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(e.Out.String()) != "[]" {
			t.Errorf("stdout = %q, want []", e.Out)
		}
		if e.ErrOut.String() != "1 archived team not shown: use --all or --archived\n" {
			t.Errorf("stderr = %q", e.ErrOut)
		}
	})
	t.Run("a failed page is not a whole list", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		var teams []*model.Team
		for i := range 250 {
			teams = append(teams, tvTeam(fmt.Sprintf("t%03d", i), func(t *model.Team) { t.DisplayName = fmt.Sprintf("T%03d", i) }))
		}
		tvServe(e.Fake, teams...)
		inner := e.Fake.GetAllTeamsFunc
		e.Fake.GetAllTeamsFunc = func(ctx context.Context, etag string, page, perPage int) ([]*model.Team, *model.Response, error) {
			if page == 1 {
				return nil, &model.Response{StatusCode: 500}, tvAPIError(500, "x", "boom")
			}
			return inner(ctx, etag, page, perPage)
		}
		err := e.Exec(NewCmdList(e.F, nil))
		if cmdutil.ExitCode(err) != cmdutil.ExitError || !strings.Contains(err.Error(), "boom") {
			t.Fatalf("err = %v", err)
		}
		if json.Valid(e.Out.Bytes()) {
			t.Error("a list cut short parses as a whole JSON array")
		}
		if strings.Contains(e.ErrOut.String(), "not shown") {
			t.Errorf("stderr = %q: no note after a failure", e.ErrOut)
		}
	})
}

// The team verbs that take team arguments complete team names.
func TestTeamArgumentsComplete(t *testing.T) {
	for _, verb := range []string{"archive", "delete", "modify", "rename", "restore", "show"} {
		t.Run(verb, func(t *testing.T) {
			e := cmdtest.New(t)
			e.Fake.SearchTeamsFunc = func(_ context.Context, s *model.TeamSearch) ([]*model.Team, *model.Response, error) {
				if s.Term != "de" {
					t.Errorf("search term %q", s.Term)
				}
				// The server matches anywhere in the name or display name.
				return []*model.Team{{Name: "devops"}, {Name: "design"}, {Name: "code", DisplayName: "Dev"}}, nil, nil
			}
			got := cmdtest.Complete(t, NewCmdTeam(e.F), verb, "De")
			if !slices.Equal(got, []string{"devops", "design"}) {
				t.Errorf("suggestions %q, want devops and design", got)
			}
		})
	}
}
