package cmdutil

import (
	"context"
	"errors"
	"sync"
)

// memberBatches adds users in batch requests on behalf of per-user workers: a worker asking
// for a user starts that user's batch if no worker has yet, and every worker of the batch
// waits for its one answer. The users are split evenly into batches of at most memberBatchCap,
// a multiple of the parallel requests allowed, so that the server works on them side by side:
// one round trip in all for up to parallel × memberBatchCap users.
type memberBatches struct {
	add     func(ctx context.Context, userIDs []string) (map[string]error, error)
	batches []*memberBatch
	of      map[string]*memberBatch
	size    int
	slots   chan struct{}
}

type memberBatch struct {
	ids     []string
	once    sync.Once
	results map[string]error
	err     error
}

// errNotReported is a user on whom the server's batch answer said nothing.
var errNotReported = errors.New("the server's answer said nothing about this user: list the members to see whether they were added")

func newMemberBatches(add func(context.Context, []string) (map[string]error, error), ids []string, limit, parallel int) *memberBatches {
	parallel = max(parallel, 1)
	size := memberBatchSize(len(ids), limit, parallel)
	mb := &memberBatches{add: add, of: make(map[string]*memberBatch, len(ids)), size: size, slots: make(chan struct{}, parallel)}
	for start := 0; start < len(ids); start += size {
		b := &memberBatch{ids: ids[start:min(start+size, len(ids))]}
		mb.batches = append(mb.batches, b)
		for _, id := range b.ids {
			mb.of[id] = b
		}
	}
	return mb
}

// memberBatchCap bounds the users of one batch request below the server's own limit: the
// server adds them one after the other, at tens of milliseconds each, and a request must end
// well within the request timeout (30 s by default) even on a busy server.
const memberBatchCap = 64

// memberBatchSize is the size of the batches n users are sent in, parallel requests at a time:
// at most limit (the server's; ≤ 0: none) and memberBatchCap, and spread evenly so that each
// round of parallel requests is full.
func memberBatchSize(n, limit, parallel int) int {
	ceil := func(a, b int) int { return (a + b - 1) / b }
	most := memberBatchCap
	if limit > 0 {
		most = min(most, limit)
	}
	rounds := max(ceil(n, parallel*most), 1)
	return max(ceil(n, parallel*rounds), 1)
}

// workers is how many per-user workers keep every allowed batch request busy.
func (mb *memberBatches) workers() int {
	return mb.size * cap(mb.slots)
}

// wait returns the outcome for user id, sending its batch first if no worker has.
func (mb *memberBatches) wait(ctx context.Context, id string) error {
	b := mb.of[id]
	if b == nil {
		return errNotReported
	}
	b.once.Do(func() {
		select {
		case mb.slots <- struct{}{}:
		case <-ctx.Done():
			b.err = ctx.Err()
			return
		}
		defer func() { <-mb.slots }()
		b.results, b.err = mb.add(ctx, b.ids)
	})
	if b.err != nil {
		return b.err
	}
	err, ok := b.results[id]
	if !ok {
		return errNotReported
	}
	return err
}
