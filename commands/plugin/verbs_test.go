package plugin

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// TestBulkVerbFlags is the flag tier of the multi-argument verbs on plugin IDs and URLs.
func TestBulkVerbFlags(t *testing.T) {
	type got struct {
		args     []string
		dry      bool
		parallel int
		force    bool
	}
	builders := map[string]func(f *cmdutil.Factory, g *got) *cobra.Command{
		"enable": func(f *cmdutil.Factory, g *got) *cobra.Command {
			return NewCmdEnable(f, func(_ context.Context, o *EnableOptions) error {
				*g = got{args: o.Args, dry: o.Bulk.DryRun, parallel: o.Bulk.Parallel}
				return nil
			})
		},
		"disable": func(f *cmdutil.Factory, g *got) *cobra.Command {
			return NewCmdDisable(f, func(_ context.Context, o *EnableOptions) error {
				*g = got{args: o.Args, dry: o.Bulk.DryRun, parallel: o.Bulk.Parallel}
				return nil
			})
		},
		"delete": func(f *cmdutil.Factory, g *got) *cobra.Command {
			return NewCmdDelete(f, func(_ context.Context, o *DeleteOptions) error {
				*g = got{args: o.Args, dry: o.Bulk.DryRun, parallel: o.Bulk.Parallel}
				return nil
			})
		},
		"install-url": func(f *cmdutil.Factory, g *got) *cobra.Command {
			return NewCmdInstallURL(f, func(_ context.Context, o *InstallURLOptions) error {
				*g = got{args: o.Args, dry: o.Bulk.DryRun, parallel: o.Bulk.Parallel, force: o.Force}
				return nil
			})
		},
	}
	for name, build := range builders {
		t.Run(name, func(t *testing.T) {
			e := cmdtest.New(t)
			var g got
			sequential := name == "enable" || name == "disable"
			args, wantParallel := []string{"a.b.c", "x-y", "--dry_run", "--parallel", "2"}, 2
			if sequential {
				args, wantParallel = args[:3], 1
			}
			if err := e.Exec(build(e.F, &g), args...); err != nil {
				t.Fatal(err)
			}
			if strings.Join(g.args, ",") != "a.b.c,x-y" || !g.dry || g.parallel != wantParallel {
				t.Errorf("got %+v", g)
			}
			if sequential {
				if err := cmdtest.New(t).Exec(build(cmdtest.New(t).F, &g), "x", "--parallel", "2"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
					t.Errorf("--parallel accepted: %v", err)
				}
			}
			e = cmdtest.New(t)
			e.In.WriteString("one\n# comment\n\ntwo\n")
			if err := e.Exec(build(e.F, &g), "--file", "-"); err != nil || strings.Join(g.args, ",") != "one,two" || g.dry {
				t.Errorf("--file -: err %v, got %+v", err, g)
			}
			for _, bad := range [][]string{nil, {"--nope", "x"}} {
				err := cmdtest.New(t).Exec(build(cmdtest.New(t).F, &g), bad...)
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
					t.Errorf("%q: err = %v, want a usage error", bad, err)
				}
			}
		})
	}
	e := cmdtest.New(t)
	var g got
	if err := e.Exec(builders["install-url"](e.F, &g), "-f", "https://x/y.tar.gz"); err != nil || !g.force {
		t.Errorf("install-url -f: err %v, got %+v", err, g)
	}
}

func TestEnableDisableRun(t *testing.T) {
	tests := []struct {
		name       string
		cmd        func(*cmdutil.Factory) *cobra.Command
		args       []string
		json       bool
		wantExit   int
		wantStderr []string
		wantCalls  int // enable or disable requests
		wantOn     map[string]bool
	}{
		{name: "enable", cmd: func(f *cmdutil.Factory) *cobra.Command { return NewCmdEnable(f, nil) }, args: []string{"hovercardexample"},
			wantStderr: []string{"Enabled plugin hovercardexample"}, wantCalls: 1, wantOn: map[string]bool{"hovercardexample": true}},
		{name: "enable any case", cmd: func(f *cmdutil.Factory) *cobra.Command { return NewCmdEnable(f, nil) }, args: []string{"HoverCardExample"},
			wantStderr: []string{"Enabled plugin hovercardexample"}, wantCalls: 1, wantOn: map[string]bool{"hovercardexample": true}},
		{name: "enable an enabled plugin", cmd: func(f *cmdutil.Factory) *cobra.Command { return NewCmdEnable(f, nil) }, args: []string{"on.plugin"},
			wantStderr: []string{"Plugin on.plugin is already enabled: nothing to do"}, wantOn: map[string]bool{"on.plugin": true}},
		{name: "disable", cmd: func(f *cmdutil.Factory) *cobra.Command { return NewCmdDisable(f, nil) }, args: []string{"on.plugin", "hovercardexample"},
			wantStderr: []string{"Disabled plugin on.plugin", "Plugin hovercardexample is already disabled: nothing to do"},
			wantCalls:  1, wantOn: map[string]bool{"on.plugin": false}},
		{name: "unknown and known", cmd: func(f *cmdutil.Factory) *cobra.Command { return NewCmdEnable(f, nil) }, args: []string{"nope", "hovercardexample"},
			wantExit: cmdutil.ExitPartial, wantStderr: []string{`nope: plugin "nope" not found`, "Enabled plugin hovercardexample"}, wantCalls: 1},
		{name: "unknown only", cmd: func(f *cmdutil.Factory) *cobra.Command { return NewCmdDisable(f, nil) }, args: []string{"nope"},
			wantExit: cmdutil.ExitNotFound, wantStderr: []string{`nope: plugin "nope" not found`}},
		{name: "dry run", cmd: func(f *cmdutil.Factory) *cobra.Command { return NewCmdEnable(f, nil) }, args: []string{"hovercardexample", "--dry-run"},
			wantStderr: []string{"would enable plugin hovercardexample (hovercardexample)"}, wantOn: map[string]bool{"hovercardexample": false}},
		{name: "json rows", json: true, cmd: func(f *cmdutil.Factory) *cobra.Command { return NewCmdEnable(f, nil) }, args: []string{"hovercardexample", "on.plugin"},
			wantStderr: []string{"Enabled plugin hovercardexample", "Plugin on.plugin is already enabled: nothing to do"}, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.JSON(tt.json))
			s := plServe(e.Fake, []*model.Manifest{plManifest("hovercardexample", "0.1.0"), plManifest("on.plugin", "1.0.0")}, "on.plugin")
			err := e.Exec(tt.cmd(e.F), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit %d (%v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			for _, w := range tt.wantStderr {
				if plCount(e.ErrOut.String(), w) != 1 {
					t.Errorf("stderr lacks the line %q:\n%s", w, e.ErrOut)
				}
			}
			if n := e.Fake.Calls("EnablePlugin") + e.Fake.Calls("DisablePlugin"); n != tt.wantCalls {
				t.Errorf("%d enable/disable calls, want %d", n, tt.wantCalls)
			}
			if n := e.Fake.Calls("GetPlugins"); n != 1 {
				t.Errorf("%d GetPlugins calls, want 1 for all arguments", n)
			}
			for id, on := range tt.wantOn {
				if s.enabled[id] != on {
					t.Errorf("%s enabled = %v, want %v", id, s.enabled[id], on)
				}
			}
			if tt.json {
				var rows []struct {
					Input   string  `json:"input"`
					OK      bool    `json:"ok"`
					Changed bool    `json:"changed"`
					Plugin  *Plugin `json:"plugin"`
				}
				if err := json.Unmarshal(e.Out.Bytes(), &rows); err != nil {
					t.Fatalf("stdout is not JSON rows: %v\n%s", err, e.Out)
				}
				if len(rows) != 2 || !rows[0].OK || !rows[0].Changed || rows[1].Changed || rows[0].Plugin.Id != "hovercardexample" || !rows[0].Plugin.Enabled {
					t.Errorf("rows = %s", e.Out)
				}
			} else if e.Out.Len() != 0 {
				t.Errorf("stdout = %q", e.Out)
			}
		})
	}
}

func TestPluginsDisabledNamesTheSetting(t *testing.T) {
	for name, cmd := range map[string]func(*cmdutil.Factory) *cobra.Command{
		"enable":  func(f *cmdutil.Factory) *cobra.Command { return NewCmdEnable(f, nil) },
		"delete":  func(f *cmdutil.Factory) *cobra.Command { return NewCmdDelete(f, nil) },
		"list":    func(f *cmdutil.Factory) *cobra.Command { return NewCmdList(f, nil) },
		"status":  func(f *cmdutil.Factory) *cobra.Command { return NewCmdStatus(f, nil) },
		"show":    func(f *cmdutil.Factory) *cobra.Command { return NewCmdShow(f, nil) },
		"disable": func(f *cmdutil.Factory) *cobra.Command { return NewCmdDisable(f, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			e := cmdtest.New(t)
			s := plServe(e.Fake, nil)
			s.err = errPluginsOff
			args := []string{"x.y.z"}
			if name == "list" || name == "status" {
				args = nil
			}
			err := e.Exec(cmd(e.F), args...)
			msg := e.ErrOut.String() + cmdutil.ErrorMessage(err)
			if cmdutil.ExitCode(err) != cmdutil.ExitError || !strings.Contains(msg, "the plugin system is disabled on the server (PluginSettings.Enable, MM_PLUGINSETTINGS_ENABLE) [request req1]") {
				t.Errorf("exit %d, message:\n%s", cmdutil.ExitCode(err), msg)
			}
			if e.Fake.Calls("EnablePlugin")+e.Fake.Calls("RemovePlugin")+e.Fake.Calls("DisablePlugin") != 0 {
				t.Error("a change was sent")
			}
		})
	}
}

func TestDeleteRun(t *testing.T) {
	e := cmdtest.New(t)
	s := plServe(e.Fake, []*model.Manifest{plManifest("a.plugin", "1.0.0"), plManifest("b.plugin", "1.0.0")}, "a.plugin")
	err := e.Exec(NewCmdDelete(e.F, nil), "a.plugin", "nope")
	if cmdutil.ExitCode(err) != cmdutil.ExitNotFound || e.Fake.Calls("RemovePlugin") != 0 || len(s.plugins) != 2 {
		t.Fatalf("with an unknown ID: exit %d (%v), %d removals: nothing may be removed", cmdutil.ExitCode(err), err, e.Fake.Calls("RemovePlugin"))
	}
	e = cmdtest.New(t)
	s = plServe(e.Fake, []*model.Manifest{plManifest("a.plugin", "1.0.0"), plManifest("b.plugin", "1.0.0")}, "a.plugin")
	if err := e.Exec(NewCmdDelete(e.F, nil), "a.plugin", "b.plugin", "A.Plugin"); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"Deleted plugin a.plugin", "Deleted plugin b.plugin", "A.Plugin: same plugin as argument 1"} {
		if plCount(e.ErrOut.String(), w) != 1 {
			t.Errorf("stderr lacks %q:\n%s", w, e.ErrOut)
		}
	}
	if len(s.plugins) != 0 || e.Fake.Calls("RemovePlugin") != 2 {
		t.Errorf("left %v after %d removals", s.plugins, e.Fake.Calls("RemovePlugin"))
	}
}

func TestListRun(t *testing.T) {
	for _, tty := range []bool{true, false} {
		e := cmdtest.New(t, cmdtest.TTY(tty))
		s := plServe(e.Fake, []*model.Manifest{plManifest("z.off", "1.0.0"), plManifest("b.on", "2.0.0"), plManifest("a.failed", "0.3.0")}, "b.on", "a.failed")
		s.statuses = model.PluginStatuses{
			{PluginId: "b.on", Version: "2.0.0", State: model.PluginStateRunning, ClusterId: "n1"},
			{PluginId: "b.on", Version: "2.0.0", State: model.PluginStateRunning, ClusterId: "n2"},
			{PluginId: "a.failed", Version: "0.3.0", State: model.PluginStateFailedToStart, ClusterId: "n1", Error: "boom"},
			{PluginId: "a.failed", Version: "0.3.0", State: model.PluginStateRunning, ClusterId: "n2"},
			{PluginId: "z.off", Version: "1.0.0", State: model.PluginStateNotRunning},
		}
		if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
			t.Fatal(err)
		}
		out := e.Out.String()
		if tty {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 4 || !strings.HasPrefix(lines[0], "ID") || !strings.Contains(lines[0], "STATE") ||
				!strings.Contains(lines[1], "a.failed") || !strings.Contains(lines[1], "failed to start on 1, running on 1") ||
				!strings.Contains(lines[3], "z.off") || !strings.Contains(lines[3], "not running") {
				t.Errorf("table:\n%s", out)
			}
		} else {
			want := "a.failed\tPlugin a.failed\t0.3.0\tyes\tfailed to start on 1, running on 1\n" +
				"b.on\tPlugin b.on\t2.0.0\tyes\trunning\n" +
				"z.off\tPlugin z.off\t1.0.0\tno\tnot running\n"
			if out != want {
				t.Errorf("plain:\n%s\nwant:\n%s", out, want)
			}
		}
	}
	e := cmdtest.New(t, cmdtest.JSON(true))
	plServe(e.Fake, []*model.Manifest{plManifest("b.on", "2.0.0")}, "b.on")
	if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
		t.Fatal(err)
	}
	var resp map[string][]map[string]any
	if err := json.Unmarshal(e.Out.Bytes(), &resp); err != nil || len(resp["active"]) != 1 || resp["inactive"] == nil || resp["active"][0]["id"] != "b.on" {
		t.Errorf("JSON (%v):\n%s", err, e.Out)
	}
	if e.Fake.Calls("GetPluginStatuses") != 0 {
		t.Error("JSON output, the server's answer, needs no statuses")
	}
	if err := cmdtest.New(t).Exec(NewCmdList(cmdtest.New(t).F, nil), "x"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("list x: %v", err)
	}
}

func TestShowRun(t *testing.T) {
	setup := func(opts ...cmdtest.Option) (*cmdtest.Env, *plServer) {
		e := cmdtest.New(t, opts...)
		m := plManifest("a.failed", "0.3.0")
		m.Server = &model.ManifestServer{Executable: "server/plugin"}
		s := plServe(e.Fake, []*model.Manifest{m}, "a.failed")
		s.statuses = model.PluginStatuses{{PluginId: "a.failed", Version: "0.3.0", State: model.PluginStateFailedToStart, Error: "exec format error"}}
		return e, s
	}
	e, _ := setup(cmdtest.TTY(true))
	if err := e.Exec(NewCmdShow(e.F, nil), "A.Failed"); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"a.failed", "failed to start", "exec format error", "SERVER PART"} {
		if !strings.Contains(e.Out.String(), w) {
			t.Errorf("stdout lacks %q:\n%s", w, e.Out)
		}
	}
	e, _ = setup(cmdtest.JSON(true))
	if err := e.Exec(NewCmdShow(e.F, nil), "a.failed"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		ID       string               `json:"id"`
		Enabled  bool                 `json:"enabled"`
		Statuses []model.PluginStatus `json:"statuses"`
	}
	if err := json.Unmarshal(e.Out.Bytes(), &doc); err != nil || doc.ID != "a.failed" || !doc.Enabled || len(doc.Statuses) != 1 || doc.Statuses[0].Error != "exec format error" {
		t.Errorf("JSON (%v):\n%s", err, e.Out)
	}
	e, _ = setup()
	if err := e.Exec(NewCmdShow(e.F, nil), "nope"); cmdutil.ExitCode(err) != cmdutil.ExitNotFound {
		t.Errorf("show nope: %v", err)
	}
}

func TestStatusRun(t *testing.T) {
	statuses := model.PluginStatuses{
		{PluginId: "b", Version: "1.0.0", State: model.PluginStateRunning, ClusterId: "n1"},
		{PluginId: "a", Version: "2.0.0", State: model.PluginStateFailedToStayRunning, ClusterId: "n1", Error: "crashed"},
	}
	run := func(t *testing.T, opts []cmdtest.Option, args ...string) (*cmdtest.Env, error) {
		e := cmdtest.New(t, opts...)
		s := plServe(e.Fake, nil)
		s.statuses = statuses
		return e, e.Exec(NewCmdStatus(e.F, nil), args...)
	}
	e, err := run(t, nil)
	if err != nil || e.Out.String() != "a\t2.0.0\tn1\tfailed to stay running\tcrashed\nb\t1.0.0\tn1\trunning\t\n" {
		t.Errorf("all (%v):\n%s", err, e.Out)
	}
	e, err = run(t, []cmdtest.Option{cmdtest.TTY(true)}, "b")
	if err != nil || !strings.HasPrefix(e.Out.String(), "ID") || !strings.Contains(e.Out.String(), "NODE") || strings.Contains(e.Out.String(), "crashed") {
		t.Errorf("b at a terminal (%v):\n%s", err, e.Out)
	}
	e, err = run(t, []cmdtest.Option{cmdtest.JSON(true)}, "a", "nope")
	var got []model.PluginStatus
	if cmdutil.ExitCode(err) != cmdutil.ExitPartial || json.Unmarshal(e.Out.Bytes(), &got) != nil || len(got) != 1 || got[0].PluginId != "a" ||
		plCount(e.ErrOut.String(), `nope: plugin "nope" not found`) != 1 {
		t.Errorf("a nope: exit %d\nstdout:\n%s\nstderr:\n%s", cmdutil.ExitCode(err), e.Out, e.ErrOut)
	}
	var ids []string
	e = cmdtest.New(t)
	e.In.WriteString("x\ny\n")
	if err := e.Exec(NewCmdStatus(e.F, func(_ context.Context, o *StatusOptions) error { ids = o.IDs; return nil }), "w", "--file", "-"); err != nil || strings.Join(ids, ",") != "w,x,y" {
		t.Errorf("--file: %v %v", err, ids)
	}
}

func TestInstallURLRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		err        error
		config     *model.Config
		wantExit   int
		wantStderr []string
		wantCalls  int
	}{
		{name: "installs", args: []string{"https://example.com/p.tar.gz", "--force"}, wantCalls: 1,
			wantStderr: []string{"Installed plugin com.example.p 1.0.0 from https://example.com/p.tar.gz"}},
		{name: "not a URL", args: []string{"ftp://example.com/p.tar.gz", "p.tar.gz"}, wantExit: cmdutil.ExitUsage,
			wantStderr: []string{"ftp://example.com/p.tar.gz: not an http or https URL", "p.tar.gz: not an http or https URL"}},
		{name: "dry run", args: []string{"https://example.com/p.tar.gz", "--dry-run"},
			wantStderr: []string{"would install the plugin at https://example.com/p.tar.gz"}},
		{name: "insecure URL", args: []string{"http://127.0.0.1:9/p.tar.gz"}, wantExit: cmdutil.ExitError, wantCalls: 1,
			err: &client.Error{Status: http.StatusBadRequest, ID: "api.plugin.install.download_failed.app_error",
				Message: "An error occurred while downloading the plugin.", Detail: "insecure url not allowed http://127.0.0.1:9/p.tar.gz"},
			wantStderr: []string{"http://127.0.0.1:9/p.tar.gz: the server refuses to download plugins from http:// URLs (PluginSettings.AllowInsecureDownloadURL, MM_PLUGINSETTINGS_ALLOWINSECUREDOWNLOADURL): use https:// or allow it",
				"hint: set PluginSettings.AllowInsecureDownloadURL to true (System Console, config.json or MM_PLUGINSETTINGS_ALLOWINSECUREDOWNLOADURL=true)"}},
		{name: "insecure URL, reason hidden, config readable", args: []string{"http://127.0.0.1:9/p.tar.gz"}, wantExit: cmdutil.ExitError, wantCalls: 1,
			config: func() *model.Config { c := &model.Config{}; c.SetDefaults(); return c }(),
			err: &client.Error{Status: http.StatusBadRequest, ID: "api.plugin.install.download_failed.app_error",
				Message: "An error occurred while downloading the plugin."},
			wantStderr: []string{"http://127.0.0.1:9/p.tar.gz: the server refuses to download plugins from http:// URLs (PluginSettings.AllowInsecureDownloadURL, MM_PLUGINSETTINGS_ALLOWINSECUREDOWNLOADURL): use https:// or allow it"}},
		{name: "insecure URL, reason hidden, config unreadable", args: []string{"http://127.0.0.1:9/p.tar.gz"}, wantExit: cmdutil.ExitError, wantCalls: 1,
			err: &client.Error{Status: http.StatusBadRequest, ID: "api.plugin.install.download_failed.app_error",
				Message: "An error occurred while downloading the plugin."},
			wantStderr: []string{"http://127.0.0.1:9/p.tar.gz: the server could not download the bundle; for an http:// URL it needs PluginSettings.AllowInsecureDownloadURL (MM_PLUGINSETTINGS_ALLOWINSECUREDOWNLOADURL), else check that the server can reach the URL"}},
		{name: "https download failure is the server's", args: []string{"https://example.com/p.tar.gz"}, wantExit: cmdutil.ExitError, wantCalls: 1,
			err: &client.Error{Status: http.StatusBadRequest, ID: "api.plugin.install.download_failed.app_error",
				Message: "An error occurred while downloading the plugin.", RequestID: "r9"},
			wantStderr: []string{"https://example.com/p.tar.gz: An error occurred while downloading the plugin. (HTTP 400) [request r9]"}},
		{name: "uploads off, config unreadable", args: []string{"https://example.com/p.tar.gz", "https://example.com/q.tar.gz"},
			wantExit: cmdutil.ExitError, wantCalls: 2, err: errPluginsOff,
			wantStderr: []string{"https://example.com/p.tar.gz: installing plugins from a URL is disabled on the server: it needs PluginSettings.Enable=true (MM_PLUGINSETTINGS_ENABLE), PluginSettings.EnableUploads=true (MM_PLUGINSETTINGS_ENABLEUPLOADS) and PluginSettings.RequirePluginSignature=false (MM_PLUGINSETTINGS_REQUIREPLUGINSIGNATURE) [request req1]",
				"hint: set PluginSettings.EnableUploads to true in config.json or with MM_PLUGINSETTINGS_ENABLEUPLOADS=true and restart the server; the System Console and the API cannot change it"}},
		{name: "uploads off, config readable", args: []string{"https://example.com/p.tar.gz"}, wantExit: cmdutil.ExitError, wantCalls: 1, err: errPluginsOff,
			config:     func() *model.Config { c := &model.Config{}; c.SetDefaults(); return c }(),
			wantStderr: []string{"https://example.com/p.tar.gz: installing plugins from a URL is disabled on the server (PluginSettings.EnableUploads, MM_PLUGINSETTINGS_ENABLEUPLOADS) [request req1]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var force bool
			e.Fake.InstallPluginFromURLFunc = func(_ context.Context, u string, f bool) (*model.Manifest, *model.Response, error) {
				force = f
				if tt.err != nil {
					return nil, nil, tt.err
				}
				return plManifest("com.example.p", "1.0.0"), plOK(), nil
			}
			e.Fake.GetConfigFunc = func(context.Context) (*model.Config, *model.Response, error) {
				if tt.config == nil {
					return nil, nil, &client.Error{Status: http.StatusForbidden, Message: "no"}
				}
				return tt.config, plOK(), nil
			}
			err := e.Exec(NewCmdInstallURL(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit %d (%v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			for _, w := range tt.wantStderr {
				if plCount(e.ErrOut.String(), w) != 1 {
					t.Errorf("stderr lacks the line %q:\n%s", w, e.ErrOut)
				}
			}
			if n := e.Fake.Calls("InstallPluginFromURL"); n != tt.wantCalls {
				t.Errorf("%d installs, want %d", n, tt.wantCalls)
			}
			if strings.Contains(strings.Join(tt.args, " "), "--force") != force && tt.wantCalls > 0 {
				t.Errorf("force = %v", force)
			}
		})
	}
}

func TestCompletePlugins(t *testing.T) {
	e := cmdtest.New(t)
	plServe(e.Fake, []*model.Manifest{plManifest("com.b", "1.0.0"), plManifest("com.a", "1.0.0"), plManifest("other", "1.0.0")})
	got, dir := completePlugins(e.F)(nil, nil, "Com.")
	if strings.Join(got, ",") != "com.a,com.b" || dir != cobra.ShellCompDirectiveNoFileComp {
		t.Errorf("got %v %v", got, dir)
	}
	s := plServe(e.Fake, nil)
	s.err = errPluginsOff
	if got, _ := completePlugins(e.F)(nil, nil, ""); len(got) != 0 {
		t.Errorf("with the server refusing: %v", got)
	}
}

// TestEnableIsSequential: the server loses one of two concurrent enables, so they go one at a
// time.
func TestEnableIsSequential(t *testing.T) {
	e := cmdtest.New(t)
	var ms []*model.Manifest
	var ids []string
	for _, id := range []string{"p.a", "p.b", "p.c", "p.d"} {
		ms = append(ms, plManifest(id, "1.0.0"))
		ids = append(ids, id)
	}
	plServe(e.Fake, ms)
	inner := e.Fake.EnablePluginFunc
	var inFlight, most atomic.Int32
	e.Fake.EnablePluginFunc = func(ctx context.Context, id string) (*model.Response, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		time.Sleep(5 * time.Millisecond)
		return inner(ctx, id)
	}
	if err := e.Exec(NewCmdEnable(e.F, nil), ids...); err != nil {
		t.Fatal(err)
	}
	if most.Load() != 1 || e.Fake.Calls("EnablePlugin") != 4 {
		t.Errorf("%d enables, up to %d at once", e.Fake.Calls("EnablePlugin"), most.Load())
	}
}
