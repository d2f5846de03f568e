package team

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
)

// The tv* helpers (team verb) are shared by the tests of the team verbs.

// tvTeam builds a public team with a fresh ID and the display name "Team <name>".
func tvTeam(name string, mods ...func(*model.Team)) *model.Team {
	t := &model.Team{
		Id: model.NewId(), Name: name, DisplayName: "Team " + name, Type: model.TeamOpen, AllowOpenInvite: true,
		CreateAt: 1700000000000, UpdateAt: 1700000000000,
	}
	for _, m := range mods {
		m(t)
	}
	return t
}

func tvPrivate(t *model.Team)  { t.Type, t.AllowOpenInvite = model.TeamInvite, false }
func tvArchived(t *model.Team) { t.DeleteAt = 1700000001000 }

func tvAPIError(status int, id, msg string) error {
	return &client.Error{Status: status, ID: id, Message: msg}
}

func tvOK() *model.Response { return &model.Response{StatusCode: http.StatusOK} }

func tvNotFound() (*model.Response, error) {
	return &model.Response{StatusCode: http.StatusNotFound},
		tvAPIError(http.StatusNotFound, "app.team.get_by_name.missing.app_error", "Unable to find the existing team.")
}

// tvServer is a fake server holding teams: it answers the team calls of the client and keeps the
// state they change, so that a test can check what a verb did.
type tvServer struct {
	mu    sync.Mutex
	teams []*model.Team
	// deleteErr, when set, is the answer to every permanent deletion.
	deleteErr error
	// creator is the email the server gives created teams (as over a session), "" to keep
	// the one asked (as over the local-mode socket).
	creator string
}

// tvServe installs a fake server holding copies of teams on fake.
func tvServe(fake *clienttest.Fake, teams ...*model.Team) *tvServer {
	s := &tvServer{creator: "admin@example.com"}
	for _, t := range teams {
		c := *t
		s.teams = append(s.teams, &c)
	}
	fake.GetTeamFunc = func(_ context.Context, id, _ string) (*model.Team, *model.Response, error) {
		if t := s.find(func(t *model.Team) bool { return t.Id == id }); t != nil {
			return t, tvOK(), nil
		}
		resp, err := tvNotFound()
		return nil, resp, err
	}
	fake.GetTeamByNameFunc = func(_ context.Context, name, _ string) (*model.Team, *model.Response, error) {
		if t := s.find(func(t *model.Team) bool { return t.Name == name }); t != nil {
			return t, tvOK(), nil
		}
		resp, err := tvNotFound()
		return nil, resp, err
	}
	fake.GetAllTeamsFunc = func(_ context.Context, _ string, page, perPage int) ([]*model.Team, *model.Response, error) {
		all := s.sorted()
		start := min(page*perPage, len(all))
		return all[start:min(start+perPage, len(all))], tvOK(), nil
	}
	fake.SearchTeamsFunc = func(_ context.Context, search *model.TeamSearch) ([]*model.Team, *model.Response, error) {
		term := strings.ToLower(search.Term)
		var out []*model.Team
		for _, t := range s.sorted() {
			if strings.Contains(t.Name, term) || strings.Contains(strings.ToLower(t.DisplayName), term) {
				out = append(out, t)
			}
		}
		return out, tvOK(), nil
	}
	fake.CreateTeamFunc = func(_ context.Context, team *model.Team) (*model.Team, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, t := range s.teams {
			if t.Name == team.Name {
				return nil, &model.Response{StatusCode: 400}, tvAPIError(400, "app.team.save.existing.app_error",
					"Must call update for existing team., invalid input: entity: Team field: id value: "+team.Id)
			}
		}
		c := *team
		c.Id, c.CreateAt, c.UpdateAt, c.InviteId = model.NewId(), 1700000002000, 1700000002000, model.NewId()
		if s.creator != "" {
			c.Email = s.creator
		}
		s.teams = append(s.teams, &c)
		out := c
		return &out, &model.Response{StatusCode: http.StatusCreated}, nil
	}
	fake.PatchTeamFunc = func(_ context.Context, id string, patch *model.TeamPatch) (*model.Team, *model.Response, error) {
		return s.update(id, func(t *model.Team) { t.Patch(patch) })
	}
	fake.UpdateTeamPrivacyFunc = func(_ context.Context, id, privacy string) (*model.Team, *model.Response, error) {
		return s.update(id, func(t *model.Team) { t.Type, t.AllowOpenInvite = privacy, privacy == model.TeamOpen })
	}
	fake.SoftDeleteTeamFunc = func(_ context.Context, id string) (*model.Response, error) {
		_, resp, err := s.update(id, func(t *model.Team) { t.DeleteAt = 1700000003000 })
		return resp, err
	}
	fake.RestoreTeamFunc = func(_ context.Context, id string) (*model.Team, *model.Response, error) {
		return s.update(id, func(t *model.Team) { t.DeleteAt = 0 })
	}
	fake.PermanentDeleteTeamFunc = func(_ context.Context, id string) (*model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.deleteErr != nil {
			return &model.Response{StatusCode: client.StatusOf(s.deleteErr)}, s.deleteErr
		}
		for i, t := range s.teams {
			if t.Id == id {
				s.teams = slices.Delete(s.teams, i, i+1)
				return tvOK(), nil
			}
		}
		return tvNotFound()
	}
	return s
}

// find returns a copy of the first team that matches, or nil.
func (s *tvServer) find(match func(*model.Team) bool) *model.Team {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.teams {
		if match(t) {
			c := *t
			return &c
		}
	}
	return nil
}

// byName is the server's copy of a team, or nil.
func (s *tvServer) byName(name string) *model.Team {
	return s.find(func(t *model.Team) bool { return t.Name == name })
}

// sorted is copies of every team in display name order, as GET /teams serves them.
func (s *tvServer) sorted() []*model.Team {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*model.Team, len(s.teams))
	for i, t := range s.teams {
		c := *t
		out[i] = &c
	}
	slices.SortStableFunc(out, func(a, b *model.Team) int { return strings.Compare(a.DisplayName, b.DisplayName) })
	return out
}

func (s *tvServer) update(id string, change func(*model.Team)) (*model.Team, *model.Response, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.teams {
		if t.Id == id {
			change(t)
			t.UpdateAt++
			c := *t
			return &c, tvOK(), nil
		}
	}
	resp, err := tvNotFound()
	return nil, resp, err
}

// tvRow is the JSON row of one argument of a multi-argument team verb.
type tvRow struct {
	Input       string      `json:"input"`
	OK          bool        `json:"ok"`
	DryRun      bool        `json:"dry_run"`
	DuplicateOf int         `json:"duplicate_of"`
	Changed     *bool       `json:"changed"`
	Team        *model.Team `json:"team"`
	Error       string      `json:"error"`
}

// tvRows parses the JSON array of per-argument rows on stdout.
func tvRows(t *testing.T, stdout string) []tvRow {
	t.Helper()
	var rows []tvRow
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("stdout is not one JSON array of rows: %v\n%s", err, stdout)
	}
	return rows
}

// tvCount is how many lines of s equal line.
func tvCount(s, line string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if l == line {
			n++
		}
	}
	return n
}

// tvLines is the non-empty lines of s.
func tvLines(s string) []string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}
