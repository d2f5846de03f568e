package cmdutil

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// TestResolveUsersRequestCount counts HTTP requests at the server: resolving 500 usernames
// through the real client and transport must cost at most 5 requests (100 names each).
func TestResolveUsersRequestCount(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Method != http.MethodPost || r.URL.Path != "/api/v4/users/usernames" {
			http.Error(w, `{"id":"unexpected","status_code":400}`, http.StatusBadRequest)
			return
		}
		var names []string
		if err := json.NewDecoder(r.Body).Decode(&names); err != nil {
			http.Error(w, `{"id":"bad body","status_code":400}`, http.StatusBadRequest)
			return
		}
		users := make([]*model.User, 0, len(names))
		for _, n := range names {
			users = append(users, &model.User{Id: model.NewId(), Username: n})
		}
		_ = json.NewEncoder(w).Encode(users)
	}))
	defer srv.Close()

	c, err := client.New(client.Options{URL: srv.URL, Token: "t", UserAgent: "test"})
	if err != nil {
		t.Fatal(err)
	}
	args := make([]string, 500)
	for i := range args {
		args[i] = fmt.Sprintf("user%03d", i)
	}
	refs, err := ResolveUsers(context.Background(), c, args)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range refs {
		if r.Err != nil || r.User == nil || r.User.Username != r.Arg {
			t.Fatalf("%s: user %v, err %v", r.Arg, r.User, r.Err)
		}
	}
	if n := requests.Load(); n > 5 {
		t.Fatalf("resolving 500 usernames took %d requests, want at most 5", n)
	}
}
