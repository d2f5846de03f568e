package webhook

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// CreateIncomingOptions are the inputs of `webhook create-incoming`.
type CreateIncomingOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Channel       string
	User          string
	DisplayName   string
	Description   string
	Icon          string
	LockToChannel bool
	DryRun        bool
	// ServerURL gives the URL of the webhook, or "".
	ServerURL func() string
}

// NewCmdCreateIncoming builds `webhook create-incoming`.
func NewCmdCreateIncoming(f *cmdutil.Factory, runF func(context.Context, *CreateIncomingOptions) error) *cobra.Command {
	opts := &CreateIncomingOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer, ServerURL: serverURL(f)}
	cmd := &cobra.Command{
		Use:   "create-incoming",
		Short: "Create an incoming webhook",
		Long: `Create an incoming webhook that posts to a channel.

--channel is a channel ID, team:channel, or a bare channel name unique across the teams.
--user is the webhook's creator (ID, username or email); without it, the account that runs
the command (in local mode, --user is required). --lock-to-channel keeps the webhook from posting to any other channel than its
own.

"Created incoming webhook …" is reported on stderr and the webhook on stdout: on a terminal a
table of its fields, in plain format one line with the columns of "webhook list" (the ID
first), in JSON the object the server returns. The webhook's URL, which services post to, is
the server's URL followed by /hooks/<id> (the table shows it).

The server must allow incoming webhooks (ServiceSettings.EnableIncomingWebhooks,
MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS). --dry-run resolves the channel and the user and
creates nothing.`,
		Example: `  matterctl webhook create-incoming --channel general --user admin --display-name "Deploy Notifications" --description "デプロイメント通知用Webhook"
  matterctl webhook create-incoming --channel devops:alerts --lock-to-channel --json | jq -r .id`,
		Args: cmdutil.ExactArgs(0, "no arguments (the channel is --channel)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Channel, opts.User = strings.TrimSpace(opts.Channel), strings.TrimSpace(opts.User)
			if opts.Channel == "" {
				return cmdutil.FlagErrorf("--channel is required")
			}
			if cmd.Flags().Changed("user") && opts.User == "" {
				return cmdutil.FlagErrorf("--user needs a user")
			}
			if opts.User == "" && f.Globals.Local {
				return cmdutil.FlagErrorf("--user is required in local mode (--local): there is no calling account to own the webhook")
			}
			if err := validateIncoming(&opts.DisplayName, &opts.Description, &opts.Icon); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createIncomingRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Channel, "channel", "", "Channel the webhook posts to (ID, team:channel or name; required)")
	fl.StringVar(&opts.User, "user", "", "Creator of the webhook (ID, username or email; default: you)")
	fl.StringVar(&opts.DisplayName, "display-name", "", "Display name of the webhook")
	fl.StringVar(&opts.Description, "description", "", "Description of the webhook")
	fl.StringVar(&opts.Icon, "icon", "", "URL of the icon of the webhook's posts")
	fl.BoolVar(&opts.LockToChannel, "lock-to-channel", false, "Post only to the webhook's own channel")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Resolve the channel and the user, create nothing")
	_ = cmd.RegisterFlagCompletionFunc("channel", cmdutil.CompleteChannels(f))
	_ = cmd.RegisterFlagCompletionFunc("user", cmdutil.CompleteUsers(f))
	return cmd
}

// validateIncoming checks values as the server would, so that a typo is a usage error rather
// than a round trip. nil pointers are not given.
func validateIncoming(displayName, description, icon *string) error {
	if displayName != nil && len(*displayName) > 64 {
		return cmdutil.FlagErrorf("the display name is longer than 64 bytes")
	}
	if description != nil && len(*description) > 500 {
		return cmdutil.FlagErrorf("the description is longer than 500 bytes")
	}
	if icon != nil && *icon != "" && !model.IsValidHTTPURL(*icon) {
		return cmdutil.FlagErrorf("--icon %q is not an http(s) URL", *icon)
	}
	return nil
}

// resolveChannel resolves a channel argument (a bare name in team when given), with its team.
func resolveChannel(ctx context.Context, c client.Client, arg, team string) (*model.Channel, *cmdutil.ChannelTeams, error) {
	teams := &cmdutil.ChannelTeams{}
	refs, err := cmdutil.QualifiedChannels(cmdutil.ChannelOptions{Team: team}, teams).Resolve(ctx, c, []string{arg})
	if err != nil {
		return nil, nil, err
	}
	if refs[0].Err != nil {
		return nil, nil, fmt.Errorf("--channel %s: %w", arg, refs[0].Err)
	}
	return refs[0].Obj, teams, nil
}

func createIncomingRun(ctx context.Context, opts *CreateIncomingOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	ch, teams, err := resolveChannel(ctx, c, opts.Channel, "")
	if err != nil {
		return err
	}
	hook := &model.IncomingWebhook{
		ChannelId: ch.Id, TeamId: ch.TeamId, DisplayName: opts.DisplayName, Description: opts.Description,
		IconURL: opts.Icon, ChannelLocked: opts.LockToChannel,
	}
	creator := ""
	if opts.User != "" {
		u, err := cmdutil.ResolveUser(ctx, c, opts.User)
		if err != nil {
			return fmt.Errorf("--user %s: %w", opts.User, err)
		}
		hook.UserId, creator = u.Id, u.Username
	}
	where := teams.Label(ch)
	if opts.DryRun {
		msg := fmt.Sprintf("would create incoming webhook %q in channel %s", opts.DisplayName, where)
		if creator != "" {
			msg += " for user " + creator
		}
		p.Infof("%s", msg)
		if p.Structured() {
			return p.Object(hook, nil)
		}
		return nil
	}
	created, _, err := c.CreateIncomingWebhook(ctx, hook)
	if err != nil {
		return cmdutil.IncomingHooksRefused(err)
	}
	if created == nil {
		return errors.New("the server returned no webhook")
	}
	h := &cmdutil.Hook{Incoming: created}
	p.Successf("Created incoming webhook %s in channel %s", h.Label(), where)
	return printHook(ctx, c, p, h, ch, teams.Team(ch.TeamId), opts.ServerURL())
}

// printHook prints a webhook just created or changed: the server's object in JSON, else its
// fields (a terminal) or the columns of the list (plain). ch and team, when known (else nil),
// are its channel and its team; serverURL, when known, gives an incoming webhook's URL.
func printHook(ctx context.Context, c client.Client, p *printer.Printer, h *cmdutil.Hook, ch *model.Channel, team *model.Team, serverURL string) error {
	if p.Structured() {
		return p.Object(h, nil)
	}
	lab := newLabels(c)
	lab.serverURL = serverURL
	if ch != nil && ch.Id == h.ChannelID() {
		lab.addChannel(ch, nil)
	}
	if team != nil {
		lab.teams.Add(team)
	}
	if err := lab.load(ctx, []*cmdutil.Hook{h}); err != nil {
		return err
	}
	if p.Format() == printer.Plain {
		var fields []printer.Field
		for _, col := range lab.columns() {
			fields = append(fields, printer.Field{Name: col.Header, Value: col.Value(h)})
		}
		return p.Object(h, fields)
	}
	return p.Object(h, lab.fields(h))
}
