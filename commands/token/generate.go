package token

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// descriptionMaxLength is the server's limit on a token description.
const descriptionMaxLength = 255

// GenerateOptions are the inputs of `token generate`.
type GenerateOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	User        string
	Description string
	DryRun      bool
}

// NewCmdGenerate builds `token generate`.
func NewCmdGenerate(f *cmdutil.Factory, runF func(context.Context, *GenerateOptions) error) *cobra.Command {
	opts := &GenerateOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "generate <user> <description>",
		ValidArgsFunction: cmdutil.CompleteFirst(cmdutil.CompleteUsers(f)),
		Short:             "Generate a personal access token for a user",
		Long: `Generate a personal access token for a user.

The token is printed once, on standard output, and cannot be shown again: store it now. In
plain output (not a terminal) only the token is printed, so that $(matterctl token generate …)
captures it; on a terminal a table shows the token, its ID and description; --json prints the
token object, with its "token" field.

Personal access tokens must be enabled on the server (System Console > Integrations >
Integration Management, ServiceSettings.EnableUserAccessTokens) and the user must be allowed
to create them.`,
		Example: `  matterctl token generate ci-bot "CI pipeline"
  matterctl token generate alice "backup script" > backup-token.txt
  matterctl token generate alice "deploy" --json | jq -r .token`,
		Args: cmdutil.ExactArgs(2, "a user and a description"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.User, opts.Description = args[0], args[1]
			if strings.TrimSpace(opts.Description) == "" {
				return cmdutil.FlagErrorf("the description must not be empty")
			}
			if utf8.RuneCountInString(opts.Description) > descriptionMaxLength {
				return cmdutil.FlagErrorf("the description is too long: at most %d characters", descriptionMaxLength)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return generateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "Resolve the user, generate nothing")
	return cmd
}

func generateRun(ctx context.Context, opts *GenerateOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	u, err := cmdutil.ResolveUser(ctx, c, opts.User)
	if err != nil {
		return err
	}
	if opts.DryRun {
		p.Infof("would generate a token for user %s (%s) with description %q", u.Username, u.Id, opts.Description)
		return nil
	}
	tok, _, err := c.CreateUserAccessToken(ctx, u.Id, opts.Description)
	if err != nil {
		return withTokenHint(err)
	}
	if tok == nil || tok.Token == "" {
		return errors.New("the server returned no token")
	}
	// The token goes to stdout only: never into a message, a log or an error.
	fields := []printer.Field{{Name: "token", Value: tok.Token}}
	if p.Format() != printer.Plain {
		fields = append(fields,
			printer.Field{Name: "id", Value: tok.Id},
			printer.Field{Name: "description", Value: tok.Description},
			printer.Field{Name: "user", Value: u.Username})
	}
	if err := p.Object(tok, fields); err != nil {
		return err
	}
	p.Successf("Generated a token for %s (id %s); it is shown only once", u.Username, tok.Id)
	return nil
}

// withTokenHint explains the two usual causes of a refused token operation: the server's
// setting (exit 1, naming it), or a missing permission (exit 4, with a hint).
func withTokenHint(err error) error {
	if refused := cmdutil.RefusedBy(err, "app.user_access_token.disabled", "personal access token creation", cmdutil.UserAccessTokensSetting); refused != err {
		return cmdutil.WithHint(refused, "hint: "+cmdutil.UserAccessTokensSetting.Remedy())
	}
	if client.StatusOf(err) == http.StatusForbidden {
		s := cmdutil.UserAccessTokensSetting
		return cmdutil.WithHint(err, "hint: check that personal access tokens are enabled ("+s.Key+", "+s.Env()+
			") and that the user has the create_user_access_token permission (System Console > Users > Manage Roles)")
	}
	return err
}
