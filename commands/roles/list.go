package roles

import (
	"context"
	"sort"
	"strconv"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// ListOptions are the inputs of `roles list`.
type ListOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)
}

var roleColumns = []printer.Column[*model.Role]{
	{Header: "name", Value: func(r *model.Role) string { return r.Name }},
	{Header: "display name", Value: func(r *model.Role) string { return r.DisplayName }},
	{Header: "built-in", Value: func(r *model.Role) string { return strconv.FormatBool(r.BuiltIn) }},
	{Header: "scheme managed", Value: func(r *model.Role) string { return strconv.FormatBool(r.SchemeManaged) }},
}

// NewCmdList builds `roles list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the server's roles",
		Long: `List every role of the server, sorted by name: name, display name, whether it is built
in and whether a permission scheme manages it. The name is the first column, so
` + "`matterctl roles list --format plain | cut -f1`" + ` gives the names alone; --json prints the role
objects, permissions included.`,
		Example: `  matterctl roles list
  matterctl roles list --jq '.[] | select(.built_in) | .name'`,
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

func listRun(ctx context.Context, opts *ListOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	roles, _, err := c.GetAllRoles(ctx)
	if err != nil {
		return err
	}
	sorted := make([]*model.Role, 0, len(roles))
	for _, r := range roles {
		if r != nil {
			sorted = append(sorted, r)
		}
	}
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	list := printer.NewList(p, roleColumns...)
	for _, r := range sorted {
		if err := list.Add(r); err != nil {
			return list.Fail(err)
		}
	}
	return list.Close()
}
