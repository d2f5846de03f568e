// Command matterctl administers Mattermost servers over the REST API v4.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/commands/root"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/iostreams"
)

func main() {
	os.Exit(run())
}

func run() int {
	ios := iostreams.System()
	f := cmdutil.New(ios, build.Current(), os.Getenv)
	rootCmd := root.NewCmdRoot(f)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, restore the default handling: a second Ctrl-C kills at once.
		<-ctx.Done()
		stop()
	}()

	cmd, err := rootCmd.ExecuteContextC(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	if ctx.Err() != nil || errors.Is(err, context.Canceled) {
		fmt.Fprintln(ios.ErrOut, "cancelled")
		return cmdutil.ExitInterrupted
	}
	if root.IsUsageError(err) {
		err = &cmdutil.FlagError{Err: err}
	}
	var silent *cmdutil.SilentError
	if errors.As(err, &silent) {
		// The failures are on stderr already; only their hint is left.
		if silent.Hint != "" {
			fmt.Fprintln(ios.ErrOut, silent.Hint)
		}
		return cmdutil.ExitCode(err)
	}
	var flagErr *cmdutil.FlagError
	if errors.As(err, &flagErr) {
		fmt.Fprintln(ios.ErrOut, "error: "+root.UsageMessage(err)+" ("+root.UsageHint(cmd)+")")
	} else if msg := cmdutil.ErrorMessage(err); msg != "" {
		fmt.Fprintln(ios.ErrOut, "error: "+msg)
	}
	return cmdutil.ExitCode(err)
}
