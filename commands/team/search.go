package team

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// SearchOptions are the inputs of `team search`.
type SearchOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Terms    []string
	File     string
	Archived bool
	All      bool
}

// searchParallel is how many terms are searched at once.
const searchParallel = 4

// NewCmdSearch builds `team search`.
func NewCmdSearch(f *cmdutil.Factory, runF func(context.Context, *SearchOptions) error) *cobra.Command {
	opts := &SearchOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "search <term>...",
		Short: "Find teams whose name or display name contains a term",
		Long: `Find the teams whose name or display name contains one of the terms (case-insensitive),
given as arguments or with --file.

The teams found are printed once each, sorted by name, as one list with the columns of
"team list" (a JSON array of the server's team objects in JSON formats). As with "team list",
only active teams are shown unless --archived (only archived) or --all (both) is given.

Each term that matches no team is reported on stderr as "<term>: <reason>"; the teams of the
other terms are still printed. Exit status 3 when some terms matched nothing, 5 when none
matched anything (mmctl exits 0).`,
		Example: `  matterctl team search dev
  matterctl team search dev ops --all --json | jq -r '.[].name'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.MutuallyExclusive(cmd, "archived", "all"); err != nil {
				return err
			}
			terms, err := cmdutil.ArgsWithFile(args, opts.File, opts.IO.In, "search term")
			if err != nil {
				return err
			}
			opts.Terms = terms
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return searchRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.File, "file", "", "Read search terms from `FILE`, one per line (- for standard input)")
	cmd.Flags().BoolVar(&opts.Archived, "archived", false, "Show only archived teams")
	cmd.Flags().BoolVar(&opts.All, "all", false, "Show active and archived teams")
	return cmd
}

// searchMatches are the teams one term found: those shown, and the archived ones left out.
type searchMatches struct {
	shown  []*model.Team
	hidden []*model.Team
}

// noMatchError is a term that found no team to show. It is a not-found error (exit 5).
type noMatchError struct {
	term   string
	which  string // "", "active " or "archived "
	hidden int    // archived teams that matched but are not shown
}

func (e *noMatchError) Error() string {
	msg := fmt.Sprintf("no %steam matches %q", e.which, e.term)
	switch {
	case e.hidden == 1:
		msg += " (1 archived team does: use --all)"
	case e.hidden > 1:
		msg += fmt.Sprintf(" (%d archived teams do: use --all)", e.hidden)
	}
	return msg
}

func (e *noMatchError) Unwrap() error {
	return &cmdutil.NotFoundError{Kind: "team matching", Name: e.term}
}

func searchRun(ctx context.Context, opts *SearchOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	which := "active "
	switch {
	case opts.All:
		which = ""
	case opts.Archived:
		which = "archived "
	}
	found := map[string]*model.Team{}
	hidden := map[string]bool{}
	err = cmdutil.RunEach(ctx, p, opts.Terms, searchParallel, func(term string) string { return term },
		func(ctx context.Context, term string) (searchMatches, error) {
			teams, _, err := c.SearchTeams(client.WithIdempotent(ctx), &model.TeamSearch{Term: strings.TrimSpace(term)})
			if err != nil {
				return searchMatches{}, err
			}
			filter := &teamFilter{archived: opts.Archived, all: opts.All}
			var m searchMatches
			for _, t := range teams {
				switch {
				case t == nil:
				case filter.keep(t):
					m.shown = append(m.shown, t)
				case t.DeleteAt != 0 && !opts.Archived:
					m.hidden = append(m.hidden, t)
				}
			}
			if len(m.shown) == 0 {
				return m, &noMatchError{term: term, which: which, hidden: len(m.hidden)}
			}
			return m, nil
		},
		func(o cmdutil.Outcome[searchMatches]) error {
			if o.Err != nil {
				return nil // its line already counts the archived teams it left out
			}
			for _, t := range o.Result.shown {
				found[t.Id] = t
			}
			for _, t := range o.Result.hidden {
				hidden[t.Id] = true
			}
			return nil
		})
	teams := make([]*model.Team, 0, len(found))
	for _, t := range found {
		teams = append(teams, t)
	}
	slices.SortFunc(teams, func(a, b *model.Team) int { return strings.Compare(a.Name, b.Name) })
	list := printer.NewList(p, teamColumns...)
	for _, t := range teams {
		if aerr := list.Add(t); aerr != nil {
			return list.Fail(aerr)
		}
	}
	if err = cmdutil.EndList(list, err); ctx.Err() == nil {
		(&teamFilter{hidden: len(hidden)}).note(p)
	}
	return err
}
