package cmdutil

import (
	"context"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// NotBotError is a user argument that names a person where a bot is wanted.
type NotBotError struct{ Name string }

func (e *NotBotError) Error() string { return fmt.Sprintf("%s is a user, not a bot", e.Name) }

// Bots is the kind of bot arguments: user arguments (ID, username, @username) resolved in bulk
// like users, that must name a bot; the bot record (owner, description) is then read for each.
// Disabled bots are included.
func Bots() Kind[*model.Bot] {
	return Kind[*model.Bot]{
		Name: "bot",
		Resolve: func(ctx context.Context, c client.Client, args []string) ([]Ref[*model.Bot], error) {
			users, err := ResolveUsers(ctx, c, args)
			if err != nil {
				return nil, err
			}
			byArg := make(map[string]UserRef, len(users)) // by trimmed argument, as ResolveEach passes it
			for _, u := range users {
				byArg[strings.TrimSpace(u.Arg)] = u
			}
			return ResolveEach(ctx, args, func(ctx context.Context, arg string) (*model.Bot, error) {
				u := byArg[arg]
				switch {
				case u.Err != nil:
					if _, ok := u.Err.(*NotFoundError); ok {
						return nil, &NotFoundError{Kind: "bot", Name: arg}
					}
					return nil, u.Err
				case u.User == nil:
					return nil, &NotFoundError{Kind: "bot", Name: arg}
				case !u.User.IsBot:
					return nil, &NotBotError{Name: arg}
				}
				bot, _, err := c.GetBotIncludeDeleted(client.WithIdempotent(ctx), u.User.Id, "")
				switch {
				case client.IsNotFound(err), err == nil && bot == nil:
					return nil, &NotFoundError{Kind: "bot", Name: arg}
				case err != nil:
					return nil, err
				}
				return bot, nil
			})
		},
		ID:    func(b *model.Bot) string { return b.UserId },
		Label: func(b *model.Bot) string { return b.Username },
	}
}
