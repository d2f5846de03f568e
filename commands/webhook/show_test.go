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

func TestShowFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		stdin   string
		want    []string
		scope   scopeFlags
		wantErr string
	}{
		{name: "ids and names", args: []string{"abc", "Deploy Notifications"}, want: []string{"abc", "Deploy Notifications"}},
		{name: "scope", args: []string{"CI", "--team", "ops", "--channel", "general"}, want: []string{"CI"}, scope: scopeFlags{Team: "ops", Channel: "general"}},
		{name: "file", args: []string{"a", "--file", "-"}, stdin: "b\n\nc\n", want: []string{"a", "b", "c"}},
		{name: "nothing", wantErr: "at least one webhook"},
		{name: "no parallel", args: []string{"a", "--parallel", "3"}, wantErr: "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.In.WriteString(tt.stdin)
			var got *ShowOptions
			err := e.Exec(NewCmdShow(e.F, func(_ context.Context, o *ShowOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Args, tt.want) || got.Scope != tt.scope {
				t.Errorf("args %q scope %+v", got.Args, got.Scope)
			}
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
			}
		})
	}
}

func TestShowRun(t *testing.T) {
	t.Run("terminal: the fields of one hook", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.TTY(true))
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdShow(e.F, nil), w.build.Id); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"TRIGGER WORDS", "build, ship", "TOKEN", w.build.Token, "CALLBACK URLS", "https://example.com/hook", "devops", "alerts", "admin"} {
			if !strings.Contains(e.Out.String(), want) {
				t.Errorf("stdout lacks %q:\n%s", want, e.Out)
			}
		}
		if n := e.Fake.Calls("GetIncomingWebhook"); n != 1 {
			t.Errorf("GetIncomingWebhook calls = %d: an ID is tried as incoming first", n)
		}
	})
	t.Run("terminal: an incoming hook's URL", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.TTY(true), cmdtest.Vars(map[string]string{"MATTERCTL_URL": "https://chat.example.com", "MATTERCTL_TOKEN": "t"}))
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdShow(e.F, nil), "Deploy Notifications"); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"https://chat.example.com/hooks/" + w.deploy.Id, "LOCKED TO CHANNEL", "yes"} {
			if !strings.Contains(e.Out.String(), want) {
				t.Errorf("stdout lacks %q:\n%s", want, e.Out)
			}
		}
	})
	t.Run("json: the server's object for one name", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdShow(e.F, nil), "deploy notifications"); err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
			t.Fatalf("%v\n%s", err, e.Out)
		}
		if got["id"] != w.deploy.Id || got["channel_locked"] != true {
			t.Errorf("got %v", got)
		}
	})
	t.Run("pipe: several in argument order, failures on stderr", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		err := e.Exec(NewCmdShow(e.F, nil), "Everything", w.deploy.Id, "nope")
		if cmdutil.ExitCode(err) != cmdutil.ExitPartial {
			t.Fatalf("err = %v", err)
		}
		lines := whLines(e.Out.String())
		if len(lines) != 2 || !strings.HasPrefix(lines[0], w.all.Id+"\toutgoing\tEverything\tops\t") || !strings.HasPrefix(lines[1], w.deploy.Id+"\tincoming") {
			t.Errorf("stdout:\n%s", e.Out)
		}
		if whCount(e.ErrOut.String(), `nope: webhook "nope" not found`) != 1 {
			t.Errorf("stderr: %s", e.ErrOut)
		}
		if n := e.Fake.Calls("GetIncomingWebhooks") + e.Fake.Calls("GetOutgoingWebhooks"); n != 2 {
			t.Errorf("%d listings for two names, want one of each kind", n)
		}
	})
}

func TestShowNames(t *testing.T) {
	e0 := cmdtest.New(t)
	w := newWorld(e0.Fake)
	// A second hook named CI, in team devops.
	other := whIn(w.general, "ci")
	w.s.in = append(w.s.in, other)
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantID   string
		stderr   []string
	}{
		{name: "an exact name wins over one in another case", args: []string{"CI"}, wantID: w.ci.Id},
		{name: "the team scope", args: []string{"ci", "--team", "devops"}, wantID: other.Id},
		{name: "the channel scope", args: []string{"ci", "--channel", "ops:general"}, wantID: w.ci.Id},
		{name: "the channel scope, a bare name in the team", args: []string{"CI", "--team", "devops", "--channel", "general"}, wantID: other.Id},
		{name: "out of scope", args: []string{"Build bot", "--team", "ops"}, wantCode: cmdutil.ExitNotFound},
		{name: "an ID whatever the scope", args: []string{w.build.Id, "--team", "ops"}, wantID: w.build.Id},
		{name: "ambiguous", args: []string{"Ci"}, wantCode: cmdutil.ExitUsage,
			stderr: []string{"is ambiguous", w.ci.Id + ` (incoming "CI", channel ops:general)`, other.Id + ` (incoming "ci", channel devops:general)`}},
		{name: "unknown team", args: []string{"CI", "--team", "nope"}, wantCode: cmdutil.ExitNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.JSON(true))
			whServe(e.Fake, w.s, w.bob)
			err := e.Exec(NewCmdShow(e.F, nil), tt.args...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d\nstderr: %s", code, err, tt.wantCode, e.ErrOut)
			}
			for _, s := range tt.stderr {
				if !strings.Contains(e.ErrOut.String(), s) {
					t.Errorf("stderr lacks %q: %s", s, e.ErrOut)
				}
			}
			if tt.wantID == "" {
				return
			}
			var got map[string]any
			if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil || got["id"] != tt.wantID {
				t.Errorf("got %v (%v), want %s", got, err, tt.wantID)
			}
		})
	}
}

func TestShowRefusedBySettings(t *testing.T) {
	t.Run("an incoming hook's ID", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		w.s.inOff = true
		err := e.Exec(NewCmdShow(e.F, nil), w.deploy.Id)
		if cmdutil.ExitCode(err) != 1 || !strings.Contains(e.ErrOut.String(), "ServiceSettings.EnableIncomingWebhooks") ||
			!strings.Contains(e.ErrOut.String(), "MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS") {
			t.Fatalf("err = %v, stderr: %s", err, e.ErrOut)
		}
	})
	t.Run("an outgoing hook found while incoming ones are refused", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		w.s.inOff = true
		if err := e.Exec(NewCmdShow(e.F, nil), w.build.Id, "Everything"); err != nil {
			t.Fatalf("err = %v, stderr: %s", err, e.ErrOut)
		}
		if len(whLines(e.Out.String())) != 2 {
			t.Errorf("stdout: %s", e.Out)
		}
	})
}
