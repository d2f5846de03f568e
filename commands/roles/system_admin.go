package roles

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// SystemAdminOptions are the inputs of `roles system-admin`.
type SystemAdminOptions struct {
	IO      *iostreams.IOStreams
	Client  func() (client.Client, error)
	Printer func() (*printer.Printer, error)

	Users []string
	Bulk  cmdutil.BulkFlags
}

// NewCmdSystemAdmin builds `roles system-admin` (alias `system_admin`).
func NewCmdSystemAdmin(f *cmdutil.Factory, runF func(context.Context, *SystemAdminOptions) error) *cobra.Command {
	opts := &SystemAdminOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:               "system-admin <user>...",
		ValidArgsFunction: cmdutil.CompleteUsers(f),
		Aliases:           []string{"system_admin"},
		Short:             "Make users system admins",
		Long: `Give users the system_admin role, keeping their other roles. Users who already have it
are left unchanged (a note says so).

Users are given as IDs, usernames, @usernames or emails, as arguments or with --file.`,
		Example: `  matterctl roles system-admin alice bob@example.com
  matterctl roles system-admin --file admins.txt --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			users, err := opts.Bulk.Args(args, opts.IO.In, "user")
			if err != nil {
				return err
			}
			opts.Users = users
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return systemAdminRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func systemAdminRun(ctx context.Context, opts *SystemAdminOptions) error {
	return setSystemAdmin(ctx, opts.Client, opts.Printer, opts.Users, opts.Bulk, true)
}

// setSystemAdmin adds or removes the system_admin role of users, keeping their other roles;
// system-admin and member share it.
func setSystemAdmin(ctx context.Context, newClient func() (client.Client, error), newPrinter func() (*printer.Printer, error),
	users []string, bulk cmdutil.BulkFlags, admin bool) error {
	p, err := newPrinter()
	if err != nil {
		return err
	}
	c, err := newClient()
	if err != nil {
		return err
	}
	// unchanged holds the IDs of users who already were what was asked.
	var unchanged sync.Map
	verb := cmdutil.UserVerb{Args: users, DryRun: bulk.DryRun, Parallel: bulk.Parallel}
	if admin {
		verb.Plan = "assign the system admin role to"
	} else {
		verb.Plan = "revoke the system admin role from"
	}
	// Without the current roles the new set cannot be computed without dropping some.
	verb.Check = func(u *model.User) error {
		if strings.TrimSpace(u.Roles) == "" {
			return errors.New("the server returned no roles for this user; nothing changed")
		}
		return nil
	}
	verb.Apply = func(ctx context.Context, u *model.User) (*model.User, error) {
		roles, changed := withSystemAdmin(u.Roles, admin)
		if !changed {
			unchanged.Store(u.Id, true)
			return u, nil
		}
		if _, err := c.UpdateUserRoles(ctx, u.Id, roles); err != nil {
			return nil, err
		}
		updated := *u
		updated.Roles = roles
		return &updated, nil
	}
	verb.PlanMessage = func(u *model.User) string {
		if _, changed := withSystemAdmin(u.Roles, admin); changed {
			return ""
		}
		if admin {
			return fmt.Sprintf("user %s is already a system admin: nothing would change", u.Username)
		}
		return fmt.Sprintf("user %s is not a system admin: nothing would change", u.Username)
	}
	verb.Message = func(u *model.User) string {
		_, skipped := unchanged.Load(u.Id)
		switch {
		case admin && skipped:
			return fmt.Sprintf("User %q is already a system admin. Current roles are: %s", u.Username, u.Roles)
		case admin:
			return fmt.Sprintf("System admin role assigned to user %q. Current roles are: %s", u.Username, u.Roles)
		case skipped:
			return fmt.Sprintf("User %q is not a system admin. Current roles are: %s", u.Username, u.Roles)
		default:
			return fmt.Sprintf("System admin role revoked for user %q. Current roles are: %s", u.Username, u.Roles)
		}
	}
	return cmdutil.RunUserVerb(ctx, c, p, verb)
}

// withSystemAdmin returns roles with system_admin added (admin) or removed, and whether that
// changes anything. Other roles keep their order; a user left with no role keeps system_user.
func withSystemAdmin(roles string, admin bool) (string, bool) {
	fields := strings.Fields(roles)
	has := false
	kept := make([]string, 0, len(fields)+1)
	for _, r := range fields {
		if r == model.SystemAdminRoleId {
			has = true
			continue
		}
		kept = append(kept, r)
	}
	if has == admin {
		return roles, false
	}
	if admin {
		kept = append(kept, model.SystemAdminRoleId)
	} else if len(kept) == 0 {
		kept = append(kept, model.SystemUserRoleId)
	}
	return strings.Join(kept, " "), true
}
