package user

import (
	"context"
	"slices"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestPromoteFlags(t *testing.T) {
	e := cmdtest.New(t)
	var got *PromoteOptions
	run := func(_ context.Context, o *PromoteOptions) error { got = o; return nil }
	if err := e.Exec(NewCmdPromote(e.F, run), "guest1", "--parallel", "4"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Args, []string{"guest1"}) || got.Bulk.Parallel != 4 || got.Bulk.DryRun {
		t.Errorf("opts = %+v", got)
	}
	err := cmdtest.New(t).Exec(NewCmdPromote(e.F, run))
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage || err.Error() != "give at least one guest as an argument or with --file" {
		t.Errorf("no users: %v (exit %d)", err, cmdutil.ExitCode(err))
	}
}

func TestPromoteRun(t *testing.T) {
	g1, g2 := mvUser("g1", mvGuest), mvUser("g2", mvGuest)
	alice := mvUser("alice")
	tests := []struct {
		name         string
		tty          bool
		json         bool
		args         []string
		wantExit     int
		wantStderr   []string
		wantPromoted []string
	}{
		{name: "guests", tty: true, args: []string{"g1", "g2"}, wantStderr: []string{"User g1 promoted", "User g2 promoted"}, wantPromoted: []string{g1.Id, g2.Id}},
		{name: "a regular user is refused before any call", args: []string{"g1", "alice"}, wantExit: cmdutil.ExitPartial,
			wantStderr:   []string{"User g1 promoted", "alice: alice is not a guest (roles: system_user); nothing to promote"},
			wantPromoted: []string{g1.Id}},
		{name: "only regular users", args: []string{"alice"}, wantExit: cmdutil.ExitError,
			wantStderr: []string{"alice: alice is not a guest (roles: system_user); nothing to promote"}},
		{name: "dry run", args: []string{"--dry-run", "g1", "alice"}, wantExit: cmdutil.ExitPartial,
			wantStderr: []string{"would promote user g1 (" + g1.Id + ")", "alice: alice is not a guest (roles: system_user); nothing to promote"}},
		{name: "json", json: true, args: []string{"g2", "g1"}, wantStderr: []string{"User g1 promoted", "User g2 promoted"}, wantPromoted: []string{g1.Id, g2.Id}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			cmdtest.ServeUsers(e.Fake, g1, g2, alice)
			var promoted []string
			e.Fake.PromoteGuestToUserFunc = func(_ context.Context, id string) (*model.Response, error) {
				promoted = append(promoted, id)
				return &model.Response{StatusCode: 200}, nil
			}
			err := e.Exec(NewCmdPromote(e.F, nil), append([]string{"--parallel", "1"}, tt.args...)...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d", got, err, tt.wantExit)
			}
			for _, line := range tt.wantStderr {
				if n := mvCount(e.ErrOut.String(), line); n != 1 {
					t.Errorf("stderr has %q %d times\n%s", line, n, e.ErrOut)
				}
			}
			if !slices.Equal(slices.Sorted(slices.Values(promoted)), slices.Sorted(slices.Values(tt.wantPromoted))) {
				t.Errorf("promoted %q, want %q", promoted, tt.wantPromoted)
			}
			if !tt.json {
				if e.Out.Len() != 0 {
					t.Errorf("stdout = %q", e.Out)
				}
				return
			}
			rows := mvRows(t, e.Out.String())
			if len(rows) != 2 || rows[0].Input != "g2" || rows[1].Input != "g1" {
				t.Fatalf("rows = %+v", rows)
			}
			for _, r := range rows {
				if !r.OK || r.User == nil || r.User.Roles != model.SystemUserRoleId {
					t.Errorf("row = %+v", r)
				}
			}
		})
	}
}
