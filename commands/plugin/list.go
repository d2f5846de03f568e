package plugin

import (
	"context"
	"sort"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// ListOptions are the inputs of `plugin list`.
type ListOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)
}

// NewCmdList builds `plugin list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List installed plugins with their state",
		Long: `List the installed plugins: ID, name, version, whether it is enabled, and the state the
server reports for it (running, not running, failed to start…; with several server nodes, each
state with its number of nodes). Enabled plugins come first, then by ID.

In JSON, the server's answer as mmctl prints it: {"active": [...], "inactive": [...]} with the
manifests of the enabled and the disabled plugins.`,
		Example: `  matterctl plugin list
  matterctl plugin list --json | jq -r '.active[].id'`,
		Args: cmdutil.ExactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	return cmd
}

// listed is one row of `plugin list`.
type listed struct {
	Plugin
	State string
}

func listRun(ctx context.Context, opts *ListOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	resp, _, err := c.GetPlugins(ctx)
	if err != nil {
		return pluginsRefusal(err)
	}
	if resp == nil {
		resp = &model.PluginsResponse{}
	}
	if p.Structured() {
		if resp.Active == nil {
			resp.Active = []*model.PluginInfo{}
		}
		if resp.Inactive == nil {
			resp.Inactive = []*model.PluginInfo{}
		}
		return p.Object(resp, nil)
	}
	sts, _, err := c.GetPluginStatuses(ctx)
	if err != nil {
		return pluginsRefusal(err)
	}
	byID := statusesByPlugin(sts)
	var rows []listed
	add := func(infos []*model.PluginInfo, enabled bool) {
		var part []listed
		for _, info := range infos {
			if info == nil {
				continue
			}
			m := info.Manifest
			part = append(part, listed{Plugin: Plugin{Manifest: &m, Enabled: enabled}, State: summaryState(byID[m.Id])})
		}
		sort.Slice(part, func(i, j int) bool { return part[i].Id < part[j].Id })
		rows = append(rows, part...)
	}
	add(resp.Active, true)
	add(resp.Inactive, false)
	list := printer.NewList(p, listColumns...)
	for _, r := range rows {
		if err := list.Add(r); err != nil {
			return list.Fail(err)
		}
	}
	return list.Close()
}

var listColumns = []printer.Column[listed]{
	{Header: "id", Value: func(r listed) string { return r.Id }},
	{Header: "name", Value: func(r listed) string { return r.Name }},
	{Header: "version", Value: func(r listed) string { return r.Version }},
	{Header: "enabled", Value: func(r listed) string { return yesNo(r.Enabled) }},
	{Header: "state", Value: func(r listed) string { return r.State }},
}
