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

func TestDeleteFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantYes bool
		wantDry bool
		wantErr string
	}{
		{name: "plain", args: []string{"devops:alerts"}},
		{name: "confirm", args: []string{"--confirm", "devops:alerts"}, wantYes: true},
		{name: "yes", args: []string{"--yes", "devops:alerts"}, wantYes: true},
		{name: "y", args: []string{"-y", "devops:alerts"}, wantYes: true},
		{name: "dry run", args: []string{"--dry-run", "devops:alerts"}, wantDry: true},
		{name: "no channel", args: []string{"--confirm"}, wantErr: "give at least one channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
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
			if got.Yes.Yes != tt.wantYes || got.Bulk.DryRun != tt.wantDry || !slices.Equal(got.Args, []string{"devops:alerts"}) {
				t.Errorf("opts = yes %t dry %t args %q", got.Yes.Yes, got.Bulk.DryRun, got.Args)
			}
		})
	}
}

func TestDeleteRun(t *testing.T) {
	devops, ops := chTeam("devops"), chTeam("ops")
	alerts := chChannel(devops, "alerts")
	builds := chChannel(devops, "builds", chPrivate)
	old := chChannel(ops, "old", chArchived)
	square := chChannel(devops, model.DefaultChannelName)
	w := &chWorld{teams: []*model.Team{devops, ops}, channels: []*model.Channel{alerts, builds, old, square}}
	disabled := chAPIError(401, "api.user.delete_channel.not_enabled.app_error",
		"Permanent channel deletion feature is not enabled. Please contact your System Administrator.")

	tests := []struct {
		name        string
		tty         bool
		args        []string
		confirms    []bool
		errs        map[string]error
		wantExit    int
		wantErr     string
		wantStderr  []string
		notStderr   []string
		wantAsked   []string
		wantDeleted []string
		noRequests  bool
	}{
		{
			name: "no terminal, no --confirm: nothing asked of the server", args: []string{"devops:alerts"},
			wantExit: cmdutil.ExitUsage, wantErr: "--confirm", noRequests: true,
		},
		{
			name: "no terminal, --confirm; archived channels too", args: []string{"--confirm", "devops:alerts", "ops:old"},
			wantStderr:  []string{"Deleted channel devops:alerts", "Deleted channel ops:old"},
			wantDeleted: chIDs(alerts, old),
		},
		{
			name: "terminal: confirmed", tty: true, args: []string{"devops:alerts", "--team", "devops", "builds"}, confirms: []bool{true},
			wantAsked:   []string{"Permanently delete 2 channels (devops:alerts, devops:builds) and all their posts? This cannot be undone."},
			wantStderr:  []string{"Deleted channel devops:alerts", "Deleted channel devops:builds"},
			wantDeleted: chIDs(alerts, builds),
		},
		{
			name: "terminal: one channel, declined", tty: true, args: []string{"devops:alerts"}, confirms: []bool{false},
			wantAsked: []string{"Permanently delete channel devops:alerts and all its posts? This cannot be undone."},
			wantExit:  cmdutil.ExitInterrupted,
		},
		{
			name: "one argument does not resolve: nothing deleted, nothing asked", tty: true, args: []string{"devops:alerts", "devops:ghost"},
			wantExit: cmdutil.ExitNotFound, wantErr: `devops:ghost: channel "devops:ghost" not found`,
		},
		{
			name: "the default channel is never deleted: nothing deleted", args: []string{"-y", "devops:alerts", "devops:town-square"},
			wantExit: cmdutil.ExitError, wantErr: "devops:town-square: the default channel of a team (town-square) is never deleted",
		},
		{
			name: "dry run: no confirmation, nothing deleted", args: []string{"--dry-run", "devops:alerts"},
			wantStderr: []string{"would permanently delete channel devops:alerts (" + alerts.Id + ")"},
			notStderr:  []string{"Deleted"},
		},
		{
			name: "deletion disabled on the server: the setting is named", args: []string{"-y", "devops:alerts", "devops:builds"},
			errs:     map[string]error{alerts.Id: disabled, builds.Id: disabled},
			wantExit: cmdutil.ExitError,
			wantStderr: []string{
				"devops:alerts: permanent channel deletion through the API is disabled on the server (ServiceSettings.EnableAPIChannelDeletion, MM_SERVICESETTINGS_ENABLEAPICHANNELDELETION)",
				"devops:builds: permanent channel deletion through the API is disabled on the server (ServiceSettings.EnableAPIChannelDeletion, MM_SERVICESETTINGS_ENABLEAPICHANNELDELETION)",
				"hint: set ServiceSettings.EnableAPIChannelDeletion to true (System Console, config.json or MM_SERVICESETTINGS_ENABLEAPICHANNELDELETION=true), or use `matterctl channel archive`",
			},
			notStderr:   []string{"auth login", "Deleted"},
			wantDeleted: chIDs(alerts, builds),
		},
		{
			name: "partial failure", args: []string{"-y", "devops:alerts", "devops:builds"},
			errs:        map[string]error{builds.Id: chAPIError(500, "x", "boom")},
			wantExit:    cmdutil.ExitPartial,
			wantStderr:  []string{"Deleted channel devops:alerts", "devops:builds: boom (HTTP 500)"},
			notStderr:   []string{"hint:"},
			wantDeleted: chIDs(alerts, builds),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			for _, yes := range tt.confirms {
				e.Prompter.Script(cmdtest.Confirm("", yes))
			}
			w.serve(e.Fake)
			rec := &chRecorder{errs: tt.errs}
			e.Fake.PermanentDeleteChannelFunc = func(_ context.Context, id string) (*model.Response, error) {
				err := rec.record(id)
				return chResp(err), err
			}
			err := e.Exec(NewCmdDelete(e.F, nil), tt.args...)
			chExpect(t, e, err, tt.wantExit, tt.wantStderr...)
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			for _, s := range tt.notStderr {
				if strings.Contains(e.ErrOut.String(), s) {
					t.Errorf("stderr contains %q:\n%s", s, e.ErrOut)
				}
			}
			if got := e.Prompter.Asked(); !slices.Equal(got, tt.wantAsked) {
				t.Errorf("asked %q, want %q", got, tt.wantAsked)
			}
			if got := rec.sorted(); !slices.Equal(got, tt.wantDeleted) && len(got)+len(tt.wantDeleted) > 0 {
				t.Errorf("PermanentDeleteChannel(%q), want %q", got, tt.wantDeleted)
			}
			if tt.noRequests && e.Fake.TotalCalls() != 0 {
				t.Errorf("%d client calls, want none", e.Fake.TotalCalls())
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout = %q", e.Out)
			}
		})
	}
}
