package team

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// postErr is the error of a batch request that failed in transport.
func postErr(err error) error {
	return &url.Error{Op: "Post", URL: "http://mm/api/v4/teams/t/members/batch?graceful=true", Err: err}
}

var (
	errReset   = postErr(syscall.ECONNRESET) // the server died working on the batch
	errRefused = postErr(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)})
)

// shortWaits makes the wait for an unanswering server short for the test.
func shortWaits(t *testing.T, total, every time.Duration) {
	t.Helper()
	old := cmdutil.UnansweredWait
	cmdutil.UnansweredWait.For, cmdutil.UnansweredWait.Every = total, every
	t.Cleanup(func() { cmdutil.UnansweredWait = old })
}

// A batch the server did not answer is sent again until it is; what the server did before it
// stopped answering is neither lost nor done twice.
func TestUsersAddBatchUnanswered(t *testing.T) {
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	alice, bob, carol := mbUser("alice"), mbUser("bob"), mbUser("carol")
	boom := &client.Error{Status: 500, Message: "boom"}
	unknown := "failed: unknown: the request was sent but its answer was lost"
	tests := []struct {
		name string
		// attempt answers call n (from 0) of a batch: the server adds done before the call
		// fails with err (nil: the fake server's own answer), after writes requests were sent
		// (the transport may retry within one call).
		attempt func(n int, ids []string) (done []string, writes int, err error)
		// conflict: the answer of a call that succeeds refuses the users who are members
		// already, as the server does when two requests add the same user at once.
		conflict bool
		// lookupDown: member lookups after the first (the plan's) fail as the adds do.
		lookupDown bool
		wantExit   int
		wantRows   map[string]string // input: "added", "already", or "failed: <start of the error>"
		wantCalls  int               // 0: a few, until the wait ran out
		wantLooks  int               // member lookups
	}{
		{
			name: "lost behind a refused retry, refused, then answered: every user added once",
			attempt: func(n int, ids []string) ([]string, int, error) {
				switch n {
				case 0:
					return ids[:1], 1, errRefused // the transport retried the reset; the retry was refused
				case 1:
					return nil, 0, errRefused
				}
				return nil, 1, nil
			},
			wantRows:  map[string]string{"alice": "added", "bob": "added", "carol": "added"},
			wantCalls: 3, wantLooks: 1,
		},
		{
			name: "503 then answered",
			attempt: func(n int, _ []string) ([]string, int, error) {
				if n == 0 {
					return nil, 1, &client.Error{Status: http.StatusServiceUnavailable, Message: "restarting"}
				}
				return nil, 1, nil
			},
			wantRows:  map[string]string{"alice": "added", "bob": "added", "carol": "added"},
			wantCalls: 2, wantLooks: 1,
		},
		{
			name: "reset, then never answered, nor the lookup: unknown",
			attempt: func(n int, ids []string) ([]string, int, error) {
				if n == 0 {
					return ids[:1], 1, errReset
				}
				return nil, 0, errRefused
			},
			lookupDown: true,
			wantExit:   cmdutil.ExitError,
			wantRows:   map[string]string{"alice": unknown, "bob": unknown, "carol": unknown},
			wantLooks:  2,
		},
		{
			name: "reset, then the adds never answered, the lookup is: the members say who was added",
			attempt: func(n int, ids []string) ([]string, int, error) {
				if n == 0 {
					return ids[:1], 1, errReset
				}
				return nil, 0, errRefused
			},
			wantExit:  cmdutil.ExitPartial,
			wantRows:  map[string]string{"alice": "added", "bob": "failed: Post", "carol": "failed: Post"},
			wantLooks: 2,
		},
		{
			name: "lost behind a refused retry, then never answered, nor the lookup: unknown",
			attempt: func(n int, ids []string) ([]string, int, error) {
				if n == 0 {
					return ids[:2], 1, errRefused
				}
				return nil, 0, errRefused
			},
			lookupDown: true,
			wantExit:   cmdutil.ExitError,
			wantRows:   map[string]string{"alice": unknown, "bob": unknown, "carol": unknown},
			wantLooks:  2,
		},
		{
			name:      "never sent, never answered: failed with the refusal, not unknown",
			attempt:   func(int, []string) ([]string, int, error) { return nil, 0, errRefused },
			wantExit:  cmdutil.ExitError,
			wantRows:  map[string]string{"alice": "failed: Post", "bob": "failed: Post", "carol": "failed: Post"},
			wantLooks: 1,
		},
		{
			name: "lost, then a final error: the members say who was added",
			attempt: func(n int, ids []string) ([]string, int, error) {
				if n == 0 {
					return ids[:1], 1, errReset
				}
				return nil, 1, boom
			},
			wantExit:  cmdutil.ExitPartial,
			wantRows:  map[string]string{"alice": "added", "bob": "failed: boom (HTTP 500)", "carol": "failed: boom (HTTP 500)"},
			wantCalls: 2, wantLooks: 2,
		},
		{
			name: "a final error after a retry within the call: the members say who was added",
			attempt: func(_ int, ids []string) ([]string, int, error) {
				return ids[1:2], 2, boom
			},
			wantExit:  cmdutil.ExitPartial,
			wantRows:  map[string]string{"alice": "failed: boom (HTTP 500)", "bob": "added", "carol": "failed: boom (HTTP 500)"},
			wantCalls: 1, wantLooks: 2,
		},
		{
			name: "lost, then the repeat meets the first request: a member already is added",
			attempt: func(n int, ids []string) ([]string, int, error) {
				if n == 0 {
					return ids[:2], 1, errReset
				}
				return nil, 1, nil
			},
			conflict:  true,
			wantRows:  map[string]string{"alice": "added", "bob": "added", "carol": "added"},
			wantCalls: 2, wantLooks: 2,
		},
		{
			name: "the transport's retry meets the first request: a member already is added",
			attempt: func(_ int, ids []string) ([]string, int, error) {
				return ids[:1], 2, nil
			},
			conflict:  true,
			wantRows:  map[string]string{"alice": "added", "bob": "added", "carol": "added"},
			wantCalls: 1, wantLooks: 2,
		},
		{
			name: "someone else adds a user meanwhile: already a member",
			attempt: func(_ int, ids []string) ([]string, int, error) {
				return ids[:1], 1, nil
			},
			conflict:  true,
			wantRows:  map[string]string{"alice": "already", "bob": "added", "carol": "added"},
			wantCalls: 1, wantLooks: 1,
		},
		{
			name:      "a final error alone is not repeated",
			attempt:   func(int, []string) ([]string, int, error) { return nil, 1, boom },
			wantExit:  cmdutil.ExitError,
			wantRows:  map[string]string{"alice": "failed: boom (HTTP 500)", "bob": "failed: boom (HTTP 500)", "carol": "failed: boom (HTTP 500)"},
			wantCalls: 1, wantLooks: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shortWaits(t, 150*time.Millisecond, 10*time.Millisecond)
			e := cmdtest.New(t, cmdtest.JSON(true))
			s := mbServeTeam(e.Fake, devops, []*model.User{alice, bob, carol})
			answer := e.Fake.AddTeamMembersGracefullyFunc
			if tt.lookupDown {
				lookup := e.Fake.GetTeamMembersByIdsFunc
				var looks atomic.Int32
				e.Fake.GetTeamMembersByIdsFunc = func(ctx context.Context, teamID string, ids []string) ([]*model.TeamMember, *model.Response, error) {
					if looks.Add(1) > 1 {
						return nil, &model.Response{}, errRefused
					}
					return lookup(ctx, teamID, ids)
				}
			}
			n := 0
			e.Fake.AddTeamMembersGracefullyFunc = func(ctx context.Context, teamID string, ids []string) ([]*model.TeamMemberWithError, *model.Response, error) {
				done, writes, err := tt.attempt(n, ids)
				n++ // one batch: --parallel 1
				if trace := httptrace.ContextClientTrace(ctx); trace != nil && trace.WroteRequest != nil {
					for range writes {
						trace.WroteRequest(httptrace.WroteRequestInfo{})
					}
				}
				if len(done) > 0 {
					if _, _, aerr := answer(ctx, teamID, done); aerr != nil {
						t.Fatal(aerr)
					}
				}
				if err == nil {
					if tt.conflict {
						s.mu.Lock()
						for _, id := range ids {
							if s.members[id] != nil {
								s.refuse[id] = model.NewAppError("JoinUserToTeam", "app.team.join_user_to_team.save_member.conflict.app_error", nil, "", http.StatusBadRequest)
								s.refuse[id].Message = "Unable to create the new team membership because it already exists."
							}
						}
						s.mu.Unlock()
					}
					return answer(ctx, teamID, ids)
				}
				return nil, &model.Response{StatusCode: client.StatusOf(err)}, err
			}
			err := e.Exec(NewCmdUsersAdd(e.F, nil), "devops", "alice", "bob", "carol", "--parallel", "1")
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d\nstderr:\n%s", got, err, tt.wantExit, e.ErrOut)
			}
			rows := mbRows(t, e.Out.String())
			if len(rows) != 3 {
				t.Fatalf("%d rows, want 3:\n%s", len(rows), e.Out)
			}
			for _, r := range rows {
				want := tt.wantRows[r.Input]
				u := map[string]*model.User{"alice": alice, "bob": bob, "carol": carol}[r.Input]
				switch {
				case want == "added":
					if !r.OK || r.Changed == nil || !*r.Changed || !s.isMember(u) {
						t.Errorf("%s: row %+v, member %v; want added", r.Input, r, s.isMember(u))
					}
				case want == "already":
					if !r.OK || r.Changed == nil || *r.Changed || !s.isMember(u) {
						t.Errorf("%s: row %+v, member %v; want already a member", r.Input, r, s.isMember(u))
					}
				case r.OK || !strings.HasPrefix(r.Error, strings.TrimPrefix(want, "failed: ")):
					t.Errorf("%s: row %+v, want %s", r.Input, r, want)
				case !strings.HasPrefix(r.Error, "unknown") && s.isMember(u):
					t.Errorf("%s reported failed, but is a member", r.Input)
				}
			}
			if tt.wantCalls != 0 && n != tt.wantCalls {
				t.Errorf("%d batch requests, want %d", n, tt.wantCalls)
			}
			if tt.wantCalls == 0 && (n < 3 || n > 20) {
				t.Errorf("%d batch requests while the server did not answer, want a few", n)
			}
			if got := e.Fake.Calls("GetTeamMembersByIds"); got != tt.wantLooks {
				t.Errorf("%d member lookups, want %d", got, tt.wantLooks)
			}
		})
	}
}

// A server that answers no batch costs the run UnansweredWait.For in all, not per batch: once it has
// been silent that long, the next batches are sent once.
func TestUsersAddUnansweredWaitIsShared(t *testing.T) {
	shortWaits(t, 100*time.Millisecond, 10*time.Millisecond)
	e := cmdtest.New(t, cmdtest.JSON(true))
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	var users []*model.User
	args := []string{"devops", "--parallel", "1"}
	for i := range 130 {
		u := mbUser(fmt.Sprintf("user%03d", i))
		users = append(users, u)
		args = append(args, u.Username)
	}
	mbServeTeam(e.Fake, devops, users)
	var mu sync.Mutex
	sends := map[string]int{} // by the first user of the batch
	e.Fake.AddTeamMembersGracefullyFunc = func(_ context.Context, _ string, ids []string) ([]*model.TeamMemberWithError, *model.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		sends[ids[0]]++
		return nil, &model.Response{}, errRefused
	}
	start := time.Now()
	err := e.Exec(NewCmdUsersAdd(e.F, nil), args...)
	if got := cmdutil.ExitCode(err); got != cmdutil.ExitError {
		t.Fatalf("exit = %d (err %v), want %d", got, err, cmdutil.ExitError)
	}
	if len(sends) != 3 {
		t.Fatalf("%d batches, want 3 (130 users, one request at a time)", len(sends))
	}
	once := 0
	for _, n := range sends {
		if n == 1 {
			once++
		}
	}
	if once != 2 {
		t.Errorf("sends per batch %v: want the first batch sent until the wait ran out, the other two once", sends)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the run took %s", d)
	}
	for _, r := range mbRows(t, e.Out.String()) {
		if r.OK || !strings.Contains(r.Error, "connection refused") || strings.HasPrefix(r.Error, "unknown") {
			t.Errorf("row %+v, want failed with the refusal", r)
		}
	}
}

// A cancelled run stops waiting for the server at once.
func TestUsersAddUnansweredCancelled(t *testing.T) {
	shortWaits(t, time.Hour, time.Hour)
	e := cmdtest.New(t, cmdtest.JSON(true))
	devops := &model.Team{Id: model.NewId(), Name: "devops"}
	alice := mbUser("alice")
	mbServeTeam(e.Fake, devops, []*model.User{alice})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e.Fake.AddTeamMembersGracefullyFunc = func(context.Context, string, []string) ([]*model.TeamMemberWithError, *model.Response, error) {
		time.AfterFunc(20*time.Millisecond, cancel)
		return nil, &model.Response{}, postErr(io.ErrUnexpectedEOF)
	}
	done := make(chan error, 1)
	go func() {
		done <- e.Exec(NewCmdUsersAdd(e.F, func(_ context.Context, o *UsersAddOptions) error { return usersAddRun(ctx, o) }), "devops", "alice")
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a cancelled run succeeded")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the run kept waiting after it was cancelled")
	}
}
