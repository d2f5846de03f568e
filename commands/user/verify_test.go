package user

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestVerifyFlags(t *testing.T) {
	e := cmdtest.New(t)
	var got *VerifyOptions
	run := func(_ context.Context, o *VerifyOptions) error { got = o; return nil }
	if err := e.Exec(NewCmdVerify(e.F, run), "--dry-run", "--parallel", "2", "alice", "@bob"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Args, []string{"alice", "@bob"}) || !got.Bulk.DryRun || got.Bulk.Parallel != 2 {
		t.Errorf("opts = %+v", got)
	}
	err := cmdtest.New(t).Exec(NewCmdVerify(e.F, run))
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("no users: exit %d (%v), want 2", cmdutil.ExitCode(err), err)
	}
}

func TestVerifyRun(t *testing.T) {
	alice, bob := mvUser("alice"), mvUser("bob")
	tests := []struct {
		name       string
		tty        bool
		json       bool
		args       []string
		failFor    string
		wantExit   int
		wantStderr []string
		wantCalls  int
	}{
		{name: "terminal", tty: true, args: []string{"alice", "bob"}, wantStderr: []string{"User alice verified", "User bob verified"}, wantCalls: 2},
		{name: "pipe", args: []string{"bob@example.com"}, wantStderr: []string{"User bob verified"}, wantCalls: 1},
		{name: "dry run", args: []string{"--dry-run", "alice"}, wantStderr: []string{"would verify the email of user alice (" + alice.Id + ")"}},
		{name: "partial", args: []string{"alice", "ghost"}, wantExit: cmdutil.ExitPartial, wantStderr: []string{"User alice verified", `ghost: user "ghost" not found`}, wantCalls: 1},
		{name: "server refuses", args: []string{"alice"}, failFor: alice.Id, wantExit: cmdutil.ExitAuth, wantStderr: []string{"alice: nope (HTTP 403)"}, wantCalls: 1},
		{name: "json", json: true, args: []string{"bob", "alice"}, wantStderr: []string{"User alice verified", "User bob verified"}, wantCalls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			cmdtest.ServeUsers(e.Fake, alice, bob)
			e.Fake.VerifyUserEmailWithoutTokenFunc = func(_ context.Context, id string) (*model.User, *model.Response, error) {
				if id == tt.failFor {
					return nil, &model.Response{StatusCode: 403}, mvAPIError(403, "x", "nope")
				}
				u := *alice
				if id == bob.Id {
					u = *bob
				}
				u.EmailVerified = true
				return &u, &model.Response{StatusCode: 200}, nil
			}
			err := e.Exec(NewCmdVerify(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d", got, err, tt.wantExit)
			}
			for _, line := range tt.wantStderr {
				if n := mvCount(e.ErrOut.String(), line); n != 1 {
					t.Errorf("stderr has %q %d times\n%s", line, n, e.ErrOut)
				}
			}
			if got := e.Fake.Calls("VerifyUserEmailWithoutToken"); got != tt.wantCalls {
				t.Errorf("VerifyUserEmailWithoutToken calls = %d, want %d", got, tt.wantCalls)
			}
			if !tt.json {
				if e.Out.Len() != 0 {
					t.Errorf("stdout = %q", e.Out)
				}
				return
			}
			rows := mvRows(t, e.Out.String())
			if len(rows) != 2 || rows[0].Input != "bob" || rows[1].Input != "alice" {
				t.Fatalf("rows = %+v", rows)
			}
			for _, r := range rows {
				if !r.OK || r.User == nil || !r.User.EmailVerified || strings.Contains(e.Out.String(), `"password"`) {
					t.Errorf("row = %+v", r)
				}
			}
		})
	}
}
