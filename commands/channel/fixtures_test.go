package channel

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
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// chTeam makes a team.
func chTeam(name string) *model.Team {
	return &model.Team{Id: model.NewId(), Name: name, DisplayName: strings.ToUpper(name[:1]) + name[1:], Type: model.TeamOpen}
}

// chChannel makes a public channel of team.
func chChannel(team *model.Team, name string, mods ...func(*model.Channel)) *model.Channel {
	ch := &model.Channel{Id: model.NewId(), TeamId: team.Id, Name: name, DisplayName: "Display " + name, Type: model.ChannelTypeOpen, CreateAt: 1}
	for _, m := range mods {
		m(ch)
	}
	return ch
}

func chPrivate(ch *model.Channel)  { ch.Type = model.ChannelTypePrivate }
func chArchived(ch *model.Channel) { ch.DeleteAt = 1234 }

func chAPIError(status int, id, msg string) error {
	return &client.Error{Status: status, ID: id, Message: msg}
}

func chResp(err error) *model.Response {
	if err != nil {
		return &model.Response{StatusCode: client.StatusOf(err)}
	}
	return &model.Response{StatusCode: http.StatusOK}
}

var chNotFound = chAPIError(404, "app.channel.get.existing.app_error", "Unable to find the existing channel.")

// chWorld answers the team and channel lookups that channel arguments need, from fixed data,
// as the server does; it hands out copies, so a command cannot change the data.
type chWorld struct {
	mu       sync.Mutex
	teams    []*model.Team
	channels []*model.Channel
}

func (w *chWorld) team(match func(*model.Team) bool) *model.Team {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, t := range w.teams {
		if match(t) {
			c := *t
			return &c
		}
	}
	return nil
}

func (w *chWorld) channel(match func(*model.Channel) bool) *model.Channel {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ch := range w.channels {
		if match(ch) {
			c := *ch
			return &c
		}
	}
	return nil
}

// serve installs the lookups on fake.
func (w *chWorld) serve(fake *clienttest.Fake) {
	teamNF := chAPIError(404, "app.team.get.find.app_error", "Team not found.")
	fake.GetTeamFunc = func(_ context.Context, id, _ string) (*model.Team, *model.Response, error) {
		if t := w.team(func(t *model.Team) bool { return t.Id == id }); t != nil {
			return t, chResp(nil), nil
		}
		return nil, chResp(teamNF), teamNF
	}
	fake.GetTeamByNameFunc = func(_ context.Context, name, _ string) (*model.Team, *model.Response, error) {
		if t := w.team(func(t *model.Team) bool { return t.Name == name }); t != nil {
			return t, chResp(nil), nil
		}
		return nil, chResp(teamNF), teamNF
	}
	fake.GetAllTeamsFunc = func(_ context.Context, _ string, page, _ int) ([]*model.Team, *model.Response, error) {
		if page > 0 {
			return nil, chResp(nil), nil
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		return slices.Clone(w.teams), chResp(nil), nil
	}
	fake.GetChannelFunc = func(_ context.Context, id string) (*model.Channel, *model.Response, error) {
		if ch := w.channel(func(ch *model.Channel) bool { return ch.Id == id }); ch != nil {
			return ch, chResp(nil), nil
		}
		return nil, chResp(chNotFound), chNotFound
	}
	fake.GetChannelByNameIncludeDeletedFunc = func(_ context.Context, name, teamID, _ string) (*model.Channel, *model.Response, error) {
		if ch := w.channel(func(ch *model.Channel) bool { return ch.Name == name && ch.TeamId == teamID }); ch != nil {
			return ch, chResp(nil), nil
		}
		return nil, chResp(chNotFound), chNotFound
	}
	// The search of every channel that bare names use: a prefix match on names, one page.
	fake.SearchAllChannelsPagedFunc = func(_ context.Context, s *model.ChannelSearch) (*model.ChannelsWithCount, *model.Response, error) {
		w.mu.Lock()
		defer w.mu.Unlock()
		var out model.ChannelListWithTeamData
		for _, ch := range w.channels {
			if !strings.HasPrefix(ch.Name, s.Term) || ch.IsGroupOrDirect() {
				continue
			}
			for _, t := range w.teams {
				if t.Id == ch.TeamId {
					out = append(out, &model.ChannelWithTeamData{Channel: *ch, TeamName: t.Name, TeamDisplayName: t.DisplayName})
				}
			}
		}
		return &model.ChannelsWithCount{Channels: out, TotalCount: int64(len(out))}, chResp(nil), nil
	}
}

// chRecorder records the channel IDs a mutation was called with and answers with errs by ID.
type chRecorder struct {
	mu   sync.Mutex
	ids  []string
	errs map[string]error
}

func (r *chRecorder) record(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, id)
	return r.errs[id]
}

func (r *chRecorder) sorted() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Sorted(slices.Values(r.ids))
}

func chIDs(chans ...*model.Channel) []string {
	ids := make([]string, len(chans))
	for i, ch := range chans {
		ids[i] = ch.Id
	}
	slices.Sort(ids)
	return ids
}

// chCount is how many lines of s are exactly line.
func chCount(s, line string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if l == line {
			n++
		}
	}
	return n
}

// chRow is a per-argument JSON row of a channel verb.
type chRow struct {
	Input          string         `json:"input"`
	OK             bool           `json:"ok"`
	DryRun         bool           `json:"dry_run"`
	DuplicateOf    int            `json:"duplicate_of"`
	Changed        *bool          `json:"changed"`
	RemovedMembers []string       `json:"removed_members"`
	Channel        *model.Channel `json:"channel"`
	Error          string         `json:"error"`
}

func chRows(t *testing.T, stdout string) []chRow {
	t.Helper()
	var rows []chRow
	if err := json.Unmarshal([]byte(stdout), &rows); err != nil {
		t.Fatalf("stdout is not one JSON array of rows: %v\n%s", err, stdout)
	}
	return rows
}

// chExpect checks the exit code and that each wanted line is on stderr exactly once.
func chExpect(t *testing.T, e *cmdtest.Env, err error, exit int, stderr ...string) {
	t.Helper()
	if got := cmdutil.ExitCode(err); got != exit {
		t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, exit, e.ErrOut)
	}
	for _, line := range stderr {
		if n := chCount(e.ErrOut.String(), line); n != 1 {
			t.Errorf("stderr has %q %d times, want once\nstderr:\n%s", line, n, e.ErrOut)
		}
	}
}
