package cmdutil

import (
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/printer"
)

// UserColumns are the table and plain columns of every listing of users (`user list`,
// `user show`, `team users list`, `channel users list`), so that `cut -f` scripts find the
// user fields in the same places everywhere.
var UserColumns = []printer.Column[*model.User]{
	{Header: "id", Value: func(u *model.User) string { return u.Id }},
	{Header: "username", Value: func(u *model.User) string { return u.Username }},
	{Header: "email", Value: func(u *model.User) string { return u.Email }},
	{Header: "name", Value: UserFullName},
	{Header: "roles", Value: func(u *model.User) string { return u.Roles }},
	{Header: "status", Value: UserStatus},
}

// UserFullName is a user's first and last name.
func UserFullName(u *model.User) string {
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

// UserStatus is "active" or "deactivated".
func UserStatus(u *model.User) string {
	if u.DeleteAt != 0 {
		return "deactivated"
	}
	return "active"
}
