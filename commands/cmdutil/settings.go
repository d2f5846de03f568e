package cmdutil

import (
	"errors"
	"strings"
	"sync/atomic"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/printer"
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

// Refusal is one server setting that can refuse a verb's requests, for a multi-argument verb:
// Check turns each such refusal into a *SettingError (one short line per argument), and Hint
// then gives the remedy once, after the run.
type Refusal struct {
	IDPrefix    string  // the server's error ID for the refusal, or its prefix
	What        string  // "team deletion through the API"
	Setting     Setting // what would allow it
	Alternative string  // what to do instead, such as "matterctl team archive"; optional
	hit         atomic.Bool
}

// Check returns err, or a *SettingError when err is this refusal. Safe for concurrent use.
func (r *Refusal) Check(err error) error {
	err = RefusedBy(err, r.IDPrefix, r.What, r.Setting)
	var se *SettingError
	if errors.As(err, &se) {
		r.hit.Store(true)
	}
	return err
}

// Hint prints the remedy once when any request was refused this way.
func (r *Refusal) Hint(p *printer.Printer) {
	if !r.hit.Load() {
		return
	}
	if r.Alternative != "" {
		p.Errorf("hint: %s, or use `%s`", r.Setting.Remedy(), r.Alternative)
		return
	}
	p.Errorf("hint: %s", r.Setting.Remedy())
}
