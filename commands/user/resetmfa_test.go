package user

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestResetMFAFlags(t *testing.T) {
	e := cmdtest.New(t)
	e.In.WriteString("alice\nbob\n")
	var got *ResetMFAOptions
	run := func(_ context.Context, o *ResetMFAOptions) error { got = o; return nil }
	if err := e.Exec(NewCmdResetMFA(e.F, run), "--file", "-", "--dry-run"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Args, []string{"alice", "bob"}) || !got.Bulk.DryRun || got.Bulk.Parallel != cmdutil.DefaultParallel {
		t.Errorf("opts = %+v", got)
	}
	if err := cmdtest.New(t).Exec(NewCmdResetMFA(e.F, run)); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("no users: exit %d (%v), want 2", cmdutil.ExitCode(err), err)
	}
}

func TestResetMFARun(t *testing.T) {
	alice := mvUser("alice", func(u *model.User) { u.MfaActive = true })
	bob := mvUser("bob", func(u *model.User) { u.MfaActive = true })
	tests := []struct {
		name       string
		tty        bool
		args       []string
		failFor    string
		wantExit   int
		wantStderr []string
		wantReset  []string
	}{
		{name: "terminal", tty: true, args: []string{"alice", "bob"}, wantStderr: []string{"Reset MFA of user alice", "Reset MFA of user bob"}, wantReset: []string{alice.Id, bob.Id}},
		{name: "pipe", args: []string{bob.Id}, wantStderr: []string{"Reset MFA of user bob"}, wantReset: []string{bob.Id}},
		{name: "dry run", args: []string{"--dry-run", "alice"}, wantStderr: []string{"would reset MFA of user alice (" + alice.Id + ")"}},
		{name: "partial", args: []string{"alice", "bob"}, failFor: bob.Id, wantExit: cmdutil.ExitPartial,
			wantStderr: []string{"Reset MFA of user alice", "bob: MFA is not configured (HTTP 501)"}, wantReset: []string{alice.Id, bob.Id}},
		{name: "all not found", args: []string{"ghost"}, wantExit: cmdutil.ExitNotFound, wantStderr: []string{`ghost: user "ghost" not found`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			cmdtest.ServeUsers(e.Fake, alice, bob)
			var mu sync.Mutex
			var reset []string
			e.Fake.UpdateUserMfaFunc = func(_ context.Context, id, code string, activate bool) (*model.Response, error) {
				if code != "" || activate {
					t.Errorf("UpdateUserMfa(%s, %q, %t), want an empty code and false", id, code, activate)
				}
				mu.Lock()
				reset = append(reset, id)
				mu.Unlock()
				if id == tt.failFor {
					return &model.Response{StatusCode: 501}, mvAPIError(501, "x", "MFA is not configured")
				}
				return &model.Response{StatusCode: 200}, nil
			}
			err := e.Exec(NewCmdResetMFA(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d", got, err, tt.wantExit)
			}
			for _, line := range tt.wantStderr {
				if n := mvCount(e.ErrOut.String(), line); n != 1 {
					t.Errorf("stderr has %q %d times\n%s", line, n, e.ErrOut)
				}
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout = %q", e.Out)
			}
			if !slices.Equal(slices.Sorted(slices.Values(reset)), slices.Sorted(slices.Values(tt.wantReset))) {
				t.Errorf("reset %q, want %q", reset, tt.wantReset)
			}
		})
	}
}
