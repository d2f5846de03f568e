package user

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestInviteFlags(t *testing.T) {
	tests := []struct {
		name         string
		argv         []string
		stdin        string
		wantEmail    string
		wantTeams    []string
		wantDryRun   bool
		wantParallel int
		wantErr      string
	}{
		{name: "one team", argv: []string{"new@example.com", "eng"}, wantEmail: "new@example.com", wantTeams: []string{"eng"}},
		{name: "several teams dry run", argv: []string{"New@Example.com", "eng", "ops", "--dry-run"}, wantEmail: "new@example.com",
			wantTeams: []string{"eng", "ops"}, wantDryRun: true},
		{name: "teams from a file", argv: []string{"new@example.com", "eng", "--file", "-", "--parallel", "2"}, stdin: "ops\n# comment\n\nsales\n",
			wantEmail: "new@example.com", wantTeams: []string{"eng", "ops", "sales"}, wantParallel: 2},
		{name: "only teams from a file", argv: []string{"new@example.com", "--file", "-"}, stdin: "ops\n",
			wantEmail: "new@example.com", wantTeams: []string{"ops"}},
		{name: "an empty file", argv: []string{"new@example.com", "--file", "-"}, wantErr: "give at least one team as an argument or with --file"},
		{name: "--file without an email", argv: []string{"--file", "-"}, stdin: "ops\n", wantErr: "expects an email address"},
		{name: "--parallel 0", argv: []string{"new@example.com", "eng", "--parallel", "0"}, wantErr: "--parallel must be between 1 and 64"},
		{name: "no team", argv: []string{"new@example.com"}, wantErr: "an email address and at least one team"},
		{name: "nothing", wantErr: "an email address and at least one team"},
		{name: "invalid email", argv: []string{"not-an-email", "eng"}, wantErr: `invalid email address "not-an-email"`},
		{name: "display-name email", argv: []string{"Bob <bob@example.com>", "eng"}, wantErr: "invalid email address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t)
			env.In.WriteString(tt.stdin)
			var got *InviteOptions
			err := env.Exec(NewCmdInvite(env.F, func(_ context.Context, o *InviteOptions) error { got = o; return nil }), tt.argv...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
					t.Errorf("exit code = %d, want 2", code)
				}
				if n := env.Fake.TotalCalls(); n != 0 {
					t.Errorf("%d requests made before the usage error", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantParallel == 0 {
				tt.wantParallel = cmdutil.DefaultParallel
			}
			if got.Email != tt.wantEmail || !slices.Equal(got.Teams, tt.wantTeams) || got.Bulk.DryRun != tt.wantDryRun || got.Bulk.Parallel != tt.wantParallel {
				t.Errorf("options = %+v", got)
			}
		})
	}
}

// inviteRowForTest mirrors the JSON rows of `user invite`.
type inviteRowForTest struct {
	Input  string      `json:"input"`
	OK     bool        `json:"ok"`
	DryRun bool        `json:"dry_run"`
	Email  string      `json:"email"`
	Team   *model.Team `json:"team"`
	Error  string      `json:"error"`
}

func TestInviteRun(t *testing.T) {
	eng := &model.Team{Id: model.NewId(), Name: "eng", DisplayName: "Engineering"}
	ops := &model.Team{Id: model.NewId(), Name: "ops", DisplayName: "Operations"}
	closed := &model.Team{Id: model.NewId(), Name: "closed"}
	teams := []*model.Team{eng, ops, closed}
	tests := []struct {
		name        string
		argv        []string
		format      string
		file        string // the content of $FILE
		wantCode    int
		wantInvited []string // team IDs
		wantErr     string
		wantRows    []inviteRowForTest
	}{
		{name: "by name and id", argv: []string{"new@example.com", "eng", ops.Id},
			wantInvited: []string{eng.Id, ops.Id},
			wantErr:     "Invited new@example.com to eng\nInvited new@example.com to ops\n"},
		{name: "unknown team is partial", argv: []string{"new@example.com", "nope", "eng"}, format: "json", wantCode: cmdutil.ExitPartial,
			wantInvited: []string{eng.Id},
			wantErr:     "nope: team \"nope\" not found\nInvited new@example.com to eng\n",
			wantRows: []inviteRowForTest{{Input: "nope", Email: "new@example.com", Error: `team "nope" not found`},
				{Input: "eng", OK: true, Email: "new@example.com", Team: eng}}},
		{name: "server refuses", argv: []string{"new@example.com", "closed"}, wantCode: cmdutil.ExitAuth,
			wantInvited: []string{closed.Id},
			wantErr:     "closed: You do not have the appropriate permissions. (HTTP 403)\n"},
		{name: "teams from a file, one at a time", argv: []string{"new@example.com", "--file", "$FILE", "--parallel", "1"}, file: "eng\nops\n",
			wantInvited: []string{eng.Id, ops.Id},
			wantErr:     "Invited new@example.com to eng\nInvited new@example.com to ops\n"},
		{name: "dry run invites nobody", argv: []string{"new@example.com", "eng", "nope", "--dry-run"}, format: "json", wantCode: cmdutil.ExitPartial,
			wantErr: "would invite new@example.com to eng\nnope: team \"nope\" not found\n",
			wantRows: []inviteRowForTest{{Input: "eng", OK: true, DryRun: true, Email: "new@example.com", Team: eng},
				{Input: "nope", DryRun: true, Email: "new@example.com", Error: `team "nope" not found`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.Format(tt.format))
			env.Fake.GetTeamFunc = func(ctx context.Context, id, etag string) (*model.Team, *model.Response, error) {
				for _, tm := range teams {
					if tm.Id == id {
						return tm, nil, nil
					}
				}
				return nil, nil, &client.Error{Status: 404}
			}
			env.Fake.GetTeamByNameFunc = func(ctx context.Context, name, etag string) (*model.Team, *model.Response, error) {
				for _, tm := range teams {
					if tm.Name == name {
						return tm, nil, nil
					}
				}
				return nil, nil, &client.Error{Status: 404}
			}
			var mu sync.Mutex
			var invited []string
			env.Fake.InviteUsersToTeamFunc = func(ctx context.Context, teamID string, emails []string) (*model.Response, error) {
				mu.Lock()
				defer mu.Unlock()
				invited = append(invited, teamID)
				if len(emails) != 1 || emails[0] != "new@example.com" {
					t.Errorf("emails = %q", emails)
				}
				if teamID == closed.Id {
					return nil, &client.Error{Status: 403, Message: "You do not have the appropriate permissions."}
				}
				return &model.Response{StatusCode: 200}, nil
			}
			argv := slices.Clone(tt.argv)
			if tt.file != "" {
				path := filepath.Join(t.TempDir(), "teams.txt")
				if err := os.WriteFile(path, []byte(tt.file), 0o600); err != nil {
					t.Fatal(err)
				}
				for i, a := range argv {
					argv[i] = strings.ReplaceAll(a, "$FILE", path)
				}
			}
			err := env.Exec(NewCmdInvite(env.F, nil), argv...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d; stderr: %s", code, err, tt.wantCode, env.ErrOut)
			}
			slices.Sort(invited)
			want := slices.Clone(tt.wantInvited)
			slices.Sort(want)
			if !slices.Equal(invited, want) {
				t.Errorf("invited to %q, want %q", invited, want)
			}
			if env.ErrOut.String() != tt.wantErr {
				t.Errorf("stderr = %q, want %q", env.ErrOut, tt.wantErr)
			}
			if tt.wantRows == nil {
				if env.Out.Len() != 0 {
					t.Errorf("stdout = %q, want nothing", env.Out)
				}
				return
			}
			var rows []inviteRowForTest
			if err := json.Unmarshal(env.Out.Bytes(), &rows); err != nil {
				t.Fatalf("stdout is not JSON rows: %v\n%s", err, env.Out)
			}
			if len(rows) != len(tt.wantRows) {
				t.Fatalf("rows = %+v", rows)
			}
			for i, r := range rows {
				w := tt.wantRows[i]
				if r.Input != w.Input || r.OK != w.OK || r.DryRun != w.DryRun || r.Email != w.Email || r.Error != w.Error ||
					(w.Team != nil && (r.Team == nil || r.Team.Id != w.Team.Id)) {
					t.Errorf("row %d = %+v, want %+v", i, r, w)
				}
			}
		})
	}
}
