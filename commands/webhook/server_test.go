package webhook

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdtest"
)

// The wh* helpers are shared by the tests of the webhook verbs.

var whAdmin = &model.User{Id: model.NewId(), Username: "admin", Email: "admin@example.com"}

func whOK() *model.Response { return &model.Response{StatusCode: http.StatusOK} }

func whErr(status int, id, msg string) (*model.Response, error) {
	return &model.Response{StatusCode: status}, &client.Error{Status: status, ID: id, Message: msg}
}

// whServer is a fake server holding teams, channels, users and webhooks: it answers the calls
// of the client and keeps the state they change.
type whServer struct {
	mu       sync.Mutex
	teams    []*model.Team
	channels []*model.Channel
	in       []*model.IncomingWebhook
	out      []*model.OutgoingWebhook
	// inOff and outOff refuse every call on that kind, as the server does when its setting is off.
	inOff, outOff bool
	// noSearch refuses the search of every channel (a caller who is not a system admin).
	noSearch bool
	// notAdmin refuses the listings of every hook on the server; forbidden those of some teams.
	notAdmin  bool
	forbidden map[string]bool
}

func whTeam(name string) *model.Team {
	return &model.Team{Id: model.NewId(), Name: name, DisplayName: strings.ToUpper(name), Type: model.TeamOpen}
}

func whChannel(team *model.Team, name string) *model.Channel {
	return &model.Channel{Id: model.NewId(), TeamId: team.Id, Name: name, DisplayName: name, Type: model.ChannelTypeOpen}
}

func whIn(ch *model.Channel, name string, mods ...func(*model.IncomingWebhook)) *model.IncomingWebhook {
	h := &model.IncomingWebhook{Id: model.NewId(), ChannelId: ch.Id, TeamId: ch.TeamId, UserId: whAdmin.Id, DisplayName: name,
		CreateAt: 1700000000000, UpdateAt: 1700000000000}
	for _, m := range mods {
		m(h)
	}
	return h
}

func whOut(team *model.Team, ch *model.Channel, name string, words ...string) *model.OutgoingWebhook {
	h := &model.OutgoingWebhook{Id: model.NewId(), Token: model.NewId(), TeamId: team.Id, CreatorId: whAdmin.Id, DisplayName: name,
		TriggerWords: words, CallbackURLs: []string{"https://example.com/hook"}, CreateAt: 1700000000000, UpdateAt: 1700000000000}
	if ch != nil {
		h.ChannelId = ch.Id
	}
	return h
}

func page[T any](all []T, page, perPage int) []T {
	start := min(page*perPage, len(all))
	return slices.Clone(all[start:min(start+perPage, len(all))])
}

func (s *whServer) team(id string) *model.Team {
	for _, t := range s.teams {
		if t.Id == id {
			return t
		}
	}
	return nil
}

// whServe installs a fake server on fake, with the users given and whAdmin.
func whServe(fake *clienttest.Fake, s *whServer, users ...*model.User) *whServer {
	cmdtest.ServeUsers(fake, append(users, whAdmin)...)
	notFound := func() (*model.Response, error) { return whErr(http.StatusNotFound, "app.not_found", "not found") }
	inOff := func() (*model.Response, error) {
		return whErr(http.StatusNotImplemented, "api.incoming_webhook.disabled.app_error", "Incoming webhooks have been disabled by the system admin.")
	}
	outOff := func() (*model.Response, error) {
		return whErr(http.StatusNotImplemented, "api.outgoing_webhook.disabled.app_error", "Outgoing webhooks have been disabled by the system admin.")
	}

	fake.GetTeamFunc = func(_ context.Context, id, _ string) (*model.Team, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if t := s.team(id); t != nil {
			return t, whOK(), nil
		}
		r, err := notFound()
		return nil, r, err
	}
	fake.GetTeamByNameFunc = func(_ context.Context, name, _ string) (*model.Team, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, t := range s.teams {
			if t.Name == name {
				return t, whOK(), nil
			}
		}
		r, err := notFound()
		return nil, r, err
	}
	fake.GetTeamsForUserFunc = func(_ context.Context, user, _ string) ([]*model.Team, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if user != "me" {
			r, err := notFound()
			return nil, r, err
		}
		return slices.Clone(s.teams), whOK(), nil
	}
	fake.GetChannelFunc = func(_ context.Context, id string) (*model.Channel, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, ch := range s.channels {
			if ch.Id == id {
				return ch, whOK(), nil
			}
		}
		r, err := notFound()
		return nil, r, err
	}
	fake.GetChannelByNameIncludeDeletedFunc = func(_ context.Context, name, teamID, _ string) (*model.Channel, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, ch := range s.channels {
			if ch.Name == name && ch.TeamId == teamID {
				return ch, whOK(), nil
			}
		}
		r, err := notFound()
		return nil, r, err
	}
	fake.SearchAllChannelsPagedFunc = func(_ context.Context, search *model.ChannelSearch) (*model.ChannelsWithCount, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.noSearch {
			r, err := whErr(http.StatusForbidden, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
			return nil, r, err
		}
		var all model.ChannelListWithTeamData
		for _, ch := range s.channels {
			if !strings.HasPrefix(ch.Name, search.Term) || (len(search.TeamIds) > 0 && !slices.Contains(search.TeamIds, ch.TeamId)) {
				continue
			}
			t := s.team(ch.TeamId)
			all = append(all, &model.ChannelWithTeamData{Channel: *ch, TeamName: t.Name, TeamDisplayName: t.DisplayName})
		}
		return &model.ChannelsWithCount{Channels: page(all, *search.Page, *search.PerPage), TotalCount: int64(len(all))}, whOK(), nil
	}

	findIn := func(id string) int {
		return slices.IndexFunc(s.in, func(h *model.IncomingWebhook) bool { return h.Id == id })
	}
	findOut := func(id string) int {
		return slices.IndexFunc(s.out, func(h *model.OutgoingWebhook) bool { return h.Id == id })
	}
	denied := func(team string) bool { return (team == "" && s.notAdmin) || s.forbidden[team] }
	forbidden := func() (*model.Response, error) {
		return whErr(http.StatusForbidden, "api.context.permissions.app_error", "You do not have the appropriate permissions.")
	}
	listIn := func(team string, keep func(*model.IncomingWebhook) bool, p, perPage int) ([]*model.IncomingWebhook, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if denied(team) {
			r, err := forbidden()
			return nil, r, err
		}
		if s.inOff {
			r, err := inOff()
			return nil, r, err
		}
		var all []*model.IncomingWebhook
		for _, h := range s.in {
			if keep(h) {
				c := *h
				all = append(all, &c)
			}
		}
		return page(all, p, perPage), whOK(), nil
	}
	listOut := func(team string, keep func(*model.OutgoingWebhook) bool, p, perPage int) ([]*model.OutgoingWebhook, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if denied(team) {
			r, err := forbidden()
			return nil, r, err
		}
		if s.outOff {
			r, err := outOff()
			return nil, r, err
		}
		var all []*model.OutgoingWebhook
		for _, h := range s.out {
			if keep(h) {
				c := *h
				all = append(all, &c)
			}
		}
		return page(all, p, perPage), whOK(), nil
	}
	fake.GetIncomingWebhooksFunc = func(_ context.Context, p, perPage int, _ string) ([]*model.IncomingWebhook, *model.Response, error) {
		return listIn("", func(*model.IncomingWebhook) bool { return true }, p, perPage)
	}
	fake.GetIncomingWebhooksForTeamFunc = func(_ context.Context, teamID string, p, perPage int, _ string) ([]*model.IncomingWebhook, *model.Response, error) {
		return listIn(teamID, func(h *model.IncomingWebhook) bool { return h.TeamId == teamID }, p, perPage)
	}
	fake.GetOutgoingWebhooksFunc = func(_ context.Context, p, perPage int, _ string) ([]*model.OutgoingWebhook, *model.Response, error) {
		return listOut("", func(*model.OutgoingWebhook) bool { return true }, p, perPage)
	}
	fake.GetOutgoingWebhooksForTeamFunc = func(_ context.Context, teamID string, p, perPage int, _ string) ([]*model.OutgoingWebhook, *model.Response, error) {
		return listOut(teamID, func(h *model.OutgoingWebhook) bool { return h.TeamId == teamID }, p, perPage)
	}
	fake.GetOutgoingWebhooksForChannelFunc = func(_ context.Context, channelID string, p, perPage int, _ string) ([]*model.OutgoingWebhook, *model.Response, error) {
		return listOut("channel", func(h *model.OutgoingWebhook) bool { return h.ChannelId == channelID }, p, perPage)
	}
	fake.GetIncomingWebhookFunc = func(_ context.Context, id, _ string) (*model.IncomingWebhook, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.inOff {
			r, err := inOff()
			return nil, r, err
		}
		if i := findIn(id); i >= 0 {
			c := *s.in[i]
			return &c, whOK(), nil
		}
		r, err := notFound()
		return nil, r, err
	}
	fake.GetOutgoingWebhookFunc = func(_ context.Context, id string) (*model.OutgoingWebhook, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.outOff {
			r, err := outOff()
			return nil, r, err
		}
		if i := findOut(id); i >= 0 {
			c := *s.out[i]
			return &c, whOK(), nil
		}
		r, err := notFound()
		return nil, r, err
	}
	fake.CreateIncomingWebhookFunc = func(_ context.Context, h *model.IncomingWebhook) (*model.IncomingWebhook, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.inOff {
			r, err := inOff()
			return nil, r, err
		}
		c := *h
		c.Id, c.CreateAt, c.UpdateAt = model.NewId(), 1700000000000, 1700000000000
		if c.UserId == "" {
			c.UserId = whAdmin.Id
		}
		s.in = append(s.in, &c)
		cc := c
		return &cc, whOK(), nil
	}
	fake.CreateOutgoingWebhookFunc = func(_ context.Context, h *model.OutgoingWebhook) (*model.OutgoingWebhook, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.outOff {
			r, err := outOff()
			return nil, r, err
		}
		c := *h
		c.Id, c.Token, c.CreateAt, c.UpdateAt = model.NewId(), model.NewId(), 1700000000000, 1700000000000
		if c.CreatorId == "" {
			c.CreatorId = whAdmin.Id
		}
		s.out = append(s.out, &c)
		cc := c
		return &cc, whOK(), nil
	}
	fake.UpdateIncomingWebhookFunc = func(_ context.Context, h *model.IncomingWebhook) (*model.IncomingWebhook, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.inOff {
			r, err := inOff()
			return nil, r, err
		}
		i := findIn(h.Id)
		if i < 0 {
			r, err := notFound()
			return nil, r, err
		}
		c := *h
		c.UpdateAt++
		s.in[i] = &c
		cc := c
		return &cc, whOK(), nil
	}
	fake.UpdateOutgoingWebhookFunc = func(_ context.Context, h *model.OutgoingWebhook) (*model.OutgoingWebhook, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.outOff {
			r, err := outOff()
			return nil, r, err
		}
		i := findOut(h.Id)
		if i < 0 {
			r, err := notFound()
			return nil, r, err
		}
		c := *h
		c.UpdateAt++
		s.out[i] = &c
		cc := c
		return &cc, whOK(), nil
	}
	fake.DeleteIncomingWebhookFunc = func(_ context.Context, id string) (*model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.inOff {
			return inOff()
		}
		i := findIn(id)
		if i < 0 {
			return notFound()
		}
		s.in = slices.Delete(s.in, i, i+1)
		return whOK(), nil
	}
	fake.DeleteOutgoingWebhookFunc = func(_ context.Context, id string) (*model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.outOff {
			return outOff()
		}
		i := findOut(id)
		if i < 0 {
			return notFound()
		}
		s.out = slices.Delete(s.out, i, i+1)
		return whOK(), nil
	}
	return s
}

// incoming returns a copy of the incoming hook with the given ID, or nil.
func (s *whServer) incoming(id string) *model.IncomingWebhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.in {
		if h.Id == id {
			c := *h
			return &c
		}
	}
	return nil
}

// outgoing returns a copy of the outgoing hook with the given ID, or nil.
func (s *whServer) outgoing(id string) *model.OutgoingWebhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, h := range s.out {
		if h.Id == id {
			c := *h
			return &c
		}
	}
	return nil
}

// whWorld is a small server: team devops (channels general, alerts, private secret) and team
// ops (channel general), with a few hooks.
type whWorld struct {
	s                       *whServer
	devops, ops             *model.Team
	general, alerts, secret *model.Channel
	opsGeneral              *model.Channel
	deploy, ci              *model.IncomingWebhook
	build, all              *model.OutgoingWebhook
	bob                     *model.User
}

func newWorld(fake *clienttest.Fake) *whWorld {
	w := &whWorld{devops: whTeam("devops"), ops: whTeam("ops"), bob: &model.User{Id: model.NewId(), Username: "bob", Email: "bob@example.com"}}
	w.general, w.alerts = whChannel(w.devops, "general"), whChannel(w.devops, "alerts")
	w.secret = whChannel(w.devops, "secret")
	w.secret.Type = model.ChannelTypePrivate
	w.opsGeneral = whChannel(w.ops, "general")
	w.deploy = whIn(w.alerts, "Deploy Notifications", func(h *model.IncomingWebhook) { h.ChannelLocked = true })
	w.ci = whIn(w.opsGeneral, "CI", func(h *model.IncomingWebhook) { h.UserId = w.bob.Id })
	w.build = whOut(w.devops, w.alerts, "Build bot", "build", "ship")
	w.all = whOut(w.ops, nil, "Everything", "go")
	w.all.TriggerWhen = triggerStart
	w.s = whServe(fake, &whServer{
		teams:    []*model.Team{w.devops, w.ops},
		channels: []*model.Channel{w.general, w.alerts, w.secret, w.opsGeneral},
		in:       []*model.IncomingWebhook{w.deploy, w.ci},
		out:      []*model.OutgoingWebhook{w.build, w.all},
	}, w.bob)
	return w
}

// whLines splits stdout into lines.
func whLines(out string) []string {
	out = strings.TrimSuffix(out, "\n")
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// whCount counts the lines of out that equal line.
func whCount(out, line string) int {
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if l == line {
			n++
		}
	}
	return n
}

func whRow(cols ...string) string { return strings.Join(cols, "\t") }

var _ = fmt.Sprintf
