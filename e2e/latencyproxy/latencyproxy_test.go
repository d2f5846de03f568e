package latencyproxy

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// echoServer answers every request with what it received, so tests can see what the proxy forwarded.
func echoServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-Seen-Host", r.Host)
		w.Header().Set("X-Seen-Auth", r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, r.Method+" "+r.URL.RequestURI()+" "+string(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestForwardsRequestAndResponse(t *testing.T) {
	backend, _ := echoServer(t)
	p, err := New(backend.URL, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)

	req, _ := http.NewRequest(http.MethodPut, p.URL+"/api/v4/users/abc/active?x=1&y=%2F", strings.NewReader(`{"active":true}`))
	req.Header.Set("Authorization", "Bearer secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)

	if resp.StatusCode != http.StatusTeapot {
		t.Errorf("status %d, want %d", resp.StatusCode, http.StatusTeapot)
	}
	if want := `PUT /api/v4/users/abc/active?x=1&y=%2F {"active":true}`; string(body) != want {
		t.Errorf("backend saw %q, want %q", body, want)
	}
	if got, want := resp.Header.Get("X-Seen-Host"), strings.TrimPrefix(backend.URL, "http://"); got != want {
		t.Errorf("backend saw Host %q, want its own %q", got, want)
	}
	if got := resp.Header.Get("X-Seen-Auth"); got != "Bearer secret" {
		t.Errorf("Authorization not forwarded: %q", got)
	}
	if p.Requests() != 1 {
		t.Errorf("Requests() = %d, want 1", p.Requests())
	}
}

func TestAddsDelayEachWay(t *testing.T) {
	const delay = 60 * time.Millisecond
	backend, _ := echoServer(t)
	url, stop, err := Start(backend.URL, delay)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)

	start := time.Now()
	resp, err := http.Get(url + "/ping")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if got := time.Since(start); got < 2*delay {
		t.Errorf("round trip took %s, want at least %s", got, 2*delay)
	} else if got > 2*delay+time.Second {
		t.Errorf("round trip took %s, far more than %s", got, 2*delay)
	}
}

func TestDelaysConcurrentRequestsIndependently(t *testing.T) {
	const delay, n = 100 * time.Millisecond, 20
	backend, _ := echoServer(t)
	p, err := New(backend.URL, delay)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)

	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := http.Get(p.URL + "/")
			if err != nil {
				errs <- err
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// Serialised, 20 requests would take 4 s; concurrently about 2×delay.
	if got := time.Since(start); got > n*delay/2 {
		t.Errorf("%d concurrent requests took %s: the delays are not independent", n, got)
	}
	if p.Requests() != n {
		t.Errorf("Requests() = %d, want %d", p.Requests(), n)
	}
	if p.MaxInFlight() < 2 {
		t.Errorf("MaxInFlight() = %d, want concurrent requests", p.MaxInFlight())
	}
	p.ResetCounters()
	if p.Requests() != 0 || p.MaxInFlight() != 0 {
		t.Errorf("after ResetCounters: %d requests, %d max in flight", p.Requests(), p.MaxInFlight())
	}
}

func TestCancelledWhileDelayedNeverReachesTarget(t *testing.T) {
	backend, hits := echoServer(t)
	p, err := New(backend.URL, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodDelete, p.URL+"/x", nil)
	_, err = http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the client's deadline", err)
	}
	time.Sleep(200 * time.Millisecond) // the proxy notices the cancellation, not the delay's end
	if hits.Load() != 0 {
		t.Errorf("the target received %d requests cancelled before forwarding", hits.Load())
	}
}

func TestUnreachableTargetIsBadGateway(t *testing.T) {
	backend, _ := echoServer(t)
	target := backend.URL
	backend.Close()
	p, err := New(target, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	resp, err := http.Get(p.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("status %d, want 502", resp.StatusCode)
	}
}

func TestStopClosesTheListener(t *testing.T) {
	backend, _ := echoServer(t)
	url, stop, err := Start(backend.URL, 0)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	stop() // twice is fine
	c := &http.Client{Timeout: 2 * time.Second}
	if resp, err := c.Get(url + "/"); err == nil {
		resp.Body.Close()
		t.Fatalf("request after stop succeeded with %s", resp.Status)
	}
}

func TestRejectsBadArguments(t *testing.T) {
	for _, tc := range []struct {
		target string
		delay  time.Duration
	}{
		{"", 0},
		{"127.0.0.1:8065", 0},
		{"ftp://127.0.0.1", 0},
		{"http://", 0},
		{"http://[::1", 0},
		{"http://127.0.0.1:8065", -time.Millisecond},
	} {
		if _, _, err := Start(tc.target, tc.delay); err == nil {
			t.Errorf("Start(%q, %s) succeeded", tc.target, tc.delay)
		}
	}
}

func TestAnsweredListsAnsweredRequests(t *testing.T) {
	const delay = 150 * time.Millisecond
	backend, _ := echoServer(t)
	p, err := New(backend.URL, delay)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	get := func(path string) error {
		resp, err := http.Get(p.URL + path)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		return err
	}
	done := make(chan error, 1)
	go func() { done <- get("/api/v4/users?page=0&per_page=10") }()
	deadline := time.Now().Add(time.Second)
	for p.Requests() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := p.Answered(); p.Requests() != 1 || len(got) != 0 {
		t.Errorf("while delayed: Requests() = %d, Answered() = %q, want 1 and none", p.Requests(), got)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := get("/ping"); err != nil {
		t.Fatal(err)
	}
	if got, want := p.Answered(), []string{"/api/v4/users?page=0&per_page=10", "/ping"}; !slices.Equal(got, want) {
		t.Errorf("Answered() = %q, want %q", got, want)
	}
	p.ResetCounters()
	if got := p.Answered(); len(got) != 0 {
		t.Errorf("after ResetCounters: Answered() = %q", got)
	}
}

// TestCloseCutsRequestsInFlight checks that Close cuts the link for clients waiting on an
// answer, whether the proxy still holds the response back or is passing its body on: they see
// a broken connection, never a complete answer.
func TestCloseCutsRequestsInFlight(t *testing.T) {
	t.Run("response delayed", func(t *testing.T) {
		backend, _ := echoServer(t)
		p, err := New(backend.URL, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		start := time.Now()
		done := make(chan error, 1)
		go func() {
			resp, err := http.Get(p.URL + "/slow")
			if err == nil {
				resp.Body.Close()
				done <- errors.New("the client got an answer after Close: " + resp.Status)
				return
			}
			done <- nil
		}()
		for p.Requests() == 0 && time.Since(start) < time.Second {
			time.Sleep(time.Millisecond)
		}
		p.Close()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("the client still waits after Close")
		}
	})

	t.Run("body half sent", func(t *testing.T) {
		const half = 64 << 10
		sent := make(chan struct{})
		release := make(chan struct{})
		backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(2*half))
			_, _ = w.Write(make([]byte, half))
			w.(http.Flusher).Flush()
			close(sent)
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}))
		t.Cleanup(backend.Close)
		t.Cleanup(func() { close(release) })
		p, err := New(backend.URL, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		done := make(chan error, 1)
		go func() {
			resp, err := http.Get(p.URL + "/list")
			if err != nil {
				done <- err
				return
			}
			defer resp.Body.Close()
			_, err = io.ReadAll(resp.Body)
			done <- err
		}()
		<-sent
		p.Close()
		select {
		case err := <-done:
			if err == nil {
				t.Fatal("the client read a complete answer after Close")
			}
		case <-time.After(2 * time.Second):
			t.Fatal("the client still waits after Close")
		}
	})
}
