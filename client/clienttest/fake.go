// Package clienttest provides a fake client.Client for unit tests: each method calls the
// function field of the same name plus "Func", and fails the call when that field is nil.
package clienttest

import (
	"context"
	"fmt"
	"sync"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// Fake implements client.Client with overridable functions and counts calls per method.
type Fake struct {
	mu                                    sync.Mutex
	calls                                 map[string]int
	GetPingWithOptionsFunc                func(ctx context.Context, options model.SystemPingOptions) (map[string]any, *model.Response, error)
	LoginFunc                             func(ctx context.Context, loginID, password string) (*model.User, *model.Response, error)
	LoginWithMFAFunc                      func(ctx context.Context, loginID, password, mfaToken string) (*model.User, *model.Response, error)
	LogoutFunc                            func(ctx context.Context) (*model.Response, error)
	GetMeFunc                             func(ctx context.Context, etag string) (*model.User, *model.Response, error)
	GetUserFunc                           func(ctx context.Context, userID, etag string) (*model.User, *model.Response, error)
	GetUserByUsernameFunc                 func(ctx context.Context, username, etag string) (*model.User, *model.Response, error)
	GetUserByEmailFunc                    func(ctx context.Context, email, etag string) (*model.User, *model.Response, error)
	GetUsersByIdsFunc                     func(ctx context.Context, userIDs []string) ([]*model.User, *model.Response, error)
	GetUsersByUsernamesFunc               func(ctx context.Context, usernames []string) ([]*model.User, *model.Response, error)
	GetUsersWithCustomQueryParametersFunc func(ctx context.Context, page, perPage int, queryParameters, etag string) ([]*model.User, *model.Response, error)
	AutocompleteUsersFunc                 func(ctx context.Context, username string, limit int, etag string) (*model.UserAutocomplete, *model.Response, error)
	SearchUsersFunc                       func(ctx context.Context, search *model.UserSearch) ([]*model.User, *model.Response, error)
	CreateUserFunc                        func(ctx context.Context, user *model.User) (*model.User, *model.Response, error)
	PatchUserFunc                         func(ctx context.Context, userID string, patch *model.UserPatch) (*model.User, *model.Response, error)
	UpdateUserAuthFunc                    func(ctx context.Context, userID string, userAuth *model.UserAuth) (*model.UserAuth, *model.Response, error)
	UpdateUserActiveFunc                  func(ctx context.Context, userID string, active bool) (*model.Response, error)
	UpdateUserRolesFunc                   func(ctx context.Context, userID, roles string) (*model.Response, error)
	UpdateUserMfaFunc                     func(ctx context.Context, userID, code string, activate bool) (*model.Response, error)
	UpdateUserPasswordFunc                func(ctx context.Context, userID, currentPassword, newPassword string) (*model.Response, error)
	UpdateUserHashedPasswordFunc          func(ctx context.Context, userID, newHashedPassword string) (*model.Response, error)
	SendPasswordResetEmailFunc            func(ctx context.Context, email string) (*model.Response, error)
	VerifyUserEmailWithoutTokenFunc       func(ctx context.Context, userID string) (*model.User, *model.Response, error)
	PromoteGuestToUserFunc                func(ctx context.Context, guestID string) (*model.Response, error)
	DemoteUserToGuestFunc                 func(ctx context.Context, guestID string) (*model.Response, error)
	DeleteUserFunc                        func(ctx context.Context, userID string) (*model.Response, error)
	PermanentDeleteUserFunc               func(ctx context.Context, userID string) (*model.Response, error)
	PermanentDeleteAllUsersFunc           func(ctx context.Context) (*model.Response, error)
	ConvertUserToBotFunc                  func(ctx context.Context, userID string) (*model.Bot, *model.Response, error)
	ConvertBotToUserFunc                  func(ctx context.Context, userID string, userPatch *model.UserPatch, setSystemAdmin bool) (*model.User, *model.Response, error)
	MigrateAuthToLdapFunc                 func(ctx context.Context, fromAuthService, matchField string, force bool) (*model.Response, error)
	MigrateAuthToSamlFunc                 func(ctx context.Context, fromAuthService string, usersMap map[string]string, auto bool) (*model.Response, error)
	GetPreferencesFunc                    func(ctx context.Context, userID string) (model.Preferences, *model.Response, error)
	GetPreferencesByCategoryFunc          func(ctx context.Context, userID, category string) (model.Preferences, *model.Response, error)
	GetPreferenceByCategoryAndNameFunc    func(ctx context.Context, userID, category, preferenceName string) (*model.Preference, *model.Response, error)
	UpdatePreferencesFunc                 func(ctx context.Context, userID string, preferences model.Preferences) (*model.Response, error)
	DeletePreferencesFunc                 func(ctx context.Context, userID string, preferences model.Preferences) (*model.Response, error)
	CreateUserAccessTokenFunc             func(ctx context.Context, userID, description string) (*model.UserAccessToken, *model.Response, error)
	GetUserAccessTokensForUserFunc        func(ctx context.Context, userID string, page, perPage int) ([]*model.UserAccessToken, *model.Response, error)
	RevokeUserAccessTokenFunc             func(ctx context.Context, tokenID string) (*model.Response, error)
	GetUserAccessTokenFunc                func(ctx context.Context, tokenID string) (*model.UserAccessToken, *model.Response, error)
	GetAllRolesFunc                       func(ctx context.Context) ([]*model.Role, *model.Response, error)
	GetTeamFunc                           func(ctx context.Context, teamID, etag string) (*model.Team, *model.Response, error)
	GetTeamByNameFunc                     func(ctx context.Context, name, etag string) (*model.Team, *model.Response, error)
	InviteUsersToTeamFunc                 func(ctx context.Context, teamID string, userEmails []string) (*model.Response, error)
}

var _ client.Client = (*Fake)(nil)

func (f *Fake) record(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[name]++
}

// Calls returns how many times the named method was called.
func (f *Fake) Calls(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[name]
}

// TotalCalls returns the number of calls to all methods.
func (f *Fake) TotalCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

func unexpected(name string) error { return fmt.Errorf("clienttest: unexpected call to %s", name) }

// GetPingWithOptions implements client.Client.
func (f *Fake) GetPingWithOptions(ctx context.Context, options model.SystemPingOptions) (map[string]any, *model.Response, error) {
	f.record("GetPingWithOptions")
	if f.GetPingWithOptionsFunc == nil {
		return nil, nil, unexpected("GetPingWithOptions")
	}
	return f.GetPingWithOptionsFunc(ctx, options)
}

// Login implements client.Client.
func (f *Fake) Login(ctx context.Context, loginID, password string) (*model.User, *model.Response, error) {
	f.record("Login")
	if f.LoginFunc == nil {
		return nil, nil, unexpected("Login")
	}
	return f.LoginFunc(ctx, loginID, password)
}

// LoginWithMFA implements client.Client.
func (f *Fake) LoginWithMFA(ctx context.Context, loginID, password, mfaToken string) (*model.User, *model.Response, error) {
	f.record("LoginWithMFA")
	if f.LoginWithMFAFunc == nil {
		return nil, nil, unexpected("LoginWithMFA")
	}
	return f.LoginWithMFAFunc(ctx, loginID, password, mfaToken)
}

// Logout implements client.Client.
func (f *Fake) Logout(ctx context.Context) (*model.Response, error) {
	f.record("Logout")
	if f.LogoutFunc == nil {
		return nil, unexpected("Logout")
	}
	return f.LogoutFunc(ctx)
}

// GetMe implements client.Client.
func (f *Fake) GetMe(ctx context.Context, etag string) (*model.User, *model.Response, error) {
	f.record("GetMe")
	if f.GetMeFunc == nil {
		return nil, nil, unexpected("GetMe")
	}
	return f.GetMeFunc(ctx, etag)
}

// GetUser implements client.Client.
func (f *Fake) GetUser(ctx context.Context, userID, etag string) (*model.User, *model.Response, error) {
	f.record("GetUser")
	if f.GetUserFunc == nil {
		return nil, nil, unexpected("GetUser")
	}
	return f.GetUserFunc(ctx, userID, etag)
}

// GetUserByUsername implements client.Client.
func (f *Fake) GetUserByUsername(ctx context.Context, username, etag string) (*model.User, *model.Response, error) {
	f.record("GetUserByUsername")
	if f.GetUserByUsernameFunc == nil {
		return nil, nil, unexpected("GetUserByUsername")
	}
	return f.GetUserByUsernameFunc(ctx, username, etag)
}

// GetUserByEmail implements client.Client.
func (f *Fake) GetUserByEmail(ctx context.Context, email, etag string) (*model.User, *model.Response, error) {
	f.record("GetUserByEmail")
	if f.GetUserByEmailFunc == nil {
		return nil, nil, unexpected("GetUserByEmail")
	}
	return f.GetUserByEmailFunc(ctx, email, etag)
}

// GetUsersByIds implements client.Client.
func (f *Fake) GetUsersByIds(ctx context.Context, userIDs []string) ([]*model.User, *model.Response, error) {
	f.record("GetUsersByIds")
	if f.GetUsersByIdsFunc == nil {
		return nil, nil, unexpected("GetUsersByIds")
	}
	return f.GetUsersByIdsFunc(ctx, userIDs)
}

// GetUsersByUsernames implements client.Client.
func (f *Fake) GetUsersByUsernames(ctx context.Context, usernames []string) ([]*model.User, *model.Response, error) {
	f.record("GetUsersByUsernames")
	if f.GetUsersByUsernamesFunc == nil {
		return nil, nil, unexpected("GetUsersByUsernames")
	}
	return f.GetUsersByUsernamesFunc(ctx, usernames)
}

// GetUsersWithCustomQueryParameters implements client.Client.
func (f *Fake) GetUsersWithCustomQueryParameters(ctx context.Context, page, perPage int, queryParameters, etag string) ([]*model.User, *model.Response, error) {
	f.record("GetUsersWithCustomQueryParameters")
	if f.GetUsersWithCustomQueryParametersFunc == nil {
		return nil, nil, unexpected("GetUsersWithCustomQueryParameters")
	}
	return f.GetUsersWithCustomQueryParametersFunc(ctx, page, perPage, queryParameters, etag)
}

// SearchUsers implements client.Client.
func (f *Fake) SearchUsers(ctx context.Context, search *model.UserSearch) ([]*model.User, *model.Response, error) {
	f.record("SearchUsers")
	if f.SearchUsersFunc == nil {
		return nil, nil, unexpected("SearchUsers")
	}
	return f.SearchUsersFunc(ctx, search)
}

// CreateUser implements client.Client.
func (f *Fake) CreateUser(ctx context.Context, user *model.User) (*model.User, *model.Response, error) {
	f.record("CreateUser")
	if f.CreateUserFunc == nil {
		return nil, nil, unexpected("CreateUser")
	}
	return f.CreateUserFunc(ctx, user)
}

// PatchUser implements client.Client.
func (f *Fake) PatchUser(ctx context.Context, userID string, patch *model.UserPatch) (*model.User, *model.Response, error) {
	f.record("PatchUser")
	if f.PatchUserFunc == nil {
		return nil, nil, unexpected("PatchUser")
	}
	return f.PatchUserFunc(ctx, userID, patch)
}

// UpdateUserAuth implements client.Client.
func (f *Fake) UpdateUserAuth(ctx context.Context, userID string, userAuth *model.UserAuth) (*model.UserAuth, *model.Response, error) {
	f.record("UpdateUserAuth")
	if f.UpdateUserAuthFunc == nil {
		return nil, nil, unexpected("UpdateUserAuth")
	}
	return f.UpdateUserAuthFunc(ctx, userID, userAuth)
}

// UpdateUserActive implements client.Client.
func (f *Fake) UpdateUserActive(ctx context.Context, userID string, active bool) (*model.Response, error) {
	f.record("UpdateUserActive")
	if f.UpdateUserActiveFunc == nil {
		return nil, unexpected("UpdateUserActive")
	}
	return f.UpdateUserActiveFunc(ctx, userID, active)
}

// UpdateUserRoles implements client.Client.
func (f *Fake) UpdateUserRoles(ctx context.Context, userID, roles string) (*model.Response, error) {
	f.record("UpdateUserRoles")
	if f.UpdateUserRolesFunc == nil {
		return nil, unexpected("UpdateUserRoles")
	}
	return f.UpdateUserRolesFunc(ctx, userID, roles)
}

// UpdateUserMfa implements client.Client.
func (f *Fake) UpdateUserMfa(ctx context.Context, userID, code string, activate bool) (*model.Response, error) {
	f.record("UpdateUserMfa")
	if f.UpdateUserMfaFunc == nil {
		return nil, unexpected("UpdateUserMfa")
	}
	return f.UpdateUserMfaFunc(ctx, userID, code, activate)
}

// UpdateUserPassword implements client.Client.
func (f *Fake) UpdateUserPassword(ctx context.Context, userID, currentPassword, newPassword string) (*model.Response, error) {
	f.record("UpdateUserPassword")
	if f.UpdateUserPasswordFunc == nil {
		return nil, unexpected("UpdateUserPassword")
	}
	return f.UpdateUserPasswordFunc(ctx, userID, currentPassword, newPassword)
}

// UpdateUserHashedPassword implements client.Client.
func (f *Fake) UpdateUserHashedPassword(ctx context.Context, userID, newHashedPassword string) (*model.Response, error) {
	f.record("UpdateUserHashedPassword")
	if f.UpdateUserHashedPasswordFunc == nil {
		return nil, unexpected("UpdateUserHashedPassword")
	}
	return f.UpdateUserHashedPasswordFunc(ctx, userID, newHashedPassword)
}

// SendPasswordResetEmail implements client.Client.
func (f *Fake) SendPasswordResetEmail(ctx context.Context, email string) (*model.Response, error) {
	f.record("SendPasswordResetEmail")
	if f.SendPasswordResetEmailFunc == nil {
		return nil, unexpected("SendPasswordResetEmail")
	}
	return f.SendPasswordResetEmailFunc(ctx, email)
}

// VerifyUserEmailWithoutToken implements client.Client.
func (f *Fake) VerifyUserEmailWithoutToken(ctx context.Context, userID string) (*model.User, *model.Response, error) {
	f.record("VerifyUserEmailWithoutToken")
	if f.VerifyUserEmailWithoutTokenFunc == nil {
		return nil, nil, unexpected("VerifyUserEmailWithoutToken")
	}
	return f.VerifyUserEmailWithoutTokenFunc(ctx, userID)
}

// PromoteGuestToUser implements client.Client.
func (f *Fake) PromoteGuestToUser(ctx context.Context, guestID string) (*model.Response, error) {
	f.record("PromoteGuestToUser")
	if f.PromoteGuestToUserFunc == nil {
		return nil, unexpected("PromoteGuestToUser")
	}
	return f.PromoteGuestToUserFunc(ctx, guestID)
}

// DemoteUserToGuest implements client.Client.
func (f *Fake) DemoteUserToGuest(ctx context.Context, guestID string) (*model.Response, error) {
	f.record("DemoteUserToGuest")
	if f.DemoteUserToGuestFunc == nil {
		return nil, unexpected("DemoteUserToGuest")
	}
	return f.DemoteUserToGuestFunc(ctx, guestID)
}

// DeleteUser implements client.Client.
func (f *Fake) DeleteUser(ctx context.Context, userID string) (*model.Response, error) {
	f.record("DeleteUser")
	if f.DeleteUserFunc == nil {
		return nil, unexpected("DeleteUser")
	}
	return f.DeleteUserFunc(ctx, userID)
}

// PermanentDeleteUser implements client.Client.
func (f *Fake) PermanentDeleteUser(ctx context.Context, userID string) (*model.Response, error) {
	f.record("PermanentDeleteUser")
	if f.PermanentDeleteUserFunc == nil {
		return nil, unexpected("PermanentDeleteUser")
	}
	return f.PermanentDeleteUserFunc(ctx, userID)
}

// PermanentDeleteAllUsers implements client.Client.
func (f *Fake) PermanentDeleteAllUsers(ctx context.Context) (*model.Response, error) {
	f.record("PermanentDeleteAllUsers")
	if f.PermanentDeleteAllUsersFunc == nil {
		return nil, unexpected("PermanentDeleteAllUsers")
	}
	return f.PermanentDeleteAllUsersFunc(ctx)
}

// ConvertUserToBot implements client.Client.
func (f *Fake) ConvertUserToBot(ctx context.Context, userID string) (*model.Bot, *model.Response, error) {
	f.record("ConvertUserToBot")
	if f.ConvertUserToBotFunc == nil {
		return nil, nil, unexpected("ConvertUserToBot")
	}
	return f.ConvertUserToBotFunc(ctx, userID)
}

// ConvertBotToUser implements client.Client.
func (f *Fake) ConvertBotToUser(ctx context.Context, userID string, userPatch *model.UserPatch, setSystemAdmin bool) (*model.User, *model.Response, error) {
	f.record("ConvertBotToUser")
	if f.ConvertBotToUserFunc == nil {
		return nil, nil, unexpected("ConvertBotToUser")
	}
	return f.ConvertBotToUserFunc(ctx, userID, userPatch, setSystemAdmin)
}

// MigrateAuthToLdap implements client.Client.
func (f *Fake) MigrateAuthToLdap(ctx context.Context, fromAuthService, matchField string, force bool) (*model.Response, error) {
	f.record("MigrateAuthToLdap")
	if f.MigrateAuthToLdapFunc == nil {
		return nil, unexpected("MigrateAuthToLdap")
	}
	return f.MigrateAuthToLdapFunc(ctx, fromAuthService, matchField, force)
}

// MigrateAuthToSaml implements client.Client.
func (f *Fake) MigrateAuthToSaml(ctx context.Context, fromAuthService string, usersMap map[string]string, auto bool) (*model.Response, error) {
	f.record("MigrateAuthToSaml")
	if f.MigrateAuthToSamlFunc == nil {
		return nil, unexpected("MigrateAuthToSaml")
	}
	return f.MigrateAuthToSamlFunc(ctx, fromAuthService, usersMap, auto)
}

// GetPreferences implements client.Client.
func (f *Fake) GetPreferences(ctx context.Context, userID string) (model.Preferences, *model.Response, error) {
	f.record("GetPreferences")
	if f.GetPreferencesFunc == nil {
		return nil, nil, unexpected("GetPreferences")
	}
	return f.GetPreferencesFunc(ctx, userID)
}

// GetPreferencesByCategory implements client.Client.
func (f *Fake) GetPreferencesByCategory(ctx context.Context, userID, category string) (model.Preferences, *model.Response, error) {
	f.record("GetPreferencesByCategory")
	if f.GetPreferencesByCategoryFunc == nil {
		return nil, nil, unexpected("GetPreferencesByCategory")
	}
	return f.GetPreferencesByCategoryFunc(ctx, userID, category)
}

// GetPreferenceByCategoryAndName implements client.Client.
func (f *Fake) GetPreferenceByCategoryAndName(ctx context.Context, userID, category, preferenceName string) (*model.Preference, *model.Response, error) {
	f.record("GetPreferenceByCategoryAndName")
	if f.GetPreferenceByCategoryAndNameFunc == nil {
		return nil, nil, unexpected("GetPreferenceByCategoryAndName")
	}
	return f.GetPreferenceByCategoryAndNameFunc(ctx, userID, category, preferenceName)
}

// UpdatePreferences implements client.Client.
func (f *Fake) UpdatePreferences(ctx context.Context, userID string, preferences model.Preferences) (*model.Response, error) {
	f.record("UpdatePreferences")
	if f.UpdatePreferencesFunc == nil {
		return nil, unexpected("UpdatePreferences")
	}
	return f.UpdatePreferencesFunc(ctx, userID, preferences)
}

// DeletePreferences implements client.Client.
func (f *Fake) DeletePreferences(ctx context.Context, userID string, preferences model.Preferences) (*model.Response, error) {
	f.record("DeletePreferences")
	if f.DeletePreferencesFunc == nil {
		return nil, unexpected("DeletePreferences")
	}
	return f.DeletePreferencesFunc(ctx, userID, preferences)
}

// CreateUserAccessToken implements client.Client.
func (f *Fake) CreateUserAccessToken(ctx context.Context, userID, description string) (*model.UserAccessToken, *model.Response, error) {
	f.record("CreateUserAccessToken")
	if f.CreateUserAccessTokenFunc == nil {
		return nil, nil, unexpected("CreateUserAccessToken")
	}
	return f.CreateUserAccessTokenFunc(ctx, userID, description)
}

// GetUserAccessTokensForUser implements client.Client.
func (f *Fake) GetUserAccessTokensForUser(ctx context.Context, userID string, page, perPage int) ([]*model.UserAccessToken, *model.Response, error) {
	f.record("GetUserAccessTokensForUser")
	if f.GetUserAccessTokensForUserFunc == nil {
		return nil, nil, unexpected("GetUserAccessTokensForUser")
	}
	return f.GetUserAccessTokensForUserFunc(ctx, userID, page, perPage)
}

// RevokeUserAccessToken implements client.Client.
func (f *Fake) RevokeUserAccessToken(ctx context.Context, tokenID string) (*model.Response, error) {
	f.record("RevokeUserAccessToken")
	if f.RevokeUserAccessTokenFunc == nil {
		return nil, unexpected("RevokeUserAccessToken")
	}
	return f.RevokeUserAccessTokenFunc(ctx, tokenID)
}

// GetUserAccessToken implements client.Client.
func (f *Fake) GetUserAccessToken(ctx context.Context, tokenID string) (*model.UserAccessToken, *model.Response, error) {
	f.record("GetUserAccessToken")
	if f.GetUserAccessTokenFunc == nil {
		return nil, nil, unexpected("GetUserAccessToken")
	}
	return f.GetUserAccessTokenFunc(ctx, tokenID)
}

// GetAllRoles implements client.Client.
func (f *Fake) GetAllRoles(ctx context.Context) ([]*model.Role, *model.Response, error) {
	f.record("GetAllRoles")
	if f.GetAllRolesFunc == nil {
		return nil, nil, unexpected("GetAllRoles")
	}
	return f.GetAllRolesFunc(ctx)
}

// GetTeam implements client.Client.
func (f *Fake) GetTeam(ctx context.Context, teamID, etag string) (*model.Team, *model.Response, error) {
	f.record("GetTeam")
	if f.GetTeamFunc == nil {
		return nil, nil, unexpected("GetTeam")
	}
	return f.GetTeamFunc(ctx, teamID, etag)
}

// GetTeamByName implements client.Client.
func (f *Fake) GetTeamByName(ctx context.Context, name, etag string) (*model.Team, *model.Response, error) {
	f.record("GetTeamByName")
	if f.GetTeamByNameFunc == nil {
		return nil, nil, unexpected("GetTeamByName")
	}
	return f.GetTeamByNameFunc(ctx, name, etag)
}

// InviteUsersToTeam implements client.Client.
func (f *Fake) InviteUsersToTeam(ctx context.Context, teamID string, userEmails []string) (*model.Response, error) {
	f.record("InviteUsersToTeam")
	if f.InviteUsersToTeamFunc == nil {
		return nil, unexpected("InviteUsersToTeam")
	}
	return f.InviteUsersToTeamFunc(ctx, teamID, userEmails)
}

// AutocompleteUsers implements client.Client.
func (f *Fake) AutocompleteUsers(ctx context.Context, username string, limit int, etag string) (*model.UserAutocomplete, *model.Response, error) {
	f.record("AutocompleteUsers")
	if f.AutocompleteUsersFunc == nil {
		return nil, nil, unexpected("AutocompleteUsers")
	}
	return f.AutocompleteUsersFunc(ctx, username, limit, etag)
}
