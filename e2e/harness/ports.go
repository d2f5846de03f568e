package harness

import (
	"errors"
	"net"
	"slices"
	"strconv"
)

// freePort asks the kernel for a free TCP port on 127.0.0.1, other than those in avoid. Nothing
// holds it afterwards: the caller's server binds it a moment later and retries with another
// port should someone else have been quicker.
func freePort(avoid ...int) (int, error) {
	for range 20 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		if err := l.Close(); err != nil {
			return 0, err
		}
		if !slices.Contains(avoid, port) {
			return port, nil
		}
	}
	return 0, errors.New("no free loopback port found")
}

// portFree tells whether 127.0.0.1:port can be bound now.
func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}
