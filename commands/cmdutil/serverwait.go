package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/matterctl/matterctl/client"
)

// UnansweredWait is how long the requests of a run are sent again, or the server asked again,
// while it answers none of them (For: it is restarting), and the pause between two tries
// (Every). Tests shorten it.
var UnansweredWait = struct{ For, Every time.Duration }{For: time.Minute, Every: 2 * time.Second}

// serverWait is the patience of one run with a server that stops answering: the time since it
// last answered is shared by the run's requests, so that a server that stays down costs
// UnansweredWait.For in all, not that long per request. Safe for concurrent use; the zero value
// is ready.
type serverWait struct {
	mu    sync.Mutex
	seen  bool      // the server answered a request of the run
	since time.Time // when it stopped answering; zero while it answers
	// notice, when set, is told when the run starts waiting for the server and when it answers
	// again (a line on stderr: a run that goes quiet for a minute says why).
	notice func(msg string)
}

// answered notes an answer of the server.
func (w *serverWait) answered() {
	w.mu.Lock()
	since := w.since
	w.seen, w.since = true, time.Time{}
	w.mu.Unlock()
	if !since.IsZero() && w.notice != nil {
		w.notice(fmt.Sprintf("the server answers again after %s", time.Since(since).Round(100*time.Millisecond)))
	}
}

// reached notes that a request reached the server, though its answer was lost: the address is
// right, and a refusal from now on is a restart.
func (w *serverWait) reached() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen = true
}

// again reports whether a request the server did not answer is tried again: only once the
// server has answered in this run (a refused first request is a wrong URL or a stopped
// server, not a restart), and until it has been silent for UnansweredWait.For.
func (w *serverWait) again() bool {
	w.mu.Lock()
	if !w.seen {
		w.mu.Unlock()
		return false
	}
	now := time.Now()
	started := w.since.IsZero()
	if started {
		w.since = now
	}
	ok := now.Add(UnansweredWait.Every).Sub(w.since) <= UnansweredWait.For
	w.mu.Unlock()
	if started && w.notice != nil {
		w.notice(fmt.Sprintf("the server is not answering (restarting?): trying again every %s for up to %s",
			UnansweredWait.Every, UnansweredWait.For))
	}
	return ok
}

// pause waits UnansweredWait.Every, or until ctx ends (its error).
func (w *serverWait) pause(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(UnansweredWait.Every):
		return nil
	}
}

// unanswered reports a request the server did not answer: the connection broke or timed out,
// was refused (the server is restarting: it did answer before), or a gateway answered in its
// place. The transport has already retried what it retries.
func unanswered(err error) bool {
	switch client.StatusOf(err) {
	case 0:
		return err != nil && (client.AnswerLost(err) || errors.Is(err, syscall.ECONNREFUSED))
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// notSent reports a request that never reached the server: the connection was refused. It can
// be sent again whatever it does.
func notSent(err error) bool {
	return client.StatusOf(err) == 0 && errors.Is(err, syscall.ECONNREFUSED)
}
