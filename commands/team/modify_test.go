package team

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestModifyFlags(t *testing.T) {
	tests := []struct {
		name        string
		args        []string
		wantPrivate bool
		wantPublic  bool
		wantTeams   []string
		wantErr     string
	}{
		{name: "private", args: []string{"devops", "--private"}, wantPrivate: true, wantTeams: []string{"devops"}},
		{name: "public", args: []string{"--public", "devops", "qa"}, wantPublic: true, wantTeams: []string{"devops", "qa"}},
		{name: "neither", args: []string{"devops"}, wantErr: "give --private or --public"},
		{name: "both", args: []string{"devops", "--private", "--public"}, wantErr: "--private and --public cannot be used together"},
		{name: "no team", args: []string{"--private"}, wantErr: "give at least one team"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *ModifyOptions
			err := e.Exec(NewCmdModify(e.F, func(_ context.Context, o *ModifyOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Private != tt.wantPrivate || got.Public != tt.wantPublic || !slices.Equal(got.Args, tt.wantTeams) {
				t.Errorf("opts = private %t public %t teams %q", got.Private, got.Public, got.Args)
			}
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
			}
		})
	}
}

func TestModifyRun(t *testing.T) {
	open := tvTeam("open")
	closed := tvTeam("closed", tvPrivate)
	// An open team that does not allow open invitations is not public: anyone cannot join.
	halfOpen := tvTeam("halfopen", func(t *model.Team) { t.AllowOpenInvite = false })
	tests := []struct {
		name       string
		tty        bool
		args       []string
		wantExit   int
		wantStderr []string
		wantCalls  map[string]string // team ID → privacy sent
	}{
		{
			name: "make private", tty: true, args: []string{"--private", "open", "closed", "halfopen"},
			wantStderr: []string{"Made team open private", "Team closed is already private: nothing to do", "Made team halfopen private"},
			wantCalls:  map[string]string{open.Id: model.TeamInvite, halfOpen.Id: model.TeamInvite},
		},
		{
			name: "make public", args: []string{"--public", "open", "closed", "halfopen"},
			wantStderr: []string{"Team open is already public: nothing to do", "Made team closed public", "Made team halfopen public"},
			wantCalls:  map[string]string{closed.Id: model.TeamOpen, halfOpen.Id: model.TeamOpen},
		},
		{
			name: "dry run", args: []string{"--public", "--dry-run", "open", "closed"},
			wantStderr: []string{"team open is already public: nothing would change", "would make team closed (" + closed.Id + ") public"},
			wantCalls:  map[string]string{},
		},
		{
			name: "unknown team", args: []string{"--public", "ghost"},
			wantExit: cmdutil.ExitNotFound, wantStderr: []string{`ghost: team "ghost" not found`}, wantCalls: map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			s := tvServe(e.Fake, open, closed, halfOpen)
			inner := e.Fake.UpdateTeamPrivacyFunc
			calls := map[string]string{}
			e.Fake.UpdateTeamPrivacyFunc = func(ctx context.Context, id, privacy string) (*model.Team, *model.Response, error) {
				calls[id] = privacy
				return inner(ctx, id, privacy)
			}
			err := e.Exec(NewCmdModify(e.F, nil), append(tt.args, "--parallel", "1")...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			if got := tvLines(e.ErrOut.String()); !slices.Equal(got, tt.wantStderr) {
				t.Errorf("stderr = %q, want %q", got, tt.wantStderr)
			}
			if len(calls) != len(tt.wantCalls) {
				t.Errorf("privacy calls %v, want %v", calls, tt.wantCalls)
			}
			for id, want := range tt.wantCalls {
				if calls[id] != want {
					t.Errorf("privacy calls %v, want %v", calls, tt.wantCalls)
				}
			}
			if tt.name == "make private" {
				for _, name := range []string{"open", "closed", "halfopen"} {
					if teamIsPublic(s.byName(name)) {
						t.Errorf("%s is still public", name)
					}
				}
			}
		})
	}
}
