package team

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// ListOptions are the inputs of `team list`.
type ListOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Archived bool
	All      bool
}

// NewCmdList builds `team list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List teams",
		Long: `List the teams the account may see: every team for a system admin.

By default only active teams are listed, and a note on stderr counts the archived teams left
out; --archived lists only archived teams, --all both (mmctl lists both, marking the archived
ones: use --all for the same set). Columns: name, display name, type (public: anyone on the
server may join; private: by invitation only), archived, ID. In JSON each team is the object the
server returns, and an empty result is [].

Every page is fetched, several at a time, and teams are printed as they arrive.`,
		Example: `  matterctl team list
  matterctl team list --all --json | jq -r '.[].name'
  matterctl team list --archived`,
		Args: cmdutil.ExactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.MutuallyExclusive(cmd, "archived", "all"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Archived, "archived", false, "List only archived teams")
	cmd.Flags().BoolVar(&opts.All, "all", false, "List active and archived teams")
	return cmd
}

// teamFilter says which teams a list shows and counts the archived ones it leaves out.
type teamFilter struct {
	archived, all bool
	hidden        int
}

func (f *teamFilter) keep(t *model.Team) bool {
	switch {
	case f.all:
		return true
	case f.archived:
		return t.DeleteAt != 0
	case t.DeleteAt != 0:
		f.hidden++
		return false
	}
	return true
}

// note reports the archived teams left out, if any.
func (f *teamFilter) note(p *printer.Printer) {
	switch {
	case f.hidden == 1:
		p.Infof("1 archived team not shown: use --all or --archived")
	case f.hidden > 1:
		p.Infof("%d archived teams not shown: use --all or --archived", f.hidden)
	}
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
	fetch := func(ctx context.Context, page, perPage int) ([]*model.Team, error) {
		teams, _, err := c.GetAllTeams(ctx, "", page, perPage)
		return teams, err
	}
	filter := &teamFilter{archived: opts.Archived, all: opts.All}
	list := printer.NewList(p, teamColumns...)
	// The server has no filter on archived teams: they are left out here, page by page. A list
	// cut short must not pass for the whole: it ends with Fail on an error.
	for t, err := range client.Pages(ctx, client.PageOptions{}, fetch) {
		if err != nil {
			return list.Fail(err)
		}
		if t == nil || !filter.keep(t) {
			continue
		}
		if err := list.Add(t); err != nil {
			return list.Fail(err)
		}
	}
	if err := list.Close(); err != nil {
		return err
	}
	filter.note(p)
	return nil
}
