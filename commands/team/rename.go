package team

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// RenameOptions are the inputs of `team rename`.
type RenameOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Team        string
	DisplayName string
	// Name is the new URL name asked with --name, which the server cannot apply.
	Name   string
	DryRun bool
}

// errRenameURL is the answer to --name: no route of the REST API (nor of the local-mode socket)
// changes a team's name; PUT /teams/{id} and PATCH keep it.
var errRenameURL = errors.New("--name: the server's API cannot change a team's URL name; " +
	"create a team with the new name (`matterctl team create`) and move the channels to it, or change only --display-name")

// NewCmdRename builds `team rename`.
func NewCmdRename(f *cmdutil.Factory, runF func(context.Context, *RenameOptions) error) *cobra.Command {
	opts := &RenameOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "rename <team>",
		ValidArgsFunction: cmdutil.CompleteFirst(cmdutil.CompleteTeams(f)),
		Short:             "Change the display name of a team",
		Long: `Change the display name of a team, given as an ID or a name.

Only the display name changes (one PATCH: other fields changed meanwhile are kept). A team that
already has that display name is left as it is and reported as such (a success).

--name, the name in the team's URL, cannot be changed: Mattermost's REST API keeps it in every
update, so the command fails with an explanation before sending anything.`,
		Example: `  matterctl team rename devops --display-name "DevOps Team"
  matterctl team rename devops --display-name "Platform" --dry-run`,
		Args: cmdutil.ExactArgs(1, "one team"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Team = strings.TrimSpace(args[0])
			if cmd.Flags().Changed("name") {
				return errRenameURL
			}
			if !cmd.Flags().Changed("display-name") {
				return cmdutil.FlagErrorf("required flag \"display-name\" not set")
			}
			opts.DisplayName = strings.TrimSpace(opts.DisplayName)
			switch n := utf8.RuneCountInString(opts.DisplayName); {
			case n == 0:
				return cmdutil.FlagErrorf("--display-name cannot be empty")
			case n > model.TeamDisplayNameMaxRunes:
				return cmdutil.FlagErrorf("--display-name is longer than %d characters", model.TeamDisplayNameMaxRunes)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return renameRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.DisplayName, "display-name", "", "New display name (required)")
	cmd.Flags().StringVar(&opts.Name, "name", "", "New URL name: refused, the server's API cannot change it")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Resolve the team, print what would change, change nothing")
	return cmd
}

func renameRun(ctx context.Context, opts *RenameOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	t, err := cmdutil.ResolveTeam(ctx, c, opts.Team)
	if err != nil {
		return err
	}
	if t.DisplayName == opts.DisplayName {
		p.Infof("Team %s already has display name %q: nothing to change", t.Name, t.DisplayName)
		if p.Structured() {
			return p.Object(t, teamFields(t))
		}
		return nil
	}
	if opts.DryRun {
		p.Infof("would rename team %s (%s) from %q to %q", t.Name, t.Id, t.DisplayName, opts.DisplayName)
		return nil
	}
	old, name := t.DisplayName, opts.DisplayName
	updated, _, err := c.PatchTeam(ctx, t.Id, &model.TeamPatch{DisplayName: &name})
	if err != nil {
		return err
	}
	if updated == nil {
		t.DisplayName = name
		updated = t
	}
	p.Successf("Renamed team %s from %q to %q", updated.Name, old, updated.DisplayName)
	if p.Structured() {
		return p.Object(updated, teamFields(updated))
	}
	return nil
}
