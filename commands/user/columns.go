package user

import (
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/printer"
)

// userColumns are the table and plain columns of a user list; every verb that lists users
// uses them so that `cut -f` scripts see the same layout everywhere.
var userColumns = []printer.Column[*model.User]{
	{Header: "id", Value: func(u *model.User) string { return u.Id }},
	{Header: "username", Value: func(u *model.User) string { return u.Username }},
	{Header: "email", Value: func(u *model.User) string { return u.Email }},
	{Header: "name", Value: userFullName},
	{Header: "roles", Value: func(u *model.User) string { return u.Roles }},
	{Header: "status", Value: userStatus},
}

// userFields are the key fields of one user, shown as a key/value table on a terminal.
func userFields(u *model.User) []printer.Field {
	if u == nil {
		return nil
	}
	return []printer.Field{
		{Name: "id", Value: u.Id},
		{Name: "username", Value: u.Username},
		{Name: "email", Value: u.Email},
		{Name: "name", Value: userFullName(u)},
		{Name: "nickname", Value: u.Nickname},
		{Name: "position", Value: u.Position},
		{Name: "roles", Value: u.Roles},
		{Name: "status", Value: userStatus(u)},
		{Name: "email verified", Value: userYesNo(u.EmailVerified)},
		{Name: "auth service", Value: userAuthService(u)},
		{Name: "locale", Value: u.Locale},
		{Name: "created", Value: userMillisTime(u.CreateAt)},
		{Name: "updated", Value: userMillisTime(u.UpdateAt)},
	}
}

func userFullName(u *model.User) string {
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

func userStatus(u *model.User) string {
	if u.DeleteAt != 0 {
		return "deactivated"
	}
	return "active"
}

func userAuthService(u *model.User) string {
	if u.AuthService == "" {
		return "email"
	}
	return u.AuthService
}

func userYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// userMillisTime renders a Mattermost millisecond timestamp in UTC; zero is empty.
func userMillisTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}
