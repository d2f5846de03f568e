package auth

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// CleanOptions are the inputs of `auth clean`.
type CleanOptions struct {
	F   *cmdutil.Factory
	Yes bool
}

// NewCmdClean builds `auth clean`.
func NewCmdClean(f *cmdutil.Factory, runF func(context.Context, *CleanOptions) error) *cobra.Command {
	opts := &CleanOptions{F: f}
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Delete the credentials file and every profile in it",
		Long: `Delete the credentials file and every profile in it. This also removes a file that
cannot be read (corrupted). At a terminal it asks first unless --yes is given.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return cleanRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Do not ask for confirmation")
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
	if !opts.Yes && f.IOStreams.CanPrompt() {
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
