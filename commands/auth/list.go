package auth

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/printer"
)

// ListOptions are the inputs of `auth list`.
type ListOptions struct {
	F *cmdutil.Factory
}

// NewCmdList builds `auth list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{F: f}
	return &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List stored profiles (never their tokens)",
		Args:    cobra.NoArgs,
		Example: `  matterctl auth list
  matterctl auth list --json --jq '.[] | select(.current) | .name'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
}

func listRun(_ context.Context, opts *ListOptions) error {
	p, err := opts.F.Printer()
	if err != nil {
		return err
	}
	store, err := opts.F.ConfigStore()
	if err != nil {
		return err
	}
	file, err := store.Load()
	if err != nil {
		return err
	}
	list := printer.NewList(p, profileColumns...)
	for _, name := range file.Names() {
		prof, _ := file.Get(name)
		if err := list.Add(profileView(prof, name == file.Current)); err != nil {
			return list.Fail(err)
		}
	}
	if err := list.Close(); err != nil {
		return err
	}
	if list.Len() == 0 && !p.Structured() {
		p.Infof("no profiles stored in %s; run `matterctl auth login`", store.Path)
	}
	return nil
}
