package webhook

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// ModifyOutgoingOptions are the inputs of `webhook modify-outgoing`. A nil field was not
// given and does not change.
type ModifyOutgoingOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Hook         string
	Team         string
	Channel      *string // "" makes the webhook listen to every public channel of its team
	DisplayName  *string
	Description  *string
	Icon         *string
	ContentType  *string
	TriggerWords []string // nil: unchanged; empty: cleared
	TriggerWhen  *int
	URLs         []string // nil: unchanged
	DryRun       bool
}

// NewCmdModifyOutgoing builds `webhook modify-outgoing`.
func NewCmdModifyOutgoing(f *cmdutil.Factory, runF func(context.Context, *ModifyOutgoingOptions) error) *cobra.Command {
	opts := &ModifyOutgoingOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	var channel, displayName, description, icon, contentType, triggerWhen string
	var words, urls []string
	cmd := &cobra.Command{
		Use:               "modify-outgoing <hook>",
		ValidArgsFunction: cmdutil.CompleteFirst(cmdutil.CompleteHooks(f, cmdutil.OutgoingHooks)),
		Short:             "Change an outgoing webhook",
		Long: `Change an outgoing webhook, given as an ID or a display name (unique in --team, else on the
server).

Only the flags given change. An empty value clears a field: --channel "" makes the webhook
listen to every public channel of its team, --trigger-word "" removes every trigger word, and
--display-name, --description, --icon and --content-type "" clear those. --trigger-word and
--url replace the whole list with the values given (repeat them for several). The webhook must
keep a channel or a trigger word, and a URL. The channel must be a public channel of the
webhook's team; a bare channel name is looked up there. At least one flag is required; when
the webhook already has every value given, nothing is sent and the command says so.

The server must allow outgoing webhooks (ServiceSettings.EnableOutgoingWebhooks,
MM_SERVICESETTINGS_ENABLEOUTGOINGWEBHOOKS).`,
		Example: `  matterctl webhook modify-outgoing "Build bot" --trigger-word build --trigger-word ship
  matterctl webhook modify-outgoing 3kd8c9n6qbf4fjxwbwqjk1moxo --url https://ci.example.com/v2/hook --dry-run
  matterctl webhook modify-outgoing "Build bot" --team devops --channel "" --trigger-when start`,
		Args: cmdutil.ExactArgs(1, "a webhook"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Hook = strings.TrimSpace(args[0])
			fl := cmd.Flags()
			given := false
			str := func(name string, v *string) *string {
				if !fl.Changed(name) {
					return nil
				}
				given = true
				s := *v
				return &s
			}
			opts.Channel = str("channel", &channel)
			if opts.Channel != nil {
				*opts.Channel = strings.TrimSpace(*opts.Channel)
			}
			opts.DisplayName = str("display-name", &displayName)
			opts.Description = str("description", &description)
			opts.Icon = str("icon", &icon)
			opts.ContentType = str("content-type", &contentType)
			if fl.Changed("trigger-word") {
				given = true
				opts.TriggerWords = []string{}
				for _, w := range words {
					if w != "" {
						opts.TriggerWords = append(opts.TriggerWords, w)
					}
				}
			}
			if fl.Changed("trigger-when") {
				given = true
				w, err := parseTriggerWhen(triggerWhen)
				if err != nil {
					return err
				}
				opts.TriggerWhen = &w
			}
			if fl.Changed("url") {
				given = true
				opts.URLs = slices.DeleteFunc(slices.Clone(urls), func(u string) bool { return u == "" })
				if len(opts.URLs) == 0 {
					return cmdutil.FlagErrorf("--url needs a URL: an outgoing webhook always has one")
				}
			}
			if !given {
				return cmdutil.FlagErrorf("give at least one of --channel, --display-name, --description, --icon, --content-type, --trigger-word, --trigger-when, --url")
			}
			if err := validateOutgoing(opts.DisplayName, opts.Description, opts.Icon, opts.ContentType, opts.TriggerWords, opts.URLs); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return modifyOutgoingRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&channel, "channel", "", "New public channel (ID, team:channel or a name in the webhook's team; \"\" for every channel)")
	fl.StringVar(&displayName, "display-name", "", "New display name (\"\" clears it)")
	fl.StringVar(&description, "description", "", "New description (\"\" clears it)")
	fl.StringVar(&icon, "icon", "", "New icon URL (\"\" clears it)")
	fl.StringVar(&contentType, "content-type", "", "New content type: application/x-www-form-urlencoded or application/json (\"\" for the default)")
	fl.StringArrayVar(&words, "trigger-word", nil, "New trigger words, replacing all of them (repeatable; \"\" clears them)")
	fl.StringVar(&triggerWhen, "trigger-when", "", "New trigger mode: exact or start")
	fl.StringArrayVar(&urls, "url", nil, "New callback URLs, replacing all of them (repeatable)")
	fl.StringVar(&opts.Team, "team", "", "Look the webhook's display name up in this team (name or ID)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Resolve the webhook and show what would change, change nothing")
	_ = cmd.RegisterFlagCompletionFunc("team", cmdutil.CompleteTeams(f))
	_ = cmd.RegisterFlagCompletionFunc("channel", cmdutil.CompleteChannels(f))
	_ = cmd.RegisterFlagCompletionFunc("trigger-when", cobra.FixedCompletions([]string{"exact", "start"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("content-type", cobra.FixedCompletions(contentTypes, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func modifyOutgoingRun(ctx context.Context, opts *ModifyOutgoingOptions) error {
	m, err := startModification(ctx, opts.Printer, opts.Client, opts.Team, opts.Hook, cmdutil.OutgoingHooks)
	if err != nil {
		return err
	}
	c := m.c
	hook := *m.old.Outgoing
	if opts.Channel != nil {
		to := ""
		if *opts.Channel != "" {
			if m.team, err = cmdutil.ResolveTeam(ctx, c, hook.TeamId); err != nil {
				return err
			}
			if m.newChannel, err = resolveHookChannel(ctx, c, *opts.Channel, m.team); err != nil {
				return err
			}
			to = m.newChannel.Id
		}
		if to != hook.ChannelId {
			label := "every channel"
			if m.newChannel != nil {
				label = m.team.Name + ":" + m.newChannel.Name
			}
			teams := &cmdutil.ChannelTeams{}
			if m.team != nil {
				teams.Add(m.team)
			}
			m.add("channel", channelLabel(ctx, c, hook.ChannelId, teams), label)
			hook.ChannelId = to
		}
	}
	m.setString("display name", opts.DisplayName, &hook.DisplayName)
	m.setString("description", opts.Description, &hook.Description)
	m.setString("icon url", opts.Icon, &hook.IconURL)
	m.setString("content type", opts.ContentType, &hook.ContentType)
	m.setList("trigger words", opts.TriggerWords, (*[]string)(&hook.TriggerWords))
	m.setList("callback urls", opts.URLs, (*[]string)(&hook.CallbackURLs))
	if opts.TriggerWhen != nil && *opts.TriggerWhen != hook.TriggerWhen {
		m.add("trigger when", triggerWhenName(hook.TriggerWhen), triggerWhenName(*opts.TriggerWhen))
		hook.TriggerWhen = *opts.TriggerWhen
	}
	if len(hook.TriggerWords) == 0 && hook.ChannelId == "" {
		return cmdutil.FlagErrorf("the webhook would have neither a channel nor a trigger word: give --channel or --trigger-word")
	}
	return m.finish(ctx, opts.DryRun, func() (*cmdutil.Hook, error) {
		updated, _, err := c.UpdateOutgoingWebhook(ctx, &hook)
		if err != nil {
			return nil, cmdutil.OutgoingHooksRefused(err)
		}
		if updated == nil {
			updated = &hook
		}
		return &cmdutil.Hook{Outgoing: updated}, nil
	})
}
