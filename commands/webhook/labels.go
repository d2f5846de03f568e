package webhook

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/printer"
)

// directoryMaxPages bounds the listing of channels that labels reads up front (in pages of
// 200): on a server with more channels, only the first page is read, and the hooks' other
// channels are looked up one by one.
const directoryMaxPages = 10

// directoryParallel is how many pages of that listing are read at once.
const directoryParallel = 4

// usersPerRequest is the most user IDs sent in one POST /users/ids.
const usersPerRequest = 200

// labels names what hooks refer to by ID (team, channel, creator) for tables, with as few
// requests as it can: every channel with its team from a listing of the server's channels (one
// request per 200 channels, made once), the creators of a batch of hooks in one request, and
// what is still unknown one lookup each (cached). Safe for concurrent use.
type labels struct {
	c     client.Client
	teams cmdutil.ChannelTeams
	// serverURL, when known, gives the URL of incoming hooks (serverURL/hooks/<id>).
	serverURL string

	mu       sync.Mutex
	users    map[string]string         // user ID → username, or the ID itself
	channels map[string]*model.Channel // by ID; nil when the lookup failed

	dirOnce sync.Once
	dirDone chan struct{}
}

func newLabels(c client.Client) *labels {
	return &labels{c: c, users: map[string]string{}, channels: map[string]*model.Channel{}, dirDone: make(chan struct{})}
}

// addChannel records a channel already known, with its team when given.
func (l *labels) addChannel(ch *model.Channel, team *model.Team) {
	if ch == nil {
		return
	}
	l.mu.Lock()
	l.channels[ch.Id] = ch
	l.mu.Unlock()
	if team != nil {
		l.teams.Add(team)
	}
}

// startDirectory reads, in the background, the channels of the teams given (every team when
// none) with their team names: the server's channel search, which tells how many there are
// in its first page. Callers that may not search every channel get nothing from it; their
// hooks' channels are then looked up one by one. It ends when ctx ends.
func (l *labels) startDirectory(ctx context.Context, teamIDs []string) {
	l.dirOnce.Do(func() {
		go func() {
			defer close(l.dirDone)
			l.readDirectory(ctx, teamIDs)
		}()
	})
}

func (l *labels) readDirectory(ctx context.Context, teamIDs []string) {
	search := func(page int) (*model.ChannelsWithCount, error) {
		perPage := client.MaxPerPage
		res, _, err := l.c.SearchAllChannelsPaged(client.WithIdempotent(ctx), &model.ChannelSearch{
			Term: "", IncludeDeleted: true, TeamIds: teamIDs, Page: &page, PerPage: &perPage,
		})
		if err == nil && res == nil {
			res = &model.ChannelsWithCount{}
		}
		return res, err
	}
	add := func(res *model.ChannelsWithCount) {
		for _, c := range res.Channels {
			ch := c.Channel
			l.addChannel(&ch, &model.Team{Id: c.TeamId, Name: c.TeamName, DisplayName: c.TeamDisplayName, UpdateAt: c.TeamUpdateAt})
		}
	}
	first, err := search(0)
	if err != nil {
		return
	}
	add(first)
	pages := int((first.TotalCount + client.MaxPerPage - 1) / client.MaxPerPage)
	if len(first.Channels) < client.MaxPerPage || pages > directoryMaxPages {
		return
	}
	// The count is known: exactly the remaining pages, a few at once.
	results := make([]*model.ChannelsWithCount, pages)
	var wg sync.WaitGroup
	sem := make(chan struct{}, directoryParallel)
	for page := 1; page < pages; page++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if res, err := search(page); err == nil {
				results[page] = res
			}
		}()
	}
	wg.Wait()
	for _, res := range results[1:] {
		if res != nil {
			add(res)
		}
	}
}

// load looks up what the hooks refer to and is not known yet: their creators in one request
// per 200, after the channel listing (when one was started) the remaining channels and teams
// one lookup each. A failed lookup leaves the ID shown as it is; only cancellation is an error.
func (l *labels) load(ctx context.Context, hooks []*cmdutil.Hook) error {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		l.loadUsers(ctx, hooks)
	}()
	l.dirOnce.Do(func() { close(l.dirDone) })
	select {
	case <-l.dirDone:
	case <-ctx.Done():
	}
	l.loadChannels(ctx, hooks)
	wg.Wait()
	return ctx.Err()
}

func (l *labels) loadUsers(ctx context.Context, hooks []*cmdutil.Hook) {
	l.mu.Lock()
	var ids []string
	seen := map[string]bool{}
	for _, h := range hooks {
		id := h.CreatorID()
		if _, known := l.users[id]; id != "" && !known && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	l.mu.Unlock()
	for start := 0; start < len(ids); start += usersPerRequest {
		batch := ids[start:min(start+usersPerRequest, len(ids))]
		users, _, err := l.c.GetUsersByIds(client.WithIdempotent(ctx), batch)
		l.mu.Lock()
		for _, id := range batch {
			l.users[id] = id
		}
		if err == nil {
			for _, u := range users {
				if u != nil {
					l.users[u.Id] = u.Username
				}
			}
		}
		l.mu.Unlock()
	}
}

func (l *labels) loadChannels(ctx context.Context, hooks []*cmdutil.Hook) {
	l.mu.Lock()
	var ids []string
	for _, h := range hooks {
		if id := h.ChannelID(); id != "" {
			if _, known := l.channels[id]; !known {
				ids = append(ids, id)
				l.channels[id] = nil
			}
		}
	}
	l.mu.Unlock()
	refs, _ := cmdutil.ResolveEach(ctx, ids, func(ctx context.Context, id string) (*model.Channel, error) {
		ch, _, err := l.c.GetChannel(client.WithIdempotent(ctx), id)
		return ch, err
	})
	l.mu.Lock()
	for _, r := range refs {
		if r.Err == nil && r.Obj != nil {
			l.channels[r.Obj.Id] = r.Obj
		}
	}
	l.mu.Unlock()
	// The teams of every hook, those of team-wide outgoing hooks included.
	var teamIDs []string
	seen := map[string]bool{}
	for _, h := range hooks {
		if id := h.TeamID(); id != "" && !seen[id] && l.teams.Team(id) == nil {
			seen[id] = true
			teamIDs = append(teamIDs, id)
		}
	}
	_, _ = cmdutil.ResolveEach(ctx, teamIDs, func(ctx context.Context, id string) (*model.Team, error) {
		return l.teams.Get(ctx, l.c, id)
	})
}

func (l *labels) user(id string) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n, ok := l.users[id]; ok {
		return n
	}
	return id
}

func (l *labels) team(h *cmdutil.Hook) string {
	if t := l.teams.Team(h.TeamID()); t != nil {
		return t.Name
	}
	return h.TeamID()
}

// channel is the name of the hook's channel, or its ID when it is not known; "" for an
// outgoing hook of a whole team.
func (l *labels) channel(h *cmdutil.Hook) string {
	id := h.ChannelID()
	if id == "" {
		return ""
	}
	l.mu.Lock()
	ch := l.channels[id]
	l.mu.Unlock()
	if ch == nil {
		return id
	}
	return ch.Name
}

// columns are the table and plain columns of every listing of hooks.
func (l *labels) columns() []printer.Column[*cmdutil.Hook] {
	return []printer.Column[*cmdutil.Hook]{
		{Header: "id", Value: (*cmdutil.Hook).ID},
		{Header: "type", Value: (*cmdutil.Hook).Type},
		{Header: "display name", Value: (*cmdutil.Hook).DisplayName},
		{Header: "team", Value: l.team},
		{Header: "channel", Value: l.channel},
		{Header: "creator", Value: func(h *cmdutil.Hook) string { return l.user(h.CreatorID()) }},
		{Header: "locked", Value: locked},
		{Header: "triggers", Value: triggers},
	}
}

// locked says whether an incoming hook may post only to its own channel; "" for outgoing hooks.
func locked(h *cmdutil.Hook) string {
	switch {
	case h.Incoming == nil:
		return ""
	case h.Incoming.ChannelLocked:
		return "yes"
	}
	return "no"
}

// triggers are an outgoing hook's trigger words, with "(start)" when a message need only start
// with one; "" for incoming hooks.
func triggers(h *cmdutil.Hook) string {
	if h.Outgoing == nil {
		return ""
	}
	s := strings.Join(h.Outgoing.TriggerWords, ",")
	if h.Outgoing.TriggerWhen == triggerStart && s != "" {
		s += " (start)"
	}
	return s
}

// fields are the fields of one hook, shown as a key/value table on a terminal.
func (l *labels) fields(h *cmdutil.Hook) []printer.Field {
	if h == nil {
		return nil
	}
	f := []printer.Field{
		{Name: "id", Value: h.ID()},
		{Name: "type", Value: h.Type()},
		{Name: "display name", Value: h.DisplayName()},
	}
	if in := h.Incoming; in != nil {
		if l.serverURL != "" {
			f = append(f, printer.Field{Name: "url", Value: l.serverURL + "/hooks/" + in.Id})
		}
		return append(f,
			printer.Field{Name: "description", Value: in.Description},
			printer.Field{Name: "team", Value: l.team(h)},
			printer.Field{Name: "channel", Value: l.channel(h)},
			printer.Field{Name: "creator", Value: l.user(h.CreatorID())},
			printer.Field{Name: "locked to channel", Value: locked(h)},
			printer.Field{Name: "username", Value: in.Username},
			printer.Field{Name: "icon url", Value: in.IconURL},
			printer.Field{Name: "created", Value: millisTime(in.CreateAt)},
			printer.Field{Name: "updated", Value: millisTime(in.UpdateAt)},
		)
	}
	out := h.Outgoing
	return append(f,
		printer.Field{Name: "description", Value: out.Description},
		printer.Field{Name: "team", Value: l.team(h)},
		printer.Field{Name: "channel", Value: l.channel(h)},
		printer.Field{Name: "creator", Value: l.user(h.CreatorID())},
		printer.Field{Name: "trigger words", Value: strings.Join(out.TriggerWords, ", ")},
		printer.Field{Name: "trigger when", Value: triggerWhenName(out.TriggerWhen)},
		printer.Field{Name: "callback urls", Value: strings.Join(out.CallbackURLs, ", ")},
		printer.Field{Name: "content type", Value: out.ContentType},
		printer.Field{Name: "token", Value: out.Token},
		printer.Field{Name: "username", Value: out.Username},
		printer.Field{Name: "icon url", Value: out.IconURL},
		printer.Field{Name: "created", Value: millisTime(out.CreateAt)},
		printer.Field{Name: "updated", Value: millisTime(out.UpdateAt)},
	)
}

// The trigger modes of outgoing hooks, as the server stores them.
const (
	triggerExact = 0
	triggerStart = 1
)

func triggerWhenName(w int) string {
	if w == triggerStart {
		return "start"
	}
	return "exact"
}

// millisTime renders a Mattermost millisecond timestamp in UTC; zero is empty.
func millisTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

// serverURL is the URL of the server the profile in use reaches, or "" when there is none to
// show (local mode, no credentials).
func serverURL(f *cmdutil.Factory) func() string {
	return func() string {
		creds, err := f.Credentials()
		if err != nil || creds == nil || creds.SocketPath != "" {
			return ""
		}
		return creds.URL
	}
}
