package auth

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// CleanOptions are the inputs of `auth clean`.
type CleanOptions struct {
	F      *cmdutil.Factory
	Yes    cmdutil.ConfirmFlags
	DryRun bool
}

// NewCmdClean builds `auth clean`.
func NewCmdClean(f *cmdutil.Factory, runF func(context.Context, *CleanOptions) error) *cobra.Command {
	opts := &CleanOptions{F: f}
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Delete the credentials file and every profile in it",
		Long: `Delete the credentials file and every profile in it. This also removes a file that
cannot be read (corrupted). At a terminal it asks first unless --confirm (or --yes) is given.
--dry-run names the file and the profiles it holds, and deletes nothing.`,
		Example: `  matterctl auth clean --dry-run
  matterctl auth clean --yes`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return cleanRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddConfirmFlags(cmd, &opts.Yes)
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Print what would be deleted, delete nothing")
	return cmd
}

func cleanRun(_ context.Context, opts *CleanOptions) error {
	f := opts.F
	p, err := f.Printer()
	if err != nil {
		return err
	}
	store, err := f.ConfigStore()
	if err != nil {
		return err
	}
	if opts.DryRun {
		if _, err := os.Lstat(store.Path); errors.Is(err, fs.ErrNotExist) {
			p.Infof("%s does not exist: nothing to delete", store.Path)
			return nil
		}
		file, err := store.Load()
		switch {
		case err != nil:
			p.Infof("would delete %s (%s)", store.Path, cmdutil.ErrorMessageLine(err))
		case len(file.Names()) == 0:
			p.Infof("would delete %s (no profiles)", store.Path)
		default:
			p.Infof("would delete %s and its profiles: %s", store.Path, strings.Join(file.Names(), ", "))
		}
		return nil
	}
	// Without a terminal it goes ahead, as mmctl's does: scripts need no flag.
	if !opts.Yes.Yes && f.IOStreams.CanPrompt() {
		ok, err := f.Prompter.Confirm("Delete "+store.Path+" and every stored profile?", false)
		if err != nil {
			return promptError(err)
		}
		if !ok {
			return cmdutil.ErrCancelled
		}
	}
	if err := store.Remove(); err != nil {
		return err
	}
	p.Successf("Removed %s", store.Path)
	return nil
}
