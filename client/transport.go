package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

const (
	// retryBaseDelay is the first backoff step; it doubles per retry up to retryMaxDelay.
	retryBaseDelay = 500 * time.Millisecond
	retryMaxDelay  = 8 * time.Second

	// maxErrorBody bounds how much of an error response is read to normalise it.
	maxErrorBody = 1 << 20
	// maxDrain bounds how much of a discarded response is read so its connection can be reused.
	maxDrain = 64 << 10
	// errorSnippetLen is how many characters of a non-JSON error body make it into the message.
	errorSnippetLen = 200
)

type idempotentKey struct{}

// WithIdempotent marks requests made with ctx as safe to repeat, so the transport retries them
// like a GET. Use it for read-only POSTs such as POST /users/usernames.
func WithIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

// isIdempotent reports whether a request may be sent again: reads, PUTs (they set a value)
// except a password change that gives the current password, the POSTs that set a state, and
// requests marked with WithIdempotent. DELETE is left out although HTTP calls it idempotent: a
// permanent delete that succeeded behind a 502 would fail as 404 when repeated, and report a
// success as a failure.
func isIdempotent(req *http.Request) bool {
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	case http.MethodPut:
		return !checksCurrentPassword(req)
	case http.MethodPost:
		if settingPost(req.URL.Path) {
			return true
		}
	}
	marked, _ := req.Context().Value(idempotentKey{}).(bool)
	return marked
}

// apiRoute is the part of an API path after /api/v4/, split on "/"; nil for other paths. The
// server may be served under a subpath (https://host/mattermost/api/v4/...).
func apiRoute(path string) []string {
	i := strings.LastIndex(path, "/api/v4/")
	if i < 0 {
		return nil
	}
	return strings.Split(strings.Trim(path[i+len("/api/v4/"):], "/"), "/")
}

// settingPost reports the POST routes that set a state rather than add something: sent twice,
// they leave the server as sent once and are answered the same. Enabling or disabling a bot or
// a plugin, giving a bot an owner, restoring a team. Restoring a channel is not one of them: the
// server refuses to restore a channel that is not archived (400).
func settingPost(path string) bool {
	r := apiRoute(path)
	switch {
	case len(r) == 3 && r[0] == "bots" && (r[2] == "enable" || r[2] == "disable"):
		return true
	case len(r) == 4 && r[0] == "bots" && r[2] == "assign":
		return true
	case len(r) == 3 && r[0] == "plugins" && (r[2] == "enable" || r[2] == "disable"):
		return true
	case len(r) == 3 && r[0] == "teams" && r[2] == "restore":
		return true
	}
	return false
}

// checksCurrentPassword reports a password change that gives the current password (PUT
// /users/{id}/password with current_password): once it succeeded, the password sent as current
// is no longer it, and a second attempt would be refused, reporting a success as a failure.
func checksCurrentPassword(req *http.Request) bool {
	r := apiRoute(req.URL.Path)
	if len(r) != 3 || r[0] != "users" || r[2] != "password" {
		return false
	}
	if req.GetBody == nil {
		return true
	}
	rc, err := req.GetBody()
	if err != nil {
		return true
	}
	defer rc.Close()
	var body struct {
		Current string `json:"current_password"`
	}
	if json.NewDecoder(io.LimitReader(rc, maxErrorBody)).Decode(&body) != nil {
		return true
	}
	return body.Current != ""
}

// gatewayNote ends the message of a 502 or 504 answered to a request that is not sent again: the
// gateway in front of the server may have passed the request on before it failed.
const gatewayNote = "; a gateway answered in the server's place, so the server may have made the change"

// AnswerLostError is the failure of an API request that changes something when the connection
// broke before the answer arrived: the server may have made the change. The request is not sent
// again (that could make the change twice), and the message says so. Webhook posts (outside
// /api/v4/) are left to the command that sends them, which words its own message.
type AnswerLostError struct{ Err error }

func (e *AnswerLostError) Error() string {
	return e.Err.Error() + ": the connection broke before the answer arrived, so the server may have made the change"
}

func (e *AnswerLostError) Unwrap() error { return e.Err }

// Hint replaces the hint of a network failure (check the URL): the server was reached.
func (e *AnswerLostError) Hint() string {
	return "hint: check on the server whether the change was made before running the command again; the request was not sent twice so that the change is not made twice"
}

// lostAnswer reports a broken connection once a request was written: the server may have
// received it whole and acted on it.
func lostAnswer(err error) bool {
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// transport is matterctl's http.RoundTripper: it sets the User-Agent, retries idempotent
// requests on transient failures, and rewrites error bodies that are not Mattermost JSON so
// model.Client4 always returns an *model.AppError carrying the HTTP status.
//
// It never logs, and nothing it builds contains request headers, so the Authorization header
// cannot leak through it.
type transport struct {
	base       http.RoundTripper
	userAgent  string
	maxRetries int
	maxWait    time.Duration

	// Replaced in tests so that retry waits are recorded instead of slept.
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(d time.Duration) time.Duration
	now    func() time.Time
}

func newTransport(base http.RoundTripper, opts Options) *transport {
	return &transport{
		base:       base,
		userAgent:  opts.UserAgent,
		maxRetries: opts.maxRetries(),
		maxWait:    opts.retryMaxWait(),
		sleep:      sleepCtx,
		jitter:     equalJitter,
		now:        time.Now,
	}
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	// A 429 is retried whatever the method: the server (or the proxy in front of it) refused
	// the request before acting on it, so sending it again cannot do anything twice. Other
	// transient failures are retried only for requests that are safe to repeat.
	rewindable := t.maxRetries > 0 && (req.Body == nil || req.Body == http.NoBody || req.GetBody != nil)
	idempotent := isIdempotent(req)
	// An API request that is not sent again after a broken connection or a gateway's 502 or
	// 504 may have been acted on: its error says so.
	unsure := !idempotent && apiRoute(req.URL.Path) != nil
	finish := func(resp *http.Response, err error) (*http.Response, error) {
		if err == nil && resp.StatusCode >= 400 {
			note := ""
			if unsure && (resp.StatusCode == http.StatusBadGateway || resp.StatusCode == http.StatusGatewayTimeout) {
				note = gatewayNote
			}
			normaliseErrorBody(resp, note)
		}
		return resp, err
	}

	var waited time.Duration
	body := req.Body
	for attempt := 0; ; attempt++ {
		r := req.Clone(ctx)
		r.Body = body
		if t.userAgent != "" {
			r.Header.Set("User-Agent", t.userAgent)
		}
		resp, err := t.base.RoundTrip(r)

		canRetry := rewindable && (idempotent || (err == nil && resp.StatusCode == http.StatusTooManyRequests))
		if unsure && err != nil && ctx.Err() == nil && lostAnswer(err) {
			return nil, &AnswerLostError{Err: err}
		}
		if !canRetry || attempt >= t.maxRetries || ctx.Err() != nil || !retryable(resp, err) {
			return finish(resp, err)
		}
		wait := t.backoff(attempt, resp)
		if wait < 0 || waited+wait > t.maxWait || !beforeDeadline(ctx, t.now().Add(wait)) {
			// The server asked for a longer pause than we are willing to wait, or the call's
			// deadline would pass first: report what we have rather than a timeout.
			return finish(resp, err)
		}
		if req.GetBody != nil {
			next, gerr := req.GetBody()
			if gerr != nil {
				return finish(resp, err)
			}
			body = next
		}
		discard(resp)
		if err := t.sleep(ctx, wait); err != nil {
			if body != nil {
				body.Close()
			}
			return nil, err
		}
		waited += wait
	}
}

// retryable reports a transient failure: the server or a proxy in front of it is overloaded or
// restarting, or the connection broke before an answer arrived.
func retryable(resp *http.Response, err error) bool {
	if err != nil {
		// A refused connection is not retried: it almost always means a wrong URL or a stopped
		// server, and the user should hear that at once.
		return errors.Is(err, syscall.ECONNRESET) ||
			errors.Is(err, io.EOF) ||
			errors.Is(err, io.ErrUnexpectedEOF)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff is the pause before retry number attempt+1: the server's Retry-After when it sent
// one, else exponential backoff with jitter. Negative means Retry-After could not be honoured.
func (t *transport) backoff(attempt int, resp *http.Response) time.Duration {
	if resp != nil {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), t.now()); ok {
			return d
		}
	}
	d := retryBaseDelay << attempt
	if d > retryMaxDelay || d <= 0 {
		d = retryMaxDelay
	}
	return t.jitter(d)
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(24*time.Hour/time.Second) {
			return -1, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if when, err := http.ParseTime(v); err == nil {
		d := when.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// equalJitter spreads retries of many clients: a wait between d/2 and d.
func equalJitter(d time.Duration) time.Duration {
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

func beforeDeadline(ctx context.Context, t time.Time) bool {
	deadline, ok := ctx.Deadline()
	return !ok || t.Before(deadline)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// discard drains a response that will not be returned so its connection can be reused.
func discard(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	resp.Body.Close()
}

// normaliseErrorBody makes an error response decodable by model.AppErrorFromJSON with the
// status set: Mattermost JSON errors get status_code when they lack it, anything else (a proxy's
// HTML page, plain text, an empty body) is replaced by an AppError-shaped document.
//
// note, when not empty, is added to the message.
func normaliseErrorBody(resp *http.Response, note string) {
	var raw []byte
	if resp.Body != nil {
		raw, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
	}
	requestID := resp.Header.Get("X-Request-Id")

	var doc map[string]json.RawMessage
	if json.Unmarshal(raw, &doc) == nil && doc != nil && (doc["id"] != nil || doc["message"] != nil) {
		changed := false
		var message string
		if note != "" && json.Unmarshal(doc["message"], &message) == nil {
			doc["message"], _ = json.Marshal(message + note)
			changed = true
		}
		if !positiveNumber(doc["status_code"]) {
			doc["status_code"] = json.RawMessage(strconv.Itoa(resp.StatusCode))
			changed = true
		}
		if requestID != "" && !nonEmptyString(doc["request_id"]) {
			doc["request_id"], _ = json.Marshal(requestID)
			changed = true
		}
		if !changed {
			setBody(resp, raw)
			return
		}
		if out, err := json.Marshal(doc); err == nil {
			setBody(resp, out)
			resp.Header.Del("Content-Encoding")
			return
		}
	}

	status := http.StatusText(resp.StatusCode)
	if status == "" {
		status = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	msg := status
	if text := bodyText(raw, resp.Header.Get("Content-Type")); text != "" {
		msg += ": " + text
	}
	msg += note
	out, _ := json.Marshal(struct {
		ID         string `json:"id"`
		Message    string `json:"message"`
		StatusCode int    `json:"status_code"`
		RequestID  string `json:"request_id"`
	}{"http.status." + strconv.Itoa(resp.StatusCode), msg, resp.StatusCode, requestID})
	setBody(resp, out)
	resp.Header.Set("Content-Type", "application/json")
	resp.Header.Del("Content-Encoding")
}

func setBody(resp *http.Response, b []byte) {
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
}

func positiveNumber(v json.RawMessage) bool {
	var n float64
	return v != nil && json.Unmarshal(v, &n) == nil && n > 0
}

func nonEmptyString(v json.RawMessage) bool {
	var s string
	return v != nil && json.Unmarshal(v, &s) == nil && s != ""
}

// bodyText is the start of an error body as one line of text: tags stripped from HTML,
// whitespace collapsed, cut to errorSnippetLen characters.
func bodyText(raw []byte, contentType string) string {
	if !utf8.Valid(raw) {
		raw = bytes.ToValidUTF8(raw, []byte("\uFFFD"))
	}
	s := strings.TrimSpace(string(raw))
	if strings.Contains(contentType, "html") || strings.HasPrefix(s, "<") {
		s = html.UnescapeString(stripTags(s))
	}
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > errorSnippetLen {
		runes := []rune(s)
		s = strings.TrimSpace(string(runes[:errorSnippetLen])) + "…"
	}
	return s
}

// stripTags removes markup, and the content of script and style elements, which is never the
// part a person wants to read in an error message.
func stripTags(s string) string {
	var b strings.Builder
	skipUntil := ""
	for len(s) > 0 {
		lt := strings.IndexByte(s, '<')
		if lt < 0 {
			if skipUntil == "" {
				b.WriteString(s)
			}
			break
		}
		if skipUntil == "" {
			b.WriteString(s[:lt])
		}
		s = s[lt:]
		gt := strings.IndexByte(s, '>')
		if gt < 0 {
			break
		}
		tag := strings.ToLower(s[1:gt])
		s = s[gt+1:]
		b.WriteByte(' ')
		if tag == "" {
			continue
		}
		name := strings.TrimPrefix(tag, "/")
		if i := strings.IndexAny(name, " \t\r\n/"); i >= 0 {
			name = name[:i]
		}
		switch {
		case skipUntil != "":
			if tag[0] == '/' && name == skipUntil {
				skipUntil = ""
			}
		case name == "script" || name == "style":
			if !strings.HasSuffix(tag, "/") && tag[0] != '/' {
				skipUntil = name
			}
		}
	}
	return b.String()
}
