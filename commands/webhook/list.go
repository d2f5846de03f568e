package webhook

import (
	"context"
	"errors"
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

// ListOptions are the inputs of `webhook list`.
type ListOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Teams    []string
	File     string
	Channel  string
	Incoming bool
	Outgoing bool
}

// NewCmdList builds `webhook list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "list [<team>...]",
		ValidArgsFunction: cmdutil.CompleteTeams(f),
		Short:             "List incoming and outgoing webhooks",
		Long: `List the incoming and outgoing webhooks of the given teams (names or IDs, as arguments or
with --file), or of the whole server when none is given. --incoming or --outgoing lists only
that kind; --channel only the webhooks of one channel (with one team argument, a bare channel
name is looked up in that team).

Columns: ID, type (incoming or outgoing), display name, team, channel (empty for an outgoing
webhook that listens on every channel of its team), creator, locked (whether an incoming
webhook may only post to its own channel) and triggers (an outgoing webhook's trigger words,
"(start)" when a message need only start with one). In JSON each webhook is the object the
server returns, incoming and outgoing ones in one array; an empty result is [].

Webhooks are printed as they arrive. The whole server is listed with one request per 200
webhooks of each kind, the two kinds at once (one team: that team's webhooks only; several
teams: the server's, filtered). Tables name teams, channels and creators with a few more
requests: every channel from one listing (200 a request), creators 200 a request.

When the server refuses one kind (its setting is off) and no kind was asked for, the other
kind is listed and a warning names the setting. A user who is not a system admin gets the
webhooks of each of their teams where they may manage webhooks (one listing per team); a
warning names the teams left out.`,
		Example: `  matterctl webhook list
  matterctl webhook list devops --outgoing
  matterctl webhook list --channel devops:alerts --json | jq -r '.[].id'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			teams := args
			if opts.File != "" {
				var err error
				if teams, err = cmdutil.ArgsWithFile(args, opts.File, opts.IO.In, "team"); err != nil {
					return err
				}
			}
			opts.Teams = teams
			opts.Channel = strings.TrimSpace(opts.Channel)
			if cmd.Flags().Changed("channel") && opts.Channel == "" {
				return cmdutil.FlagErrorf("--channel needs a channel")
			}
			if opts.Channel != "" && len(opts.Teams) > 1 {
				return cmdutil.FlagErrorf("--channel takes at most one team argument (the team of a bare channel name)")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.File, "file", "", "Read teams from `FILE`, one per line (- for standard input)")
	fl.StringVar(&opts.Channel, "channel", "", "List only the webhooks of this channel (ID, team:channel or name)")
	fl.BoolVar(&opts.Incoming, "incoming", false, "List incoming webhooks")
	fl.BoolVar(&opts.Outgoing, "outgoing", false, "List outgoing webhooks")
	_ = cmd.RegisterFlagCompletionFunc("channel", cmdutil.CompleteChannels(f))
	return cmd
}

// listScope is where the hooks listed are.
type listScope struct {
	teamID    string          // the one team listed through the team's endpoints
	teams     map[string]bool // several teams: the server's hooks, kept when their team is here
	channel   *model.Channel
	teamIDs   []string // the teams of the scope, for the channel listing of tables
	incoming  bool
	outgoing  bool
	explicit  bool // a kind was asked for: its refusal is an error, not a warning
	teamsByID map[string]*model.Team
}

func (s *listScope) keeps(h *cmdutil.Hook) bool {
	return h != nil && (s.teams == nil || s.teams[h.TeamID()])
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
	scope, err := resolveListScope(ctx, c, opts)
	if err != nil {
		return err
	}
	lab := newLabels(c)
	for _, t := range scope.teamsByID {
		lab.teams.Add(t)
	}
	structured := p.Structured()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if !structured {
		if scope.channel != nil {
			lab.addChannel(scope.channel, nil)
		} else {
			lab.startDirectory(ctx, scope.teamIDs)
		}
	}
	list := printer.NewList(p, lab.columns()...)
	for batch, err := range listHooks(ctx, c, scope, p) {
		if err != nil {
			return list.Fail(err)
		}
		if !structured {
			if err := lab.load(ctx, batch); err != nil {
				return list.Fail(err)
			}
		}
		for _, h := range batch {
			if err := list.Add(h); err != nil {
				return list.Fail(err)
			}
		}
	}
	return list.Close()
}

// resolveListScope resolves the team arguments and --channel.
func resolveListScope(ctx context.Context, c client.Client, opts *ListOptions) (*listScope, error) {
	s := &listScope{incoming: opts.Incoming || !opts.Outgoing, outgoing: opts.Outgoing || !opts.Incoming,
		explicit: opts.Incoming != opts.Outgoing, teamsByID: map[string]*model.Team{}}
	if len(opts.Teams) > 0 && opts.Channel == "" {
		refs, err := cmdutil.Teams(cmdutil.TeamOptions{IncludeArchived: true}).Resolve(ctx, c, opts.Teams)
		if err != nil {
			return nil, err
		}
		if err := cmdutil.RequireResolvedToRead(refs); err != nil {
			return nil, err
		}
		s.teams = map[string]bool{}
		for _, r := range refs {
			if !s.teams[r.Obj.Id] {
				s.teams[r.Obj.Id] = true
				s.teamIDs = append(s.teamIDs, r.Obj.Id)
				s.teamsByID[r.Obj.Id] = r.Obj
			}
		}
		if len(s.teamIDs) == 1 {
			s.teamID, s.teams = s.teamIDs[0], nil
		}
	}
	if opts.Channel != "" {
		var team string
		if len(opts.Teams) == 1 {
			team = opts.Teams[0]
		}
		teams := &cmdutil.ChannelTeams{}
		refs, err := cmdutil.QualifiedChannels(cmdutil.ChannelOptions{Team: team, IncludeArchived: true}, teams).Resolve(ctx, c, []string{opts.Channel})
		if err != nil {
			return nil, err
		}
		if refs[0].Err != nil {
			return nil, refs[0].Err
		}
		s.channel = refs[0].Obj
		s.teamID = s.channel.TeamId
		s.teamIDs = []string{s.teamID}
		if t := teams.Team(s.teamID); t != nil {
			s.teamsByID[t.Id] = t
		}
	}
	return s, nil
}

// listHooks yields the hooks of the scope in batches, as their pages arrive: incoming and
// outgoing ones are read at once, each kind page by page. The first batch holds the first page
// of each kind, so that tables label it with one request per kind of label.
func listHooks(ctx context.Context, c client.Client, s *listScope, p *printer.Printer) func(yield func([]*cmdutil.Hook, error) bool) {
	return func(yield func([]*cmdutil.Hook, error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		type msg struct {
			incoming bool
			hooks    []*cmdutil.Hook
			done     bool
			err      error
		}
		msgs := make(chan msg)
		producers := 0
		send := func(m msg) error {
			select {
			case msgs <- m:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		channelID := ""
		if s.channel != nil {
			channelID = s.channel.Id
		}
		// Teams whose webhooks a caller who is not a system admin may not list are named once,
		// at the end.
		var skipMu sync.Mutex
		skippedTeams := map[string][]string{}
		failed := map[string]bool{} // kinds whose listing failed: their error says enough
		skip := func(kind string) func(*model.Team) {
			return func(t *model.Team) {
				skipMu.Lock()
				defer skipMu.Unlock()
				skippedTeams[kind] = append(skippedTeams[kind], t.Name)
			}
		}
		defer func() {
			skipMu.Lock()
			defer skipMu.Unlock()
			for _, kind := range []string{"incoming", "outgoing"} {
				if names := skippedTeams[kind]; len(names) > 0 && !failed[kind] {
					p.Warnf("left out the %s webhooks of the teams where you may not manage them: %s", kind, cmdutil.NameList(names, 10))
				}
			}
		}()
		if s.incoming {
			producers++
			go func() {
				_, err := cmdutil.ListIncomingHooks(ctx, c, s.teamID, channelID, func(page []*model.IncomingWebhook) error {
					var hooks []*cmdutil.Hook
					for _, h := range page {
						if hk := (&cmdutil.Hook{Incoming: h}); h != nil && s.keeps(hk) {
							hooks = append(hooks, hk)
						}
					}
					return send(msg{incoming: true, hooks: hooks})
				}, skip("incoming"))
				msgs <- msg{incoming: true, done: true, err: cmdutil.IncomingHooksRefused(err)}
			}()
		}
		if s.outgoing {
			producers++
			go func() {
				_, err := cmdutil.ListOutgoingHooks(ctx, c, s.teamID, channelID, func(page []*model.OutgoingWebhook) error {
					var hooks []*cmdutil.Hook
					for _, h := range page {
						if hk := (&cmdutil.Hook{Outgoing: h}); h != nil && s.keeps(hk) {
							hooks = append(hooks, hk)
						}
					}
					return send(msg{hooks: hooks})
				}, skip("outgoing"))
				msgs <- msg{done: true, err: cmdutil.OutgoingHooksRefused(err)}
			}()
		}
		// Stop the producers and wait for them, whatever ends the loop: each sends its "done"
		// whatever happens.
		defer func() {
			cancel()
			for producers > 0 {
				if m := <-msgs; m.done {
					producers--
				}
			}
		}()

		var refused []error
		var pending []*cmdutil.Hook
		heard := map[bool]bool{} // kinds that have sent their first page or ended
		for producers > 0 {
			m := <-msgs
			if m.done {
				producers--
			}
			heard[m.incoming] = true
			if m.err != nil {
				kind := "outgoing"
				if m.incoming {
					kind = "incoming"
				}
				failed[kind] = true
				var se *cmdutil.SettingError
				if errors.As(m.err, &se) && !s.explicit {
					refused = append(refused, m.err)
					if len(refused) == btoi(s.incoming)+btoi(s.outgoing) {
						yield(nil, m.err)
						return
					}
					p.Warnf("%s; the other kind is listed", cmdutil.ErrorMessageLine(m.err))
					continue
				}
				yield(nil, m.err)
				return
			}
			pending = append(pending, m.hooks...)
			if len(heard) < btoi(s.incoming)+btoi(s.outgoing) && producers > 0 {
				continue // the first batch waits for the first page of the other kind
			}
			if len(pending) > 0 {
				batch := slices.Clone(pending)
				pending = pending[:0]
				if !yield(batch, nil) {
					return
				}
			}
		}
		if len(pending) > 0 {
			yield(pending, nil)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
