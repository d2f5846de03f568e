package ops

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
)

var errServer = &client.Error{Status: http.StatusInternalServerError, Message: "boom"}

func ok() *model.Response { return &model.Response{StatusCode: http.StatusOK} }

func alice() *model.User {
	return &model.User{Id: model.NewId(), Username: "alice", Email: "alice@example.com", Roles: "system_user"}
}

func TestCreateUserSetup(t *testing.T) {
	tests := []struct {
		name      string
		setup     UserSetup
		failStep  string
		wantRoles string
		wantErr   string
		wantCalls map[string]int
	}{
		{name: "plain", wantRoles: "system_user", wantCalls: map[string]int{"CreateUser": 1, "UpdateUserRoles": 0}},
		{name: "system admin", setup: UserSetup{SystemAdmin: true}, wantRoles: "system_user system_admin"},
		{name: "guest", setup: UserSetup{Guest: true}, wantRoles: "system_guest"},
		{name: "verified", setup: UserSetup{EmailVerified: true}, wantRoles: "system_user", wantCalls: map[string]int{"VerifyUserEmailWithoutToken": 1}},
		{name: "admin step fails", setup: UserSetup{SystemAdmin: true}, failStep: "roles", wantRoles: "system_user",
			wantErr: "created user alice, but could not make them a system admin"},
		{name: "verify step fails", setup: UserSetup{EmailVerified: true}, failStep: "verify", wantRoles: "system_user",
			wantErr: "created user alice, but could not verify their email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &clienttest.Fake{}
			f.CreateUserFunc = func(_ context.Context, u *model.User) (*model.User, *model.Response, error) {
				c := *u
				c.Id, c.Roles, c.Password = model.NewId(), "system_user", "hash"
				return &c, ok(), nil
			}
			f.UpdateUserRolesFunc = func(context.Context, string, string) (*model.Response, error) {
				if tt.failStep == "roles" {
					return nil, errServer
				}
				return ok(), nil
			}
			f.DemoteUserToGuestFunc = func(context.Context, string) (*model.Response, error) { return ok(), nil }
			f.VerifyUserEmailWithoutTokenFunc = func(context.Context, string) (*model.User, *model.Response, error) {
				if tt.failStep == "verify" {
					return nil, nil, errServer
				}
				return nil, ok(), nil
			}
			u, err := CreateUser(context.Background(), f, &model.User{Username: "alice", Password: "pw"}, tt.setup)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if tt.wantErr != "" && !errors.Is(err, errServer) {
				t.Errorf("the server's error is not kept: %v", err)
			}
			if u == nil || u.Id == "" || u.Password != "" || u.Roles != tt.wantRoles {
				t.Fatalf("user = %+v, want created, no password, roles %q", u, tt.wantRoles)
			}
			for name, n := range tt.wantCalls {
				if got := f.Calls(name); got != n {
					t.Errorf("%s calls = %d, want %d", name, got, n)
				}
			}
		})
	}
}

func TestCreateUserFails(t *testing.T) {
	f := &clienttest.Fake{}
	f.CreateUserFunc = func(context.Context, *model.User) (*model.User, *model.Response, error) { return nil, nil, errServer }
	if u, err := CreateUser(context.Background(), f, alice(), UserSetup{SystemAdmin: true}); u != nil || err != errServer {
		t.Errorf("got %v, %v; want nil and the server's error", u, err)
	}
	if f.Calls("UpdateUserRoles") != 0 {
		t.Error("set up a user that was not created")
	}
}

// Each change updates the object only when the server accepted it.
func TestUserChanges(t *testing.T) {
	tests := []struct {
		name   string
		stub   func(f *clienttest.Fake, err error)
		before func(*model.User)
		check  func(*model.User) bool
	}{
		{
			name: "deactivate",
			stub: func(f *clienttest.Fake, err error) {
				f.UpdateUserActiveFunc = func(_ context.Context, _ string, active bool) (*model.Response, error) {
					if active {
						return nil, errors.New("activated")
					}
					return ok(), err
				}
			},
			check: func(u *model.User) bool { return u.DeleteAt != 0 },
		},
		{
			name: "promote",
			stub: func(f *clienttest.Fake, err error) {
				f.PromoteGuestToUserFunc = func(context.Context, string) (*model.Response, error) { return ok(), err }
			},
			before: func(u *model.User) { u.Roles = "system_guest custom" },
			check:  func(u *model.User) bool { return u.Roles == "system_user custom" },
		},
		{
			name: "demote",
			stub: func(f *clienttest.Fake, err error) {
				f.DemoteUserToGuestFunc = func(context.Context, string) (*model.Response, error) { return ok(), err }
			},
			check: func(u *model.User) bool { return u.Roles == "system_guest" },
		},
		{
			name: "verify",
			stub: func(f *clienttest.Fake, err error) {
				f.VerifyUserEmailWithoutTokenFunc = func(context.Context, string) (*model.User, *model.Response, error) {
					return &model.User{Password: "hash"}, ok(), err
				}
			},
			check: func(u *model.User) bool { return u.EmailVerified && u.Password == "" },
		},
		{
			name: "reset MFA",
			stub: func(f *clienttest.Fake, err error) {
				f.UpdateUserMfaFunc = func(_ context.Context, _, code string, activate bool) (*model.Response, error) {
					if code != "" || activate {
						return nil, errors.New("activated")
					}
					return ok(), err
				}
			},
			before: func(u *model.User) { u.MfaActive, u.MfaSecret = true, "s" },
			check:  func(u *model.User) bool { return !u.MfaActive && u.MfaSecret == "" },
		},
	}
	ops := map[string]func(context.Context, client.Client, *model.User) error{
		"deactivate": func(ctx context.Context, c client.Client, u *model.User) error {
			return SetUserActive(ctx, c, u, false)
		},
		"promote": PromoteGuest, "demote": DemoteToGuest, "verify": VerifyEmail, "reset MFA": ResetMFA,
	}
	for _, tt := range tests {
		for _, fail := range []bool{false, true} {
			t.Run(tt.name, func(t *testing.T) {
				f := &clienttest.Fake{}
				var stubErr error
				if fail {
					stubErr = errServer
				}
				tt.stub(f, stubErr)
				u := alice()
				if tt.before != nil {
					tt.before(u)
				}
				orig := *u
				err := ops[tt.name](context.Background(), f, u)
				if fail {
					if err != errServer || !reflect.DeepEqual(*u, orig) {
						t.Errorf("failed call: err = %v, user %+v, was %+v", err, *u, orig)
					}
					return
				}
				if err != nil || !tt.check(u) {
					t.Errorf("err = %v, user = %+v", err, u)
				}
			})
		}
	}
}

func TestDeleteUserImageLeft(t *testing.T) {
	for status, want := range map[int]bool{http.StatusOK: false, http.StatusAccepted: true} {
		f := &clienttest.Fake{}
		f.PermanentDeleteUserFunc = func(context.Context, string) (*model.Response, error) {
			return &model.Response{StatusCode: status}, nil
		}
		if left, err := DeleteUser(context.Background(), f, alice()); err != nil || left != want {
			t.Errorf("HTTP %d: imageLeft = %v, %v; want %v", status, left, err, want)
		}
	}
}

func TestSetSystemAdminNoRequestWhenUnchanged(t *testing.T) {
	f := &clienttest.Fake{}
	var sent string
	f.UpdateUserRolesFunc = func(_ context.Context, _, roles string) (*model.Response, error) { sent = roles; return ok(), nil }
	u := alice()
	if changed, err := SetSystemAdmin(context.Background(), f, u, false); changed || err != nil || f.Calls("UpdateUserRoles") != 0 {
		t.Errorf("not an admin, asked to remove: changed %v, err %v, %d calls", changed, err, f.Calls("UpdateUserRoles"))
	}
	if changed, err := SetSystemAdmin(context.Background(), f, u, true); !changed || err != nil || sent != "system_user system_admin" || u.Roles != sent {
		t.Errorf("promote: changed %v, err %v, sent %q, roles %q", changed, err, sent, u.Roles)
	}
}

func TestRoleLists(t *testing.T) {
	for in, want := range map[string]string{
		"system_guest": "system_user", "system_guest custom": "system_user custom",
		"system_user system_guest": "system_user", "": "",
	} {
		if got := SwapRole(in, model.SystemGuestRoleId, model.SystemUserRoleId); got != want {
			t.Errorf("SwapRole(%q) = %q, want %q", in, got, want)
		}
	}
	tests := []struct {
		roles   string
		admin   bool
		want    string
		changed bool
	}{
		{"system_user", true, "system_user system_admin", true},
		{"system_user system_admin", true, "system_user system_admin", false},
		{"system_user system_admin", false, "system_user", true},
		{"system_admin", false, "system_user", true},
		{"system_user", false, "system_user", false},
		{"system_user system_admin custom", false, "system_user custom", true},
		{"  system_user   system_post_all ", true, "system_user system_post_all system_admin", true},
	}
	for _, tt := range tests {
		if got, changed := WithSystemAdmin(tt.roles, tt.admin); got != tt.want || changed != tt.changed {
			t.Errorf("WithSystemAdmin(%q, %v) = %q, %v; want %q, %v", tt.roles, tt.admin, got, changed, tt.want, tt.changed)
		}
	}
}
