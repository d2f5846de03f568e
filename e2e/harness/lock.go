package harness

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

const lockRetryDelay = 100 * time.Millisecond

// lockFile takes an exclusive lock on path, waiting at most timeout; holder says who is
// expected to hold it, for the error. The lock is released by the returned function or when
// the process exits; children do not inherit it.
func lockFile(ctx context.Context, path string, timeout time.Duration, holder string) (unlock func(), err error) {
	fl := flock.New(path, flock.SetPermissions(0o644))
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ok, err := fl.TryLockContext(ctx, lockRetryDelay)
	if errors.Is(err, context.DeadlineExceeded) || (err == nil && !ok) {
		return nil, fmt.Errorf("timed out after %s waiting for %s (lock %s)", timeout, holder, path)
	}
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return func() { _ = fl.Unlock() }, nil
}
