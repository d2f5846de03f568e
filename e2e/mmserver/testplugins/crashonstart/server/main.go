// Command crashonstart is the server part of a plugin that never starts: it exits at once,
// before the handshake with the server, which then reports the plugin as failed to start.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "crashonstart: exiting on purpose")
	os.Exit(3)
}
