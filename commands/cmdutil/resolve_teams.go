package cmdutil

import (
	"context"
	"fmt"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// ArchivedError is an argument that names an archived team or channel where only active ones
// are accepted.
type ArchivedError struct {
	Kind string
	Name string
}

func (e *ArchivedError) Error() string { return fmt.Sprintf("%s %q is archived", e.Kind, e.Name) }

// TeamOptions say which teams a team argument may name.
type TeamOptions struct {
	// IncludeArchived accepts archived teams; otherwise they are an *ArchivedError.
	IncludeArchived bool
}

// Teams is the kind of team arguments: a team ID or a team name (the URL name).
func Teams(opts TeamOptions) Kind[*model.Team] {
	return Kind[*model.Team]{
		Name: "team",
		Resolve: func(ctx context.Context, c client.Client, args []string) ([]Ref[*model.Team], error) {
			return ResolveEach(ctx, args, func(ctx context.Context, arg string) (*model.Team, error) {
				return lookupTeam(ctx, c, arg, opts)
			})
		},
		ID:    func(t *model.Team) string { return t.Id },
		Label: func(t *model.Team) string { return t.Name },
	}
}

// ResolveTeam finds one team, archived ones included, by ID or name. A 404 on the ID lookup
// falls through to the name; any other failure is returned as is.
func ResolveTeam(ctx context.Context, c client.Client, arg string) (*model.Team, error) {
	if strings.TrimSpace(arg) == "" {
		return nil, FlagErrorf("empty team argument")
	}
	return lookupTeam(ctx, c, strings.TrimSpace(arg), TeamOptions{IncludeArchived: true})
}

func lookupTeam(ctx context.Context, c client.Client, arg string, opts TeamOptions) (*model.Team, error) {
	ctx = client.WithIdempotent(ctx)
	var team *model.Team
	if model.IsValidId(arg) {
		t, _, err := c.GetTeam(ctx, arg, "")
		switch {
		case err == nil:
			team = t
		case !client.IsNotFound(err):
			return nil, err
		}
	}
	if team == nil && !model.IsValidTeamName(strings.ToLower(arg)) {
		// No team can have that name: the server would answer 400 for the malformed request.
		return nil, &NotFoundError{Kind: "team", Name: arg}
	}
	if team == nil {
		t, _, err := c.GetTeamByName(ctx, strings.ToLower(arg), "")
		switch {
		case client.IsNotFound(err), err == nil && t == nil:
			return nil, &NotFoundError{Kind: "team", Name: arg}
		case err != nil:
			return nil, err
		}
		team = t
	}
	if team.DeleteAt != 0 && !opts.IncludeArchived {
		return nil, &ArchivedError{Kind: "team", Name: arg}
	}
	return team, nil
}
