package cmdutil

import (
	"strings"

	"github.com/matterctl/matterctl/client"
)

// Setting is a server configuration setting that can make the server refuse a request, such as
// ServiceSettings.EnableAPITeamDeletion. Messages name it with the environment variable that
// sets it, so an admin can fix the server whichever way it is configured.
type Setting struct {
	Key  string // dotted config.json path: "ServiceSettings.EnableAPITeamDeletion"
	Want string // the value the request needs: "true"
}

// Env is the MM_* environment variable that overrides the setting.
func (s Setting) Env() string {
	return "MM_" + strings.ToUpper(strings.ReplaceAll(s.Key, ".", "_"))
}

// Remedy says how to change the setting, in one clause (for a hint line).
func (s Setting) Remedy() string {
	return "set " + s.Key + " to " + s.Want + " (System Console, config.json or " + s.Env() + "=" + s.Want + ")"
}

// SettingError reports a request the server refused because of one of its settings. It
// replaces the server's 401/403/501 so that the exit code is 1 (the server's configuration),
// not 4 (the credentials), and the one line names the setting. It does not unwrap to the API
// error for that reason.
type SettingError struct {
	What    string  // "team deletion through the API"
	Setting Setting // what would allow it
	Err     error   // the server's answer
}

func (e *SettingError) Error() string {
	msg := e.What + " is disabled on the server (" + e.Setting.Key + ", " + e.Setting.Env() + ")"
	if apiErr := client.AsError(e.Err); apiErr != nil && apiErr.RequestID != "" {
		msg += " [request " + apiErr.RequestID + "]"
	}
	return msg
}

// RefusedBy returns a *SettingError when err is the server's answer with an error ID that
// starts with idPrefix (for example "api.team.delete_team.not_enabled"), and err otherwise.
func RefusedBy(err error, idPrefix, what string, s Setting) error {
	if e := client.AsError(err); e != nil && e.ID != "" && strings.HasPrefix(e.ID, idPrefix) {
		return &SettingError{What: what, Setting: s, Err: err}
	}
	return err
}
