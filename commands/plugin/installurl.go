package plugin

import (
	"context"
	"fmt"
	"net/url"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// InstallURLOptions are the inputs of `plugin install-url`.
type InstallURLOptions struct {
	cmdutil.BulkArgs
	Force bool
}

// NewCmdInstallURL builds `plugin install-url`.
func NewCmdInstallURL(f *cmdutil.Factory, runF func(context.Context, *InstallURLOptions) error) *cobra.Command {
	opts := &InstallURLOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	cmd := &cobra.Command{
		Use:   "install-url <url>...",
		Short: "Install plugins from bundle URLs",
		Long: `Have the server download plugin bundles from URLs and install them.

The server itself downloads each bundle, so the URL must be reachable from the server. It
needs the settings of uploads (PluginSettings.Enable, PluginSettings.EnableUploads and
PluginSettings.RequirePluginSignature off) and, for http:// URLs,
PluginSettings.AllowInsecureDownloadURL. A plugin with the same ID is replaced only with
--force. In JSON, one row per URL with the installed manifest under "plugin".`,
		Example: `  matterctl plugin install-url https://example.com/com.example.demo-1.2.0.tar.gz
  matterctl plugin install-url --force --file urls.txt`,
		RunE: opts.RunE("URL", cmdutil.Runner(opts, runF, installURLRun)),
	}
	cmd.Flags().BoolVarP(&opts.Force, "force", "f", false, "Replace an installed plugin with the same ID")
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "URLs")
	return cmd
}

// urlInstall is one URL to install from, and what the server installed from it.
type urlInstall struct {
	URL    string          `json:"url"`
	Plugin *model.Manifest `json:"manifest,omitempty"`
}

// urlKind is the kind of URL arguments: each must be an absolute http or https URL.
func urlKind() cmdutil.Kind[*urlInstall] {
	return cmdutil.Kind[*urlInstall]{
		Name: "plugin",
		Resolve: func(_ context.Context, _ client.Client, args []string) ([]cmdutil.Ref[*urlInstall], error) {
			refs := make([]cmdutil.Ref[*urlInstall], len(args))
			for i, a := range args {
				refs[i].Arg = a
				u, err := url.Parse(a)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					refs[i].Err = cmdutil.FlagErrorf("not an http or https URL")
					continue
				}
				refs[i].Obj = &urlInstall{URL: a}
			}
			return refs, nil
		},
		ID: func(u *urlInstall) string { return u.URL },
		Label: func(u *urlInstall) string {
			if u.Plugin != nil {
				return u.Plugin.Id + " " + u.Plugin.Version
			}
			return u.URL
		},
	}
}

func installURLRun(ctx context.Context, opts *InstallURLOptions) error {
	var ref *refusals
	err := cmdutil.RunBulkVerb(ctx, &opts.BulkArgs, urlKind(), func(c client.Client) cmdutil.Verb[*urlInstall] {
		ref = newRefusals(c, "installing plugins from a URL")
		return cmdutil.Verb[*urlInstall]{
			Plan: "install", Done: "Installed",
			PlanMessage: func(u *urlInstall) string { return "would install the plugin at " + u.URL },
			Message: func(u *urlInstall) string {
				return fmt.Sprintf("Installed plugin %s %s from %s", u.Plugin.Id, u.Plugin.Version, u.URL)
			},
			Apply: func(ctx context.Context, u *urlInstall) (*urlInstall, error) {
				m, _, err := c.InstallPluginFromURL(ctx, u.URL, opts.Force)
				if err != nil {
					if e := client.AsError(err); e != nil && e.ID == "app.plugin.install_id.app_error" {
						return nil, fmt.Errorf("a plugin with the same ID is already installed: add --force to replace it")
					}
					return nil, ref.CheckDownload(ctx, err, u.URL)
				}
				return &urlInstall{URL: u.URL, Plugin: m}, nil
			},
		}
	})
	if ref != nil {
		if p, perr := opts.Printer(); perr == nil {
			ref.Hint(p)
		}
	}
	return err
}
