package cmdtest

import "github.com/mattermost/mattermost/server/public/model"

// Row is a per-argument JSON row of a multi-argument verb on users or tokens, as tests decode
// it: {"input", "ok", "dry_run", "duplicate_of", "user" | "token", "error"}.
type Row struct {
	Input       string                 `json:"input"`
	OK          bool                   `json:"ok"`
	DryRun      bool                   `json:"dry_run,omitempty"`
	DuplicateOf int                    `json:"duplicate_of,omitempty"`
	User        *model.User            `json:"user,omitempty"`
	Token       *model.UserAccessToken `json:"token,omitempty"`
	Error       string                 `json:"error,omitempty"`
}
