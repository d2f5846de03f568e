package cmdutil

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

func TestMemberBatchSize(t *testing.T) {
	for _, tt := range []struct{ n, limit, parallel, want int }{
		{n: 500, limit: 256, parallel: 8, want: 63},  // 8 batches, one round
		{n: 500, limit: 256, parallel: 1, want: 63},  // 8 batches one after the other
		{n: 500, limit: 256, parallel: 2, want: 63},  // 4 rounds of 2
		{n: 5000, limit: 256, parallel: 8, want: 63}, // 10 rounds of 8
		{n: 512, limit: 256, parallel: 8, want: 64},
		{n: 513, limit: 256, parallel: 8, want: 33},
		{n: 500, limit: 10, parallel: 8, want: 9}, // 7 rounds of 8
		{n: 2, limit: 256, parallel: 8, want: 1},
		{n: 1, limit: 256, parallel: 64, want: 1},
		{n: 10, limit: 0, parallel: 3, want: 4},
	} {
		if got := memberBatchSize(tt.n, tt.limit, tt.parallel); got != tt.want {
			t.Errorf("memberBatchSize(%d, %d, %d) = %d, want %d", tt.n, tt.limit, tt.parallel, got, tt.want)
		}
	}
}

func TestMemberBatchesWaitForTheirBatch(t *testing.T) {
	ids := make([]string, 20)
	for i := range ids {
		ids[i] = fmt.Sprintf("u%02d", i)
	}
	var mu sync.Mutex
	var sent [][]string
	var inFlight, maxInFlight atomic.Int32
	add := func(_ context.Context, batch []string) (map[string]error, error) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := maxInFlight.Load(); n > m && !maxInFlight.CompareAndSwap(m, n); m = maxInFlight.Load() {
		}
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		sent = append(sent, slices.Clone(batch))
		mu.Unlock()
		switch batch[0] {
		case "u15":
			return nil, errors.New("batch refused")
		}
		out := map[string]error{}
		for _, id := range batch {
			switch id {
			case "u03":
				out[id] = errors.New("refused")
			case "u04": // left out of the answer
			default:
				out[id] = nil
			}
		}
		return out, nil
	}
	mb := newMemberBatches(add, ids, 5, 2)
	if mb.size != 5 || mb.workers() != 10 {
		t.Fatalf("size %d, workers %d; want 5 and 10", mb.size, mb.workers())
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = mb.wait(context.Background(), id)
		}()
	}
	wg.Wait()
	if len(sent) != 4 {
		t.Errorf("%d batch requests, want 4: %v", len(sent), sent)
	}
	if maxInFlight.Load() > 2 {
		t.Errorf("%d batch requests at once, want ≤ 2", maxInFlight.Load())
	}
	for i, err := range errs {
		var want string
		switch {
		case i == 3:
			want = "refused"
		case i == 4:
			want = errNotReported.Error()
		case i >= 15:
			want = "batch refused"
		}
		if got := fmt.Sprint(err); (want == "" && err != nil) || (want != "" && got != want) {
			t.Errorf("user %d: %v, want %q", i, err, want)
		}
	}
	if err := mb.wait(context.Background(), "stranger"); !errors.Is(err, errNotReported) {
		t.Errorf("a user of no batch: %v", err)
	}
}

func TestMemberBatchesCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	mb := newMemberBatches(func(context.Context, []string) (map[string]error, error) { called = true; return nil, nil }, []string{"a"}, 5, 1)
	mb.slots <- struct{}{} // every slot taken: the batch can only wait
	if err := mb.wait(ctx, "a"); !errors.Is(err, context.Canceled) || called {
		t.Errorf("err = %v, called %v", err, called)
	}
}

func TestInChunks(t *testing.T) {
	ids := make([]string, 1234)
	for i := range ids {
		ids[i] = fmt.Sprint(i)
	}
	var mu sync.Mutex
	var sizes []int
	err := inChunks(context.Background(), ids, 500, 4, func(_ context.Context, chunk []string) error {
		mu.Lock()
		sizes = append(sizes, len(chunk))
		mu.Unlock()
		return nil
	})
	slices.Sort(sizes)
	if err != nil || !slices.Equal(sizes, []int{234, 500, 500}) {
		t.Errorf("sizes %v, err %v", sizes, err)
	}

	var calls atomic.Int32
	boom := errors.New("boom")
	err = inChunks(context.Background(), ids, 10, 1, func(context.Context, []string) error {
		if calls.Add(1) == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls.Load() != 2 {
		t.Errorf("err %v after %d calls, want boom after 2", err, calls.Load())
	}
}

func TestMemberRowJSON(t *testing.T) {
	u := &model.User{Id: "u1", Username: "a<b>", Password: "hash", MfaSecret: "secret", Roles: "system_user"}
	row := MemberRow[*model.TeamMember]{User: u, Member: &model.TeamMember{TeamId: "t1", UserId: "u1", Roles: "team_user team_admin", SchemeAdmin: true}, Key: "team_member"}
	b, err := json.Marshal(row)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	if got["id"] != "u1" || got["username"] != "a<b>" || got["password"] != nil || got["mfa_secret"] != nil {
		t.Errorf("user fields: %s", b)
	}
	m, _ := got["team_member"].(map[string]any)
	if m["roles"] != "team_user team_admin" || m["scheme_admin"] != true || m["team_id"] != "t1" {
		t.Errorf("team_member: %s", b)
	}
	if u.Password != "hash" {
		t.Error("the user was changed")
	}
	// The printer writes JSON without HTML escapes; so does the row.
	var buf strings.Builder
	p, _ := printer.New(&iostreams.IOStreams{Out: &buf}, printer.Options{Format: string(printer.JSONL)})
	list := printer.NewList[MemberRow[*model.TeamMember]](p)
	if err := list.Add(row); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"username":"a<b>"`) {
		t.Errorf("escaped: %s", buf.String())
	}
}

// A failed membership lookup stops the verb before any change, reported once.
func TestRunMembersVerbLookupFails(t *testing.T) {
	fake := &clienttest.Fake{}
	alice := &model.User{Id: model.NewId(), Username: "alice"}
	fake.GetUsersByUsernamesFunc = func(context.Context, []string) ([]*model.User, *model.Response, error) {
		return []*model.User{alice}, &model.Response{StatusCode: 200}, nil
	}
	ios, _, out, errOut := iostreams.Test()
	b := &BulkArgs{
		IO: ios, Client: func() (client.Client, error) { return fake, nil },
		Printer: func() (*printer.Printer, error) { return printer.New(ios, printer.Options{}) },
		Args:    []string{"alice"}, Bulk: BulkFlags{Parallel: 8},
	}
	added := false
	open := func(context.Context, client.Client) (*Membership, error) {
		return &Membership{
			Kind: "team", Name: "devops",
			Members: func(context.Context, []string) (map[string]bool, error) {
				return nil, &client.Error{Status: 403, Message: "You do not have the appropriate permissions."}
			},
			Add: func(context.Context, *model.User) error { added = true; return nil },
		}, nil
	}
	err := RunMembersVerb(context.Background(), b, open, MembersChange{})
	if ExitCode(err) != ExitAuth || !strings.Contains(err.Error(), "looking up the members of team devops") {
		t.Errorf("err = %v (exit %d)", err, ExitCode(err))
	}
	if added || out.Len() != 0 || errOut.Len() != 0 {
		t.Errorf("added %v, stdout %q, stderr %q", added, out, errOut)
	}
}
