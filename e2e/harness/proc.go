package harness

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Process names a process the sandbox started. PIDs are reused once a process is gone, so
// the PID comes with the process's start time (clock ticks after boot, /proc/PID/stat field
// 22): a process with the same PID and another start time is not ours and is never signalled.
type Process struct {
	PID   int    `json:"pid,omitempty"`
	Start uint64 `json:"start,omitempty"`
}

// procStat is what the harness reads from /proc/PID/stat.
type procStat struct {
	state byte // R, S, D, Z (zombie), X (dead), ...
	pgid  int
	start uint64
}

func readProcStat(pid int) (procStat, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, err
	}
	return parseProcStat(string(data))
}

// parseProcStat parses /proc/PID/stat; the command name (field 2) may hold spaces and
// parentheses, so fields are counted from its last ')'.
func parseProcStat(s string) (procStat, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("malformed /proc stat %q", s)
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3
	if len(f) < 20 || len(f[0]) != 1 {
		return procStat{}, fmt.Errorf("malformed /proc stat %q", s)
	}
	pgid, err := strconv.Atoi(f[5-3])
	if err != nil {
		return procStat{}, fmt.Errorf("malformed /proc stat: pgrp: %w", err)
	}
	start, err := strconv.ParseUint(f[22-3], 10, 64)
	if err != nil {
		return procStat{}, fmt.Errorf("malformed /proc stat: starttime: %w", err)
	}
	return procStat{state: f[0][0], pgid: pgid, start: start}, nil
}

// processOf identifies the running process pid.
func processOf(pid int) (Process, error) {
	st, err := readProcStat(pid)
	if err != nil {
		return Process{}, err
	}
	return Process{PID: pid, Start: st.start}, nil
}

// Alive tells whether the process still runs: its PID exists, is not a zombie, and started
// when recorded.
func (p Process) Alive() bool {
	if p.PID <= 0 {
		return false
	}
	st, err := readProcStat(p.PID)
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	if err != nil { // no /proc: fall back to the PID alone
		return syscall.Kill(p.PID, 0) == nil
	}
	return st.state != 'Z' && st.state != 'X' && st.start == p.Start
}

// stop ends the process and, when it leads a process group (the harness starts its children
// with one each), everything in that group: SIGTERM, then SIGKILL after grace. A process that
// is already gone, or whose PID now belongs to another process, is left alone.
func (p Process) stop(grace time.Duration) error {
	if !p.Alive() {
		return nil
	}
	target := p.PID
	if st, err := readProcStat(p.PID); err == nil && st.pgid == p.PID {
		target = -p.PID
	}
	_ = syscall.Kill(target, syscall.SIGTERM)
	if waitGone(p, target, grace) {
		return nil
	}
	_ = syscall.Kill(target, syscall.SIGKILL)
	if waitGone(p, target, 10*time.Second) {
		return nil
	}
	return fmt.Errorf("process %d did not exit after SIGKILL", p.PID)
}

// waitGone waits until p has exited and, for a group (target < 0), the group is empty. The
// group's ID cannot be reused while a member lives, so signalling what remains stays safe.
func waitGone(p Process, target int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		gone := !p.Alive()
		if gone && target < 0 {
			gone = !groupAlive(-target)
		}
		if gone {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// groupAlive tells whether a process of group pgid still runs; zombies do not count (whoever
// is their parent reaps them).
func groupAlive(pgid int) bool {
	if errors.Is(syscall.Kill(-pgid, 0), syscall.ESRCH) {
		return false
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readProcStat(pid); err == nil && st.pgid == pgid && st.state != 'Z' && st.state != 'X' {
			return true
		}
	}
	return false
}
