package user

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// The searchTest helpers are shared by the tests of search, show, create, invite and
// reset-password.

// searchTestServe makes the fake resolve users by ID, username and email from users. A
// username or email listed in failing gets failErr instead.
func searchTestServe(fake *clienttest.Fake, users []*model.User, failErr error, failing ...string) {
	cmdtest.ServeUsers(fake, users...)
	fails := map[string]bool{}
	for _, s := range failing {
		fails[s] = true
	}
	byNames, byEmail := fake.GetUsersByUsernamesFunc, fake.GetUserByEmailFunc
	fake.GetUsersByUsernamesFunc = func(ctx context.Context, names []string) ([]*model.User, *model.Response, error) {
		for _, n := range names {
			if fails[n] {
				return nil, nil, failErr
			}
		}
		return byNames(ctx, names)
	}
	fake.GetUserByEmailFunc = func(ctx context.Context, email, etag string) (*model.User, *model.Response, error) {
		if fails[email] {
			return nil, nil, failErr
		}
		return byEmail(ctx, email, etag)
	}
}

func searchTestUser(name string) *model.User {
	return &model.User{Id: model.NewId(), Username: name, Email: name + "@example.com", FirstName: strings.ToUpper(name[:1]) + name[1:], LastName: "Doe", Roles: "system_user"}
}

// searchTestUsernames decodes a JSON array of users and returns their usernames.
func searchTestUsernames(t *testing.T, b []byte) []string {
	t.Helper()
	var users []model.User
	if err := json.Unmarshal(b, &users); err != nil {
		t.Fatalf("stdout is not a JSON array of users: %v\n%s", err, b)
	}
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = u.Username
	}
	return names
}

func TestSearchFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "users.txt")
	if err := os.WriteFile(file, []byte("carol\n# comment\n\n dave \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		argv    []string
		stdin   string
		want    []string
		wantErr string
	}{
		{name: "args", argv: []string{"alice", "bob@example.com"}, want: []string{"alice", "bob@example.com"}},
		{name: "file", argv: []string{"alice", "--file", file}, want: []string{"alice", "carol", "dave"}},
		{name: "stdin", argv: []string{"--file", "-"}, stdin: "erin\n", want: []string{"erin"}},
		{name: "none", argv: nil, wantErr: "at least one user"},
		{name: "missing file", argv: []string{"--file", filepath.Join(dir, "nope")}, wantErr: "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t)
			env.In.WriteString(tt.stdin)
			var got *SearchOptions
			err := env.Exec(NewCmdSearch(env.F, func(_ context.Context, o *SearchOptions) error { got = o; return nil }), tt.argv...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got.Users, ",") != strings.Join(tt.want, ",") {
				t.Errorf("users = %q, want %q", got.Users, tt.want)
			}
		})
	}
}

func TestSearchRun(t *testing.T) {
	alice, bob, carol := searchTestUser("alice"), searchTestUser("bob"), searchTestUser("carol")
	users := []*model.User{alice, bob, carol}
	tests := []struct {
		name      string
		argv      []string
		tty       bool
		format    string
		failErr   error
		failing   []string
		wantCode  int
		wantNames []string // JSON formats
		wantOut   []string
		wantNoOut []string
		wantErr   string // exact stderr
	}{
		{name: "mixed args json in argument order", argv: []string{"carol", alice.Id, "bob@example.com", "@alice"}, format: "json",
			wantNames: []string{"carol", "alice", "bob", "alice"}},
		{name: "table", argv: []string{"alice", "bob"}, tty: true,
			wantOut: []string{"USERNAME", "alice", "Alice Doe", "bob@example.com"}},
		{name: "plain", argv: []string{"bob"},
			wantOut: []string{bob.Id + "\tbob\tbob@example.com\tBob Doe\tsystem_user\tactive\n"}},
		{name: "partial", argv: []string{"alice", "nobody", "bob"}, format: "json", wantCode: cmdutil.ExitPartial,
			wantNames: []string{"alice", "bob"}, wantErr: "nobody: user \"nobody\" not found\n"},
		{name: "none found", argv: []string{"nobody", "ghost@example.com"}, format: "json", wantCode: cmdutil.ExitNotFound,
			wantNames: []string{}, wantErr: "nobody: user \"nobody\" not found\nghost@example.com: user \"ghost@example.com\" not found\n"},
		{name: "server error is not not-found", argv: []string{"alice", "zed"}, format: "json",
			failErr: &client.Error{Status: 403, Message: "You do not have the appropriate permissions."}, failing: []string{"zed"},
			wantCode: cmdutil.ExitAuth, wantNames: []string{},
			wantErr: "alice: You do not have the appropriate permissions. (HTTP 403)\nzed: You do not have the appropriate permissions. (HTTP 403)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.Format(tt.format))
			searchTestServe(env.Fake, users, tt.failErr, tt.failing...)
			err := env.Exec(NewCmdSearch(env.F, nil), tt.argv...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d; stderr: %s", code, err, tt.wantCode, env.ErrOut)
			}
			if tt.wantNames != nil {
				if got := searchTestUsernames(t, env.Out.Bytes()); strings.Join(got, ",") != strings.Join(tt.wantNames, ",") {
					t.Errorf("users = %q, want %q", got, tt.wantNames)
				}
			}
			for _, s := range tt.wantOut {
				if !strings.Contains(env.Out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, env.Out)
				}
			}
			if env.ErrOut.String() != tt.wantErr {
				t.Errorf("stderr = %q, want %q", env.ErrOut, tt.wantErr)
			}
			if n := env.Fake.Calls("GetUsersByUsernames"); n > 1 {
				t.Errorf("GetUsersByUsernames called %d times, want one batch", n)
			}
		})
	}
}
