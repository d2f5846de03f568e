// Package httpstub is an http.RoundTripper for unit tests: requests are answered by registered
// stubs, a request no stub matches fails, and Verify reports stubs that were never used.
//
// A stub answers one request unless registered with Times or AnyTimes; register a stub twice to
// answer two calls. Stubs are tried in registration order, so two stubs for the same request
// answer the first and second calls in turn. A Registry is safe for concurrent use.
package httpstub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

// Matcher decides whether a stub answers a request.
type Matcher interface {
	Matches(req *http.Request) bool
	String() string
}

type matcherFunc struct {
	desc string
	fn   func(*http.Request) bool
}

func (m matcherFunc) Matches(req *http.Request) bool { return m.fn(req) }
func (m matcherFunc) String() string                 { return m.desc }

// MatcherFunc makes a Matcher from a function; desc names it in failure messages.
func MatcherFunc(desc string, fn func(req *http.Request) bool) Matcher {
	return matcherFunc{desc: desc, fn: fn}
}

// REST matches the method and the URL path (without the query), e.g. REST("GET", "/api/v4/users/me").
func REST(method, path string) Matcher {
	return MatcherFunc(strings.ToUpper(method)+" "+path, func(req *http.Request) bool {
		return strings.EqualFold(req.Method, method) && req.URL.Path == path
	})
}

// QueryMatcher is REST plus the query: every key of query must be present with exactly these
// values; other query parameters are ignored.
func QueryMatcher(method, path string, query url.Values) Matcher {
	rest := REST(method, path)
	return MatcherFunc(rest.String()+"?"+query.Encode(), func(req *http.Request) bool {
		if !rest.Matches(req) {
			return false
		}
		got := req.URL.Query()
		for k, want := range query {
			if !slices.Equal(got[k], want) {
				return false
			}
		}
		return true
	})
}

// Responder builds the answer to a matched request. The request body can be read again: the
// registry buffers it before calling the responder. Returning an error simulates a network
// failure.
type Responder func(req *http.Request) (*http.Response, error)

// StringResponse answers status with body as text/plain.
func StringResponse(status int, body string) Responder {
	return func(req *http.Request) (*http.Response, error) {
		return newResponse(req, status, "text/plain; charset=utf-8", []byte(body)), nil
	}
}

// StatusStringResponse answers status with body as text/plain.
func StatusStringResponse(status int, body string) Responder { return StringResponse(status, body) }

// JSONResponse answers status with body encoded as JSON. A []byte or json.RawMessage body is
// sent as is.
func JSONResponse(status int, body any) Responder {
	var b []byte
	var err error
	switch v := body.(type) {
	case []byte:
		b = v
	case json.RawMessage:
		b = v
	default:
		b, err = json.Marshal(body)
	}
	return func(req *http.Request) (*http.Response, error) {
		if err != nil {
			return nil, fmt.Errorf("httpstub: encoding the JSON response: %w", err)
		}
		return newResponse(req, status, "application/json", b), nil
	}
}

// AppErrorResponse answers with a Mattermost error document as the server sends it: with
// status_code (which *model.Client4 needs to report the HTTP status) and a request ID, also in
// the X-Request-Id header ("req-" and the status).
func AppErrorResponse(status int, id, message string) Responder {
	requestID := "req-" + strconv.Itoa(status)
	return WithHeader(JSONResponse(status, map[string]any{
		"id": id, "message": message, "detailed_error": "", "request_id": requestID, "status_code": status,
	}), "X-Request-Id", requestID)
}

// ErrorResponder fails the request as a network error would (connection refused, timeout).
func ErrorResponder(err error) Responder {
	return func(*http.Request) (*http.Response, error) { return nil, err }
}

// WithHeader adds a response header to what responder answers.
func WithHeader(responder Responder, key, value string) Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp, err := responder(req)
		if resp != nil {
			resp.Header.Add(key, value)
		}
		return resp, err
	}
}

// Inspect calls check with the request and its body (for assertions), then answers with next.
func Inspect(check func(req *http.Request, body []byte), next Responder) Responder {
	return func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		check(req, body)
		return next(req)
	}
}

func newResponse(req *http.Request, status int, contentType string, body []byte) *http.Response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", status, http.StatusText(status)),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

// StubOption changes how many requests a stub answers.
type StubOption func(*stub)

// Times makes the stub answer exactly n requests (Verify reports fewer).
func Times(n int) StubOption { return func(s *stub) { s.limit = n } }

// AnyTimes makes the stub answer any number of requests, including none: Verify never reports
// it. Use it for requests that may or may not happen (prefetched pages past the end of a list).
func AnyTimes() StubOption { return func(s *stub) { s.limit = -1 } }

type stub struct {
	matcher   Matcher
	responder Responder
	limit     int // -1: unlimited
	matched   int
}

func (s *stub) exhausted() bool { return s.limit >= 0 && s.matched >= s.limit }

// Request is a request the registry received, with its body.
type Request struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte
	// Matched is false for a request no stub answered.
	Matched bool
}

// Registry answers HTTP requests from registered stubs. The zero value is ready to use.
type Registry struct {
	mu         sync.Mutex
	stubs      []*stub
	requests   []Request
	unexpected []string
}

// New returns a Registry that is verified when the test ends.
func New(t testing.TB) *Registry {
	r := &Registry{}
	t.Cleanup(func() { r.Verify(t) })
	return r
}

// Register adds a stub: responder answers the next request matcher accepts, once unless an
// option says otherwise.
func (r *Registry) Register(matcher Matcher, responder Responder, opts ...StubOption) {
	s := &stub{matcher: matcher, responder: responder, limit: 1}
	for _, o := range opts {
		o(s)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stubs = append(r.stubs, s)
}

// RoundTrip implements http.RoundTripper.
func (r *Registry) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("httpstub: reading the request body: %w", err)
		}
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	// RoundTrip must not modify the caller's request: matchers and responders get a copy.
	req = req.Clone(req.Context())
	rec := Request{Method: req.Method, URL: req.URL, Header: req.Header, Body: body}

	r.mu.Lock()
	var found *stub
	for _, s := range r.stubs {
		if s.exhausted() {
			continue
		}
		// The matcher sees a fresh copy of the body, should it read it.
		req.Body = io.NopCloser(bytes.NewReader(body))
		if s.matcher.Matches(req) {
			found = s
			s.matched++
			break
		}
	}
	rec.Matched = found != nil
	r.requests = append(r.requests, rec)
	if found == nil {
		desc := req.Method + " " + req.URL.String()
		r.unexpected = append(r.unexpected, desc)
		r.mu.Unlock()
		return nil, fmt.Errorf("httpstub: no stub for %s", desc)
	}
	r.mu.Unlock()

	req.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := found.responder(req)
	if err != nil {
		return nil, err
	}
	if resp == nil {
		return nil, fmt.Errorf("httpstub: the responder for %s returned no response", found.matcher)
	}
	if resp.Request == nil {
		resp.Request = req
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	if resp.Body == nil {
		resp.Body = http.NoBody
	}
	return resp, nil
}

// Requests returns every request received so far, in order, including unexpected ones.
func (r *Registry) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.requests)
}

// Verify fails the test for stubs that answered fewer requests than registered for, and for
// requests no stub matched (the code under test may have swallowed the error).
func (r *Registry) Verify(t testing.TB) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.stubs {
		if s.limit >= 0 && s.matched < s.limit {
			t.Errorf("httpstub: stub %s answered %d of %d expected request(s)", s.matcher, s.matched, s.limit)
		}
	}
	for _, u := range r.unexpected {
		t.Errorf("httpstub: unexpected request %s", u)
	}
}

// Client returns an HTTP client whose requests the registry answers.
func (r *Registry) Client() *http.Client {
	return &http.Client{Transport: r}
}

// Client4 returns a Mattermost API client for serverURL (no /api/v4) and token ("" for none)
// whose requests the registry answers.
func (r *Registry) Client4(serverURL, token string) *model.Client4 {
	c := model.NewAPIv4Client(serverURL)
	c.HTTPClient = r.Client()
	if token != "" {
		c.SetToken(token)
	}
	return c
}
