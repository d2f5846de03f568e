package channel

import (
	"context"
	"iter"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// ListOptions are the inputs of `channel list`.
type ListOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Teams    []string
	File     string
	Public   bool
	Private  bool
	Archived bool
}

// NewCmdList builds `channel list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "list [<team>...]",
		ValidArgsFunction: cmdutil.CompleteTeams(f),
		Short:             "List the channels of teams",
		Long: `List the public and private channels of the given teams (names or IDs, as arguments or with
--file), or of every team when none is given. Direct and group messages are not listed. With
no team given, the channels of archived teams are left out and a note on stderr counts them:
name an archived team to list its channels.

Each channel is one of: public, private or archived (an archived channel is only "archived",
whatever its type). --public, --private and --archived show only those; given together they
add up. Without any of them every channel is shown.

Channels are printed as they arrive, page by page, so that even very large servers list in flat
memory. In JSON each channel is the server's channel object with its team's name (team_name,
team_display_name), as GET /api/v4/channels returns it; an empty result is [].

A system admin sees every channel, archived private ones included. Other users see the public
and archived channels of their teams and the private channels they are a member of; a note on
stderr says so.`,
		Example: `  matterctl channel list
  matterctl channel list devops --private
  matterctl channel list devops ops --archived --json | jq -r '.[].name'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			teams := args
			if opts.File != "" {
				var err error
				if teams, err = cmdutil.ArgsWithFile(args, opts.File, opts.IO.In, "team"); err != nil {
					return err
				}
			}
			opts.Teams = teams
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.File, "file", "", "Read teams from `FILE`, one per line (- for standard input)")
	cmd.Flags().BoolVar(&opts.Public, "public", false, "Show public channels that are not archived")
	cmd.Flags().BoolVar(&opts.Private, "private", false, "Show private channels that are not archived")
	cmd.Flags().BoolVar(&opts.Archived, "archived", false, "Show archived channels")
	return cmd
}

// listFilter says which channels are shown.
type listFilter struct{ public, private, archived bool }

func (f listFilter) shows(ch *model.Channel) bool {
	switch {
	case ch.IsGroupOrDirect():
		return false
	case ch.DeleteAt != 0:
		return f.archived
	case ch.Type == model.ChannelTypePrivate:
		return f.private
	}
	return f.public
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
	filter := listFilter{public: opts.Public, private: opts.Private, archived: opts.Archived}
	if filter == (listFilter{}) {
		filter = listFilter{true, true, true}
	}
	var teams []*model.Team
	if len(opts.Teams) > 0 {
		refs, err := cmdutil.Teams(cmdutil.TeamOptions{IncludeArchived: true}).Resolve(ctx, c, opts.Teams)
		if err != nil {
			return err
		}
		if err := cmdutil.RequireResolvedToRead(refs); err != nil {
			return err
		}
		for _, r := range refs {
			if !slices.ContainsFunc(teams, func(t *model.Team) bool { return t.Id == r.Obj.Id }) {
				teams = append(teams, r.Obj)
			}
		}
	}

	// Without team arguments the channels of archived teams are left out, as `team list` leaves
	// out the teams: naming the team lists them. The archived teams are looked up while the
	// first page of channels is on its way.
	var archivedTeams func() (map[string]bool, error)
	if len(teams) == 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		archivedTeams = lookupArchivedTeams(ctx, c)
	}
	hidden := 0
	list := printer.NewList(p, channelColumns...)
	for ch, err := range listChannels(ctx, c, p, teams, filter) {
		if err != nil {
			return list.Fail(err)
		}
		if !filter.shows(&ch.Channel) {
			continue
		}
		if archivedTeams != nil {
			archived, err := archivedTeams()
			if err != nil {
				return list.Fail(err)
			}
			if archived[ch.TeamId] {
				hidden++
				continue
			}
		}
		if err := list.Add(ch); err != nil {
			return list.Fail(err)
		}
	}
	if err := list.Close(); err != nil {
		return err
	}
	switch {
	case hidden == 1:
		p.Infof("1 channel of an archived team not shown: name the team to list it")
	case hidden > 1:
		p.Infof("%d channels of archived teams not shown: name the teams to list them", hidden)
	}
	return nil
}

// lookupArchivedTeams starts listing the teams and returns a function that waits for the IDs of
// the archived ones. A caller who may not list every team sees only active teams, whose
// channels are all shown.
func lookupArchivedTeams(ctx context.Context, c client.Client) func() (map[string]bool, error) {
	type result struct {
		ids map[string]bool
		err error
	}
	done := make(chan result, 1)
	go func() {
		ctx := client.WithIdempotent(ctx)
		ids := map[string]bool{}
		fetch := func(ctx context.Context, page, perPage int) ([]*model.Team, error) {
			teams, _, err := c.GetAllTeams(ctx, "", page, perPage)
			return teams, err
		}
		for t, err := range client.Pages(ctx, client.PageOptions{PerPage: client.MaxPerPage}, fetch) {
			if unavailable(err) {
				break // a caller who may not list the teams: no team is known to be archived
			}
			if err != nil {
				done <- result{err: err}
				return
			}
			if t != nil && t.DeleteAt != 0 {
				ids[t.Id] = true
			}
		}
		done <- result{ids: ids}
	}()
	var once sync.Once
	var res result
	return func() (map[string]bool, error) {
		once.Do(func() { res = <-done })
		return res.ids, res.err
	}
}

// listChannels streams the channels of teams (every team when teams is empty), with their team
// data. It asks the system-wide endpoints first: one paged listing of every channel, or one per
// team. When the caller may not use them, it lists what the caller can see instead, team by
// team.
func listChannels(ctx context.Context, c client.Client, p *printer.Printer, teams []*model.Team, filter listFilter) iter.Seq2[*model.ChannelWithTeamData, error] {
	return func(yield func(*model.ChannelWithTeamData, error) bool) {
		started := false
		for ch, err := range listAllChannels(ctx, c, teams) {
			if err != nil {
				if !started && unavailable(err) {
					// No permission to list every channel, or no such endpoint (local mode):
					// list team by team.
					for ch, err := range listVisibleChannels(ctx, c, p, teams, filter) {
						if !yield(ch, err) || err != nil {
							return
						}
					}
					return
				}
				yield(nil, err)
				return
			}
			started = true
			if !yield(ch, nil) {
				return
			}
		}
	}
}

// listRepeats drops the channels a listing repeats. Pages are cut from a list sorted by display
// name only, so that channels with the same display name may come in another order from one
// page to the next: one can be listed twice (and another not at all, which no client can
// detect). A repeat therefore has the display name of the channels just before it, and only
// their IDs are kept: memory stays flat however long the list.
type listRepeats struct {
	displayName string
	ids         map[string]bool
}

func (r *listRepeats) repeated(ch *model.ChannelWithTeamData) bool {
	if r.ids == nil || ch.DisplayName != r.displayName {
		r.displayName, r.ids = ch.DisplayName, map[string]bool{}
	}
	if r.ids[ch.Id] {
		return true
	}
	r.ids[ch.Id] = true
	return false
}

// listAllChannels pages through GET /channels (every team) or POST /channels/search for each
// team in turn: both need the system console's channel permission and include the private and
// archived channels the caller is not a member of.
func listAllChannels(ctx context.Context, c client.Client, teams []*model.Team) iter.Seq2[*model.ChannelWithTeamData, error] {
	ctx = client.WithIdempotent(ctx)
	pageOpts := client.PageOptions{PerPage: client.MaxPerPage}
	everyTeam := func(ctx context.Context, page, perPage int) ([]*model.ChannelWithTeamData, error) {
		chans, _, err := c.GetAllChannelsIncludeDeleted(ctx, page, perPage, "")
		return chans, err
	}
	oneTeam := func(team *model.Team) client.PageFunc[*model.ChannelWithTeamData] {
		return func(ctx context.Context, page, perPage int) ([]*model.ChannelWithTeamData, error) {
			res, _, err := c.SearchAllChannelsPaged(ctx, &model.ChannelSearch{
				TeamIds: []string{team.Id}, IncludeDeleted: true, Page: &page, PerPage: &perPage,
			})
			if err != nil || res == nil {
				return nil, err
			}
			return res.Channels, nil
		}
	}
	var listings []client.PageFunc[*model.ChannelWithTeamData]
	if len(teams) == 0 {
		listings = append(listings, everyTeam)
	}
	for _, team := range teams {
		listings = append(listings, oneTeam(team))
	}
	return func(yield func(*model.ChannelWithTeamData, error) bool) {
		for _, fetch := range listings {
			var repeats listRepeats
			for ch, err := range client.Pages(ctx, pageOpts, fetch) {
				if err == nil && repeats.repeated(ch) {
					continue
				}
				if !yield(ch, err) || err != nil {
					return
				}
			}
		}
	}
}

// listVisibleChannels lists, team by team, what a caller without the system-wide permission
// can see: public channels, archived channels (private ones only where a member), and private
// channels: all of them for a system admin (and in local mode), else the caller's own. Without
// teams it lists the caller's teams (every team in local mode).
func listVisibleChannels(ctx context.Context, c client.Client, p *printer.Printer, teams []*model.Team, filter listFilter) iter.Seq2[*model.ChannelWithTeamData, error] {
	ctx = client.WithIdempotent(ctx)
	pageOpts := client.PageOptions{PerPage: client.MaxPerPage}
	noted := false
	// private lists the private channels of a team, archived ones too where the caller's own.
	private := func(team *model.Team) iter.Seq2[*model.Channel, error] {
		return func(yield func(*model.Channel, error) bool) {
			started, forbidden := false, false
			for ch, err := range client.Pages(ctx, pageOpts, func(ctx context.Context, page, perPage int) ([]*model.Channel, error) {
				chans, _, err := c.GetPrivateChannelsForTeam(ctx, team.Id, page, perPage, "")
				return chans, err
			}) {
				if err != nil && !started && client.StatusOf(err) == http.StatusForbidden {
					forbidden = true
					break
				}
				started = true
				if !yield(ch, err) || err != nil {
					return
				}
			}
			if !forbidden {
				return
			}
			if !noted {
				noted = true
				p.Infof("listing the channels you can see: private channels you are not a member of need a system admin")
			}
			mine, _, err := c.GetChannelsForTeamForUser(ctx, team.Id, "me", true, "")
			if err != nil {
				yield(nil, err)
				return
			}
			for _, ch := range mine {
				if ch.Type == model.ChannelTypePrivate && !yield(ch, nil) {
					return
				}
			}
		}
	}
	return func(yield func(*model.ChannelWithTeamData, error) bool) {
		if len(teams) == 0 {
			mine, err := callerTeams(ctx, c)
			if err != nil {
				yield(nil, err)
				return
			}
			teams = slices.SortedFunc(slices.Values(mine), func(a, b *model.Team) int { return strings.Compare(a.Name, b.Name) })
		}
		for _, team := range teams {
			var sources []iter.Seq2[*model.Channel, error]
			if filter.public {
				sources = append(sources, client.Pages(ctx, pageOpts, func(ctx context.Context, page, perPage int) ([]*model.Channel, error) {
					chans, _, err := c.GetPublicChannelsForTeam(ctx, team.Id, page, perPage, "")
					return chans, err
				}))
			}
			if filter.archived {
				sources = append(sources, client.Pages(ctx, pageOpts, func(ctx context.Context, page, perPage int) ([]*model.Channel, error) {
					chans, _, err := c.GetDeletedChannelsForTeam(ctx, team.Id, page, perPage, "")
					return chans, err
				}))
			}
			if filter.private || filter.archived {
				sources = append(sources, private(team))
			}
			// The sources overlap (archived private channels can come from two of them): a
			// team's channels are few enough to remember.
			seen := map[string]bool{}
			for _, source := range sources {
				for ch, err := range source {
					if err != nil {
						yield(nil, err)
						return
					}
					if seen[ch.Id] {
						continue
					}
					seen[ch.Id] = true
					wt := &model.ChannelWithTeamData{Channel: *ch, TeamName: team.Name, TeamDisplayName: team.DisplayName, TeamUpdateAt: team.UpdateAt}
					if !yield(wt, nil) {
						return
					}
				}
			}
		}
	}
}
