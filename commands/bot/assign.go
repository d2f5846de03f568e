package bot

import (
	"context"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// AssignOptions are the inputs of `bot assign`.
type AssignOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Bot    string
	Owner  string
	DryRun bool
}

// NewCmdAssign builds `bot assign`.
func NewCmdAssign(f *cmdutil.Factory, runF func(context.Context, *AssignOptions) error) *cobra.Command {
	opts := &AssignOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "assign <bot> <owner>",
		Short: "Give a bot a new owner",
		Long: `Give a bot a new owner: a user, given as ID, username or email. An orphaned bot (its owner
deactivated) is taken over this way. A bot that already belongs to the user is left as it is
and reported as such (a success).`,
		Example: `  matterctl bot assign mybot alice
  matterctl bot assign mybot alice@example.com --dry-run`,
		Args: cmdutil.ExactArgs(2, "a bot and its new owner"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bot, opts.Owner = args[0], args[1]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return assignRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Resolve the bot and the user, change nothing")
	return cmd
}

func assignRun(ctx context.Context, opts *AssignOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	refs, err := botKind().Resolve(ctx, c, []string{opts.Bot})
	if err != nil {
		return err
	}
	if refs[0].Err != nil {
		return refs[0].Err
	}
	b := refs[0].Obj
	owner, err := cmdutil.ResolveUser(ctx, c, opts.Owner)
	if err != nil {
		return err
	}
	if b.OwnerId == owner.Id {
		p.Successf("Bot %s already belongs to %s: nothing to do", b.Username, owner.Username)
		if p.Structured() && !opts.DryRun {
			return p.Object(b, nil)
		}
		return nil
	}
	if opts.DryRun {
		p.Infof("would assign bot %s (%s) to %s (%s)", b.Username, b.UserId, owner.Username, owner.Id)
		return nil
	}
	updated, _, err := c.AssignBot(ctx, b.UserId, owner.Id)
	if err != nil {
		return fmt.Errorf("assign bot %s to %s: %w", b.Username, owner.Username, err)
	}
	if updated == nil {
		b.OwnerId = owner.Id
		updated = b
	}
	p.Successf("%s", assignMessage(updated, owner))
	if p.Structured() {
		return p.Object(updated, nil)
	}
	return nil
}

// assignMessage is the success line of `bot assign`.
func assignMessage(b *model.Bot, owner *model.User) string {
	return fmt.Sprintf("Assigned bot %s to %s", b.Username, owner.Username)
}
