package user

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestShowFlags(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		stdin   string
		want    []string
		wantErr string
	}{
		{name: "one", argv: []string{"alice"}, want: []string{"alice"}},
		{name: "several and stdin", argv: []string{"alice", "--file", "-"}, stdin: "bob\ncarol\n", want: []string{"alice", "bob", "carol"}},
		{name: "none", wantErr: "at least one user"},
		{name: "unknown flag", argv: []string{"alice", "--bogus"}, wantErr: "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t)
			env.In.WriteString(tt.stdin)
			var got *ShowOptions
			err := env.Exec(NewCmdShow(env.F, func(_ context.Context, o *ShowOptions) error { got = o; return nil }), tt.argv...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
					t.Errorf("exit code = %d, want 2", code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got.Args, ",") != strings.Join(tt.want, ",") {
				t.Errorf("users = %q, want %q", got.Args, tt.want)
			}
		})
	}
}

func TestShowRun(t *testing.T) {
	alice, bob := searchTestUser("alice"), searchTestUser("bob")
	alice.Nickname = "Al"
	alice.DeleteAt = 1700000000000
	users := []*model.User{alice, bob}
	tests := []struct {
		name      string
		argv      []string
		tty       bool
		format    string
		failErr   error
		failing   []string
		wantCode  int
		check     func(t *testing.T, out string)
		wantOut   []string
		wantNoOut []string
		wantErr   string
	}{
		{name: "one user json is an object", argv: []string{"alice"}, format: "json",
			check: func(t *testing.T, out string) {
				var u model.User
				if err := json.Unmarshal([]byte(out), &u); err != nil {
					t.Fatalf("not a JSON object: %v\n%s", err, out)
				}
				if u.Id != alice.Id || u.Nickname != "Al" || u.DeleteAt != alice.DeleteAt {
					t.Errorf("user = %+v", u)
				}
			}},
		{name: "several users json is an array", argv: []string{"bob", "alice"}, format: "json",
			check: func(t *testing.T, out string) {
				if got := searchTestUsernames(t, []byte(out)); strings.Join(got, ",") != "bob,alice" {
					t.Errorf("users = %q", got)
				}
			}},
		{name: "one user on a terminal is a key/value table", argv: []string{"alice"}, tty: true,
			wantOut: []string{"USERNAME", "alice", "NICKNAME", "Al", "STATUS", "deactivated", "CREATED"}},
		{name: "several users on a terminal is a table", argv: []string{"alice", "bob"}, tty: true,
			wantOut: []string{"ID", "USERNAME", "STATUS", "alice", "deactivated", "bob", "active"}, wantNoOut: []string{"NICKNAME"}},
		{name: "one user plain has the list columns", argv: []string{"bob"},
			check: func(t *testing.T, out string) {
				want := bob.Id + "\tbob\tbob@example.com\tBob Doe\tsystem_user\tactive\n"
				if out != want {
					t.Errorf("stdout = %q, want %q", out, want)
				}
			}},
		{name: "one user not found", argv: []string{"ghost"}, format: "json", wantCode: cmdutil.ExitNotFound,
			check:   func(t *testing.T, out string) { t.Helper(); showTestEmpty(t, out) },
			wantErr: "ghost: user \"ghost\" not found\n"},
		{name: "one user forbidden", argv: []string{"ghost@example.com"}, failErr: &client.Error{Status: 403, Message: "denied"},
			failing: []string{"ghost@example.com"}, wantCode: cmdutil.ExitAuth,
			check:   func(t *testing.T, out string) { t.Helper(); showTestEmpty(t, out) },
			wantErr: "ghost@example.com: denied (HTTP 403)\n"},
		{name: "some not found", argv: []string{"alice", "ghost", "bob"}, format: "json", wantCode: cmdutil.ExitPartial,
			check: func(t *testing.T, out string) {
				if got := searchTestUsernames(t, []byte(out)); strings.Join(got, ",") != "alice,bob" {
					t.Errorf("users = %q", got)
				}
			},
			wantErr: "ghost: user \"ghost\" not found\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.Format(tt.format))
			searchTestServe(env.Fake, users, tt.failErr, tt.failing...)
			err := env.Exec(NewCmdShow(env.F, nil), tt.argv...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d; stderr: %s", code, err, tt.wantCode, env.ErrOut)
			}
			if tt.check != nil {
				tt.check(t, env.Out.String())
			}
			for _, s := range tt.wantOut {
				if !strings.Contains(env.Out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, env.Out)
				}
			}
			for _, s := range tt.wantNoOut {
				if strings.Contains(env.Out.String(), s) {
					t.Errorf("stdout has %q:\n%s", s, env.Out)
				}
			}
			if env.ErrOut.String() != tt.wantErr {
				t.Errorf("stderr = %q, want %q", env.ErrOut, tt.wantErr)
			}
		})
	}
}

func showTestEmpty(t *testing.T, out string) {
	t.Helper()
	if out != "" {
		t.Errorf("stdout = %q, want nothing", out)
	}
}
