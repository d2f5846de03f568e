package channel

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestMoveFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		stdin     string
		wantChans []string
		wantForce bool
		wantErr   string
	}{
		{name: "team and channels", args: []string{"ops", "devops:a", "b"}, wantChans: []string{"devops:a", "b"}},
		{name: "force, file", args: []string{"ops", "--force", "--file", "-"}, stdin: "devops:a\n", wantChans: []string{"devops:a"}, wantForce: true},
		{name: "nothing", args: nil, wantErr: "expects a team, then channels"},
		{name: "no channel", args: []string{"ops"}, wantErr: "give at least one channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.In.WriteString(tt.stdin)
			var got *MoveOptions
			err := e.Exec(NewCmdMove(e.F, func(_ context.Context, o *MoveOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Target != "ops" || !slices.Equal(got.Args, tt.wantChans) || got.Force != tt.wantForce {
				t.Errorf("opts = target %q args %q force %t", got.Target, got.Args, got.Force)
			}
		})
	}
}

// moveWorld adds members to chWorld: who is in which channel and team.
type moveWorld struct {
	*chWorld
	users        []*model.User
	chanMembers  map[string][]string // channel ID → user IDs
	teamMembers  map[string][]string // team ID → user IDs
	mu           sync.Mutex
	moves        []string // "channelID→teamID force"
	moveErr      map[string]error
	memberChecks int
}

func (w *moveWorld) serve(e *cmdtest.Env) {
	w.chWorld.serve(e.Fake)
	e.Fake.GetChannelMembersFunc = func(_ context.Context, id string, page, perPage int, _ string) (model.ChannelMembers, *model.Response, error) {
		w.mu.Lock()
		w.memberChecks++
		w.mu.Unlock()
		var out model.ChannelMembers
		for _, u := range page2(w.chanMembers[id], page, perPage) {
			out = append(out, model.ChannelMember{ChannelId: id, UserId: u})
		}
		return out, chResp(nil), nil
	}
	e.Fake.GetTeamMembersByIdsFunc = func(_ context.Context, team string, ids []string) ([]*model.TeamMember, *model.Response, error) {
		if len(ids) > 100 {
			t := fmt.Errorf("batch of %d", len(ids))
			return nil, nil, t
		}
		var out []*model.TeamMember
		for _, id := range ids {
			if slices.Contains(w.teamMembers[team], id) {
				out = append(out, &model.TeamMember{TeamId: team, UserId: id})
			}
		}
		return out, chResp(nil), nil
	}
	e.Fake.GetUsersByIdsFunc = func(_ context.Context, ids []string) ([]*model.User, *model.Response, error) {
		var out []*model.User
		for _, u := range w.users {
			if slices.Contains(ids, u.Id) {
				out = append(out, u)
			}
		}
		return out, chResp(nil), nil
	}
	e.Fake.MoveChannelFunc = func(_ context.Context, id, team string, force bool) (*model.Channel, *model.Response, error) {
		w.mu.Lock()
		w.moves = append(w.moves, fmt.Sprintf("%s→%s %t", id, team, force))
		w.mu.Unlock()
		if err := w.moveErr[id]; err != nil {
			return nil, chResp(err), err
		}
		ch := w.channel(func(ch *model.Channel) bool { return ch.Id == id })
		ch.TeamId = team
		return ch, chResp(nil), nil
	}
}

func page2(ids []string, page, perPage int) []string {
	start := min(page*perPage, len(ids))
	return ids[start:min(start+perPage, len(ids))]
}

func TestMoveRun(t *testing.T) {
	devops, ops, gone := chTeam("devops"), chTeam("ops"), chTeam("gone")
	gone.DeleteAt = 1
	alerts := chChannel(devops, "alerts")
	builds := chChannel(devops, "builds", chPrivate)
	dup := chChannel(devops, "dup")
	opsDup := chChannel(ops, "dup")
	opsOwn := chChannel(ops, "own")
	old := chChannel(devops, "old", chArchived)
	alice := &model.User{Id: model.NewId(), Username: "alice"}
	bob := &model.User{Id: model.NewId(), Username: "bob"}
	carol := &model.User{Id: model.NewId(), Username: "carol"}
	dave := &model.User{Id: model.NewId(), Username: "dave", DeleteAt: 9} // deactivated: the server removes him itself
	// 250 members in ops: the lookups are batched.
	many := []string{alice.Id}
	for range 249 {
		many = append(many, model.NewId())
	}
	newWorld := func() *moveWorld {
		return &moveWorld{
			chWorld: &chWorld{teams: []*model.Team{devops, ops, gone}, channels: []*model.Channel{alerts, builds, dup, opsDup, opsOwn, old}},
			users:   []*model.User{alice, bob, carol, dave},
			chanMembers: map[string][]string{
				alerts.Id: {alice.Id},
				builds.Id: append(slices.Clone(many), bob.Id, carol.Id, dave.Id),
			},
			teamMembers: map[string][]string{ops.Id: many},
		}
	}
	notMatch := chAPIError(500, "app.channel.move_channel.members_do_not_match.error", "A channel cannot be moved unless all its members are already members of the destination team.")
	badID := chAPIError(400, "app.channel.update.bad_id", "Unable to update the channel.")

	tests := []struct {
		name       string
		args       []string
		moveErr    map[string]error
		wantExit   int
		wantErr    string
		wantStderr []string
		wantMoves  []string
	}{
		{
			name: "moves; a channel already there is left alone", args: []string{"ops", "devops:alerts", "ops:own"},
			wantStderr: []string{"Moved channel alerts from team devops to team ops", "Channel ops:own is already in team ops: nothing to do"},
			wantMoves:  []string{alerts.Id + "→" + ops.Id + " false"},
		},
		{
			name: "refused for members outside the team: they are named", args: []string{"ops", "--team", "devops", "builds", "alerts"},
			moveErr:  map[string]error{builds.Id: notMatch},
			wantExit: cmdutil.ExitPartial,
			wantStderr: []string{
				"builds: 2 members of devops:builds are not in team ops: bob, carol; add them to the team (matterctl team users add ops ...) or use --force to remove them from the channel",
				"Moved channel alerts from team devops to team ops",
			},
			wantMoves: []string{alerts.Id + "→" + ops.Id + " false", builds.Id + "→" + ops.Id + " false"},
		},
		{
			name: "force", args: []string{"ops", "--force", "devops:builds"},
			wantStderr: []string{"Moved channel builds from team devops to team ops"},
			wantMoves:  []string{builds.Id + "→" + ops.Id + " true"},
		},
		{
			name: "name taken in the team", args: []string{"ops", "devops:dup"},
			moveErr:    map[string]error{dup.Id: badID},
			wantExit:   cmdutil.ExitError,
			wantStderr: []string{"devops:dup: team ops already has a channel named dup (" + opsDup.Id + "): rename one of them first"},
			wantMoves:  []string{dup.Id + "→" + ops.Id + " false"},
		},
		{
			name: "dry run checks members and names, moves nothing", args: []string{"ops", "--dry-run", "devops:alerts", "devops:builds", "devops:dup"},
			wantExit: cmdutil.ExitPartial,
			wantStderr: []string{
				"would move channel devops:alerts (" + alerts.Id + ") to team ops",
				"devops:builds: 2 members of devops:builds are not in team ops: bob, carol; add them to the team (matterctl team users add ops ...) or use --force to remove them from the channel",
				"devops:dup: team ops already has a channel named dup (" + opsDup.Id + "): rename one of them first",
			},
		},
		{
			name: "dry run with force names who would be removed", args: []string{"ops", "--dry-run", "--force", "devops:builds"},
			wantStderr: []string{"would move channel devops:builds (" + builds.Id + ") to team ops, removing 2 members who are not in it: bob, carol"},
		},
		{
			name: "archived channels are refused", args: []string{"ops", "devops:old"},
			wantExit:   cmdutil.ExitError,
			wantStderr: []string{"devops:old: the channel is archived: unarchive it first (matterctl channel unarchive devops:old)"},
		},
		{
			name: "unknown team", args: []string{"nowhere", "devops:alerts"},
			wantExit: cmdutil.ExitNotFound, wantErr: `team "nowhere" not found`,
		},
		{
			name: "archived team", args: []string{"gone", "devops:alerts"},
			wantExit: cmdutil.ExitError, wantErr: `team "gone" is archived`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			w := newWorld()
			w.moveErr = tt.moveErr
			w.serve(e)
			err := e.Exec(NewCmdMove(e.F, nil), tt.args...)
			chExpect(t, e, err, tt.wantExit, tt.wantStderr...)
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			slices.Sort(w.moves)
			want := slices.Sorted(slices.Values(tt.wantMoves))
			if !slices.Equal(w.moves, want) {
				t.Errorf("moves %q, want %q", w.moves, want)
			}
		})
	}
}

func TestMoveDryRunJSON(t *testing.T) {
	devops, ops := chTeam("devops"), chTeam("ops")
	builds := chChannel(devops, "builds")
	bob := &model.User{Id: model.NewId(), Username: "bob"}
	w := &moveWorld{
		chWorld:     &chWorld{teams: []*model.Team{devops, ops}, channels: []*model.Channel{builds}},
		users:       []*model.User{bob},
		chanMembers: map[string][]string{builds.Id: {bob.Id}},
		teamMembers: map[string][]string{},
	}
	e := cmdtest.New(t, cmdtest.JSON(true))
	w.serve(e)
	err := e.Exec(NewCmdMove(e.F, nil), "ops", "--dry-run", "--force", "devops:builds")
	chExpect(t, e, err, cmdutil.ExitOK)
	rows := chRows(t, e.Out.String())
	if len(rows) != 1 || !rows[0].OK || !rows[0].DryRun || !slices.Equal(rows[0].RemovedMembers, []string{"bob"}) || rows[0].Changed == nil || !*rows[0].Changed {
		t.Errorf("rows = %+v", rows)
	}
}
