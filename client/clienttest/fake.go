// Package clienttest provides Fake, a client.Client for unit tests: each method counts the call
// and calls the function field of the same name plus "Func", and fails the call when that field
// is nil. Fake's fields and methods are generated from the client.Client interface (go generate
// writes fake_gen.go); only the call counter they share is written by hand.
//
// Fake or internal/httpstub: a run-tier test of a command that gets its client from
// Factory.Client and is about which client calls the command makes, with which arguments, and
// what it does with their results and errors uses Fake (the user and token commands, the
// cmdutil resolvers). Code that works at the HTTP level gets the real *model.Client4 or
// *http.Client over an httpstub.Registry: commands that build their own client (auth, version)
// or send raw requests (api), and tests about the requests themselves (path, query, token,
// body, how many) or about turning a server's error document into an error.
package clienttest

//go:generate go run gen.go

import (
	"fmt"
	"sync"
)

// callLog counts calls per method name; Fake embeds it.
type callLog struct {
	mu    sync.Mutex
	calls map[string]int
}

func (l *callLog) record(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls == nil {
		l.calls = map[string]int{}
	}
	l.calls[name]++
}

// Calls returns how many times the named method was called.
func (l *callLog) Calls(name string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls[name]
}

// TotalCalls returns the number of calls to all methods.
func (l *callLog) TotalCalls() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, c := range l.calls {
		n += c
	}
	return n
}

func unexpected(name string) error { return fmt.Errorf("clienttest: unexpected call to %s", name) }
