package cmdutil

import (
	"errors"
	"strings"
	"sync"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/printer"
)

// Setting is a server configuration setting that can make the server refuse a request, such as
// ServiceSettings.EnableAPITeamDeletion. Messages name it with the environment variable that
// sets it, so an admin can fix the server whichever way it is configured.
type Setting struct {
	Key  string // dotted config.json path: "ServiceSettings.EnableAPITeamDeletion"
	Want string // the value the request needs: "true"
	// Fix, when set, is the remedy in place of "set Key to Want (System Console, …)": for a
	// setting the System Console cannot change, or one without a single right value.
	Fix string
}

// UserAccessTokensSetting allows personal access tokens, bots' included.
var UserAccessTokensSetting = Setting{Key: "ServiceSettings.EnableUserAccessTokens", Want: "true"}

// Env is the MM_* environment variable that overrides the setting.
func (s Setting) Env() string {
	return "MM_" + strings.ToUpper(strings.ReplaceAll(s.Key, ".", "_"))
}

// Remedy says how to change the setting, in one clause (for a hint line).
func (s Setting) Remedy() string {
	if s.Fix != "" {
		return s.Fix
	}
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
	return withRequestID(e.What+" is disabled on the server ("+e.Setting.Key+", "+e.Setting.Env()+")", e.Err)
}

// RefusedBy returns a *SettingError when err is the server's answer with an error ID that
// starts with idPrefix (for example "api.team.delete_team.not_enabled"), and err otherwise.
func RefusedBy(err error, idPrefix, what string, s Setting) error {
	if e := client.AsError(err); e != nil && e.ID != "" && strings.HasPrefix(e.ID, idPrefix) {
		return &SettingError{What: what, Setting: s, Err: err}
	}
	return err
}

// SettingsError is a refusal that one of several server settings may cause, when the server's
// answer does not say which: it names them all, each with its environment variable.
type SettingsError struct {
	What     string // "uploading plugins"
	Settings []Setting
	Err      error
}

func (e *SettingsError) Error() string {
	names := make([]string, len(e.Settings))
	for i, s := range e.Settings {
		names[i] = s.Key + "=" + s.Want + " (" + s.Env() + ")"
	}
	return withRequestID(e.What+" is disabled on the server: it needs "+joinAnd(names), e.Err)
}

// RefusedError is a refusal explained in a sentence of its own (which names the setting). Like
// *SettingError its exit code is 1, the server's configuration, so it does not unwrap to the
// API error.
type RefusedError struct {
	Msg string
	Err error // the server's answer
}

func (e *RefusedError) Error() string { return withRequestID(e.Msg, e.Err) }

// withRequestID appends the request ID of err's API error, if any, to msg.
func withRequestID(msg string, err error) string {
	if apiErr := client.AsError(err); apiErr != nil && apiErr.RequestID != "" {
		return msg + " [request " + apiErr.RequestID + "]"
	}
	return msg
}

func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// HintedError is an error with a remedy, which client.Describe prints on the lines after it.
// The exit code is err's.
type HintedError struct {
	Err      error
	HintText string // one or more "hint: …" lines
}

// WithHint returns err with hint (one or more "hint: …" lines), or err when either is empty.
func WithHint(err error, hint string) error {
	if err == nil || hint == "" {
		return err
	}
	return &HintedError{Err: err, HintText: hint}
}

func (e *HintedError) Error() string { return e.Err.Error() }
func (e *HintedError) Unwrap() error { return e.Err }
func (e *HintedError) Hint() string  { return e.HintText }

// Refusals collects the settings that refused a run's requests, to give the remedy of each
// once, after the run (Hint) or after its final error (Attach). Safe for concurrent use; the
// zero value is ready.
type Refusals struct {
	mu  sync.Mutex
	hit []refused
}

type refused struct {
	setting     Setting
	alternative string
}

// Record notes that s refused a request; alternative (optional) is what to do instead, such as
// "matterctl team archive".
func (r *Refusals) Record(s Setting, alternative string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, h := range r.hit {
		if h.setting == s {
			return
		}
	}
	r.hit = append(r.hit, refused{setting: s, alternative: alternative})
}

// Refuse records settings and returns the refusal: a *SettingError for one setting, a
// *SettingsError for several that the server's answer err does not tell apart.
func (r *Refusals) Refuse(what string, err error, settings ...Setting) error {
	for _, s := range settings {
		r.Record(s, "")
	}
	if len(settings) == 1 {
		return &SettingError{What: what, Setting: settings[0], Err: err}
	}
	return &SettingsError{What: what, Settings: settings, Err: err}
}

// Hints are the "hint: …" lines of the settings recorded so far, in the order they refused.
func (r *Refusals) Hints() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.hit))
	for _, h := range r.hit {
		line := "hint: " + h.setting.Remedy()
		if h.alternative != "" {
			line += ", or use `" + h.alternative + "`"
		}
		out = append(out, line)
	}
	return out
}

// Hint prints the hints, for a run that reported its failures one by one.
func (r *Refusals) Hint(p *printer.Printer) {
	for _, h := range r.Hints() {
		p.Errorf("%s", h)
	}
}

// Attach returns err carrying the hints, for a run that ends with that error: they print after
// its error line.
func (r *Refusals) Attach(err error) error {
	return WithHint(err, strings.Join(r.Hints(), "\n"))
}

// Refusal is one server setting that can refuse a verb's requests, for a multi-argument verb:
// Check turns each such refusal into a *SettingError (one short line per argument), and Hint
// then gives the remedy once, after the run.
type Refusal struct {
	IDPrefix    string  // the server's error ID for the refusal, or its prefix
	What        string  // "team deletion through the API"
	Setting     Setting // what would allow it
	Alternative string  // what to do instead, such as "matterctl team archive"; optional
	refusals    Refusals
}

// Check returns err, or a *SettingError when err is this refusal. Safe for concurrent use.
func (r *Refusal) Check(err error) error {
	err = RefusedBy(err, r.IDPrefix, r.What, r.Setting)
	var se *SettingError
	if errors.As(err, &se) {
		r.refusals.Record(r.Setting, r.Alternative)
	}
	return err
}

// Hint prints the remedy once when any request was refused this way.
func (r *Refusal) Hint(p *printer.Printer) { r.refusals.Hint(p) }
