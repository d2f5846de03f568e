// Package latencyproxy is an HTTP reverse proxy on loopback that adds a fixed delay in each
// direction, so benchmarks can show how matterctl behaves on a distant server (round trips,
// not bandwidth, dominate an admin's wait). It uses the standard library only.
//
// The delay is applied per request, not per packet: the proxy sleeps before forwarding a
// request and again before writing the response back, so one round trip costs 2×delay more
// than it does directly. Connection set-up between the client and the proxy is not delayed,
// which makes the figures slightly optimistic for clients that open many connections.
package latencyproxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Proxy is a running latency proxy.
type Proxy struct {
	// URL is the proxy's base URL (http://127.0.0.1:PORT), to be used in place of the target's.
	URL string

	delay     time.Duration
	server    *http.Server
	transport *http.Transport
	requests  atomic.Int64
	inFlight  atomic.Int64
	maxFlight atomic.Int64
	closeOnce sync.Once

	mu       sync.Mutex
	answered []string // request URIs, in the order their answers were handed on
}

// Start starts a proxy to target (a base URL such as http://127.0.0.1:8065) that adds delay
// before forwarding each request and delay before writing each response back. stop shuts it
// down, closing open connections; it may be called more than once.
func Start(target string, delay time.Duration) (url string, stop func(), err error) {
	p, err := New(target, delay)
	if err != nil {
		return "", nil, err
	}
	return p.URL, p.Close, nil
}

// New starts a proxy like Start and returns it, so that callers can read its counters.
func New(target string, delay time.Duration) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("latencyproxy: target %q: %w", target, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("latencyproxy: target %q is not an http(s) base URL", target)
	}
	if delay < 0 {
		return nil, fmt.Errorf("latencyproxy: negative delay %s", delay)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("latencyproxy: %w", err)
	}

	p := &Proxy{URL: "http://" + ln.Addr().String(), delay: delay}
	base := http.DefaultTransport.(*http.Transport).Clone()
	// Clients under test run many requests at once; without enough idle connections to the
	// target the proxy itself would churn connections and distort the figures.
	base.MaxIdleConns = 256
	base.MaxIdleConnsPerHost = 256
	p.transport = base

	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			// SetURL also rewrites Host, so the target sees itself addressed as usual.
			r.SetURL(u)
		},
		Transport: delayTransport{base: base, delay: delay},
		ModifyResponse: func(resp *http.Response) error {
			// The response's headers have arrived; hold them (and the body behind them) back.
			return sleep(resp.Request.Context(), delay)
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			if r.Context().Err() != nil {
				return // the client went away; nobody reads this answer
			}
			http.Error(w, "latencyproxy: "+err.Error(), http.StatusBadGateway)
		},
	}
	p.server = &http.Server{
		Handler:           p.count(rp),
		ReadHeaderTimeout: time.Minute,
	}
	go func() { _ = p.server.Serve(ln) }()
	return p, nil
}

// count tracks how many requests were proxied, how many were answered and how many were in
// flight at once.
func (p *Proxy) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		n := p.inFlight.Add(1)
		defer p.inFlight.Add(-1)
		for {
			m := p.maxFlight.Load()
			if n <= m || p.maxFlight.CompareAndSwap(m, n) {
				break
			}
		}
		next.ServeHTTP(w, r)
		p.mu.Lock()
		p.answered = append(p.answered, r.URL.RequestURI())
		p.mu.Unlock()
	})
}

// Requests is how many requests the proxy has received.
func (p *Proxy) Requests() int64 { return p.requests.Load() }

// Answered lists the requests the proxy has finished answering (error answers included), by
// path and query, in the order their answers were handed to the connection. A test can wait
// on it to stop the proxy once a client has been served a given page.
func (p *Proxy) Answered() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.answered)
}

// MaxInFlight is the largest number of requests the proxy has handled at the same time.
func (p *Proxy) MaxInFlight() int64 { return p.maxFlight.Load() }

// ResetCounters sets Requests and MaxInFlight back to zero and empties Answered (between
// benchmark runs).
func (p *Proxy) ResetCounters() {
	p.mu.Lock()
	p.answered = nil
	p.mu.Unlock()
	p.requests.Store(0)
	p.maxFlight.Store(p.inFlight.Load())
}

// Close stops the proxy and closes its connections, those with a request in flight included:
// to its clients this is the link to the server being cut, whether a response was still
// delayed or half written. It is safe to call more than once.
func (p *Proxy) Close() {
	p.closeOnce.Do(func() {
		_ = p.server.Close()
		p.transport.CloseIdleConnections()
	})
}

// delayTransport waits before handing each request on.
type delayTransport struct {
	base  http.RoundTripper
	delay time.Duration
}

func (t delayTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := sleep(req.Context(), t.delay); err != nil {
		return nil, err
	}
	return t.base.RoundTrip(req)
}

// sleep waits d, or less when ctx ends first.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return errors.Join(errors.New("latencyproxy: request cancelled while delayed"), ctx.Err())
	}
}
