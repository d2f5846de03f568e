package bot

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// ListOptions are the inputs of `bot list`.
type ListOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Orphaned bool
	All      bool
}

// NewCmdList builds `bot list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List bots",
		Long: `List bot accounts.

By default only enabled bots are listed; --all lists disabled bots too, --orphaned only the
enabled bots whose owner's account is deactivated. Columns: username, display name, owner
(username, or the plugin ID for bots a plugin created), state (enabled or disabled, and
orphaned), ID. In JSON each bot is the object the server returns, and an empty result is [].

Every page is fetched, several at a time, and bots are printed as they arrive.`,
		Example: `  matterctl bot list
  matterctl bot list --all --json | jq -r '.[].username'
  matterctl bot list --orphaned`,
		Args: cmdutil.ExactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.MutuallyExclusive(cmd, "orphaned", "all"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Orphaned, "orphaned", false, "List only bots whose owner is deactivated")
	cmd.Flags().BoolVar(&opts.All, "all", false, "List disabled bots too")
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
	get := c.GetBots
	switch {
	case opts.Orphaned:
		get = c.GetBotsOrphaned
	case opts.All:
		get = c.GetBotsIncludeDeleted
	}
	own := newOwners(c)
	structured := p.Structured()
	fetch := func(ctx context.Context, page, perPage int) ([]*model.Bot, error) {
		bots, _, err := get(ctx, page, perPage, "")
		if err != nil {
			return nil, err
		}
		// Owners are looked up per page, and only for the columns that show them.
		if !structured {
			if err := own.load(ctx, bots); err != nil {
				return nil, err
			}
		}
		return bots, nil
	}
	list := printer.NewList(p, own.columns()...)
	for b, err := range client.Pages(ctx, client.PageOptions{}, fetch) {
		if err != nil {
			return list.Fail(err)
		}
		if b == nil {
			continue
		}
		if err := list.Add(b); err != nil {
			return list.Fail(err)
		}
	}
	return list.Close()
}
