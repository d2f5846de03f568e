// Package ops holds matterctl's domain operations: what a change to a user or a token means in
// REST API calls, as plain functions over client.Client. They take resolved objects, print
// nothing, ask nothing and know no flags, so that every command, and a declarative apply, makes
// a change the same way. Each one either fails with the server's error as it is, or updates the
// object it was given to the state the server now holds.
package ops

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// UserSetup is what CreateUser does after creating the account.
type UserSetup struct {
	SystemAdmin   bool // add the system_admin role
	Guest         bool // demote to a guest
	EmailVerified bool // mark the email verified if the server did not keep it
}

// CreateUser creates u and then applies setup. When a step after the creation fails, it returns
// the created user and an error saying what was done and what was not.
func CreateUser(ctx context.Context, c client.Client, u *model.User, setup UserSetup) (*model.User, error) {
	created, _, err := c.CreateUser(ctx, u)
	if err != nil {
		return nil, err
	}
	if created == nil {
		return nil, errors.New("the server returned no user")
	}
	created.Password = ""
	switch {
	case setup.SystemAdmin:
		roles := model.SystemUserRoleId + " " + model.SystemAdminRoleId
		if _, err := c.UpdateUserRoles(ctx, created.Id, roles); err != nil {
			return created, fmt.Errorf("created user %s, but could not make them a system admin: %w", created.Username, err)
		}
		created.Roles = roles
	case setup.Guest:
		if _, err := c.DemoteUserToGuest(ctx, created.Id); err != nil {
			return created, fmt.Errorf("created user %s, but could not make them a guest: %w", created.Username, err)
		}
		created.Roles = model.SystemGuestRoleId
	}
	// The server keeps email_verified only when an admin creates the user; verify explicitly
	// when it was dropped.
	if setup.EmailVerified && !created.EmailVerified {
		if _, _, err := c.VerifyUserEmailWithoutToken(ctx, created.Id); err != nil {
			return created, fmt.Errorf("created user %s, but could not verify their email: %w", created.Username, err)
		}
		created.EmailVerified = true
	}
	return created, nil
}

// SetUserActive activates or deactivates u.
func SetUserActive(ctx context.Context, c client.Client, u *model.User, active bool) error {
	if _, err := c.UpdateUserActive(ctx, u.Id, active); err != nil {
		return err
	}
	if active {
		u.DeleteAt = 0
	} else {
		u.DeleteAt = model.GetMillis()
	}
	return nil
}

// DeleteUser permanently deletes u. imageLeft reports the server's 202: the account is gone but
// the profile image directory could not be removed.
func DeleteUser(ctx context.Context, c client.Client, u *model.User) (imageLeft bool, err error) {
	resp, err := c.PermanentDeleteUser(ctx, u.Id)
	if err != nil {
		return false, err
	}
	return resp != nil && resp.StatusCode == http.StatusAccepted, nil
}

// PromoteGuest makes the guest u a regular user.
func PromoteGuest(ctx context.Context, c client.Client, u *model.User) error {
	if _, err := c.PromoteGuestToUser(ctx, u.Id); err != nil {
		return err
	}
	u.Roles = SwapRole(u.Roles, model.SystemGuestRoleId, model.SystemUserRoleId)
	return nil
}

// DemoteToGuest makes u a guest.
func DemoteToGuest(ctx context.Context, c client.Client, u *model.User) error {
	if _, err := c.DemoteUserToGuest(ctx, u.Id); err != nil {
		return err
	}
	u.Roles = model.SystemGuestRoleId
	return nil
}

// VerifyEmail marks u's email as verified. Mattermost 7.8 answers with the user as it was
// before, unsanitised: the answer is not used.
func VerifyEmail(ctx context.Context, c client.Client, u *model.User) error {
	if _, _, err := c.VerifyUserEmailWithoutToken(ctx, u.Id); err != nil {
		return err
	}
	u.EmailVerified = true
	return nil
}

// ResetMFA turns multi-factor authentication off for u.
func ResetMFA(ctx context.Context, c client.Client, u *model.User) error {
	if _, err := c.UpdateUserMfa(ctx, u.Id, "", false); err != nil {
		return err
	}
	u.MfaActive, u.MfaSecret = false, ""
	return nil
}

// SendPasswordReset sends u the password reset email.
func SendPasswordReset(ctx context.Context, c client.Client, u *model.User) error {
	_, err := c.SendPasswordResetEmail(ctx, u.Email)
	return err
}

// SetSystemAdmin adds (admin) or removes the system_admin role of u. changed is false, and no
// request is made, when u already is in the asked state.
func SetSystemAdmin(ctx context.Context, c client.Client, u *model.User, admin bool) (changed bool, err error) {
	roles, changed := WithSystemAdmin(u.Roles, admin)
	if !changed {
		return false, nil
	}
	if _, err := c.UpdateUserRoles(ctx, u.Id, roles); err != nil {
		return false, err
	}
	u.Roles = roles
	return true, nil
}

// RevokeToken revokes the personal access token with the given ID.
func RevokeToken(ctx context.Context, c client.Client, id string) error {
	_, err := c.RevokeUserAccessToken(ctx, id)
	return err
}

// SwapRole replaces role from with role to in a space-separated role list, each role once.
func SwapRole(roles, from, to string) string {
	fields := strings.Fields(roles)
	out := fields[:0]
	seen := map[string]bool{}
	for _, r := range fields {
		if r == from {
			r = to
		}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return strings.Join(out, " ")
}

// WithSystemAdmin returns roles with system_admin added (admin) or removed, and whether that
// changed anything. Removing the last role leaves system_user.
func WithSystemAdmin(roles string, admin bool) (string, bool) {
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
