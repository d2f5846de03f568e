package harness

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLockFileExcludesASecondHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".lock")
	ctx := context.Background()
	unlock, err := lockFile(ctx, path, time.Second, "first")
	if err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	_, err = lockFile(ctx, path, 300*time.Millisecond, "another sandbox command on /x")
	if err == nil {
		t.Fatal("a second locker got the lock while the first held it")
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Errorf("gave up after %s, before its timeout", waited)
	}
	for _, want := range []string{"timed out after 300ms", "another sandbox command on /x", path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}

	// A waiting locker gets it once it is released.
	got := make(chan error, 1)
	go func() {
		u, err := lockFile(ctx, path, 5*time.Second, "second")
		if err == nil {
			u()
		}
		got <- err
	}()
	time.Sleep(200 * time.Millisecond)
	unlock()
	if err := <-got; err != nil {
		t.Fatalf("the lock was released but the waiter failed: %v", err)
	}
}

func TestLockFileHonoursCancellation(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".lock")
	unlock, err := lockFile(context.Background(), path, time.Second, "first")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := lockFile(ctx, path, time.Minute, "second"); err == nil {
		t.Fatal("a cancelled locker got the lock")
	}
}
