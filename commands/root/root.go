// Package root assembles the command tree: global flags, help topics, one AddCommand per noun.
package root

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/matterctl/matterctl/commands/api"
	"github.com/matterctl/matterctl/commands/auth"
	"github.com/matterctl/matterctl/commands/bot"
	"github.com/matterctl/matterctl/commands/channel"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/commands/plugin"
	"github.com/matterctl/matterctl/commands/roles"
	"github.com/matterctl/matterctl/commands/team"
	"github.com/matterctl/matterctl/commands/token"
	"github.com/matterctl/matterctl/commands/user"
	"github.com/matterctl/matterctl/commands/version"
	"github.com/matterctl/matterctl/commands/webhook"
	"github.com/matterctl/matterctl/internal/safetext"
	"github.com/matterctl/matterctl/printer"
)

// NewCmdRoot builds the matterctl command tree.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	g := f.Globals
	cmd := &cobra.Command{
		Use:   "matterctl <command> <subcommand> [flags]",
		Short: "Administer Mattermost servers from the command line",
		Long: `matterctl administers Mattermost servers over the REST API v4.

It offers the command surface of mmctl (auth, user, token, roles, …) with named server
profiles, environment credentials for scripts, stable exit codes, and JSON output for jq.`,
		Example: `  matterctl auth login https://mm.example.com --name prod --username admin
  matterctl version --json
  matterctl api GET /users/me --jq .username
  MATTERCTL_URL=https://mm.example.com MATTERCTL_TOKEN=… matterctl api /system/ping`,
		Version:       f.Build.Version,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			f.IOStreams.SetNoColor(g.NoColor)
			if g.Timeout <= 0 {
				return cmdutil.FlagErrorf("--timeout must be positive, got %s", g.Timeout)
			}
			// Validate the format flags before any work happens.
			_, err := f.Printer()
			return err
		},
	}
	cmd.SetGlobalNormalizationFunc(normalizeFlagName)
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })

	pf := cmd.PersistentFlags()
	pf.StringVar(&g.Server, "server", g.Server, "Use the stored profile `NAME` for this call (the config file is not changed)")
	pf.StringVar(&g.ConfigPath, "config", g.ConfigPath, "Credentials file `path` (default $MATTERCTL_CONFIG or $XDG_CONFIG_HOME/matterctl/config.json)")
	pf.BoolVar(&g.JSON, "json", false, "Print results as JSON (same as --format json)")
	pf.StringVar(&g.Format, "format", "", "Output format: table, plain, json or jsonl (default table on a terminal, plain otherwise)")
	pf.StringVar(&g.JQ, "jq", "", "Filter JSON output with a jq `expression` (strings print raw)")
	pf.BoolVar(&g.Local, "local", false, "Talk to the server over its local-mode unix socket ($MATTERCTL_LOCAL_SOCKET)")
	pf.DurationVar(&g.Timeout, "timeout", g.Timeout, "Timeout for each API request")
	pf.BoolVarP(&g.Quiet, "quiet", "q", false, "Do not print success and progress messages")
	pf.BoolVar(&g.NoColor, "no-color", false, "Disable colour output (also NO_COLOR)")
	pf.BoolVar(&g.InsecureSkipVerify, "insecure-skip-verify", false, "Do not verify the server's TLS certificate (lab servers only)")
	pf.StringVar(&g.CAFile, "ca-file", "", "Trust the PEM CA certificates in `FILE` for TLS")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(printer.Formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("server", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return cmdutil.ProfileNames(f), cobra.ShellCompDirectiveNoFileComp
	})

	cmd.AddGroup(&cobra.Group{ID: "core", Title: "Commands:"})
	for _, c := range []*cobra.Command{
		auth.NewCmdAuth(f),
		user.NewCmdUser(f),
		team.NewCmdTeam(f),
		channel.NewCmdChannel(f),
		bot.NewCmdBot(f),
		webhook.NewCmdWebhook(f),
		plugin.NewCmdPlugin(f),
		token.NewCmdToken(f),
		roles.NewCmdRoles(f),
		api.NewCmdAPI(f, nil),
		version.NewCmdVersion(f, nil),
	} {
		c.GroupID = "core"
		cmd.AddCommand(c)
	}
	cmd.AddCommand(newCmdCompletion(f.IOStreams.Out))
	cmd.AddCommand(helpTopics()...)
	rejectUnknownSubcommands(cmd)
	cmd.SetHelpCommand(newCmdHelp())
	// The groups already cover their own verbs; this also covers api, version and completion.
	cmdutil.RejectEmptyArgs(cmd)
	wrapArgValidators(cmd)
	return cmd
}

// normalizeFlagName accepts mmctl's underscore spellings: --display_name is --display-name.
func normalizeFlagName(_ *pflag.FlagSet, name string) pflag.NormalizedName {
	return pflag.NormalizedName(strings.ReplaceAll(name, "_", "-"))
}

// wrapArgValidators makes every positional-argument error a usage error (exit 2).
func wrapArgValidators(cmd *cobra.Command) {
	if cmd.Args != nil {
		validate := cmd.Args
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := validate(c, args); err != nil {
				var fe *cmdutil.FlagError
				if errors.As(err, &fe) {
					return err
				}
				return &cmdutil.FlagError{Err: err}
			}
			return nil
		}
	}
	for _, c := range cmd.Commands() {
		wrapArgValidators(c)
	}
}

// rejectUnknownSubcommands makes every group below the root fail with a usage error on an
// argument that names none of its subcommands: cobra would print the group's help and exit 0.
// Without arguments a group still prints its help.
func rejectUnknownSubcommands(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		rejectUnknownSubcommands(c)
	}
	if !cmd.HasParent() || cmd.Runnable() || !cmd.HasSubCommands() {
		return
	}
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return c.Help()
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], c.CommandPath())
		if c.SuggestionsMinimumDistance <= 0 {
			c.SuggestionsMinimumDistance = 2
		}
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t") + "\n"
		}
		return &cmdutil.FlagError{Err: errors.New(msg)}
	}
}

// newCmdHelp is `matterctl help [command]`: cobra's, except that an unknown topic is a usage
// error (cobra prints the whole usage on stderr and exits 0).
func newCmdHelp() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		Long:  "Help provides help for any command in the application.\nSimply type matterctl help [path to command] for full details.",
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			target, _, err := c.Root().Find(args)
			if err != nil || target == nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, sub := range target.Commands() {
				if sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
					if strings.HasPrefix(sub.Name(), toComplete) {
						names = append(names, sub.Name())
					}
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(c *cobra.Command, args []string) error {
			target, rest, err := c.Root().Find(args)
			if err != nil || target == nil || len(rest) > 0 {
				return &cmdutil.FlagError{Err: fmt.Errorf("unknown help topic %q", strings.Join(args, " "))}
			}
			target.InitDefaultHelpFlag()
			target.InitDefaultVersionFlag()
			return target.Help()
		},
	}
}

// IsUsageError recognises cobra's own unknown-command errors, which it raises before any
// validator runs.
func IsUsageError(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown shorthand flag") ||
		strings.HasPrefix(msg, "unknown flag") || strings.HasPrefix(msg, "invalid argument")
}

// UsageMessage is a usage error in one line: cobra's "Did you mean this?" list of suggestions
// folded in, and anything typed on the command line that is not printable escaped.
func UsageMessage(err error) string {
	msg := err.Error()
	if head, tail, ok := strings.Cut(msg, "\n\nDid you mean this?\n"); ok {
		var quoted []string
		for _, s := range strings.Fields(tail) {
			quoted = append(quoted, strconv.Quote(s))
		}
		msg = head
		if len(quoted) > 0 {
			msg += "; did you mean " + strings.Join(quoted, " or ") + "?"
		}
	}
	return safetext.Escape(strings.TrimRight(msg, "\n"))
}

// UsageHint is the short pointer printed after a usage error.
func UsageHint(cmd *cobra.Command) string {
	if cmd == nil {
		return ""
	}
	return fmt.Sprintf("run '%s --help' for usage", cmd.CommandPath())
}
