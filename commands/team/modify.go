package team

import (
	"context"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// ModifyOptions are the inputs of `team modify`.
type ModifyOptions struct {
	cmdutil.BulkArgs
	Private bool
	Public  bool
}

// NewCmdModify builds `team modify`.
func NewCmdModify(f *cmdutil.Factory, runF func(context.Context, *ModifyOptions) error) *cobra.Command {
	opts := &ModifyOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
	run := opts.RunE("team", cmdutil.Runner(opts, runF, modifyRun))
	cmd := &cobra.Command{
		Use:               "modify <team>...",
		ValidArgsFunction: cmdutil.CompleteTeams(f),
		Short:             "Make teams public or private",
		Long: `Make teams public (--public: anyone on the server may join) or private (--private: members
join by invitation only). Exactly one of the two is required.

Teams are given as IDs or names, as arguments or with --file. A team that already is what was
asked is left as it is and reported as such (a success). Making a team private also renews its
invitation link, so links shared before stop working.`,
		Example: `  matterctl team modify devops --private
  matterctl team modify --file teams.txt --public --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cmdutil.MutuallyExclusive(cmd, "private", "public"); err != nil {
				return err
			}
			if !opts.Private && !opts.Public {
				return cmdutil.FlagErrorf("give --private or --public")
			}
			return run(cmd, args)
		},
	}
	cmd.Flags().BoolVar(&opts.Private, "private", false, "Make the teams private: members join by invitation only")
	cmd.Flags().BoolVar(&opts.Public, "public", false, "Make the teams public: anyone on the server may join")
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "teams")
	return cmd
}

func modifyRun(ctx context.Context, opts *ModifyOptions) error {
	public := opts.Public
	privacy, want := model.TeamInvite, "private"
	if public {
		privacy, want = model.TeamOpen, "public"
	}
	return cmdutil.RunBulkVerb(ctx, &opts.BulkArgs, teamKind(), func(c client.Client) cmdutil.Verb[*model.Team] {
		return cmdutil.Verb[*model.Team]{
			Plan: "make " + want,
			Already: func(t *model.Team) string {
				if teamIsPublic(t) == public && (public || t.Type == model.TeamInvite) {
					return "already " + want
				}
				return ""
			},
			Apply: func(ctx context.Context, t *model.Team) (*model.Team, error) {
				updated, _, err := c.UpdateTeamPrivacy(ctx, t.Id, privacy)
				if err != nil {
					return nil, err
				}
				if updated == nil {
					t.Type, t.AllowOpenInvite = privacy, public
					updated = t
				}
				return updated, nil
			},
			PlanMessage: func(t *model.Team) string {
				return fmt.Sprintf("would make team %s (%s) %s", t.Name, t.Id, want)
			},
			Message: func(t *model.Team) string { return fmt.Sprintf("Made team %s %s", t.Name, want) },
		}
	})
}
