package token

import (
	"context"
	"fmt"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/ops"
	"github.com/matterctl/matterctl/printer"
)

// RevokeOptions are the inputs of `token revoke`.
type RevokeOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	// Confirm asks the question at a terminal and returns whether to go ahead.
	Confirm func(question string) (bool, error)

	TokenIDs []string
	Bulk     cmdutil.BulkFlags
	Yes      cmdutil.ConfirmFlags
}

// NewCmdRevoke builds `token revoke`.
func NewCmdRevoke(f *cmdutil.Factory, runF func(context.Context, *RevokeOptions) error) *cobra.Command {
	opts := &RevokeOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	opts.Confirm = func(question string) (bool, error) { return f.Prompter.Confirm(question, false) }
	cmd := &cobra.Command{
		Use:   "revoke <token-id>...",
		Short: "Revoke personal access tokens",
		Long: `Revoke personal access tokens, given by ID (as shown by ` + "`matterctl token list`" + `), as
arguments or with --file. Every ID is processed: a failure is reported on standard error and
the others are still revoked (exit status 3 when some failed). --dry-run checks that each
token exists and revokes nothing.

A revoked token cannot be used again. At a terminal the command asks for confirmation unless
--confirm (or --yes) is given; without a terminal it asks nothing.`,
		Example: `  matterctl token revoke 3w8qbzx7yfbpmjgt1w9j4ku5nh
  matterctl token revoke 3w8qbzx7yfbpmjgt1w9j4ku5nh --yes
  matterctl token list alice --inactive --json | jq -r '.[].id' | matterctl token revoke --file -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, err := opts.Bulk.Args(args, opts.IO.In, "token ID")
			if err != nil {
				return err
			}
			opts.TokenIDs = ids
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return revokeRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "token IDs")
	cmdutil.AddConfirmFlags(cmd, &opts.Yes)
	return cmd
}

func revokeRun(ctx context.Context, opts *RevokeOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	return cmdutil.RunVerb(ctx, c, p, tokenKind(), cmdutil.Verb[*model.UserAccessToken]{
		Args: opts.TokenIDs, DryRun: opts.Bulk.DryRun, Parallel: opts.Bulk.Parallel,
		PlanMessage: func(t *model.UserAccessToken) string {
			return fmt.Sprintf("would revoke token %s (%q, of user %s)", t.Id, t.Description, t.UserId)
		},
		Message: func(t *model.UserAccessToken) string { return "Revoked token " + t.Id },
		Confirm: func(tokens []*model.UserAccessToken) error {
			// Scripts, as with mmctl, need no flag: only a person at a terminal is asked.
			if opts.Yes.Yes || len(tokens) == 0 || !opts.IO.CanPrompt() {
				return nil
			}
			ok, err := opts.Confirm(revokeQuestion(tokens))
			if err != nil || !ok {
				return cmdutil.ErrCancelled
			}
			return nil
		},
		Apply: func(ctx context.Context, t *model.UserAccessToken) (*model.UserAccessToken, error) {
			if err := ops.RevokeToken(ctx, c, t.Id); err != nil {
				if client.IsNotFound(err) {
					return nil, &cmdutil.NotFoundError{Kind: "token", Name: t.Id}
				}
				return nil, withTokenHint(err)
			}
			return t, nil
		},
	})
}

// revokeQuestion names the tokens about to be revoked.
func revokeQuestion(tokens []*model.UserAccessToken) string {
	names := make([]string, len(tokens))
	for i, t := range tokens {
		names[i] = fmt.Sprintf("%s (%q)", t.Id, t.Description)
	}
	return cmdutil.Question(names, "Revoke token %s? It cannot be used again.", "Revoke %d tokens: %s? They cannot be used again.")
}

// tokenKind is the kind of token arguments: token IDs, each looked up (GET
// /users/tokens/{id}) so that an unknown ID fails before anything is revoked. The token
// string itself is never printed.
func tokenKind() cmdutil.Kind[*model.UserAccessToken] {
	return cmdutil.Kind[*model.UserAccessToken]{
		Name: "token",
		Resolve: func(ctx context.Context, c client.Client, args []string) ([]cmdutil.Ref[*model.UserAccessToken], error) {
			return cmdutil.ResolveEach(ctx, args, func(ctx context.Context, id string) (*model.UserAccessToken, error) {
				if !model.IsValidId(id) {
					return nil, cmdutil.FlagErrorf("not a token ID (26 letters and digits)")
				}
				tok, _, err := c.GetUserAccessToken(client.WithIdempotent(ctx), id)
				switch {
				case client.IsNotFound(err), err == nil && tok == nil:
					return nil, &cmdutil.NotFoundError{Kind: "token", Name: id}
				case err != nil:
					return nil, withTokenHint(err)
				}
				tok.Token = ""
				return tok, nil
			})
		},
		ID:    func(t *model.UserAccessToken) string { return t.Id },
		Label: func(t *model.UserAccessToken) string { return t.Id },
	}
}
