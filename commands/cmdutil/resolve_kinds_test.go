package cmdutil

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
)

func apiErr(status int) error {
	return &client.Error{Status: status, Message: http.StatusText(status)}
}

func resp(err error) *model.Response {
	if err != nil {
		return &model.Response{StatusCode: client.StatusOf(err)}
	}
	return &model.Response{StatusCode: http.StatusOK}
}

// teamDirectory answers the team and channel lookups from fixed data, as the server does.
type teamDirectory struct {
	teams    []*model.Team
	channels []*model.Channel
	failAll  error // every request fails with it
	requests atomic.Int32
}

func (d *teamDirectory) fake() *clienttest.Fake {
	f := &clienttest.Fake{}
	f.GetTeamFunc = func(_ context.Context, id, _ string) (*model.Team, *model.Response, error) {
		d.requests.Add(1)
		if d.failAll != nil {
			return nil, resp(d.failAll), d.failAll
		}
		for _, t := range d.teams {
			if t.Id == id {
				return t, resp(nil), nil
			}
		}
		return nil, resp(apiErr(404)), apiErr(404)
	}
	f.GetTeamByNameFunc = func(_ context.Context, name, _ string) (*model.Team, *model.Response, error) {
		d.requests.Add(1)
		if d.failAll != nil {
			return nil, resp(d.failAll), d.failAll
		}
		for _, t := range d.teams {
			if t.Name == name {
				return t, resp(nil), nil
			}
		}
		return nil, resp(apiErr(404)), apiErr(404)
	}
	f.GetAllTeamsFunc = func(_ context.Context, _ string, page, _ int) ([]*model.Team, *model.Response, error) {
		d.requests.Add(1)
		if d.failAll != nil {
			return nil, resp(d.failAll), d.failAll
		}
		if page > 0 {
			return nil, resp(nil), nil
		}
		return d.teams, resp(nil), nil
	}
	f.GetChannelFunc = func(_ context.Context, id string) (*model.Channel, *model.Response, error) {
		d.requests.Add(1)
		for _, ch := range d.channels {
			if ch.Id == id {
				return ch, resp(nil), nil
			}
		}
		return nil, resp(apiErr(404)), apiErr(404)
	}
	f.GetChannelByNameIncludeDeletedFunc = func(_ context.Context, name, teamID, _ string) (*model.Channel, *model.Response, error) {
		d.requests.Add(1)
		for _, ch := range d.channels {
			if ch.Name == name && ch.TeamId == teamID {
				return ch, resp(nil), nil
			}
		}
		return nil, resp(apiErr(404)), apiErr(404)
	}
	return f
}

func refErrs[T any](refs []Ref[T]) []string {
	out := make([]string, len(refs))
	for i, r := range refs {
		if r.Err != nil {
			out[i] = r.Err.Error()
		}
	}
	return out
}

func TestTeamsKind(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	old := &model.Team{Id: model.NewId(), Name: "old", DeleteAt: 1}
	d := &teamDirectory{teams: []*model.Team{devops, old}}
	args := []string{"devops", devops.Id, " DevOps ", "old", "ghost", "", model.NewId()}
	refs, err := Teams(TeamOptions{}).Resolve(context.Background(), d.fake(), args)
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != len(args) {
		t.Fatalf("%d refs for %d args", len(refs), len(args))
	}
	for i := range 3 {
		if refs[i].Err != nil || refs[i].Obj != devops || refs[i].Arg != args[i] {
			t.Errorf("ref %d = %+v, want devops", i, refs[i])
		}
	}
	var archived *ArchivedError
	if !errors.As(refs[3].Err, &archived) {
		t.Errorf("archived team: %v", refs[3].Err)
	}
	if ExitCode(refs[4].Err) != ExitNotFound || ExitCode(refs[6].Err) != ExitNotFound {
		t.Errorf("unknown teams: %v, %v", refs[4].Err, refs[6].Err)
	}
	if ExitCode(refs[5].Err) != ExitUsage {
		t.Errorf("empty argument: %v", refs[5].Err)
	}

	refs, _ = Teams(TeamOptions{IncludeArchived: true}).Resolve(context.Background(), d.fake(), []string{"old"})
	if refs[0].Obj != old {
		t.Errorf("archived team not included on request: %+v", refs[0])
	}
}

// A server failure is reported as itself, never as "not found".
func TestTeamsKindReportsServerErrors(t *testing.T) {
	for _, status := range []int{401, 403, 500, 503} {
		d := &teamDirectory{failAll: apiErr(status)}
		refs, _ := Teams(TeamOptions{}).Resolve(context.Background(), d.fake(), []string{"devops", model.NewId()})
		for _, r := range refs {
			if client.StatusOf(r.Err) != status {
				t.Errorf("HTTP %d reported as %v", status, r.Err)
			}
		}
	}
}

func TestChannelsKind(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	ops := &model.Team{Id: model.NewId(), Name: "ops"}
	alerts := &model.Channel{Id: model.NewId(), Name: "alerts", TeamId: devops.Id}
	opsAlerts := &model.Channel{Id: model.NewId(), Name: "alerts", TeamId: ops.Id}
	secret := &model.Channel{Id: model.NewId(), Name: "secret", TeamId: devops.Id, Type: model.ChannelTypePrivate}
	gone := &model.Channel{Id: model.NewId(), Name: "gone", TeamId: ops.Id, DeleteAt: 5}
	d := &teamDirectory{teams: []*model.Team{devops, ops}, channels: []*model.Channel{alerts, opsAlerts, secret, gone}}

	tests := []struct {
		name    string
		opts    ChannelOptions
		arg     string
		want    *model.Channel
		wantErr string
		exit    int
	}{
		{name: "ID", arg: alerts.Id, want: alerts},
		{name: "team:channel", arg: "devops:alerts", want: alerts},
		{name: "team ID:channel", arg: ops.Id + ":alerts", want: opsAlerts},
		{name: "team:channel ID", arg: "devops:" + secret.Id, want: secret},
		{name: "bare name with --team", opts: ChannelOptions{Team: "ops"}, arg: "alerts", want: opsAlerts},
		{name: "bare name unique across teams", arg: "secret", want: secret},
		{name: "private channel by name", arg: "devops:SECRET", want: secret},
		{name: "bare name in two teams", arg: "alerts", wantErr: `channel "alerts" is ambiguous: it matches devops:alerts, ops:alerts`, exit: ExitUsage},
		{name: "archived refused", arg: "ops:gone", wantErr: `channel "ops:gone" is archived`, exit: ExitError},
		{name: "archived on request", opts: ChannelOptions{IncludeArchived: true}, arg: "gone", want: gone},
		{name: "unknown in team", arg: "devops:nope", wantErr: `channel "devops:nope" not found`, exit: ExitNotFound},
		{name: "unknown anywhere", arg: "nope", wantErr: `channel "nope" not found`, exit: ExitNotFound},
		{name: "unknown team", arg: "ghost:alerts", wantErr: `team "ghost" not found`, exit: ExitNotFound},
		{name: "channel ID of another team", arg: "ops:" + secret.Id, exit: ExitNotFound},
		{name: "empty channel part", arg: "devops:", exit: ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, err := Channels(tt.opts).Resolve(context.Background(), d.fake(), []string{tt.arg})
			if err != nil {
				t.Fatal(err)
			}
			r := refs[0]
			if tt.want != nil {
				if r.Err != nil || r.Obj != tt.want {
					t.Fatalf("got %+v (%v), want channel %s", r.Obj, r.Err, tt.want.Id)
				}
				return
			}
			if r.Err == nil {
				t.Fatalf("resolved to %+v, want an error", r.Obj)
			}
			if tt.wantErr != "" && r.Err.Error() != tt.wantErr {
				t.Errorf("err = %q, want %q", r.Err, tt.wantErr)
			}
			if ExitCode(r.Err) != tt.exit {
				t.Errorf("exit = %d, want %d", ExitCode(r.Err), tt.exit)
			}
		})
	}
}

// Many arguments in one team look the team up once.
func TestChannelsKindSharesTeamLookups(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	var chans []*model.Channel
	var args []string
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		chans = append(chans, &model.Channel{Id: model.NewId(), Name: n, TeamId: devops.Id})
		args = append(args, "devops:"+n)
	}
	d := &teamDirectory{teams: []*model.Team{devops}, channels: chans}
	refs, _ := Channels(ChannelOptions{}).Resolve(context.Background(), d.fake(), args)
	for i, r := range refs {
		if r.Obj != chans[i] {
			t.Errorf("%s: %v", args[i], r.Err)
		}
	}
	if n := d.requests.Load(); n != int32(len(args))+1 {
		t.Errorf("%d requests for %d channels of one team, want %d", n, len(args), len(args)+1)
	}
}

func TestParseChannelArg(t *testing.T) {
	for arg, want := range map[string][2]string{
		"devops:alerts": {"devops", "alerts"}, " devops : alerts ": {"devops", "alerts"},
		"alerts": {"", "alerts"}, "a:b:c": {"a", "b:c"}, ":x": {"", "x"},
	} {
		team, ch := ParseChannelArg(arg)
		if team != want[0] || ch != want[1] {
			t.Errorf("ParseChannelArg(%q) = %q, %q; want %q, %q", arg, team, ch, want[0], want[1])
		}
	}
}

func TestBotsKind(t *testing.T) {
	bot := &model.User{Id: model.NewId(), Username: "mybot", IsBot: true}
	human := &model.User{Id: model.NewId(), Username: "alice"}
	s := &resolveServer{users: []*model.User{bot, human}}
	f := s.fake()
	f.GetBotIncludeDeletedFunc = func(_ context.Context, id, _ string) (*model.Bot, *model.Response, error) {
		if id == bot.Id {
			return &model.Bot{UserId: bot.Id, Username: bot.Username, OwnerId: human.Id}, resp(nil), nil
		}
		return nil, resp(apiErr(404)), apiErr(404)
	}
	refs, err := Bots().Resolve(context.Background(), f, []string{"mybot", "@mybot", "alice", "ghost"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if refs[i].Err != nil || refs[i].Obj.OwnerId != human.Id {
			t.Errorf("ref %d = %+v (%v)", i, refs[i].Obj, refs[i].Err)
		}
	}
	var notBot *NotBotError
	if !errors.As(refs[2].Err, &notBot) || !strings.Contains(refs[2].Err.Error(), "alice is a user, not a bot") {
		t.Errorf("human user: %v", refs[2].Err)
	}
	if got := refErrs(refs)[3]; got != `bot "ghost" not found` {
		t.Errorf("unknown bot: %q", got)
	}
}
