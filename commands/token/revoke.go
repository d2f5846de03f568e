package token

import (
	"context"
	"errors"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// RevokeOptions are the inputs of `token revoke`.
type RevokeOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	TokenIDs []string
	Bulk     cmdutil.BulkFlags
}

// NewCmdRevoke builds `token revoke`.
func NewCmdRevoke(f *cmdutil.Factory, runF func(context.Context, *RevokeOptions) error) *cobra.Command {
	opts := &RevokeOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "revoke <token-id>...",
		Short: "Revoke personal access tokens",
		Long: `Revoke personal access tokens, given by ID (as shown by ` + "`matterctl token list`" + `), as
arguments or with --file. Every ID is processed: a failure is reported on standard error and
the others are still revoked (exit status 3 when some failed). --dry-run checks that each
token exists and revokes nothing.`,
		Example: `  matterctl token revoke 3w8qbzx7yfbpmjgt1w9j4ku5nh
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
	dry := opts.Bulk.DryRun
	var rows *printer.List[cmdutil.Row]
	if p.Structured() {
		rows = printer.NewList(p, cmdutil.RowColumns...)
	}
	err = cmdutil.Each[string, *model.UserAccessToken]{
		Items: opts.TokenIDs, Parallel: opts.Bulk.Parallel, Kind: "token",
		Label: func(id string) string { return id },
		Key:   func(id string) string { return strings.TrimSpace(id) },
		Do: func(ctx context.Context, arg string) (*model.UserAccessToken, error) {
			id := strings.TrimSpace(arg)
			if !model.IsValidId(id) {
				return nil, errors.New("not a token ID (26 letters and digits)")
			}
			if dry {
				tok, _, err := c.GetUserAccessToken(ctx, id)
				if err != nil {
					if client.IsNotFound(err) {
						return nil, &cmdutil.NotFoundError{Kind: "token", Name: id}
					}
					return nil, withTokenHint(err)
				}
				if tok == nil {
					return nil, &cmdutil.NotFoundError{Kind: "token", Name: id}
				}
				tok.Token = ""
				return tok, nil
			}
			if _, err := c.RevokeUserAccessToken(ctx, id); err != nil {
				if client.IsNotFound(err) {
					return nil, &cmdutil.NotFoundError{Kind: "token", Name: id}
				}
				return nil, withTokenHint(err)
			}
			return &model.UserAccessToken{Id: id}, nil
		},
		Emit: func(o cmdutil.Outcome[*model.UserAccessToken]) error {
			if o.Err == nil && o.DuplicateOf == 0 {
				if dry {
					p.Infof("would revoke token %s (%q, of user %s)", o.Result.Id, o.Result.Description, o.Result.UserId)
				} else {
					p.Successf("Revoked token %s", o.Result.Id)
				}
			}
			if rows == nil {
				return nil
			}
			return rows.Add(cmdutil.NewRow(o, dry, func(r *cmdutil.Row, t *model.UserAccessToken) { r.Token = t }))
		},
	}.Run(ctx, p)
	if rows != nil {
		if cerr := rows.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	return err
}
