package channel

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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
		{
			name: "mmctl's line with a positional team", args: []string{"devops", "--name", "alerts", "--display_name", "アラート通知"},
			want: CreateOptions{Team: "devops", Name: "alerts", DisplayName: "アラート通知"},
		},
		{
			name: "--team, private, header, purpose", args: []string{"--team", "devops", "--name", "Secret", "--display-name", "Secret", "--private", "--header", "h", "--purpose", "p"},
			want: CreateOptions{Team: "devops", Name: "secret", DisplayName: "Secret", Private: true, Header: "h", Purpose: "p"},
		},
		{
			name: "both forms agree", args: []string{"devops", "--team", "DevOps", "--name", "a", "--display-name", "A"},
			want: CreateOptions{Team: "devops", Name: "a", DisplayName: "A"},
		},
		{name: "both forms differ", args: []string{"devops", "--team", "ops", "--name", "a", "--display-name", "A"}, wantErr: `the team is given twice, as "devops" and --team "ops"`},
		{name: "no team", args: []string{"--name", "a", "--display-name", "A"}, wantErr: `required flag(s) "team" (or a team argument) not set`},
		{name: "no names", args: []string{"devops"}, wantErr: `required flag(s) "name", "display-name" not set`},
		{name: "invalid name", args: []string{"devops", "--name", "a b", "--display-name", "A"}, wantErr: `invalid channel name "a b"`},
		{name: "long purpose", args: []string{"devops", "--name", "a", "--display-name", "A", "--purpose", strings.Repeat("x", 251)}, wantErr: "the purpose is longer than 250"},
		{name: "two teams", args: []string{"devops", "ops", "--name", "a", "--display-name", "A"}, wantErr: "expects at most one team"},
		{name: "file with per-channel flags", args: []string{"--file", "x.csv", "--name", "a", "--private"}, wantErr: "--file cannot be used with --name, --private"},
		{name: "file with a default team", args: []string{"devops", "--file", "x.csv"}, want: CreateOptions{Team: "devops"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *CreateOptions
			err := e.Exec(NewCmdCreate(e.F, func(_ context.Context, o *CreateOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			g := *got
			if g.Team != tt.want.Team || g.Name != tt.want.Name || g.DisplayName != tt.want.DisplayName || g.Private != tt.want.Private ||
				g.Header != tt.want.Header || g.Purpose != tt.want.Purpose {
				t.Errorf("opts = %+v", g)
			}
		})
	}
}

// createServer records the channels created and answers like the server.
type createServer struct {
	w       *chWorld
	mu      sync.Mutex
	created []*model.Channel
	errs    map[string]error // by channel name
}

func (s *createServer) serve(e *cmdtest.Env) {
	s.w.serve(e.Fake)
	e.Fake.CreateChannelFunc = func(_ context.Context, ch *model.Channel) (*model.Channel, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if err := s.errs[ch.Name]; err != nil {
			return nil, chResp(err), err
		}
		c := *ch
		c.Id = model.NewId()
		c.CreateAt = 1700000000000
		s.created = append(s.created, &c)
		return &c, chResp(nil), nil
	}
}

func (s *createServer) names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, ch := range s.created {
		out = append(out, fmt.Sprintf("%s:%s:%s:%s", ch.TeamId, ch.Name, ch.DisplayName, ch.Type))
	}
	slices.Sort(out)
	return out
}

func TestCreateRun(t *testing.T) {
	devops, old := chTeam("devops"), chTeam("old")
	old.DeleteAt = 1
	taken := chChannel(devops, "taken")
	w := &chWorld{teams: []*model.Team{devops, old}, channels: []*model.Channel{taken}}
	exists := chAPIError(400, "store.sql_channel.save_channel.exists.app_error", "A channel with that name already exists on the same team.")
	limit := chAPIError(400, "api.channel.create_channel.max_channel_limit.app_error", "Unable to create more than 2000 channels for current team.")

	tests := []struct {
		name        string
		args        []string
		tty, json   bool
		errs        map[string]error
		wantExit    int
		wantErr     string
		wantStderr  []string
		wantCreated []string
		wantStdout  []string
	}{
		{
			name: "public, plain", args: []string{"devops", "--name", "alerts", "--display_name", "アラート通知"},
			wantStderr:  []string{"Created public channel devops:alerts"},
			wantCreated: []string{devops.Id + ":alerts:アラート通知:O"},
			wantStdout:  []string{"devops\talerts\tアラート通知\tpublic\tno\t"},
		},
		{
			name: "private, terminal", tty: true, args: []string{"--team", devops.Id, "--name", "secret", "--display-name", "Secret", "--private"},
			wantStderr:  []string{"Created private channel devops:secret"},
			wantCreated: []string{devops.Id + ":secret:Secret:P"},
			wantStdout:  []string{"TYPE", "private", "devops (Devops)"},
		},
		{
			name: "JSON: the channel with its team", json: true, args: []string{"devops", "--name", "alerts", "--display-name", "A"},
			wantCreated: []string{devops.Id + ":alerts:A:O"},
			wantStdout:  []string{`"name": "alerts"`, `"team_name": "devops"`},
		},
		{
			name: "name taken", args: []string{"devops", "--name", "taken", "--display-name", "T"},
			errs:     map[string]error{"taken": exists},
			wantExit: cmdutil.ExitError, wantErr: "channel devops:taken already exists",
		},
		{
			name: "the team's channel limit names the setting", args: []string{"devops", "--name", "more", "--display-name", "M"},
			errs:     map[string]error{"more": limit},
			wantExit: cmdutil.ExitError, wantErr: "team devops has as many channels as the server allows (TeamSettings.MaxChannelsPerTeam, MM_TEAMSETTINGS_MAXCHANNELSPERTEAM)",
		},
		{
			name: "unknown team", args: []string{"nowhere", "--name", "a", "--display-name", "A"},
			wantExit: cmdutil.ExitNotFound, wantErr: `team "nowhere" not found`,
		},
		{
			name: "archived team", args: []string{"old", "--name", "a", "--display-name", "A"},
			wantExit: cmdutil.ExitError, wantErr: `team "old" is archived`,
		},
		{
			name: "dry run", args: []string{"devops", "--name", "alerts", "--display-name", "A", "--dry-run"},
			wantStderr: []string{"would create public channel devops:alerts"},
			wantStdout: []string{"devops\talerts\tA\tpublic\tno\t\n"},
		},
		{
			name: "dry run: name taken", args: []string{"devops", "--name", "taken", "--display-name", "A", "--dry-run"},
			wantExit: cmdutil.ExitError, wantErr: "channel devops:taken already exists",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			s := &createServer{w: w, errs: tt.errs}
			s.serve(e)
			err := e.Exec(NewCmdCreate(e.F, nil), tt.args...)
			chExpect(t, e, err, tt.wantExit, tt.wantStderr...)
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if got := s.names(); !slices.Equal(got, tt.wantCreated) {
				t.Errorf("created %q, want %q", got, tt.wantCreated)
			}
			for _, want := range tt.wantStdout {
				if !strings.Contains(e.Out.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, e.Out)
				}
			}
		})
	}
}

func TestCreateFile(t *testing.T) {
	devops, ops := chTeam("devops"), chTeam("ops")
	taken := chChannel(ops, "taken")
	w := &chWorld{teams: []*model.Team{devops, ops}, channels: []*model.Channel{taken}}
	csv := "team,name,display_name,private,purpose\n" +
		",alerts,Alerts,,\n" + // the default team
		"ops,Builds,Builds,yes,CI\n" +
		"ops,builds,Again,no,\n" + // repeats line 3
		"ops,bad name,Bad,,\n" +
		"ops,taken,Taken,,\n" +
		"nowhere,x,X,,\n"
	path := filepath.Join(t.TempDir(), "channels.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	exists := chAPIError(400, "store.sql_channel.save_channel.exists.app_error", "A channel with that name already exists on the same team.")

	t.Run("create", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		s := &createServer{w: w, errs: map[string]error{"taken": exists}}
		s.serve(e)
		err := e.Exec(NewCmdCreate(e.F, nil), "devops", "--file", path)
		chExpect(t, e, err, cmdutil.ExitPartial,
			"Created public channel devops:alerts",
			"Created private channel ops:builds",
			"line 4: ops:builds: channel ops:builds repeats line 3",
			`line 5: ops:bad name: invalid channel name "bad name": use 1 to 64 lowercase letters, digits, '-' and '_', starting with a letter or digit`,
			"line 6: ops:taken: channel ops:taken already exists",
			`line 7: nowhere:x: team "nowhere" not found`,
		)
		if got := s.names(); !slices.Equal(got, slices.Sorted(slices.Values([]string{devops.Id + ":alerts:Alerts:O", ops.Id + ":builds:Builds:P"}))) {
			t.Errorf("created %q", got)
		}
		var rows []map[string]any
		if err := json.Unmarshal(e.Out.Bytes(), &rows); err != nil || len(rows) != 6 {
			t.Fatalf("%v: %s", err, e.Out)
		}
		if rows[1]["ok"] != true || rows[1]["channel"].(map[string]any)["purpose"] != "CI" || rows[2]["ok"] != false {
			t.Errorf("rows %v", rows[:3])
		}
	})
	t.Run("dry run checks the server, creates nothing", func(t *testing.T) {
		e := cmdtest.New(t)
		s := &createServer{w: w}
		s.serve(e)
		err := e.Exec(NewCmdCreate(e.F, nil), "--team", "devops", "--file", path, "--dry-run")
		chExpect(t, e, err, cmdutil.ExitPartial,
			"would create public channel devops:alerts",
			"would create private channel ops:builds",
			"line 6: ops:taken: channel ops:taken already exists",
			`line 7: nowhere:x: team "nowhere" not found`,
		)
		if len(s.names()) != 0 || e.Fake.Calls("CreateChannel") != 0 {
			t.Errorf("created %q", s.names())
		}
	})
	t.Run("no team anywhere", func(t *testing.T) {
		e := cmdtest.New(t)
		s := &createServer{w: w}
		s.serve(e)
		e.In.WriteString(`{"name":"a","display_name":"A"}` + "\n")
		err := e.Exec(NewCmdCreate(e.F, nil), "--file", "-")
		chExpect(t, e, err, cmdutil.ExitError, "line 1: a: team is required: give a team column, --team or a team argument")
	})
}
