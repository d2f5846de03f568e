package team

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// ArchiveOptions are the inputs of `team archive`.
type ArchiveOptions struct {
	cmdutil.BulkArgs
	// Confirm asks the question unless --confirm/--yes was given; nil never asks.
	Confirm func(question string) error
	Yes     cmdutil.ConfirmFlags
}

// NewCmdArchive builds `team archive`.
func NewCmdArchive(f *cmdutil.Factory, runF func(context.Context, *ArchiveOptions) error) *cobra.Command {
	opts := &ArchiveOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	opts.Confirm = func(question string) error {
		// Archiving can be undone: only a terminal is asked, scripts need no flag.
		if !f.IOStreams.CanPrompt() {
			return nil
		}
		return opts.Yes.Confirm(f, question)
	}
	cmd := &cobra.Command{
		Use:               "archive <team>...",
		ValidArgsFunction: cmdutil.CompleteTeams(f),
		Short:             "Archive teams",
		Long: `Archive teams: they disappear for their members, keeping all their content, until
` + "`matterctl team restore`" + ` brings them back.

Teams are given as IDs or names, as arguments or with --file. A team that is already archived
is left as it is and reported as such (a success). At a terminal the command asks for
confirmation unless --confirm (or --yes) is given; elsewhere it does not ask.`,
		Example: `  matterctl team archive devops
  matterctl team archive --file old-teams.txt --dry-run
  matterctl team archive devops qa --confirm --json`,
		RunE: opts.RunE("team", cmdutil.Runner(opts, runF, archiveRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "teams")
	cmdutil.AddConfirmFlags(cmd, &opts.Yes)
	return cmd
}

func archiveRun(ctx context.Context, opts *ArchiveOptions) error {
	return setArchived(ctx, &opts.BulkArgs, true, opts.Confirm)
}

// setArchived archives or restores teams; archive and restore share it. Teams already in the
// asked state get no request. confirm, when set, is asked about the teams that will change.
func setArchived(ctx context.Context, b *cmdutil.BulkArgs, archive bool, confirm func(string) error) error {
	return cmdutil.RunBulkVerb(ctx, b, teamKind(), func(c client.Client) cmdutil.Verb[*model.Team] {
		verb := cmdutil.Verb[*model.Team]{Plan: "archive", Done: "Archived"}
		state := "already archived"
		if !archive {
			verb.Plan, verb.Done = "restore", "Restored"
			state = "not archived"
		}
		verb.Already = func(t *model.Team) string {
			if (t.DeleteAt != 0) == archive {
				return state
			}
			return ""
		}
		if confirm != nil {
			verb.Confirm = func(teams []*model.Team) error {
				names := make([]string, len(teams))
				for i, t := range teams {
					names[i] = t.Name
				}
				return confirm(archiveQuestion(names))
			}
		}
		verb.Apply = func(ctx context.Context, t *model.Team) (*model.Team, error) {
			if archive {
				if _, err := c.SoftDeleteTeam(ctx, t.Id); err != nil {
					return nil, err
				}
				t.DeleteAt = model.GetMillis()
				return t, nil
			}
			restored, _, err := c.RestoreTeam(ctx, t.Id)
			if err != nil {
				return nil, err
			}
			if restored == nil {
				t.DeleteAt = 0
				restored = t
			}
			return restored, nil
		}
		return verb
	})
}

// archiveQuestion names the teams about to be archived.
func archiveQuestion(names []string) string {
	return cmdutil.Question(names, "Archive team %s? Its members lose access to it until it is restored.",
		"Archive %d teams (%s)? Their members lose access to them until they are restored.")
}
