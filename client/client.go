// Package client is matterctl's thin wrapper over the Mattermost REST API v4: the Client
// interface (satisfied by *model.Client4), the HTTP transport (User-Agent, TLS, retries), the
// Error type every non-2xx response becomes, and the page iterator used by every list.
package client

import (
	"context"

	"github.com/mattermost/mattermost/server/public/model"
)

// Client is the subset of *model.Client4 that matterctl uses. Every method takes the context
// first, so Ctrl-C and --timeout cancel in-flight requests. Fakes implement it in unit tests.
type Client interface {
	// System
	GetPingWithOptions(ctx context.Context, options model.SystemPingOptions) (map[string]any, *model.Response, error)

	// Authentication
	Login(ctx context.Context, loginID, password string) (*model.User, *model.Response, error)
	LoginWithMFA(ctx context.Context, loginID, password, mfaToken string) (*model.User, *model.Response, error)
	Logout(ctx context.Context) (*model.Response, error)
	GetMe(ctx context.Context, etag string) (*model.User, *model.Response, error)

	// Users
	GetUser(ctx context.Context, userID, etag string) (*model.User, *model.Response, error)
	GetUserByUsername(ctx context.Context, username, etag string) (*model.User, *model.Response, error)
	GetUserByEmail(ctx context.Context, email, etag string) (*model.User, *model.Response, error)
	GetUsersByIds(ctx context.Context, userIDs []string) ([]*model.User, *model.Response, error)
	GetUsersByUsernames(ctx context.Context, usernames []string) ([]*model.User, *model.Response, error)
	GetUsersWithCustomQueryParameters(ctx context.Context, page, perPage int, queryParameters, etag string) ([]*model.User, *model.Response, error)
	SearchUsers(ctx context.Context, search *model.UserSearch) ([]*model.User, *model.Response, error)
	AutocompleteUsers(ctx context.Context, username string, limit int, etag string) (*model.UserAutocomplete, *model.Response, error)
	CreateUser(ctx context.Context, user *model.User) (*model.User, *model.Response, error)
	PatchUser(ctx context.Context, userID string, patch *model.UserPatch) (*model.User, *model.Response, error)
	UpdateUserAuth(ctx context.Context, userID string, userAuth *model.UserAuth) (*model.UserAuth, *model.Response, error)
	UpdateUserActive(ctx context.Context, userID string, active bool) (*model.Response, error)
	UpdateUserRoles(ctx context.Context, userID, roles string) (*model.Response, error)
	UpdateUserMfa(ctx context.Context, userID, code string, activate bool) (*model.Response, error)
	UpdateUserPassword(ctx context.Context, userID, currentPassword, newPassword string) (*model.Response, error)
	UpdateUserHashedPassword(ctx context.Context, userID, newHashedPassword string) (*model.Response, error)
	SendPasswordResetEmail(ctx context.Context, email string) (*model.Response, error)
	VerifyUserEmailWithoutToken(ctx context.Context, userID string) (*model.User, *model.Response, error)
	PromoteGuestToUser(ctx context.Context, guestID string) (*model.Response, error)
	DemoteUserToGuest(ctx context.Context, guestID string) (*model.Response, error)
	DeleteUser(ctx context.Context, userID string) (*model.Response, error)
	PermanentDeleteUser(ctx context.Context, userID string) (*model.Response, error)
	PermanentDeleteAllUsers(ctx context.Context) (*model.Response, error)
	ConvertUserToBot(ctx context.Context, userID string) (*model.Bot, *model.Response, error)
	ConvertBotToUser(ctx context.Context, userID string, userPatch *model.UserPatch, setSystemAdmin bool) (*model.User, *model.Response, error)
	MigrateAuthToLdap(ctx context.Context, fromAuthService, matchField string, force bool) (*model.Response, error)
	MigrateAuthToSaml(ctx context.Context, fromAuthService string, usersMap map[string]string, auto bool) (*model.Response, error)

	// Preferences
	GetPreferences(ctx context.Context, userID string) (model.Preferences, *model.Response, error)
	GetPreferencesByCategory(ctx context.Context, userID, category string) (model.Preferences, *model.Response, error)
	GetPreferenceByCategoryAndName(ctx context.Context, userID, category, preferenceName string) (*model.Preference, *model.Response, error)
	UpdatePreferences(ctx context.Context, userID string, preferences model.Preferences) (*model.Response, error)
	DeletePreferences(ctx context.Context, userID string, preferences model.Preferences) (*model.Response, error)

	// Personal access tokens
	CreateUserAccessToken(ctx context.Context, userID, description string) (*model.UserAccessToken, *model.Response, error)
	GetUserAccessTokensForUser(ctx context.Context, userID string, page, perPage int) ([]*model.UserAccessToken, *model.Response, error)
	RevokeUserAccessToken(ctx context.Context, tokenID string) (*model.Response, error)
	GetUserAccessToken(ctx context.Context, tokenID string) (*model.UserAccessToken, *model.Response, error)

	// Roles
	GetAllRoles(ctx context.Context) ([]*model.Role, *model.Response, error)

	// Bots
	GetBotIncludeDeleted(ctx context.Context, botUserID, etag string) (*model.Bot, *model.Response, error)
	GetBots(ctx context.Context, page, perPage int, etag string) ([]*model.Bot, *model.Response, error)
	GetBotsIncludeDeleted(ctx context.Context, page, perPage int, etag string) ([]*model.Bot, *model.Response, error)
	GetBotsOrphaned(ctx context.Context, page, perPage int, etag string) ([]*model.Bot, *model.Response, error)
	CreateBot(ctx context.Context, bot *model.Bot) (*model.Bot, *model.Response, error)
	PatchBot(ctx context.Context, botUserID string, patch *model.BotPatch) (*model.Bot, *model.Response, error)
	EnableBot(ctx context.Context, botUserID string) (*model.Bot, *model.Response, error)
	DisableBot(ctx context.Context, botUserID string) (*model.Bot, *model.Response, error)
	AssignBot(ctx context.Context, botUserID, newOwnerID string) (*model.Bot, *model.Response, error)

	// Teams
	GetAllTeams(ctx context.Context, etag string, page, perPage int) ([]*model.Team, *model.Response, error)
	GetTeam(ctx context.Context, teamID, etag string) (*model.Team, *model.Response, error)
	GetTeamByName(ctx context.Context, name, etag string) (*model.Team, *model.Response, error)
	GetTeamsForUser(ctx context.Context, userID, etag string) ([]*model.Team, *model.Response, error)
	SearchTeams(ctx context.Context, search *model.TeamSearch) ([]*model.Team, *model.Response, error)
	CreateTeam(ctx context.Context, team *model.Team) (*model.Team, *model.Response, error)
	UpdateTeam(ctx context.Context, team *model.Team) (*model.Team, *model.Response, error)
	PatchTeam(ctx context.Context, teamID string, patch *model.TeamPatch) (*model.Team, *model.Response, error)
	UpdateTeamPrivacy(ctx context.Context, teamID string, privacy string) (*model.Team, *model.Response, error)
	SoftDeleteTeam(ctx context.Context, teamID string) (*model.Response, error)
	PermanentDeleteTeam(ctx context.Context, teamID string) (*model.Response, error)
	RestoreTeam(ctx context.Context, teamID string) (*model.Team, *model.Response, error)
	InviteUsersToTeam(ctx context.Context, teamID string, userEmails []string) (*model.Response, error)

	// Team members
	GetTeamMember(ctx context.Context, teamID, userID, etag string) (*model.TeamMember, *model.Response, error)
	GetTeamMembers(ctx context.Context, teamID string, page, perPage int, etag string) ([]*model.TeamMember, *model.Response, error)
	GetTeamMembersByIds(ctx context.Context, teamID string, userIDs []string) ([]*model.TeamMember, *model.Response, error)
	AddTeamMember(ctx context.Context, teamID, userID string) (*model.TeamMember, *model.Response, error)
	AddTeamMembers(ctx context.Context, teamID string, userIDs []string) ([]*model.TeamMember, *model.Response, error)
	AddTeamMembersGracefully(ctx context.Context, teamID string, userIDs []string) ([]*model.TeamMemberWithError, *model.Response, error)
	RemoveTeamMember(ctx context.Context, teamID, userID string) (*model.Response, error)
	GetUsersInTeam(ctx context.Context, teamID string, page, perPage int, etag string) ([]*model.User, *model.Response, error)

	// Channels
	GetChannel(ctx context.Context, channelID string) (*model.Channel, *model.Response, error)
	GetChannelByNameIncludeDeleted(ctx context.Context, channelName, teamID, etag string) (*model.Channel, *model.Response, error)
	GetAllChannelsIncludeDeleted(ctx context.Context, page, perPage int, etag string) (model.ChannelListWithTeamData, *model.Response, error)
	GetPublicChannelsForTeam(ctx context.Context, teamID string, page, perPage int, etag string) ([]*model.Channel, *model.Response, error)
	GetPrivateChannelsForTeam(ctx context.Context, teamID string, page, perPage int, etag string) ([]*model.Channel, *model.Response, error)
	GetDeletedChannelsForTeam(ctx context.Context, teamID string, page, perPage int, etag string) ([]*model.Channel, *model.Response, error)
	GetChannelsForTeamForUser(ctx context.Context, teamID, userID string, includeDeleted bool, etag string) ([]*model.Channel, *model.Response, error)
	SearchChannels(ctx context.Context, teamID string, search *model.ChannelSearch) ([]*model.Channel, *model.Response, error)
	SearchAllChannels(ctx context.Context, search *model.ChannelSearch) (model.ChannelListWithTeamData, *model.Response, error)
	SearchAllChannelsPaged(ctx context.Context, search *model.ChannelSearch) (*model.ChannelsWithCount, *model.Response, error)
	CreateChannel(ctx context.Context, channel *model.Channel) (*model.Channel, *model.Response, error)
	PatchChannel(ctx context.Context, channelID string, patch *model.ChannelPatch) (*model.Channel, *model.Response, error)
	UpdateChannelPrivacy(ctx context.Context, channelID string, privacy model.ChannelType) (*model.Channel, *model.Response, error)
	DeleteChannel(ctx context.Context, channelID string) (*model.Response, error)
	PermanentDeleteChannel(ctx context.Context, channelID string) (*model.Response, error)
	RestoreChannel(ctx context.Context, channelID string) (*model.Channel, *model.Response, error)
	MoveChannel(ctx context.Context, channelID, teamID string, force bool) (*model.Channel, *model.Response, error)

	// Channel members
	GetChannelMember(ctx context.Context, channelID, userID, etag string) (*model.ChannelMember, *model.Response, error)
	GetChannelMembers(ctx context.Context, channelID string, page, perPage int, etag string) (model.ChannelMembers, *model.Response, error)
	GetChannelMembersByIds(ctx context.Context, channelID string, userIDs []string) (model.ChannelMembers, *model.Response, error)
	AddChannelMember(ctx context.Context, channelID, userID string) (*model.ChannelMember, *model.Response, error)
	RemoveUserFromChannel(ctx context.Context, channelID, userID string) (*model.Response, error)
	GetUsersInChannel(ctx context.Context, channelID string, page, perPage int, etag string) ([]*model.User, *model.Response, error)

	// Incoming webhooks
	CreateIncomingWebhook(ctx context.Context, hook *model.IncomingWebhook) (*model.IncomingWebhook, *model.Response, error)
	UpdateIncomingWebhook(ctx context.Context, hook *model.IncomingWebhook) (*model.IncomingWebhook, *model.Response, error)
	GetIncomingWebhooks(ctx context.Context, page int, perPage int, etag string) ([]*model.IncomingWebhook, *model.Response, error)
	GetIncomingWebhooksForTeam(ctx context.Context, teamID string, page int, perPage int, etag string) ([]*model.IncomingWebhook, *model.Response, error)
	GetIncomingWebhook(ctx context.Context, hookID string, etag string) (*model.IncomingWebhook, *model.Response, error)
	DeleteIncomingWebhook(ctx context.Context, hookID string) (*model.Response, error)

	// Outgoing webhooks
	CreateOutgoingWebhook(ctx context.Context, hook *model.OutgoingWebhook) (*model.OutgoingWebhook, *model.Response, error)
	UpdateOutgoingWebhook(ctx context.Context, hook *model.OutgoingWebhook) (*model.OutgoingWebhook, *model.Response, error)
	GetOutgoingWebhooks(ctx context.Context, page int, perPage int, etag string) ([]*model.OutgoingWebhook, *model.Response, error)
	GetOutgoingWebhook(ctx context.Context, hookID string) (*model.OutgoingWebhook, *model.Response, error)
	GetOutgoingWebhooksForChannel(ctx context.Context, channelID string, page int, perPage int, etag string) ([]*model.OutgoingWebhook, *model.Response, error)
	GetOutgoingWebhooksForTeam(ctx context.Context, teamID string, page int, perPage int, etag string) ([]*model.OutgoingWebhook, *model.Response, error)
	DeleteOutgoingWebhook(ctx context.Context, hookID string) (*model.Response, error)

	// Plugins (uploads stream through Factory.HTTPClient instead: Client4 buffers the bundle)
	InstallPluginFromURL(ctx context.Context, downloadURL string, force bool) (*model.Manifest, *model.Response, error)
	InstallMarketplacePlugin(ctx context.Context, request *model.InstallMarketplacePluginRequest) (*model.Manifest, *model.Response, error)
	GetPlugins(ctx context.Context) (*model.PluginsResponse, *model.Response, error)
	GetPluginStatuses(ctx context.Context) (model.PluginStatuses, *model.Response, error)
	RemovePlugin(ctx context.Context, id string) (*model.Response, error)
	EnablePlugin(ctx context.Context, id string) (*model.Response, error)
	DisablePlugin(ctx context.Context, id string) (*model.Response, error)
	GetMarketplacePlugins(ctx context.Context, filter *model.MarketplacePluginFilter) ([]*model.MarketplacePlugin, *model.Response, error)

	// Configuration (read-only: to name the settings behind a refusal)
	GetConfig(ctx context.Context) (*model.Config, *model.Response, error)
	GetClientConfig(ctx context.Context, etag string) (map[string]string, *model.Response, error)
}

// Compile-time proof that the real client satisfies the interface.
var _ Client = (*model.Client4)(nil)
