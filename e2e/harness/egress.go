package harness

import (
	"bufio"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// EgressWatch samples a process's sockets in the background and keeps every connection to a
// non-loopback address it sees. A connection that opens and closes between two samples can
// slip through; ScanLogForEgress catches the attempts the server logs.
type EgressWatch struct {
	pid  int
	stop chan struct{}
	done chan struct{}

	mu   sync.Mutex
	seen map[string]bool
	err  error // the last sampling error, when the process vanished it is not one
}

// WatchEgress starts sampling process pid every interval until Stop.
func WatchEgress(pid int, interval time.Duration) *EgressWatch {
	w := &EgressWatch{pid: pid, stop: make(chan struct{}), done: make(chan struct{}), seen: map[string]bool{}}
	go func() {
		defer close(w.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			w.Sample()
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// Sample checks the process's sockets now and returns the outbound connections seen so far.
func (w *EgressWatch) Sample() []string {
	socks, err := outboundSockets(w.pid)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err != nil && !os.IsNotExist(err) {
		w.err = err
	}
	for _, s := range socks {
		w.seen[s.String()] = true
	}
	return w.connectionsLocked()
}

// Connections returns the outbound connections seen so far, sorted.
func (w *EgressWatch) Connections() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.connectionsLocked()
}

func (w *EgressWatch) connectionsLocked() []string {
	out := make([]string, 0, len(w.seen))
	for c := range w.seen {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Err is the last error sampling met (for example no permission to read /proc/PID/fd).
func (w *EgressWatch) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Stop ends the sampling, takes a last sample and returns every outbound connection seen.
func (w *EgressWatch) Stop() []string {
	select {
	case <-w.stop:
	default:
		close(w.stop)
	}
	<-w.done
	return w.Sample()
}

// Patterns of Go's network errors that name where a connection was going: url.Error
// (`Get "https://host/path": ...`), net.OpError (`dial tcp 1.2.3.4:443: ...`) and a failed
// DNS lookup (`lookup host on 10.0.0.53:53: ...`, `dial tcp: lookup host: ...`).
var (
	logURLRe    = regexp.MustCompile(`\b(?:Get|Post|Put|Patch|Delete|Head|Options) \\*"(https?://[^"\\\s]+)`)
	logDialRe   = regexp.MustCompile(`\bdial (?:tcp|tcp4|tcp6|udp|udp4|udp6) (\[[0-9a-fA-F:.]+\]|[0-9.]+|[A-Za-z0-9.-]+):\d+`)
	logLookupRe = regexp.MustCompile(`\blookup ([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)\.?(?: on |: )`)
)

// ScanLogForEgress returns the log lines (clipped) that record an attempt to reach a host off
// loopback, with the host: the server logs a failed call to a public service this way (and
// here, without public DNS, every such call fails).
func ScanLogForEgress(r io.Reader) []string {
	var out []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		var hosts []string
		for _, m := range logURLRe.FindAllStringSubmatch(line, -1) {
			if u, err := url.Parse(m[1]); err == nil {
				hosts = append(hosts, u.Hostname())
			}
		}
		for _, m := range logDialRe.FindAllStringSubmatch(line, -1) {
			hosts = append(hosts, strings.Trim(m[1], "[]"))
		}
		for _, m := range logLookupRe.FindAllStringSubmatch(line, -1) {
			hosts = append(hosts, m[1])
		}
		for _, h := range hosts {
			if !loopbackHost(h) {
				if len(line) > 400 {
					line = line[:400] + "..."
				}
				out = append(out, h+": "+line)
				break
			}
		}
	}
	return out
}

// loopbackHost tells whether a host name or address stays on this machine.
func loopbackHost(h string) bool {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if h == "" || h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	if a, err := netip.ParseAddr(h); err == nil {
		a = a.Unmap()
		return a.IsLoopback() || a.IsUnspecified()
	}
	if ip := net.ParseIP(h); ip != nil {
		return ip.IsLoopback()
	}
	return false
}

// watchEgress samples the server's sockets while start runs (from its launch until the admin
// exists); what it sees goes into the state's EgressAtStart.
func (sb *sandbox) watchEgress(pid int) {
	if sb.egress != nil { // a previous attempt's
		sb.egressSeen = append(sb.egressSeen, sb.egress.Stop()...)
	}
	sb.egress = WatchEgress(pid, 50*time.Millisecond)
}
