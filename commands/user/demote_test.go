package user

import (
	"context"
	"slices"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestDemoteFlags(t *testing.T) {
	e := cmdtest.New(t)
	var got *DemoteOptions
	run := func(_ context.Context, o *DemoteOptions) error { got = o; return nil }
	if err := e.Exec(NewCmdDemote(e.F, run), "alice", "bob", "--dry-run"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Args, []string{"alice", "bob"}) || !got.Bulk.DryRun {
		t.Errorf("opts = %+v", got)
	}
	if err := cmdtest.New(t).Exec(NewCmdDemote(e.F, run)); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("no users: exit %d (%v), want 2", cmdutil.ExitCode(err), err)
	}
}

func TestDemoteRun(t *testing.T) {
	alice, bob := mvUser("alice"), mvUser("bob")
	g1 := mvUser("g1", mvGuest)
	licence := mvAPIError(501, "api.team.demote_user_to_guest.license.error", "Guest accounts are not available without a license.")
	tests := []struct {
		name        string
		tty         bool
		json        bool
		args        []string
		serverErr   error
		wantExit    int
		wantStderr  []string
		wantDemoted []string
	}{
		{name: "users", tty: true, args: []string{"alice", "bob"}, wantStderr: []string{"User alice demoted", "User bob demoted"}, wantDemoted: []string{alice.Id, bob.Id}},
		{name: "a guest is refused before any call", args: []string{"alice", "g1"}, wantExit: cmdutil.ExitPartial,
			wantStderr: []string{"User alice demoted", "g1: g1 is already a guest"}, wantDemoted: []string{alice.Id}},
		{name: "dry run", args: []string{"--dry-run", "alice", "g1"}, wantExit: cmdutil.ExitPartial,
			wantStderr: []string{"would demote user alice (" + alice.Id + ")", "g1: g1 is already a guest"}},
		{name: "no licence: the server error is passed through", args: []string{"alice"}, serverErr: licence, wantExit: cmdutil.ExitError,
			wantStderr: []string{"alice: Guest accounts are not available without a license. (HTTP 501)"}, wantDemoted: []string{alice.Id}},
		{name: "json", json: true, args: []string{"bob"}, wantStderr: []string{"User bob demoted"}, wantDemoted: []string{bob.Id}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			cmdtest.ServeUsers(e.Fake, alice, bob, g1)
			var demoted []string
			e.Fake.DemoteUserToGuestFunc = func(_ context.Context, id string) (*model.Response, error) {
				demoted = append(demoted, id)
				return &model.Response{StatusCode: 200}, tt.serverErr
			}
			err := e.Exec(NewCmdDemote(e.F, nil), append([]string{"--parallel", "1"}, tt.args...)...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d", got, err, tt.wantExit)
			}
			for _, line := range tt.wantStderr {
				if n := mvCount(e.ErrOut.String(), line); n != 1 {
					t.Errorf("stderr has %q %d times\n%s", line, n, e.ErrOut)
				}
			}
			if !slices.Equal(slices.Sorted(slices.Values(demoted)), slices.Sorted(slices.Values(tt.wantDemoted))) {
				t.Errorf("demoted %q, want %q", demoted, tt.wantDemoted)
			}
			if !tt.json {
				if e.Out.Len() != 0 {
					t.Errorf("stdout = %q", e.Out)
				}
				return
			}
			rows := mvRows(t, e.Out.String())
			if len(rows) != 1 || !rows[0].OK || rows[0].User == nil || rows[0].User.Roles != model.SystemGuestRoleId {
				t.Errorf("rows = %+v", rows)
			}
		})
	}
}
