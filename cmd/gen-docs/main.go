// Command gen-docs writes matterctl's reference documentation (markdown and man pages) from
// the command tree. It makes no network calls.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

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
	topicDir := filepath.Join(dir, "topics")
	for _, d := range []string{mdDir, topicDir, filepath.Join(dir, "man")} {
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
	if err := writeTopics(cmd, topicDir); err != nil {
		return err
	}
	if !man {
		return nil
	}
	manDir := filepath.Join(dir, "man")
	if err := os.MkdirAll(manDir, 0o755); err != nil {
		return err
	}
	// A fixed date keeps the pages identical from run to run, so CI can check them.
	date := time.Date(2026, time.November, 1, 0, 0, 0, 0, time.UTC)
	header := &doc.GenManHeader{Title: "MATTERCTL", Section: "1", Source: "matterctl", Manual: "matterctl manual", Date: &date}
	return doc.GenManTree(cmd, header, manDir)
}

func disableAutoGenTag(cmd *cobra.Command) {
	cmd.DisableAutoGenTag = true
	for _, c := range cmd.Commands() {
		disableAutoGenTag(c)
	}
}

// writeTopics writes the help topics (`matterctl help environment`, …), which cobra's
// generators skip because they are not runnable commands.
func writeTopics(root *cobra.Command, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, c := range root.Commands() {
		if !c.IsAdditionalHelpTopicCommand() {
			continue
		}
		body := fmt.Sprintf("# matterctl help %s\n\n%s\n\n```\n%s```\n", c.Name(), c.Short, c.Long)
		if err := os.WriteFile(filepath.Join(dir, c.Name()+".md"), []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}
