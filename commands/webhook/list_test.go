package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestListFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    ListOptions
		wantErr string
	}{
		{name: "nothing", want: ListOptions{Teams: []string{}}},
		{name: "teams and kinds", args: []string{"devops", "ops", "--incoming"}, want: ListOptions{Teams: []string{"devops", "ops"}, Incoming: true}},
		{name: "channel with its team", args: []string{"devops", "--channel", " alerts ", "--outgoing"}, want: ListOptions{Teams: []string{"devops"}, Channel: "alerts", Outgoing: true}},
		{name: "channel with two teams", args: []string{"a", "b", "--channel", "x"}, wantErr: "at most one team"},
		{name: "empty channel", args: []string{"--channel", ""}, wantErr: "--channel needs"},
		{name: "unknown flag", args: []string{"--team", "x"}, wantErr: "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *ListOptions
			err := e.Exec(NewCmdList(e.F, func(_ context.Context, o *ListOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Teams, tt.want.Teams) && len(got.Teams)+len(tt.want.Teams) > 0 || got.Channel != tt.want.Channel ||
				got.Incoming != tt.want.Incoming || got.Outgoing != tt.want.Outgoing {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
			}
		})
	}
}

func TestListTeamsFromFile(t *testing.T) {
	e := cmdtest.New(t)
	e.In.WriteString("ops\n# comment\ndevops\n")
	var got *ListOptions
	if err := e.Exec(NewCmdList(e.F, func(_ context.Context, o *ListOptions) error { got = o; return nil }), "x", "--file", "-"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Teams, []string{"x", "ops", "devops"}) {
		t.Errorf("teams = %q", got.Teams)
	}
}

func TestListRun(t *testing.T) {
	e0 := cmdtest.New(t)
	w := newWorld(e0.Fake)
	deploy := whRow(w.deploy.Id, "incoming", "Deploy Notifications", "devops", "alerts", "admin", "yes", "")
	ci := whRow(w.ci.Id, "incoming", "CI", "ops", "general", "bob", "no", "")
	build := whRow(w.build.Id, "outgoing", "Build bot", "devops", "alerts", "admin", "", "build,ship")
	all := whRow(w.all.Id, "outgoing", "Everything", "ops", "", "admin", "", "go (start)")
	tests := []struct {
		name      string
		args      []string
		want      []string // stdout lines, in any order
		wantCalls map[string]int
	}{
		{name: "whole server", want: []string{deploy, ci, build, all},
			wantCalls: map[string]int{"GetIncomingWebhooks": 1, "GetOutgoingWebhooks": 1, "SearchAllChannelsPaged": 1, "GetUsersByIds": 1, "GetChannel": 0, "GetTeam": 0}},
		{name: "one team", args: []string{"devops"}, want: []string{deploy, build},
			wantCalls: map[string]int{"GetIncomingWebhooksForTeam": 1, "GetOutgoingWebhooksForTeam": 1, "GetIncomingWebhooks": 0}},
		{name: "several teams: the server's, filtered", args: []string{"ops", "devops", "ops"}, want: []string{deploy, ci, build, all},
			wantCalls: map[string]int{"GetIncomingWebhooks": 1, "GetOutgoingWebhooks": 1, "GetIncomingWebhooksForTeam": 0}},
		{name: "incoming", args: []string{"--incoming"}, want: []string{deploy, ci},
			wantCalls: map[string]int{"GetOutgoingWebhooks": 0}},
		{name: "outgoing of a team", args: []string{"ops", "--outgoing"}, want: []string{all},
			wantCalls: map[string]int{"GetIncomingWebhooksForTeam": 0, "GetOutgoingWebhooksForTeam": 1}},
		{name: "channel", args: []string{"--channel", "devops:alerts"}, want: []string{deploy, build},
			wantCalls: map[string]int{"GetOutgoingWebhooksForChannel": 1, "GetIncomingWebhooksForTeam": 1, "SearchAllChannelsPaged": 0}},
		{name: "bare channel in the team argument", args: []string{"ops", "--channel", "general"}, want: []string{ci}},
		{name: "channel without hooks", args: []string{"--channel", "devops:general"}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			w.s = whServe(e.Fake, w.s, w.bob)
			if err := e.Exec(NewCmdList(e.F, nil), tt.args...); err != nil {
				t.Fatalf("err = %v\nstderr: %s", err, e.ErrOut)
			}
			got := whLines(e.Out.String())
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("stdout:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for name, n := range tt.wantCalls {
				if got := e.Fake.Calls(name); got != n {
					t.Errorf("%s calls = %d, want %d", name, got, n)
				}
			}
			if e.ErrOut.Len() != 0 {
				t.Errorf("stderr: %s", e.ErrOut)
			}
		})
	}
}

func TestListTerminalAndJSON(t *testing.T) {
	t.Run("terminal", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.TTY(true))
		newWorld(e.Fake)
		if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
			t.Fatal(err)
		}
		for _, w := range []string{"ID", "TYPE", "DISPLAY NAME", "TEAM", "CHANNEL", "CREATOR", "LOCKED", "TRIGGERS", "Deploy Notifications", "go (start)"} {
			if !strings.Contains(e.Out.String(), w) {
				t.Errorf("table lacks %q:\n%s", w, e.Out)
			}
		}
	})
	t.Run("json: the server's objects, no labels looked up", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		w := newWorld(e.Fake)
		if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
			t.Fatal(err)
		}
		var got []map[string]any
		if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
			t.Fatalf("%v\n%s", err, e.Out)
		}
		ids := map[string]bool{}
		for _, h := range got {
			ids[h["id"].(string)] = true
		}
		if len(got) != 4 || !ids[w.deploy.Id] || !ids[w.all.Id] {
			t.Errorf("got %v", got)
		}
		for _, h := range got {
			if h["id"] == w.build.Id && (h["token"] != w.build.Token || h["callback_urls"] == nil) {
				t.Errorf("the outgoing hook is not the server's object: %v", h)
			}
			if h["id"] == w.deploy.Id && h["channel_locked"] != true {
				t.Errorf("the incoming hook is not the server's object: %v", h)
			}
		}
		if n := e.Fake.TotalCalls(); n != 2 {
			t.Errorf("%d calls, want 2 (one page of each kind)", n)
		}
	})
	t.Run("json: empty", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		whServe(e.Fake, &whServer{})
		if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(e.Out.String()) != "[]" {
			t.Errorf("stdout = %q", e.Out)
		}
	})
}

func TestListRefusedBySettings(t *testing.T) {
	t.Run("one kind off: the other is listed, with a warning", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		w.s.inOff = true
		if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
			t.Fatal(err)
		}
		if got := whLines(e.Out.String()); len(got) != 2 || !strings.Contains(e.Out.String(), "Build bot") {
			t.Errorf("stdout:\n%s", e.Out)
		}
		if !strings.Contains(e.ErrOut.String(), "warning: ") || !strings.Contains(e.ErrOut.String(), "ServiceSettings.EnableIncomingWebhooks") ||
			!strings.Contains(e.ErrOut.String(), "MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS") {
			t.Errorf("stderr: %s", e.ErrOut)
		}
	})
	t.Run("the kind asked for is off: an error", func(t *testing.T) {
		e := cmdtest.New(t, cmdtest.JSON(true))
		w := newWorld(e.Fake)
		w.s.outOff = true
		err := e.Exec(NewCmdList(e.F, nil), "--outgoing")
		if cmdutil.ExitCode(err) != 1 || !strings.Contains(err.Error(), "ServiceSettings.EnableOutgoingWebhooks") ||
			!strings.Contains(err.Error(), "MM_SERVICESETTINGS_ENABLEOUTGOINGWEBHOOKS") {
			t.Fatalf("err = %v", err)
		}
		if e.Out.Len() != 0 {
			t.Errorf("stdout: %q", e.Out)
		}
	})
	t.Run("both off", func(t *testing.T) {
		e := cmdtest.New(t)
		w := newWorld(e.Fake)
		w.s.inOff, w.s.outOff = true, true
		err := e.Exec(NewCmdList(e.F, nil))
		var se *cmdutil.SettingError
		if !errors.As(err, &se) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestListUnknownTeam(t *testing.T) {
	e := cmdtest.New(t)
	newWorld(e.Fake)
	err := e.Exec(NewCmdList(e.F, nil), "devops", "nope")
	if cmdutil.ExitCode(err) != cmdutil.ExitNotFound || !strings.Contains(err.Error(), "nope") {
		t.Fatalf("err = %v", err)
	}
	if e.Fake.Calls("GetIncomingWebhooks")+e.Fake.Calls("GetIncomingWebhooksForTeam") != 0 {
		t.Error("listed hooks despite an unknown team")
	}
}

// bigWorld is a server with teams teams, each with a town-square channel, and in hooks of
// each kind spread over them, created by ten users.
func bigWorld(t *testing.T, e *cmdtest.Env, teams, hooks int) *whServer {
	t.Helper()
	s := &whServer{}
	var users []*model.User
	for i := range 10 {
		users = append(users, &model.User{Id: model.NewId(), Username: fmt.Sprintf("user%d", i)})
	}
	for i := range teams {
		team := whTeam(fmt.Sprintf("team%02d", i))
		s.teams = append(s.teams, team)
		s.channels = append(s.channels, whChannel(team, "town-square"), whChannel(team, "off-topic"))
	}
	for i := range hooks {
		ch := s.channels[(2*i)%len(s.channels)]
		in := whIn(ch, fmt.Sprintf("in%03d", i))
		in.UserId = users[i%len(users)].Id
		out := whOut(s.team(ch.TeamId), ch, fmt.Sprintf("out%03d", i), "go")
		out.CreatorId = users[(i+3)%len(users)].Id
		s.in, s.out = append(s.in, in), append(s.out, out)
	}
	return whServe(e.Fake, s, users...)
}

// TestListRequestCount counts the client calls of listing a server with 50 teams and 500
// hooks (250 of each kind): two pages of each kind, and for a table one search of the
// channels (100 of them) and one lookup of the creators.
func TestListRequestCount(t *testing.T) {
	for _, tt := range []struct {
		name  string
		json  bool
		calls map[string]int
	}{
		{name: "json", json: true, calls: map[string]int{"GetIncomingWebhooks": 2, "GetOutgoingWebhooks": 2}},
		{name: "table", calls: map[string]int{"GetIncomingWebhooks": 2, "GetOutgoingWebhooks": 2, "SearchAllChannelsPaged": 1, "GetUsersByIds": 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.JSON(tt.json))
			bigWorld(t, e, 50, 250)
			if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
				t.Fatal(err)
			}
			total := 0
			for name, n := range tt.calls {
				total += n
				if got := e.Fake.Calls(name); got != n {
					t.Errorf("%s calls = %d, want %d", name, got, n)
				}
			}
			if got := e.Fake.TotalCalls(); got != total {
				t.Errorf("%d calls in all, want %d", got, total)
			}
			if tt.json {
				var got []map[string]any
				if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil || len(got) != 500 {
					t.Errorf("%d hooks, err %v", len(got), err)
				}
				return
			}
			lines := whLines(e.Out.String())
			if len(lines) != 500 {
				t.Fatalf("%d lines", len(lines))
			}
			for _, l := range lines {
				cols := strings.Split(l, "\t")
				if !strings.HasPrefix(cols[3], "team") || cols[4] != "town-square" || !strings.HasPrefix(cols[5], "user") {
					t.Fatalf("unlabelled row %q", l)
				}
			}
		})
	}
}

func TestListLabelsWithManyChannels(t *testing.T) {
	t.Run("the channel listing is read page by page", func(t *testing.T) {
		e := cmdtest.New(t)
		bigWorld(t, e, 250, 10) // 500 channels: 3 pages
		if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
			t.Fatal(err)
		}
		if n := e.Fake.Calls("SearchAllChannelsPaged"); n != 3 {
			t.Errorf("SearchAllChannelsPaged calls = %d, want 3", n)
		}
		if n := e.Fake.Calls("GetChannel") + e.Fake.Calls("GetTeam"); n != 0 {
			t.Errorf("%d lookups one by one", n)
		}
	})
	t.Run("callers who may not search look channels and teams up once each", func(t *testing.T) {
		e := cmdtest.New(t)
		s := bigWorld(t, e, 5, 40) // hooks in 5 town-squares
		s.noSearch = true
		if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
			t.Fatal(err)
		}
		if n := e.Fake.Calls("GetChannel"); n != 5 {
			t.Errorf("GetChannel calls = %d, want 5", n)
		}
		if n := e.Fake.Calls("GetTeam"); n != 5 {
			t.Errorf("GetTeam calls = %d, want 5", n)
		}
		for _, l := range whLines(e.Out.String()) {
			if cols := strings.Split(l, "\t"); cols[4] != "town-square" || !strings.HasPrefix(cols[3], "team") {
				t.Fatalf("unlabelled row %q", l)
			}
		}
	})
}

func TestListForCallersWhoMayNotListTheServer(t *testing.T) {
	e := cmdtest.New(t)
	w := newWorld(e.Fake)
	w.s.notAdmin, w.s.noSearch = true, true
	w.s.forbidden = map[string]bool{w.ops.Id: true}
	if err := e.Exec(NewCmdList(e.F, nil)); err != nil {
		t.Fatalf("%v\n%s", err, e.ErrOut)
	}
	got := whLines(e.Out.String())
	slices.Sort(got)
	want := []string{
		whRow(w.deploy.Id, "incoming", "Deploy Notifications", "devops", "alerts", "admin", "yes", ""),
		whRow(w.build.Id, "outgoing", "Build bot", "devops", "alerts", "admin", "", "build,ship"),
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("stdout:\n%s", e.Out)
	}
	for _, line := range []string{
		"warning: left out the incoming webhooks of the teams where you may not manage them: ops",
		"warning: left out the outgoing webhooks of the teams where you may not manage them: ops",
	} {
		if whCount(e.ErrOut.String(), line) != 1 {
			t.Errorf("stderr lacks %q:\n%s", line, e.ErrOut)
		}
	}
}

// firstWrite signals when something is first written through it.
type firstWrite struct {
	w    io.Writer
	once sync.Once
	done chan struct{}
}

func (f *firstWrite) Write(b []byte) (int, error) {
	n, err := f.w.Write(b)
	f.once.Do(func() { close(f.done) })
	return n, err
}

// TestListStreams checks that the rows of a page are printed while the next page is read:
// the fake holds page 1 back until something was written to stdout.
func TestListStreams(t *testing.T) {
	for _, tt := range []struct {
		name string
		json bool
	}{{"plain", false}, {"json", true}} {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.JSON(tt.json))
			s := bigWorld(t, e, 2, 300)
			fw := &firstWrite{w: e.F.IOStreams.Out, done: make(chan struct{})}
			e.F.IOStreams.Out = fw
			list := e.Fake.GetIncomingWebhooksFunc
			e.Fake.GetIncomingWebhooksFunc = func(ctx context.Context, page, perPage int, etag string) ([]*model.IncomingWebhook, *model.Response, error) {
				if page > 0 {
					select {
					case <-fw.done:
					case <-time.After(5 * time.Second):
						t.Errorf("page %d was asked for before anything was printed", page)
					}
				}
				return list(ctx, page, perPage, etag)
			}
			if err := e.Exec(NewCmdList(e.F, nil), "--incoming"); err != nil {
				t.Fatal(err)
			}
			if tt.json {
				var got []map[string]any
				if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil || len(got) != len(s.in) {
					t.Errorf("%d hooks, %v", len(got), err)
				}
			} else if n := len(whLines(e.Out.String())); n != len(s.in) {
				t.Errorf("%d lines", n)
			}
		})
	}
}
