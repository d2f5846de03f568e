package clienttest

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
)

func TestFakeUnsetMethodFails(t *testing.T) {
	f := &Fake{}
	u, resp, err := f.GetUser(context.Background(), "u1", "")
	if u != nil || resp != nil {
		t.Errorf("got %v, %v; want nil results", u, resp)
	}
	if err == nil || err.Error() != "clienttest: unexpected call to GetUser" {
		t.Errorf("err = %v, want the unexpected call to GetUser", err)
	}
	prefs, _, err := f.GetPreferences(context.Background(), "u1")
	if prefs != nil || err == nil {
		t.Errorf("GetPreferences = %v, %v; want nil and an error", prefs, err)
	}
	if got := f.Calls("GetUser"); got != 1 {
		t.Errorf("Calls(GetUser) = %d, want 1: a failed call is still counted", got)
	}
}

func TestFakeForwardsToFunc(t *testing.T) {
	f := &Fake{
		UpdateUserMfaFunc: func(_ context.Context, userID, code string, activate bool) (*model.Response, error) {
			if userID != "u1" || code != "123456" || !activate {
				t.Errorf("UpdateUserMfa(%q, %q, %v)", userID, code, activate)
			}
			return &model.Response{StatusCode: http.StatusOK}, nil
		},
	}
	resp, err := f.UpdateUserMfa(context.Background(), "u1", "123456", true)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("UpdateUserMfa = %v, %v", resp, err)
	}
}

func TestFakeCountsConcurrentCalls(t *testing.T) {
	f := &Fake{GetMeFunc: func(context.Context, string) (*model.User, *model.Response, error) { return &model.User{}, nil, nil }}
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, _, _ = f.GetMe(context.Background(), "")
			_, _ = f.Logout(context.Background())
		})
	}
	wg.Wait()
	if f.Calls("GetMe") != 20 || f.Calls("Logout") != 20 || f.Calls("GetUser") != 0 || f.TotalCalls() != 40 {
		t.Errorf("GetMe %d, Logout %d, GetUser %d, total %d; want 20, 20, 0, 40",
			f.Calls("GetMe"), f.Calls("Logout"), f.Calls("GetUser"), f.TotalCalls())
	}
}
