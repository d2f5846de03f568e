package user

import (
	"context"
	"net/url"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// ListOptions are the inputs of `user list`.
type ListOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Page     int
	PerPage  int
	All      bool
	Team     string
	Inactive bool
	Role     string

	// PageSet records an explicit --page, which --all ignores (as mmctl does) with a warning.
	PageSet bool
}

// NewCmdList builds `user list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List users",
		Long: `List users, one page at a time or all of them.

Without --all one page is shown (--page, --per-page; the server serves at most 200 per page).
With --all every page is fetched, several at a time, and users are printed as they arrive, so
even very large servers list in flat memory. In JSON an empty result is [].

--team takes a team name or ID; --role filters on one system role (system_admin, system_user,
system_guest, …); --inactive lists only deactivated users.`,
		Example: `  matterctl user list
  matterctl user list --all --json | jq length
  matterctl user list --team engineering --role system_admin
  matterctl user list --inactive --page 2 --per-page 50`,
		Args: cmdutil.ExactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Page < 0 {
				return cmdutil.FlagErrorf("--page must be 0 or more, got %d", opts.Page)
			}
			if opts.PerPage < 1 {
				return cmdutil.FlagErrorf("--per-page must be at least 1, got %d", opts.PerPage)
			}
			opts.Team = strings.TrimSpace(opts.Team)
			opts.Role = strings.TrimSpace(opts.Role)
			if opts.Role != "" && !model.IsValidRoleName(opts.Role) {
				return cmdutil.FlagErrorf("--role %q: not a role name (lower-case letters, digits and _, such as system_admin)", opts.Role)
			}
			opts.PageSet = cmd.Flags().Changed("page")
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Page, "page", 0, "Page number to fetch (0-based)")
	cmd.Flags().IntVar(&opts.PerPage, "per-page", client.MaxPerPage, "Number of users per page (at most 200)")
	cmd.Flags().BoolVar(&opts.All, "all", false, "Fetch every page (ignores --page)")
	cmd.Flags().StringVar(&opts.Team, "team", "", "Only members of this team (team name or ID)")
	cmd.Flags().BoolVar(&opts.Inactive, "inactive", false, "Only deactivated users")
	cmd.Flags().StringVar(&opts.Role, "role", "", "Only users with this system role (system_admin, system_user, system_guest)")
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	c, err := opts.Client()
	if err != nil {
		return err
	}
	perPage := opts.PerPage
	if perPage > client.MaxPerPage {
		p.Warnf("--per-page %d is more than the server serves; using %d", perPage, client.MaxPerPage)
		perPage = client.MaxPerPage
	}
	if opts.All && opts.PageSet && opts.Page != 0 {
		p.Warnf("--page is ignored with --all")
	}

	query := url.Values{}
	if opts.Team != "" {
		team, err := cmdutil.ResolveTeam(ctx, c, opts.Team)
		if err != nil {
			return err
		}
		query.Set("in_team", team.Id)
	}
	if opts.Inactive {
		query.Set("inactive", "true")
	}
	if opts.Role != "" {
		query.Set("role", opts.Role)
	}
	params := query.Encode()
	fetch := func(ctx context.Context, page, perPage int) ([]*model.User, error) {
		users, _, err := c.GetUsersWithCustomQueryParameters(ctx, page, perPage, params, "")
		if e := client.AsError(err); opts.Role != "" && e != nil && e.ID == "api.context.invalid_body_param.app_error" {
			// The server answers 400 for a role it does not have (role is the only parameter
			// it can find invalid here: the team is resolved first).
			return nil, cmdutil.FlagErrorf("--role %q: the server has no such role (system roles: system_admin, system_user, system_guest, system_manager, system_user_manager, system_read_only_admin)", opts.Role)
		}
		return users, err
	}

	pageOpts := client.PageOptions{PerPage: perPage}
	if !opts.All {
		pageOpts.StartPage, pageOpts.MaxPages = opts.Page, 1
	}
	// A list cut short must not pass for the whole: Stream ends it with Fail on an error.
	return printer.Stream(printer.NewList(p, userColumns...), client.Pages(ctx, pageOpts, fetch))
}
