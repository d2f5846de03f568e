package plugin

import (
	"context"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// NewCmdMarketplace builds the `plugin marketplace` group.
func NewCmdMarketplace(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "marketplace <command>",
		Short: "List and install plugins from the marketplace",
		Long: `List and install plugins from the plugin marketplace the server uses.

The marketplace must be enabled on the server (PluginSettings.EnableMarketplace,
MM_PLUGINSETTINGS_ENABLEMARKETPLACE). Beyond the prepackaged plugins, the server asks the remote
marketplace at PluginSettings.MarketplaceURL when PluginSettings.EnableRemoteMarketplace is on.`,
	}
	cmd.AddCommand(NewCmdMarketplaceList(f, nil), NewCmdMarketplaceInstall(f, nil))
	return cmd
}

// MarketplaceListOptions are the inputs of `plugin marketplace list`.
type MarketplaceListOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Filter    string
	LocalOnly bool
	Page      int
	PerPage   int
	All       bool
}

// maxMarketplacePages bounds --all, whatever the server answers.
const maxMarketplacePages = 1000

// NewCmdMarketplaceList builds `plugin marketplace list`.
func NewCmdMarketplaceList(f *cmdutil.Factory, runF func(context.Context, *MarketplaceListOptions) error) *cobra.Command {
	opts := &MarketplaceListOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the plugins the marketplace offers",
		Long: `List the plugins of the marketplace: ID, name, latest version, installed version.

One page (--page, --per-page) by default; --all reads every page, and stops at a page that is
short, empty, or brings no plugin not seen before (the server ignores paging for some sources).
--filter keeps the plugins whose name or description contains the text; --local-only lists only
the plugins installed or prepackaged on the server. In JSON, the server's marketplace plugin
objects (an array).`,
		Example: `  matterctl plugin marketplace list
  matterctl plugin marketplace list --all --filter github
  matterctl plugin marketplace list --local-only --json | jq -r '.[].manifest.id'`,
		Args: cmdutil.ExactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Page < 0 {
				return cmdutil.FlagErrorf("--page must not be negative, got %d", opts.Page)
			}
			if opts.PerPage < 1 || opts.PerPage > client.MaxPerPage {
				return cmdutil.FlagErrorf("--per-page must be between 1 and %d, got %d", client.MaxPerPage, opts.PerPage)
			}
			if opts.All && cmd.Flags().Changed("page") {
				return cmdutil.FlagErrorf("--page and --all cannot be used together")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return marketplaceListRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Filter, "filter", "", "List only plugins whose name or description contains `TEXT`")
	fl.BoolVar(&opts.LocalOnly, "local-only", false, "List only plugins installed or prepackaged on the server")
	fl.IntVar(&opts.Page, "page", 0, "Page to list, from 0")
	fl.IntVar(&opts.PerPage, "per-page", client.MaxPerPage, "Plugins per page")
	fl.BoolVar(&opts.All, "all", false, "List every page")
	return cmd
}

func marketplaceListRun(ctx context.Context, opts *MarketplaceListOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	ref := newRefusals(c, "")
	list := printer.NewList(p, marketplaceColumns...)
	seen := map[string]bool{}
	for page := opts.Page; ; page++ {
		plugins, _, err := c.GetMarketplacePlugins(ctx, &model.MarketplacePluginFilter{
			Page: page, PerPage: opts.PerPage, Filter: opts.Filter, LocalOnly: opts.LocalOnly,
		})
		if err != nil {
			return list.Fail(ref.Attach(ref.Check(ctx, err)))
		}
		fresh := 0
		for _, mp := range plugins {
			if mp == nil || mp.BaseMarketplacePlugin == nil {
				continue
			}
			key := marketplaceKey(mp)
			if seen[key] {
				continue
			}
			seen[key] = true
			fresh++
			if err := list.Add(mp); err != nil {
				return list.Fail(err)
			}
		}
		if !opts.All || len(plugins) < opts.PerPage || fresh == 0 || page-opts.Page+1 >= maxMarketplacePages {
			break
		}
	}
	return list.Close()
}

func marketplaceKey(mp *model.MarketplacePlugin) string {
	if mp.Manifest == nil {
		return mp.DownloadURL
	}
	return mp.Manifest.Id + "@" + mp.Manifest.Version
}

func mpManifest(mp *model.MarketplacePlugin) *model.Manifest {
	if mp.BaseMarketplacePlugin == nil || mp.Manifest == nil {
		return &model.Manifest{}
	}
	return mp.Manifest
}

var marketplaceColumns = []printer.Column[*model.MarketplacePlugin]{
	{Header: "id", Value: func(mp *model.MarketplacePlugin) string { return mpManifest(mp).Id }},
	{Header: "name", Value: func(mp *model.MarketplacePlugin) string { return mpManifest(mp).Name }},
	{Header: "version", Value: func(mp *model.MarketplacePlugin) string { return mpManifest(mp).Version }},
	{Header: "installed", Value: func(mp *model.MarketplacePlugin) string { return mp.InstalledVersion }},
}

// MarketplaceInstallOptions are the inputs of `plugin marketplace install`.
type MarketplaceInstallOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	ID      string
	Version string
	DryRun  bool
}

// NewCmdMarketplaceInstall builds `plugin marketplace install`.
func NewCmdMarketplaceInstall(f *cmdutil.Factory, runF func(context.Context, *MarketplaceInstallOptions) error) *cobra.Command {
	opts := &MarketplaceInstallOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "install <plugin>",
		Short: "Install a plugin from the marketplace",
		Long: `Install a plugin from the marketplace, given by ID: its latest version, or --version.

The server downloads the bundle and checks its signature. The plugin is installed disabled:
enable it with "matterctl plugin enable". --dry-run looks the plugin up in the marketplace and
installs nothing. In JSON, the installed manifest.`,
		Example: `  matterctl plugin marketplace install com.github.manland.mattermost-plugin-gitlab
  matterctl plugin marketplace install jitsi --version 2.0.0 --dry-run`,
		Args: cmdutil.ExactArgs(1, "one plugin ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return marketplaceInstallRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Version, "version", "", "Install this `VERSION` rather than the latest")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Look the plugin up in the marketplace, install nothing")
	return cmd
}

func marketplaceInstallRun(ctx context.Context, opts *MarketplaceInstallOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	ref := newRefusals(c, "")
	if opts.DryRun {
		plugins, _, err := c.GetMarketplacePlugins(ctx, &model.MarketplacePluginFilter{
			PerPage: client.MaxPerPage, PluginId: opts.ID, ReturnAllVersions: opts.Version != "",
		})
		if err != nil {
			return ref.Attach(ref.Check(ctx, err))
		}
		for _, mp := range plugins {
			m := mpManifest(mp)
			if m.Id == opts.ID && (opts.Version == "" || m.Version == opts.Version) {
				p.Infof("would install plugin %s %s from the marketplace", m.Id, m.Version)
				return p.Object(m, manifestFields(m))
			}
		}
		what := opts.ID
		if opts.Version != "" {
			what += " " + opts.Version
		}
		return &cmdutil.NotFoundError{Kind: "marketplace plugin", Name: what}
	}
	m, _, err := c.InstallMarketplacePlugin(ctx, &model.InstallMarketplacePluginRequest{Id: opts.ID, Version: opts.Version})
	if err != nil {
		return ref.Attach(ref.Check(ctx, err))
	}
	if m == nil {
		return fmt.Errorf("the server installed plugin %s but returned no manifest", opts.ID)
	}
	p.Successf("Installed plugin %s %s from the marketplace", m.Id, m.Version)
	return p.Object(m, manifestFields(m))
}

func manifestFields(m *model.Manifest) []printer.Field {
	return []printer.Field{
		{Name: "id", Value: m.Id},
		{Name: "name", Value: m.Name},
		{Name: "version", Value: m.Version},
		{Name: "description", Value: m.Description},
	}
}
