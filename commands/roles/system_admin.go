package roles

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/ops"
)

// SystemAdminOptions are the inputs of `roles system-admin`.
type SystemAdminOptions struct {
	cmdutil.BulkArgs
}

// NewCmdSystemAdmin builds `roles system-admin` (alias `system_admin`).
func NewCmdSystemAdmin(f *cmdutil.Factory, runF func(context.Context, *SystemAdminOptions) error) *cobra.Command {
	opts := &SystemAdminOptions{BulkArgs: cmdutil.NewBulkArgs(f)}
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
		RunE: opts.RunE("user", cmdutil.Runner(opts, runF, systemAdminRun)),
	}
	cmdutil.AddBulkFlags(cmd, &opts.Bulk, "users")
	return cmd
}

func systemAdminRun(ctx context.Context, opts *SystemAdminOptions) error {
	return setSystemAdmin(ctx, &opts.BulkArgs, true)
}

// setSystemAdmin adds or removes the system_admin role of users, keeping their other roles;
// system-admin and member share it.
func setSystemAdmin(ctx context.Context, b *cmdutil.BulkArgs, admin bool) error {
	return cmdutil.RunBulkVerb(ctx, b, cmdutil.Users(), func(c client.Client) cmdutil.Verb[*model.User] {
		return systemAdminVerb(c, admin)
	})
}

// systemAdminVerb adds (admin) or removes the system_admin role of each user.
func systemAdminVerb(c client.Client, admin bool) cmdutil.Verb[*model.User] {
	// unchanged holds the IDs of users who already were what was asked. It is filled by Check,
	// which runs for every user before any change, and only read afterwards.
	unchanged := map[string]bool{}
	var verb cmdutil.Verb[*model.User]
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
		if _, changed := ops.WithSystemAdmin(u.Roles, admin); !changed {
			unchanged[u.Id] = true
		}
		return nil
	}
	verb.Apply = func(ctx context.Context, u *model.User) (*model.User, error) {
		_, err := ops.SetSystemAdmin(ctx, c, u, admin)
		return u, err
	}
	verb.PlanMessage = func(u *model.User) string {
		if !unchanged[u.Id] {
			return ""
		}
		if admin {
			return fmt.Sprintf("user %s is already a system admin: nothing would change", u.Username)
		}
		return fmt.Sprintf("user %s is not a system admin: nothing would change", u.Username)
	}
	verb.Message = func(u *model.User) string {
		skipped := unchanged[u.Id]
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
	return verb
}
