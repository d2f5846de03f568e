package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fakeMatterctl is a matterctl whose help lists the groups of a later version (bot and
// webhook with subcommands) and which echoes every other command line.
const fakeMatterctl = `#!/bin/sh
case "$*" in
"--help") cat <<'EOT'
Usage:
  matterctl [command]

Commands:
  api         Make an authenticated request to the REST API v4
  auth        Log in to servers and manage stored profiles
  webhook     Create, find, change and remove webhooks
  bot         Create, find, change and remove bots
  user        Create, find, change and remove users
  version     Print the matterctl version

Additional Commands:
  completion  Print the shell completion script
  help        Help about any command

Flags:
  -h, --help   help for matterctl

Additional help topics:
  matterctl environment Environment variables
EOT
;;
"bot --help") printf 'Usage:\n  matterctl bot [command]\n\nAvailable Commands:\n  create      Create bots\n  list        List bots\n\nFlags:\n  -h, --help   help\n' ;;
"bot list --help") printf 'List bots\n\nUsage:\n  matterctl bot list [flags]\n' ;;
"webhook --help") printf 'Available Commands:\n  list        List webhooks\n' ;;
"webhook list --help") printf 'Usage:\n  matterctl webhook list <team> [flags]\n' ;;
*) echo "ran: $*" ;;
esac
`

func newFakeTour(t *testing.T) (*tour, *bytes.Buffer) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "matterctl")
	if err := os.WriteFile(bin, []byte(fakeMatterctl), 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	return &tour{ctx: context.Background(), bin: bin, env: os.Environ(), stdout: &out, stderr: &out}, &out
}

// The tour covers every group matterctl's help lists: its own steps for the groups it knows,
// and for a group added later its list (when that takes no argument) or its help.
func TestTourDiscoversEveryGroup(t *testing.T) {
	tr, out := newFakeTour(t)
	groups, err := tr.groups()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"auth", "version", "api", "user", "webhook", "bot"}; !slices.Equal(groups, want) {
		t.Fatalf("groups %v, want %v", groups, want)
	}
	if got := tr.subcommands("bot"); !slices.Equal(got, []string{"create", "list"}) {
		t.Errorf("bot subcommands %v", got)
	}
	for _, g := range []string{"bot", "webhook"} {
		if err := tr.group(g, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{"$ matterctl bot list\nran: bot list", "$ matterctl webhook --help\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("tour output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunExitCodes(t *testing.T) {
	ctx := context.Background()
	var out, errOut bytes.Buffer
	if code := run(ctx, nil, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "usage: sandbox") {
		t.Errorf("no arguments: exit %d, stderr %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run(ctx, []string{"start"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "start takes 1 argument") {
		t.Errorf("start without DIR: exit %d, stderr %q", code, errOut.String())
	}
	out.Reset()
	dir := t.TempDir()
	if code := run(ctx, []string{"status", dir}, &out, &errOut); code != exitNotRunning || !strings.Contains(out.String(), "no sandbox in") {
		t.Errorf("status of no sandbox: exit %d, stdout %q", code, out.String())
	}
	if code := run(ctx, []string{"stop", dir}, &out, &errOut); code != 0 {
		t.Errorf("stop of no sandbox: exit %d, stderr %q", code, errOut.String())
	}
}
