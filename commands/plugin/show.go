package plugin

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// ShowOptions are the inputs of `plugin show`.
type ShowOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	ID string
}

// NewCmdShow builds `plugin show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "show <plugin>",
		Short: "Show a plugin's manifest and state",
		Long: `Show one installed plugin, given by ID: its manifest's main fields, whether it is enabled,
and the state each server node reports for it, with the error of a plugin that failed.

In JSON, the manifest as the server returns it, with "enabled" and "statuses" (the server's
plugin status objects, one per node) added.`,
		Example: `  matterctl plugin show hovercardexample
  matterctl plugin show hovercardexample --json | jq '.statuses[].state'`,
		Args:              cmdutil.ExactArgs(1, "one plugin ID"),
		ValidArgsFunction: cmdutil.CompleteFirst(completePlugins(f)),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	refs, err := resolvePlugins(ctx, c, []string{opts.ID})
	if err != nil {
		return err
	}
	if refs[0].Err != nil {
		return refs[0].Err
	}
	pl := refs[0].Obj
	sts, _, err := c.GetPluginStatuses(ctx)
	if err != nil {
		return pluginsRefusal(err)
	}
	mine := statusesByPlugin(sts)[pl.Id]
	if mine == nil {
		mine = []*model.PluginStatus{}
	}
	doc, err := showDocument(pl, mine)
	if err != nil {
		return err
	}
	return p.Object(doc, showFields(pl, mine))
}

// showDocument is the JSON of `plugin show`: the manifest's fields, "enabled" and "statuses".
func showDocument(pl *Plugin, sts []*model.PluginStatus) (map[string]any, error) {
	b, err := json.Marshal(pl.Manifest)
	if err != nil {
		return nil, err
	}
	doc := map[string]any{}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	doc["enabled"] = pl.Enabled
	doc["statuses"] = sts
	return doc, nil
}

func showFields(pl *Plugin, sts []*model.PluginStatus) []printer.Field {
	m := pl.Manifest
	fields := []printer.Field{
		{Name: "id", Value: m.Id},
		{Name: "name", Value: m.Name},
		{Name: "version", Value: m.Version},
		{Name: "enabled", Value: yesNo(pl.Enabled)},
		{Name: "state", Value: summaryState(sts)},
		{Name: "description", Value: m.Description},
		{Name: "min server version", Value: m.MinServerVersion},
		{Name: "server part", Value: yesNo(m.HasServer())},
		{Name: "webapp part", Value: yesNo(m.HasWebapp())},
		{Name: "homepage", Value: m.HomepageURL},
	}
	var errs []string
	for _, s := range sts {
		if s.Error != "" {
			errs = append(errs, strings.Join(strings.Fields(s.Error), " "))
		}
	}
	if len(errs) > 0 {
		fields = append(fields, printer.Field{Name: "error", Value: strings.Join(errs, "; ")})
	}
	return fields
}
