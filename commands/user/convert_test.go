package user

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestConvertFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		stdin   string
		want    func(t *testing.T, o *ConvertOptions)
		wantErr string
	}{
		{
			name: "to bot", args: []string{"alice", "bob", "--bot"},
			want: func(t *testing.T, o *ConvertOptions) {
				if !o.ToBot || o.ToUser || !slices.Equal(o.Users, []string{"alice", "bob"}) {
					t.Errorf("opts = %+v", o)
				}
			},
		},
		{
			name: "to bot from a file", args: []string{"--bot", "--file", "-", "--dry-run"}, stdin: "alice\nbob\n",
			want: func(t *testing.T, o *ConvertOptions) {
				if !slices.Equal(o.Users, []string{"alice", "bob"}) || !o.Bulk.DryRun {
					t.Errorf("opts = %+v", o)
				}
			},
		},
		{
			name: "to user with every field",
			args: []string{"mybot", "--user", "--password-file", "pw.txt", "--username", "newname", "--email", "n@example.com",
				"--nickname", "nick", "--firstname", "First", "--lastname", "Last", "--locale", "fr", "--system-admin"},
			want: func(t *testing.T, o *ConvertOptions) {
				if !o.ToUser || o.ToBot || !slices.Equal(o.Users, []string{"mybot"}) || o.PasswordFile != "pw.txt" ||
					o.Username != "newname" || o.Email != "n@example.com" || o.Nickname != "nick" || o.FirstName != "First" ||
					o.LastName != "Last" || o.Locale != "fr" || !o.SystemAdmin {
					t.Errorf("opts = %+v", o)
				}
			},
		},
		{name: "neither", args: []string{"alice"}, wantErr: "give --bot (convert users to bots) or --user (convert a bot to a user)"},
		{name: "both", args: []string{"alice", "--bot", "--user"}, wantErr: "--bot and --user cannot be used together"},
		{name: "user flags with --bot", args: []string{"alice", "--bot", "--password", "x", "--system-admin"}, wantErr: "--password, --system-admin apply only with --user"},
		{name: "one user flag with --bot", args: []string{"alice", "--bot", "--locale", "fr"}, wantErr: "--locale applies only with --user"},
		{name: "--user with two bots", args: []string{"b1", "b2", "--user", "--password", "x"}, wantErr: "--user converts one bot at a time, got 2"},
		{name: "--user with two bots via --file", args: []string{"b1", "--user", "--file", "-", "--password", "x"}, stdin: "b2\n", wantErr: "--user converts one bot at a time, got 2"},
		{name: "--user without a bot", args: []string{"--user", "--password", "x"}, wantErr: "give at least one bot"},
		{name: "two passwords", args: []string{"b1", "--user", "--password", "x", "--password-file", "f"}, wantErr: "--password and --password-file cannot be used together"},
		{name: "stdin twice", args: []string{"--user", "--password-file", "-", "--file", "-"}, wantErr: "cannot both read standard input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.In.WriteString(tt.stdin)
			var got *ConvertOptions
			err := e.Exec(NewCmdConvert(e.F, func(_ context.Context, o *ConvertOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v (exit %d), want usage error %q", err, cmdutil.ExitCode(err), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.want(t, got)
		})
	}
}

func TestConvertToBotRun(t *testing.T) {
	alice, bob := mvUser("alice"), mvUser("bob")
	robot := mvUser("robot", mvBot)
	tests := []struct {
		name          string
		tty           bool
		json          bool
		args          []string
		wantExit      int
		wantStderr    []string
		wantConverted []string
	}{
		{name: "users", tty: true, args: []string{"alice", "bob"}, wantStderr: []string{"alice converted to bot.", "bob converted to bot."}, wantConverted: []string{alice.Id, bob.Id}},
		{name: "a bot is refused before any call", args: []string{"alice", "robot"}, wantExit: cmdutil.ExitPartial,
			wantStderr: []string{"alice converted to bot.", "robot: robot is already a bot"}, wantConverted: []string{alice.Id}},
		{name: "dry run", args: []string{"--dry-run", "alice"}, wantStderr: []string{"would convert to a bot user alice (" + alice.Id + ")"}},
		{name: "unknown", args: []string{"ghost"}, wantExit: cmdutil.ExitNotFound, wantStderr: []string{`ghost: user "ghost" not found`}},
		{name: "json", json: true, args: []string{"bob", "alice"}, wantStderr: []string{"alice converted to bot.", "bob converted to bot."}, wantConverted: []string{alice.Id, bob.Id}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			cmdtest.ServeUsers(e.Fake, alice, bob, robot)
			var mu sync.Mutex
			var converted []string
			e.Fake.ConvertUserToBotFunc = func(_ context.Context, id string) (*model.Bot, *model.Response, error) {
				mu.Lock()
				converted = append(converted, id)
				mu.Unlock()
				return &model.Bot{UserId: id}, &model.Response{StatusCode: 200}, nil
			}
			err := e.Exec(NewCmdConvert(e.F, nil), append([]string{"--bot"}, tt.args...)...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d", got, err, tt.wantExit)
			}
			for _, line := range tt.wantStderr {
				if n := mvCount(e.ErrOut.String(), line); n != 1 {
					t.Errorf("stderr has %q %d times\n%s", line, n, e.ErrOut)
				}
			}
			if !slices.Equal(slices.Sorted(slices.Values(converted)), slices.Sorted(slices.Values(tt.wantConverted))) {
				t.Errorf("converted %q, want %q", converted, tt.wantConverted)
			}
			if e.Fake.Calls("ConvertBotToUser") != 0 {
				t.Error("ConvertBotToUser called with --bot")
			}
			if !tt.json {
				if e.Out.Len() != 0 {
					t.Errorf("stdout = %q", e.Out)
				}
				return
			}
			rows := mvRows(t, e.Out.String())
			if len(rows) != 2 || rows[0].Input != "bob" || rows[1].Input != "alice" || !rows[0].User.IsBot || !rows[1].User.IsBot {
				t.Errorf("rows = %+v", rows)
			}
		})
	}
}

func TestConvertToUserRun(t *testing.T) {
	const secret = "S3cret-pass!"
	robot := mvUser("robot", mvBot)
	alice := mvUser("alice")
	pwFile := filepath.Join(t.TempDir(), "pw.txt")
	if err := os.WriteFile(pwFile, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	type call struct {
		id    string
		patch model.UserPatch
		admin bool
	}
	tests := []struct {
		name       string
		tty        bool
		json       bool
		args       []string
		stdin      string
		passwords  []string
		wantExit   int
		wantErr    string
		wantStderr []string
		wantCall   *call
		wantAsked  int
	}{
		{
			name:       "password from a file, fields, system admin",
			args:       []string{"robot", "--password-file", pwFile, "--username", "human", "--email", "human@example.com", "--locale", "fr", "--system-admin"},
			wantStderr: []string{"human converted to user."},
			wantCall: &call{id: robot.Id, admin: true, patch: model.UserPatch{Password: model.NewPointer(secret),
				Username: model.NewPointer("human"), Email: model.NewPointer("human@example.com"), Locale: model.NewPointer("fr")}},
		},
		{
			name: "password from stdin", args: []string{"@robot", "--password-file", "-"}, stdin: secret + "\n",
			wantStderr: []string{"robot converted to user."},
			wantCall:   &call{id: robot.Id, patch: model.UserPatch{Password: model.NewPointer(secret)}},
		},
		{
			name: "mmctl's --password", args: []string{"robot", "--password", secret, "--nickname", "Robbie", "--firstname", "Rob", "--lastname", "Bot"},
			wantStderr: []string{"robot converted to user."},
			wantCall: &call{id: robot.Id, patch: model.UserPatch{Password: model.NewPointer(secret), Nickname: model.NewPointer("Robbie"),
				FirstName: model.NewPointer("Rob"), LastName: model.NewPointer("Bot")}},
		},
		{
			name: "terminal asks for the password", tty: true, args: []string{"robot"}, passwords: []string{secret}, wantAsked: 1,
			wantStderr: []string{"robot converted to user."},
			wantCall:   &call{id: robot.Id, patch: model.UserPatch{Password: model.NewPointer(secret)}},
		},
		{
			name: "no terminal, no password", args: []string{"robot"},
			wantExit: cmdutil.ExitUsage, wantErr: "--password-file (or --password)",
		},
		{
			name: "dry run validates the password is given", args: []string{"robot", "--dry-run"},
			wantExit: cmdutil.ExitUsage, wantErr: "--password-file",
		},
		{
			name: "dry run at a terminal asks nothing", tty: true, args: []string{"robot", "--dry-run", "--email", "r@example.com", "--system-admin"},
			wantStderr: []string{
				`the account would get: email "r@example.com", a password, the system admin role`,
				"would convert to a regular user account the bot user robot (" + robot.Id + ")",
			},
		},
		{
			name: "not a bot", args: []string{"alice", "--password", secret},
			wantExit: cmdutil.ExitError, wantStderr: []string{"alice: alice is not a bot"},
		},
		{
			name: "json", json: true, args: []string{"robot", "--password-file", pwFile},
			wantStderr: []string{"robot converted to user."},
			wantCall:   &call{id: robot.Id, patch: model.UserPatch{Password: model.NewPointer(secret)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			e.In.WriteString(tt.stdin)
			for _, pw := range tt.passwords {
				e.Prompter.Script(cmdtest.Password("", pw))
			}
			cmdtest.ServeUsers(e.Fake, robot, alice)
			var got *call
			e.Fake.ConvertBotToUserFunc = func(_ context.Context, id string, patch *model.UserPatch, admin bool) (*model.User, *model.Response, error) {
				got = &call{id: id, patch: *patch, admin: admin}
				u := *robot
				u.IsBot = false
				if patch.Username != nil {
					u.Username = *patch.Username
				}
				return &u, &model.Response{StatusCode: 200}, nil
			}
			err := e.Exec(NewCmdConvert(e.F, nil), append([]string{"--user"}, tt.args...)...)
			if code := cmdutil.ExitCode(err); code != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d\nstderr:\n%s", code, err, tt.wantExit, e.ErrOut)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			for _, line := range tt.wantStderr {
				if n := mvCount(e.ErrOut.String(), line); n != 1 {
					t.Errorf("stderr has %q %d times\n%s", line, n, e.ErrOut)
				}
			}
			if all := e.Out.String() + e.ErrOut.String() + fmt.Sprint(err); strings.Contains(all, secret) {
				t.Errorf("the password was printed:\n%s", all)
			}
			if len(e.Prompter.Asked()) != tt.wantAsked {
				t.Errorf("asked %q", e.Prompter.Asked())
			}
			if e.Fake.Calls("ConvertUserToBot") != 0 {
				t.Error("ConvertUserToBot called with --user")
			}
			if tt.wantCall == nil {
				if got != nil {
					t.Errorf("ConvertBotToUser called: %+v", got)
				}
				return
			}
			if got == nil {
				t.Fatal("ConvertBotToUser not called")
			}
			if got.id != tt.wantCall.id || got.admin != tt.wantCall.admin || !convertPatchEqual(got.patch, tt.wantCall.patch) {
				t.Errorf("ConvertBotToUser(%s, %s, %t), want (%s, %s, %t)", got.id, convertPatchString(got.patch), got.admin,
					tt.wantCall.id, convertPatchString(tt.wantCall.patch), tt.wantCall.admin)
			}
			if tt.json {
				rows := mvRows(t, e.Out.String())
				if len(rows) != 1 || !rows[0].OK || rows[0].User == nil || rows[0].User.IsBot {
					t.Errorf("rows = %+v", rows)
				}
			} else if e.Out.Len() != 0 {
				t.Errorf("stdout = %q", e.Out)
			}
		})
	}
}

func convertPatchString(p model.UserPatch) string {
	s := func(v *string) string {
		if v == nil {
			return "<nil>"
		}
		return *v
	}
	return strings.Join([]string{s(p.Username), s(p.Password), s(p.Email), s(p.Nickname), s(p.FirstName), s(p.LastName), s(p.Locale)}, "|")
}

func convertPatchEqual(a, b model.UserPatch) bool {
	return convertPatchString(a) == convertPatchString(b)
}
