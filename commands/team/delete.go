package team

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// DeleteOptions are the inputs of `team delete`.
type DeleteOptions struct {
	cmdutil.BulkArgs
	// Confirm asks the question unless --confirm/--yes was given (cmdutil.ConfirmFlags.Confirm).
	Confirm func(question string) error
	Yes     cmdutil.ConfirmFlags
}

// NewCmdDelete builds `team delete`.
func NewCmdDelete(f *cmdutil.Factory, runF func(context.Context, *DeleteOptions) error) *cobra.Command {
	opts := &DeleteOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	opts.Confirm = func(question string) error { return opts.Yes.Confirm(f, question) }
	cmd := &cobra.Command{
		Use:               "delete <team>...",
		ValidArgsFunction: cmdutil.CompleteTeams(f),
		Short:             "Permanently delete teams",
		Long: `Permanently delete teams with their channels, posts, files and memberships. This cannot
be undone; make sure a database backup exists. To keep the content, use
` + "`matterctl team archive`" + ` instead.

Teams are given as IDs or names, as arguments or with --file; archived teams can be deleted too.
Every argument is resolved before anything is deleted: if one does not resolve, nothing is
deleted.

At a terminal the command asks for confirmation; elsewhere --confirm (or --yes) is required.
The server must allow it: ServiceSettings.EnableAPITeamDeletion must be true (the local-mode
socket, --local, is not subject to it).`,
		Example: `  matterctl team delete devops
  matterctl team delete --file old-teams.txt --dry-run
  matterctl team delete old-team 7c6qkzn9q7ds5ehqfqzpyxw1ya --confirm --json`,
		RunE: opts.RunE("team", cmdutil.Runner(opts, runF, deleteRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "teams")
	cmdutil.AddConfirmFlags(cmd, &opts.Yes)
	return cmd
}

// teamDeletion is the server setting that allows `team delete`.
var teamDeletion = cmdutil.Setting{Key: "ServiceSettings.EnableAPITeamDeletion", Want: "true"}

func deleteRun(ctx context.Context, opts *DeleteOptions) error {
	// Fail before any request when the confirmation could never be given.
	if !opts.Bulk.DryRun && !opts.Yes.Yes && !opts.IO.CanPrompt() {
		return cmdutil.MissingFlagsError("--confirm (or --yes)")
	}
	p, c, err := opts.Setup()
	if err != nil {
		return err
	}
	refusal := &cmdutil.Refusal{IDPrefix: "api.user.delete_team.not_enabled", What: "team deletion through the API", Setting: teamDeletion, Alternative: "matterctl team archive"}
	err = cmdutil.RunVerb(ctx, c, p, teamKind(), cmdutil.Verb[*model.Team]{
		Args: opts.Args, Strict: true, DryRun: opts.Bulk.DryRun, Parallel: opts.Bulk.Parallel,
		Plan: "permanently delete", Done: "Deleted",
		Confirm: func(teams []*model.Team) error { return opts.Confirm(deleteQuestion(teams)) },
		Apply: func(ctx context.Context, t *model.Team) (*model.Team, error) {
			if _, err := c.PermanentDeleteTeam(ctx, t.Id); err != nil {
				// Mattermost 7.8 answers 401 with the refusal's error ID when the setting is off.
				return nil, refusal.Check(err)
			}
			return t, nil
		},
	})
	refusal.Hint(p)
	return err
}

// deleteQuestion names the teams about to be deleted.
func deleteQuestion(teams []*model.Team) string {
	names := make([]string, len(teams))
	for i, t := range teams {
		names[i] = t.Name
	}
	return cmdutil.Question(names, "Permanently delete team %s with all its channels and posts? This cannot be undone.",
		"Permanently delete %d teams (%s) with all their channels and posts? This cannot be undone.")
}
