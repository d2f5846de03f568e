// Command gen-docs writes matterctl's reference documentation (markdown and man pages) from
// the command tree. It makes no network calls.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/commands/root"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/iostreams"
)

func main() {
	dir := flag.String("dir", "docs", "output directory")
	man := flag.Bool("man", true, "also write man pages to DIR/man")
	flag.Parse()
	if err := generate(*dir, *man); err != nil {
		fmt.Fprintln(os.Stderr, "gen-docs:", err)
		os.Exit(1)
	}
}

func generate(dir string, man bool) error {
	ios, _, _, _ := iostreams.Test()
	// A fixed version keeps the generated files identical from build to build.
	f := cmdutil.New(ios, build.Info{Version: "dev"}, func(string) string { return "" })
	cmd := root.NewCmdRoot(f)
	cmd.DisableAutoGenTag = true
	disableAutoGenTag(cmd)
	mdDir := filepath.Join(dir, "commands")
	for _, d := range []string{mdDir, filepath.Join(dir, "man")} {
		if err := os.RemoveAll(d); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(mdDir, 0o755); err != nil {
		return err
	}
	if err := doc.GenMarkdownTree(cmd, mdDir); err != nil {
		return err
	}
	if !man {
		return nil
	}
	manDir := filepath.Join(dir, "man")
	if err := os.MkdirAll(manDir, 0o755); err != nil {
		return err
	}
	header := &doc.GenManHeader{Title: "MATTERCTL", Section: "1", Source: "matterctl", Manual: "matterctl manual"}
	return doc.GenManTree(cmd, header, manDir)
}

func disableAutoGenTag(cmd *cobra.Command) {
	cmd.DisableAutoGenTag = true
	for _, c := range cmd.Commands() {
		disableAutoGenTag(c)
	}
}
