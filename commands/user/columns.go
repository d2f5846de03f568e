package user

import (
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/printer"
)

// userColumns are the columns of every user listing (cmdutil.UserColumns).
var userColumns = cmdutil.UserColumns

// userFields are the key fields of one user, shown as a key/value table on a terminal.
func userFields(u *model.User) []printer.Field {
	if u == nil {
		return nil
	}
	return []printer.Field{
		{Name: "id", Value: u.Id},
		{Name: "username", Value: u.Username},
		{Name: "email", Value: u.Email},
		{Name: "name", Value: cmdutil.UserFullName(u)},
		{Name: "nickname", Value: u.Nickname},
		{Name: "position", Value: u.Position},
		{Name: "roles", Value: u.Roles},
		{Name: "status", Value: cmdutil.UserStatus(u)},
		{Name: "email verified", Value: userYesNo(u.EmailVerified)},
		{Name: "auth service", Value: userAuthService(u)},
		{Name: "locale", Value: u.Locale},
		{Name: "created", Value: userMillisTime(u.CreateAt)},
		{Name: "updated", Value: userMillisTime(u.UpdateAt)},
	}
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
