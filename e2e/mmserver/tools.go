//go:build tools

package mmserver

import _ "github.com/mattermost/mattermost-server/v6/cmd/mattermost"
