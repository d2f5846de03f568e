package cmdutil

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/printer"
)

// MemberRow is one entry of a member list: a user and their membership of the team or
// channel. In JSON it is the user object (as `user list` prints it) with one more key, Key,
// holding Mattermost's membership object (roles, scheme_admin, scheme_user, scheme_guest, …).
type MemberRow[M any] struct {
	User   *model.User
	Member M
	Key    string
}

// MarshalJSON writes the user object with the membership added under r.Key.
func (r MemberRow[M]) MarshalJSON() ([]byte, error) {
	user, err := encodeJSON(ScrubUser(r.User))
	if err != nil {
		return nil, err
	}
	member, err := encodeJSON(r.Member)
	if err != nil {
		return nil, err
	}
	if len(user) < 2 || user[0] != '{' || user[len(user)-1] != '}' {
		return nil, errors.New("a user did not encode as a JSON object")
	}
	key, _ := encodeJSON(r.Key)
	var b bytes.Buffer
	b.Write(user[:len(user)-1])
	if len(user) > 2 {
		b.WriteByte(',')
	}
	b.Write(key)
	b.WriteByte(':')
	b.Write(member)
	b.WriteByte('}')
	return b.Bytes(), nil
}

// encodeJSON is json.Marshal without HTML escaping, as the printer writes JSON.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// MemberList says how to list the members of a team or a channel.
type MemberList[M any] struct {
	// Key is the JSON key of the membership in each user object ("team_member").
	Key string
	// RolesHeader heads the column of the membership's roles ("team roles").
	RolesHeader string
	// Page fetches one page of members, each with their user: see UsersThenMembers and
	// MembersThenUsers. A row whose user or membership is missing (the user left, or was
	// deleted, between the two requests of its page) is left out.
	Page  client.PageFunc[MemberRow[M]]
	Roles func(M) string
}

// UsersThenMembers pages through the member users (GET /users?in_channel=, in username order)
// and fetches each page's memberships in one request.
func UsersThenMembers[M any](users client.PageFunc[*model.User], members func(ctx context.Context, userIDs []string) ([]M, error), userID func(M) string) client.PageFunc[MemberRow[M]] {
	return func(ctx context.Context, page, perPage int) ([]MemberRow[M], error) {
		us, err := users(ctx, page, perPage)
		if err != nil || len(us) == 0 {
			return nil, err
		}
		ids := make([]string, len(us))
		for i, u := range us {
			ids[i] = u.Id
		}
		ms, err := members(client.WithIdempotent(ctx), ids)
		if err != nil {
			return nil, err
		}
		byUser := make(map[string]M, len(ms))
		for _, m := range ms {
			byUser[userID(m)] = m
		}
		// One row per user, member or not, so that a short page still means the last one.
		rows := make([]MemberRow[M], len(us))
		for i, u := range us {
			rows[i] = MemberRow[M]{User: u, Member: byUser[u.Id]}
		}
		return rows, nil
	}
}

// MembersThenUsers pages through the memberships (GET /teams/{id}/members, in user ID order)
// and fetches each page's users in one request (POST /users/ids).
func MembersThenUsers[M any](members client.PageFunc[M], users func(ctx context.Context, userIDs []string) ([]*model.User, error), userID func(M) string) client.PageFunc[MemberRow[M]] {
	return func(ctx context.Context, page, perPage int) ([]MemberRow[M], error) {
		ms, err := members(ctx, page, perPage)
		if err != nil || len(ms) == 0 {
			return nil, err
		}
		ids := make([]string, len(ms))
		for i, m := range ms {
			ids[i] = userID(m)
		}
		us, err := users(client.WithIdempotent(ctx), ids)
		if err != nil {
			return nil, err
		}
		byID := make(map[string]*model.User, len(us))
		for _, u := range us {
			byID[u.Id] = u
		}
		// One row per membership, user found or not, so that a short page still means the last.
		rows := make([]MemberRow[M], len(ms))
		for i, m := range ms {
			rows[i] = MemberRow[M]{User: byID[ids[i]], Member: m}
		}
		return rows, nil
	}
}

// ListMembers streams the members of a team or channel, 200 per page with their users or
// memberships in one more request, several pages in flight at once, each member printed as it
// arrives: memory stays flat however many members there are. The table shows the columns of
// `user list` and then the membership's roles; JSON is one array of MemberRow objects.
func ListMembers[M any](ctx context.Context, p *printer.Printer, l MemberList[M]) error {
	list := printer.NewList(p, memberColumns[M](l.RolesHeader, l.Roles)...)
	for row, err := range client.Pages(ctx, client.PageOptions{PerPage: client.MaxPerPage}, l.Page) {
		if err != nil {
			return list.Fail(err)
		}
		if row.User == nil || isZero(row.Member) {
			continue
		}
		row.Key = l.Key
		if err := list.Add(row); err != nil {
			return list.Fail(err)
		}
	}
	return list.Close()
}

// memberColumns are UserColumns followed by the membership's roles.
func memberColumns[M any](rolesHeader string, roles func(M) string) []printer.Column[MemberRow[M]] {
	cols := make([]printer.Column[MemberRow[M]], 0, len(UserColumns)+1)
	for _, c := range UserColumns {
		cols = append(cols, printer.Column[MemberRow[M]]{Header: c.Header, Value: func(r MemberRow[M]) string { return c.Value(r.User) }})
	}
	return append(cols, printer.Column[MemberRow[M]]{Header: rolesHeader, Value: func(r MemberRow[M]) string { return roles(r.Member) }})
}
