package bot

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdtest"
)

// The bt* helpers are shared by the tests of the bot verbs.

var btAdmin = &model.User{Id: model.NewId(), Username: "admin", Email: "admin@example.com"}

// btBot builds an enabled bot owned by btAdmin, with a fresh ID.
func btBot(name string, mods ...func(*model.Bot)) *model.Bot {
	b := &model.Bot{UserId: model.NewId(), Username: name, DisplayName: "Bot " + name, OwnerId: btAdmin.Id,
		CreateAt: 1700000000000, UpdateAt: 1700000000000}
	for _, m := range mods {
		m(b)
	}
	return b
}

func btDisabled(b *model.Bot) { b.DeleteAt = 1700000001000 }

func btOK() *model.Response { return &model.Response{StatusCode: http.StatusOK} }

// btServer is a fake server holding bots and people: it answers the bot calls of the client
// and keeps the state they change.
type btServer struct {
	mu   sync.Mutex
	bots map[string]*model.Bot
	// createErr and tokenErr, when set, answer bot and token creation.
	createErr, tokenErr error
}

// btServe installs a fake server holding copies of bots, and the users given, on fake.
func btServe(fake *clienttest.Fake, people []*model.User, bots ...*model.Bot) *btServer {
	s := &btServer{bots: map[string]*model.Bot{}}
	users := append([]*model.User{}, people...)
	users = append(users, btAdmin)
	for _, b := range bots {
		c := *b
		s.bots[b.UserId] = &c
		users = append(users, &model.User{Id: b.UserId, Username: b.Username, IsBot: true, DeleteAt: b.DeleteAt})
	}
	cmdtest.ServeUsers(fake, users...)
	get := func(id string) (*model.Bot, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		b, ok := s.bots[id]
		if !ok {
			return nil, &client.Error{Status: http.StatusNotFound, ID: "store.sql_bot.get.missing.app_error", Message: "Bot does not exist."}
		}
		c := *b
		return &c, nil
	}
	fake.GetBotIncludeDeletedFunc = func(_ context.Context, id, _ string) (*model.Bot, *model.Response, error) {
		b, err := get(id)
		return b, btOK(), err
	}
	change := func(id string, fn func(*model.Bot)) (*model.Bot, *model.Response, error) {
		s.mu.Lock()
		b, ok := s.bots[id]
		if ok {
			fn(b)
		}
		s.mu.Unlock()
		c, err := get(id)
		return c, btOK(), err
	}
	fake.EnableBotFunc = func(_ context.Context, id string) (*model.Bot, *model.Response, error) {
		return change(id, func(b *model.Bot) { b.DeleteAt = 0 })
	}
	fake.DisableBotFunc = func(_ context.Context, id string) (*model.Bot, *model.Response, error) {
		return change(id, func(b *model.Bot) { b.DeleteAt = 1700000002000 })
	}
	fake.AssignBotFunc = func(_ context.Context, id, owner string) (*model.Bot, *model.Response, error) {
		return change(id, func(b *model.Bot) { b.OwnerId = owner })
	}
	fake.PatchBotFunc = func(_ context.Context, id string, p *model.BotPatch) (*model.Bot, *model.Response, error) {
		return change(id, func(b *model.Bot) {
			if p.Username != nil {
				b.Username = *p.Username
			}
			if p.DisplayName != nil {
				b.DisplayName = *p.DisplayName
			}
			if p.Description != nil {
				b.Description = *p.Description
			}
		})
	}
	fake.CreateBotFunc = func(_ context.Context, b *model.Bot) (*model.Bot, *model.Response, error) {
		if s.createErr != nil {
			return nil, &model.Response{StatusCode: http.StatusForbidden}, s.createErr
		}
		c := *b
		c.UserId, c.OwnerId, c.CreateAt, c.UpdateAt = model.NewId(), btAdmin.Id, 1700000000000, 1700000000000
		s.mu.Lock()
		cc := c
		s.bots[c.UserId] = &cc
		s.mu.Unlock()
		return &c, btOK(), nil
	}
	fake.CreateUserAccessTokenFunc = func(_ context.Context, userID, desc string) (*model.UserAccessToken, *model.Response, error) {
		if s.tokenErr != nil {
			return nil, &model.Response{StatusCode: http.StatusNotImplemented}, s.tokenErr
		}
		return &model.UserAccessToken{Id: "tokid", Token: "s3cr3t-token", UserId: userID, Description: desc}, btOK(), nil
	}
	list := func(keep func(*model.Bot) bool) func(context.Context, int, int, string) ([]*model.Bot, *model.Response, error) {
		return func(_ context.Context, page, perPage int, _ string) ([]*model.Bot, *model.Response, error) {
			s.mu.Lock()
			defer s.mu.Unlock()
			var all []*model.Bot
			for _, b := range bots { // in the order given
				if cur := s.bots[b.UserId]; keep(cur) {
					c := *cur
					all = append(all, &c)
				}
			}
			start := min(page*perPage, len(all))
			return all[start:min(start+perPage, len(all))], btOK(), nil
		}
	}
	fake.GetBotsFunc = list(func(b *model.Bot) bool { return b.DeleteAt == 0 })
	fake.GetBotsIncludeDeletedFunc = list(func(*model.Bot) bool { return true })
	fake.GetBotsOrphanedFunc = list(func(b *model.Bot) bool { return b.DeleteAt == 0 && b.OwnerId != btAdmin.Id })
	return s
}

func (s *btServer) bot(id string) *model.Bot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bots[id]
}

// btCount counts the lines of out that equal line.
func btCount(out, line string) int {
	n := 0
	for _, l := range strings.Split(out, "\n") {
		if l == line {
			n++
		}
	}
	return n
}
