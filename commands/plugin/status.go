package plugin

import (
	"context"
	"sort"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// StatusOptions are the inputs of `plugin status`.
type StatusOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	IDs  []string
	File string
}

// NewCmdStatus builds `plugin status`.
func NewCmdStatus(f *cmdutil.Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "status [<plugin>...]",
		Short: "Show the state of plugins on each server node",
		Long: `Show the state the server reports for plugins, one row per plugin and server node: ID,
version, node (cluster ID; empty on a single server), state, and the error of a plugin that
failed to start or to stay running. Without arguments, every plugin; with plugin IDs (as
arguments or with --file), only those, and an ID no node reports is an error.

In JSON, the server's plugin status objects (state is a number: 0 not running, 1 starting,
2 running, 3 failed to start, 4 failed to stay running, 5 stopping).`,
		Example: `  matterctl plugin status
  matterctl plugin status hovercardexample
  matterctl plugin status --json | jq -r '.[] | select(.state != 2) | .plugin_id'`,
		ValidArgsFunction: completePlugins(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDs = args
			if opts.File != "" {
				more, err := cmdutil.ReadArgsFile(opts.File, opts.IO.In)
				if err != nil {
					return err
				}
				opts.IDs = append(opts.IDs, more...)
				if len(opts.IDs) == 0 {
					return cmdutil.FlagErrorf("%s lists no plugin ID", opts.File)
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.File, "file", "", "Read plugin IDs from `FILE`, one per line (- for standard input)")
	return cmd
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	sts, _, err := c.GetPluginStatuses(ctx)
	if err != nil {
		return pluginsRefusal(err)
	}
	byID := statusesByPlugin(sts)
	list := printer.NewList(p, statusColumns...)
	if len(opts.IDs) == 0 {
		ids := make([]string, 0, len(byID))
		for id := range byID {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			for _, s := range byID[id] {
				if err := list.Add(s); err != nil {
					return list.Fail(err)
				}
			}
		}
		return list.Close()
	}
	err = cmdutil.RunEach(ctx, p, opts.IDs, 1, func(a string) string { return a },
		func(_ context.Context, id string) ([]*model.PluginStatus, error) {
			mine := byID[strings.ToLower(strings.TrimSpace(id))]
			if len(mine) == 0 {
				return nil, &cmdutil.NotFoundError{Kind: "plugin", Name: id}
			}
			return mine, nil
		},
		func(o cmdutil.Outcome[[]*model.PluginStatus]) error {
			if o.Err != nil {
				return nil
			}
			for _, s := range o.Result {
				if err := list.Add(s); err != nil {
					return err
				}
			}
			return nil
		})
	return cmdutil.EndList(list, err)
}

var statusColumns = []printer.Column[*model.PluginStatus]{
	{Header: "id", Value: func(s *model.PluginStatus) string { return s.PluginId }},
	{Header: "version", Value: func(s *model.PluginStatus) string { return s.Version }},
	{Header: "node", Value: func(s *model.PluginStatus) string { return s.ClusterId }},
	{Header: "state", Value: func(s *model.PluginStatus) string { return stateName(s.State) }},
	{Header: "error", Value: func(s *model.PluginStatus) string { return s.Error }},
}
