// Package plugin implements `matterctl plugin`: validate and upload bundles, install from a URL
// or the marketplace, enable, disable, delete and list plugins and show their status.
package plugin

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// NewCmdPlugin builds the `plugin` group.
func NewCmdPlugin(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plugin <command>",
		Short: "Upload, install, enable, disable, delete and list plugins",
		Long: `Upload, install, enable, disable, delete and list plugins, and show their state.

A plugin argument is the plugin's ID (as in its manifest, such as com.mattermost.demo-plugin).

The server must have plugins enabled (PluginSettings.Enable, MM_PLUGINSETTINGS_ENABLE).
Uploading a bundle, or installing one from a URL, also needs PluginSettings.EnableUploads
(MM_PLUGINSETTINGS_ENABLEUPLOADS: config.json or the environment only, the API cannot change
it) and PluginSettings.RequirePluginSignature off. Installing from an http:// URL needs
PluginSettings.AllowInsecureDownloadURL; the marketplace needs PluginSettings.EnableMarketplace
(and PluginSettings.EnableRemoteMarketplace with PluginSettings.MarketplaceURL for plugins that
are not prepackaged).`,
	}
	cmd.AddCommand(
		NewCmdAdd(f, nil),
		NewCmdInstallURL(f, nil),
		NewCmdDelete(f, nil),
		NewCmdEnable(f, nil),
		NewCmdDisable(f, nil),
		NewCmdList(f, nil),
		NewCmdShow(f, nil),
		NewCmdStatus(f, nil),
		NewCmdMarketplace(f),
	)
	cmdutil.RejectEmptyArgs(cmd)
	return cmd
}

// Plugin is an installed plugin: its manifest and whether it is enabled.
type Plugin struct {
	*model.Manifest
	Enabled bool `json:"enabled"`
}

// pluginKind is the kind of plugin arguments: plugin IDs, resolved with one request that lists
// every installed plugin.
func pluginKind() cmdutil.Kind[*Plugin] {
	return cmdutil.Kind[*Plugin]{
		Name:    "plugin",
		Resolve: resolvePlugins,
		ID:      func(p *Plugin) string { return p.Id },
		Label:   func(p *Plugin) string { return p.Id },
	}
}

// resolvePlugins finds each ID among the installed plugins. IDs are matched without regard to
// case, as the server stores them in lower case.
func resolvePlugins(ctx context.Context, c client.Client, args []string) ([]cmdutil.Ref[*Plugin], error) {
	refs := make([]cmdutil.Ref[*Plugin], len(args))
	installed, err := installedPlugins(ctx, c)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for i, a := range args {
		refs[i].Arg = a
		switch p, ok := installed[strings.ToLower(strings.TrimSpace(a))]; {
		case err != nil:
			refs[i].Err = err
		case !ok:
			refs[i].Err = &cmdutil.NotFoundError{Kind: "plugin", Name: a}
		default:
			refs[i].Obj = p
		}
	}
	return refs, nil
}

// installedPlugins lists the installed plugins by ID.
func installedPlugins(ctx context.Context, c client.Client) (map[string]*Plugin, error) {
	resp, _, err := c.GetPlugins(ctx)
	if err != nil {
		return nil, pluginsRefusal(err)
	}
	out := map[string]*Plugin{}
	if resp == nil {
		return out, nil
	}
	for _, p := range resp.Active {
		if p != nil {
			m := p.Manifest
			out[m.Id] = &Plugin{Manifest: &m, Enabled: true}
		}
	}
	for _, p := range resp.Inactive {
		if p != nil {
			m := p.Manifest
			out[m.Id] = &Plugin{Manifest: &m}
		}
	}
	return out, nil
}

// The server settings that can refuse plugin requests.
var (
	settingEnable        = cmdutil.Setting{Key: "PluginSettings.Enable", Want: "true"}
	settingEnableUploads = cmdutil.Setting{Key: "PluginSettings.EnableUploads", Want: "true",
		Fix: "set PluginSettings.EnableUploads to true in config.json or with MM_PLUGINSETTINGS_ENABLEUPLOADS=true and restart the server; the System Console and the API cannot change it"}
	settingRequireSig     = cmdutil.Setting{Key: "PluginSettings.RequirePluginSignature", Want: "false"}
	settingInsecureURL    = cmdutil.Setting{Key: "PluginSettings.AllowInsecureDownloadURL", Want: "true"}
	settingMarketplace    = cmdutil.Setting{Key: "PluginSettings.EnableMarketplace", Want: "true"}
	settingRemoteMarket   = cmdutil.Setting{Key: "PluginSettings.EnableRemoteMarketplace", Want: "true"}
	settingMarketplaceURL = cmdutil.Setting{Key: "PluginSettings.MarketplaceURL", Want: "the marketplace's URL",
		Fix: "check PluginSettings.MarketplaceURL (MM_PLUGINSETTINGS_MARKETPLACEURL) and that the server can reach it"}
	settingMaxFileSize = cmdutil.Setting{Key: "FileSettings.MaxFileSize", Want: "a larger size in bytes",
		Fix: "raise FileSettings.MaxFileSize (System Console, config.json or MM_FILESETTINGS_MAXFILESIZE), or use `matterctl plugin install-url`"}
)

// Error IDs of the server's plugin refusals.
const (
	errPluginsDisabled     = "app.plugin.disabled.app_error"
	errUploadsDisabled     = "app.plugin.upload_disabled.app_error"
	errMarketplaceDisabled = "app.plugin.marketplace_disabled.app_error"
	errDownloadFailed      = "api.plugin.install.download_failed.app_error"
	errMarketplaceFetch    = "app.plugin.marketplace_client"
	errMarketplaceNotFound = "app.plugin.marketplace_plugins.not_found.app_error"
)

// pluginsRefusal names PluginSettings.Enable when the server refused a request because plugins
// are off.
func pluginsRefusal(err error) error {
	return cmdutil.RefusedBy(err, errPluginsDisabled, "the plugin system", settingEnable)
}

// refusals turns the server's refusals of uploads and installs into errors that name the
// settings behind them, reading the server's configuration (once) to tell which one it is when
// the account may read it; the embedded cmdutil.Refusals gives the remedies once after a run.
type refusals struct {
	cmdutil.Refusals
	c    client.Client
	what string // "uploading plugins", "installing plugins from a URL"

	once sync.Once
	cfg  *model.Config
}

func newRefusals(c client.Client, what string) *refusals { return &refusals{c: c, what: what} }

func (r *refusals) config(ctx context.Context) *model.Config {
	r.once.Do(func() {
		if r.c == nil {
			return
		}
		cfg, _, err := r.c.GetConfig(ctx)
		if err == nil {
			r.cfg = cfg
		}
	})
	return r.cfg
}

// uploadSettings are the settings that refuse uploads and URL installs, narrowed to the ones
// that are off when the configuration can be read.
func (r *refusals) uploadSettings(ctx context.Context) []cmdutil.Setting {
	all := []cmdutil.Setting{settingEnable, settingEnableUploads, settingRequireSig}
	cfg := r.config(ctx)
	if cfg == nil {
		return all
	}
	ps := cfg.PluginSettings
	var off []cmdutil.Setting
	if ps.Enable != nil && !*ps.Enable {
		off = append(off, settingEnable)
	}
	if ps.EnableUploads != nil && !*ps.EnableUploads {
		off = append(off, settingEnableUploads)
	}
	if ps.RequirePluginSignature != nil && *ps.RequirePluginSignature {
		off = append(off, settingRequireSig)
	}
	if len(off) == 0 {
		return all
	}
	return off
}

// Check returns err, or an error naming the settings behind it when it is a refusal.
func (r *refusals) Check(ctx context.Context, err error) error {
	apiErr := client.AsError(err)
	if apiErr == nil {
		return err
	}
	switch {
	case apiErr.ID == errUploadsDisabled:
		return r.Refuse(r.what, err, r.uploadSettings(ctx)...)
	case apiErr.ID == errPluginsDisabled && r.what != "":
		// Install from a URL answers this ID for all three upload settings.
		return r.Refuse(r.what, err, r.uploadSettings(ctx)...)
	case apiErr.ID == errPluginsDisabled:
		return r.Refuse("the plugin system", err, settingEnable)
	case apiErr.ID == errMarketplaceDisabled:
		return r.Refuse("the plugin marketplace", err, settingMarketplace)
	case apiErr.ID == errDownloadFailed && strings.Contains(apiErr.Detail, "insecure url"):
		return r.insecureURL(err)
	case strings.HasPrefix(apiErr.ID, errMarketplaceFetch):
		r.Record(settingMarketplaceURL, "")
		return &cmdutil.RefusedError{
			Msg: fmt.Sprintf("the server could not reach its marketplace (%s, %s; %s): %s",
				settingMarketplaceURL.Key, settingMarketplaceURL.Env(), settingRemoteMarket.Key, describeAPI(apiErr)),
			Err: err,
		}
	case apiErr.ID == errMarketplaceNotFound:
		return &cmdutil.RefusedError{
			Msg: fmt.Sprintf("the marketplace has no such plugin; with %s (%s) off only prepackaged plugins are offered",
				settingRemoteMarket.Key, settingRemoteMarket.Env()),
			Err: err,
		}
	case isBodyTooLarge(apiErr):
		r.Record(settingMaxFileSize, "")
		return &cmdutil.RefusedError{Msg: r.tooLarge(ctx, 0), Err: err}
	}
	return err
}

// insecureURL is the refusal of an http:// download URL.
func (r *refusals) insecureURL(err error) error {
	r.Record(settingInsecureURL, "")
	return &cmdutil.RefusedError{
		Msg: "the server refuses to download plugins from http:// URLs (" + settingInsecureURL.Key + ", " + settingInsecureURL.Env() + "): use https:// or allow it",
		Err: err,
	}
}

// CheckDownload is Check for an install from rawURL. The server hides why a download failed
// unless it runs in developer mode: for an http:// URL its configuration, when readable, tells
// whether AllowInsecureDownloadURL refused it; when it is not readable, the message names the
// setting as a possible cause.
func (r *refusals) CheckDownload(ctx context.Context, err error, rawURL string) error {
	apiErr := client.AsError(err)
	if apiErr == nil || apiErr.ID != errDownloadFailed || apiErr.Detail != "" || !strings.HasPrefix(strings.ToLower(rawURL), "http://") {
		return r.Check(ctx, err)
	}
	cfg := r.config(ctx)
	if cfg != nil && cfg.PluginSettings.AllowInsecureDownloadURL != nil && !*cfg.PluginSettings.AllowInsecureDownloadURL {
		return r.insecureURL(err)
	}
	if cfg == nil {
		return &cmdutil.RefusedError{
			Msg: "the server could not download the bundle; for an http:// URL it needs " + settingInsecureURL.Key +
				" (" + settingInsecureURL.Env() + "), else check that the server can reach the URL",
			Err: err,
		}
	}
	return err
}

// tooLarge is the message for an upload the server cut off at its maximum file size.
func (r *refusals) tooLarge(ctx context.Context, size int64) string {
	msg := "the bundle exceeds the server's maximum file size (" + settingMaxFileSize.Key + ", " + settingMaxFileSize.Env() + ")"
	var parts []string
	if size > 0 {
		parts = append(parts, "bundle "+humanSize(size))
	}
	if cfg := r.config(ctx); cfg != nil && cfg.FileSettings.MaxFileSize != nil {
		parts = append(parts, "maximum "+humanSize(*cfg.FileSettings.MaxFileSize))
	}
	if len(parts) > 0 {
		msg += ": " + strings.Join(parts, ", ")
	}
	return msg
}

// isBodyTooLarge reports the plain-text 400 the server answers when a request body passes
// FileSettings.MaxFileSize.
func isBodyTooLarge(e *client.Error) bool {
	return e.Status == http.StatusBadRequest && strings.Contains(e.Message, "request body too large")
}

func describeAPI(e *client.Error) string {
	if e.Detail != "" {
		return e.Message + " (" + e.Detail + ")"
	}
	return e.Message
}

// stateName is a plugin state as people read it.
func stateName(s int) string {
	switch s {
	case model.PluginStateNotRunning:
		return "not running"
	case model.PluginStateStarting:
		return "starting"
	case model.PluginStateRunning:
		return "running"
	case model.PluginStateFailedToStart:
		return "failed to start"
	case model.PluginStateFailedToStayRunning:
		return "failed to stay running"
	case model.PluginStateStopping:
		return "stopping"
	}
	return fmt.Sprintf("state %d", s)
}

// failed reports a state in which the plugin stopped on an error.
func failed(s int) bool {
	return s == model.PluginStateFailedToStart || s == model.PluginStateFailedToStayRunning
}

// statusesByPlugin groups plugin statuses by plugin ID.
func statusesByPlugin(sts model.PluginStatuses) map[string][]*model.PluginStatus {
	out := map[string][]*model.PluginStatus{}
	for _, s := range sts {
		if s != nil {
			out[s.PluginId] = append(out[s.PluginId], s)
		}
	}
	return out
}

// summaryState is the state of a plugin over every node: the one state when all agree, else
// each state with its number of nodes ("running on 1, failed to start on 1"); "" when no node
// reports the plugin.
func summaryState(sts []*model.PluginStatus) string {
	if len(sts) == 0 {
		return ""
	}
	counts := map[int]int{}
	var order []int
	for _, s := range sts {
		if counts[s.State] == 0 {
			order = append(order, s.State)
		}
		counts[s.State]++
	}
	if len(order) == 1 {
		return stateName(order[0])
	}
	parts := make([]string, len(order))
	for i, st := range order {
		parts[i] = fmt.Sprintf("%s on %d", stateName(st), counts[st])
	}
	return strings.Join(parts, ", ")
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func humanSize(n int64) string {
	const mb = 1 << 20
	switch {
	case n >= mb:
		return fmt.Sprintf("%.1f MiB", float64(n)/mb)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// completePlugins suggests the IDs of the installed plugins that start with the word being
// completed, at every argument position; any failure suggests nothing.
func completePlugins(f *cmdutil.Factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		c, err := f.Client()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		installed, err := installedPlugins(ctx, c)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var ids []string
		for id := range installed {
			if strings.HasPrefix(id, strings.ToLower(toComplete)) {
				ids = append(ids, id)
			}
		}
		slices.Sort(ids)
		return ids, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeBundles suggests .tar.gz and .tgz files.
func completeBundles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"tar.gz", "tgz"}, cobra.ShellCompDirectiveFilterFileExt
}
