package channel

import (
	"context"
	"slices"
	"strings"
	"sync"
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
		wantErr     string
	}{
		{name: "private", args: []string{"devops:alerts", "--private"}, wantPrivate: true},
		{name: "public", args: []string{"--public", "devops:alerts"}},
		{name: "neither", args: []string{"devops:alerts"}, wantErr: "exactly one of --public and --private"},
		{name: "both", args: []string{"devops:alerts", "--public", "--private"}, wantErr: "exactly one of --public and --private"},
		{name: "no channel", args: []string{"--public"}, wantErr: "give at least one channel"},
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
			if got.Private != tt.wantPrivate || got.Public == tt.wantPrivate || !slices.Equal(got.Args, []string{"devops:alerts"}) {
				t.Errorf("opts = private %t public %t args %q", got.Private, got.Public, got.Args)
			}
		})
	}
}

func TestModifyRun(t *testing.T) {
	devops := chTeam("devops")
	alerts := chChannel(devops, "alerts")
	secret := chChannel(devops, "secret", chPrivate)
	old := chChannel(devops, "old", chArchived)
	square := chChannel(devops, model.DefaultChannelName)
	w := &chWorld{teams: []*model.Team{devops}, channels: []*model.Channel{alerts, secret, old, square}}

	type call struct {
		id  string
		typ model.ChannelType
	}
	tests := []struct {
		name       string
		args       []string
		errs       map[string]error
		wantExit   int
		wantStderr []string
		wantCalls  []call
	}{
		{
			name: "make private; a private one is left alone", args: []string{"--private", "devops:alerts", "devops:secret"},
			wantStderr: []string{"Made channel devops:alerts private", "Channel devops:secret is already private: nothing to do"},
			wantCalls:  []call{{alerts.Id, model.ChannelTypePrivate}},
		},
		{
			name: "make public", args: []string{"--public", "--team", "devops", "secret"},
			wantStderr: []string{"Made channel devops:secret public"},
			wantCalls:  []call{{secret.Id, model.ChannelTypeOpen}},
		},
		{
			name: "the default channel stays public", args: []string{"--private", "devops:town-square"},
			wantExit:   cmdutil.ExitError,
			wantStderr: []string{"devops:town-square: the default channel of a team (town-square) cannot be made private"},
		},
		{
			name: "the default channel may be made public: it is already", args: []string{"--public", "devops:town-square"},
			wantStderr: []string{"Channel devops:town-square is already public: nothing to do"},
		},
		{
			name: "archived channels are refused with a way out", args: []string{"--private", "devops:old"},
			wantExit:   cmdutil.ExitError,
			wantStderr: []string{"devops:old: the channel is archived: unarchive it first (matterctl channel unarchive devops:old)"},
		},
		{
			name: "dry run", args: []string{"--private", "--dry-run", "devops:alerts", "devops:secret"},
			wantStderr: []string{"would make channel devops:alerts (" + alerts.Id + ") private", "channel devops:secret is already private: nothing would change"},
		},
		{
			name: "server refusal", args: []string{"--private", "devops:alerts"},
			errs:       map[string]error{alerts.Id: chAPIError(403, "api.context.permissions.app_error", "You do not have the appropriate permissions.")},
			wantExit:   cmdutil.ExitAuth,
			wantStderr: []string{"devops:alerts: You do not have the appropriate permissions. (HTTP 403)"},
			wantCalls:  []call{{alerts.Id, model.ChannelTypePrivate}},
		},
	}
	for _, tt := range tests {
		for _, tty := range []bool{false, true} {
			t.Run(tt.name+map[bool]string{true: " (tty)"}[tty], func(t *testing.T) {
				e := cmdtest.New(t, cmdtest.TTY(tty))
				w.serve(e.Fake)
				var mu sync.Mutex
				var calls []call
				e.Fake.UpdateChannelPrivacyFunc = func(_ context.Context, id string, typ model.ChannelType) (*model.Channel, *model.Response, error) {
					mu.Lock()
					calls = append(calls, call{id, typ})
					mu.Unlock()
					if err := tt.errs[id]; err != nil {
						return nil, chResp(err), err
					}
					ch := w.channel(func(ch *model.Channel) bool { return ch.Id == id })
					ch.Type = typ
					return ch, chResp(nil), nil
				}
				err := e.Exec(NewCmdModify(e.F, nil), tt.args...)
				chExpect(t, e, err, tt.wantExit, tt.wantStderr...)
				if !slices.Equal(calls, tt.wantCalls) {
					t.Errorf("UpdateChannelPrivacy calls %v, want %v", calls, tt.wantCalls)
				}
				if e.Out.Len() != 0 {
					t.Errorf("stdout = %q", e.Out)
				}
			})
		}
	}
}

func TestModifyJSON(t *testing.T) {
	devops := chTeam("devops")
	alerts, secret := chChannel(devops, "alerts"), chChannel(devops, "secret", chPrivate)
	w := &chWorld{teams: []*model.Team{devops}, channels: []*model.Channel{alerts, secret}}
	e := cmdtest.New(t, cmdtest.Format("jsonl"))
	w.serve(e.Fake)
	e.Fake.UpdateChannelPrivacyFunc = func(_ context.Context, id string, typ model.ChannelType) (*model.Channel, *model.Response, error) {
		ch := w.channel(func(ch *model.Channel) bool { return ch.Id == id })
		ch.Type = typ
		return ch, chResp(nil), nil
	}
	err := e.Exec(NewCmdModify(e.F, nil), "--private", "devops:alerts", "devops:secret")
	chExpect(t, e, err, cmdutil.ExitOK)
	lines := strings.Split(strings.TrimSpace(e.Out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"changed":true`) || !strings.Contains(lines[0], `"type":"P"`) || !strings.Contains(lines[1], `"changed":false`) {
		t.Errorf("stdout:\n%s", e.Out)
	}
}
