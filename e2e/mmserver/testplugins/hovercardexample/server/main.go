// Command hovercardexample is the server part of a plugin: it activates, and answers HTTP
// requests under /plugins/hovercardexample/ with its ID and version.
package main

import (
	"encoding/json"
	"net/http"

	"github.com/mattermost/mattermost-server/v6/plugin"
)

// Plugin answers /plugins/hovercardexample/status.
type Plugin struct {
	plugin.MattermostPlugin
}

// ServeHTTP reports the plugin's ID and version, and whether the request came from a user.
func (p *Plugin) ServeHTTP(_ *plugin.Context, w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/status" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id":      "hovercardexample",
		"running": true,
		"user":    r.Header.Get("Mattermost-User-Id") != "",
	})
}

func main() {
	plugin.ClientMain(&Plugin{})
}
