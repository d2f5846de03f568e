package ops

import (
	"context"
	"errors"
	"net/http"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// AddTeamMembers adds users to a team in one batch request (at most 256 users, the server's
// limit) and reports on each: nil for a user added (or already a member), the server's refusal
// otherwise. The error return is for the request as a whole. It uses the graceful form of the
// batch: without it the server stops at the first user it refuses, having added those before,
// and says nothing of the others. Adding a member again changes nothing, so the request may be
// repeated after a transient failure.
func AddTeamMembers(ctx context.Context, c client.Client, teamID string, userIDs []string) (map[string]error, error) {
	results, _, err := c.AddTeamMembersGracefully(client.WithIdempotent(ctx), teamID, userIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]error, len(results))
	for _, r := range results {
		if r == nil {
			continue
		}
		out[r.UserId] = nil
		if r.Error != nil {
			out[r.UserId] = appError(r.Error)
		}
	}
	return out, nil
}

// appError is the error a failed request would have been for an error the server reports
// inside a successful answer.
func appError(e *model.AppError) error {
	if apiErr := client.AsError(e); apiErr != nil {
		return apiErr
	}
	if e.Message != "" {
		return errors.New(e.Message)
	}
	return &client.Error{Status: http.StatusInternalServerError, ID: e.Id}
}
