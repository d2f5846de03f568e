package user

import (
	"context"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// InviteOptions are the inputs of `user invite`.
type InviteOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Email string
	Teams []string
	// Bulk holds --file (teams), --parallel and --dry-run.
	Bulk cmdutil.BulkFlags
}

// NewCmdInvite builds `user invite`.
func NewCmdInvite(f *cmdutil.Factory, runF func(context.Context, *InviteOptions) error) *cobra.Command {
	opts := &InviteOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "invite <email> <team>...",
		Short: "Invite someone by email to teams",
		Long: `Send an email invitation to join each of the given teams (team names or IDs), given as
arguments or with --file.

The email address is checked before anything is sent. Each team is handled on its own: a team
that cannot be found or where the invitation is refused is reported on stderr as
"<team>: <reason>" and the others still get the invitation (exit status 3 when some failed).
The server sends the emails in the background, so a mail delivery problem is not reported here
(mmctl says "Invites may or may not have been sent.").`,
		Example: `  matterctl user invite new.hire@example.com engineering onboarding
  matterctl user invite new.hire@example.com engineering --dry-run
  matterctl user invite new.hire@example.com --file teams.txt`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.Bulk.File != "" {
				return cmdutil.MinimumArgs(1, "an email address")(cmd, args)
			}
			return cmdutil.MinimumArgs(2, "an email address and at least one team")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			email := strings.ToLower(strings.TrimSpace(args[0]))
			if len(email) > model.UserEmailMaxLength || !userValidEmail(email) {
				return cmdutil.FlagErrorf("invalid email address %q", args[0])
			}
			teams, err := opts.Bulk.Args(args[1:], opts.IO.In, "team")
			if err != nil {
				return err
			}
			opts.Email = email
			opts.Teams = teams
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return inviteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Bulk.DryRun, "dry-run", false, "Resolve the teams, print what would be sent, send nothing")
	cmd.Flags().StringVar(&opts.Bulk.File, "file", "", "Read teams from `FILE`, one per line (- for standard input)")
	cmd.Flags().IntVar(&opts.Bulk.Parallel, "parallel", cmdutil.DefaultParallel, "How many invitations to send at once")
	return cmd
}

func inviteRun(ctx context.Context, opts *InviteOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	return cmdutil.RunVerb(ctx, c, p, cmdutil.Teams(cmdutil.TeamOptions{IncludeArchived: true}), cmdutil.Verb[*model.Team]{
		Args: opts.Teams, DryRun: opts.Bulk.DryRun, Parallel: opts.Bulk.Parallel,
		PlanMessage: func(t *model.Team) string { return fmt.Sprintf("would invite %s to %s", opts.Email, t.Name) },
		Message:     func(t *model.Team) string { return fmt.Sprintf("Invited %s to %s", opts.Email, t.Name) },
		RowFields:   func(*model.Team) map[string]any { return map[string]any{"email": opts.Email} },
		Apply: func(ctx context.Context, t *model.Team) (*model.Team, error) {
			_, err := c.InviteUsersToTeam(ctx, t.Id, []string{opts.Email})
			return t, err
		},
	})
}
