// Package faultproxy is an HTTP reverse proxy on loopback that injects failures chosen per
// request by a test: an error status (429 with Retry-After, 502, 503…), a delay, or a
// connection closed without an answer. Everything else is forwarded to the target unchanged.
// It records every request with what was done with it, so a test can tell which requests a
// client sent again. It uses the standard library only.
package faultproxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"
)

// Fault is what the proxy does with one request instead of, or before, forwarding it.
type Fault struct {
	// Status, when not 0, is answered at once (with a small JSON body) and the request is not
	// forwarded.
	Status int
	// RetryAfter is sent as the Retry-After header with Status.
	RetryAfter string
	// Delay is waited before forwarding (or answering Status); the client's cancellation ends
	// the wait.
	Delay time.Duration
	// Hangup closes the connection without an answer, after forwarding the request when
	// Forward is set (the server acted on it, the client never hears) or before otherwise.
	Hangup  bool
	Forward bool
}

// Rule picks the fault for a request; nil forwards it untouched. It is called for every
// request, one at a time.
type Rule func(r *http.Request) *Fault

// Entry is one request the proxy received.
type Entry struct {
	Method, Path string
	Status       int  // the status the client got (0 when the connection was closed)
	Injected     bool // the answer or the hang-up came from a Fault
}

// Proxy is a running fault proxy.
type Proxy struct {
	// URL is the proxy's base URL (http://127.0.0.1:PORT), used in place of the target's.
	URL string

	rule   Rule
	rp     *httputil.ReverseProxy
	server *http.Server

	mu  sync.Mutex
	log []Entry
}

// New starts a proxy to target (a base URL such as http://127.0.0.1:8065) applying rule.
func New(target string, rule Rule) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("faultproxy: target %q is not an http(s) base URL", target)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{URL: "http://" + ln.Addr().String(), rule: rule, rp: httputil.NewSingleHostReverseProxy(u)}
	p.rp.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, err error) {
		if !errors.Is(err, context.Canceled) {
			http.Error(w, "faultproxy: "+err.Error(), http.StatusBadGateway)
		}
	}
	p.server = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.server.Serve(ln) }()
	return p, nil
}

// ServeHTTP applies the rule to one request.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var f *Fault
	if p.rule != nil {
		p.mu.Lock()
		f = p.rule(r)
		p.mu.Unlock()
	}
	if f == nil {
		rec := &statusRecorder{ResponseWriter: w}
		p.rp.ServeHTTP(rec, r)
		p.record(r, rec.status, false)
		return
	}
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			p.record(r, 0, true)
			return
		}
	}
	switch {
	case f.Hangup:
		if f.Forward {
			p.rp.ServeHTTP(discardWriter{header: http.Header{}}, r)
		}
		p.record(r, 0, true)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	case f.Status != 0:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.Status)
		fmt.Fprintf(w, `{"id":"faultproxy","message":"injected %d","status_code":%d}`, f.Status, f.Status)
		p.record(r, f.Status, true)
	default:
		rec := &statusRecorder{ResponseWriter: w}
		p.rp.ServeHTTP(rec, r)
		p.record(r, rec.status, false)
	}
}

func (p *Proxy) record(r *http.Request, status int, injected bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log = append(p.log, Entry{Method: r.Method, Path: r.URL.Path, Status: status, Injected: injected})
}

// Log returns the requests received so far, in order.
func (p *Proxy) Log() []Entry {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Entry(nil), p.log...)
}

// Close stops the proxy and closes its connections.
func (p *Proxy) Close() { _ = p.server.Close() }

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// discardWriter swallows the answer of a request forwarded before a hang-up.
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}
