package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
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
		{name: "mmctl line", args: []string{"mybot", "--description", "自動化Bot", "--display-name", "Automation Bot"},
			want: CreateOptions{Username: "mybot", Description: "自動化Bot", DisplayName: "Automation Bot"}},
		{name: "underscores and token", args: []string{"@MyBot", "--display_name", "A", "--with_token", "--dry-run"},
			want: CreateOptions{Username: "mybot", DisplayName: "A", WithToken: true, DryRun: true}},
		{name: "no username", wantErr: "username"},
		{name: "bad username", args: []string{"my bot"}, wantErr: "invalid username"},
		{name: "two usernames", args: []string{"a", "b"}, wantErr: "username"},
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
			if got.Username != tt.want.Username || got.DisplayName != tt.want.DisplayName || got.Description != tt.want.Description ||
				got.WithToken != tt.want.WithToken || got.DryRun != tt.want.DryRun {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
			}
		})
	}
}

func TestCreateRefusedInLocalMode(t *testing.T) {
	e := cmdtest.New(t)
	e.F.Globals.Local = true
	err := e.Exec(NewCmdCreate(e.F, nil), "mybot")
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "local mode") {
		t.Fatalf("err = %v", err)
	}
	if e.Fake.TotalCalls() != 0 {
		t.Errorf("%d client calls", e.Fake.TotalCalls())
	}
}

func TestCreateRun(t *testing.T) {
	tests := []struct {
		name       string
		tty, json  bool
		args       []string
		wantStdout []string // substrings
		notStdout  []string
		wantStderr []string // whole lines
	}{
		{name: "pipe: the list's columns", args: []string{"mybot", "--display-name", "Automation Bot"},
			wantStdout: []string{"mybot\tAutomation Bot\tadmin\tenabled\t"}, wantStderr: []string{"Created bot mybot"}},
		{name: "pipe with token: only the token", args: []string{"mybot", "--with-token"},
			wantStdout: []string{"s3cr3t-token\n"}, notStdout: []string{"mybot"}, wantStderr: []string{"Created bot mybot"}},
		{name: "terminal with token", tty: true, args: []string{"mybot", "--with-token"},
			wantStdout: []string{"s3cr3t-token", "mybot", "admin"},
			wantStderr: []string{"Created bot mybot", "The token of bot mybot is shown only once: store it now"}},
		{name: "json with token", json: true, args: []string{"mybot", "--with-token", "--description", "自動化Bot"},
			wantStdout: []string{`"token": "s3cr3t-token"`, `"token_id": "tokid"`, `"username": "mybot"`, `"description": "自動化Bot"`}},
		{name: "dry run", args: []string{"mybot", "--dry-run", "--with-token"},
			wantStderr: []string{"would create bot mybot with a personal access token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			s := btServe(e.Fake, nil)
			e.Fake.GetUserByUsernameFunc = func(context.Context, string, string) (*model.User, *model.Response, error) {
				return nil, nil, &client.Error{Status: http.StatusNotFound, Message: "not found"}
			}
			if err := e.Exec(NewCmdCreate(e.F, nil), tt.args...); err != nil {
				t.Fatalf("err = %v\nstderr:\n%s", err, e.ErrOut)
			}
			for _, w := range tt.wantStdout {
				if !strings.Contains(e.Out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, e.Out)
				}
			}
			for _, w := range tt.notStdout {
				if strings.Contains(e.Out.String(), w) {
					t.Errorf("stdout has %q:\n%s", w, e.Out)
				}
			}
			for _, w := range tt.wantStderr {
				if btCount(e.ErrOut.String(), w) != 1 {
					t.Errorf("stderr lacks the line %q:\n%s", w, e.ErrOut)
				}
			}
			if strings.Contains(e.ErrOut.String(), "s3cr3t-token") {
				t.Errorf("the token is on stderr")
			}
			dry := slices.Contains(tt.args, "--dry-run")
			if n := e.Fake.Calls("CreateBot"); (n == 1) == dry {
				t.Errorf("CreateBot calls = %d", n)
			}
			if dry && len(s.bots) != 0 {
				t.Errorf("a dry run created a bot")
			}
		})
	}
}

func TestCreateRefusedBySettings(t *testing.T) {
	t.Run("bot creation", func(t *testing.T) {
		e := cmdtest.New(t)
		s := btServe(e.Fake, nil)
		s.createErr = &client.Error{Status: http.StatusForbidden, ID: "api.bot.create_disabled", Message: "Bot creation has been disabled."}
		err := e.Exec(NewCmdCreate(e.F, nil), "mybot")
		if cmdutil.ExitCode(err) != 1 || !strings.Contains(err.Error(), "ServiceSettings.EnableBotAccountCreation") ||
			!strings.Contains(err.Error(), "MM_SERVICESETTINGS_ENABLEBOTACCOUNTCREATION") {
			t.Fatalf("err = %v (exit %d)", err, cmdutil.ExitCode(err))
		}
	})
	t.Run("token", func(t *testing.T) {
		e := cmdtest.New(t)
		s := btServe(e.Fake, nil)
		s.tokenErr = &client.Error{Status: http.StatusNotImplemented, ID: "app.user_access_token.disabled", Message: "disabled"}
		err := e.Exec(NewCmdCreate(e.F, nil), "mybot", "--with-token")
		if err == nil || !strings.Contains(err.Error(), "ServiceSettings.EnableUserAccessTokens") ||
			!strings.Contains(err.Error(), "MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS") || !strings.Contains(err.Error(), "bot mybot was created") {
			t.Fatalf("err = %v", err)
		}
		if btCount(e.ErrOut.String(), "Created bot mybot") != 1 {
			t.Errorf("stderr:\n%s", e.ErrOut)
		}
	})
}

func TestListRun(t *testing.T) {
	alice := &model.User{Id: model.NewId(), Username: "alice", DeleteAt: 1}
	mine, off := btBot("mybot"), btBot("oldbot", btDisabled)
	orphan := btBot("orphan", func(b *model.Bot) { b.OwnerId = alice.Id })
	plugin := btBot("pluginbot", func(b *model.Bot) { b.OwnerId = "com.example.plugin" })
	tests := []struct {
		name string
		tty  bool
		args []string
		want []string // stdout lines
	}{
		{name: "pipe: enabled bots", args: nil, want: []string{
			"mybot\tBot mybot\tadmin\tenabled\t" + mine.UserId,
			"orphan\tBot orphan\talice\tenabled, orphaned\t" + orphan.UserId,
			"pluginbot\tBot pluginbot\tcom.example.plugin\tenabled\t" + plugin.UserId,
		}},
		{name: "pipe: --all", args: []string{"--all"}, want: []string{
			"mybot\tBot mybot\tadmin\tenabled\t" + mine.UserId,
			"oldbot\tBot oldbot\tadmin\tdisabled\t" + off.UserId,
			"orphan\tBot orphan\talice\tenabled, orphaned\t" + orphan.UserId,
			"pluginbot\tBot pluginbot\tcom.example.plugin\tenabled\t" + plugin.UserId,
		}},
		{name: "terminal: --orphaned", tty: true, args: []string{"--orphaned"}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			btServe(e.Fake, []*model.User{alice}, mine, off, orphan, plugin)
			if err := e.Exec(NewCmdList(e.F, nil), tt.args...); err != nil {
				t.Fatal(err)
			}
			if tt.tty {
				out := e.Out.String()
				for _, w := range []string{"USERNAME", "OWNER", "STATE", "orphan", "alice"} {
					if !strings.Contains(out, w) {
						t.Errorf("table lacks %q:\n%s", w, out)
					}
				}
				return
			}
			if got := strings.Split(strings.TrimSuffix(e.Out.String(), "\n"), "\n"); !slices.Equal(got, tt.want) {
				t.Errorf("stdout = %q, want %q", got, tt.want)
			}
			if n := e.Fake.Calls("GetUsersByIds"); n != 1 {
				t.Errorf("GetUsersByIds calls = %d, want 1 (one per page)", n)
			}
		})
	}
	t.Run("flags exclusive", func(t *testing.T) {
		e := cmdtest.New(t)
		if err := e.Exec(NewCmdList(e.F, nil), "--all", "--orphaned"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestListNoBots(t *testing.T) {
	for _, tt := range []struct {
		name string
		tty  bool
		json bool
		want string
	}{
		{name: "pipe", want: ""},
		{name: "json", json: true, want: "[]\n"},
		{name: "terminal", tty: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			btServe(e.Fake, nil)
			if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
				t.Fatal(err)
			}
			if !tt.tty && e.Out.String() != tt.want {
				t.Errorf("stdout = %q, want %q", e.Out, tt.want)
			}
			if n := e.Fake.Calls("GetUsersByIds"); n != 0 {
				t.Errorf("GetUsersByIds called %d times with no bots", n)
			}
		})
	}
}

func TestEnableDisableRun(t *testing.T) {
	bob := &model.User{Id: model.NewId(), Username: "bob"}
	on, off := btBot("onbot"), btBot("offbot", btDisabled)
	tests := []struct {
		name       string
		enable     bool
		args       []string
		wantExit   int
		wantStderr []string
		wantCalls  int
		wantOn     []string // usernames enabled afterwards
	}{
		{name: "enable", enable: true, args: []string{"offbot", "onbot"}, wantCalls: 1,
			wantStderr: []string{"Enabled bot offbot", "Bot onbot is already enabled: nothing to do"}, wantOn: []string{"onbot", "offbot"}},
		{name: "disable", args: []string{"onbot", off.UserId}, wantCalls: 1,
			wantStderr: []string{"Disabled bot onbot", "Bot offbot is already disabled: nothing to do"}},
		{name: "dry run", enable: true, args: []string{"--dry-run", "offbot"},
			wantStderr: []string{"would enable bot offbot (" + off.UserId + ")"}, wantOn: []string{"onbot"}},
		{name: "a person is refused", enable: true, args: []string{"bob", "offbot", "ghost"}, wantExit: cmdutil.ExitPartial, wantCalls: 1,
			wantStderr: []string{"bob: bob is a user, not a bot", "Enabled bot offbot"}, wantOn: []string{"onbot", "offbot"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			s := btServe(e.Fake, []*model.User{bob}, on, off)
			cmd, call := NewCmdDisable(e.F, nil), "DisableBot"
			if tt.enable {
				cmd, call = NewCmdEnable(e.F, nil), "EnableBot"
			}
			err := e.Exec(cmd, tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			for _, w := range tt.wantStderr {
				if btCount(e.ErrOut.String(), w) != 1 {
					t.Errorf("stderr lacks the line %q:\n%s", w, e.ErrOut)
				}
			}
			if n := e.Fake.Calls(call); n != tt.wantCalls {
				t.Errorf("%s calls = %d, want %d", call, n, tt.wantCalls)
			}
			for _, b := range []*model.Bot{on, off} {
				if enabled := s.bot(b.UserId).DeleteAt == 0; enabled != slices.Contains(tt.wantOn, b.Username) {
					t.Errorf("bot %s enabled: %t", b.Username, enabled)
				}
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout = %q", e.Out)
			}
		})
	}
}

func TestEnableJSONRows(t *testing.T) {
	e := cmdtest.New(t, cmdtest.JSON(true))
	on := btBot("onbot")
	btServe(e.Fake, nil, on)
	if err := e.Exec(NewCmdEnable(e.F, nil), "onbot"); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Input   string     `json:"input"`
		OK      bool       `json:"ok"`
		Changed bool       `json:"changed"`
		Bot     *model.Bot `json:"bot"`
	}
	if err := json.Unmarshal(e.Out.Bytes(), &rows); err != nil {
		t.Fatalf("%v\n%s", err, e.Out)
	}
	if len(rows) != 1 || !rows[0].OK || rows[0].Changed || rows[0].Bot == nil || rows[0].Bot.UserId != on.UserId {
		t.Errorf("rows = %s", e.Out)
	}
}

func TestUpdateFlags(t *testing.T) {
	e := cmdtest.New(t)
	var got *UpdateOptions
	run := func(_ context.Context, o *UpdateOptions) error { got = o; return nil }
	if err := e.Exec(NewCmdUpdate(e.F, run), "mybot", "--description", ""); err != nil {
		t.Fatal(err)
	}
	if got.Description == nil || *got.Description != "" || got.Username != nil || got.DisplayName != nil {
		t.Errorf("got %+v", got)
	}
	if err := e.Exec(NewCmdUpdate(e.F, run), "mybot"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("no flag: err = %v", err)
	}
	if err := e.Exec(NewCmdUpdate(e.F, run), "mybot", "--username", "bad name"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("bad username: err = %v", err)
	}
}

func TestUpdateRun(t *testing.T) {
	b := btBot("mybot", func(b *model.Bot) { b.Description = "old" })
	t.Run("patch of the changed fields only", func(t *testing.T) {
		e := cmdtest.New(t)
		s := btServe(e.Fake, nil, b)
		var patch *model.BotPatch
		patchBot := e.Fake.PatchBotFunc
		e.Fake.PatchBotFunc = func(ctx context.Context, id string, p *model.BotPatch) (*model.Bot, *model.Response, error) {
			patch = p
			return patchBot(ctx, id, p)
		}
		if err := e.Exec(NewCmdUpdate(e.F, nil), "mybot", "--description", "", "--display-name", "Bot mybot"); err != nil {
			t.Fatalf("%v\n%s", err, e.ErrOut)
		}
		if patch == nil || patch.Description == nil || *patch.Description != "" || patch.DisplayName != nil || patch.Username != nil {
			t.Errorf("patch = %+v", patch)
		}
		if s.bot(b.UserId).Description != "" {
			t.Errorf("description not cleared")
		}
		if btCount(e.ErrOut.String(), "Updated bot mybot (description)") != 1 {
			t.Errorf("stderr:\n%s", e.ErrOut)
		}
	})
	t.Run("nothing to change", func(t *testing.T) {
		e := cmdtest.New(t)
		btServe(e.Fake, nil, b)
		if err := e.Exec(NewCmdUpdate(e.F, nil), "mybot", "--description", "old"); err != nil {
			t.Fatal(err)
		}
		if e.Fake.Calls("PatchBot") != 0 || btCount(e.ErrOut.String(), "Bot mybot already has the values given: nothing to change") != 1 {
			t.Errorf("calls %d, stderr:\n%s", e.Fake.Calls("PatchBot"), e.ErrOut)
		}
	})
	t.Run("dry run", func(t *testing.T) {
		e := cmdtest.New(t)
		btServe(e.Fake, nil, b)
		if err := e.Exec(NewCmdUpdate(e.F, nil), "mybot", "--description", "new", "--dry-run"); err != nil {
			t.Fatal(err)
		}
		want := `would change the description of bot mybot (` + b.UserId + `) from "old" to "new"`
		if e.Fake.Calls("PatchBot") != 0 || btCount(e.ErrOut.String(), want) != 1 {
			t.Errorf("stderr:\n%s", e.ErrOut)
		}
	})
	t.Run("new username taken", func(t *testing.T) {
		e := cmdtest.New(t)
		btServe(e.Fake, nil, b)
		e.Fake.GetUserByUsernameFunc = func(context.Context, string, string) (*model.User, *model.Response, error) {
			return &model.User{Id: model.NewId(), Username: "alice"}, btOK(), nil
		}
		err := e.Exec(NewCmdUpdate(e.F, nil), "mybot", "--username", "alice", "--dry-run")
		if err == nil || !strings.Contains(err.Error(), "username alice is taken by a user") || e.Fake.Calls("PatchBot") != 0 {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("a person", func(t *testing.T) {
		e := cmdtest.New(t)
		btServe(e.Fake, nil, b)
		err := e.Exec(NewCmdUpdate(e.F, nil), "admin", "--description", "x")
		var nb *cmdutil.NotBotError
		if !errors.As(err, &nb) || !strings.Contains(err.Error(), "admin is a user, not a bot") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestAssignRun(t *testing.T) {
	alice := &model.User{Id: model.NewId(), Username: "alice"}
	b := btBot("mybot")
	t.Run("assign", func(t *testing.T) {
		e := cmdtest.New(t)
		s := btServe(e.Fake, []*model.User{alice}, b)
		if err := e.Exec(NewCmdAssign(e.F, nil), "mybot", "alice"); err != nil {
			t.Fatalf("%v\n%s", err, e.ErrOut)
		}
		if s.bot(b.UserId).OwnerId != alice.Id || btCount(e.ErrOut.String(), "Assigned bot mybot to alice") != 1 {
			t.Errorf("owner %s, stderr:\n%s", s.bot(b.UserId).OwnerId, e.ErrOut)
		}
	})
	t.Run("already", func(t *testing.T) {
		e := cmdtest.New(t)
		btServe(e.Fake, nil, b)
		if err := e.Exec(NewCmdAssign(e.F, nil), "mybot", "admin"); err != nil {
			t.Fatal(err)
		}
		if e.Fake.Calls("AssignBot") != 0 || btCount(e.ErrOut.String(), "Bot mybot already belongs to admin: nothing to do") != 1 {
			t.Errorf("stderr:\n%s", e.ErrOut)
		}
	})
	t.Run("dry run", func(t *testing.T) {
		e := cmdtest.New(t)
		btServe(e.Fake, []*model.User{alice}, b)
		if err := e.Exec(NewCmdAssign(e.F, nil), "mybot", "alice", "--dry-run"); err != nil {
			t.Fatal(err)
		}
		if e.Fake.Calls("AssignBot") != 0 || !strings.Contains(e.ErrOut.String(), "would assign bot mybot") {
			t.Errorf("stderr:\n%s", e.ErrOut)
		}
	})
	t.Run("usage", func(t *testing.T) {
		e := cmdtest.New(t)
		if err := e.Exec(NewCmdAssign(e.F, nil), "mybot"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("err = %v", err)
		}
	})
}

func TestShowRun(t *testing.T) {
	b := btBot("mybot", func(b *model.Bot) { b.Description = "自動化Bot" })
	t.Run("one, json: the bot object", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		btServe(e.Fake, nil, b)
		if err := e.Exec(NewCmdShow(e.F, nil), "mybot"); err != nil {
			t.Fatal(err)
		}
		var got model.Bot
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil || got.UserId != b.UserId || got.Description != "自動化Bot" {
			t.Errorf("stdout %s (%v)", e.Out, err)
		}
	})
	t.Run("terminal: fields", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.TTY(true))
		btServe(e.Fake, nil, b)
		if err := e.Exec(NewCmdShow(e.F, nil), "mybot"); err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"DESCRIPTION", "自動化Bot", "OWNER", "admin"} {
			if !strings.Contains(e.Out.String(), w) {
				t.Errorf("stdout lacks %q:\n%s", w, e.Out)
			}
		}
	})
	t.Run("pipe: some fail", func(t *testing.T) {
		e := cmdtest.New(t)
		btServe(e.Fake, nil, b)
		err := e.Exec(NewCmdShow(e.F, nil), "mybot", "admin")
		if cmdutil.ExitCode(err) != cmdutil.ExitPartial {
			t.Fatalf("err = %v", err)
		}
		if e.Out.String() != "mybot\tBot mybot\tadmin\tenabled\t"+b.UserId+"\n" {
			t.Errorf("stdout = %q", e.Out)
		}
		if btCount(e.ErrOut.String(), "admin: admin is a user, not a bot") != 1 {
			t.Errorf("stderr:\n%s", e.ErrOut)
		}
	})
}
