package cmdutil

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
)

// hookDirectory answers the webhook calls from fixed hooks, as the server does.
type hookDirectory struct {
	in            []*model.IncomingWebhook
	out           []*model.OutgoingWebhook
	inErr, outErr error // every call on that kind fails with it
	// serverErr fails the listings of the whole server; teamErr those of some teams.
	serverErr error
	teamErr   map[string]error
	channels  []*model.Channel
	teams     []*model.Team
}

func hookPage[T any](all []T, page, perPage int) []T {
	start := min(page*perPage, len(all))
	return all[start:min(start+perPage, len(all))]
}

func (d *hookDirectory) fake() *clienttest.Fake {
	f := &clienttest.Fake{}
	f.GetIncomingWebhookFunc = func(_ context.Context, id, _ string) (*model.IncomingWebhook, *model.Response, error) {
		if d.inErr != nil {
			return nil, resp(d.inErr), d.inErr
		}
		for _, h := range d.in {
			if h.Id == id {
				return h, resp(nil), nil
			}
		}
		return nil, resp(apiErr(404)), apiErr(404)
	}
	f.GetOutgoingWebhookFunc = func(_ context.Context, id string) (*model.OutgoingWebhook, *model.Response, error) {
		if d.outErr != nil {
			return nil, resp(d.outErr), d.outErr
		}
		for _, h := range d.out {
			if h.Id == id {
				return h, resp(nil), nil
			}
		}
		return nil, resp(apiErr(404)), apiErr(404)
	}
	listIn := func(keep func(*model.IncomingWebhook) bool, page, perPage int) ([]*model.IncomingWebhook, *model.Response, error) {
		if d.inErr != nil {
			return nil, resp(d.inErr), d.inErr
		}
		var all []*model.IncomingWebhook
		for _, h := range d.in {
			if keep(h) {
				all = append(all, h)
			}
		}
		return hookPage(all, page, perPage), resp(nil), nil
	}
	listOut := func(keep func(*model.OutgoingWebhook) bool, page, perPage int) ([]*model.OutgoingWebhook, *model.Response, error) {
		if d.outErr != nil {
			return nil, resp(d.outErr), d.outErr
		}
		var all []*model.OutgoingWebhook
		for _, h := range d.out {
			if keep(h) {
				all = append(all, h)
			}
		}
		return hookPage(all, page, perPage), resp(nil), nil
	}
	f.GetIncomingWebhooksFunc = func(_ context.Context, page, perPage int, _ string) ([]*model.IncomingWebhook, *model.Response, error) {
		if d.serverErr != nil {
			return nil, resp(d.serverErr), d.serverErr
		}
		return listIn(func(*model.IncomingWebhook) bool { return true }, page, perPage)
	}
	f.GetIncomingWebhooksForTeamFunc = func(_ context.Context, team string, page, perPage int, _ string) ([]*model.IncomingWebhook, *model.Response, error) {
		if err := d.teamErr[team]; err != nil {
			return nil, resp(err), err
		}
		return listIn(func(h *model.IncomingWebhook) bool { return h.TeamId == team }, page, perPage)
	}
	f.GetOutgoingWebhooksFunc = func(_ context.Context, page, perPage int, _ string) ([]*model.OutgoingWebhook, *model.Response, error) {
		if d.serverErr != nil {
			return nil, resp(d.serverErr), d.serverErr
		}
		return listOut(func(*model.OutgoingWebhook) bool { return true }, page, perPage)
	}
	f.GetOutgoingWebhooksForTeamFunc = func(_ context.Context, team string, page, perPage int, _ string) ([]*model.OutgoingWebhook, *model.Response, error) {
		if err := d.teamErr[team]; err != nil {
			return nil, resp(err), err
		}
		return listOut(func(h *model.OutgoingWebhook) bool { return h.TeamId == team }, page, perPage)
	}
	f.GetOutgoingWebhooksForChannelFunc = func(_ context.Context, ch string, page, perPage int, _ string) ([]*model.OutgoingWebhook, *model.Response, error) {
		return listOut(func(h *model.OutgoingWebhook) bool { return h.ChannelId == ch }, page, perPage)
	}
	f.GetChannelFunc = func(_ context.Context, id string) (*model.Channel, *model.Response, error) {
		for _, ch := range d.channels {
			if ch.Id == id {
				return ch, resp(nil), nil
			}
		}
		return nil, resp(apiErr(404)), apiErr(404)
	}
	f.GetTeamsForUserFunc = func(_ context.Context, user, _ string) ([]*model.Team, *model.Response, error) {
		if user != "me" {
			return nil, resp(apiErr(400)), apiErr(400)
		}
		return d.teams, resp(nil), nil
	}
	f.GetTeamFunc = func(_ context.Context, id, _ string) (*model.Team, *model.Response, error) {
		for _, t := range d.teams {
			if t.Id == id {
				return t, resp(nil), nil
			}
		}
		return nil, resp(apiErr(404)), apiErr(404)
	}
	return f
}

type hookFixture struct {
	d               *hookDirectory
	red, blue       *model.Team
	redGen, blueGen *model.Channel
	deploy, deploy2 *model.IncomingWebhook
	lower           *model.IncomingWebhook
	build, teamWide *model.OutgoingWebhook
}

func newHookFixture() *hookFixture {
	x := &hookFixture{
		red:  &model.Team{Id: model.NewId(), Name: "red"},
		blue: &model.Team{Id: model.NewId(), Name: "blue"},
	}
	x.redGen = &model.Channel{Id: model.NewId(), TeamId: x.red.Id, Name: "general"}
	x.blueGen = &model.Channel{Id: model.NewId(), TeamId: x.blue.Id, Name: "general"}
	x.deploy = &model.IncomingWebhook{Id: model.NewId(), TeamId: x.red.Id, ChannelId: x.redGen.Id, DisplayName: "Deploy"}
	x.deploy2 = &model.IncomingWebhook{Id: model.NewId(), TeamId: x.blue.Id, ChannelId: x.blueGen.Id, DisplayName: "Deploy"}
	x.lower = &model.IncomingWebhook{Id: model.NewId(), TeamId: x.red.Id, ChannelId: x.redGen.Id, DisplayName: "ci"}
	x.build = &model.OutgoingWebhook{Id: model.NewId(), TeamId: x.red.Id, ChannelId: x.redGen.Id, DisplayName: "Build"}
	x.teamWide = &model.OutgoingWebhook{Id: model.NewId(), TeamId: x.blue.Id, DisplayName: "Deploy"}
	x.d = &hookDirectory{
		in: []*model.IncomingWebhook{x.deploy, x.deploy2, x.lower}, out: []*model.OutgoingWebhook{x.build, x.teamWide},
		channels: []*model.Channel{x.redGen, x.blueGen}, teams: []*model.Team{x.red, x.blue},
	}
	return x
}

func TestHooksResolve(t *testing.T) {
	x := newHookFixture()
	tests := []struct {
		name    string
		opts    HookOptions
		arg     string
		wantID  string
		wantErr string
		calls   map[string]int
	}{
		{name: "incoming ID", arg: x.deploy.Id, wantID: x.deploy.Id, calls: map[string]int{"GetIncomingWebhook": 1, "GetOutgoingWebhook": 0}},
		{name: "outgoing ID", arg: x.build.Id, wantID: x.build.Id, calls: map[string]int{"GetIncomingWebhook": 1, "GetOutgoingWebhook": 1, "GetIncomingWebhooks": 0}},
		{name: "outgoing ID, outgoing only", opts: HookOptions{Types: OutgoingHooks}, arg: x.build.Id, wantID: x.build.Id, calls: map[string]int{"GetIncomingWebhook": 0}},
		{name: "incoming only: an outgoing ID is not found", opts: HookOptions{Types: IncomingHooks}, arg: x.build.Id, wantErr: "incoming webhook"},
		{name: "unique name", arg: "Build", wantID: x.build.Id, calls: map[string]int{"GetIncomingWebhooks": 1, "GetOutgoingWebhooks": 1}},
		{name: "name in another case", arg: "CI", wantID: x.lower.Id},
		{name: "ambiguous on the server", arg: "Deploy", wantErr: "is ambiguous"},
		{name: "ambiguous in a team across kinds", opts: HookOptions{TeamID: x.blue.Id}, arg: "Deploy", wantErr: "is ambiguous",
			calls: map[string]int{"GetIncomingWebhooksForTeam": 1, "GetOutgoingWebhooksForTeam": 1, "GetIncomingWebhooks": 0}},
		{name: "unique in a team and kind", opts: HookOptions{Types: IncomingHooks, TeamID: x.blue.Id}, arg: "deploy", wantID: x.deploy2.Id},
		{name: "unique in a channel", opts: HookOptions{TeamID: x.red.Id, ChannelID: x.redGen.Id}, arg: "Deploy", wantID: x.deploy.Id,
			calls: map[string]int{"GetOutgoingWebhooksForChannel": 1, "GetIncomingWebhooksForTeam": 1}},
		{name: "channel without its team", opts: HookOptions{ChannelID: x.blueGen.Id, Types: IncomingHooks}, arg: "Deploy", wantID: x.deploy2.Id,
			calls: map[string]int{"GetIncomingWebhooks": 1}},
		{name: "not found", arg: "nope", wantErr: `webhook "nope" not found`},
		{name: "an ID-shaped name", arg: strings.Repeat("a", 26), wantErr: "not found", calls: map[string]int{"GetIncomingWebhook": 1, "GetOutgoingWebhook": 1, "GetIncomingWebhooks": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := x.d.fake()
			refs, err := Hooks(tt.opts).Resolve(context.Background(), f, []string{tt.arg})
			if err != nil {
				t.Fatal(err)
			}
			r := refs[0]
			if tt.wantErr != "" {
				if r.Err == nil || !strings.Contains(r.Err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", r.Err, tt.wantErr)
				}
			} else if r.Err != nil || r.Obj.ID() != tt.wantID {
				t.Fatalf("got %v, %v; want %s", r.Obj, r.Err, tt.wantID)
			}
			for name, n := range tt.calls {
				if got := f.Calls(name); got != n {
					t.Errorf("%s calls = %d, want %d", name, got, n)
				}
			}
		})
	}
}

func TestHooksAmbiguityListsCandidates(t *testing.T) {
	x := newHookFixture()
	_, err := FindHook(context.Background(), x.d.fake(), "Deploy", HookOptions{})
	var amb *AmbiguousError
	if !errors.As(err, &amb) || ExitCode(err) != ExitUsage {
		t.Fatalf("err = %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		x.deploy.Id + ` (incoming "Deploy", channel red:general)`,
		x.deploy2.Id + ` (incoming "Deploy", channel blue:general)`,
		x.teamWide.Id + ` (outgoing "Deploy", every channel of team blue)`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("%q lacks %q", msg, want)
		}
	}
}

func TestHooksListOnceForManyNames(t *testing.T) {
	x := newHookFixture()
	f := x.d.fake()
	refs, err := Hooks(HookOptions{}).Resolve(context.Background(), f, []string{"Build", "ci", "CI", "nope", x.deploy.Id})
	if err != nil {
		t.Fatal(err)
	}
	if refs[0].Obj.ID() != x.build.Id || refs[1].Obj.ID() != x.lower.Id || refs[2].Obj.ID() != x.lower.Id || refs[3].Err == nil || refs[4].Obj.ID() != x.deploy.Id {
		t.Errorf("refs %+v", refs)
	}
	if f.Calls("GetIncomingWebhooks") != 1 || f.Calls("GetOutgoingWebhooks") != 1 {
		t.Errorf("listings: %d incoming, %d outgoing", f.Calls("GetIncomingWebhooks"), f.Calls("GetOutgoingWebhooks"))
	}
}

func TestHooksFailures(t *testing.T) {
	refused := &client.Error{Status: http.StatusNotImplemented, ID: "api.incoming_webhook.disabled.app_error", Message: "Incoming webhooks have been disabled by the system admin."}
	t.Run("incoming refused, an outgoing hook matches", func(t *testing.T) {
		x := newHookFixture()
		x.d.inErr = refused
		h, err := FindHook(context.Background(), x.d.fake(), x.build.Id, HookOptions{})
		if err != nil || h.ID() != x.build.Id {
			t.Fatalf("got %v, %v", h, err)
		}
		h, err = FindHook(context.Background(), x.d.fake(), "Build", HookOptions{})
		if err != nil || h.ID() != x.build.Id {
			t.Fatalf("by name: got %v, %v", h, err)
		}
	})
	t.Run("incoming refused, nothing matches: the setting", func(t *testing.T) {
		x := newHookFixture()
		x.d.inErr = refused
		for _, arg := range []string{x.deploy.Id, "ci"} {
			_, err := FindIncomingHook(context.Background(), x.d.fake(), arg, "", "")
			var se *SettingError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), "ServiceSettings.EnableIncomingWebhooks") ||
				!strings.Contains(err.Error(), "MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS") || ExitCode(err) != ExitError {
				t.Errorf("%s: err = %v", arg, err)
			}
		}
	})
	t.Run("a 403 is not not found", func(t *testing.T) {
		x := newHookFixture()
		x.d.inErr, x.d.outErr = apiErr(403), apiErr(403)
		_, err := FindHook(context.Background(), x.d.fake(), x.deploy.Id, HookOptions{})
		if client.StatusOf(err) != 403 || ExitCode(err) != ExitAuth {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("outgoing wrapper", func(t *testing.T) {
		x := newHookFixture()
		h, err := FindOutgoingHook(context.Background(), x.d.fake(), "deploy", x.blue.Id, "")
		if err != nil || h.Id != x.teamWide.Id {
			t.Errorf("got %v, %v", h, err)
		}
	})
}

func TestListHooksPages(t *testing.T) {
	for _, n := range []int{0, 199, 200, 401} {
		d := &hookDirectory{}
		for range n {
			d.in = append(d.in, &model.IncomingWebhook{Id: model.NewId()})
			d.out = append(d.out, &model.OutgoingWebhook{Id: model.NewId()})
		}
		f := d.fake()
		in, err := ListIncomingHooks(context.Background(), f, "", "", nil, nil)
		if err != nil || len(in) != n {
			t.Fatalf("%d: %d incoming, %v", n, len(in), err)
		}
		pages := 0
		if _, err := ListOutgoingHooks(context.Background(), f, "", "", func(p []*model.OutgoingWebhook) error { pages++; return nil }, nil); err != nil {
			t.Fatal(err)
		}
		want := n/client.MaxPerPage + 1
		if f.Calls("GetIncomingWebhooks") != want || f.Calls("GetOutgoingWebhooks") != want || pages != want {
			t.Errorf("%d hooks: %d and %d requests, %d pages; want %d", n, f.Calls("GetIncomingWebhooks"), f.Calls("GetOutgoingWebhooks"), pages, want)
		}
	}
}

func TestListHooksForCallersWhoMayNotListTheServer(t *testing.T) {
	x := newHookFixture()
	x.d.serverErr = apiErr(http.StatusForbidden)
	t.Run("team by team, teams they may not manage left out", func(t *testing.T) {
		x.d.teamErr = map[string]error{x.blue.Id: apiErr(http.StatusForbidden)}
		f := x.d.fake()
		var skipped []string
		in, err := ListIncomingHooks(context.Background(), f, "", "", nil, func(t *model.Team) { skipped = append(skipped, t.Name) })
		if err != nil || len(in) != 2 || in[0].Id != x.deploy.Id || in[1].Id != x.lower.Id {
			t.Fatalf("got %v, %v", in, err)
		}
		if len(skipped) != 1 || skipped[0] != "blue" {
			t.Errorf("skipped %v", skipped)
		}
		if f.Calls("GetTeamsForUser") != 1 || f.Calls("GetIncomingWebhooksForTeam") != 2 {
			t.Errorf("calls: %d teams, %d team listings", f.Calls("GetTeamsForUser"), f.Calls("GetIncomingWebhooksForTeam"))
		}
		// Names resolve the same way.
		h, err := FindOutgoingHook(context.Background(), f, "build", "", "")
		if err != nil || h.Id != x.build.Id {
			t.Errorf("got %v, %v", h, err)
		}
	})
	t.Run("no team either: the 403", func(t *testing.T) {
		x.d.teamErr = map[string]error{x.blue.Id: apiErr(http.StatusForbidden), x.red.Id: apiErr(http.StatusForbidden)}
		_, err := ListOutgoingHooks(context.Background(), x.d.fake(), "", "", nil, nil)
		if client.StatusOf(err) != http.StatusForbidden {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("another failure is not retried", func(t *testing.T) {
		d := &hookDirectory{serverErr: apiErr(http.StatusInternalServerError)}
		f := d.fake()
		_, err := ListIncomingHooks(context.Background(), f, "", "", nil, nil)
		if client.StatusOf(err) != 500 || f.Calls("GetTeamsForUser") != 0 {
			t.Errorf("err = %v, %d team listings", err, f.Calls("GetTeamsForUser"))
		}
	})
}

func TestCompleteHooks(t *testing.T) {
	in := &model.IncomingWebhook{Id: "aaaaaaaaaaaaaaaaaaaaaaaaaa", DisplayName: "Deploy Notifications"}
	out := &model.OutgoingWebhook{Id: "dddddddddddddddddddddddddd", DisplayName: "Build bot"}
	tests := []struct {
		name       string
		types      HookTypes
		toComplete string
		failIn     bool
		want       []string
	}{
		{name: "a name prefix, any case", toComplete: "dep", want: []string{"Deploy Notifications\tincoming aaaaaaaaaaaaaaaaaaaaaaaaaa"}},
		{name: "an ID prefix and a name prefix", toComplete: "d", want: []string{
			"Deploy Notifications\tincoming aaaaaaaaaaaaaaaaaaaaaaaaaa", "dddddddddddddddddddddddddd\toutgoing Build bot"}},
		{name: "outgoing only", types: OutgoingHooks, toComplete: "", want: []string{"dddddddddddddddddddddddddd\toutgoing Build bot"}},
		{name: "a failing kind leaves the other", toComplete: "", failIn: true, want: []string{"dddddddddddddddddddddddddd\toutgoing Build bot"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &clienttest.Fake{}
			fake.GetIncomingWebhooksFunc = func(ctx context.Context, page, perPage int, _ string) ([]*model.IncomingWebhook, *model.Response, error) {
				if _, ok := ctx.Deadline(); !ok || page != 0 {
					t.Errorf("page %d, deadline %v", page, ok)
				}
				if tt.failIn {
					return nil, nil, errors.New("boom")
				}
				return []*model.IncomingWebhook{in, nil}, nil, nil
			}
			fake.GetOutgoingWebhooksFunc = func(context.Context, int, int, string) ([]*model.OutgoingWebhook, *model.Response, error) {
				return []*model.OutgoingWebhook{out}, nil, nil
			}
			f := &Factory{Client: func() (client.Client, error) { return fake, nil }}
			got, dir := CompleteHooks(f, tt.types)(&cobra.Command{}, nil, tt.toComplete)
			if !slices.Equal(got, tt.want) || dir != cobra.ShellCompDirectiveNoFileComp {
				t.Errorf("got %q (%v), want %q", got, dir, tt.want)
			}
			if tt.types == OutgoingHooks && fake.Calls("GetIncomingWebhooks") != 0 {
				t.Error("listed incoming hooks")
			}
		})
	}
}
