package user

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/iostreams"
)

// listTestSetup builds a Factory over buffers and a fake client.
func listTestSetup(tty bool, format string) (*cmdutil.Factory, *clienttest.Fake, *bytes.Buffer, *bytes.Buffer) {
	ios, _, out, errOut := iostreams.Test()
	ios.SetTTY(tty)
	f := cmdutil.New(ios, build.Info{Version: "test"}, func(string) string { return "" })
	f.Globals.Format = format
	fake := &clienttest.Fake{}
	f.Client = func() (client.Client, error) { return fake, nil }
	return f, fake, out, errOut
}

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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _, _ := listTestSetup(false, "")
			var got *ListOptions
			cmd := NewCmdList(f, func(_ context.Context, o *ListOptions) error { got = o; return nil })
			listTestNormalize(cmd)
			cmd.SetArgs(tt.argv)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
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
			f, fake, out, errOut := listTestSetup(tt.tty, tt.format)
			var mu sync.Mutex
			var pages, perPages []int
			var query url.Values
			fake.GetUsersWithCustomQueryParametersFunc = func(ctx context.Context, page, perPage int, q, etag string) ([]*model.User, *model.Response, error) {
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
			fake.GetTeamByNameFunc = func(ctx context.Context, name, etag string) (*model.Team, *model.Response, error) {
				if tt.team != nil && tt.team.Name == name {
					return tt.team, nil, nil
				}
				return nil, nil, &client.Error{Status: 404, Message: "not found"}
			}
			cmd := NewCmdList(f, nil)
			listTestNormalize(cmd)
			cmd.SetArgs(tt.argv)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.ExecuteContext(context.Background())
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d; stderr: %s", code, err, tt.wantCode, errOut)
			}
			if tt.wantExact != "" && out.String() != tt.wantExact {
				t.Errorf("stdout = %q, want %q", out, tt.wantExact)
			}
			for _, s := range tt.wantOut {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(errOut.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
			if tt.wantJSONN >= 0 {
				var arr []json.RawMessage
				if err := json.Unmarshal(out.Bytes(), &arr); err != nil {
					t.Fatalf("stdout is not a JSON array: %v\n%s", err, out)
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
	f, fake, _, _ := listTestSetup(false, "jsonl")
	out := &listTestBuffer{}
	f.IOStreams.Out = out
	release := make(chan struct{})
	fake.GetUsersWithCustomQueryParametersFunc = func(ctx context.Context, page, perPage int, q, etag string) ([]*model.User, *model.Response, error) {
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
	cmd := NewCmdList(f, nil)
	cmd.SetArgs([]string{"--all"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(context.Background()) }()
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

// listTestNormalize applies what the root command adds: "_" → "-" in flag names and usage
// errors for bad flags.
func listTestNormalize(cmd *cobra.Command) {
	cmd.SetGlobalNormalizationFunc(func(_ *pflag.FlagSet, name string) pflag.NormalizedName {
		return pflag.NormalizedName(strings.ReplaceAll(name, "_", "-"))
	})
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
}
