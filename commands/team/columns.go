package team

import (
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/printer"
)

// teamColumns are the table and plain columns of a team list; every verb that lists teams uses
// them so that `cut -f` scripts see the same layout everywhere.
var teamColumns = []printer.Column[*model.Team]{
	{Header: "name", Value: func(t *model.Team) string { return t.Name }},
	{Header: "display name", Value: func(t *model.Team) string { return t.DisplayName }},
	{Header: "type", Value: teamPrivacy},
	{Header: "archived", Value: func(t *model.Team) string { return teamYesNo(t.DeleteAt != 0) }},
	{Header: "id", Value: func(t *model.Team) string { return t.Id }},
}

// teamFields are the key fields of one team, shown as a key/value table on a terminal.
func teamFields(t *model.Team) []printer.Field {
	if t == nil {
		return nil
	}
	return []printer.Field{
		{Name: "name", Value: t.Name},
		{Name: "display name", Value: t.DisplayName},
		{Name: "type", Value: teamPrivacy(t)},
		{Name: "archived", Value: teamYesNo(t.DeleteAt != 0)},
		{Name: "id", Value: t.Id},
		{Name: "description", Value: t.Description},
		{Name: "email", Value: t.Email},
		{Name: "allowed domains", Value: t.AllowedDomains},
		{Name: "group constrained", Value: teamYesNo(t.IsGroupConstrained())},
		{Name: "created", Value: teamMillisTime(t.CreateAt)},
		{Name: "updated", Value: teamMillisTime(t.UpdateAt)},
		{Name: "archived at", Value: teamMillisTime(t.DeleteAt)},
	}
}

// teamIsPublic reports whether anyone on the server may join t: an open team that allows open
// invitations, which is what `team modify --public` makes. Anything else needs an invitation.
func teamIsPublic(t *model.Team) bool {
	return t.Type == model.TeamOpen && t.AllowOpenInvite
}

// teamPrivacy is "public" or "private" (see teamIsPublic).
func teamPrivacy(t *model.Team) string {
	if teamIsPublic(t) {
		return "public"
	}
	return "private"
}

func teamYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// teamMillisTime renders a Mattermost millisecond timestamp in UTC; zero is empty.
func teamMillisTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

// teamKind is the kind of team arguments of the team verbs: archived teams resolve too.
func teamKind() cmdutil.Kind[*model.Team] {
	return cmdutil.Teams(cmdutil.TeamOptions{IncludeArchived: true})
}
