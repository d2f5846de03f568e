package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// A postmaster.pid left behind may name a PID that another program has since: it is not taken
// for the sandbox's postmaster (and so never stopped).
func TestRunningPostmasterIgnoresAStalePIDFile(t *testing.T) {
	data := t.TempDir()
	if _, ok := runningPostmaster(data); ok {
		t.Error("no postmaster.pid, yet a postmaster")
	}
	pidFile := fmt.Sprintf("%d\n%s\n1700000000\n5432\n", os.Getpid(), data)
	if err := os.WriteFile(filepath.Join(data, "postmaster.pid"), []byte(pidFile), 0o600); err != nil {
		t.Fatal(err)
	}
	if p, ok := runningPostmaster(data); ok {
		t.Errorf("this test process (%d) was taken for the postmaster", p.PID)
	}
}
