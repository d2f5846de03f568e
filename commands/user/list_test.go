package user

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func listTestUsers(n int) []*model.User {
	users := make([]*model.User, n)
	for i := range users {
		users[i] = &model.User{Id: model.NewId(), Username: fmt.Sprintf("user%d", i), Email: fmt.Sprintf("user%d@example.com", i), Roles: "system_user"}
	}
	return users
}

func TestListFlags(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    ListOptions
		wantErr string
	}{
		{name: "defaults", argv: nil, want: ListOptions{Page: 0, PerPage: 200}},
		{name: "all flags", argv: []string{"--page", "2", "--per-page", "50", "--all", "--team", " eng ", "--inactive", "--role", "system_admin"},
			want: ListOptions{Page: 2, PerPage: 50, All: true, Team: "eng", Inactive: true, Role: "system_admin", PageSet: true}},
		{name: "underscore flag", argv: []string{"--per_page", "10"}, want: ListOptions{PerPage: 10}},
		{name: "negative page", argv: []string{"--page", "-1"}, wantErr: "--page must be 0 or more"},
		{name: "zero per page", argv: []string{"--per-page", "0"}, wantErr: "--per-page must be at least 1"},
		{name: "positional", argv: []string{"alice"}, wantErr: "expects no arguments"},
		{name: "malformed role", argv: []string{"--role", "System Admin"}, wantErr: `--role "System Admin": not a role name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *ListOptions
			err := e.Exec(NewCmdList(e.F, func(_ context.Context, o *ListOptions) error { got = o; return nil }), tt.argv...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
					t.Errorf("exit code = %d, want 2", code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Page != tt.want.Page || got.PerPage != tt.want.PerPage || got.All != tt.want.All || got.Team != tt.want.Team ||
				got.Inactive != tt.want.Inactive || got.Role != tt.want.Role || got.PageSet != tt.want.PageSet {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestListRun(t *testing.T) {
	teamID := model.NewId()
	three := listTestUsers(3)
	tests := []struct {
		name       string
		argv       []string
		tty        bool
		format     string
		pages      map[int][]*model.User // page → users; missing pages are empty
		fetchErr   error
		team       *model.Team
		wantCode   int
		wantOut    []string // substrings of stdout
		wantExact  string   // stdout, when set
		wantErr    []string // substrings of stderr
		wantQuery  url.Values
		wantPages  []int
		wantPerPgs []int
		wantJSONN  int // number of JSON array items, -1 to skip
	}{
		{name: "one page table", tty: true, pages: map[int][]*model.User{0: three},
			wantOut: []string{"ID", "USERNAME", "EMAIL", "STATUS", "user0", "user2@example.com", "active"}, wantPages: []int{0}, wantPerPgs: []int{200}, wantJSONN: -1},
		{name: "one page plain", pages: map[int][]*model.User{0: three[:1]},
			wantExact: three[0].Id + "\tuser0\tuser0@example.com\t\tsystem_user\tactive\n", wantPages: []int{0}, wantJSONN: -1},
		{name: "explicit page", argv: []string{"--page", "3", "--per-page", "2"}, format: "json", pages: map[int][]*model.User{3: three[:2]},
			wantPages: []int{3}, wantPerPgs: []int{2}, wantJSONN: 2},
		{name: "empty json", format: "json", wantExact: "[]\n", wantPages: []int{0}, wantJSONN: 0},
		{name: "per page clamped", argv: []string{"--per-page", "500"}, format: "json", wantErr: []string{"warning: --per-page 500"},
			wantPerPgs: []int{200}, wantJSONN: 0},
		{name: "filters", argv: []string{"--team", "eng", "--inactive", "--role", "system_admin"}, format: "json",
			team:      &model.Team{Id: teamID, Name: "eng"},
			wantQuery: url.Values{"in_team": {teamID}, "inactive": {"true"}, "role": {"system_admin"}}, wantJSONN: 0},
		{name: "unknown team", argv: []string{"--team", "nope"}, wantCode: cmdutil.ExitNotFound, wantPages: []int{}, wantJSONN: -1},
		{name: "unknown role", argv: []string{"--role", "bogus"}, format: "json",
			fetchErr: &client.Error{Status: 400, ID: "api.context.invalid_body_param.app_error", Message: "Invalid or missing role in request body."},
			wantCode: cmdutil.ExitUsage, wantErr: []string{`--role "bogus": the server has no such role`}, wantJSONN: -1},
		{name: "forbidden", fetchErr: &client.Error{Status: 403, Message: "no permission"}, wantCode: cmdutil.ExitAuth, wantJSONN: -1},
		{name: "all pages", argv: []string{"--all", "--page", "7"}, format: "json",
			pages:     map[int][]*model.User{0: listTestUsers(200), 1: listTestUsers(200), 2: listTestUsers(50)},
			wantErr:   []string{"--page is ignored with --all"},
			wantJSONN: 450},
		{name: "all pages exact multiple", argv: []string{"--all"}, format: "jsonl",
			pages: map[int][]*model.User{0: listTestUsers(200)}, wantJSONN: -1,
			wantOut: []string{`"username":"user199"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.Format(tt.format))
			var mu sync.Mutex
			var pages, perPages []int
			var query url.Values
			e.Fake.GetUsersWithCustomQueryParametersFunc = func(ctx context.Context, page, perPage int, q, etag string) ([]*model.User, *model.Response, error) {
				mu.Lock()
				pages = append(pages, page)
				perPages = append(perPages, perPage)
				query, _ = url.ParseQuery(q)
				mu.Unlock()
				if tt.fetchErr != nil {
					return nil, nil, tt.fetchErr
				}
				return tt.pages[page], &model.Response{StatusCode: 200}, nil
			}
			e.Fake.GetTeamByNameFunc = func(ctx context.Context, name, etag string) (*model.Team, *model.Response, error) {
				if tt.team != nil && tt.team.Name == name {
					return tt.team, nil, nil
				}
				return nil, nil, &client.Error{Status: 404, Message: "not found"}
			}
			err := e.Exec(NewCmdList(e.F, nil), tt.argv...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d; stderr: %s", code, err, tt.wantCode, e.ErrOut)
			}
			if tt.wantExact != "" && e.Out.String() != tt.wantExact {
				t.Errorf("stdout = %q, want %q", e.Out, tt.wantExact)
			}
			for _, s := range tt.wantOut {
				if !strings.Contains(e.Out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, e.Out)
				}
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(e.ErrOut.String(), s) && (err == nil || !strings.Contains(err.Error(), s)) {
					t.Errorf("stderr lacks %q:\n%s", s, e.ErrOut)
				}
			}
			if tt.wantJSONN >= 0 {
				var arr []json.RawMessage
				if err := json.Unmarshal(e.Out.Bytes(), &arr); err != nil {
					t.Fatalf("stdout is not a JSON array: %v\n%s", err, e.Out)
				}
				if len(arr) != tt.wantJSONN {
					t.Errorf("JSON items = %d, want %d", len(arr), tt.wantJSONN)
				}
			}
			if tt.wantQuery != nil {
				for k, v := range tt.wantQuery {
					if query.Get(k) != v[0] {
						t.Errorf("query %s = %q, want %q (query %v)", k, query.Get(k), v[0], query)
					}
				}
			}
			if tt.wantPages != nil && fmt.Sprint(pages) != fmt.Sprint(tt.wantPages) {
				t.Errorf("pages = %v, want %v", pages, tt.wantPages)
			}
			if tt.wantPerPgs != nil && fmt.Sprint(perPages) != fmt.Sprint(tt.wantPerPgs) {
				t.Errorf("per_page = %v, want %v", perPages, tt.wantPerPgs)
			}
		})
	}
}

// TestListAllStreams checks that --all prints users before the last page has been served.
func TestListAllStreams(t *testing.T) {
	e := cmdtest.New(t, cmdtest.Format("jsonl"))
	out := &listTestBuffer{}
	e.F.IOStreams.Out = out
	release := make(chan struct{})
	e.Fake.GetUsersWithCustomQueryParametersFunc = func(ctx context.Context, page, perPage int, q, etag string) ([]*model.User, *model.Response, error) {
		if page >= 2 {
			select {
			case <-release:
			case <-ctx.Done():
				return nil, nil, ctx.Err()
			}
			return nil, nil, nil
		}
		return listTestUsers(perPage), nil, nil
	}
	cmd := NewCmdList(e.F, nil)
	done := make(chan error, 1)
	go func() { done <- e.Exec(cmd, "--all") }()
	deadline := time.After(5 * time.Second)
	for out.lines() < 400 {
		select {
		case <-deadline:
			close(release)
			t.Fatalf("only %d lines printed while page 2 was pending", out.lines())
		case <-time.After(time.Millisecond):
		}
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := out.lines(); n != 400 {
		t.Errorf("lines = %d, want 400", n)
	}
}

// listTestBuffer is a bytes.Buffer safe to read while the command writes to it.
type listTestBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *listTestBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *listTestBuffer) lines() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Count(b.buf.Bytes(), []byte("\n"))
}

// TestStreamUserListAllPageFails checks what a list that fails half-way leaves on stdout: JSON
// an unterminated array that no parser takes for the whole list, --jq nothing, and the
// line-oriented formats the lines read; the error is returned for main to report.
func TestStreamUserListAllPageFails(t *testing.T) {
	first := listTestUsers(200)
	pageErr := &client.Error{Status: 503, Message: "Service Unavailable"}
	tests := []struct {
		name      string
		tty       bool
		format    string
		jq        string
		failFirst bool // page 0 fails instead of page 1
		check     func(t *testing.T, out string)
	}{
		{name: "json", format: "json", check: func(t *testing.T, out string) { assertUnterminatedUsers(t, out, first) }},
		{name: "json on a terminal", tty: true, format: "json", check: func(t *testing.T, out string) { assertUnterminatedUsers(t, out, first) }},
		{name: "--jq prints nothing", jq: "length", check: func(t *testing.T, out string) {
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		}},
		{name: "jsonl keeps the lines read", format: "jsonl", check: func(t *testing.T, out string) {
			if n := strings.Count(out, "\n"); n != 200 {
				t.Errorf("%d lines, want 200", n)
			}
		}},
		{name: "plain keeps the lines read", check: func(t *testing.T, out string) {
			if n := strings.Count(out, "\n"); n != 200 || !strings.HasPrefix(out, first[0].Id+"\t") {
				t.Errorf("%d lines, want the 200 users read", n)
			}
		}},
		{name: "table shows the users read", tty: true, check: func(t *testing.T, out string) {
			if !strings.Contains(out, "USERNAME") || !strings.Contains(out, "user199") {
				t.Errorf("the rows read are not shown:\n%.300s", out)
			}
		}},
		{name: "json, first page fails: nothing, not []", format: "json", failFirst: true, check: func(t *testing.T, out string) {
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		}},
		{name: "--jq, first page fails", jq: "length", failFirst: true, check: func(t *testing.T, out string) {
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.Format(tt.format))
			e.F.Globals.JQ = tt.jq
			e.Fake.GetUsersWithCustomQueryParametersFunc = func(ctx context.Context, page, perPage int, q, etag string) ([]*model.User, *model.Response, error) {
				switch {
				case page == 0 && !tt.failFirst:
					return first, &model.Response{StatusCode: 200}, nil
				case page <= 1:
					return nil, &model.Response{StatusCode: 503}, pageErr
				default: // pages fetched ahead of the failure, never printed
					return listTestUsers(200), &model.Response{StatusCode: 200}, nil
				}
			}
			err := e.Exec(NewCmdList(e.F, nil), "--all")
			if err != pageErr {
				t.Fatalf("error = %v, want the page's %v", err, pageErr)
			}
			tt.check(t, e.Out.String())
			if e.ErrOut.Len() != 0 {
				t.Errorf("stderr = %q: main reports the error once", e.ErrOut)
			}
		})
	}
}

// assertUnterminatedUsers fails unless out is a JSON array of exactly want, whole, that ends
// without its closing bracket.
func assertUnterminatedUsers(t *testing.T, out string, want []*model.User) {
	t.Helper()
	if json.Valid([]byte(out)) {
		var got []json.RawMessage
		_ = json.Unmarshal([]byte(out), &got)
		t.Fatalf("stdout parses as a complete JSON array of %d users after a page failed", len(got))
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		t.Fatalf("stdout does not start a JSON array: %v %v", tok, err)
	}
	for i, u := range want {
		var got model.User
		if !dec.More() {
			t.Fatalf("user %d missing", i)
		}
		if err := dec.Decode(&got); err != nil || got.Id != u.Id {
			t.Fatalf("user %d: %v, id %q, want %q", i, err, got.Id, u.Id)
		}
	}
	if tok, err := dec.Token(); err == nil {
		t.Fatalf("after the users read stdout goes on with %v", tok)
	}
}
