package bot

import (
	"context"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// UpdateOptions are the inputs of `bot update`. A nil field was not given and does not change.
type UpdateOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Bot         string
	Username    *string
	DisplayName *string
	Description *string
	DryRun      bool
}

// NewCmdUpdate builds `bot update`.
func NewCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	var username, displayName, description string
	cmd := &cobra.Command{
		Use:   "update <bot>",
		Short: "Change a bot's username, display name or description",
		Long: `Change a bot's username, display name or description.

Only the flags given change, with a patch of those fields, so a concurrent change to another
field is never overwritten. An empty value clears the display name or the description
(--description ""). At least one flag is required. When the bot already has every value
given, nothing is sent and the command says so.`,
		Example: `  matterctl bot update mybot --display-name "Automation Bot"
  matterctl bot update mybot --username autobot --dry-run
  matterctl bot update mybot --description ""`,
		Args: cmdutil.ExactArgs(1, "a bot"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Bot = args[0]
			fl := cmd.Flags()
			if fl.Changed("username") {
				u := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(username), "@"))
				opts.Username = &u
			}
			if fl.Changed("display-name") {
				opts.DisplayName = &displayName
			}
			if fl.Changed("description") {
				opts.Description = &description
			}
			if opts.Username == nil && opts.DisplayName == nil && opts.Description == nil {
				return cmdutil.FlagErrorf("give at least one of --username, --display-name, --description")
			}
			if err := validateBotFields(opts.Username, opts.DisplayName, opts.Description); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&username, "username", "", "New username")
	fl.StringVar(&displayName, "display-name", "", "New display name (\"\" clears it)")
	fl.StringVar(&description, "description", "", "New description (\"\" clears it)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Resolve the bot and show what would change, change nothing")
	return cmd
}

// updateChange is one field `bot update` changes.
type updateChange struct {
	field, from, to string
}

// updatePatch is the patch of the fields that differ from the bot's, and what they change.
func updatePatch(b *model.Bot, opts *UpdateOptions) (*model.BotPatch, []updateChange) {
	patch := &model.BotPatch{}
	var changes []updateChange
	if opts.Username != nil && *opts.Username != b.Username {
		patch.Username = opts.Username
		changes = append(changes, updateChange{"username", b.Username, *opts.Username})
	}
	if opts.DisplayName != nil && *opts.DisplayName != b.DisplayName {
		patch.DisplayName = opts.DisplayName
		changes = append(changes, updateChange{"display name", b.DisplayName, *opts.DisplayName})
	}
	if opts.Description != nil && *opts.Description != b.Description {
		patch.Description = opts.Description
		changes = append(changes, updateChange{"description", b.Description, *opts.Description})
	}
	return patch, changes
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
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
	patch, changes := updatePatch(b, opts)
	if len(changes) == 0 {
		p.Infof("Bot %s already has the values given: nothing to change", b.Username)
		if p.Structured() && !opts.DryRun {
			return p.Object(b, nil)
		}
		return nil
	}
	if patch.Username != nil {
		if err := checkUsernameFree(ctx, c, *patch.Username); err != nil {
			return err
		}
	}
	if opts.DryRun {
		for _, ch := range changes {
			p.Infof("would change the %s of bot %s (%s) from %q to %q", ch.field, b.Username, b.UserId, ch.from, ch.to)
		}
		return nil
	}
	updated, _, err := c.PatchBot(ctx, b.UserId, patch)
	if err != nil {
		return err
	}
	if updated == nil {
		updated = b
	}
	names := make([]string, len(changes))
	for i, ch := range changes {
		names[i] = ch.field
	}
	p.Successf("Updated bot %s (%s)", updated.Username, strings.Join(names, ", "))
	if p.Structured() {
		return p.Object(updated, nil)
	}
	return nil
}
