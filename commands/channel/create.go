package channel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/records"
	"github.com/matterctl/matterctl/printer"
)

// CreateOptions are the inputs of `channel create`.
type CreateOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	// Team is --team or the positional team: the channel's team, or with --file the team of
	// rows without one.
	Team        string
	Name        string
	DisplayName string
	Header      string
	Purpose     string
	Private     bool

	// Bulk.File is the CSV or JSON-lines file of channels (--file); Parallel and DryRun apply to
	// both forms.
	Bulk cmdutil.BulkFlags
}

// createSingleFlags are the per-channel flags, which --file replaces.
var createSingleFlags = []string{"name", "display-name", "header", "purpose", "private"}

// NewCmdCreate builds `channel create`.
func NewCmdCreate(f *cmdutil.Factory, runF func(context.Context, *CreateOptions) error) *cobra.Command {
	opts := &CreateOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "create [<team>]",
		ValidArgsFunction: cmdutil.CompleteFirst(cmdutil.CompleteTeams(f)),
		Short:             "Create channels",
		Long: `Create a channel from flags, or many channels from a file.

One channel: the team (name or ID) is --team or the argument (both given must agree); --name
(the name in the channel's URL: lowercase letters, digits, '-' and '_') and --display-name are
required; --header and --purpose are optional; --private makes a private channel (public
otherwise). "Created channel <team>:<name>" is reported on stderr and the new channel on stdout.

Many channels: --file channels.csv|channels.jsonl|- reads one channel per row. A CSV file starts
with a header row naming its columns; JSON lines have one object per line. Columns and keys are
team, name, display_name, header, purpose and private ("-" or "_" both work; private is
true/false, 1/0, yes/no). Rows without a team take --team (or the argument). Every row is
checked before anything is created: a row with a missing or invalid field, or repeating the
team and name of an earlier row, fails on its own with its line number. The other rows are
created, --parallel at a time; results are reported in file order (one JSON object per row in
JSON formats), and the exit status is 3 when some rows failed.

--dry-run checks the team and whether the name is already taken there, and creates nothing.
A refusal because the team has reached TeamSettings.MaxChannelsPerTeam names that setting.`,
		Example: `  matterctl channel create devops --name alerts --display-name "Alerts"
  matterctl channel create --team devops --name secrets --display_name Secrets --private
  matterctl channel create --file channels.csv --dry-run
  matterctl channel create devops --file channels.jsonl --json > results.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return cmdutil.FlagErrorf("%s expects at most one team, got %d arguments", cmd.CommandPath(), len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := createValidateFlags(cmd, opts, args); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return createRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Team, "team", "", "Team of the channel (name or ID)")
	completeTeamFlag(f, cmd)
	fl.StringVar(&opts.Name, "name", "", "Channel name, as in its URL (required)")
	fl.StringVar(&opts.DisplayName, "display-name", "", "Display name (required)")
	fl.StringVar(&opts.Header, "header", "", "Channel header")
	fl.StringVar(&opts.Purpose, "purpose", "", "Channel purpose")
	fl.BoolVar(&opts.Private, "private", false, "Make a private channel (default: public)")
	cmdutil.AddFileCreateFlags(cmd, &opts.Bulk, "channels", "Check the team and the names, create nothing")
	return cmd
}

// createValidateFlags checks the flags and arguments without network I/O.
func createValidateFlags(cmd *cobra.Command, opts *CreateOptions, args []string) error {
	opts.Team = strings.TrimSpace(opts.Team)
	if len(args) == 1 {
		arg := strings.TrimSpace(args[0])
		if opts.Team != "" && !strings.EqualFold(opts.Team, arg) {
			return cmdutil.FlagErrorf("the team is given twice, as %q and --team %q: give it once", arg, opts.Team)
		}
		opts.Team = arg
	}
	if err := opts.Bulk.CheckFileCreate(cmd, createSingleFlags); err != nil || opts.Bulk.File != "" {
		return err
	}
	var missing []string
	if opts.Team == "" {
		missing = append(missing, `"team" (or a team argument)`)
	}
	if strings.TrimSpace(opts.Name) == "" {
		missing = append(missing, `"name"`)
	}
	if strings.TrimSpace(opts.DisplayName) == "" {
		missing = append(missing, `"display-name"`)
	}
	if len(missing) > 0 {
		return cmdutil.FlagErrorf("required flag(s) %s not set (or use --file)", strings.Join(missing, ", "))
	}
	spec := opts.spec()
	if err := spec.normalize(); err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	opts.Name, opts.DisplayName = spec.Name, spec.DisplayName
	return nil
}

// createSpec is one channel to create, from flags or from a row of a file.
type createSpec struct {
	Team                               string // as given: name or ID
	Name, DisplayName, Header, Purpose string
	Private                            bool
}

func (o *CreateOptions) spec() *createSpec {
	return &createSpec{Team: o.Team, Name: o.Name, DisplayName: o.DisplayName, Header: o.Header, Purpose: o.Purpose, Private: o.Private}
}

// normalize lower-cases the name and checks every field the server would reject, so that a bad
// row fails before anything is created.
func (s *createSpec) normalize() error {
	s.Team = strings.TrimSpace(s.Team)
	s.Name = strings.ToLower(strings.TrimSpace(s.Name))
	s.DisplayName = strings.TrimSpace(s.DisplayName)
	var missing []string
	if s.Team == "" {
		missing = append(missing, "team")
	}
	if s.Name == "" {
		missing = append(missing, "name")
	}
	if s.DisplayName == "" {
		missing = append(missing, "display_name")
	}
	switch {
	case len(missing) == 1:
		return fmt.Errorf("%s is required", missing[0])
	case len(missing) > 1:
		return fmt.Errorf("%s are required", strings.Join(missing, ", "))
	}
	if err := validChannelName(s.Name); err != nil {
		return err
	}
	if err := validDisplayName(s.DisplayName); err != nil {
		return err
	}
	switch {
	case utf8.RuneCountInString(s.Header) > model.ChannelHeaderMaxRunes:
		return fmt.Errorf("the header is longer than %d characters", model.ChannelHeaderMaxRunes)
	case utf8.RuneCountInString(s.Purpose) > model.ChannelPurposeMaxRunes:
		return fmt.Errorf("the purpose is longer than %d characters", model.ChannelPurposeMaxRunes)
	}
	return nil
}

// channel is the model sent to POST /channels.
func (s *createSpec) channel(teamID string) *model.Channel {
	typ := model.ChannelTypeOpen
	if s.Private {
		typ = model.ChannelTypePrivate
	}
	return &model.Channel{TeamId: teamID, Name: s.Name, DisplayName: s.DisplayName, Header: s.Header, Purpose: s.Purpose, Type: typ}
}

// creator creates channels, looking each team up once however many channels it gets.
type creator struct {
	c     client.Client
	teams cmdutil.ChannelTeams
	mu    sync.Mutex
	byArg map[string]*teamArg
}

type teamArg struct {
	once sync.Once
	team *model.Team
	err  error
}

// team resolves a team argument (name or ID); archived teams are refused.
func (cr *creator) team(ctx context.Context, arg string) (*model.Team, error) {
	cr.mu.Lock()
	if cr.byArg == nil {
		cr.byArg = map[string]*teamArg{}
	}
	key := strings.ToLower(arg)
	e := cr.byArg[key]
	if e == nil {
		e = &teamArg{}
		cr.byArg[key] = e
	}
	cr.mu.Unlock()
	e.once.Do(func() {
		e.team, e.err = cmdutil.ResolveTeam(ctx, cr.c, arg)
		if e.err == nil && e.team.DeleteAt != 0 {
			e.team, e.err = nil, &cmdutil.ArchivedError{Kind: "team", Name: arg}
		}
		if e.err == nil {
			cr.teams.Add(e.team)
		}
	})
	return e.team, e.err
}

// check fails when the spec's team does not resolve or already has a channel of that name.
func (cr *creator) check(ctx context.Context, s *createSpec) (*model.Team, error) {
	team, err := cr.team(ctx, s.Team)
	if err != nil {
		return nil, err
	}
	ch, _, err := cr.c.GetChannelByNameIncludeDeleted(client.WithIdempotent(ctx), s.Name, team.Id, "")
	switch {
	case err == nil && ch != nil:
		return nil, existsError(team, ch)
	case err != nil && !client.IsNotFound(err):
		return nil, fmt.Errorf("could not check channel %s:%s: %w", team.Name, s.Name, err)
	}
	return team, nil
}

func existsError(team *model.Team, ch *model.Channel) error {
	archived := ""
	if ch.DeleteAt != 0 {
		archived = " (archived)"
	}
	return cmdutil.Exists("channel %s:%s already exists%s", team.Name, ch.Name, archived)
}

// create creates one channel.
func (cr *creator) create(ctx context.Context, s *createSpec) (*model.Channel, error) {
	team, err := cr.team(ctx, s.Team)
	if err != nil {
		return nil, err
	}
	ch, _, err := cr.c.CreateChannel(ctx, s.channel(team.Id))
	switch apiErrorID(err) {
	case "":
	case "store.sql_channel.save_channel.exists.app_error":
		return nil, existsError(team, s.channel(team.Id))
	case "api.channel.create_channel.max_channel_limit.app_error", "store.sql_channel.save_channel.limit.app_error":
		return nil, fmt.Errorf("team %s has as many channels as the server allows (%s, %s): raise the limit or archive channels",
			team.Name, maxChannelsPerTeam.Key, maxChannelsPerTeam.Env())
	}
	if err != nil {
		return nil, err
	}
	return ch, nil
}

// planned is the channel a dry run shows.
func (cr *creator) planned(s *createSpec) *model.Channel {
	teamID := ""
	cr.mu.Lock()
	if e := cr.byArg[strings.ToLower(s.Team)]; e != nil && e.team != nil {
		teamID = e.team.Id
	}
	cr.mu.Unlock()
	return s.channel(teamID)
}

func createRun(ctx context.Context, opts *CreateOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	if opts.Bulk.File != "" {
		return createBulk(ctx, opts, p)
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	cr := &creator{c: c}
	spec := opts.spec()
	if opts.Bulk.DryRun {
		if _, err := cr.check(ctx, spec); err != nil {
			return err
		}
		planned := cr.planned(spec)
		p.Infof("would create %s channel %s", channelType(planned), cr.teams.Label(planned))
		out := cr.teams.WithTeam(planned)
		return p.Object(out, channelFields(out, p.Format() == printer.Plain))
	}
	ch, err := cr.create(ctx, spec)
	if err != nil {
		return err
	}
	p.Successf("Created %s channel %s", channelType(ch), cr.teams.Label(ch))
	out := cr.teams.WithTeam(ch)
	return p.Object(out, channelFields(out, p.Format() == printer.Plain))
}

// createFields are the columns and keys of a channels file.
var createFields = records.Schema{
	{Name: "team"},
	{Name: "name", Required: true},
	{Name: "display_name", Required: true, Aliases: []string{"displayname"}},
	{Name: "header"},
	{Name: "purpose"},
	{Name: "private", Kind: records.Bool},
}

func createBulk(ctx context.Context, opts *CreateOptions, p *printer.Printer) error {
	var cr *creator
	var crOnce sync.Once
	creatorFor := func(c client.Client) *creator {
		crOnce.Do(func() { cr = &creator{c: c} })
		return cr
	}
	run := cmdutil.FileCreate[*createSpec, *model.Channel]{
		Kind:   cmdutil.Channels(cmdutil.ChannelOptions{}),
		Schema: createFields,
		Parse: func(rec records.Record) (*createSpec, string, error) {
			f := rec.Fields
			s := &createSpec{Team: f["team"], Name: f["name"], DisplayName: f["display_name"], Header: f["header"],
				Purpose: f["purpose"], Private: rec.Bool("private")}
			if strings.TrimSpace(s.Team) == "" {
				s.Team = opts.Team
			}
			name := strings.ToLower(strings.TrimSpace(s.Name))
			if t := strings.TrimSpace(s.Team); t != "" && name != "" {
				name = t + ":" + name
			}
			if strings.TrimSpace(s.Team) == "" {
				return s, name, errors.New("team is required: give a team column, --team or a team argument")
			}
			return s, name, s.normalize()
		},
		Keys: func(s *createSpec) [][2]string {
			return [][2]string{{"channel", strings.ToLower(s.Team) + ":" + s.Name}}
		},
		Existing: func(ctx context.Context, c client.Client, specs []*createSpec) ([]error, error) {
			cr := creatorFor(c)
			errs := make([]error, len(specs))
			var wg sync.WaitGroup
			sem := make(chan struct{}, opts.Bulk.Parallel)
			for i, s := range specs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					_, errs[i] = cr.check(ctx, s)
				}()
			}
			wg.Wait()
			return errs, ctx.Err()
		},
		Planned: func(s *createSpec) *model.Channel { return cr.planned(s) },
		Create: func(ctx context.Context, c client.Client, s *createSpec) (*model.Channel, error) {
			return creatorFor(c).create(ctx, s)
		},
		Message: func(ch *model.Channel, dryRun bool) string {
			if dryRun {
				return fmt.Sprintf("would create %s channel %s", channelType(ch), cr.teams.Label(ch))
			}
			return fmt.Sprintf("Created %s channel %s", channelType(ch), cr.teams.Label(ch))
		},
	}
	return run.Run(ctx, p, cmdutil.FileCreateRun{
		Path: opts.Bulk.File, Stdin: opts.IO.In, DryRun: opts.Bulk.DryRun, SkipExisting: opts.Bulk.SkipExisting, Parallel: opts.Bulk.Parallel,
		Client: opts.Client,
	})
}
