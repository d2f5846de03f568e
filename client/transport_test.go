package client

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

// step is one canned answer of a scripted test server.
type step struct {
	status     int
	header     map[string]string
	body       string
	hangup     bool // close the connection without answering
	reset      bool // abort the connection with a TCP RST
	cancelCtx  bool // cancel the test's context while answering
	wantMethod string
}

// scriptServer answers the nth request with steps[n] (the last step repeats) and records what
// each request looked like.
type scriptServer struct {
	*httptest.Server
	mu       sync.Mutex
	steps    []step
	requests []recorded
	cancel   context.CancelFunc
}

type recorded struct {
	method, userAgent, auth, body string
}

func newScriptServer(t *testing.T, steps ...step) *scriptServer {
	t.Helper()
	s := &scriptServer{steps: steps}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *scriptServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	n := len(s.requests)
	s.requests = append(s.requests, recorded{r.Method, r.Header.Get("User-Agent"), r.Header.Get("Authorization"), string(body)})
	st := s.steps[min(n, len(s.steps)-1)]
	cancel := s.cancel
	s.mu.Unlock()

	if st.cancelCtx && cancel != nil {
		cancel()
	}
	if st.hangup || st.reset {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		if tcp, ok := conn.(*net.TCPConn); ok && st.reset {
			_ = tcp.SetLinger(0)
		}
		conn.Close()
		return
	}
	for k, v := range st.header {
		w.Header().Set(k, v)
	}
	w.WriteHeader(st.status)
	_, _ = io.WriteString(w, st.body)
}

func (s *scriptServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func (s *scriptServer) recorded() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.requests...)
}

// testClient builds the production HTTP client with retry waits recorded instead of slept.
func testClient(t *testing.T, opts Options) (*http.Client, *[]time.Duration) {
	t.Helper()
	hc, err := NewHTTPClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	waits := &[]time.Duration{}
	tr := hc.Transport.(*transport)
	tr.jitter = func(d time.Duration) time.Duration { return d }
	tr.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*waits = append(*waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return hc, waits
}

func TestTransportUserAgent(t *testing.T) {
	srv := newScriptServer(t, step{status: 200, body: "{}"})
	hc, _ := testClient(t, Options{UserAgent: "matterctl/1.2.3"})

	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("X-Caller", "yes")
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	if got := srv.recorded()[0].userAgent; got != "matterctl/1.2.3" {
		t.Errorf("User-Agent = %q, want matterctl/1.2.3", got)
	}
	if req.Header.Get("User-Agent") != "" || len(req.Header) != 1 {
		t.Errorf("caller's request was modified: %v", req.Header)
	}
}

func TestTransportRetries(t *testing.T) {
	ok := step{status: 200, body: `{"ok":true}`}
	unavailable := step{status: 503, body: "down"}

	tests := []struct {
		name       string
		method     string
		idempotent bool
		body       string
		noGetBody  bool
		maxRetries int
		maxWait    time.Duration
		steps      []step
		wantCount  int
		wantStatus int
		wantErr    bool
		wantWaits  []time.Duration
	}{
		{name: "GET 503 then 200", method: "GET", steps: []step{unavailable, ok}, wantCount: 2, wantStatus: 200, wantWaits: []time.Duration{retryBaseDelay}},
		{name: "GET 502 504 429 then 200", method: "GET", steps: []step{{status: 502}, {status: 504}, {status: 429}, ok}, wantCount: 4, wantStatus: 200,
			wantWaits: []time.Duration{retryBaseDelay, 2 * retryBaseDelay, 4 * retryBaseDelay}},
		{name: "HEAD retried", method: "HEAD", steps: []step{unavailable, ok}, wantCount: 2, wantStatus: 200, wantWaits: []time.Duration{retryBaseDelay}},
		{name: "DELETE not retried", method: "DELETE", steps: []step{unavailable, ok}, wantCount: 1, wantStatus: 503},
		{name: "PUT retried and body resent", method: "PUT", body: `{"a":1}`, steps: []step{unavailable, ok}, wantCount: 2, wantStatus: 200, wantWaits: []time.Duration{retryBaseDelay}},
		{name: "PUT without GetBody not retried", method: "PUT", body: `{"a":1}`, noGetBody: true, steps: []step{unavailable, ok}, wantCount: 1, wantStatus: 503},
		{name: "POST not retried", method: "POST", body: `{}`, steps: []step{unavailable, ok}, wantCount: 1, wantStatus: 503},
		{name: "POST 429 retried: the server did not act on it", method: "POST", body: `{}`, steps: []step{{status: 429, header: map[string]string{"Retry-After": "1"}}, ok}, wantCount: 2, wantStatus: 200, wantWaits: []time.Duration{time.Second}},
		{name: "DELETE 429 retried", method: "DELETE", steps: []step{{status: 429}, ok}, wantCount: 2, wantStatus: 200, wantWaits: []time.Duration{retryBaseDelay}},
		{name: "POST 429 then 503 not retried again", method: "POST", body: `{}`, steps: []step{{status: 429}, unavailable, ok}, wantCount: 2, wantStatus: 503, wantWaits: []time.Duration{retryBaseDelay}},
		{name: "POST 429 without GetBody not retried", method: "POST", body: `{}`, noGetBody: true, steps: []step{{status: 429}, ok}, wantCount: 1, wantStatus: 429},
		{name: "PATCH not retried", method: "PATCH", body: `{}`, steps: []step{unavailable, ok}, wantCount: 1, wantStatus: 503},
		{name: "POST marked idempotent retried", method: "POST", idempotent: true, body: `["alice"]`, steps: []step{unavailable, ok}, wantCount: 2, wantStatus: 200, wantWaits: []time.Duration{retryBaseDelay}},
		{name: "500 not retried", method: "GET", steps: []step{{status: 500}, ok}, wantCount: 1, wantStatus: 500},
		{name: "404 not retried", method: "GET", steps: []step{{status: 404}, ok}, wantCount: 1, wantStatus: 404},
		{name: "retries bounded by default count", method: "GET", steps: []step{unavailable}, wantCount: 4, wantStatus: 503,
			wantWaits: []time.Duration{retryBaseDelay, 2 * retryBaseDelay, 4 * retryBaseDelay}},
		{name: "retries bounded by MaxRetries", method: "GET", maxRetries: 1, steps: []step{unavailable}, wantCount: 2, wantStatus: 503, wantWaits: []time.Duration{retryBaseDelay}},
		{name: "negative MaxRetries disables retries", method: "GET", maxRetries: -1, steps: []step{unavailable, ok}, wantCount: 1, wantStatus: 503},
		{name: "retries bounded by total wait", method: "GET", maxWait: 1600 * time.Millisecond, steps: []step{unavailable}, wantCount: 3, wantStatus: 503,
			wantWaits: []time.Duration{retryBaseDelay, 2 * retryBaseDelay}},
		{name: "Retry-After seconds honoured", method: "GET", steps: []step{{status: 429, header: map[string]string{"Retry-After": "2"}}, ok}, wantCount: 2, wantStatus: 200,
			wantWaits: []time.Duration{2 * time.Second}},
		{name: "Retry-After longer than budget gives up", method: "GET", steps: []step{{status: 503, header: map[string]string{"Retry-After": "3600"}}, ok}, wantCount: 1, wantStatus: 503},
		{name: "connection closed before answer retried", method: "GET", steps: []step{{hangup: true}, ok}, wantCount: 2, wantStatus: 200, wantWaits: []time.Duration{retryBaseDelay}},
		{name: "connection reset retried", method: "GET", steps: []step{{reset: true}, ok}, wantCount: 2, wantStatus: 200, wantWaits: []time.Duration{retryBaseDelay}},
		{name: "POST connection reset not retried", method: "POST", body: "{}", steps: []step{{reset: true}, ok}, wantCount: 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, tt.steps...)
			hc, waits := testClient(t, Options{MaxRetries: tt.maxRetries, RetryMaxWait: tt.maxWait})

			ctx := context.Background()
			if tt.idempotent {
				ctx = WithIdempotent(ctx)
			}
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
				if tt.noGetBody {
					body = io.NopCloser(body)
				}
			}
			req, err := http.NewRequestWithContext(ctx, tt.method, srv.URL, body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Do(req)
			if tt.wantErr {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("want an error, got status %d", resp.StatusCode)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tt.wantStatus {
					t.Errorf("status = %d, want %d", resp.StatusCode, tt.wantStatus)
				}
			}
			if got := srv.count(); got != tt.wantCount {
				t.Errorf("server saw %d requests, want %d", got, tt.wantCount)
			}
			if !equalDurations(*waits, tt.wantWaits) {
				t.Errorf("waits = %v, want %v", *waits, tt.wantWaits)
			}
			for i, r := range srv.recorded() {
				if r.body != tt.body && !tt.steps[min(i, len(tt.steps)-1)].reset && !tt.steps[min(i, len(tt.steps)-1)].hangup {
					t.Errorf("request %d body = %q, want %q", i, r.body, tt.body)
				}
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTransportRetryAfterDate(t *testing.T) {
	when := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	srv := newScriptServer(t, step{status: 503, header: map[string]string{"Retry-After": when}}, step{status: 200})
	hc, waits := testClient(t, Options{})

	resp, err := hc.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || srv.count() != 2 {
		t.Fatalf("status %d after %d requests, want 200 after 2", resp.StatusCode, srv.count())
	}
	if len(*waits) != 1 || (*waits)[0] < time.Second || (*waits)[0] > 3*time.Second {
		t.Errorf("waits = %v, want one wait of 1s-3s (HTTP dates have 1s resolution)", *waits)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{" 7 ", 7 * time.Second, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"99999999", -1, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestTransportBackoffJitterBounds(t *testing.T) {
	tr := newTransport(http.DefaultTransport, Options{})
	for attempt := range 8 {
		full := min(retryBaseDelay<<attempt, retryMaxDelay)
		for range 50 {
			if d := tr.backoff(attempt, nil); d < full/2 || d > full {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", attempt, d, full/2, full)
			}
		}
	}
}

func TestTransportContextStopsRetries(t *testing.T) {
	t.Run("cancelled while the server answers", func(t *testing.T) {
		srv := newScriptServer(t, step{status: 503, cancelCtx: true}, step{status: 200})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		srv.cancel = cancel
		hc, waits := testClient(t, Options{})

		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		if srv.count() != 1 || len(*waits) != 0 {
			t.Errorf("server saw %d requests after %d waits, want 1 and none", srv.count(), len(*waits))
		}
	})

	t.Run("cancelled during the wait", func(t *testing.T) {
		srv := newScriptServer(t, step{status: 503}, step{status: 200})
		hc, err := NewHTTPClient(Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		tr := hc.Transport.(*transport)
		tr.sleep = func(ctx context.Context, d time.Duration) error {
			cancel()
			return sleepCtx(ctx, time.Hour)
		}

		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		start := time.Now()
		_, err = hc.Do(req)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if srv.count() != 1 || time.Since(start) > 10*time.Second {
			t.Errorf("server saw %d requests in %v, want 1 promptly", srv.count(), time.Since(start))
		}
	})

	t.Run("deadline before the retry would happen", func(t *testing.T) {
		srv := newScriptServer(t, step{status: 503, header: map[string]string{"Retry-After": "5"}}, step{status: 200})
		hc, waits := testClient(t, Options{})
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()

		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 503 || srv.count() != 1 || len(*waits) != 0 {
			t.Errorf("got %d after %d requests and waits %v, want the 503 at once", resp.StatusCode, srv.count(), *waits)
		}
	})

	t.Run("real sleep is cut short by the deadline", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("sleepCtx = %v, want deadline exceeded", err)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("sleepCtx took %v", time.Since(start))
		}
	})
}

func TestTransportErrorBodies(t *testing.T) {
	const nginx502 = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n"
	long := strings.Repeat("x", 500)

	tests := []struct {
		name     string
		step     step
		want     map[string]any // expected fields of the rewritten body; nil: body untouched
		wantBody string         // exact body when untouched
	}{
		{
			name: "HTML from a proxy",
			step: step{status: 502, header: map[string]string{"Content-Type": "text/html", "X-Request-Id": "req1"}, body: nginx502},
			want: map[string]any{"id": "http.status.502", "message": "Bad Gateway: 502 Bad Gateway 502 Bad Gateway nginx/1.25.3", "status_code": 502.0, "request_id": "req1"},
		},
		{
			name: "empty body",
			step: step{status: 404},
			want: map[string]any{"id": "http.status.404", "message": "Not Found", "status_code": 404.0, "request_id": ""},
		},
		{
			name: "plain text is cut to 200 characters",
			step: step{status: 500, header: map[string]string{"Content-Type": "text/plain"}, body: "  " + long + "\n"},
			want: map[string]any{"id": "http.status.500", "message": "Internal Server Error: " + long[:200] + "…", "status_code": 500.0, "request_id": ""},
		},
		{
			name: "JSON that is not an AppError",
			step: step{status: 400, body: `{"error":"nope"}`},
			want: map[string]any{"id": "http.status.400", "message": `Bad Request: {"error":"nope"}`, "status_code": 400.0, "request_id": ""},
		},
		{
			name: "unknown status code",
			step: step{status: 520, body: "oops"},
			want: map[string]any{"id": "http.status.520", "message": "HTTP 520: oops", "status_code": 520.0, "request_id": ""},
		},
		{
			name: "AppError without status_code gets it",
			step: step{status: 403, header: map[string]string{"X-Request-Id": "req2"}, body: `{"id":"api.context.permissions.app_error","message":"You do not have the appropriate permissions.","detailed_error":"","is_oauth":false}`},
			want: map[string]any{"id": "api.context.permissions.app_error", "message": "You do not have the appropriate permissions.", "status_code": 403.0, "request_id": "req2", "detailed_error": "", "is_oauth": false},
		},
		{
			name:     "complete AppError untouched",
			step:     step{status: 404, header: map[string]string{"X-Request-Id": "req3"}, body: `{"id":"app.user.missing","message":"Not found.","status_code":404,"request_id":"req3"}`},
			wantBody: `{"id":"app.user.missing","message":"Not found.","status_code":404,"request_id":"req3"}`,
		},
		{
			name:     "success untouched",
			step:     step{status: 200, body: "<html>fine</html>"},
			wantBody: "<html>fine</html>",
		},
		{
			name:     "304 Not Modified untouched",
			step:     step{status: 304},
			wantBody: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, tt.step)
			hc, _ := testClient(t, Options{MaxRetries: -1})
			resp, err := hc.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tt.step.status {
				t.Errorf("status = %d, want %d", resp.StatusCode, tt.step.status)
			}
			if tt.want == nil {
				if string(raw) != tt.wantBody {
					t.Errorf("body = %q, want it untouched: %q", raw, tt.wantBody)
				}
				return
			}
			if resp.ContentLength != int64(len(raw)) || resp.Header.Get("Content-Length") != strconv.Itoa(len(raw)) {
				t.Errorf("ContentLength %d / header %q, body has %d bytes", resp.ContentLength, resp.Header.Get("Content-Length"), len(raw))
			}
			var got map[string]any
			if err := json.Unmarshal(raw, &got); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, raw)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %#v, want %#v", k, got[k], v)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("body has fields %v, want exactly %v", got, tt.want)
			}
		})
	}
}

func TestBodyText(t *testing.T) {
	tests := []struct {
		raw, contentType, want string
	}{
		{"", "", ""},
		{" \n\t ", "text/plain", ""},
		{"line one\n\nline   two", "text/plain", "line one line two"},
		{"<p>Tom &amp; Jerry</p>", "", "Tom & Jerry"},
		{"<html><head><style>p{color:red}</style><script>alert(1)</script><title>Oops</title></head><body>Gone</body></html>", "text/html", "Oops Gone"},
		{"<br/><>x<", "text/html", "x"},
		{strings.Repeat("é", 300), "text/plain", strings.Repeat("é", 200) + "…"},
		{"bad \xff byte", "text/plain", "bad \uFFFD byte"},
	}
	for _, tt := range tests {
		if got := bodyText([]byte(tt.raw), tt.contentType); got != tt.want {
			t.Errorf("bodyText(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

// Client4 must turn every error response into an *model.AppError with the status set, so that
// AsError works whatever sits between matterctl and the server.
func TestClient4Errors(t *testing.T) {
	const token = "s3cr3t-t0ken"
	tests := []struct {
		name        string
		step        step
		wantStatus  int
		wantID      string
		wantMessage string
		wantReqID   string
	}{
		{
			name:        "401 from Mattermost keeps its id",
			step:        step{status: 401, header: map[string]string{"Content-Type": "application/json", "X-Request-Id": "abc123"}, body: `{"id":"api.context.session_expired.app_error","message":"Invalid or expired session, please login again.","detailed_error":"","request_id":"abc123","status_code":401}`},
			wantStatus:  401,
			wantID:      "api.context.session_expired.app_error",
			wantMessage: "Invalid or expired session",
			wantReqID:   "abc123",
		},
		{
			name:        "401 without status_code",
			step:        step{status: 401, body: `{"id":"api.context.session_expired.app_error","message":"Invalid or expired session, please login again."}`},
			wantStatus:  401,
			wantID:      "api.context.session_expired.app_error",
			wantMessage: "Invalid or expired session",
		},
		{
			name:        "HTML 502 from a proxy",
			step:        step{status: 502, header: map[string]string{"Content-Type": "text/html"}, body: "<html><body><h1>502 Bad Gateway</h1></body></html>"},
			wantStatus:  502,
			wantID:      "http.status.502",
			wantMessage: "Bad Gateway",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, tt.step)
			c, err := New(Options{URL: srv.URL + "/", Token: token, UserAgent: "matterctl/test"})
			if err != nil {
				t.Fatal(err)
			}
			c.HTTPClient.Transport.(*transport).sleep = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }

			_, resp, err := c.GetMe(context.Background(), "")
			var appErr *model.AppError
			if !errors.As(err, &appErr) || appErr.StatusCode != tt.wantStatus {
				t.Fatalf("GetMe error = %#v, want *model.AppError with status %d", err, tt.wantStatus)
			}
			e := AsError(err)
			if e == nil {
				t.Fatalf("AsError(%v) = nil", err)
			}
			if e.Status != tt.wantStatus || e.ID != tt.wantID || !strings.Contains(e.Message, tt.wantMessage) || e.RequestID != tt.wantReqID {
				t.Errorf("got %+v, want status %d, id %q, message containing %q, request id %q", e, tt.wantStatus, tt.wantID, tt.wantMessage, tt.wantReqID)
			}
			if resp == nil || resp.StatusCode != tt.wantStatus {
				t.Errorf("response = %+v, want status %d", resp, tt.wantStatus)
			}
			if strings.Contains(err.Error(), token) || strings.Contains(Describe(err), token) {
				t.Errorf("error mentions the token: %v", err)
			}
			for _, r := range srv.recorded() {
				if r.auth != model.HeaderBearer+" "+token || r.userAgent != "matterctl/test" {
					t.Errorf("request carried Authorization %q, User-Agent %q", r.auth, r.userAgent)
				}
			}
		})
	}
}

func TestWithIdempotent(t *testing.T) {
	post := func(ctx context.Context) *http.Request {
		r, _ := http.NewRequestWithContext(ctx, http.MethodPost, "http://_/", nil)
		return r
	}
	if isIdempotent(post(context.Background())) {
		t.Error("plain POST reported idempotent")
	}
	if !isIdempotent(post(WithIdempotent(context.Background()))) {
		t.Error("marked POST not reported idempotent")
	}
}

// TestTransportRetriesByRoute: the routes whose method alone does not tell whether they are
// safe to repeat: the POSTs that set a state are retried after a 503, other POSTs are not, and
// a PUT of a password change that gives the current password is not.
func TestTransportRetriesByRoute(t *testing.T) {
	const id = "4xp9fdt8ptf3mfw8bftgpq3bnc"
	tests := []struct {
		method, path, body string
		want               int // requests the server sees: 2 when retried
	}{
		{"POST", "/api/v4/bots/" + id + "/enable", "", 2},
		{"POST", "/api/v4/bots/" + id + "/disable", "", 2},
		{"POST", "/api/v4/bots/" + id + "/assign/" + id, "", 2},
		{"POST", "/api/v4/plugins/com.example.demo/enable", "", 2},
		{"POST", "/api/v4/plugins/com.example.demo/disable", "", 2},
		{"POST", "/api/v4/teams/" + id + "/restore", "", 2},
		{"POST", "/mattermost/api/v4/teams/" + id + "/restore", "", 2},
		{"POST", "/api/v4/channels/" + id + "/restore", "", 1},
		{"POST", "/api/v4/channels/" + id + "/move", `{"team_id":"x"}`, 1},
		{"POST", "/api/v4/bots/" + id + "/convert_to_user", `{}`, 1},
		{"POST", "/api/v4/bots", `{"username":"b"}`, 1},
		{"POST", "/api/v4/teams/" + id + "/restore/more", "", 1},
		{"POST", "/elsewhere/bots/" + id + "/enable", "", 1},
		{"PUT", "/api/v4/users/" + id + "/password", `{"current_password":"old","new_password":"new"}`, 1},
		{"PUT", "/api/v4/users/" + id + "/password", `{"new_password":"new"}`, 2},
		{"PUT", "/api/v4/users/" + id + "/password", `{"current_password":"","new_password":"new"}`, 2},
		{"PUT", "/api/v4/users/" + id + "/password", `not json`, 1},
		{"PUT", "/api/v4/users/" + id + "/patch", `{"username":"x"}`, 2},
		{"PUT", "/api/v4/users/" + id + "/roles", `{"roles":"system_user"}`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path+" "+tt.body, func(t *testing.T) {
			srv := newScriptServer(t, step{status: 503}, step{status: 200, body: "{}"})
			hc, _ := testClient(t, Options{})
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := srv.count(); got != tt.want {
				t.Errorf("the server saw %d requests, want %d", got, tt.want)
			}
			for i, r := range srv.recorded() {
				if r.body != tt.body {
					t.Errorf("request %d body = %q, want %q", i, r.body, tt.body)
				}
			}
		})
	}
}

// TestTransportAnswerLost: an API request that is not sent again after the connection broke
// fails with an error that says the server may have made the change, and a hint that does not
// send the user to the URL; requests that are safe to repeat are sent again instead, and
// webhook posts (outside the API) are left to their command.
func TestTransportAnswerLost(t *testing.T) {
	ok := step{status: 200, body: "{}"}
	tests := []struct {
		name, method, path string
		first              step
		wantLost           bool
		wantCount          int
	}{
		{"POST create, closed", "POST", "/api/v4/channels", step{hangup: true}, true, 1},
		{"DELETE, reset", "DELETE", "/api/v4/users/u1?permanent=true", step{reset: true}, true, 1},
		{"POST under a subpath", "POST", "/mm/api/v4/teams", step{hangup: true}, true, 1},
		{"webhook post", "POST", "/hooks/abc", step{hangup: true}, false, 1},
		{"PUT retried", "PUT", "/api/v4/teams/t1/patch", step{hangup: true}, false, 2},
		{"state-setting POST retried", "POST", "/api/v4/bots/b1/enable", step{hangup: true}, false, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, tt.first, ok)
			hc, _ := testClient(t, Options{})
			var body io.Reader
			if tt.method != "DELETE" {
				body = strings.NewReader("{}")
			}
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Do(req)
			if resp != nil {
				resp.Body.Close()
			}
			if got := srv.count(); got != tt.wantCount {
				t.Errorf("the server saw %d requests, want %d", got, tt.wantCount)
			}
			var lost *AnswerLostError
			isLost := errors.As(err, &lost)
			if isLost != tt.wantLost {
				t.Fatalf("error %v: AnswerLostError %v, want %v", err, isLost, tt.wantLost)
			}
			if tt.wantCount == 2 && err != nil {
				t.Fatalf("retried request failed: %v", err)
			}
			if !tt.wantLost {
				return
			}
			msg := Describe(err)
			if !strings.Contains(msg, "the server may have made the change") || !strings.Contains(msg, "hint: check on the server") {
				t.Errorf("message %q does not say the change may have been made", msg)
			}
			if strings.Contains(msg, "check the URL") {
				t.Errorf("message %q sends the user to the URL, though the server was reached", msg)
			}
			if !AnswerLost(err) {
				t.Errorf("AnswerLost(%v) = false", err)
			}
		})
	}
}

// TestTransportGatewayNote: a 502 or 504 answered to an API request that is not sent again says
// the server may have made the change; a 503, and requests that were retried, do not.
func TestTransportGatewayNote(t *testing.T) {
	html := step{status: 502, header: map[string]string{"Content-Type": "text/html"}, body: "<h1>502 Bad Gateway</h1>"}
	tests := []struct {
		name     string
		method   string
		path     string
		step     step
		wantNote bool
	}{
		{"POST 502 from a proxy", "POST", "/api/v4/channels", html, true},
		{"DELETE 504 as Mattermost JSON", "DELETE", "/api/v4/channels/c1", step{status: 504, body: `{"id":"x.y","message":"upstream timed out","status_code":504}`}, true},
		{"POST 503", "POST", "/api/v4/channels", step{status: 503}, false},
		{"GET 502 after its retries", "GET", "/api/v4/users/me", html, false},
		{"webhook post 502", "POST", "/hooks/abc", html, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newScriptServer(t, tt.step)
			hc, _ := testClient(t, Options{})
			req, err := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var appErr *model.AppError
			if !errors.As(model.AppErrorFromJSON(resp.Body), &appErr) {
				t.Fatal("the body is not an AppError")
			}
			resp.Body.Close()
			if appErr.StatusCode != tt.step.status {
				t.Errorf("status_code %d, want %d", appErr.StatusCode, tt.step.status)
			}
			if got := strings.HasSuffix(appErr.Message, gatewayNote); got != tt.wantNote {
				t.Errorf("message %q: note %v, want %v", appErr.Message, got, tt.wantNote)
			}
		})
	}
}
