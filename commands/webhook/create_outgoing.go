package webhook

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// The content types the server sends outgoing webhook requests as.
var contentTypes = []string{"application/x-www-form-urlencoded", "application/json"}

// CreateOutgoingOptions are the inputs of `webhook create-outgoing`.
type CreateOutgoingOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Team         string
	Channel      string
	User         string
	DisplayName  string
	Description  string
	TriggerWords []string
	TriggerWhen  int
	URLs         []string
	ContentType  string
	Icon         string
	DryRun       bool
}

// NewCmdCreateOutgoing builds `webhook create-outgoing`.
func NewCmdCreateOutgoing(f *cmdutil.Factory, runF func(context.Context, *CreateOutgoingOptions) error) *cobra.Command {
	opts := &CreateOutgoingOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	var triggerWhen string
	cmd := &cobra.Command{
		Use:   "create-outgoing",
		Short: "Create an outgoing webhook",
		Long: `Create an outgoing webhook: messages posted in a team's public channels that match its
trigger words are sent to its URLs.

--team (name or ID) and at least one --url are required, and at least one --trigger-word
unless --channel is given (then every message of the channel triggers it). --channel is a
public channel of the team: ID, name, or team:channel; a channel that does not resolve is an
error. --trigger-when exact (default) fires on messages whose first word is a trigger word,
start on messages whose first word starts with one. --user is the webhook's creator (ID,
username or email); without it, the account that runs the command (in local mode, --user is
required).

"Created outgoing webhook …" is reported on stderr and the webhook on stdout: on a terminal a
table of its fields (with the token that the receiving service checks), in plain format one
line with the columns of "webhook list" (the ID first), in JSON the object the server returns.

The server must allow outgoing webhooks (ServiceSettings.EnableOutgoingWebhooks,
MM_SERVICESETTINGS_ENABLEOUTGOINGWEBHOOKS). --dry-run resolves the team, channel and user and
creates nothing.`,
		Example: `  matterctl webhook create-outgoing --team devops --display-name "Build bot" --trigger-word build --url https://ci.example.com/hook
  matterctl webhook create-outgoing --team devops --channel alerts --url https://ops.example.com/in --content-type application/json
  matterctl webhook create-outgoing --team devops --trigger-word "#deploy" --trigger-word "#rollback" --trigger-when start --url https://a.example.com --url https://b.example.com`,
		Args: cmdutil.ExactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Team, opts.Channel, opts.User = strings.TrimSpace(opts.Team), strings.TrimSpace(opts.Channel), strings.TrimSpace(opts.User)
			fl := cmd.Flags()
			if opts.Team == "" {
				return cmdutil.FlagErrorf("--team is required")
			}
			if fl.Changed("channel") && opts.Channel == "" {
				return cmdutil.FlagErrorf("--channel needs a channel (leave it out for a webhook of every channel)")
			}
			if fl.Changed("user") && opts.User == "" {
				return cmdutil.FlagErrorf("--user needs a user")
			}
			if opts.User == "" && f.Globals.Local {
				return cmdutil.FlagErrorf("--user is required in local mode (--local): there is no calling account to own the webhook")
			}
			if len(opts.URLs) == 0 {
				return cmdutil.FlagErrorf("--url is required")
			}
			if len(opts.TriggerWords) == 0 && opts.Channel == "" {
				return cmdutil.FlagErrorf("give --trigger-word, --channel, or both")
			}
			w, err := parseTriggerWhen(triggerWhen)
			if err != nil {
				return err
			}
			opts.TriggerWhen = w
			if err := validateOutgoing(&opts.DisplayName, &opts.Description, &opts.Icon, &opts.ContentType, opts.TriggerWords, opts.URLs); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createOutgoingRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Team, "team", "", "Team of the webhook (name or ID; required)")
	fl.StringVar(&opts.Channel, "channel", "", "Public channel the webhook listens to (ID, name or team:channel; default: every channel)")
	fl.StringVar(&opts.User, "user", "", "Creator of the webhook (ID, username or email; default: you)")
	fl.StringVar(&opts.DisplayName, "display-name", "", "Display name of the webhook")
	fl.StringVar(&opts.Description, "description", "", "Description of the webhook")
	fl.StringArrayVar(&opts.TriggerWords, "trigger-word", nil, "Word that triggers the webhook (repeatable)")
	fl.StringVar(&triggerWhen, "trigger-when", "exact", "When a message triggers it: exact (first word is a trigger word) or start (first word starts with one)")
	fl.StringArrayVar(&opts.URLs, "url", nil, "URL that receives the messages (repeatable; required)")
	fl.StringVar(&opts.ContentType, "content-type", "", "Content type of the requests: application/x-www-form-urlencoded (default) or application/json")
	fl.StringVar(&opts.Icon, "icon", "", "URL of the icon of the webhook's replies")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Resolve the team, channel and user, create nothing")
	_ = cmd.RegisterFlagCompletionFunc("team", cmdutil.CompleteTeams(f))
	_ = cmd.RegisterFlagCompletionFunc("channel", cmdutil.CompleteChannels(f))
	_ = cmd.RegisterFlagCompletionFunc("user", cmdutil.CompleteUsers(f))
	_ = cmd.RegisterFlagCompletionFunc("trigger-when", cobra.FixedCompletions([]string{"exact", "start"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("content-type", cobra.FixedCompletions(contentTypes, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// parseTriggerWhen reads --trigger-when: exact or start.
func parseTriggerWhen(s string) (int, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "exact", "":
		return triggerExact, nil
	case "start":
		return triggerStart, nil
	}
	return 0, cmdutil.FlagErrorf("--trigger-when must be exact or start, got %q", s)
}

// validateOutgoing checks values as the server would. nil pointers and slices are not given.
func validateOutgoing(displayName, description, icon, contentType *string, words, urls []string) error {
	if err := validateIncoming(displayName, description, icon); err != nil {
		return err
	}
	if contentType != nil && *contentType != "" && !slices.Contains(contentTypes, *contentType) {
		return cmdutil.FlagErrorf("--content-type must be %s, got %q", strings.Join(contentTypes, " or "), *contentType)
	}
	for _, w := range words {
		if strings.TrimSpace(w) == "" {
			return cmdutil.FlagErrorf("empty --trigger-word")
		}
	}
	if len(fmt.Sprintf("%s", words)) > 1024 {
		return cmdutil.FlagErrorf("the trigger words are longer than 1024 bytes together")
	}
	for _, u := range urls {
		if !model.IsValidHTTPURL(u) {
			return cmdutil.FlagErrorf("--url %q is not an http(s) URL", u)
		}
	}
	if len(fmt.Sprintf("%s", urls)) > 1024 {
		return cmdutil.FlagErrorf("the URLs are longer than 1024 bytes together")
	}
	return nil
}

// resolveHookChannel resolves the channel of an outgoing webhook of team: a bare name is
// looked up in the team, and a channel of another team is an error.
func resolveHookChannel(ctx context.Context, c client.Client, arg string, team *model.Team) (*model.Channel, error) {
	ch, _, err := resolveChannel(ctx, c, arg, team.Id)
	if err != nil {
		return nil, err
	}
	if ch.TeamId != team.Id {
		return nil, fmt.Errorf("--channel %s: the channel is not in team %s", arg, team.Name)
	}
	if ch.Type != model.ChannelTypeOpen {
		return nil, fmt.Errorf("--channel %s: outgoing webhooks listen to public channels only", arg)
	}
	return ch, nil
}

func createOutgoingRun(ctx context.Context, opts *CreateOutgoingOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	team, err := cmdutil.ResolveTeam(ctx, c, opts.Team)
	if err != nil {
		return fmt.Errorf("--team %s: %w", opts.Team, err)
	}
	hook := &model.OutgoingWebhook{
		TeamId: team.Id, DisplayName: opts.DisplayName, Description: opts.Description,
		TriggerWords: opts.TriggerWords, TriggerWhen: opts.TriggerWhen, CallbackURLs: opts.URLs,
		ContentType: opts.ContentType, IconURL: opts.Icon,
	}
	where := "every public channel of team " + team.Name
	var ch *model.Channel
	if opts.Channel != "" {
		if ch, err = resolveHookChannel(ctx, c, opts.Channel, team); err != nil {
			return err
		}
		hook.ChannelId = ch.Id
		where = "channel " + team.Name + ":" + ch.Name
	}
	if opts.User != "" {
		u, err := cmdutil.ResolveUser(ctx, c, opts.User)
		if err != nil {
			return fmt.Errorf("--user %s: %w", opts.User, err)
		}
		hook.CreatorId = u.Id
	}
	if opts.DryRun {
		p.Infof("would create outgoing webhook %q on %s", opts.DisplayName, where)
		if p.Structured() {
			return p.Object(hook, nil)
		}
		return nil
	}
	created, _, err := c.CreateOutgoingWebhook(ctx, hook)
	if err != nil {
		return cmdutil.OutgoingHooksRefused(err)
	}
	if created == nil {
		return errors.New("the server returned no webhook")
	}
	h := &cmdutil.Hook{Outgoing: created}
	p.Successf("Created outgoing webhook %s on %s", h.Label(), where)
	return printHook(ctx, c, p, h, ch, team, "")
}
