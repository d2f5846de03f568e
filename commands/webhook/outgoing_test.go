package webhook

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestCreateOutgoingFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(*CreateOutgoingOptions) bool
		wantErr string
	}{
		{name: "mmctl flags", args: []string{"--team", "devops", "--channel", "alerts", "--user", "admin", "--display_name", "Build bot",
			"--description", "d", "--trigger_word", "build", "--trigger-word", "ship", "--trigger_when", "start", "--url", "https://a.example.com",
			"--url", "http://b.example.com", "--content_type", "application/json", "--icon", "https://example.com/i.png"},
			check: func(o *CreateOutgoingOptions) bool {
				return o.Team == "devops" && o.Channel == "alerts" && o.User == "admin" && o.DisplayName == "Build bot" && o.Description == "d" &&
					slices.Equal(o.TriggerWords, []string{"build", "ship"}) && o.TriggerWhen == triggerStart &&
					slices.Equal(o.URLs, []string{"https://a.example.com", "http://b.example.com"}) && o.ContentType == "application/json" && !o.DryRun
			}},
		{name: "a channel and no trigger word", args: []string{"--team", "t", "--channel", "c", "--url", "https://a.example.com", "--dry-run"},
			check: func(o *CreateOutgoingOptions) bool {
				return o.TriggerWhen == triggerExact && len(o.TriggerWords) == 0 && o.DryRun
			}},
		{name: "no team", args: []string{"--trigger-word", "x", "--url", "https://a.example.com"}, wantErr: "--team is required"},
		{name: "no url", args: []string{"--team", "t", "--trigger-word", "x"}, wantErr: "--url is required"},
		{name: "neither channel nor word", args: []string{"--team", "t", "--url", "https://a.example.com"}, wantErr: "--trigger-word, --channel"},
		{name: "bad trigger-when", args: []string{"--team", "t", "--trigger-word", "x", "--url", "https://a.example.com", "--trigger-when", "first"}, wantErr: "exact or start"},
		{name: "bad url", args: []string{"--team", "t", "--trigger-word", "x", "--url", "a.example.com"}, wantErr: "not an http(s) URL"},
		{name: "bad content type", args: []string{"--team", "t", "--trigger-word", "x", "--url", "https://a.example.com", "--content-type", "text/plain"}, wantErr: "--content-type must be"},
		{name: "empty word", args: []string{"--team", "t", "--trigger-word", " ", "--url", "https://a.example.com"}, wantErr: "empty --trigger-word"},
		{name: "empty channel", args: []string{"--team", "t", "--channel", "", "--trigger-word", "x", "--url", "https://a.example.com"}, wantErr: "--channel needs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *CreateOutgoingOptions
			err := e.Exec(NewCmdCreateOutgoing(e.F, func(_ context.Context, o *CreateOutgoingOptions) error { got = o; return nil }), tt.args...)
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
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
			}
		})
	}
}

func TestCreateOutgoingRun(t *testing.T) {
	url := "https://ci.example.com/hook"
	t.Run("a channel of the team, by bare name", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		err := e.Exec(NewCmdCreateOutgoing(e.F, nil), "--team", "ops", "--channel", "general", "--display-name", "G", "--url", url, "--user", "bob")
		if err != nil {
			t.Fatalf("%v\n%s", err, e.ErrOut)
		}
		h := w.s.out[len(w.s.out)-1]
		if h.TeamId != w.ops.Id || h.ChannelId != w.opsGeneral.Id || h.CreatorId != w.bob.Id || !slices.Equal(h.CallbackURLs, []string{url}) {
			t.Errorf("created %+v", h)
		}
		if want := whRow(h.Id, "outgoing", "G", "ops", "general", "bob", "", "") + "\n"; e.Out.String() != want {
			t.Errorf("stdout = %q, want %q", e.Out, want)
		}
		if whCount(e.ErrOut.String(), `Created outgoing webhook "G" (`+h.Id+`) on channel ops:general`) != 1 {
			t.Errorf("stderr: %s", e.ErrOut)
		}
	})
	t.Run("every channel of the team, json", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		w := newWorld(e.Fake)
		err := e.Exec(NewCmdCreateOutgoing(e.F, nil), "--team", "devops", "--trigger-word", "#deploy", "--trigger-when", "start", "--url", url, "--content-type", "application/json")
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got["channel_id"] != "" || got["team_id"] != w.devops.Id || got["trigger_when"] != float64(1) || got["content_type"] != "application/json" || got["token"] == "" {
			t.Errorf("got %v", got)
		}
	})
	for _, tt := range []struct {
		name, channel, want string
		code                int
	}{
		{name: "a channel that does not resolve", channel: "nope", want: `channel "devops:nope" not found`, code: cmdutil.ExitNotFound},
		{name: "another team's channel", channel: "ops:general", want: "not in team devops", code: 1},
		{name: "a private channel", channel: "secret", want: "public channels only", code: 1},
	} {
		t.Run(tt.name+" is an error", func(t *testing.T) {
			e := cmdtest.New(t)
			newWorld(e.Fake)
			err := e.Exec(NewCmdCreateOutgoing(e.F, nil), "--team", "devops", "--channel", tt.channel, "--trigger-word", "x", "--url", url)
			if cmdutil.ExitCode(err) != tt.code || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v (exit %d)", err, cmdutil.ExitCode(err))
			}
			if e.Fake.Calls("CreateOutgoingWebhook") != 0 {
				t.Error("a hook was created")
			}
		})
	}
	t.Run("dry run", func(t *testing.T) {
		e := cmdtest.New(t)
		newWorld(e.Fake)
		if err := e.Exec(NewCmdCreateOutgoing(e.F, nil), "--team", "devops", "--channel", "alerts", "--url", url, "--display-name", "D", "--dry-run"); err != nil {
			t.Fatal(err)
		}
		if e.Fake.Calls("CreateOutgoingWebhook") != 0 || whCount(e.ErrOut.String(), `would create outgoing webhook "D" on channel devops:alerts`) != 1 {
			t.Errorf("stderr: %s", e.ErrOut)
		}
	})
	t.Run("refused by the server's setting", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		w.s.outOff = true
		err := e.Exec(NewCmdCreateOutgoing(e.F, nil), "--team", "devops", "--trigger-word", "x", "--url", url)
		if cmdutil.ExitCode(err) != 1 || !strings.Contains(err.Error(), "ServiceSettings.EnableOutgoingWebhooks") ||
			!strings.Contains(err.Error(), "MM_SERVICESETTINGS_ENABLEOUTGOINGWEBHOOKS") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestModifyOutgoingFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		check   func(*ModifyOutgoingOptions) bool
		wantErr string
	}{
		{name: "words replace", args: []string{"h", "--trigger-word", "a", "--trigger_word", "b"}, check: func(o *ModifyOutgoingOptions) bool {
			return slices.Equal(o.TriggerWords, []string{"a", "b"}) && o.URLs == nil && o.Channel == nil && o.TriggerWhen == nil
		}},
		{name: "clear words and channel", args: []string{"h", "--trigger-word", "", "--channel", ""}, check: func(o *ModifyOutgoingOptions) bool {
			return o.TriggerWords != nil && len(o.TriggerWords) == 0 && *o.Channel == ""
		}},
		{name: "clear fields", args: []string{"h", "--display-name", "", "--description", "", "--icon", "", "--content-type", ""}, check: func(o *ModifyOutgoingOptions) bool {
			return *o.DisplayName == "" && *o.Description == "" && *o.Icon == "" && *o.ContentType == ""
		}},
		{name: "mode and urls", args: []string{"h", "--trigger-when", "start", "--url", "https://a.example.com", "--team", "t", "--dry-run"}, check: func(o *ModifyOutgoingOptions) bool {
			return *o.TriggerWhen == triggerStart && slices.Equal(o.URLs, []string{"https://a.example.com"}) && o.Team == "t" && o.DryRun
		}},
		{name: "nothing", args: []string{"h"}, wantErr: "give at least one"},
		{name: "no url left", args: []string{"h", "--url", ""}, wantErr: "--url needs"},
		{name: "bad mode", args: []string{"h", "--trigger-when", "x"}, wantErr: "exact or start"},
		{name: "bad url", args: []string{"h", "--url", "ftp://x"}, wantErr: "http(s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *ModifyOutgoingOptions
			err := e.Exec(NewCmdModifyOutgoing(e.F, func(_ context.Context, o *ModifyOutgoingOptions) error { got = o; return nil }), tt.args...)
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

func TestModifyOutgoingRun(t *testing.T) {
	t.Run("only the flags given change", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdModifyOutgoing(e.F, nil), "Build bot", "--trigger-when", "start"); err != nil {
			t.Fatal(err)
		}
		h := w.s.outgoing(w.build.Id)
		if h.TriggerWhen != triggerStart || !slices.Equal(h.TriggerWords, []string{"build", "ship"}) || h.ChannelId != w.alerts.Id || h.DisplayName != "Build bot" {
			t.Errorf("hook %+v", h)
		}
		if whCount(e.ErrOut.String(), `Updated outgoing webhook "Build bot" (`+w.build.Id+`): trigger when`) != 1 {
			t.Errorf("stderr: %s", e.ErrOut)
		}
	})
	t.Run("clear the trigger words of a channel's hook, and the description", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		w.s.out[0].Description = "old"
		if err := e.Exec(NewCmdModifyOutgoing(e.F, nil), w.build.Id, "--trigger-word", "", "--description", ""); err != nil {
			t.Fatal(err)
		}
		if h := w.s.outgoing(w.build.Id); len(h.TriggerWords) != 0 || h.Description != "" || h.ChannelId != w.alerts.Id {
			t.Errorf("hook %+v", h)
		}
	})
	t.Run("clear the channel: every channel of the team", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdModifyOutgoing(e.F, nil), w.build.Id, "--channel", ""); err != nil {
			t.Fatal(err)
		}
		if h := w.s.outgoing(w.build.Id); h.ChannelId != "" {
			t.Errorf("hook %+v", h)
		}
	})
	t.Run("neither channel nor trigger word left", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		err := e.Exec(NewCmdModifyOutgoing(e.F, nil), w.build.Id, "--channel", "", "--trigger-word", "")
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "neither a channel nor a trigger word") {
			t.Fatalf("err = %v", err)
		}
		if e.Fake.Calls("UpdateOutgoingWebhook") != 0 {
			t.Error("updated")
		}
	})
	t.Run("a channel by bare name in the hook's team, new urls", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdModifyOutgoing(e.F, nil), "Everything", "--channel", "general", "--url", "https://x.example.com", "--url", "https://y.example.com"); err != nil {
			t.Fatalf("%v\n%s", err, e.ErrOut)
		}
		h := w.s.outgoing(w.all.Id)
		if h.ChannelId != w.opsGeneral.Id || !slices.Equal(h.CallbackURLs, []string{"https://x.example.com", "https://y.example.com"}) {
			t.Errorf("hook %+v", h)
		}
		var got map[string]any
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil || got["channel_id"] != w.opsGeneral.Id {
			t.Errorf("stdout %s", e.Out)
		}
	})
	t.Run("dry run and no change", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdModifyOutgoing(e.F, nil), w.build.Id, "--trigger-word", "build", "--trigger-word", "ship"); err != nil {
			t.Fatal(err)
		}
		if err := e.Exec(NewCmdModifyOutgoing(e.F, nil), w.build.Id, "--channel", "general", "--dry-run"); err != nil {
			t.Fatal(err)
		}
		if e.Fake.Calls("UpdateOutgoingWebhook") != 0 {
			t.Error("updated")
		}
		if !strings.Contains(e.ErrOut.String(), "already has the values given") ||
			!strings.Contains(e.ErrOut.String(), `would change the channel of outgoing webhook "Build bot" (`+w.build.Id+`) from "devops:alerts" to "devops:general"`) {
			t.Errorf("stderr: %s", e.ErrOut)
		}
	})
	t.Run("refused", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		w.s.outOff = true
		err := e.Exec(NewCmdModifyOutgoing(e.F, nil), w.build.Id, "--description", "x")
		if cmdutil.ExitCode(err) != 1 || !strings.Contains(err.Error(), "MM_SERVICESETTINGS_ENABLEOUTGOINGWEBHOOKS") {
			t.Fatalf("err = %v", err)
		}
	})
}
