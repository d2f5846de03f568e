package harness

import (
	"encoding/binary"
	"net"
	"net/netip"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// Rows as the kernel writes them on a little-endian machine (amd64, arm64).
const sampleTCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0000000000000000 100 0 0 10 0
   1: 0100007F:D431 0100007F:1F91 01 00000000:00000000 00:00000000 00000000     0        0 1002 1 0000000000000000 20 4 30 10 -1
   2: 0200A8C0:B5E2 22D8B85D:01BB 02 00000001:00000000 01:00000064 00000001     0        0 1003 1 0000000000000000 100 0 0 10 -1
   3: 0200A8C0:B5E4 22D8B85D:01BB 06 00000000:00000000 03:00000FA0 00000000     0        0 0 3 0000000000000000
`

const sampleTCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:C350 0000000000000000FFFF00000100007F:1538 01 00000000:00000000 00:00000000 00000000     0        0 2002 1 0000000000000000 20 4 30 10 -1
   2: B80D0120000000000000000002000000:C351 B80D0120000000000000000001000000:01BB 01 00000000:00000000 00:00000000 00000000     0        0 2003 1 0000000000000000 20 4 30 10 -1
`

const sampleUDP = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  120: 0200A8C0:D2F0 35FFFF0A:0035 01 00000000:00000000 00:00000000 00000000     0        0 3001 2 0000000000000000 0
  121: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3002 2 0000000000000000 0
`

func littleEndianOnly(t *testing.T) {
	var b [2]byte
	binary.NativeEndian.PutUint16(b[:], 1)
	if b[0] != 1 {
		t.Skip("the samples are of a little-endian kernel")
	}
}

func TestParseProcNetFindsOutboundConnections(t *testing.T) {
	littleEndianOnly(t)
	var all []Socket
	for proto, table := range map[string]string{"tcp": sampleTCP, "tcp6": sampleTCP6, "udp": sampleUDP} {
		rows, err := parseProcNet(strings.NewReader(table), proto)
		if err != nil {
			t.Fatalf("%s: %v", proto, err)
		}
		all = append(all, rows...)
	}
	if len(all) != 9 {
		t.Fatalf("parsed %d rows, want 9", len(all))
	}
	var outbound []string
	for _, s := range all {
		if s.Outbound() {
			outbound = append(outbound, s.String())
		}
	}
	slices.Sort(outbound)
	want := []string{
		"tcp 192.168.0.2:46562 -> 93.184.216.34:443 SYN_SENT",
		"tcp 192.168.0.2:46564 -> 93.184.216.34:443 TIME_WAIT",
		"tcp6 [2001:db8::2]:50001 -> [2001:db8::1]:443 ESTABLISHED",
		"udp 192.168.0.2:54000 -> 10.255.255.53:53 ESTABLISHED", // a DNS query
	}
	if !slices.Equal(outbound, want) {
		t.Errorf("outbound:\n%s\nwant:\n%s", strings.Join(outbound, "\n"), strings.Join(want, "\n"))
	}
	// Listeners, loopback and IPv4-mapped loopback are not.
	for _, s := range all {
		if s.Inode == 1001 && (s.Local != netip.MustParseAddrPort("127.0.0.1:8081") || s.State != tcpListen) {
			t.Errorf("listener row: %v", s)
		}
		if s.Inode == 2002 && s.Remote != netip.MustParseAddrPort("[::ffff:127.0.0.1]:5432") {
			t.Errorf("mapped row: %v", s)
		}
	}
}

func TestParseProcNetRejectsGarbage(t *testing.T) {
	bad := "header\n   0: 0100007F:1F91 nonsense 0A 0:0 0:0 0 0 0 1001 1\n"
	if _, err := parseProcNet(strings.NewReader(bad), "tcp"); err == nil {
		t.Error("a malformed address parsed")
	}
}

// The sampler finds a real connection of this very process to a non-loopback address of the
// machine (and not its loopback ones). This is the check the e2e suite runs on the server.
func TestEgressWatchSeesARealConnection(t *testing.T) {
	if _, err := os.Stat("/proc/self/net/tcp"); err != nil {
		t.Skip("no /proc")
	}
	ip := nonLoopbackAddr(t)
	lo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lo.Close()
	loConn, err := net.Dial("tcp", lo.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer loConn.Close()

	w := WatchEgress(os.Getpid(), 20*time.Millisecond)
	time.Sleep(60 * time.Millisecond)
	if got := w.Sample(); len(got) != 0 {
		t.Fatalf("loopback connections reported as outbound: %v", got)
	}
	if !listensOn(os.Getpid(), lo.Addr().(*net.TCPAddr).Port) {
		t.Error("listensOn does not see this process's listener")
	}

	out, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	defer out.Close()
	conn, err := net.Dial("tcp", out.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	conn.Close()
	got := w.Stop()
	found := false
	for _, c := range got {
		if strings.Contains(c, "-> "+out.Addr().String()) {
			found = true
		}
	}
	if !found {
		t.Errorf("the connection to %s was not seen; saw %v", out.Addr(), got)
	}
	if err := w.Err(); err != nil {
		t.Errorf("sampling: %v", err)
	}
}

func nonLoopbackAddr(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Skip(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return n.IP.String()
		}
	}
	t.Skip("no non-loopback IPv4 address on this machine")
	return ""
}

func TestScanLogForEgress(t *testing.T) {
	log := strings.Join([]string{
		// a call to a public service (JSON-escaped quotes, as the server logs it)
		`{"timestamp":"2026-01-01","level":"error","msg":"Failed to get security update information from Mattermost.","error":"Get \"https://securityupdatecheck.mattermost.com/security?id=x\": dial tcp: lookup securityupdatecheck.mattermost.com on 10.255.255.53:53: no such host"}`,
		`{"level":"error","msg":"marketplace","error":"Get \"http://203.0.113.9/api/v1/plugins\": dial tcp 203.0.113.9:80: i/o timeout"}`,
		`{"level":"warn","msg":"x","error":"dial tcp [2001:db8::1]:443: connect: network is unreachable"}`,
		// all local, or no connection at all
		`{"level":"info","msg":"License key from https://mattermost.com required to unlock enterprise features."}`,
		`{"level":"error","msg":"Failed to send welcome email","error":"dial tcp 127.0.0.1:10025: connect: connection refused"}`,
		`{"level":"error","msg":"x","error":"dial tcp [::1]:10025: connect: connection refused"}`,
		`{"level":"error","msg":"x","error":"Post \"http://localhost:9/api/v1/send_push\": dial tcp: lookup localhost: no such host"}`,
		`{"level":"debug","msg":"Failed to lookup user by id"}`,
	}, "\n")
	got := ScanLogForEgress(strings.NewReader(log))
	var hosts []string
	for _, g := range got {
		h, _, _ := strings.Cut(g, ": ")
		hosts = append(hosts, h)
	}
	want := []string{"securityupdatecheck.mattermost.com", "203.0.113.9", "2001:db8::1"}
	if !slices.Equal(hosts, want) {
		t.Errorf("hosts %v, want %v\n%s", hosts, want, strings.Join(got, "\n"))
	}
}
