package roles

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/iostreams"
)

type testEnv struct {
	f                  *cmdutil.Factory
	fake               *clienttest.Fake
	in, stdout, stderr *bytes.Buffer
}

func newTestEnv(tty, jsonOut bool) *testEnv {
	ios, in, out, errOut := iostreams.Test()
	ios.SetTTY(tty)
	f := cmdutil.New(ios, build.Info{Version: "test"}, func(string) string { return "" })
	f.Globals.JSON = jsonOut
	fake := &clienttest.Fake{}
	f.Client = func() (client.Client, error) { return fake, nil }
	return &testEnv{f: f, fake: fake, in: in, stdout: out, stderr: errOut}
}

func withUsers(fake *clienttest.Fake, users ...*model.User) {
	find := func(keys []string, key func(*model.User) string) []*model.User {
		var out []*model.User
		for _, k := range keys {
			for _, u := range users {
				if key(u) == k {
					c := *u
					out = append(out, &c)
				}
			}
		}
		return out
	}
	fake.GetUsersByIdsFunc = func(_ context.Context, ids []string) ([]*model.User, *model.Response, error) {
		return find(ids, func(u *model.User) string { return u.Id }), nil, nil
	}
	fake.GetUsersByUsernamesFunc = func(_ context.Context, names []string) ([]*model.User, *model.Response, error) {
		return find(names, func(u *model.User) string { return u.Username }), nil, nil
	}
	fake.GetUserByEmailFunc = func(context.Context, string, string) (*model.User, *model.Response, error) {
		return nil, nil, &client.Error{Status: http.StatusNotFound, Message: "not found"}
	}
}

func execute(t *testing.T, cmd *cobra.Command, argv ...string) (int, error) {
	t.Helper()
	cmd.SetArgs(argv)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	return cmdutil.ExitCode(err), err
}

func TestRolesGroup(t *testing.T) {
	env := newTestEnv(false, false)
	cmd := NewCmdRoles(env.f)
	for _, name := range []string{"system-admin", "system_admin", "member", "list"} {
		c, _, err := cmd.Find([]string{name})
		if err != nil || c.Hidden {
			t.Errorf("subcommand %s: %v", name, err)
		}
	}
}

func TestSystemAdminFlags(t *testing.T) {
	env := newTestEnv(false, false)
	env.in.WriteString("carol\n")
	var got *SystemAdminOptions
	code, err := execute(t, NewCmdSystemAdmin(env.f, func(_ context.Context, o *SystemAdminOptions) error { got = o; return nil }),
		"alice", "bob", "--file", "-", "--dry-run", "--parallel", "3")
	if err != nil || code != 0 {
		t.Fatal(err)
	}
	if strings.Join(got.Users, ",") != "alice,bob,carol" || !got.Bulk.DryRun || got.Bulk.Parallel != 3 {
		t.Errorf("options = %+v", *got)
	}
	var gotM *MemberOptions
	if _, err := execute(t, NewCmdMember(newTestEnv(false, false).f, func(_ context.Context, o *MemberOptions) error { gotM = o; return nil }), "alice"); err != nil {
		t.Fatal(err)
	}
	if strings.Join(gotM.Users, ",") != "alice" {
		t.Errorf("member options = %+v", *gotM)
	}
	if code, _ := execute(t, NewCmdSystemAdmin(newTestEnv(false, false).f, nil)); code != cmdutil.ExitUsage {
		t.Errorf("no users: exit %d, want 2", code)
	}
	if code, _ := execute(t, NewCmdMember(newTestEnv(false, false).f, nil)); code != cmdutil.ExitUsage {
		t.Errorf("no users: exit %d, want 2", code)
	}
	if code, _ := execute(t, NewCmdList(newTestEnv(false, false).f, nil), "extra"); code != cmdutil.ExitUsage {
		t.Errorf("list with an argument: exit %d, want 2", code)
	}
}

func TestWithSystemAdmin(t *testing.T) {
	tests := []struct {
		roles   string
		admin   bool
		want    string
		changed bool
	}{
		{"system_user", true, "system_user system_admin", true},
		{"system_user system_admin", true, "system_user system_admin", false},
		{"system_user system_admin custom", false, "system_user custom", true},
		{"system_user", false, "system_user", false},
		{"system_admin", false, "system_user", true},
		{"  system_user   system_post_all ", true, "system_user system_post_all system_admin", true},
	}
	for _, tt := range tests {
		got, changed := withSystemAdmin(tt.roles, tt.admin)
		if got != tt.want || changed != tt.changed {
			t.Errorf("withSystemAdmin(%q, %v) = %q, %v; want %q, %v", tt.roles, tt.admin, got, changed, tt.want, tt.changed)
		}
	}
}

func TestSystemAdminAndMemberRun(t *testing.T) {
	alice := &model.User{Id: model.NewId(), Username: "alice", Roles: "system_user"}
	root := &model.User{Id: model.NewId(), Username: "root", Roles: "system_user system_admin"}
	noroles := &model.User{Id: model.NewId(), Username: "ghost"}

	tests := []struct {
		name       string
		member     bool
		argv       []string
		json       bool
		updateErr  error
		wantCode   int
		wantSet    map[string]string
		wantStderr []string
		wantStdout string
	}{
		{
			name:       "assign",
			argv:       []string{"alice"},
			wantSet:    map[string]string{alice.Id: "system_user system_admin"},
			wantStderr: []string{`System admin role assigned to user "alice". Current roles are: system_user system_admin`},
		},
		{
			name:       "already admin: skipped with a note",
			argv:       []string{"root", "alice"},
			wantSet:    map[string]string{alice.Id: "system_user system_admin"},
			wantStderr: []string{`User "root" is already a system admin. Current roles are: system_user system_admin`, `assigned to user "alice"`},
		},
		{
			name:       "dry run",
			argv:       []string{"alice", "--dry-run"},
			wantSet:    map[string]string{},
			wantStderr: []string{"would assign the system admin role to user alice (" + alice.Id + ")"},
		},
		{
			name:       "partial failure",
			argv:       []string{"alice", "nobody"},
			wantCode:   cmdutil.ExitPartial,
			wantSet:    map[string]string{alice.Id: "system_user system_admin"},
			wantStderr: []string{`nobody: user "nobody" not found`},
		},
		{
			name:       "user without roles is refused",
			argv:       []string{"ghost"},
			wantCode:   cmdutil.ExitError,
			wantSet:    map[string]string{},
			wantStderr: []string{"ghost: the server returned no roles"},
		},
		{
			name:       "server error",
			argv:       []string{"alice"},
			updateErr:  &client.Error{Status: http.StatusForbidden, Message: "no permission"},
			wantCode:   cmdutil.ExitAuth,
			wantSet:    map[string]string{alice.Id: "system_user system_admin"},
			wantStderr: []string{"alice: no permission (HTTP 403)"},
		},
		{
			name:       "JSON rows carry the updated user",
			argv:       []string{"alice"},
			json:       true,
			wantSet:    map[string]string{alice.Id: "system_user system_admin"},
			wantStdout: `"roles": "system_user system_admin"`,
		},
		{
			name:       "member revokes",
			member:     true,
			argv:       []string{"root"},
			wantSet:    map[string]string{root.Id: "system_user"},
			wantStderr: []string{`System admin role revoked for user "root". Current roles are: system_user`},
		},
		{
			name:       "member on a non-admin: note",
			member:     true,
			argv:       []string{"alice"},
			wantSet:    map[string]string{},
			wantStderr: []string{`User "alice" is not a system admin. Current roles are: system_user`},
		},
		{
			name:       "member dry run",
			member:     true,
			argv:       []string{root.Id, "--dry-run"},
			wantSet:    map[string]string{},
			wantStderr: []string{"would revoke the system admin role from user root"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(false, tt.json)
			withUsers(env.fake, alice, root, noroles)
			var mu sync.Mutex
			set := map[string]string{}
			env.fake.UpdateUserRolesFunc = func(_ context.Context, id, roles string) (*model.Response, error) {
				mu.Lock()
				defer mu.Unlock()
				set[id] = roles
				return nil, tt.updateErr
			}
			cmd := NewCmdSystemAdmin(env.f, nil)
			if tt.member {
				cmd = NewCmdMember(env.f, nil)
			}
			code, err := execute(t, cmd, tt.argv...)
			if code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d; stderr %q", code, err, tt.wantCode, env.stderr)
			}
			if len(set) != len(tt.wantSet) {
				t.Errorf("roles set %v, want %v", set, tt.wantSet)
			}
			for id, r := range tt.wantSet {
				if set[id] != r {
					t.Errorf("roles of %s = %q, want %q", id, set[id], r)
				}
			}
			for _, s := range tt.wantStderr {
				if !strings.Contains(env.stderr.String(), s) {
					t.Errorf("stderr = %q, want %q", env.stderr, s)
				}
			}
			if !strings.Contains(env.stdout.String(), tt.wantStdout) {
				t.Errorf("stdout = %q, want %q", env.stdout, tt.wantStdout)
			}
			if !tt.json && env.stdout.Len() > 0 {
				t.Errorf("stdout = %q, want nothing", env.stdout)
			}
		})
	}
}

func TestListRun(t *testing.T) {
	roles := []*model.Role{
		{Name: "team_user", DisplayName: "authentication.roles.team_user.name", BuiltIn: true, SchemeManaged: true},
		{Name: "custom_role", DisplayName: "Custom", Permissions: []string{"create_post"}},
		nil,
		{Name: "system_admin", DisplayName: "System Admin", BuiltIn: true, SchemeManaged: true},
	}
	tests := []struct {
		name       string
		json, tty  bool
		roles      []*model.Role
		err        error
		wantCode   int
		wantStdout string
	}{
		{
			name:  "plain, sorted by name",
			roles: roles,
			wantStdout: "custom_role\tCustom\tfalse\tfalse\n" +
				"system_admin\tSystem Admin\ttrue\ttrue\n" +
				"team_user\tauthentication.roles.team_user.name\ttrue\ttrue\n",
		},
		{name: "table header", tty: true, roles: roles, wantStdout: "NAME"},
		{name: "empty JSON", json: true, wantStdout: "[]\n"},
		{name: "error", err: &client.Error{Status: http.StatusForbidden, Message: "no"}, wantCode: cmdutil.ExitAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(tt.tty, tt.json)
			env.fake.GetAllRolesFunc = func(context.Context) ([]*model.Role, *model.Response, error) {
				if tt.err != nil {
					return nil, nil, tt.err
				}
				return tt.roles, nil, nil
			}
			code, err := execute(t, NewCmdList(env.f, nil))
			if code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.tty {
				if !strings.Contains(env.stdout.String(), tt.wantStdout) {
					t.Errorf("stdout = %q, want %q", env.stdout, tt.wantStdout)
				}
			} else if env.stdout.String() != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", env.stdout, tt.wantStdout)
			}
		})
	}

	t.Run("JSON role objects", func(t *testing.T) {
		env := newTestEnv(false, true)
		env.fake.GetAllRolesFunc = func(context.Context) ([]*model.Role, *model.Response, error) { return roles, nil, nil }
		if _, err := execute(t, NewCmdList(env.f, nil)); err != nil {
			t.Fatal(err)
		}
		var got []model.Role
		if err := json.Unmarshal(env.stdout.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].Name != "custom_role" || len(got[0].Permissions) != 1 {
			t.Errorf("roles = %+v", got)
		}
	})
}
