package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// webhookURLEnv holds the webhook when the argument is omitted, so that CI jobs can keep the
// hook's URL (whose ID is a secret) out of argv.
const webhookURLEnv = "MATTERCTL_WEBHOOK_URL"

const (
	// sendMaxRetries is how many times a post is sent again after a failure that is safe to
	// retry; sendMaxWait caps the total pause between attempts.
	sendMaxRetries = 3
	sendMaxWait    = 20 * time.Second
	sendBaseDelay  = 500 * time.Millisecond
	sendMaxDelay   = 8 * time.Second

	// maxInput bounds what --text-file and --attachment read.
	maxInput = 1 << 20
)

// The settings that decide whether the server honours --username and --icon-url.
var (
	usernameOverrideSetting = cmdutil.Setting{Key: "ServiceSettings.EnablePostUsernameOverride", Want: "true"}
	iconOverrideSetting     = cmdutil.Setting{Key: "ServiceSettings.EnablePostIconOverride", Want: "true"}
)

// SendOptions are the inputs of `webhook send`.
type SendOptions struct {
	IO            *iostreams.IOStreams
	Globals       *cmdutil.GlobalOptions
	Credentials   func() (*cmdutil.Credentials, error)
	ClientOptions func(*cmdutil.Credentials) (client.Options, error)
	Client        func() (client.Client, error)
	Printer       func() (*printer.Printer, error)
	// HTTPClient builds the client the post goes through (client.NewHTTPClient).
	HTTPClient func(client.Options) (*http.Client, error)
	UserAgent  string

	// Hook is the argument, or MATTERCTL_WEBHOOK_URL when it was omitted (HookFromEnv).
	Hook        string
	HookFromEnv bool

	Text           string
	TextFile       string
	Channel        string
	Username       string
	IconURL        string
	AttachmentFile string
	Color          string
	Title          string
	Fields         []string
	LongFields     bool
	AtLeastOnce    bool
	DryRun         bool

	// card is the attachment built from --color, --title and --field; nil without them.
	card *cardAttachment
	// sleep pauses between attempts (replaced in tests).
	sleep func(ctx context.Context, d time.Duration) error
}

// NewCmdSend builds `webhook send`.
func NewCmdSend(f *cmdutil.Factory, runF func(context.Context, *SendOptions) error) *cobra.Command {
	opts := &SendOptions{
		IO: f.IOStreams, Globals: f.Globals, Credentials: f.Credentials, ClientOptions: f.ClientOptions,
		Client: f.Client, Printer: f.Printer, HTTPClient: client.NewHTTPClient, UserAgent: f.UserAgent(),
		sleep: sleepCtx,
	}
	cmd := &cobra.Command{
		Use:   "send [<hook>]",
		Short: "Post a message through an incoming webhook",
		Long: `Post a message through an incoming webhook, as CI pipelines announce deployments.

<hook> is one of:
  - the hook's full URL, https://HOST/hooks/ID: no profile and no credentials are needed, only
    the connection flags (--timeout, --ca-file, --insecure-skip-verify) apply;
  - the hook's ID: the URL is built from the server URL of the profile in use, without a
    request (in local mode, --local, from ServiceSettings.SiteURL, read first);
  - the hook's display name: it is looked up first (a list of the server's incoming webhooks,
    with the credentials in use), so this costs more requests than an ID or a URL.
When <hook> is omitted it is read from the environment variable MATTERCTL_WEBHOOK_URL (a URL,
or an ID), which keeps the secret out of the command line and the process list.

The hook's ID is a secret: anyone who has it can post. matterctl never prints it whole, in
messages or errors, only its first characters (https://HOST/hooks/abc…).

The message is --text, or --text-file (FILE, or - for standard input). --attachment adds
Mattermost message attachments from a JSON file (or -): an array of attachments, or an object
with an "attachments" array (a Slack-style payload, of which only the attachments are used).
--color, --title and --field build one more attachment, a card such as "deployment succeeded"
with a field per service, version and environment; fields are shown side by side (short)
unless --long-fields is given. At least one of the text and the attachments is needed. Only
one of --text-file and --attachment may read standard input.

--channel posts to another channel of the hook's team ("town-square", or "@username" for a
direct message), unless the hook is locked to its channel. --username and --icon-url replace the
name and picture the post is shown with; the server ignores them unless
ServiceSettings.EnablePostUsernameOverride and ServiceSettings.EnablePostIconOverride are on.
With a profile (a hook ID or name), matterctl reads these settings while it posts and warns when
the server ignored them; with a bare URL it cannot check.

The command succeeds (exit 0) only when the server accepted the post; the confirmation is one
line on stderr. Nothing is printed on stdout, except with --json (or --format jsonl, --jq): the
payload sent, since the server answers only "ok". --dry-run prints the payload (on stdout) and
where it would go, and sends nothing.

Requests: with a URL or an ID, one request (the post). A name adds the lookup; --username or
--icon-url with a profile add one read of the server's client configuration, sent at the same
time as the post.

Retries. A post through a webhook is not idempotent: sent twice, it appears twice. matterctl
retries (up to 3 times, with exponential backoff, honouring Retry-After) only failures after
which the server has certainly not made the post: HTTP 429 (rate limited), HTTP 503 (server or
proxy unavailable), an error document from Mattermost itself with HTTP 5xx other than 501 (the
server handled the request and failed it), and connections that could not be opened (refused,
no route, a temporary DNS failure). A 502 or 504 from a proxy, a timeout, or a connection cut
after the message was sent leave the outcome unknown: they are reported and not retried, unless
--at-least-once is given (then a message may be posted twice, which some pipelines prefer to
none). Refusals (4xx, 501: incoming webhooks disabled) and certificate errors are never retried.`,
		Example: `  matterctl webhook send "$HOOK_URL" --text "Deployment of api 1.4.2 to production succeeded"
  matterctl webhook send --text "nightly build done"   # the hook's URL in MATTERCTL_WEBHOOK_URL
  matterctl webhook send 4gj7xzq1y3fdmeu5kpsx8rfwbc --color good --title "Deployment succeeded" --field Service=api --field Version=1.4.2 --field Environment=production
  matterctl webhook send deploys --channel releases --username ci-bot --text-file CHANGELOG.md
  matterctl webhook send deploys --attachment card.json --json`,
		Args: cmdutil.NonEmptyArgs(func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("accepts one webhook (URL, ID or name), received %d arguments", len(args))
			}
			return nil
		}),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Hook = args[0]
			} else {
				opts.Hook, opts.HookFromEnv = strings.TrimSpace(f.Getenv(webhookURLEnv)), true
				if opts.Hook == "" {
					return cmdutil.FlagErrorf("give the webhook (its URL, ID or name) as an argument, or set %s", webhookURLEnv)
				}
			}
			if err := cmdutil.MutuallyExclusive(cmd, "text", "text-file"); err != nil {
				return err
			}
			if opts.TextFile == "-" && opts.AttachmentFile == "-" {
				return cmdutil.FlagErrorf("--text-file and --attachment cannot both read standard input")
			}
			card, err := buildCard(opts.Color, opts.Title, opts.Fields, !opts.LongFields)
			if err != nil {
				return err
			}
			opts.card = card
			if opts.Text == "" && opts.TextFile == "" && opts.AttachmentFile == "" && card == nil {
				return cmdutil.FlagErrorf("nothing to post: give --text, --text-file, --attachment, or --title/--field")
			}
			if opts.Text != "" && strings.TrimSpace(opts.Text) == "" && opts.AttachmentFile == "" && card == nil {
				return cmdutil.FlagErrorf("--text is only whitespace")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return sendRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Text, "text", "", "Message text (Markdown)")
	fl.StringVar(&opts.TextFile, "text-file", "", "Read the message text from `FILE` (- for standard input)")
	fl.StringVar(&opts.Channel, "channel", "", "Post to this channel of the hook's team (name, or @username for a direct message) instead of the hook's own")
	fl.StringVar(&opts.Username, "username", "", "Show the post under this name (needs ServiceSettings.EnablePostUsernameOverride)")
	fl.StringVar(&opts.IconURL, "icon-url", "", "Show the post with the picture at this URL (needs ServiceSettings.EnablePostIconOverride)")
	fl.StringVar(&opts.AttachmentFile, "attachment", "", "Add the message attachments in the JSON `FILE` (- for standard input)")
	fl.StringVar(&opts.Color, "color", "", "Colour of the card's left border: #RRGGBB, or good, warning, danger")
	fl.StringVar(&opts.Title, "title", "", "Title of the card")
	fl.StringArrayVar(&opts.Fields, "field", nil, "Add the field `Title=Value` to the card (repeatable)")
	fl.BoolVar(&opts.LongFields, "long-fields", false, "Show the card's fields one per line instead of side by side")
	fl.BoolVar(&opts.AtLeastOnce, "at-least-once", false, "Also retry failures after which the post may have been made (it may then appear twice)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Print the payload and where it would be posted, send nothing")
	return cmd
}

// cardAttachment is the attachment --color, --title and --field build.
type cardAttachment struct {
	Fallback string      `json:"fallback,omitempty"`
	Color    string      `json:"color,omitempty"`
	Title    string      `json:"title,omitempty"`
	Fields   []cardField `json:"fields,omitempty"`
}

type cardField struct {
	Title string `json:"title"`
	Value string `json:"value"`
	Short bool   `json:"short"`
}

var hexColor = regexp.MustCompile(`^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// buildCard checks the card flags and returns the card, or nil when none was given.
func buildCard(color, title string, fields []string, short bool) (*cardAttachment, error) {
	if color == "" && title == "" && len(fields) == 0 {
		return nil, nil
	}
	card := &cardAttachment{Title: title}
	switch {
	case color == "":
	case color == "good" || color == "warning" || color == "danger":
		card.Color = color
	case hexColor.MatchString(color):
		card.Color = "#" + strings.TrimPrefix(color, "#")
	default:
		return nil, cmdutil.FlagErrorf("invalid --color %q: use #RRGGBB, or good, warning or danger", color)
	}
	var summary []string
	for _, f := range fields {
		t, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, cmdutil.FlagErrorf("invalid --field %q: use Title=Value", f)
		}
		if strings.TrimSpace(t) == "" {
			return nil, cmdutil.FlagErrorf("invalid --field %q: the title before '=' is empty", f)
		}
		card.Fields = append(card.Fields, cardField{Title: t, Value: v, Short: short})
		summary = append(summary, t+": "+v)
	}
	// The fallback is what notifications and clients without attachment support show.
	card.Fallback = strings.Join(append([]string{title}, summary...), "; ")
	card.Fallback = strings.TrimPrefix(card.Fallback, "; ")
	return card, nil
}

// payload is the document posted to the hook; --json prints it.
type payload struct {
	Text        string            `json:"text,omitempty"`
	Channel     string            `json:"channel,omitempty"`
	Username    string            `json:"username,omitempty"`
	IconURL     string            `json:"icon_url,omitempty"`
	Attachments []json.RawMessage `json:"attachments,omitempty"`
}

// hookTarget is where the post goes: the hook's URL and ID, and how it reads in messages.
type hookTarget struct {
	url   string
	id    string
	shown string // the URL with the ID cut to its first characters
	label string // what the confirmation names: the URL shown, or the hook's name too
	// opts are the connection options of the post (never a token).
	opts client.Options
	// overrides reads the server's override settings; nil without credentials.
	overrides func(context.Context, *http.Client) overrideSettings
}

var hookPath = regexp.MustCompile(`^(.*)/hooks/([A-Za-z0-9]+)/?$`)

// parseHookURL reads a full hook URL. Errors never quote the ID.
func parseHookURL(raw string) (*hookTarget, error) {
	u, err := url.Parse(raw)
	bad := func(why string) error {
		shown := "the URL"
		if err == nil && u.Host != "" {
			shown = u.Scheme + "://" + u.Host + "/…"
		}
		return cmdutil.FlagErrorf("invalid webhook URL (%s): %s", shown, why)
	}
	switch {
	case err != nil:
		return nil, bad("it does not parse")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, bad("the scheme must be http or https")
	case u.Host == "":
		return nil, bad("no host")
	case u.User != nil:
		return nil, bad("credentials in the URL are not accepted")
	}
	m := hookPath.FindStringSubmatch(u.Path)
	if m == nil {
		return nil, bad("the path must end with /hooks/ID")
	}
	base := u.Scheme + "://" + u.Host + m[1]
	return newTarget(base, m[2]), nil
}

func newTarget(base, id string) *hookTarget {
	base = strings.TrimRight(base, "/")
	t := &hookTarget{url: base + "/hooks/" + id, id: id, shown: base + "/hooks/" + redactID(id)}
	t.label = t.shown
	return t
}

// redactID keeps the first three characters of a hook ID: enough to tell hooks apart in a log,
// far too few to post.
func redactID(id string) string {
	if len(id) <= 3 {
		return "…"
	}
	return id[:3] + "…"
}

func sendRun(ctx context.Context, opts *SendOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	body, err := buildPayload(opts)
	if err != nil {
		return err
	}
	target, err := resolveTarget(ctx, opts)
	if err != nil {
		return err
	}
	if opts.DryRun {
		p.Infof("would post to %s", target.label)
		return printPayload(p, opts.IO.Out, body, true)
	}
	doc, err := json.Marshal(body)
	if err != nil {
		return err
	}
	hc, err := opts.HTTPClient(target.opts)
	if err != nil {
		return err
	}
	// A redirect is reported, not followed: the client would follow a 301 or 302 with a GET,
	// which Mattermost answers with its web app and a 200, and nothing would be posted.
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	// With a profile, the override settings are read while the post is under way, so that a
	// --username or --icon-url the server ignores is reported without delaying the post.
	var overrides chan overrideSettings
	if target.overrides != nil && (opts.Username != "" || opts.IconURL != "") {
		overrides = make(chan overrideSettings, 1)
		go func() { overrides <- target.overrides(ctx, hc) }()
	}

	if err := post(ctx, opts, hc, target, doc); err != nil {
		return redactErr(err, target)
	}
	msg := "Posted to " + target.label
	if opts.Channel != "" {
		msg += " in channel " + opts.Channel
	}
	p.Successf("%s", msg)
	if overrides != nil {
		o := <-overrides
		warnIgnored(p, o.username, opts.Username != "", "--username", usernameOverrideSetting)
		warnIgnored(p, o.icon, opts.IconURL != "", "--icon-url", iconOverrideSetting)
	}
	return printPayload(p, opts.IO.Out, body, false)
}

// overrideSettings are ServiceSettings.EnablePostUsernameOverride and EnablePostIconOverride
// as read from the server; nil when unknown.
type overrideSettings struct {
	username, icon *bool
}

// warnIgnored warns when a flag was given that the server's configuration makes it ignore.
func warnIgnored(p *printer.Printer, on *bool, given bool, flag string, s cmdutil.Setting) {
	if given && on != nil && !*on {
		p.Warnf("the server ignored %s: %s is off (turn it on in the System Console, config.json or %s=%s)", flag, s.Key, s.Env(), s.Want)
	}
}

// printPayload writes the payload on stdout in structured formats; in a dry run also as
// indented JSON otherwise, since it is then the result.
func printPayload(p *printer.Printer, out io.Writer, body *payload, dryRun bool) error {
	if p.Structured() {
		return p.Object(body, nil)
	}
	if !dryRun {
		return nil
	}
	b, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		return err
	}
	_, err = out.Write(append(b, '\n'))
	return err
}

// buildPayload reads the text and attachment files and assembles what is posted.
func buildPayload(opts *SendOptions) (*payload, error) {
	body := &payload{Text: opts.Text, Channel: opts.Channel, Username: opts.Username, IconURL: opts.IconURL}
	if opts.TextFile != "" {
		b, err := readInput(opts.TextFile, opts.IO.In)
		if err != nil {
			return nil, fmt.Errorf("--text-file %s: %w", inputName(opts.TextFile), err)
		}
		body.Text = strings.TrimRight(string(b), "\r\n")
	}
	if opts.AttachmentFile != "" {
		b, err := readInput(opts.AttachmentFile, opts.IO.In)
		if err != nil {
			return nil, fmt.Errorf("--attachment %s: %w", inputName(opts.AttachmentFile), err)
		}
		atts, err := parseAttachments(b)
		if err != nil {
			return nil, fmt.Errorf("--attachment %s: %w", inputName(opts.AttachmentFile), err)
		}
		body.Attachments = atts
	}
	if opts.card != nil {
		b, err := json.Marshal(opts.card)
		if err != nil {
			return nil, err
		}
		body.Attachments = append(body.Attachments, b)
	}
	if strings.TrimSpace(body.Text) == "" && len(body.Attachments) == 0 {
		if opts.TextFile != "" {
			return nil, fmt.Errorf("nothing to post: --text-file %s is empty", inputName(opts.TextFile))
		}
		return nil, errors.New("nothing to post: the attachments are empty and there is no text")
	}
	return body, nil
}

func inputName(path string) string {
	if path == "-" {
		return "(standard input)"
	}
	return path
}

func readInput(path string, stdin io.Reader) ([]byte, error) {
	var r io.Reader
	if path == "-" {
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				return nil, pe.Err
			}
			return nil, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("larger than %d MiB", maxInput>>20)
	}
	return b, nil
}

// parseAttachments accepts an array of attachments or an object with an "attachments" array,
// and checks that each attachment reads as one (an object whose fields have the right types).
func parseAttachments(b []byte) ([]json.RawMessage, error) {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return nil, errors.New("empty: want a JSON array of attachments or an object with \"attachments\"")
	}
	var list []json.RawMessage
	switch trimmed[0] {
	case '[':
		if err := decodeOne(trimmed, &list); err != nil {
			return nil, fmt.Errorf("not valid JSON: %s", jsonMsg(err))
		}
	case '{':
		var doc struct {
			Attachments *[]json.RawMessage `json:"attachments"`
		}
		if err := decodeOne(trimmed, &doc); err != nil {
			return nil, fmt.Errorf("not valid JSON, or \"attachments\" is not an array: %s", jsonMsg(err))
		}
		if doc.Attachments == nil {
			return nil, errors.New("the object has no \"attachments\" array")
		}
		list = *doc.Attachments
	default:
		return nil, errors.New("want a JSON array of attachments or an object with \"attachments\"")
	}
	if len(list) == 0 {
		return nil, errors.New("no attachments in the file")
	}
	for i, raw := range list {
		var a model.MessageAttachment
		if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
			return nil, fmt.Errorf("attachment %d is not a JSON object", i+1)
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, fmt.Errorf("attachment %d: %s", i+1, jsonMsg(err))
		}
		for j, f := range a.Fields {
			if f == nil {
				return nil, fmt.Errorf("attachment %d: field %d is not a JSON object", i+1, j+1)
			}
		}
	}
	return list, nil
}

func decodeOne(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON document")
	}
	return nil
}

// jsonMsg is a JSON error in one line, with the field path where encoding/json gives one.
func jsonMsg(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return fmt.Sprintf("%q must be a JSON %s, not %s", te.Field, jsonKind(te.Type.Kind().String()), te.Value)
	}
	return strings.ReplaceAll(err.Error(), "\n", " ")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "slice", "array":
		return "array"
	case "struct", "map", "ptr":
		return "object"
	case "string":
		return "string"
	case "bool":
		return "boolean"
	}
	return "number"
}

// resolveTarget works out the hook's URL and the connection options of the post.
func resolveTarget(ctx context.Context, opts *SendOptions) (*hookTarget, error) {
	arg := opts.Hook
	if strings.Contains(arg, "://") {
		t, err := parseHookURL(arg)
		if err != nil {
			return nil, err
		}
		g := opts.Globals
		t.opts = client.Options{
			URL: t.url, Timeout: g.Timeout, InsecureSkipVerify: g.InsecureSkipVerify, CAFile: g.CAFile,
			UserAgent: opts.UserAgent, MaxRetries: -1,
		}
		return t, nil
	}
	if !model.IsValidId(arg) && opts.HookFromEnv {
		return nil, cmdutil.FlagErrorf("%s holds neither a hook URL (https://HOST/hooks/ID) nor a hook ID", webhookURLEnv)
	}
	creds, err := opts.Credentials()
	if err != nil {
		return nil, err
	}
	copts, err := opts.ClientOptions(creds)
	if err != nil {
		return nil, err
	}
	// The API client is needed for a lookup and in local mode: an ID alone costs no request
	// before the post.
	var c client.Client
	if !model.IsValidId(arg) || copts.SocketPath != "" {
		if c, err = opts.Client(); err != nil {
			return nil, err
		}
	}
	id, name := arg, ""
	if !model.IsValidId(arg) {
		hook, err := cmdutil.FindIncomingHook(ctx, c, arg, "", "")
		if err != nil {
			return nil, err
		}
		id, name = hook.Id, hook.DisplayName
	}
	base := copts.URL
	var overrides func(context.Context, *http.Client) overrideSettings
	if copts.SocketPath != "" {
		// The local-mode socket serves the API only: the post goes to the site URL.
		cfg, _, err := c.GetConfig(client.WithIdempotent(ctx))
		if err != nil {
			return nil, fmt.Errorf("reading ServiceSettings.SiteURL to post in local mode: %w", err)
		}
		if cfg == nil || cfg.ServiceSettings.SiteURL == nil || *cfg.ServiceSettings.SiteURL == "" {
			return nil, errors.New("in local mode the hook's URL is built from ServiceSettings.SiteURL, which is not set: pass the hook's full URL")
		}
		base = *cfg.ServiceSettings.SiteURL
		copts.SocketPath = ""
		known := overrideSettings{username: cfg.ServiceSettings.EnablePostUsernameOverride, icon: cfg.ServiceSettings.EnablePostIconOverride}
		overrides = func(context.Context, *http.Client) overrideSettings { return known }
	} else if creds.Token != "" {
		overrides = func(ctx context.Context, hc *http.Client) overrideSettings {
			return readOverrides(ctx, hc, base, creds.Token)
		}
	}
	t := newTarget(base, id)
	if name != "" {
		t.label = fmt.Sprintf("webhook %q (%s)", name, t.shown)
	}
	copts.URL, copts.Token, copts.MaxRetries = base, "", -1
	t.opts, t.overrides = copts, overrides
	return t, nil
}

// readOverrides reads the override settings from the client configuration the server gives
// any signed-in user (the old format: the call the interface's GetClientConfig makes lacks
// it). Failures leave them unknown: they only decide whether to warn.
func readOverrides(ctx context.Context, hc *http.Client, base, token string) overrideSettings {
	var none overrideSettings
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/api/v4/config/client?format=old", nil)
	if err != nil {
		return none
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return none
	}
	defer resp.Body.Close()
	var cfg map[string]string
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&cfg) != nil {
		return none
	}
	parse := func(key string) *bool {
		v, err := strconv.ParseBool(cfg[key])
		if err != nil {
			return nil
		}
		return &v
	}
	return overrideSettings{username: parse("EnablePostUsernameOverride"), icon: parse("EnablePostIconOverride")}
}

// outcome classifies a failed attempt.
type outcome int

const (
	final  outcome = iota // not retried: the request was refused, or the error is the caller's
	safe                  // the post was certainly not made: retried
	unsure                // the post may have been made: retried only with --at-least-once
)

// post sends the payload, retrying as the command's help describes.
func post(ctx context.Context, opts *SendOptions, hc *http.Client, t *hookTarget, doc []byte) error {
	var waited time.Duration
	for attempt := 0; ; attempt++ {
		resp, err := send(ctx, hc, t.url, doc)
		var failure error
		var kind outcome
		var retryAfter string
		switch {
		case err != nil:
			failure, kind = netError(err, t), classifyNetErr(ctx, err)
		case resp.StatusCode/100 == 2:
			discard(resp)
			return nil
		case resp.StatusCode/100 == 3:
			discard(resp)
			return fmt.Errorf("posting to %s: the server redirected the post to %s (HTTP %d): give that URL instead",
				t.shown, resp.Header.Get("Location"), resp.StatusCode)
		default:
			retryAfter = resp.Header.Get("Retry-After")
			failure, kind = readAPIError(resp)
		}
		retry := kind == safe || (kind == unsure && opts.AtLeastOnce)
		if !retry || attempt >= sendMaxRetries || ctx.Err() != nil {
			return describeFailure(failure, kind, opts, t, attempt)
		}
		wait := backoff(attempt, retryAfter)
		if wait < 0 || waited+wait > sendMaxWait {
			return describeFailure(failure, kind, opts, t, attempt)
		}
		if err := opts.sleep(ctx, wait); err != nil {
			return err
		}
		waited += wait
	}
}

func send(ctx context.Context, hc *http.Client, u string, doc []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	return hc.Do(req)
}

// classifyNetErr tells a connection that never opened (nothing was sent: safe to retry) from
// one that failed later (the server may have the message).
func classifyNetErr(ctx context.Context, err error) outcome {
	if ctx.Err() != nil {
		return final
	}
	// A certificate the client does not trust fails the handshake, before anything is sent,
	// and will fail again.
	var unknownAuthority x509.UnknownAuthorityError
	var certInvalid x509.CertificateInvalidError
	var hostnameErr x509.HostnameError
	var verifyErr *tls.CertificateVerificationError
	if errors.As(err, &unknownAuthority) || errors.As(err, &certInvalid) || errors.As(err, &hostnameErr) || errors.As(err, &verifyErr) {
		return final
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsTemporary || dnsErr.IsTimeout {
			return safe
		}
		return final
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return safe
	}
	return unsure
}

// readAPIError reads an error answer (the transport has made it a Mattermost error document)
// and says whether the post can have been made.
func readAPIError(resp *http.Response) (error, outcome) {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	apiErr := &client.Error{}
	if json.Unmarshal(b, apiErr) != nil || apiErr.Status == 0 {
		apiErr = &client.Error{Status: resp.StatusCode, Message: http.StatusText(resp.StatusCode)}
	}
	apiErr.Status = resp.StatusCode
	if apiErr.RequestID == "" {
		apiErr.RequestID = resp.Header.Get("X-Request-Id")
	}
	// Documents the transport made up for a body that was not Mattermost's carry this ID.
	fromMattermost := apiErr.ID != "" && !strings.HasPrefix(apiErr.ID, "http.status.")
	switch {
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode == http.StatusServiceUnavailable:
		return apiErr, safe
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented && fromMattermost:
		return apiErr, safe
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		return apiErr, unsure
	}
	return apiErr, final
}

// describeFailure turns the last failure into the command's error.
func describeFailure(err error, kind outcome, opts *SendOptions, t *hookTarget, retries int) error {
	if apiErr := client.AsError(err); apiErr != nil {
		id := apiErr.ID
		switch {
		case strings.HasPrefix(id, "web.incoming_webhook.disabled"):
			return &cmdutil.SettingError{What: "posting through incoming webhooks", Setting: cmdutil.IncomingWebhooksSetting, Err: err}
		case strings.HasPrefix(id, "web.incoming_webhook.invalid"):
			return &cmdutil.NotFoundError{Kind: "incoming webhook", Name: t.shown}
		case strings.HasPrefix(id, "web.incoming_webhook.channel_locked"):
			return fmt.Errorf("the webhook is locked to its channel: it cannot post to channel %q (drop --channel)", opts.Channel)
		case strings.HasPrefix(id, "web.incoming_webhook.channel"):
			return fmt.Errorf("channel %q not found in the webhook's team: %w", opts.Channel, err)
		case strings.HasPrefix(id, "web.incoming_webhook.user") && strings.HasPrefix(opts.Channel, "@"):
			return fmt.Errorf("user %q not found for a direct message: %w", strings.TrimPrefix(opts.Channel, "@"), err)
		case strings.HasPrefix(id, "web.incoming_webhook.permissions"):
			return fmt.Errorf("the webhook's creator has no access to channel %q: %w", opts.Channel, err)
		}
		err = fmt.Errorf("posting to %s: %w", t.shown, err)
	}
	suffix := ""
	if retries > 0 {
		suffix = fmt.Sprintf(" (after %d retries)", retries)
	}
	if kind == unsure && !opts.AtLeastOnce {
		return &unsureError{err: err, retries: suffix}
	}
	if retries > 0 {
		return fmt.Errorf("%w%s", err, suffix)
	}
	return err
}

// unsureError is a failure after which the post may or may not have been made.
type unsureError struct {
	err     error
	retries string
}

func (e *unsureError) Error() string {
	return e.err.Error() + e.retries + "; the post may have been made: not retried so that it is not posted twice (--at-least-once retries it)"
}

func (e *unsureError) Unwrap() error { return e.err }

// backoff is the pause before retry attempt+1: Retry-After when given (negative when longer
// than sendMaxWait), else exponential backoff with jitter.
func backoff(attempt int, retryAfter string) time.Duration {
	if v := strings.TrimSpace(retryAfter); v != "" {
		if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs >= 0 {
			if time.Duration(secs)*time.Second > sendMaxWait {
				return -1
			}
			return time.Duration(secs) * time.Second
		}
		if when, err := http.ParseTime(v); err == nil {
			d := time.Until(when)
			if d > sendMaxWait {
				return -1
			}
			return max(d, 0)
		}
	}
	d := min(sendBaseDelay<<attempt, sendMaxDelay)
	half := d / 2
	return half + time.Duration(time.Now().UnixNano()%int64(half+1))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

func discard(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// netError names the hook by its shown URL instead of the *url.Error's full URL, which holds
// the hook's ID; the cause is kept for exit codes and hints.
func netError(err error, t *hookTarget) error {
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return fmt.Errorf("posting to %s: %w", t.shown, urlErr.Err)
	}
	return fmt.Errorf("posting to %s: %w", t.shown, err)
}

// redactErr removes the hook's ID wherever the error's text would still quote it (a proxy's
// error page may echo the path).
func redactErr(err error, t *hookTarget) error {
	return &redactedError{err: err, secret: t.id, shown: redactID(t.id)}
}

// redactedError is err with every occurrence of secret replaced in its text; it unwraps to err
// so that exit codes and hints still apply.
type redactedError struct {
	err           error
	secret, shown string
}

func (e *redactedError) Error() string {
	if e.secret == "" {
		return e.err.Error()
	}
	return strings.ReplaceAll(e.err.Error(), e.secret, e.shown)
}

func (e *redactedError) Unwrap() error { return e.err }
