package harness

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseProcStat(t *testing.T) {
	// The command name may hold spaces and parentheses.
	stat := "4242 (my (odd) name) S 1 4240 4240 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 987654 1000 100 18446744073709551615"
	got, err := parseProcStat(stat)
	if err != nil {
		t.Fatal(err)
	}
	if got.state != 'S' || got.pgid != 4240 || got.start != 987654 {
		t.Errorf("got %+v", got)
	}
	if _, err := parseProcStat("garbage"); err == nil {
		t.Error("garbage parsed")
	}
}

func TestProcessAlive(t *testing.T) {
	self, err := processOf(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if !self.Alive() {
		t.Error("this process is not alive")
	}
	// Same PID, other start time: a recycled PID, not ours.
	if (Process{PID: self.PID, Start: self.Start + 1}).Alive() {
		t.Error("a PID with another start time counts as alive")
	}
	if (Process{}).Alive() {
		t.Error("the zero process is alive")
	}
	dead := deadProcess(t)
	if dead.Alive() {
		t.Errorf("exited process %d is alive", dead.PID)
	}
}

// deadProcess runs a process to its end and returns what identified it.
func deadProcess(t *testing.T) Process {
	t.Helper()
	cmd := exec.Command("sleep", "0.1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p, err := processOf(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStopEndsTheWholeGroup(t *testing.T) {
	// A leader that ignores SIGTERM, with a child: both must go (SIGKILL after the grace).
	pidFile := filepath.Join(t.TempDir(), "child")
	cmd := exec.Command("sh", "-c", `trap '' TERM; sleep 60 & echo $! > "$1"; wait`, "sh", pidFile)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = cmd.Wait() }()
	var child int
	for deadline := time.Now().Add(5 * time.Second); child == 0 && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		b, _ := os.ReadFile(pidFile)
		child, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if child == 0 {
		t.Fatal("the child did not start")
	}
	leader, err := processOf(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	childProc, err := processOf(child)
	if err != nil {
		t.Fatal(err)
	}
	if err := leader.stop(300 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if leader.Alive() || childProc.Alive() {
		t.Errorf("alive after stop: leader %v, child %v", leader.Alive(), childProc.Alive())
	}
}

func TestStopLeavesARecycledPIDAlone(t *testing.T) {
	// The state names this test's PID with another start time: stop must not signal it.
	self, err := processOf(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if err := (Process{PID: self.PID, Start: self.Start + 1}).stop(time.Second); err != nil {
		t.Fatal(err)
	}
	if !self.Alive() {
		t.Fatal("unreachable: this test would have been killed")
	}
}

// A sandbox whose processes died (a reboot, a kill -9) reads as stopped, and stop succeeds
// and clears the PIDs; destroy then removes it.
func TestStaleSandbox(t *testing.T) {
	dir := t.TempDir()
	st := sampleState(dir)
	st.Mattermost.Process = deadProcess(t)
	st.Postgres.Process = deadProcess(t)
	st.Mattermost.Port, _ = freePort()
	if err := writeState(st); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, markerFile), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := GetStatus(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Running || s.Mattermost != "stopped" || s.Postgres != "stopped" {
		t.Errorf("status of a dead sandbox: %+v", s)
	}

	opts := Options{RepoRoot: t.TempDir(), CacheDir: t.TempDir()}
	if err := StopContext(ctx, dir, opts); err != nil {
		t.Fatalf("stop: %v", err)
	}
	after, err := ReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if after.Mattermost.Process != (Process{}) || after.Postgres.Process != (Process{}) {
		t.Errorf("stop kept the dead PIDs: %+v %+v", after.Mattermost.Process, after.Postgres.Process)
	}
	if after.Postgres.Password != st.Postgres.Password {
		t.Error("stop lost the passwords")
	}
	// Stopping again, or a directory without a sandbox, is fine too.
	if err := StopContext(ctx, dir, opts); err != nil {
		t.Fatalf("second stop: %v", err)
	}
	if err := StopContext(ctx, filepath.Join(dir, "nothing"), opts); err != nil {
		t.Fatalf("stop of no sandbox: %v", err)
	}

	if err := DestroyContext(ctx, dir, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("destroy left %s: %v", dir, err)
	}
}

func TestDestroyRefusesAnOrdinaryDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "precious"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := DestroyContext(context.Background(), dir, Options{RepoRoot: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "not deleting") {
		t.Fatalf("destroy of a non-sandbox: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "precious")); err != nil {
		t.Fatal(err)
	}
}
