package cmdtest

import (
	"context"
	"net/http"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
)

// ServeUsers makes fake answer the user lookups that cmdutil.ResolveUsers makes (by IDs, by
// usernames, by email) from users, as the server does: copies of the users found, unknown IDs
// and usernames left out, an unknown email a 404.
func ServeUsers(fake *clienttest.Fake, users ...*model.User) {
	find := func(match func(*model.User) bool) *model.User {
		for _, u := range users {
			if match(u) {
				c := *u
				return &c
			}
		}
		return nil
	}
	ok := func() *model.Response { return &model.Response{StatusCode: http.StatusOK} }
	fake.GetUsersByIdsFunc = func(_ context.Context, ids []string) ([]*model.User, *model.Response, error) {
		var out []*model.User
		for _, id := range ids {
			if u := find(func(u *model.User) bool { return u.Id == id }); u != nil {
				out = append(out, u)
			}
		}
		return out, ok(), nil
	}
	fake.GetUsersByUsernamesFunc = func(_ context.Context, names []string) ([]*model.User, *model.Response, error) {
		var out []*model.User
		for _, n := range names {
			if u := find(func(u *model.User) bool { return u.Username == n }); u != nil {
				out = append(out, u)
			}
		}
		return out, ok(), nil
	}
	fake.GetUserByEmailFunc = func(_ context.Context, email, _ string) (*model.User, *model.Response, error) {
		if u := find(func(u *model.User) bool { return u.Email != "" && strings.EqualFold(u.Email, email) }); u != nil {
			return u, ok(), nil
		}
		return nil, &model.Response{StatusCode: http.StatusNotFound},
			&client.Error{Status: http.StatusNotFound, ID: "app.user.missing_account.const", Message: "Unable to find the user."}
	}
}
