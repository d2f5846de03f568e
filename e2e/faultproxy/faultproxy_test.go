package faultproxy

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestProxyInjectsAndForwards(t *testing.T) {
	var hits atomic.Int64
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.WriteString(w, "from backend "+r.URL.Path)
	}))
	defer backend.Close()

	n := 0
	p, err := New(backend.URL, func(r *http.Request) *Fault {
		n++
		switch {
		case r.URL.Path == "/busy" && n == 1:
			return &Fault{Status: 429, RetryAfter: "1"}
		case r.URL.Path == "/cut":
			return &Fault{Hangup: true, Forward: true}
		case r.URL.Path == "/slow":
			return &Fault{Delay: 5 * time.Second}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	resp, err := http.Get(p.URL + "/busy")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("first /busy: %d, Retry-After %q; want 429, 1", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	resp, err = http.Get(p.URL + "/busy")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "from backend /busy" {
		t.Errorf("second /busy: %d %q", resp.StatusCode, body)
	}
	// A new connection: Go's transport sends a GET again when a reused connection breaks.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if _, err := fresh.Get(p.URL + "/cut"); err == nil {
		t.Error("/cut answered; want the connection closed")
	}
	if hits.Load() != 2 {
		t.Errorf("backend saw %d requests, want 2 (/busy once, /cut forwarded before the hang-up)", hits.Load())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+"/slow", nil)
	start := time.Now()
	if _, err := http.DefaultClient.Do(req); err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("/slow: err %v after %s; want a timeout after 200ms", err, time.Since(start))
	}

	log := p.Log()
	if len(log) < 3 || !log[0].Injected || log[0].Status != 429 || log[1].Injected || log[1].Status != 200 || !log[2].Injected || log[2].Status != 0 {
		t.Errorf("log %+v", log)
	}
}
