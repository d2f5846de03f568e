package channel

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/safetext"
	"github.com/matterctl/matterctl/printer"
)

// RenameOptions are the inputs of `channel rename`.
type RenameOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Channel     string
	Team        string
	Name        string
	DisplayName string
	// NameSet and DisplayNameSet record which of --name and --display-name were given.
	NameSet, DisplayNameSet bool
	DryRun                  bool
}

// NewCmdRename builds `channel rename`.
func NewCmdRename(f *cmdutil.Factory, runF func(context.Context, *RenameOptions) error) *cobra.Command {
	opts := &RenameOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "rename <channel>",
		ValidArgsFunction: cmdutil.CompleteFirst(cmdutil.CompleteChannels(f)),
		Short:             "Change a channel's name or display name",
		Long: `Change a channel's name (--name, the name in its URL), its display name (--display-name), or
both. Only what is given is changed (a patch), so a concurrent change to another field is never
overwritten.

The channel is an ID, team:channel, or a bare name (with --team, or unique across your teams).
A new name is checked before anything is sent: 1 to 64 lowercase letters, digits, '-' and '_'.
The name of a team's default channel (town-square) cannot change; archived channels must be
unarchived first. "Renamed channel ..." is reported on stderr and the channel on stdout.`,
		Example: `  matterctl channel rename devops:alerts --name alarms
  matterctl channel rename devops:alerts --display-name "Alerts (prod)"
  matterctl channel rename alerts --team devops --name alarms --display_name Alarms --dry-run`,
		Args: cmdutil.ExactArgs(1, "one channel"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Channel = args[0]
			opts.NameSet = cmd.Flags().Changed("name")
			opts.DisplayNameSet = cmd.Flags().Changed("display-name")
			if !opts.NameSet && !opts.DisplayNameSet {
				return cmdutil.FlagErrorf("give --name, --display-name or both")
			}
			if opts.NameSet {
				opts.Name = strings.ToLower(strings.TrimSpace(opts.Name))
				if err := validChannelName(opts.Name); err != nil {
					return &cmdutil.FlagError{Err: err}
				}
			}
			if opts.DisplayNameSet {
				opts.DisplayName = strings.TrimSpace(opts.DisplayName)
				if err := validDisplayName(opts.DisplayName); err != nil {
					return &cmdutil.FlagError{Err: err}
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return renameRun(cmd.Context(), opts)
		},
	}
	addTeamFlag(cmd, &opts.Team)
	completeTeamFlag(f, cmd)
	cmd.Flags().StringVar(&opts.Name, "name", "", "New name (the name in the channel's URL)")
	cmd.Flags().StringVar(&opts.DisplayName, "display-name", "", "New display name")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Resolve the channel and check the new names, change nothing")
	return cmd
}

// validChannelName checks a channel name as the server does.
func validChannelName(name string) error {
	if name == "" {
		return fmt.Errorf("the channel name is empty")
	}
	if len(name) > model.ChannelNameMaxLength || !model.IsValidChannelIdentifier(name) {
		return fmt.Errorf("invalid channel name %q: use 1 to %d lowercase letters, digits, '-' and '_', starting with a letter or digit", safetext.Clip(name, 64), model.ChannelNameMaxLength)
	}
	return nil
}

// validDisplayName checks a channel display name as the server does.
func validDisplayName(name string) error {
	if name == "" {
		return fmt.Errorf("the display name is empty")
	}
	if utf8.RuneCountInString(name) > model.ChannelDisplayNameMaxRunes {
		return fmt.Errorf("the display name is longer than %d characters", model.ChannelDisplayNameMaxRunes)
	}
	return nil
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
	teams := &cmdutil.ChannelTeams{}
	kind := cmdutil.QualifiedChannels(cmdutil.ChannelOptions{Team: strings.TrimSpace(opts.Team), IncludeArchived: true}, teams)
	refs, err := kind.Resolve(ctx, c, []string{opts.Channel})
	if err != nil {
		return err
	}
	if refs[0].Err != nil {
		return refs[0].Err
	}
	ch := refs[0].Obj
	label := kind.Label(ch)
	if ch.IsGroupOrDirect() {
		return refuseMessages(ch, "renamed")
	}

	patch := &model.ChannelPatch{}
	var changes []string
	if opts.NameSet && opts.Name != ch.Name {
		patch.Name = &opts.Name
		changes = append(changes, fmt.Sprintf("name %s to %s", ch.Name, opts.Name))
	}
	if opts.DisplayNameSet && opts.DisplayName != ch.DisplayName {
		patch.DisplayName = &opts.DisplayName
		changes = append(changes, fmt.Sprintf("display name %q to %q", ch.DisplayName, opts.DisplayName))
	}
	if len(changes) == 0 {
		p.Infof("Channel %s already has that name: nothing to change", label)
		return p.Object(teams.WithTeam(ch), channelFields(teams.WithTeam(ch), p.Format() == printer.Plain))
	}
	switch {
	case patch.Name != nil && isDefaultChannel(ch):
		return fmt.Errorf("%s is the default channel of its team: its name cannot change (its display name can)", label)
	case ch.DeleteAt != 0:
		return fmt.Errorf("channel %s is archived: unarchive it first (matterctl channel unarchive %s)", label, label)
	}
	if patch.Name != nil && ch.TeamId != "" {
		// A name taken in the team is refused by the server with an unhelpful message.
		taken, _, err := c.GetChannelByNameIncludeDeleted(client.WithIdempotent(ctx), *patch.Name, ch.TeamId, "")
		switch {
		case err == nil && taken != nil:
			return fmt.Errorf("team %s already has a channel named %s (%s)", teamName(teams, ch.TeamId), taken.Name, taken.Id)
		case err != nil && !client.IsNotFound(err):
			return err
		}
	}
	what := strings.Join(changes, " and ")
	if opts.DryRun {
		p.Infof("would rename channel %s (%s): %s", label, ch.Id, what)
		planned := *ch
		planned.Patch(patch)
		return p.Object(teams.WithTeam(&planned), channelFields(teams.WithTeam(&planned), p.Format() == printer.Plain))
	}
	updated, _, err := c.PatchChannel(ctx, ch.Id, patch)
	if err != nil {
		return err
	}
	if updated == nil {
		cp := *ch
		cp.Patch(patch)
		updated = &cp
	}
	p.Successf("Renamed channel %s: %s", label, what)
	out := teams.WithTeam(updated)
	return p.Object(out, channelFields(out, p.Format() == printer.Plain))
}
