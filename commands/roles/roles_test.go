package roles

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestRolesGroup(t *testing.T) {
	env := cmdtest.New(t)
	cmd := NewCmdRoles(env.F)
	for _, name := range []string{"system-admin", "system_admin", "member", "list"} {
		c, _, err := cmd.Find([]string{name})
		if err != nil || c.Hidden {
			t.Errorf("subcommand %s: %v", name, err)
		}
	}
}

func TestSystemAdminFlags(t *testing.T) {
	env := cmdtest.New(t)
	env.In.WriteString("carol\n")
	var got *SystemAdminOptions
	err := env.Exec(NewCmdSystemAdmin(env.F, func(_ context.Context, o *SystemAdminOptions) error { got = o; return nil }),
		"alice", "bob", "--file", "-", "--dry-run", "--parallel", "3")
	code := cmdutil.ExitCode(err)
	if err != nil || code != 0 {
		t.Fatal(err)
	}
	if strings.Join(got.Args, ",") != "alice,bob,carol" || !got.Bulk.DryRun || got.Bulk.Parallel != 3 {
		t.Errorf("options = %+v", *got)
	}
	var gotM *MemberOptions
	env = cmdtest.New(t)
	if err := env.Exec(NewCmdMember(env.F, func(_ context.Context, o *MemberOptions) error { gotM = o; return nil }), "alice"); err != nil {
		t.Fatal(err)
	}
	if strings.Join(gotM.Args, ",") != "alice" {
		t.Errorf("member options = %+v", *gotM)
	}
	env = cmdtest.New(t)
	if code := cmdutil.ExitCode(env.Exec(NewCmdSystemAdmin(env.F, nil))); code != cmdutil.ExitUsage {
		t.Errorf("no users: exit %d, want 2", code)
	}
	env = cmdtest.New(t)
	if code := cmdutil.ExitCode(env.Exec(NewCmdMember(env.F, nil))); code != cmdutil.ExitUsage {
		t.Errorf("no users: exit %d, want 2", code)
	}
	env = cmdtest.New(t)
	if code := cmdutil.ExitCode(env.Exec(NewCmdList(env.F, nil), "extra")); code != cmdutil.ExitUsage {
		t.Errorf("list with an argument: exit %d, want 2", code)
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
			name:       "dry run on an admin says nothing would change",
			argv:       []string{"root", "alice", "--dry-run"},
			wantSet:    map[string]string{},
			wantStderr: []string{"user root is already a system admin: nothing would change", "would assign the system admin role to user alice"},
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
		{
			name:       "member dry run on a non-admin says nothing would change",
			member:     true,
			argv:       []string{"alice", "--dry-run"},
			wantSet:    map[string]string{},
			wantStderr: []string{"user alice is not a system admin: nothing would change"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.JSON(tt.json))
			cmdtest.ServeUsers(env.Fake, alice, root, noroles)
			var mu sync.Mutex
			set := map[string]string{}
			env.Fake.UpdateUserRolesFunc = func(_ context.Context, id, roles string) (*model.Response, error) {
				mu.Lock()
				defer mu.Unlock()
				set[id] = roles
				return nil, tt.updateErr
			}
			cmd := NewCmdSystemAdmin(env.F, nil)
			if tt.member {
				cmd = NewCmdMember(env.F, nil)
			}
			err := env.Exec(cmd, tt.argv...)
			code := cmdutil.ExitCode(err)
			if code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d; stderr %q", code, err, tt.wantCode, env.ErrOut)
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
				if !strings.Contains(env.ErrOut.String(), s) {
					t.Errorf("stderr = %q, want %q", env.ErrOut, s)
				}
			}
			if !strings.Contains(env.Out.String(), tt.wantStdout) {
				t.Errorf("stdout = %q, want %q", env.Out, tt.wantStdout)
			}
			if !tt.json && env.Out.Len() > 0 {
				t.Errorf("stdout = %q, want nothing", env.Out)
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
			env := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			env.Fake.GetAllRolesFunc = func(context.Context) ([]*model.Role, *model.Response, error) {
				if tt.err != nil {
					return nil, nil, tt.err
				}
				return tt.roles, nil, nil
			}
			err := env.Exec(NewCmdList(env.F, nil))
			code := cmdutil.ExitCode(err)
			if code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.tty {
				if !strings.Contains(env.Out.String(), tt.wantStdout) {
					t.Errorf("stdout = %q, want %q", env.Out, tt.wantStdout)
				}
			} else if env.Out.String() != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", env.Out, tt.wantStdout)
			}
		})
	}

	t.Run("JSON role objects", func(t *testing.T) {
		env := cmdtest.New(t, cmdtest.JSON(true))
		env.Fake.GetAllRolesFunc = func(context.Context) ([]*model.Role, *model.Response, error) { return roles, nil, nil }
		if err := env.Exec(NewCmdList(env.F, nil)); err != nil {
			t.Fatal(err)
		}
		var got []model.Role
		if err := json.Unmarshal(env.Out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0].Name != "custom_role" || len(got[0].Permissions) != 1 {
			t.Errorf("roles = %+v", got)
		}
	})
}
