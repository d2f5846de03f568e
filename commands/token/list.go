package token

import (
	"context"
	"strconv"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// ListOptions are the inputs of `token list`.
type ListOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	User     string
	Page     int
	PerPage  int
	All      bool
	Active   bool
	Inactive bool
}

// tokenColumns are the columns of a token list. The token value is never among them: the
// server does not return it after creation.
var tokenColumns = []printer.Column[*model.UserAccessToken]{
	{Header: "id", Value: func(t *model.UserAccessToken) string { return t.Id }},
	{Header: "description", Value: func(t *model.UserAccessToken) string { return t.Description }},
	{Header: "active", Value: func(t *model.UserAccessToken) string { return strconv.FormatBool(t.IsActive) }},
}

// NewCmdList builds `token list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "list <user>",
		ValidArgsFunction: cmdutil.CompleteFirst(cmdutil.CompleteUsers(f)),
		Short:             "List a user's personal access tokens",
		Long: `List a user's personal access tokens: ID, description and whether it is active. The
token values themselves cannot be shown again after creation.

Without a filter every token is listed; --active lists only active tokens, --inactive only
revoked or disabled ones. --all lists every page; otherwise one page (--page, --per-page) is
listed. An empty result is an empty list ([] in JSON), not an error.`,
		Example: `  matterctl token list alice
  matterctl token list alice --all --active --json`,
		Args: cmdutil.ExactArgs(1, "one user"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.User = args[0]
			if opts.Active && opts.Inactive {
				return cmdutil.FlagErrorf("--active and --inactive cannot be used together: give neither to list every token")
			}
			if opts.Page < 0 {
				return cmdutil.FlagErrorf("--page must not be negative")
			}
			if opts.PerPage < 1 {
				return cmdutil.FlagErrorf("--per-page must be at least 1")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Page, "page", 0, "Page to list (0-based)")
	fl.IntVar(&opts.PerPage, "per-page", client.MaxPerPage, "Tokens per page (at most 200)")
	fl.BoolVar(&opts.All, "all", false, "List every page")
	fl.BoolVar(&opts.Active, "active", false, "Only active tokens")
	fl.BoolVar(&opts.Inactive, "inactive", false, "Only inactive tokens")
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	perPage := opts.PerPage
	if perPage > client.MaxPerPage {
		p.Warnf("--per-page %d is above the server's maximum; using %d", perPage, client.MaxPerPage)
		perPage = client.MaxPerPage
	}
	if opts.All && opts.Page != 0 {
		p.Warnf("--page is ignored with --all")
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	u, err := cmdutil.ResolveUser(ctx, c, opts.User)
	if err != nil {
		return err
	}
	pageOpts := client.PageOptions{PerPage: perPage}
	if !opts.All {
		pageOpts.StartPage, pageOpts.MaxPages = opts.Page, 1
	}
	list := printer.NewList(p, tokenColumns...)
	for t, err := range client.Pages(ctx, pageOpts, func(ctx context.Context, page, perPage int) ([]*model.UserAccessToken, error) {
		tokens, _, err := c.GetUserAccessTokensForUser(ctx, u.Id, page, perPage)
		return tokens, err
	}) {
		if err != nil {
			return list.Fail(withTokenHint(err))
		}
		if t == nil || (opts.Active && !t.IsActive) || (opts.Inactive && t.IsActive) {
			continue
		}
		t.Token = "" // never shown, even if a server sent it
		if err := list.Add(t); err != nil {
			return list.Fail(err)
		}
	}
	return list.Close()
}
