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
	"github.com/matterctl/matterctl/printer"
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
	settingEnable         = cmdutil.Setting{Key: "PluginSettings.Enable", Want: "true"}
	settingEnableUploads  = cmdutil.Setting{Key: "PluginSettings.EnableUploads", Want: "true"}
	settingRequireSig     = cmdutil.Setting{Key: "PluginSettings.RequirePluginSignature", Want: "false"}
	settingInsecureURL    = cmdutil.Setting{Key: "PluginSettings.AllowInsecureDownloadURL", Want: "true"}
	settingMarketplace    = cmdutil.Setting{Key: "PluginSettings.EnableMarketplace", Want: "true"}
	settingRemoteMarket   = cmdutil.Setting{Key: "PluginSettings.EnableRemoteMarketplace", Want: "true"}
	settingMarketplaceURL = cmdutil.Setting{Key: "PluginSettings.MarketplaceURL", Want: "the marketplace's URL"}
	settingMaxFileSize    = cmdutil.Setting{Key: "FileSettings.MaxFileSize", Want: "a larger size in bytes"}
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

// SettingsError is a refusal that one of several server settings may cause: the server's
// answer does not say which. It names them all, each with its environment variable.
type SettingsError struct {
	What     string // "uploading plugins"
	Settings []cmdutil.Setting
	Err      error
}

func (e *SettingsError) Error() string {
	names := make([]string, len(e.Settings))
	for i, s := range e.Settings {
		names[i] = s.Key + "=" + s.Want + " (" + s.Env() + ")"
	}
	msg := e.What + " is disabled on the server: it needs " + joinAnd(names)
	if apiErr := client.AsError(e.Err); apiErr != nil && apiErr.RequestID != "" {
		msg += " [request " + apiErr.RequestID + "]"
	}
	return msg
}

func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// refusals turns the server's refusals of uploads and installs into errors that name the
// settings behind them, reading the server's configuration (once) to tell which one it is when
// the account may read it, and gives the remedy once after a run.
type refusals struct {
	c    client.Client
	what string // "uploading plugins", "installing plugins from a URL"

	once sync.Once
	cfg  *model.Config

	mu  sync.Mutex
	hit []cmdutil.Setting
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

func (r *refusals) record(s ...cmdutil.Setting) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, one := range s {
		if !slices.Contains(r.hit, one) {
			r.hit = append(r.hit, one)
		}
	}
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

// settingsError names settings: one as a *cmdutil.SettingError, several as a *SettingsError.
func (r *refusals) settingsError(what string, settings []cmdutil.Setting, err error) error {
	r.record(settings...)
	if len(settings) == 1 {
		return &cmdutil.SettingError{What: what, Setting: settings[0], Err: err}
	}
	return &SettingsError{What: what, Settings: settings, Err: err}
}

// Check returns err, or an error naming the settings behind it when it is a refusal.
func (r *refusals) Check(ctx context.Context, err error) error {
	apiErr := client.AsError(err)
	if apiErr == nil {
		return err
	}
	switch {
	case apiErr.ID == errUploadsDisabled:
		return r.settingsError(r.what, r.uploadSettings(ctx), err)
	case apiErr.ID == errPluginsDisabled && r.what != "":
		// Install from a URL answers this ID for all three upload settings.
		return r.settingsError(r.what, r.uploadSettings(ctx), err)
	case apiErr.ID == errPluginsDisabled:
		return r.settingsError("the plugin system", []cmdutil.Setting{settingEnable}, err)
	case apiErr.ID == errMarketplaceDisabled:
		return r.settingsError("the plugin marketplace", []cmdutil.Setting{settingMarketplace}, err)
	case apiErr.ID == errDownloadFailed && strings.Contains(apiErr.Detail, "insecure url"):
		return r.insecureURL(err)
	case strings.HasPrefix(apiErr.ID, errMarketplaceFetch):
		r.record(settingMarketplaceURL)
		return &refusedError{
			msg: fmt.Sprintf("the server could not reach its marketplace (%s, %s; %s): %s",
				settingMarketplaceURL.Key, settingMarketplaceURL.Env(), settingRemoteMarket.Key, describeAPI(apiErr)),
			err: err,
		}
	case apiErr.ID == errMarketplaceNotFound:
		return &refusedError{
			msg: fmt.Sprintf("the marketplace has no such plugin; with %s (%s) off only prepackaged plugins are offered",
				settingRemoteMarket.Key, settingRemoteMarket.Env()),
			err: err,
		}
	case isBodyTooLarge(apiErr):
		r.record(settingMaxFileSize)
		return &refusedError{msg: r.tooLarge(ctx, 0), err: err}
	}
	return err
}

// insecureURL is the refusal of an http:// download URL.
func (r *refusals) insecureURL(err error) error {
	r.record(settingInsecureURL)
	return &refusedError{
		msg: "the server refuses to download plugins from http:// URLs (" + settingInsecureURL.Key + ", " + settingInsecureURL.Env() + "): use https:// or allow it",
		err: err,
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
		return &refusedError{
			msg: "the server could not download the bundle; for an http:// URL it needs " + settingInsecureURL.Key +
				" (" + settingInsecureURL.Env() + "), else check that the server can reach the URL",
			err: err,
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

// Hint prints, once after a run, how to change each setting that refused a request.
func (r *refusals) Hint(p *printer.Printer) {
	for _, h := range r.hints() {
		p.Errorf("%s", h)
	}
}

// Attach returns err carrying the hints of the settings that refused requests so far, for a
// command that ends with that error: the hints print after its error line.
func (r *refusals) Attach(err error) error {
	hints := r.hints()
	if err == nil || len(hints) == 0 {
		return err
	}
	return &hintedError{err: err, hint: strings.Join(hints, "\n")}
}

// hints are the "hint: …" lines for the settings that refused requests so far.
func (r *refusals) hints() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, s := range r.hit {
		switch s {
		case settingEnableUploads:
			out = append(out, fmt.Sprintf("hint: set %s to true in config.json or with %s=true and restart the server; the System Console and the API cannot change it", s.Key, s.Env()))
		case settingMarketplaceURL:
			out = append(out, fmt.Sprintf("hint: check %s (%s) and that the server can reach it", s.Key, s.Env()))
		case settingMaxFileSize:
			out = append(out, fmt.Sprintf("hint: raise %s (System Console, config.json or %s), or use `matterctl plugin install-url`", s.Key, s.Env()))
		default:
			out = append(out, "hint: "+s.Remedy())
		}
	}
	return out
}

// hintedError is an error with the remedy that client.Describe prints after it.
type hintedError struct {
	err  error
	hint string
}

func (e *hintedError) Error() string { return e.err.Error() }
func (e *hintedError) Unwrap() error { return e.err }
func (e *hintedError) Hint() string  { return e.hint }

// refusedError is a refusal explained in a sentence; the exit code is 1 (the server's
// configuration), so it does not unwrap to the API error.
type refusedError struct {
	msg string
	err error
}

func (e *refusedError) Error() string {
	if apiErr := client.AsError(e.err); apiErr != nil && apiErr.RequestID != "" {
		return e.msg + " [request " + apiErr.RequestID + "]"
	}
	return e.msg
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
