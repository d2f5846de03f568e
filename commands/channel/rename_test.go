package channel

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
		name        string
		args        []string
		wantName    string
		wantDisplay string
		wantSet     [2]bool
		wantErr     string
	}{
		{name: "name", args: []string{"devops:alerts", "--name", "Alarms"}, wantName: "alarms", wantSet: [2]bool{true, false}},
		{name: "display name, mmctl spelling", args: []string{"devops:alerts", "--display_name", " Alarms "}, wantDisplay: "Alarms", wantSet: [2]bool{false, true}},
		{name: "both", args: []string{"devops:alerts", "--name", "alarms", "--display-name", "アラーム"}, wantName: "alarms", wantDisplay: "アラーム", wantSet: [2]bool{true, true}},
		{name: "neither", args: []string{"devops:alerts"}, wantErr: "give --name, --display-name or both"},
		{name: "invalid name", args: []string{"devops:alerts", "--name", "no spaces"}, wantErr: `invalid channel name "no spaces"`},
		{name: "empty display name", args: []string{"devops:alerts", "--display-name", " "}, wantErr: "the display name is empty"},
		{name: "long display name", args: []string{"devops:alerts", "--display-name", strings.Repeat("é", 65)}, wantErr: "longer than 64"},
		{name: "two channels", args: []string{"a", "b", "--name", "x"}, wantErr: "expects one channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *RenameOptions
			err := e.Exec(NewCmdRename(e.F, func(_ context.Context, o *RenameOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Channel != "devops:alerts" || got.Name != tt.wantName || got.DisplayName != tt.wantDisplay || [2]bool{got.NameSet, got.DisplayNameSet} != tt.wantSet {
				t.Errorf("opts = %+v", got)
			}
		})
	}
}

func TestRenameRun(t *testing.T) {
	devops := chTeam("devops")
	alerts := chChannel(devops, "alerts")
	builds := chChannel(devops, "builds")
	old := chChannel(devops, "old", chArchived)
	square := chChannel(devops, model.DefaultChannelName)
	w := &chWorld{teams: []*model.Team{devops}, channels: []*model.Channel{alerts, builds, old, square}}

	tests := []struct {
		name       string
		args       []string
		tty        bool
		json       bool
		wantExit   int
		wantErr    string
		wantStderr []string
		wantPatch  *model.ChannelPatch
		wantStdout []string
	}{
		{
			name: "name and display name", args: []string{"devops:alerts", "--name", "alarms", "--display-name", "Alarms"},
			wantStderr: []string{`Renamed channel devops:alerts: name alerts to alarms and display name "Display alerts" to "Alarms"`},
			wantPatch:  &model.ChannelPatch{Name: model.NewPointer("alarms"), DisplayName: model.NewPointer("Alarms")},
			wantStdout: []string{"devops\talarms\tAlarms\tpublic\tno\t" + alerts.Id},
		},
		{
			name: "terminal: the channel as a table", tty: true, args: []string{"--team", "devops", "alerts", "--display-name", "Alarms"},
			wantStderr: []string{`Renamed channel devops:alerts: display name "Display alerts" to "Alarms"`},
			wantPatch:  &model.ChannelPatch{DisplayName: model.NewPointer("Alarms")},
			wantStdout: []string{"DISPLAY NAME", "Alarms", "Devops"},
		},
		{
			name: "JSON: the channel object with its team", json: true, args: []string{"devops:alerts", "--name", "alarms"},
			wantStderr: []string{"Renamed channel devops:alerts: name alerts to alarms"},
			wantPatch:  &model.ChannelPatch{Name: model.NewPointer("alarms")},
			wantStdout: []string{`"name": "alarms"`, `"team_name": "devops"`},
		},
		{
			name: "nothing to change", args: []string{"devops:alerts", "--name", "alerts"},
			wantStderr: []string{"Channel devops:alerts already has that name: nothing to change"},
			wantStdout: []string{"devops\talerts\t"},
		},
		{
			name: "name taken in the team", args: []string{"devops:alerts", "--name", "builds"},
			wantExit: cmdutil.ExitError, wantErr: "team devops already has a channel named builds (" + builds.Id + ")",
		},
		{
			name: "the default channel keeps its name", args: []string{"devops:town-square", "--name", "lobby"},
			wantExit: cmdutil.ExitError, wantErr: "devops:town-square is the default channel of its team: its name cannot change (its display name can)",
		},
		{
			name: "the default channel's display name can change", args: []string{"devops:town-square", "--display-name", "Lobby"},
			wantStderr: []string{`Renamed channel devops:town-square: display name "Display town-square" to "Lobby"`},
			wantPatch:  &model.ChannelPatch{DisplayName: model.NewPointer("Lobby")},
		},
		{
			name: "archived", args: []string{"devops:old", "--name", "older"},
			wantExit: cmdutil.ExitError, wantErr: "channel devops:old is archived: unarchive it first",
		},
		{
			name: "dry run", args: []string{"devops:alerts", "--name", "alarms", "--dry-run"},
			wantStderr: []string{"would rename channel devops:alerts (" + alerts.Id + "): name alerts to alarms"},
			wantStdout: []string{"devops\talarms\t"},
		},
		{
			name: "unknown", args: []string{"devops:nope", "--name", "x"},
			wantExit: cmdutil.ExitNotFound, wantErr: `channel "devops:nope" not found`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			w.serve(e.Fake)
			var patched *model.ChannelPatch
			e.Fake.PatchChannelFunc = func(_ context.Context, id string, patch *model.ChannelPatch) (*model.Channel, *model.Response, error) {
				patched = patch
				ch := w.channel(func(ch *model.Channel) bool { return ch.Id == id })
				ch.Patch(patch)
				return ch, chResp(nil), nil
			}
			err := e.Exec(NewCmdRename(e.F, nil), tt.args...)
			chExpect(t, e, err, tt.wantExit, tt.wantStderr...)
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if got, want := chJSON(patched), chJSON(tt.wantPatch); got != want {
				t.Errorf("patch %s, want %s", got, want)
			}
			for _, s := range tt.wantStdout {
				if !strings.Contains(e.Out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, e.Out)
				}
			}
		})
	}
}

func chJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
