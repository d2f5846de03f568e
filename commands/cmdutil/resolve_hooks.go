package cmdutil

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
)

// IncomingWebhooksSetting is the server setting that allows incoming webhooks.
var IncomingWebhooksSetting = Setting{Key: "ServiceSettings.EnableIncomingWebhooks", Want: "true"}

// OutgoingWebhooksSetting is the server setting that allows outgoing webhooks.
var OutgoingWebhooksSetting = Setting{Key: "ServiceSettings.EnableOutgoingWebhooks", Want: "true"}

// The error IDs of the server's refusals when a kind of webhook is disabled (501).
const (
	incomingHooksDisabledID = "api.incoming_webhook.disabled"
	outgoingHooksDisabledID = "api.outgoing_webhook.disabled"
)

// IncomingHooksRefused returns a *SettingError naming ServiceSettings.EnableIncomingWebhooks
// when err is the server's refusal because incoming webhooks are disabled, and err otherwise.
func IncomingHooksRefused(err error) error {
	return RefusedBy(err, incomingHooksDisabledID, "incoming webhook support", IncomingWebhooksSetting)
}

// OutgoingHooksRefused is IncomingHooksRefused for outgoing webhooks.
func OutgoingHooksRefused(err error) error {
	return RefusedBy(err, outgoingHooksDisabledID, "outgoing webhook support", OutgoingWebhooksSetting)
}

// IncomingHooksRefusal and OutgoingHooksRefusal are the refusals of multi-argument verbs on
// webhooks (a fresh value per run).
func IncomingHooksRefusal() *Refusal {
	return &Refusal{IDPrefix: incomingHooksDisabledID, What: "incoming webhook support", Setting: IncomingWebhooksSetting}
}

// OutgoingHooksRefusal: see IncomingHooksRefusal.
func OutgoingHooksRefusal() *Refusal {
	return &Refusal{IDPrefix: outgoingHooksDisabledID, What: "outgoing webhook support", Setting: OutgoingWebhooksSetting}
}

// Hook is an incoming or an outgoing webhook: exactly one of its fields is set. In JSON it is
// the server's object.
type Hook struct {
	Incoming *model.IncomingWebhook
	Outgoing *model.OutgoingWebhook
}

// MarshalJSON writes the webhook as the server returns it.
func (h *Hook) MarshalJSON() ([]byte, error) {
	if h.Incoming != nil {
		return json.Marshal(h.Incoming)
	}
	return json.Marshal(h.Outgoing)
}

// ID is the webhook's ID.
func (h *Hook) ID() string {
	if h.Incoming != nil {
		return h.Incoming.Id
	}
	return h.Outgoing.Id
}

// Type is "incoming" or "outgoing".
func (h *Hook) Type() string {
	if h.Incoming != nil {
		return "incoming"
	}
	return "outgoing"
}

// DisplayName is the webhook's display name.
func (h *Hook) DisplayName() string {
	if h.Incoming != nil {
		return h.Incoming.DisplayName
	}
	return h.Outgoing.DisplayName
}

// TeamID is the ID of the webhook's team.
func (h *Hook) TeamID() string {
	if h.Incoming != nil {
		return h.Incoming.TeamId
	}
	return h.Outgoing.TeamId
}

// ChannelID is the ID of the webhook's channel; "" for an outgoing webhook of a whole team.
func (h *Hook) ChannelID() string {
	if h.Incoming != nil {
		return h.Incoming.ChannelId
	}
	return h.Outgoing.ChannelId
}

// CreatorID is the ID of the user who created the webhook.
func (h *Hook) CreatorID() string {
	if h.Incoming != nil {
		return h.Incoming.UserId
	}
	return h.Outgoing.CreatorId
}

// Label names the webhook in messages: its display name and ID, or its ID alone.
func (h *Hook) Label() string {
	if n := h.DisplayName(); n != "" {
		return fmt.Sprintf("%q (%s)", n, h.ID())
	}
	return h.ID()
}

// HookTypes say which kinds of webhook an argument may name.
type HookTypes int

const (
	IncomingHooks HookTypes = 1 << iota
	OutgoingHooks
	AnyHooks = IncomingHooks | OutgoingHooks
)

// HookOptions say where webhook display names are looked up: the hooks of one team or one
// channel (IDs, already resolved), or, with neither, of the whole server. An ID names its
// webhook whatever the scope.
type HookOptions struct {
	Types     HookTypes
	TeamID    string
	ChannelID string
}

// FindIncomingHook resolves an incoming hook argument: an ID, or a display name unique within
// the team or channel given (IDs or empty), or on the server.
func FindIncomingHook(ctx context.Context, c client.Client, arg, teamID, channelID string) (*model.IncomingWebhook, error) {
	h, err := FindHook(ctx, c, arg, HookOptions{Types: IncomingHooks, TeamID: teamID, ChannelID: channelID})
	if err != nil {
		return nil, err
	}
	return h.Incoming, nil
}

// FindOutgoingHook resolves an outgoing hook argument, as FindIncomingHook does.
func FindOutgoingHook(ctx context.Context, c client.Client, arg, teamID, channelID string) (*model.OutgoingWebhook, error) {
	h, err := FindHook(ctx, c, arg, HookOptions{Types: OutgoingHooks, TeamID: teamID, ChannelID: channelID})
	if err != nil {
		return nil, err
	}
	return h.Outgoing, nil
}

// FindHook resolves one webhook argument of the types in opts (all when none).
func FindHook(ctx context.Context, c client.Client, arg string, opts HookOptions) (*Hook, error) {
	refs, err := Hooks(opts).Resolve(ctx, c, []string{arg})
	if err != nil {
		return nil, err
	}
	return refs[0].Obj, refs[0].Err
}

// Hooks is the kind of webhook arguments: a webhook ID, or a display name (exact, else
// ignoring case) that is unique among the webhooks of opts' scope; an ambiguous name is an
// *AmbiguousError listing each candidate's ID, display name and channel. Each argument that
// is an ID costs one or two requests; the webhooks of the scope are listed once, however many
// names are given. A kind of webhook the server refuses (disabled) is a *SettingError when no
// webhook of the other kind matches.
func Hooks(opts HookOptions) Kind[*Hook] {
	if opts.Types&AnyHooks == 0 {
		opts.Types = AnyHooks
	}
	name := "webhook"
	switch opts.Types {
	case IncomingHooks:
		name = "incoming webhook"
	case OutgoingHooks:
		name = "outgoing webhook"
	}
	return Kind[*Hook]{
		Name: name,
		Resolve: func(ctx context.Context, c client.Client, args []string) ([]Ref[*Hook], error) {
			r := &hookResolver{c: c, opts: opts, kind: name}
			return ResolveEach(ctx, args, r.lookup)
		},
		ID:    (*Hook).ID,
		Label: (*Hook).Label,
	}
}

// hookResolver caches the listing of the webhooks in scope, shared by every name argument.
type hookResolver struct {
	c    client.Client
	opts HookOptions
	kind string

	listOnce sync.Once
	listed   []*Hook
	// inErr and outErr are the failures of the listings, per kind.
	inErr, outErr error
}

func (r *hookResolver) lookup(ctx context.Context, arg string) (*Hook, error) {
	if model.IsValidId(arg) {
		h, err := r.byID(ctx, arg)
		if err == nil {
			return h, nil
		}
		if _, notFound := err.(*NotFoundError); !notFound {
			return nil, err
		}
	}
	return r.byName(ctx, arg)
}

// byID looks an ID up as each type of webhook wanted. A refusal or failure for one type is
// returned only when no other type has the webhook.
func (r *hookResolver) byID(ctx context.Context, id string) (*Hook, error) {
	ctx = client.WithIdempotent(ctx)
	var firstErr error
	if r.opts.Types&IncomingHooks != 0 {
		h, _, err := r.c.GetIncomingWebhook(ctx, id, "")
		switch {
		case err == nil && h != nil:
			return &Hook{Incoming: h}, nil
		case err != nil && !notFoundOrBad(err):
			firstErr = IncomingHooksRefused(err)
		}
	}
	if r.opts.Types&OutgoingHooks != 0 {
		h, _, err := r.c.GetOutgoingWebhook(ctx, id)
		switch {
		case err == nil && h != nil:
			return &Hook{Outgoing: h}, nil
		case err != nil && !notFoundOrBad(err) && firstErr == nil:
			firstErr = OutgoingHooksRefused(err)
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return nil, &NotFoundError{Kind: r.kind, Name: id}
}

// notFoundOrBad is a 404, or the 400 the server answers for an ID of no webhook.
func notFoundOrBad(err error) bool {
	s := client.StatusOf(err)
	return s == 404 || s == 400
}

// byName finds the webhook whose display name is name among those in scope: an exact match,
// else one ignoring case.
func (r *hookResolver) byName(ctx context.Context, name string) (*Hook, error) {
	r.listOnce.Do(func() { r.list(ctx) })
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var exact, folded []*Hook
	for _, h := range r.listed {
		switch n := h.DisplayName(); {
		case n == name:
			exact = append(exact, h)
		case strings.EqualFold(n, name):
			folded = append(folded, h)
		}
	}
	hits := exact
	if len(hits) == 0 {
		hits = folded
	}
	switch {
	case len(hits) == 1:
		return hits[0], nil
	case len(hits) > 1:
		return nil, &AmbiguousError{Kind: r.kind, Name: name, Candidates: r.candidates(ctx, hits)}
	}
	// Nothing matched: a listing that failed may have held it.
	if r.inErr != nil {
		return nil, r.inErr
	}
	if r.outErr != nil {
		return nil, r.outErr
	}
	return nil, &NotFoundError{Kind: r.kind, Name: name}
}

// list reads every webhook of the scope, the two types at once.
func (r *hookResolver) list(ctx context.Context) {
	var in []*model.IncomingWebhook
	var out []*model.OutgoingWebhook
	var wg sync.WaitGroup
	if r.opts.Types&IncomingHooks != 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in, r.inErr = ListIncomingHooks(ctx, r.c, r.opts.TeamID, r.opts.ChannelID, nil, nil)
			r.inErr = IncomingHooksRefused(r.inErr)
		}()
	}
	if r.opts.Types&OutgoingHooks != 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, r.outErr = ListOutgoingHooks(ctx, r.c, r.opts.TeamID, r.opts.ChannelID, nil, nil)
			r.outErr = OutgoingHooksRefused(r.outErr)
		}()
	}
	wg.Wait()
	for _, h := range in {
		r.listed = append(r.listed, &Hook{Incoming: h})
	}
	for _, h := range out {
		r.listed = append(r.listed, &Hook{Outgoing: h})
	}
}

// candidates names each webhook of an ambiguous name: ID, display name and channel
// ("team:channel" when the lookups succeed, else the channel's ID).
func (r *hookResolver) candidates(ctx context.Context, hits []*Hook) []string {
	var teams ChannelTeams
	channels := make([]*model.Channel, len(hits))
	lookupEach(len(hits), func(i int) {
		if id := hits[i].ChannelID(); id != "" {
			if ch, _, err := r.c.GetChannel(client.WithIdempotent(ctx), id); err == nil {
				channels[i] = ch
			}
		}
	})
	teams.Fetch(ctx, r.c, channels)
	out := make([]string, len(hits))
	for i, h := range hits {
		where := "channel " + h.ChannelID()
		switch {
		case channels[i] != nil:
			where = "channel " + teams.Label(channels[i])
		case h.ChannelID() == "":
			where = "every channel of team " + h.TeamID()
			if t, err := teams.Get(ctx, r.c, h.TeamID()); err == nil {
				where = "every channel of team " + t.Name
			}
		}
		out[i] = fmt.Sprintf("%s (%s %q, %s)", h.ID(), h.Type(), h.DisplayName(), where)
	}
	return out
}

// ListIncomingHooks lists the incoming webhooks of a team (teamID), of a channel (channelID:
// filtered from its team's, or the server's without teamID), or of the whole server, page by
// page in the fewest requests (200 a page, one page at a time). each, when set, receives every
// page as it arrives and nothing is returned; else every webhook is returned.
//
// A caller who may not list the server's webhooks (403) gets those of each of its teams, team
// by team; skipped, when set, is told of each team whose webhooks it may not list either
// (they are left out). The 403 is returned when no team could be listed.
func ListIncomingHooks(ctx context.Context, c client.Client, teamID, channelID string, each func([]*model.IncomingWebhook) error, skipped func(*model.Team)) ([]*model.IncomingWebhook, error) {
	fetch := func(ctx context.Context, team string, page int) ([]*model.IncomingWebhook, error) {
		var hooks []*model.IncomingWebhook
		var err error
		if team != "" {
			hooks, _, err = c.GetIncomingWebhooksForTeam(client.WithIdempotent(ctx), team, page, client.MaxPerPage, "")
		} else {
			hooks, _, err = c.GetIncomingWebhooks(client.WithIdempotent(ctx), page, client.MaxPerPage, "")
		}
		if err != nil || channelID == "" {
			return hooks, err
		}
		kept := make([]*model.IncomingWebhook, 0, len(hooks))
		for _, h := range hooks {
			if h != nil && h.ChannelId == channelID {
				kept = append(kept, h)
			}
		}
		// A short page ends the list, so filtered pages keep their length with nil entries.
		for len(kept) < len(hooks) {
			kept = append(kept, nil)
		}
		return kept, nil
	}
	return listHooks(ctx, c, teamID, fetch, each, skipped)
}

// ListOutgoingHooks lists outgoing webhooks as ListIncomingHooks does; those of a channel come
// from the server's listing for the channel.
func ListOutgoingHooks(ctx context.Context, c client.Client, teamID, channelID string, each func([]*model.OutgoingWebhook) error, skipped func(*model.Team)) ([]*model.OutgoingWebhook, error) {
	fetch := func(ctx context.Context, team string, page int) ([]*model.OutgoingWebhook, error) {
		var hooks []*model.OutgoingWebhook
		var err error
		switch {
		case channelID != "":
			hooks, _, err = c.GetOutgoingWebhooksForChannel(client.WithIdempotent(ctx), channelID, page, client.MaxPerPage, "")
		case team != "":
			hooks, _, err = c.GetOutgoingWebhooksForTeam(client.WithIdempotent(ctx), team, page, client.MaxPerPage, "")
		default:
			hooks, _, err = c.GetOutgoingWebhooks(client.WithIdempotent(ctx), page, client.MaxPerPage, "")
		}
		return hooks, err
	}
	if channelID != "" {
		// The channel's listing is the whole scope, and needs no permission on the server.
		return listHookPages(ctx, "", fetch, each)
	}
	return listHooks(ctx, c, teamID, fetch, each, skipped)
}

// listHooks reads the pages of one kind of webhook: of teamID, or of the server, falling back
// to each of the caller's teams when it may not list the server's.
func listHooks[T any](ctx context.Context, c client.Client, teamID string, fetch func(ctx context.Context, team string, page int) ([]*T, error),
	each func([]*T) error, skipped func(*model.Team)) ([]*T, error) {
	all, err := listHookPages(ctx, teamID, fetch, each)
	if teamID != "" || client.StatusOf(err) != http.StatusForbidden {
		return all, err
	}
	// Webhook permissions are granted within teams: those of the caller's teams.
	teams, _, terr := c.GetTeamsForUser(client.WithIdempotent(ctx), "me", "")
	if terr != nil {
		return nil, err
	}
	listed := false
	for _, t := range teams {
		more, terr := listHookPages(ctx, t.Id, fetch, each)
		switch {
		case client.StatusOf(terr) == http.StatusForbidden:
			if skipped != nil {
				skipped(t)
			}
			continue
		case terr != nil:
			return nil, terr
		}
		listed = true
		all = append(all, more...)
	}
	if !listed {
		return nil, err
	}
	return all, nil
}

// listHookPages reads every page of one listing, one page at a time; nil entries are dropped.
func listHookPages[T any](ctx context.Context, team string, fetch func(ctx context.Context, team string, page int) ([]*T, error), each func([]*T) error) ([]*T, error) {
	var all []*T
	for page := 0; ; page++ {
		hooks, err := fetch(ctx, team, page)
		if err != nil {
			return nil, err
		}
		kept := make([]*T, 0, len(hooks))
		for _, h := range hooks {
			if h != nil {
				kept = append(kept, h)
			}
		}
		if each != nil {
			if err := each(kept); err != nil {
				return nil, err
			}
		} else {
			all = append(all, kept...)
		}
		if len(hooks) < client.MaxPerPage {
			return all, nil
		}
	}
}

// CompleteHooks suggests the webhooks of the given types (all when none) whose ID or display
// name starts with the word being completed (display names ignoring case), with the other as
// the description: one page of each type, asked with a short timeout. Any failure suggests
// nothing, as CompleteUsers.
func CompleteHooks(f *Factory, types HookTypes) cobra.CompletionFunc {
	if types&AnyHooks == 0 {
		types = AnyHooks
	}
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		c, err := f.Client()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(context.Background(), completionTimeout)
		defer cancel()
		var hooks []*Hook
		if types&IncomingHooks != 0 {
			in, _, _ := c.GetIncomingWebhooks(ctx, 0, client.MaxPerPage, "")
			for _, h := range in {
				if h != nil {
					hooks = append(hooks, &Hook{Incoming: h})
				}
			}
		}
		if types&OutgoingHooks != 0 {
			out, _, _ := c.GetOutgoingWebhooks(ctx, 0, client.MaxPerPage, "")
			for _, h := range out {
				if h != nil {
					hooks = append(hooks, &Hook{Outgoing: h})
				}
			}
		}
		prefix := strings.ToLower(toComplete)
		var out []string
		for _, h := range hooks {
			if len(out) >= completionLimit {
				break
			}
			switch {
			case strings.HasPrefix(h.ID(), toComplete):
				out = append(out, h.ID()+"\t"+h.Type()+" "+h.DisplayName())
			case h.DisplayName() != "" && strings.HasPrefix(strings.ToLower(h.DisplayName()), prefix):
				out = append(out, h.DisplayName()+"\t"+h.Type()+" "+h.ID())
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
