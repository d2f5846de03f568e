// Package bot implements `matterctl bot`: create, list, show, change, enable, disable and
// reassign bot accounts.
package bot

import (
	"context"
	"sync"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/printer"
)

// NewCmdBot builds the `bot` group.
func NewCmdBot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bot <command>",
		Short: "Create, list, change, enable, disable and reassign bots",
		Long: `Create, list, change, enable, disable and reassign bot accounts.

A bot argument is a user argument (user ID, username or @username) that must name a bot: a
person's account is refused. Disabled bots resolve too.

Bot creation must be allowed on the server (ServiceSettings.EnableBotAccountCreation,
MM_SERVICESETTINGS_ENABLEBOTACCOUNTCREATION); a token for a bot needs personal access tokens
(ServiceSettings.EnableUserAccessTokens, MM_SERVICESETTINGS_ENABLEUSERACCESSTOKENS).`,
	}
	cmd.AddCommand(
		NewCmdCreate(f, nil),
		NewCmdUpdate(f, nil),
		NewCmdList(f, nil),
		NewCmdShow(f, nil),
		NewCmdEnable(f, nil),
		NewCmdDisable(f, nil),
		NewCmdAssign(f, nil),
	)
	cmdutil.RejectEmptyArgs(cmd)
	return cmd
}

// botKind is the kind of bot arguments.
func botKind() cmdutil.Kind[*model.Bot] { return cmdutil.Bots() }

// botCreationSetting is the server setting that allows bot accounts to be created.
var botCreationSetting = cmdutil.Setting{Key: "ServiceSettings.EnableBotAccountCreation", Want: "true"}

// owners maps the owner IDs of bots to what lists show of them: the owner's username, or the
// ID itself for owners that are not users (bots created by plugins). Safe for concurrent use.
type owners struct {
	c     client.Client
	mu    sync.Mutex
	names map[string]string
	gone  map[string]bool // owners whose account is deactivated: their bots are orphaned
}

func newOwners(c client.Client) *owners {
	return &owners{c: c, names: map[string]string{}, gone: map[string]bool{}}
}

// load looks up the owners of bots not known yet, in one request. No request is sent when
// there are none (the server refuses an empty list of IDs).
func (o *owners) load(ctx context.Context, bots []*model.Bot) error {
	o.mu.Lock()
	var ids []string
	seen := map[string]bool{}
	for _, b := range bots {
		if b == nil || b.OwnerId == "" || seen[b.OwnerId] {
			continue
		}
		if _, ok := o.names[b.OwnerId]; !ok {
			ids = append(ids, b.OwnerId)
			seen[b.OwnerId] = true
		}
	}
	o.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	users, _, err := o.c.GetUsersByIds(client.WithIdempotent(ctx), ids)
	if err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, id := range ids {
		o.names[id] = id
	}
	for _, u := range users {
		if u != nil {
			o.names[u.Id] = u.Username
			o.gone[u.Id] = u.DeleteAt != 0
		}
	}
	return nil
}

// name is what lists show as the owner of b.
func (o *owners) name(b *model.Bot) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n, ok := o.names[b.OwnerId]; ok {
		return n
	}
	return b.OwnerId
}

// state is "enabled" or "disabled", with ", orphaned" when the owner's account is deactivated.
func (o *owners) state(b *model.Bot) string {
	s := "enabled"
	if b.DeleteAt != 0 {
		s = "disabled"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.gone[b.OwnerId] {
		s += ", orphaned"
	}
	return s
}

// columns are the table and plain columns of every listing of bots.
func (o *owners) columns() []printer.Column[*model.Bot] {
	return []printer.Column[*model.Bot]{
		{Header: "username", Value: func(b *model.Bot) string { return b.Username }},
		{Header: "display name", Value: func(b *model.Bot) string { return b.DisplayName }},
		{Header: "owner", Value: o.name},
		{Header: "state", Value: o.state},
		{Header: "id", Value: func(b *model.Bot) string { return b.UserId }},
	}
}

// fields are the fields of one bot, shown as a key/value table on a terminal.
func (o *owners) fields(b *model.Bot) []printer.Field {
	if b == nil {
		return nil
	}
	return []printer.Field{
		{Name: "username", Value: b.Username},
		{Name: "display name", Value: b.DisplayName},
		{Name: "owner", Value: o.name(b)},
		{Name: "state", Value: o.state(b)},
		{Name: "id", Value: b.UserId},
		{Name: "description", Value: b.Description},
		{Name: "owner id", Value: b.OwnerId},
		{Name: "created", Value: millisTime(b.CreateAt)},
		{Name: "updated", Value: millisTime(b.UpdateAt)},
		{Name: "disabled at", Value: millisTime(b.DeleteAt)},
	}
}

// millisTime renders a Mattermost millisecond timestamp in UTC; zero is empty.
func millisTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

// botEnabled is "enabled" or "disabled".
func botEnabled(b *model.Bot) string {
	if b.DeleteAt != 0 {
		return "disabled"
	}
	return "enabled"
}
