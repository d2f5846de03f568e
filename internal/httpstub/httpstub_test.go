package httpstub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// recordingTB captures the failures Verify reports, so that they can be asserted.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func get(t *testing.T, c *http.Client, rawURL string) (*http.Response, string, error) {
	t.Helper()
	resp, err := c.Get(rawURL)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b), nil
}

func TestRegistryAnswersInOrderAndOnce(t *testing.T) {
	reg := &Registry{}
	reg.Register(REST("GET", "/api/v4/users/me"), JSONResponse(200, map[string]string{"n": "1"}))
	reg.Register(REST("GET", "/api/v4/users/me"), WithHeader(StatusStringResponse(201, "second"), "X-Version-Id", "9.11.0"))
	c := reg.Client()

	resp, body, err := get(t, c, "https://mm.example.com/api/v4/users/me?x=1")
	if err != nil || resp.StatusCode != 200 || body != `{"n":"1"}` || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("first call: %v %v %q", resp, err, body)
	}
	resp, body, err = get(t, c, "https://mm.example.com/api/v4/users/me")
	if err != nil || resp.StatusCode != 201 || body != "second" || resp.Header.Get("X-Version-Id") != "9.11.0" || resp.Status != "201 Created" {
		t.Fatalf("second call: %v %v %q", resp, err, body)
	}
	_, _, err = get(t, c, "https://mm.example.com/api/v4/users/me")
	if err == nil || !strings.Contains(err.Error(), "no stub for GET https://mm.example.com/api/v4/users/me") {
		t.Fatalf("third call: want a no-stub error, got %v", err)
	}

	rec := &recordingTB{TB: t}
	reg.Verify(rec)
	if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], "unexpected request GET") {
		t.Errorf("Verify: %q", rec.errors)
	}
	if got := reg.Requests(); len(got) != 3 || !got[0].Matched || got[2].Matched {
		t.Errorf("Requests: %+v", got)
	}
}

func TestVerifyReportsUnusedStubs(t *testing.T) {
	reg := &Registry{}
	reg.Register(REST("GET", "/a"), StringResponse(200, ""))
	reg.Register(REST("GET", "/b"), StringResponse(200, ""), Times(2))
	reg.Register(REST("GET", "/c"), StringResponse(200, ""), AnyTimes())
	if _, _, err := get(t, reg.Client(), "http://h/b"); err != nil {
		t.Fatal(err)
	}
	rec := &recordingTB{TB: t}
	reg.Verify(rec)
	want := []string{"stub GET /a answered 0 of 1", "stub GET /b answered 1 of 2"}
	if len(rec.errors) != len(want) {
		t.Fatalf("Verify: %q", rec.errors)
	}
	for i, w := range want {
		if !strings.Contains(rec.errors[i], w) {
			t.Errorf("Verify[%d] = %q, want it to contain %q", i, rec.errors[i], w)
		}
	}
}

func TestQueryMatcher(t *testing.T) {
	reg := New(t)
	reg.Register(QueryMatcher("GET", "/api/v4/users", url.Values{"page": {"1"}}), StringResponse(200, "page 1"))
	reg.Register(QueryMatcher("GET", "/api/v4/users", url.Values{"page": {"0"}}), StringResponse(200, "page 0"))
	c := reg.Client()
	for _, page := range []string{"0", "1"} {
		_, body, err := get(t, c, "https://h/api/v4/users?per_page=200&page="+page)
		if err != nil || body != "page "+page {
			t.Errorf("page %s: %q %v", page, body, err)
		}
	}
}

func TestResponderSeesBodyAndErrors(t *testing.T) {
	reg := New(t)
	var seen string
	reg.Register(REST("POST", "/api/v4/users/login"), Inspect(func(req *http.Request, body []byte) {
		seen = req.Method + " " + string(body)
	}, AppErrorResponse(401, "api.user.login.invalid_credentials_email_username", "Enter a valid email or username and/or password.")))
	reg.Register(REST("GET", "/api/v4/system/ping"), ErrorResponder(errors.New("connection refused")))

	c := reg.Client4("https://mm.example.com", "")
	_, resp, err := c.Login(context.Background(), "admin", "pw")
	if err == nil || resp == nil || resp.StatusCode != 401 {
		t.Fatalf("Login: %v %v", resp, err)
	}
	if seen != `POST {"login_id":"admin","password":"pw"}` {
		t.Errorf("the responder saw %q", seen)
	}
	if _, _, err := c.GetPing(context.Background()); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("GetPing: %v", err)
	}
}

func TestClient4SendsToken(t *testing.T) {
	reg := New(t)
	reg.Register(REST("GET", "/api/v4/users/me"), Inspect(func(req *http.Request, _ []byte) {
		// model.HeaderBearer is "BEARER"; the scheme is case-insensitive.
		if got := req.Header.Get("Authorization"); !strings.EqualFold(got, "Bearer tok") {
			t.Errorf("Authorization = %q", got)
		}
	}, JSONResponse(200, map[string]string{"id": "u1", "username": "admin"})))
	me, _, err := reg.Client4("https://mm.example.com/", "tok").GetMe(context.Background(), "")
	if err != nil || me.Username != "admin" {
		t.Fatalf("GetMe: %v %v", me, err)
	}
}

func TestConcurrentRequests(t *testing.T) {
	reg := New(t)
	const n = 50
	reg.Register(REST("GET", "/x"), StringResponse(200, "ok"), Times(n))
	c := reg.Client()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Get("http://h/x")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
		}()
	}
	wg.Wait()
	if got := len(reg.Requests()); got != n {
		t.Errorf("%d requests recorded, want %d", got, n)
	}
}
