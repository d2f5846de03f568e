package harness

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Socket is one row of a /proc/net/{tcp,tcp6,udp,udp6} table.
type Socket struct {
	Proto  string // tcp, tcp6, udp, udp6
	Local  netip.AddrPort
	Remote netip.AddrPort
	State  int // TCP state (0x0A LISTEN, 0x01 ESTABLISHED, 0x02 SYN_SENT, ...); 0x07 for unconnected UDP
	Inode  uint64
}

const tcpListen = 0x0A

var tcpStates = map[int]string{
	0x01: "ESTABLISHED", 0x02: "SYN_SENT", 0x03: "SYN_RECV", 0x04: "FIN_WAIT1", 0x05: "FIN_WAIT2",
	0x06: "TIME_WAIT", 0x07: "CLOSE", 0x08: "CLOSE_WAIT", 0x09: "LAST_ACK", 0x0A: "LISTEN", 0x0B: "CLOSING",
}

func (s Socket) String() string {
	st := tcpStates[s.State]
	if st == "" {
		st = fmt.Sprintf("state %02X", s.State)
	}
	return fmt.Sprintf("%s %s -> %s %s", s.Proto, s.Local, s.Remote, st)
}

// Outbound tells whether the socket is connected to an address off this machine's loopback:
// its remote end is set and is neither 127.0.0.0/8 nor ::1 (IPv4-mapped or not).
func (s Socket) Outbound() bool {
	r := s.Remote.Addr().Unmap()
	if !r.IsValid() || r.IsUnspecified() || r.IsLoopback() {
		return false
	}
	return s.State != tcpListen
}

// parseProcNet reads one /proc/net/{tcp,tcp6,udp,udp6} table.
func parseProcNet(r io.Reader, proto string) ([]Socket, error) {
	var out []Socket
	sc := bufio.NewScanner(r)
	first := true
	for sc.Scan() {
		if first { // the header
			first = false
			continue
		}
		f := strings.Fields(sc.Text())
		if len(f) < 10 {
			continue
		}
		local, err := parseProcAddr(f[1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", proto, err)
		}
		remote, err := parseProcAddr(f[2])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", proto, err)
		}
		state, err := strconv.ParseUint(f[3], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("%s: state %q: %w", proto, f[3], err)
		}
		inode, err := strconv.ParseUint(f[9], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: inode %q: %w", proto, f[9], err)
		}
		out = append(out, Socket{Proto: proto, Local: local, Remote: remote, State: int(state), Inode: inode})
	}
	return out, sc.Err()
}

// parseProcAddr decodes "0100007F:1F90": the address is the kernel's in-memory bytes printed
// as 32-bit words in host byte order, the port a plain hex number.
func parseProcAddr(s string) (netip.AddrPort, error) {
	addrHex, portHex, ok := strings.Cut(s, ":")
	if !ok {
		return netip.AddrPort{}, fmt.Errorf("address %q: no port", s)
	}
	port, err := strconv.ParseUint(portHex, 16, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("address %q: %w", s, err)
	}
	raw, err := hex.DecodeString(addrHex)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return netip.AddrPort{}, fmt.Errorf("address %q: not an IPv4 or IPv6 address", s)
	}
	b := make([]byte, len(raw))
	for i := 0; i < len(raw); i += 4 {
		binary.NativeEndian.PutUint32(b[i:], binary.BigEndian.Uint32(raw[i:]))
	}
	addr, _ := netip.AddrFromSlice(b)
	return netip.AddrPortFrom(addr, uint16(port)), nil
}

// processSockets lists the sockets process pid has open: the rows of its network namespace's
// tables whose inode is one of its file descriptors.
func processSockets(pid int) ([]Socket, error) {
	return processSocketsIn("/proc", pid)
}

func processSocketsIn(procRoot string, pid int) ([]Socket, error) {
	fdDir := filepath.Join(procRoot, strconv.Itoa(pid), "fd")
	entries, err := os.ReadDir(fdDir)
	if err != nil {
		return nil, err
	}
	inodes := map[uint64]bool{}
	for _, e := range entries {
		link, err := os.Readlink(filepath.Join(fdDir, e.Name()))
		if err != nil {
			continue // closed meanwhile
		}
		if n, ok := strings.CutPrefix(link, "socket:["); ok {
			if ino, err := strconv.ParseUint(strings.TrimSuffix(n, "]"), 10, 64); err == nil {
				inodes[ino] = true
			}
		}
	}
	var out []Socket
	for _, proto := range []string{"tcp", "tcp6", "udp", "udp6"} {
		f, err := os.Open(filepath.Join(procRoot, strconv.Itoa(pid), "net", proto))
		if errors.Is(err, os.ErrNotExist) {
			continue // e.g. no IPv6
		}
		if err != nil {
			return nil, err
		}
		rows, err := parseProcNet(f, proto)
		f.Close()
		if err != nil {
			return nil, err
		}
		for _, s := range rows {
			if inodes[s.Inode] {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

// outboundSockets lists the sockets of pid connected to non-loopback addresses.
func outboundSockets(pid int) ([]Socket, error) {
	all, err := processSockets(pid)
	if err != nil {
		return nil, err
	}
	var out []Socket
	for _, s := range all {
		if s.Outbound() {
			out = append(out, s)
		}
	}
	return out, nil
}

// listensOn tells whether process pid holds the TCP listener on port: a ping answered on a
// recycled port by some other server must not pass for ours. Without /proc it assumes so.
func listensOn(pid, port int) bool {
	socks, err := processSockets(pid)
	if errors.Is(err, os.ErrNotExist) {
		if _, statErr := os.Stat("/proc/self/net/tcp"); statErr != nil {
			return true
		}
	}
	for _, s := range socks {
		if s.State == tcpListen && (s.Proto == "tcp" || s.Proto == "tcp6") && int(s.Local.Port()) == port {
			return true
		}
	}
	return false
}
