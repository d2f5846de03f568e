package auth

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/config"
)

// DeleteOptions are the inputs of `auth delete`.
type DeleteOptions struct {
	F      *cmdutil.Factory
	Name   string
	DryRun bool
}

// NewCmdDelete builds `auth delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{F: f}
	cmd := &cobra.Command{
		Use:     "delete <name>",
		Aliases: []string{"remove", "rm"},
		Short:   "Delete a stored profile",
		Long: `Delete a stored profile. If it was the current one, no profile is current afterwards
(matterctl never picks another on its own): the message says so. --dry-run checks that the
profile exists and deletes nothing.`,
		Example: `  matterctl auth delete staging
  matterctl auth delete staging --dry-run`,
		Args:              cmdutil.ExactArgs(1, "a profile name"),
		ValidArgsFunction: cmdutil.CompleteProfiles(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return deleteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Check that the profile exists, delete nothing")
	return cmd
}

func deleteRun(_ context.Context, opts *DeleteOptions) error {
	p, err := opts.F.Printer()
	if err != nil {
		return err
	}
	store, err := opts.F.ConfigStore()
	if err != nil {
		return err
	}
	if opts.DryRun {
		file, err := store.Load()
		if err != nil {
			return err
		}
		if _, ok := file.Get(opts.Name); !ok {
			return &cmdutil.NotFoundError{Kind: "profile", Name: opts.Name}
		}
		if file.Current == opts.Name {
			p.Infof("would delete profile %q, the current one: no profile would be current", opts.Name)
		} else {
			p.Infof("would delete profile %q", opts.Name)
		}
		return nil
	}
	errMissing := errors.New("missing")
	var wasCurrent bool
	var current string
	err = store.Update(func(file *config.File) error {
		wasCurrent = file.Current == opts.Name
		if !file.Delete(opts.Name) {
			return errMissing
		}
		current = file.Current
		return nil
	})
	if errors.Is(err, errMissing) {
		return &cmdutil.NotFoundError{Kind: "profile", Name: opts.Name}
	}
	if err != nil {
		return err
	}
	switch {
	case wasCurrent:
		p.Successf("Deleted profile %q; no profile is current now: run `matterctl auth set NAME`", opts.Name)
	case current != "":
		p.Successf("Deleted profile %q; the current profile is still %q", opts.Name, current)
	default:
		p.Successf("Deleted profile %q; no profile is current", opts.Name)
	}
	return nil
}
