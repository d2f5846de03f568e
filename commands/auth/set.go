package auth

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/config"
)

// SetOptions are the inputs of `auth set`.
type SetOptions struct {
	F      *cmdutil.Factory
	Name   string
	DryRun bool
}

// NewCmdSet builds `auth set` (alias `switch`).
func NewCmdSet(f *cmdutil.Factory, runF func(context.Context, *SetOptions) error) *cobra.Command {
	opts := &SetOptions{F: f}
	cmd := &cobra.Command{
		Use:     "set [<name>]",
		Aliases: []string{"switch"},
		Short:   "Make a stored profile the current one",
		Long: `Make a stored profile the current one. At a terminal, without a name, pick one from a list.
--dry-run checks that the profile exists and changes nothing.`,
		Example: `  matterctl auth set prod
  matterctl auth switch
  matterctl auth set prod --dry-run`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cmdutil.CompleteFirst(cmdutil.CompleteProfiles(f)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			} else if !f.IOStreams.CanPrompt() {
				return cmdutil.MissingFlagsError("the profile NAME argument")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return setRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Check that the profile exists, change nothing")
	return cmd
}

func setRun(_ context.Context, opts *SetOptions) error {
	p, err := opts.F.Printer()
	if err != nil {
		return err
	}
	store, err := opts.F.ConfigStore()
	if err != nil {
		return err
	}
	name := opts.Name
	if name == "" {
		file, err := store.Load()
		if err != nil {
			return err
		}
		names := file.Names()
		if len(names) == 0 {
			return cmdutil.ErrNoCredentials
		}
		if name, err = opts.F.Prompter.Select("Profile to use", names, file.Current); err != nil {
			return promptError(err)
		}
	}
	if opts.DryRun {
		file, err := store.Load()
		if err != nil {
			return err
		}
		if _, ok := file.Get(name); !ok {
			return &cmdutil.NotFoundError{Kind: "profile", Name: name}
		}
		p.Infof("would make %q the current profile", name)
		return nil
	}
	errMissing := errors.New("missing")
	err = store.Update(func(file *config.File) error {
		if _, ok := file.Get(name); !ok {
			return errMissing
		}
		file.Current = name
		return nil
	})
	if errors.Is(err, errMissing) {
		return &cmdutil.NotFoundError{Kind: "profile", Name: name}
	}
	if err != nil {
		return err
	}
	p.Successf("Current profile is now %q", name)
	return nil
}
