package webhook

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

func TestDeleteFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    []string
		wantErr string
	}{
		{name: "several", args: []string{"a", "b", "--confirm", "--parallel", "2", "--team", "t", "--channel", "c"}, want: []string{"a", "b"}},
		{name: "none", args: []string{"--yes"}, wantErr: "at least one webhook"},
		{name: "bad parallel", args: []string{"a", "--parallel", "0"}, wantErr: "--parallel"},
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
			if !slices.Equal(got.Args, tt.want) || !got.Yes.Yes || got.Bulk.Parallel != 2 || got.Scope != (scopeFlags{Team: "t", Channel: "c"}) {
				t.Errorf("got %+v", *got)
			}
		})
	}
}

func TestDeleteRun(t *testing.T) {
	t.Run("several, incoming and outgoing", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdDelete(e.F, nil), "Deploy Notifications", w.build.Id, "Everything", "--confirm"); err != nil {
			t.Fatalf("%v\n%s", err, e.ErrOut)
		}
		if len(w.s.in) != 1 || len(w.s.out) != 0 {
			t.Errorf("left %d incoming, %d outgoing", len(w.s.in), len(w.s.out))
		}
		for _, line := range []string{
			`Deleted incoming webhook "Deploy Notifications" (` + w.deploy.Id + `)`,
			`Deleted outgoing webhook "Build bot" (` + w.build.Id + `)`,
			`Deleted outgoing webhook "Everything" (` + w.all.Id + `)`,
		} {
			if whCount(e.ErrOut.String(), line) != 1 {
				t.Errorf("stderr lacks %q:\n%s", line, e.ErrOut)
			}
		}
	})
	t.Run("one does not resolve: nothing is deleted", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		err := e.Exec(NewCmdDelete(e.F, nil), "Deploy Notifications", "nope", "-y")
		if cmdutil.ExitCode(err) != cmdutil.ExitNotFound || !strings.Contains(err.Error(), "nothing was changed") {
			t.Fatalf("err = %v", err)
		}
		if len(w.s.in) != 2 || e.Fake.Calls("DeleteIncomingWebhook") != 0 {
			t.Error("deleted")
		}
	})
	t.Run("no terminal, no --confirm: no request", func(t *testing.T) {
		e := cmdtest.New(t)
		newWorld(e.Fake)
		err := e.Exec(NewCmdDelete(e.F, nil), "CI")
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "--confirm") {
			t.Fatalf("err = %v", err)
		}
		if e.Fake.TotalCalls() != 0 {
			t.Errorf("%d calls", e.Fake.TotalCalls())
		}
	})
	t.Run("terminal: asked, declined", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.TTY(true))
		w := newWorld(e.Fake)
		e.Prompter.Script(cmdtest.Confirm(`Delete incoming webhook "CI" (`+w.ci.Id+`)? This cannot be undone.`, false))
		err := e.Exec(NewCmdDelete(e.F, nil), "CI")
		if cmdutil.ExitCode(err) != cmdutil.ExitInterrupted {
			t.Fatalf("err = %v", err)
		}
		if len(w.s.in) != 2 {
			t.Error("deleted")
		}
	})
	t.Run("dry run", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdDelete(e.F, nil), "CI", "Build bot", "--dry-run"); err != nil {
			t.Fatal(err)
		}
		if len(w.s.in) != 2 || len(w.s.out) != 2 {
			t.Error("a dry run deleted")
		}
		if whCount(e.ErrOut.String(), `would delete outgoing webhook "Build bot" (`+w.build.Id+`)`) != 1 {
			t.Errorf("stderr: %s", e.ErrOut)
		}
	})
	t.Run("json rows", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdDelete(e.F, nil), "CI", w.ci.Id, "-y"); err != nil {
			t.Fatal(err)
		}
		var rows []map[string]any
		if err := json.Unmarshal(e.Out.Bytes(), &rows); err != nil || len(rows) != 2 {
			t.Fatalf("%v\n%s", err, e.Out)
		}
		if rows[0]["ok"] != true || rows[0]["webhook"].(map[string]any)["id"] != w.ci.Id || rows[1]["duplicate_of"] != float64(1) {
			t.Errorf("rows %v", rows)
		}
		if e.Fake.Calls("DeleteIncomingWebhook") != 1 {
			t.Errorf("%d deletes", e.Fake.Calls("DeleteIncomingWebhook"))
		}
	})
	t.Run("refused by the server's setting", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		// Resolution reads outgoing hooks: only their deletion is refused.
		e.Fake.DeleteOutgoingWebhookFunc = func(context.Context, string) (*model.Response, error) {
			return whErr(501, "api.outgoing_webhook.disabled.app_error", "Outgoing webhooks have been disabled by the system admin.")
		}
		err := e.Exec(NewCmdDelete(e.F, nil), w.build.Id, w.ci.Id, "-y")
		if cmdutil.ExitCode(err) != cmdutil.ExitPartial {
			t.Fatalf("err = %v\n%s", err, e.ErrOut)
		}
		if !strings.Contains(e.ErrOut.String(), "hint: set ServiceSettings.EnableOutgoingWebhooks to true") ||
			!strings.Contains(e.ErrOut.String(), "MM_SERVICESETTINGS_ENABLEOUTGOINGWEBHOOKS=true") {
			t.Errorf("stderr: %s", e.ErrOut)
		}
		if len(w.s.in) != 1 || len(w.s.out) != 2 {
			t.Errorf("left %d incoming, %d outgoing", len(w.s.in), len(w.s.out))
		}
	})
}
