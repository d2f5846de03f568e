package channel

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestArchiveFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		stdin    string
		want     []string
		wantTeam string
		wantDry  bool
		wantPar  int
		wantErr  string
	}{
		{name: "arguments", args: []string{"devops:alerts", "ops:builds"}, want: []string{"devops:alerts", "ops:builds"}, wantPar: 8},
		{name: "team for bare names", args: []string{"--team", "devops", "alerts"}, want: []string{"alerts"}, wantTeam: "devops", wantPar: 8},
		{name: "dry run, parallel", args: []string{"--dry-run", "--parallel", "2", "alerts"}, want: []string{"alerts"}, wantDry: true, wantPar: 2},
		{name: "underscore spelling", args: []string{"--dry_run", "alerts"}, want: []string{"alerts"}, wantDry: true, wantPar: 8},
		{name: "file from stdin", args: []string{"a", "--file", "-"}, stdin: "# old\nb\n\nc\n", want: []string{"a", "b", "c"}, wantPar: 8},
		{name: "no channel", args: []string{"--team", "devops"}, wantErr: "give at least one channel"},
		{name: "bad parallel", args: []string{"--parallel", "0", "a"}, wantErr: "--parallel must be between 1 and 64"},
	}
	for _, verb := range []string{"archive", "unarchive"} {
		for _, tt := range tests {
			t.Run(verb+" "+tt.name, func(t *testing.T) {
				e := cmdtest.New(t)
				e.In.WriteString(tt.stdin)
				var got *ArchiveOptions
				runF := func(_ context.Context, o *ArchiveOptions) error { got = o; return nil }
				cmd := NewCmdArchive(e.F, runF)
				if verb == "unarchive" {
					cmd = NewCmdUnarchive(e.F, runF)
				}
				err := e.Exec(cmd, tt.args...)
				if tt.wantErr != "" {
					if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
						t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got.Args, tt.want) || got.Team != tt.wantTeam || got.Bulk.DryRun != tt.wantDry || got.Bulk.Parallel != tt.wantPar {
					t.Errorf("opts = args %q team %q dry %t parallel %d", got.Args, got.Team, got.Bulk.DryRun, got.Bulk.Parallel)
				}
			})
		}
	}
}

func TestArchiveRun(t *testing.T) {
	devops, ops := chTeam("devops"), chTeam("ops")
	alerts := chChannel(devops, "alerts")
	opsAlerts := chChannel(ops, "alerts")
	builds := chChannel(devops, "builds", chPrivate)
	old := chChannel(devops, "old", chArchived)
	square := chChannel(devops, model.DefaultChannelName)
	dm := &model.Channel{Id: model.NewId(), Name: model.NewId() + "__" + model.NewId(), Type: model.ChannelTypeDirect}
	w := &chWorld{teams: []*model.Team{devops, ops}, channels: []*model.Channel{alerts, opsAlerts, builds, old, square, dm}}

	tests := []struct {
		name       string
		args       []string
		errs       map[string]error
		wantExit   int
		wantStderr []string
		notStderr  []string
		wantCalls  []string
	}{
		{
			name: "team:channel, bare name with --team, ID", args: []string{"devops:alerts", "--team", "devops", "builds", opsAlerts.Id},
			wantStderr: []string{"Archived channel devops:alerts", "Archived channel devops:builds", "Archived channel ops:alerts"},
			wantCalls:  chIDs(alerts, builds, opsAlerts),
		},
		{
			name: "already archived: success, nothing sent", args: []string{"devops:old", "devops:alerts"},
			wantStderr: []string{"Channel devops:old is already archived: nothing to do", "Archived channel devops:alerts"},
			wantCalls:  chIDs(alerts),
		},
		{
			name: "ambiguous bare name lists the candidates, exit 2", args: []string{"alerts"},
			wantExit:   cmdutil.ExitUsage,
			wantStderr: []string{`alerts: channel "alerts" is ambiguous: it matches devops:alerts, ops:alerts`},
		},
		{
			name: "unique bare name across teams", args: []string{"builds"},
			wantStderr: []string{"Archived channel devops:builds"}, wantCalls: chIDs(builds),
		},
		{
			name: "the default channel is refused before anything", args: []string{"devops:town-square", "devops:alerts"},
			wantExit:   cmdutil.ExitPartial,
			wantStderr: []string{"devops:town-square: the default channel of a team (town-square) cannot be archived", "Archived channel devops:alerts"},
			wantCalls:  chIDs(alerts),
		},
		{
			name: "direct messages are refused", args: []string{dm.Id},
			wantExit:   cmdutil.ExitError,
			wantStderr: []string{dm.Id + ": a direct message channel cannot be archived: only public and private channels can"},
		},
		{
			name: "unknown channel", args: []string{"devops:nope", "devops:alerts"},
			wantExit:   cmdutil.ExitPartial,
			wantStderr: []string{`devops:nope: channel "devops:nope" not found`, "Archived channel devops:alerts"},
			wantCalls:  chIDs(alerts),
		},
		{
			name: "server refusal is reported once", args: []string{"devops:alerts", "devops:builds"},
			errs:       map[string]error{builds.Id: chAPIError(403, "api.context.permissions.app_error", "You do not have the appropriate permissions.")},
			wantExit:   cmdutil.ExitPartial,
			wantStderr: []string{"Archived channel devops:alerts", "devops:builds: You do not have the appropriate permissions. (HTTP 403)"},
			wantCalls:  chIDs(alerts, builds),
		},
		{
			name: "archived meanwhile counts as done", args: []string{"devops:alerts"},
			errs:       map[string]error{alerts.Id: chAPIError(400, "api.channel.delete_channel.deleted.app_error", "The channel has been archived or deleted.")},
			wantStderr: []string{"Channel devops:alerts is already archived: nothing to do"},
			wantCalls:  chIDs(alerts),
		},
		{
			name: "the same channel twice is archived once", args: []string{"devops:alerts", alerts.Id},
			wantExit:   cmdutil.ExitOK,
			wantStderr: []string{"Archived channel devops:alerts", alerts.Id + ": same channel as argument 1"},
			wantCalls:  chIDs(alerts),
		},
		{
			name: "dry run changes nothing", args: []string{"--dry-run", "devops:alerts", "devops:old"},
			wantStderr: []string{"would archive channel devops:alerts (" + alerts.Id + ")", "channel devops:old is already archived: nothing would change"},
			notStderr:  []string{"Archived"},
		},
	}
	for _, tt := range tests {
		for _, tty := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{true: " (tty)"}[tty], func(t *testing.T) {
				e := cmdtest.New(t, cmdtest.TTY(tty))
				w.serve(e.Fake)
				rec := &chRecorder{errs: tt.errs}
				e.Fake.DeleteChannelFunc = func(_ context.Context, id string) (*model.Response, error) {
					err := rec.record(id)
					return chResp(err), err
				}
				err := e.Exec(NewCmdArchive(e.F, nil), tt.args...)
				chExpect(t, e, err, tt.wantExit, tt.wantStderr...)
				for _, s := range tt.notStderr {
					if strings.Contains(e.ErrOut.String(), s) {
						t.Errorf("stderr contains %q:\n%s", s, e.ErrOut)
					}
				}
				if got := rec.sorted(); !slices.Equal(got, tt.wantCalls) && len(got)+len(tt.wantCalls) > 0 {
					t.Errorf("DeleteChannel(%q), want %q", got, tt.wantCalls)
				}
				if e.Out.Len() != 0 {
					t.Errorf("stdout = %q, want nothing outside JSON", e.Out)
				}
			})
		}
	}
}

func TestArchiveJSON(t *testing.T) {
	devops := chTeam("devops")
	alerts, old := chChannel(devops, "alerts"), chChannel(devops, "old", chArchived)
	w := &chWorld{teams: []*model.Team{devops}, channels: []*model.Channel{alerts, old}}
	e := cmdtest.New(t, cmdtest.JSON(true))
	w.serve(e.Fake)
	e.Fake.DeleteChannelFunc = func(context.Context, string) (*model.Response, error) { return chResp(nil), nil }

	err := e.Exec(NewCmdArchive(e.F, nil), "devops:alerts", "devops:old", "devops:ghost")
	chExpect(t, e, err, cmdutil.ExitPartial)
	rows := chRows(t, e.Out.String())
	if len(rows) != 3 {
		t.Fatalf("rows = %+v", rows)
	}
	if r := rows[0]; !r.OK || r.Changed == nil || !*r.Changed || r.Channel == nil || r.Channel.Id != alerts.Id || r.Channel.DeleteAt == 0 {
		t.Errorf("row 1 = %+v, want alerts archived and changed", r)
	}
	if r := rows[1]; !r.OK || r.Changed == nil || *r.Changed || r.Channel == nil || r.Channel.Id != old.Id {
		t.Errorf("row 2 = %+v, want old unchanged", r)
	}
	if r := rows[2]; r.OK || r.Error != `channel "devops:ghost" not found` || r.Channel != nil {
		t.Errorf("row 3 = %+v", r)
	}
}

func TestUnarchiveRun(t *testing.T) {
	devops := chTeam("devops")
	alerts := chChannel(devops, "alerts")
	old := chChannel(devops, "old", chArchived)
	older := chChannel(devops, "older", chArchived, chPrivate)
	w := &chWorld{teams: []*model.Team{devops}, channels: []*model.Channel{alerts, old, older}}

	tests := []struct {
		name       string
		args       []string
		errs       map[string]error
		json       bool
		wantExit   int
		wantStderr []string
		wantCalls  []string
	}{
		{
			name: "archived channels are restored", args: []string{"devops:old", "--team", "devops", "older"},
			wantStderr: []string{"Unarchived channel devops:old", "Unarchived channel devops:older"},
			wantCalls:  chIDs(old, older),
		},
		{
			name: "an active channel is left alone", args: []string{"devops:alerts"},
			wantStderr: []string{"Channel devops:alerts is not archived: nothing to do"},
		},
		{
			name: "restored meanwhile counts as done", args: []string{"devops:old"},
			errs:       map[string]error{old.Id: chAPIError(400, "api.channel.restore_channel.restored.app_error", "Unable to unarchive channel. The channel is not archived.")},
			wantStderr: []string{"Channel devops:old is not archived: nothing to do"},
			wantCalls:  chIDs(old),
		},
		{
			name: "failure", args: []string{"devops:old"},
			errs:       map[string]error{old.Id: chAPIError(403, "api.context.permissions.app_error", "You do not have the appropriate permissions.")},
			wantExit:   cmdutil.ExitAuth,
			wantStderr: []string{"devops:old: You do not have the appropriate permissions. (HTTP 403)"},
			wantCalls:  chIDs(old),
		},
		{
			name: "dry run", args: []string{"--dry-run", "devops:old", "devops:alerts"},
			wantStderr: []string{"would unarchive channel devops:old (" + old.Id + ")", "channel devops:alerts is not archived: nothing would change"},
		},
	}
	for _, tt := range tests {
		for _, tty := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{true: " (tty)"}[tty], func(t *testing.T) {
				e := cmdtest.New(t, cmdtest.TTY(tty))
				w.serve(e.Fake)
				rec := &chRecorder{errs: tt.errs}
				e.Fake.RestoreChannelFunc = func(_ context.Context, id string) (*model.Channel, *model.Response, error) {
					if err := rec.record(id); err != nil {
						return nil, chResp(err), err
					}
					ch := w.channel(func(ch *model.Channel) bool { return ch.Id == id })
					ch.DeleteAt = 0
					return ch, chResp(nil), nil
				}
				err := e.Exec(NewCmdUnarchive(e.F, nil), tt.args...)
				chExpect(t, e, err, tt.wantExit, tt.wantStderr...)
				if got := rec.sorted(); !slices.Equal(got, tt.wantCalls) && len(got)+len(tt.wantCalls) > 0 {
					t.Errorf("RestoreChannel(%q), want %q", got, tt.wantCalls)
				}
				if e.Out.Len() != 0 {
					t.Errorf("stdout = %q", e.Out)
				}
			})
		}
	}
}
