package channel

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestShowFlags(t *testing.T) {
	e := cmdtest.New(t)
	e.In.WriteString("ops:b\n")
	var got *ShowOptions
	err := e.Exec(NewCmdShow(e.F, func(_ context.Context, o *ShowOptions) error { got = o; return nil }), "a", "--team", "devops", "--file", "-")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Args, []string{"a", "ops:b"}) || got.Team != "devops" {
		t.Errorf("opts = %+v", got)
	}
	err = e.Exec(NewCmdShow(e.F, func(context.Context, *ShowOptions) error { return nil }))
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("no argument: %v", err)
	}
}

func TestShowRun(t *testing.T) {
	devops, ops := chTeam("devops"), chTeam("ops")
	alerts := chChannel(devops, "alerts", func(ch *model.Channel) { ch.Header = "on call: @alice" })
	opsAlerts := chChannel(ops, "alerts")
	secret := chChannel(ops, "secret", chPrivate, chArchived)
	w := &chWorld{teams: []*model.Team{devops, ops}, channels: []*model.Channel{alerts, opsAlerts, secret}}

	tests := []struct {
		name       string
		args       []string
		tty        bool
		json       bool
		wantExit   int
		wantStdout []string
		notStdout  []string
		wantStderr []string
	}{
		{
			name: "one channel at a terminal: its fields", tty: true, args: []string{"devops:alerts"},
			wantStdout: []string{"HEADER", "on call: @alice", "devops (Devops)", alerts.Id},
		},
		{
			name: "one channel in JSON: the object with its team", json: true, args: []string{alerts.Id},
			wantStdout: []string{`"id": "` + alerts.Id + `"`, `"team_name": "devops"`, `"team_display_name": "Devops"`},
			notStdout:  []string{"["},
		},
		{
			name: "archived private channel by bare name", args: []string{"secret"},
			wantStdout: []string{"ops\tsecret\tDisplay secret\tprivate\tyes\t" + secret.Id},
		},
		{
			name: "several: one list in argument order, failures on stderr", json: true, args: []string{"ops:alerts", "ghost", "alerts", "devops:alerts"},
			wantExit:   cmdutil.ExitPartial,
			wantStderr: []string{`ghost: channel "ghost" not found`, `alerts: channel "alerts" is ambiguous: it matches devops:alerts, ops:alerts`},
		},
		{
			name: "one ambiguous name: exit 2", args: []string{"alerts"},
			wantExit:   cmdutil.ExitUsage,
			wantStderr: []string{`alerts: channel "alerts" is ambiguous: it matches devops:alerts, ops:alerts`},
		},
		{
			name: "bare name with --team", args: []string{"--team", "ops", "alerts"},
			wantStdout: []string{"ops\talerts\t"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			w.serve(e.Fake)
			err := e.Exec(NewCmdShow(e.F, nil), tt.args...)
			chExpect(t, e, err, tt.wantExit, tt.wantStderr...)
			for _, s := range tt.wantStdout {
				if !strings.Contains(e.Out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, e.Out)
				}
			}
			for _, s := range tt.notStdout {
				if strings.Contains(e.Out.String(), s) {
					t.Errorf("stdout has %q:\n%s", s, e.Out)
				}
			}
		})
	}

	t.Run("several in JSON", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		w.serve(e.Fake)
		err := e.Exec(NewCmdShow(e.F, nil), "ops:alerts", "ghost", "devops:alerts")
		chExpect(t, e, err, cmdutil.ExitPartial)
		var got []model.ChannelWithTeamData
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Id != opsAlerts.Id || got[0].TeamName != "ops" || got[1].Id != alerts.Id || got[1].TeamName != "devops" {
			t.Errorf("got %+v", got)
		}
	})
}
