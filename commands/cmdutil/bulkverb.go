package cmdutil

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// BulkArgs are the inputs every multi-argument verb shares: its dependencies, the arguments
// given on the command line or with --file, and the bulk flags. A verb's options embed it.
type BulkArgs struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Args []string
	Bulk BulkFlags
}

// NewBulkArgs takes a verb's dependencies from f.
func NewBulkArgs(f *Factory) BulkArgs {
	return BulkArgs{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
}

// RunE returns a cobra RunE that merges the positional arguments with those read from --file
// into b.Args, then calls run. what names one argument in the usage error when there is none.
func (b *BulkArgs) RunE(what string, run func(context.Context) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		all, err := b.Bulk.Args(args, b.IO.In, what)
		if err != nil {
			return err
		}
		b.Args = all
		return run(cmd.Context())
	}
}

// Runner returns what a verb's RunE calls: runF with opts when a test gave one, else run.
func Runner[O any](opts O, runF, run func(context.Context, O) error) func(context.Context) error {
	if runF != nil {
		return func(ctx context.Context) error { return runF(ctx, opts) }
	}
	return func(ctx context.Context) error { return run(ctx, opts) }
}

// Setup builds the printer, then the client: a bad output flag is a usage error, reported
// before any credentials are looked up.
func (b *BulkArgs) Setup() (*printer.Printer, client.Client, error) {
	p, err := b.Printer()
	if err != nil {
		return nil, nil, err
	}
	c, err := b.Client()
	if err != nil {
		return nil, nil, err
	}
	return p, c, nil
}

// RunBulkVerb runs the verb that build makes with the client (see RunVerb), on b's arguments
// with b's --dry-run and --parallel, which override those of the built verb.
func RunBulkVerb[T any](ctx context.Context, b *BulkArgs, k Kind[T], build func(client.Client) Verb[T]) error {
	p, c, err := b.Setup()
	if err != nil {
		return err
	}
	v := build(c)
	v.Args, v.DryRun, v.Parallel = b.Args, b.Bulk.DryRun, b.Bulk.Parallel
	return RunVerb(ctx, c, p, k, v)
}
