//go:build ignore

// Gen writes fake_gen.go from the Client interface of package client (the parent directory).
// Run it with go generate ./client/clienttest.
package main

import (
	"fmt"
	"os"

	"github.com/matterctl/matterctl/client/clienttest/internal/genfake"
)

func main() {
	src, err := genfake.Generate("..")
	if err == nil {
		err = os.WriteFile("fake_gen.go", src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genfake:", err)
		os.Exit(1)
	}
}
