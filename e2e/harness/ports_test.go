package harness

import (
	"net"
	"testing"
)

func TestFreePortIsBindableAndAvoidsGivenPorts(t *testing.T) {
	p1, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	if p1 <= 0 || p1 > 65535 {
		t.Fatalf("port %d", p1)
	}
	if !portFree(p1) {
		t.Fatalf("port %d from the kernel cannot be bound", p1)
	}
	for range 50 {
		p2, err := freePort(p1)
		if err != nil {
			t.Fatal(err)
		}
		if p2 == p1 {
			t.Fatalf("freePort(%d) returned the port to avoid", p1)
		}
	}
}

func TestPortFreeSeesAListener(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if portFree(port) {
		t.Errorf("port %d is held by a listener but portFree says it is free", port)
	}
	l.Close()
	if !portFree(port) {
		t.Errorf("port %d is free again but portFree says it is not", port)
	}
}
