package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
)

// resolveServer is a fake user directory behind the three lookup endpoints. It records every
// batch it was sent, and fails an endpoint when the matching error is set.
type resolveServer struct {
	users []*model.User

	idsErr, namesErr error
	emailErr         map[string]error

	mu         sync.Mutex
	idBatches  [][]string
	nameBatch  [][]string
	emailsSeen []string
}

func (s *resolveServer) fake() *clienttest.Fake {
	f := &clienttest.Fake{}
	f.GetUsersByIdsFunc = func(_ context.Context, ids []string) ([]*model.User, *model.Response, error) {
		s.mu.Lock()
		s.idBatches = append(s.idBatches, slices.Clone(ids))
		s.mu.Unlock()
		if s.idsErr != nil {
			return nil, &model.Response{StatusCode: client.StatusOf(s.idsErr)}, s.idsErr
		}
		var out []*model.User
		for _, u := range s.users {
			if slices.Contains(ids, u.Id) {
				out = append(out, u)
			}
		}
		return out, &model.Response{StatusCode: 200}, nil
	}
	f.GetUsersByUsernamesFunc = func(_ context.Context, names []string) ([]*model.User, *model.Response, error) {
		s.mu.Lock()
		s.nameBatch = append(s.nameBatch, slices.Clone(names))
		s.mu.Unlock()
		if s.namesErr != nil {
			return nil, &model.Response{StatusCode: client.StatusOf(s.namesErr)}, s.namesErr
		}
		// Like the server: exact match on the stored (lower-case) username.
		var out []*model.User
		for _, u := range s.users {
			if slices.Contains(names, u.Username) {
				out = append(out, u)
			}
		}
		return out, &model.Response{StatusCode: 200}, nil
	}
	f.GetUserByEmailFunc = func(_ context.Context, email, _ string) (*model.User, *model.Response, error) {
		s.mu.Lock()
		s.emailsSeen = append(s.emailsSeen, email)
		s.mu.Unlock()
		if err := s.emailErr[email]; err != nil {
			return nil, &model.Response{StatusCode: client.StatusOf(err)}, err
		}
		for _, u := range s.users {
			if strings.EqualFold(u.Email, email) {
				return u, &model.Response{StatusCode: 200}, nil
			}
		}
		return nil, &model.Response{StatusCode: 404}, &client.Error{Status: 404, ID: "app.user.missing_account.const", Message: "Unable to find the user."}
	}
	return f
}

func resolveUser(username string) *model.User {
	return &model.User{Id: model.NewId(), Username: username, Email: username + "@example.com"}
}

// resolveWant is what one argument should resolve to: a user, or an error with an exit code.
type resolveWant struct {
	user     *model.User
	exitCode int
	errText  string
}

func resolveCheck(t *testing.T, refs []UserRef, args []string, want []resolveWant) {
	t.Helper()
	if len(refs) != len(args) {
		t.Fatalf("%d refs for %d args", len(refs), len(args))
	}
	for i, r := range refs {
		if r.Arg != args[i] {
			t.Errorf("ref %d arg = %q, want %q (argument order)", i, r.Arg, args[i])
		}
		w := want[i]
		if w.user != nil {
			if r.Err != nil || r.User == nil || r.User.Id != w.user.Id {
				t.Errorf("%s: got user %v err %v, want %s", r.Arg, r.User, r.Err, w.user.Username)
			}
			continue
		}
		if r.Err == nil {
			t.Errorf("%s: resolved to %v, want an error", r.Arg, r.User)
			continue
		}
		if r.User != nil {
			t.Errorf("%s: both a user and an error", r.Arg)
		}
		if got := ExitCode(r.Err); got != w.exitCode {
			t.Errorf("%s: exit code %d (%v), want %d", r.Arg, got, r.Err, w.exitCode)
		}
		if w.errText != "" && r.Err.Error() != w.errText {
			t.Errorf("%s: error %q, want %q", r.Arg, r.Err, w.errText)
		}
	}
}

func TestResolveUsersMixed(t *testing.T) {
	alice, bob, carol, dave := resolveUser("alice"), resolveUser("bob"), resolveUser("carol"), resolveUser("dave")
	srv := &resolveServer{users: []*model.User{alice, bob, carol, dave}}
	fake := srv.fake()
	missingID := model.NewId()
	args := []string{alice.Id, "bob", "@carol", "dave@example.com", "ghost", "nobody@example.com", missingID, "  bob  "}

	refs, err := ResolveUsers(context.Background(), fake, args)
	if err != nil {
		t.Fatal(err)
	}
	resolveCheck(t, refs, args, []resolveWant{
		{user: alice},
		{user: bob},
		{user: carol},
		{user: dave},
		{exitCode: ExitNotFound, errText: `user "ghost" not found`},
		{exitCode: ExitNotFound, errText: `user "nobody@example.com" not found`},
		{exitCode: ExitNotFound, errText: fmt.Sprintf("user %q not found", missingID)},
		{user: bob},
	})
	var nf *NotFoundError
	if !errors.As(refs[4].Err, &nf) {
		t.Errorf("ghost: %T, want *NotFoundError", refs[4].Err)
	}
	if got := fake.Calls("GetUsersByIds"); got != 1 {
		t.Errorf("GetUsersByIds calls = %d, want 1", got)
	}
	if got := fake.Calls("GetUsersByUsernames"); got != 1 {
		t.Errorf("GetUsersByUsernames calls = %d, want 1 (names and unmatched IDs together)", got)
	}
	if got := fake.Calls("GetUserByEmail"); got != 2 {
		t.Errorf("GetUserByEmail calls = %d, want 2", got)
	}
	for _, name := range []string{"GetUser", "GetUserByUsername"} {
		if fake.Calls(name) != 0 {
			t.Errorf("%s called: lookups must be batched", name)
		}
	}
	// The unmatched ID was also tried as a username (it might be one).
	if !slices.Contains(srv.nameBatch[0], missingID) {
		t.Errorf("usernames batch %q lacks the unmatched ID", srv.nameBatch[0])
	}
}

func TestResolveUsersIDShapedUsername(t *testing.T) {
	// A 26-character lower-case alphanumeric username is a valid ID too.
	odd := resolveUser("abcdefghijklmnopqrstuvwxyz")
	if !model.IsValidId(odd.Username) {
		t.Fatal("test username is not ID-shaped")
	}
	srv := &resolveServer{users: []*model.User{odd}}
	fake := srv.fake()
	args := []string{odd.Username}

	refs, err := ResolveUsers(context.Background(), fake, args)
	if err != nil {
		t.Fatal(err)
	}
	resolveCheck(t, refs, args, []resolveWant{{user: odd}})
	if fake.Calls("GetUsersByIds") != 1 || fake.Calls("GetUsersByUsernames") != 1 {
		t.Errorf("calls: ids %d, usernames %d; want 1 and 1", fake.Calls("GetUsersByIds"), fake.Calls("GetUsersByUsernames"))
	}
}

func TestResolveUsersServerErrorIsNeverNotFound(t *testing.T) {
	alice, bob, carol := resolveUser("alice"), resolveUser("bob"), resolveUser("carol")
	boom := &client.Error{Status: 500, ID: "app.user.get_by_usernames.app_error", Message: "database down"}
	srv := &resolveServer{users: []*model.User{alice, bob, carol}, namesErr: boom}
	fake := srv.fake()
	unknownID := model.NewId()
	args := []string{alice.Id, "bob", "@carol", "carol@example.com", unknownID, "ghost"}

	refs, err := ResolveUsers(context.Background(), fake, args)
	if err != nil {
		t.Fatal(err)
	}
	resolveCheck(t, refs, args, []resolveWant{
		{user: alice}, // by ID: unaffected
		{exitCode: ExitError, errText: "database down (HTTP 500)"},
		{exitCode: ExitError, errText: "database down (HTTP 500)"},
		{user: carol}, // by email: unaffected
		// The unknown ID was looked up by name in the failed request: not "not found" either.
		{exitCode: ExitError, errText: "database down (HTTP 500)"},
		{exitCode: ExitError, errText: "database down (HTTP 500)"},
	})
	for _, r := range refs {
		var nf *NotFoundError
		if errors.As(r.Err, &nf) {
			t.Errorf("%s reported as not found while the lookup failed", r.Arg)
		}
		if r.Err != nil && client.StatusOf(r.Err) != 500 {
			t.Errorf("%s: %v, want the server's 500", r.Arg, r.Err)
		}
	}
}

func TestResolveUsersAuthErrors(t *testing.T) {
	unauthorized := &client.Error{Status: 401, ID: "api.context.session_expired.app_error", Message: "Invalid or expired session"}
	forbidden := &client.Error{Status: 403, ID: "api.context.permissions.app_error", Message: "You do not have the appropriate permissions."}
	alice := resolveUser("alice")
	for _, tt := range []struct {
		name string
		srv  *resolveServer
		args []string
	}{
		{name: "401 on usernames", srv: &resolveServer{users: []*model.User{alice}, namesErr: unauthorized}, args: []string{"alice", "bob"}},
		{name: "401 on IDs", srv: &resolveServer{users: []*model.User{alice}, idsErr: unauthorized}, args: []string{alice.Id}},
		{name: "401 on email", srv: &resolveServer{users: []*model.User{alice}, emailErr: map[string]error{"alice@example.com": unauthorized}}, args: []string{"alice@example.com"}},
		{name: "403 on usernames", srv: &resolveServer{users: []*model.User{alice}, namesErr: forbidden}, args: []string{"alice"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			refs, err := ResolveUsers(context.Background(), tt.srv.fake(), tt.args)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range refs {
				if r.Err == nil {
					t.Errorf("%s resolved despite the auth failure", r.Arg)
					continue
				}
				if ExitCode(r.Err) != ExitAuth {
					t.Errorf("%s: exit code %d (%v), want 4", r.Arg, ExitCode(r.Err), r.Err)
				}
				if strings.Contains(r.Err.Error(), "not found") {
					t.Errorf("%s: %q reads as not found", r.Arg, r.Err)
				}
			}
		})
	}
}

func TestResolveUsers500UsernamesCostFiveRequests(t *testing.T) {
	var users []*model.User
	var args []string
	for i := range 500 {
		u := resolveUser(fmt.Sprintf("user%03d", i))
		users = append(users, u)
		args = append(args, u.Username)
	}
	srv := &resolveServer{users: users}
	fake := srv.fake()

	refs, err := ResolveUsers(context.Background(), fake, args)
	if err != nil {
		t.Fatal(err)
	}
	if got := fake.Calls("GetUsersByUsernames"); got != 5 {
		t.Errorf("GetUsersByUsernames calls = %d, want 5", got)
	}
	if got := fake.TotalCalls(); got != 5 {
		t.Errorf("%d requests in all, want 5", got)
	}
	seen := map[string]bool{}
	for _, b := range srv.nameBatch {
		if len(b) > 100 {
			t.Errorf("a batch of %d names, want ≤ 100", len(b))
		}
		for _, n := range b {
			if seen[n] {
				t.Errorf("%s sent twice", n)
			}
			seen[n] = true
		}
	}
	for i, r := range refs {
		if r.Err != nil || r.User == nil || r.User.Id != users[i].Id {
			t.Fatalf("%s: user %v err %v", r.Arg, r.User, r.Err)
		}
	}
}

func TestResolveUsersDedupeAndCase(t *testing.T) {
	alice, bob := resolveUser("alice"), resolveUser("bob")
	srv := &resolveServer{users: []*model.User{alice, bob}}
	fake := srv.fake()
	args := []string{"alice", "ALICE", "@Alice", "bob", "Alice@Example.com", "@BOB"}

	refs, err := ResolveUsers(context.Background(), fake, args)
	if err != nil {
		t.Fatal(err)
	}
	resolveCheck(t, refs, args, []resolveWant{{user: alice}, {user: alice}, {user: alice}, {user: bob}, {user: alice}, {user: bob}})
	if len(srv.nameBatch) != 1 {
		t.Fatalf("%d username requests, want 1", len(srv.nameBatch))
	}
	if got := slices.Sorted(slices.Values(srv.nameBatch[0])); !slices.Equal(got, []string{"alice", "bob"}) {
		t.Errorf("usernames sent = %q, want each once, lower-cased", srv.nameBatch[0])
	}
	if fake.Calls("GetUsersByIds") != 0 {
		t.Errorf("GetUsersByIds called with no ID argument")
	}
}

func TestResolveUsersEmptyAndCancelled(t *testing.T) {
	refs, err := ResolveUsers(context.Background(), (&resolveServer{}).fake(), []string{"  "})
	if err != nil {
		t.Fatal(err)
	}
	if refs[0].Err == nil || ExitCode(refs[0].Err) == ExitNotFound {
		t.Errorf("blank argument: %v", refs[0].Err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ResolveUsers(ctx, (&resolveServer{}).fake(), []string{"a@example.com"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v, want context.Canceled", err)
	}
}

func TestRequireResolvedListsEveryFailure(t *testing.T) {
	alice := resolveUser("alice")
	srv := &resolveServer{users: []*model.User{alice}}

	refs, err := Users().Resolve(context.Background(), srv.fake(), []string{"alice"})
	if err != nil || RequireResolved(refs) != nil || refs[0].Obj.Id != alice.Id {
		t.Fatalf("refs %v err %v", refs, err)
	}

	refs, _ = Users().Resolve(context.Background(), srv.fake(), []string{"alice", "ghost", "nobody@example.com"})
	err = RequireResolved(refs)
	var re *ResolveError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want *ResolveError", err)
	}
	if ExitCode(err) != ExitNotFound {
		t.Errorf("exit = %d, want 5", ExitCode(err))
	}
	want := `nothing was changed: ghost: user "ghost" not found; nobody@example.com: user "nobody@example.com" not found`
	if err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
}

// The local-mode socket has no batch username lookup (404): names are then looked up one by
// one, and a name that matches nothing is still "not found", never the route's 404.
func TestResolveUsersWithoutBatchUsernameLookup(t *testing.T) {
	alice, bob := resolveUser("alice"), resolveUser("bob")
	srv := &resolveServer{users: []*model.User{alice, bob}, namesErr: &client.Error{Status: 404, ID: "api.context.404.app_error"}}
	fake := srv.fake()
	var mu sync.Mutex
	var asked []string
	fake.GetUserByUsernameFunc = func(_ context.Context, name, _ string) (*model.User, *model.Response, error) {
		mu.Lock()
		asked = append(asked, name)
		mu.Unlock()
		for _, u := range srv.users {
			if u.Username == name {
				return u, &model.Response{StatusCode: 200}, nil
			}
		}
		return nil, &model.Response{StatusCode: 404}, &client.Error{Status: 404, ID: "app.user.missing_account.const"}
	}
	args := []string{"alice", "@bob", "ghost"}
	refs, err := ResolveUsers(context.Background(), fake, args)
	if err != nil {
		t.Fatal(err)
	}
	resolveCheck(t, refs, args, []resolveWant{{user: alice}, {user: bob}, {exitCode: ExitNotFound, errText: `user "ghost" not found`}})
	slices.Sort(asked)
	if !slices.Equal(asked, []string{"alice", "bob", "ghost"}) {
		t.Errorf("looked up %v one by one", asked)
	}
}
