package client

import (
	"context"
	"errors"

	"github.com/mattermost/mattermost/server/public/model"
)

// ErrNotMattermost is a ping answered 2xx with a body that is not Mattermost's.
var ErrNotMattermost = errors.New("GET /api/v4/system/ping did not answer with Mattermost's JSON")

// Ping checks that c talks to a Mattermost server. It uses GetPingWithOptions because
// (*model.Client4).GetPing panics when a 2xx answer carries no string "status".
func Ping(ctx context.Context, c Client) (*model.Response, error) {
	body, resp, err := c.GetPingWithOptions(ctx, model.SystemPingOptions{})
	if err != nil {
		return resp, err
	}
	if status, ok := body["status"].(string); !ok || status == "" {
		return resp, ErrNotMattermost
	}
	return resp, nil
}
