package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func mpPlugin(id, version, installed string) *model.MarketplacePlugin {
	return &model.MarketplacePlugin{
		BaseMarketplacePlugin: &model.BaseMarketplacePlugin{Manifest: plManifest(id, version), DownloadURL: "https://x/" + id},
		InstalledVersion:      installed,
	}
}

func TestMarketplaceListFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    MarketplaceListOptions
		wantErr string
	}{
		{args: nil, want: MarketplaceListOptions{PerPage: 200}},
		{args: []string{"--filter", "git", "--local-only", "--page", "2", "--per_page", "50"},
			want: MarketplaceListOptions{Filter: "git", LocalOnly: true, Page: 2, PerPage: 50}},
		{args: []string{"--all"}, want: MarketplaceListOptions{All: true, PerPage: 200}},
		{args: []string{"--per-page", "0"}, wantErr: "--per-page"},
		{args: []string{"--per-page", "201"}, wantErr: "--per-page"},
		{args: []string{"--page", "-1"}, wantErr: "--page"},
		{args: []string{"--all", "--page", "1"}, wantErr: "cannot be used together"},
		{args: []string{"extra"}, wantErr: "no arguments"},
	}
	for _, tt := range tests {
		e := cmdtest.New(t)
		var got *MarketplaceListOptions
		err := e.Exec(NewCmdMarketplaceList(e.F, func(_ context.Context, o *MarketplaceListOptions) error { got = o; return nil }), tt.args...)
		if tt.wantErr != "" {
			if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want usage error %q", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if got.Filter != tt.want.Filter || got.LocalOnly != tt.want.LocalOnly || got.Page != tt.want.Page || got.PerPage != tt.want.PerPage || got.All != tt.want.All {
			t.Errorf("%q: got %+v, want %+v", tt.args, *got, tt.want)
		}
	}
}

func TestMarketplaceListRun(t *testing.T) {
	all := []*model.MarketplacePlugin{mpPlugin("a", "1.0.0", ""), mpPlugin("b", "2.0.0", "1.0.0"), mpPlugin("c", "3.0.0", ""), mpPlugin("d", "1.0.0", "")}
	paged := func(page, perPage int) []*model.MarketplacePlugin {
		start := min(page*perPage, len(all))
		return all[start:min(start+perPage, len(all))]
	}
	tests := []struct {
		name      string
		args      []string
		serve     func(f *model.MarketplacePluginFilter) []*model.MarketplacePlugin
		wantIDs   string
		wantCalls int
	}{
		{name: "one page", args: []string{"--per-page", "2", "--page", "1"}, wantIDs: "c,d", wantCalls: 1,
			serve: func(f *model.MarketplacePluginFilter) []*model.MarketplacePlugin { return paged(f.Page, f.PerPage) }},
		{name: "all, until a short page", args: []string{"--all", "--per-page", "3"}, wantIDs: "a,b,c,d", wantCalls: 2,
			serve: func(f *model.MarketplacePluginFilter) []*model.MarketplacePlugin { return paged(f.Page, f.PerPage) }},
		{name: "all, until an empty page", args: []string{"--all", "--per-page", "2"}, wantIDs: "a,b,c,d", wantCalls: 3,
			serve: func(f *model.MarketplacePluginFilter) []*model.MarketplacePlugin { return paged(f.Page, f.PerPage) }},
		{name: "all, server ignores paging", args: []string{"--all", "--per-page", "2"}, wantIDs: "a,b,c,d", wantCalls: 2,
			serve: func(*model.MarketplacePluginFilter) []*model.MarketplacePlugin { return all }},
		{name: "filter and local only passed on", args: []string{"--filter", "b", "--local-only"}, wantIDs: "b", wantCalls: 1,
			serve: func(f *model.MarketplacePluginFilter) []*model.MarketplacePlugin {
				if f.Filter != "b" || !f.LocalOnly || f.PerPage != 200 {
					return nil
				}
				return all[1:2]
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.JSON(true))
			e.Fake.GetMarketplacePluginsFunc = func(_ context.Context, f *model.MarketplacePluginFilter) ([]*model.MarketplacePlugin, *model.Response, error) {
				if e.Fake.Calls("GetMarketplacePlugins") > 10 {
					return nil, nil, fmt.Errorf("looping")
				}
				return tt.serve(f), plOK(), nil
			}
			if err := e.Exec(NewCmdMarketplaceList(e.F, nil), tt.args...); err != nil {
				t.Fatal(err)
			}
			var got []model.MarketplacePlugin
			if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
				t.Fatalf("%v\n%s", err, e.Out)
			}
			var ids []string
			for _, p := range got {
				ids = append(ids, p.Manifest.Id)
			}
			if strings.Join(ids, ",") != tt.wantIDs || e.Fake.Calls("GetMarketplacePlugins") != tt.wantCalls {
				t.Errorf("ids %v after %d calls, want %s after %d", ids, e.Fake.Calls("GetMarketplacePlugins"), tt.wantIDs, tt.wantCalls)
			}
		})
	}
	for _, tty := range []bool{true, false} {
		e := cmdtest.New(t, cmdtest.TTY(tty))
		e.Fake.GetMarketplacePluginsFunc = func(context.Context, *model.MarketplacePluginFilter) ([]*model.MarketplacePlugin, *model.Response, error) {
			return all[:2], plOK(), nil
		}
		if err := e.Exec(NewCmdMarketplaceList(e.F, nil)); err != nil {
			t.Fatal(err)
		}
		if tty && (!strings.Contains(e.Out.String(), "INSTALLED") || !strings.Contains(e.Out.String(), "Plugin b")) {
			t.Errorf("table:\n%s", e.Out)
		}
		if !tty && e.Out.String() != "a\tPlugin a\t1.0.0\t\nb\tPlugin b\t2.0.0\t1.0.0\n" {
			t.Errorf("plain:\n%q", e.Out)
		}
	}
	e := cmdtest.New(t)
	e.Fake.GetMarketplacePluginsFunc = func(context.Context, *model.MarketplacePluginFilter) ([]*model.MarketplacePlugin, *model.Response, error) {
		return nil, nil, &client.Error{Status: http.StatusNotImplemented, ID: "app.plugin.marketplace_disabled.app_error", Message: "Marketplace has been disabled."}
	}
	err := e.Exec(NewCmdMarketplaceList(e.F, nil))
	msg := cmdutil.ErrorMessage(err)
	// The hint follows the error line, once.
	if cmdutil.ExitCode(err) != cmdutil.ExitError || msg != "the plugin marketplace is disabled on the server (PluginSettings.EnableMarketplace, MM_PLUGINSETTINGS_ENABLEMARKETPLACE)\n"+
		"hint: set PluginSettings.EnableMarketplace to true (System Console, config.json or MM_PLUGINSETTINGS_ENABLEMARKETPLACE=true)" ||
		strings.Contains(e.ErrOut.String(), "hint:") {
		t.Errorf("marketplace off: exit %d, %s\nstderr:\n%s", cmdutil.ExitCode(err), msg, e.ErrOut)
	}
}

func TestMarketplaceInstall(t *testing.T) {
	var got *MarketplaceInstallOptions
	e := cmdtest.New(t)
	if err := e.Exec(NewCmdMarketplaceInstall(e.F, func(_ context.Context, o *MarketplaceInstallOptions) error { got = o; return nil }),
		"jitsi", "--version", "2.0.0", "--dry-run"); err != nil || got.ID != "jitsi" || got.Version != "2.0.0" || !got.DryRun {
		t.Fatalf("flags: %v %+v", err, got)
	}
	for _, bad := range [][]string{nil, {"a", "b"}} {
		if err := cmdtest.New(t).Exec(NewCmdMarketplaceInstall(cmdtest.New(t).F, nil), bad...); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("%q: %v", bad, err)
		}
	}

	for _, tty := range []bool{true, false} {
		e := cmdtest.New(t, cmdtest.TTY(tty))
		var req *model.InstallMarketplacePluginRequest
		e.Fake.InstallMarketplacePluginFunc = func(_ context.Context, r *model.InstallMarketplacePluginRequest) (*model.Manifest, *model.Response, error) {
			req = r
			return plManifest("jitsi", "2.0.0"), plOK(), nil
		}
		if err := e.Exec(NewCmdMarketplaceInstall(e.F, nil), "jitsi", "--version", "2.0.0"); err != nil {
			t.Fatal(err)
		}
		if req.Id != "jitsi" || req.Version != "2.0.0" || plCount(e.ErrOut.String(), "Installed plugin jitsi 2.0.0 from the marketplace") != 1 ||
			!strings.Contains(e.Out.String(), "Plugin jitsi") {
			t.Errorf("tty %v: req %+v\nstdout:\n%s\nstderr:\n%s", tty, req, e.Out, e.ErrOut)
		}
	}

	e = cmdtest.New(t)
	e.Fake.GetMarketplacePluginsFunc = func(_ context.Context, f *model.MarketplacePluginFilter) ([]*model.MarketplacePlugin, *model.Response, error) {
		if f.PluginId != "jitsi" {
			return nil, plOK(), nil
		}
		return []*model.MarketplacePlugin{mpPlugin("jitsi", "2.1.0", "")}, plOK(), nil
	}
	if err := e.Exec(NewCmdMarketplaceInstall(e.F, nil), "jitsi", "--dry-run"); err != nil || plCount(e.ErrOut.String(), "would install plugin jitsi 2.1.0 from the marketplace") != 1 {
		t.Errorf("dry run: %v\n%s", err, e.ErrOut)
	}
	if err := e.Exec(NewCmdMarketplaceInstall(e.F, nil), "nope", "--dry-run"); cmdutil.ExitCode(err) != cmdutil.ExitNotFound {
		t.Errorf("dry run of an unknown plugin: %v", err)
	}
	if e.Fake.Calls("InstallMarketplacePlugin") != 0 {
		t.Error("a dry run installed")
	}

	e = cmdtest.New(t)
	e.Fake.InstallMarketplacePluginFunc = func(context.Context, *model.InstallMarketplacePluginRequest) (*model.Manifest, *model.Response, error) {
		return nil, nil, &client.Error{Status: http.StatusInternalServerError, ID: "app.plugin.marketplace_client.failed_to_fetch", Message: "Failed to fetch", Detail: "dial tcp: refused"}
	}
	err := e.Exec(NewCmdMarketplaceInstall(e.F, nil), "jitsi")
	if msg := cmdutil.ErrorMessage(err); cmdutil.ExitCode(err) != cmdutil.ExitError || !strings.Contains(msg, "the server could not reach its marketplace (PluginSettings.MarketplaceURL, MM_PLUGINSETTINGS_MARKETPLACEURL") {
		t.Errorf("unreachable marketplace: %s", msg)
	}
}
