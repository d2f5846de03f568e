package webhook

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestCreateIncomingFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    CreateIncomingOptions
		wantErr string
	}{
		{name: "mmctl line", args: []string{"--channel", "general", "--user", "admin", "--display-name", "Deploy Notifications", "--description", "デプロイメント通知用Webhook"},
			want: CreateIncomingOptions{Channel: "general", User: "admin", DisplayName: "Deploy Notifications", Description: "デプロイメント通知用Webhook"}},
		{name: "underscores", args: []string{"--channel", "devops:alerts", "--display_name", "A", "--lock_to_channel", "--icon", "https://example.com/i.png", "--dry_run"},
			want: CreateIncomingOptions{Channel: "devops:alerts", DisplayName: "A", LockToChannel: true, Icon: "https://example.com/i.png", DryRun: true}},
		{name: "no channel", args: []string{"--user", "admin"}, wantErr: "--channel is required"},
		{name: "empty user", args: []string{"--channel", "x", "--user", " "}, wantErr: "--user needs"},
		{name: "an argument", args: []string{"x", "--channel", "x"}, wantErr: "no arguments"},
		{name: "bad icon", args: []string{"--channel", "x", "--icon", "icon.png"}, wantErr: "not an http(s) URL"},
		{name: "long name", args: []string{"--channel", "x", "--display-name", strings.Repeat("名", 22)}, wantErr: "longer than 64 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *CreateIncomingOptions
			err := e.Exec(NewCmdCreateIncoming(e.F, func(_ context.Context, o *CreateIncomingOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Channel != tt.want.Channel || got.User != tt.want.User || got.DisplayName != tt.want.DisplayName ||
				got.Description != tt.want.Description || got.Icon != tt.want.Icon || got.LockToChannel != tt.want.LockToChannel || got.DryRun != tt.want.DryRun {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
			}
		})
	}
}

func TestCreateInLocalModeNeedsUser(t *testing.T) {
	for _, tt := range []struct {
		name string
		cmd  func(*cmdtest.Env) *cobra.Command
		args []string
	}{
		{"incoming", func(e *cmdtest.Env) *cobra.Command { return NewCmdCreateIncoming(e.F, nil) }, []string{"--channel", "x"}},
		{"outgoing", func(e *cmdtest.Env) *cobra.Command { return NewCmdCreateOutgoing(e.F, nil) }, []string{"--team", "t", "--trigger-word", "x", "--url", "https://a.example.com"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.F.Globals.Local = true
			err := e.Exec(tt.cmd(e), tt.args...)
			if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "--user is required in local mode") {
				t.Fatalf("err = %v", err)
			}
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("%d calls", e.Fake.TotalCalls())
			}
		})
	}
}

func TestCreateIncomingRun(t *testing.T) {
	t.Run("the mmctl line on a server with one team", func(t *testing.T) {
		e := cmdtest.New(t)
		team := whTeam("main")
		general := whChannel(team, "general")
		s := whServe(e.Fake, &whServer{teams: []*model.Team{team}, channels: []*model.Channel{whChannel(team, "town-square"), general}})
		err := e.Exec(NewCmdCreateIncoming(e.F, nil), "--channel", "general", "--user", "admin", "--display-name", "Deploy Notifications", "--description", "デプロイメント通知用Webhook")
		if err != nil {
			t.Fatalf("err = %v\nstderr: %s", err, e.ErrOut)
		}
		if len(s.in) != 1 {
			t.Fatalf("%d hooks", len(s.in))
		}
		h := s.in[0]
		if h.ChannelId != general.Id || h.TeamId != team.Id || h.UserId != whAdmin.Id || h.DisplayName != "Deploy Notifications" ||
			h.Description != "デプロイメント通知用Webhook" || h.ChannelLocked {
			t.Errorf("created %+v", h)
		}
		if want := whRow(h.Id, "incoming", "Deploy Notifications", "main", "general", "admin", "no", "") + "\n"; e.Out.String() != want {
			t.Errorf("stdout = %q, want %q", e.Out, want)
		}
		if whCount(e.ErrOut.String(), `Created incoming webhook "Deploy Notifications" (`+h.Id+`) in channel main:general`) != 1 {
			t.Errorf("stderr: %s", e.ErrOut)
		}
	})
	t.Run("a bare name in two teams is ambiguous", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		err := e.Exec(NewCmdCreateIncoming(e.F, nil), "--channel", "general")
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "devops:general") || !strings.Contains(err.Error(), "ops:general") {
			t.Fatalf("err = %v", err)
		}
		if len(w.s.in) != 2 {
			t.Error("a hook was created")
		}
	})
	t.Run("json, locked, by default the caller", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdCreateIncoming(e.F, nil), "--channel", "ops:general", "--lock-to-channel", "--display-name", "X"); err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got["channel_id"] != w.opsGeneral.Id || got["channel_locked"] != true || got["user_id"] != whAdmin.Id {
			t.Errorf("got %v", got)
		}
		if n := e.Fake.Calls("GetUsersByIds") + e.Fake.Calls("GetUsersByUsernames"); n != 0 {
			t.Errorf("%d user lookups without --user", n)
		}
	})
	t.Run("terminal, with the webhook's URL", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.TTY(true), cmdtest.Vars(map[string]string{"MATTERCTL_URL": "https://chat.example.com/", "MATTERCTL_TOKEN": "t"}))
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdCreateIncoming(e.F, nil), "--channel", "devops:alerts", "--user", "bob@example.com", "--display-name", "X"); err != nil {
			t.Fatal(err)
		}
		url := "https://chat.example.com/hooks/" + w.s.in[len(w.s.in)-1].Id
		for _, want := range []string{"DISPLAY NAME", "X", "CREATOR", "bob", "devops", "alerts", "URL", url} {
			if !strings.Contains(e.Out.String(), want) {
				t.Errorf("stdout lacks %q:\n%s", want, e.Out)
			}
		}
	})
	t.Run("dry run", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdCreateIncoming(e.F, nil), "--channel", "devops:alerts", "--user", "bob", "--display-name", "X", "--dry-run"); err != nil {
			t.Fatal(err)
		}
		if e.Fake.Calls("CreateIncomingWebhook") != 0 || len(w.s.in) != 2 {
			t.Error("a dry run created a hook")
		}
		if whCount(e.ErrOut.String(), `would create incoming webhook "X" in channel devops:alerts for user bob`) != 1 {
			t.Errorf("stderr: %s", e.ErrOut)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		e := cmdtest.New(t)
		newWorld(e.Fake)
		err := e.Exec(NewCmdCreateIncoming(e.F, nil), "--channel", "devops:alerts", "--user", "nobody")
		if cmdutil.ExitCode(err) != cmdutil.ExitNotFound || !strings.Contains(err.Error(), "--user nobody") {
			t.Fatalf("err = %v", err)
		}
		if e.Fake.Calls("CreateIncomingWebhook") != 0 {
			t.Error("a hook was created")
		}
	})
	t.Run("refused by the server's setting", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		w.s.inOff = true
		err := e.Exec(NewCmdCreateIncoming(e.F, nil), "--channel", "devops:alerts")
		if cmdutil.ExitCode(err) != 1 || !strings.Contains(err.Error(), "ServiceSettings.EnableIncomingWebhooks") ||
			!strings.Contains(err.Error(), "MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestModifyIncomingFlags(t *testing.T) {
	str := func(s string) *string { return &s }
	yes, no := true, false
	tests := []struct {
		name    string
		args    []string
		check   func(*ModifyIncomingOptions) bool
		wantErr string
	}{
		{name: "one field", args: []string{"h", "--description", "d"}, check: func(o *ModifyIncomingOptions) bool {
			return o.Hook == "h" && *o.Description == "d" && o.DisplayName == nil && o.Channel == nil && o.Icon == nil && o.LockToChannel == nil
		}},
		{name: "clear", args: []string{"h", "--description", "", "--icon", ""}, check: func(o *ModifyIncomingOptions) bool {
			return *o.Description == "" && *o.Icon == "" && o.LockToChannel == nil
		}},
		{name: "lock", args: []string{"h", "--lock_to_channel"}, check: func(o *ModifyIncomingOptions) bool { return *o.LockToChannel == yes }},
		{name: "unlock", args: []string{"h", "--lock-to-channel=false", "--team", "t", "--channel", " c "}, check: func(o *ModifyIncomingOptions) bool {
			return *o.LockToChannel == no && o.Team == "t" && *o.Channel == *str("c")
		}},
		{name: "nothing to change", args: []string{"h"}, wantErr: "give at least one"},
		{name: "empty channel", args: []string{"h", "--channel", ""}, wantErr: "--channel needs"},
		{name: "no hook", args: []string{"--description", "d"}, wantErr: "a webhook"},
		{name: "bad icon", args: []string{"h", "--icon", "x"}, wantErr: "http(s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *ModifyIncomingOptions
			err := e.Exec(NewCmdModifyIncoming(e.F, func(_ context.Context, o *ModifyIncomingOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(got) {
				t.Errorf("got %+v", *got)
			}
		})
	}
}

func TestModifyIncomingRun(t *testing.T) {
	t.Run("an unrelated change keeps the lock", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdModifyIncoming(e.F, nil), "Deploy Notifications", "--description", "new"); err != nil {
			t.Fatal(err)
		}
		h := w.s.incoming(w.deploy.Id)
		if !h.ChannelLocked || h.Description != "new" || h.DisplayName != "Deploy Notifications" || h.ChannelId != w.alerts.Id {
			t.Errorf("hook %+v", h)
		}
		if whCount(e.ErrOut.String(), `Updated incoming webhook "Deploy Notifications" (`+w.deploy.Id+`): description`) != 1 {
			t.Errorf("stderr: %s", e.ErrOut)
		}
	})
	t.Run("clear, unlock and move within the team", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		w := newWorld(e.Fake)
		w.s.in[0].Description, w.s.in[0].IconURL = "old", "https://example.com/i.png"
		err := e.Exec(NewCmdModifyIncoming(e.F, nil), w.deploy.Id, "--description", "", "--icon", "", "--lock-to-channel=false", "--channel", "general")
		if err != nil {
			t.Fatalf("%v\n%s", err, e.ErrOut)
		}
		h := w.s.incoming(w.deploy.Id)
		if h.ChannelLocked || h.Description != "" || h.IconURL != "" || h.ChannelId != w.general.Id {
			t.Errorf("hook %+v", h)
		}
		var got map[string]any
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil || got["channel_id"] != w.general.Id {
			t.Errorf("stdout %s (%v)", e.Out, err)
		}
	})
	t.Run("another team's channel", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		err := e.Exec(NewCmdModifyIncoming(e.F, nil), w.deploy.Id, "--channel", "ops:general")
		if err == nil || !strings.Contains(err.Error(), "another team") {
			t.Fatalf("err = %v", err)
		}
		if e.Fake.Calls("UpdateIncomingWebhook") != 0 {
			t.Error("updated")
		}
	})
	t.Run("nothing differs: no request", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdModifyIncoming(e.F, nil), w.deploy.Id, "--lock-to-channel", "--display-name", "Deploy Notifications"); err != nil {
			t.Fatal(err)
		}
		if e.Fake.Calls("UpdateIncomingWebhook") != 0 || !strings.Contains(e.ErrOut.String(), "already has the values given") {
			t.Errorf("stderr: %s", e.ErrOut)
		}
	})
	t.Run("dry run", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdModifyIncoming(e.F, nil), w.deploy.Id, "--channel", "devops:general", "--dry-run"); err != nil {
			t.Fatal(err)
		}
		if e.Fake.Calls("UpdateIncomingWebhook") != 0 {
			t.Error("a dry run updated")
		}
		if !strings.Contains(e.ErrOut.String(), `would change the channel of incoming webhook "Deploy Notifications" (`+w.deploy.Id+`) from "devops:alerts" to "devops:general"`) {
			t.Errorf("stderr: %s", e.ErrOut)
		}
	})
	t.Run("an outgoing hook's name is not found", func(t *testing.T) {
		e := cmdtest.New(t)
		newWorld(e.Fake)
		err := e.Exec(NewCmdModifyIncoming(e.F, nil), "Build bot", "--description", "x")
		if cmdutil.ExitCode(err) != cmdutil.ExitNotFound || !strings.Contains(err.Error(), `incoming webhook "Build bot" not found`) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("refused", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		w.s.inOff = true
		err := e.Exec(NewCmdModifyIncoming(e.F, nil), w.deploy.Id, "--description", "x")
		if cmdutil.ExitCode(err) != 1 || !strings.Contains(err.Error(), "MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS") {
			t.Fatalf("err = %v", err)
		}
	})
}
