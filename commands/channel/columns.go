package channel

import (
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/printer"
)

// channelColumns are the table and plain columns of every channel listing (list, search, show
// of several channels), so that `cut -f` scripts see one layout.
var channelColumns = []printer.Column[*model.ChannelWithTeamData]{
	{Header: "team", Value: func(ch *model.ChannelWithTeamData) string { return ch.TeamName }},
	{Header: "name", Value: func(ch *model.ChannelWithTeamData) string { return ch.Name }},
	{Header: "display name", Value: func(ch *model.ChannelWithTeamData) string { return ch.DisplayName }},
	{Header: "type", Value: func(ch *model.ChannelWithTeamData) string { return channelType(&ch.Channel) }},
	{Header: "archived", Value: func(ch *model.ChannelWithTeamData) string { return channelYesNo(ch.DeleteAt != 0) }},
	{Header: "id", Value: func(ch *model.ChannelWithTeamData) string { return ch.Id }},
}

// channelFields are the key fields of one channel, shown as a key/value table on a terminal;
// in plain format they are one line with the values of channelColumns.
func channelFields(ch *model.ChannelWithTeamData, plain bool) []printer.Field {
	if ch == nil {
		return nil
	}
	if plain {
		fields := make([]printer.Field, len(channelColumns))
		for i, c := range channelColumns {
			fields[i] = printer.Field{Name: c.Header, Value: c.Value(ch)}
		}
		return fields
	}
	team := ch.TeamName
	if ch.TeamDisplayName != "" && ch.TeamDisplayName != ch.TeamName {
		team += " (" + ch.TeamDisplayName + ")"
	}
	return []printer.Field{
		{Name: "id", Value: ch.Id},
		{Name: "team", Value: team},
		{Name: "name", Value: ch.Name},
		{Name: "display name", Value: ch.DisplayName},
		{Name: "type", Value: channelType(&ch.Channel)},
		{Name: "archived", Value: channelYesNo(ch.DeleteAt != 0)},
		{Name: "header", Value: ch.Header},
		{Name: "purpose", Value: ch.Purpose},
		{Name: "created", Value: channelMillisTime(ch.CreateAt)},
		{Name: "updated", Value: channelMillisTime(ch.UpdateAt)},
		{Name: "archived at", Value: channelMillisTime(ch.DeleteAt)},
		{Name: "last post", Value: channelMillisTime(ch.LastPostAt)},
		{Name: "team id", Value: ch.TeamId},
		{Name: "creator id", Value: ch.CreatorId},
	}
}

// channelType names a channel type as people say it.
func channelType(ch *model.Channel) string {
	switch ch.Type {
	case model.ChannelTypeOpen:
		return "public"
	case model.ChannelTypePrivate:
		return "private"
	case model.ChannelTypeDirect:
		return "direct"
	case model.ChannelTypeGroup:
		return "group"
	}
	return string(ch.Type)
}

func channelYesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// channelMillisTime renders a Mattermost millisecond timestamp in UTC; zero is empty.
func channelMillisTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}
