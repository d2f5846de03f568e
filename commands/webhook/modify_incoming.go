package webhook

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// ModifyIncomingOptions are the inputs of `webhook modify-incoming`. A nil field was not
// given and does not change.
type ModifyIncomingOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Hook          string
	Team          string
	Channel       *string
	DisplayName   *string
	Description   *string
	Icon          *string
	LockToChannel *bool
	DryRun        bool
}

// NewCmdModifyIncoming builds `webhook modify-incoming`.
func NewCmdModifyIncoming(f *cmdutil.Factory, runF func(context.Context, *ModifyIncomingOptions) error) *cobra.Command {
	opts := &ModifyIncomingOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	var channel, displayName, description, icon string
	var lock bool
	cmd := &cobra.Command{
		Use:               "modify-incoming <hook>",
		ValidArgsFunction: cmdutil.CompleteFirst(cmdutil.CompleteHooks(f, cmdutil.IncomingHooks)),
		Short:             "Change an incoming webhook",
		Long: `Change the channel, display name, description, icon or channel lock of an incoming webhook,
given as an ID or a display name (unique in --team, else on the server).

Only the flags given change: a webhook locked to its channel stays locked unless
--lock-to-channel=false is given. An empty value clears the display name, the description or
the icon (--description ""). The new channel must be in the webhook's team; a bare channel
name is looked up there. At least one flag is required. When the webhook already has every
value given, nothing is sent and the command says so.

The server must allow incoming webhooks (ServiceSettings.EnableIncomingWebhooks,
MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS).`,
		Example: `  matterctl webhook modify-incoming 8x3kc9n6qbf4fjxwbwqjk1moxo --channel alerts
  matterctl webhook modify-incoming "Deploy Notifications" --lock-to-channel --dry-run
  matterctl webhook modify-incoming "Deploy Notifications" --team devops --description ""`,
		Args: cmdutil.ExactArgs(1, "a webhook"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Hook = strings.TrimSpace(args[0])
			fl := cmd.Flags()
			if fl.Changed("channel") {
				ch := strings.TrimSpace(channel)
				if ch == "" {
					return cmdutil.FlagErrorf("--channel needs a channel: an incoming webhook always has one")
				}
				opts.Channel = &ch
			}
			if fl.Changed("display-name") {
				opts.DisplayName = &displayName
			}
			if fl.Changed("description") {
				opts.Description = &description
			}
			if fl.Changed("icon") {
				opts.Icon = &icon
			}
			if fl.Changed("lock-to-channel") {
				opts.LockToChannel = &lock
			}
			if opts.Channel == nil && opts.DisplayName == nil && opts.Description == nil && opts.Icon == nil && opts.LockToChannel == nil {
				return cmdutil.FlagErrorf("give at least one of --channel, --display-name, --description, --icon, --lock-to-channel")
			}
			if err := validateIncoming(opts.DisplayName, opts.Description, opts.Icon); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return modifyIncomingRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&channel, "channel", "", "New channel (ID, team:channel or a name in the webhook's team)")
	fl.StringVar(&displayName, "display-name", "", "New display name (\"\" clears it)")
	fl.StringVar(&description, "description", "", "New description (\"\" clears it)")
	fl.StringVar(&icon, "icon", "", "New icon URL (\"\" clears it)")
	fl.BoolVar(&lock, "lock-to-channel", false, "Post only to the webhook's own channel (=false to unlock)")
	fl.StringVar(&opts.Team, "team", "", "Look the webhook's display name up in this team (name or ID)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Resolve the webhook and show what would change, change nothing")
	_ = cmd.RegisterFlagCompletionFunc("team", cmdutil.CompleteTeams(f))
	_ = cmd.RegisterFlagCompletionFunc("channel", cmdutil.CompleteChannels(f))
	return cmd
}

// channelLabel names the channel with the given ID as team:channel for a message, or gives the
// ID when it cannot be looked up.
func channelLabel(ctx context.Context, c client.Client, id string, teams *cmdutil.ChannelTeams) string {
	if id == "" {
		return "every channel"
	}
	ch, _, err := c.GetChannel(client.WithIdempotent(ctx), id)
	if err != nil || ch == nil {
		return id
	}
	if _, err := teams.Get(ctx, c, ch.TeamId); err != nil {
		return ch.Name
	}
	return teams.Label(ch)
}

func modifyIncomingRun(ctx context.Context, opts *ModifyIncomingOptions) error {
	m, err := startModification(ctx, opts.Printer, opts.Client, opts.Team, opts.Hook, cmdutil.IncomingHooks)
	if err != nil {
		return err
	}
	c := m.c
	hook := *m.old.Incoming
	if opts.Channel != nil {
		// A bare name is a channel of the webhook's team.
		ch, t, err := resolveChannel(ctx, c, *opts.Channel, hook.TeamId)
		if err != nil {
			return err
		}
		if ch.TeamId != hook.TeamId {
			return fmt.Errorf("--channel %s: the channel is in another team than the webhook; a webhook cannot move to another team", *opts.Channel)
		}
		if ch.Id != hook.ChannelId {
			m.add("channel", channelLabel(ctx, c, hook.ChannelId, t), t.Label(ch))
			hook.ChannelId = ch.Id
		}
		m.newChannel, m.team = ch, t.Team(ch.TeamId)
	}
	m.setString("display name", opts.DisplayName, &hook.DisplayName)
	m.setString("description", opts.Description, &hook.Description)
	m.setString("icon url", opts.Icon, &hook.IconURL)
	if opts.LockToChannel != nil && *opts.LockToChannel != hook.ChannelLocked {
		m.add("channel lock", strconv.FormatBool(hook.ChannelLocked), strconv.FormatBool(*opts.LockToChannel))
		hook.ChannelLocked = *opts.LockToChannel
	}
	return m.finish(ctx, opts.DryRun, func() (*cmdutil.Hook, error) {
		updated, _, err := c.UpdateIncomingWebhook(ctx, &hook)
		if err != nil {
			return nil, cmdutil.IncomingHooksRefused(err)
		}
		if updated == nil {
			updated = &hook
		}
		return &cmdutil.Hook{Incoming: updated}, nil
	})
}
