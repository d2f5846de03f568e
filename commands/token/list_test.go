package token

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestListFlags(t *testing.T) {
	tests := []struct {
		name    string
		argv    []string
		want    ListOptions
		wantErr string
	}{
		{name: "defaults", argv: []string{"alice"}, want: ListOptions{User: "alice", PerPage: 200}},
		{name: "paging", argv: []string{"alice", "--page", "2", "--per-page", "50"}, want: ListOptions{User: "alice", Page: 2, PerPage: 50}},
		{name: "all active", argv: []string{"alice", "--all", "--active"}, want: ListOptions{User: "alice", PerPage: 200, All: true, Active: true}},
		{name: "inactive", argv: []string{"alice", "--inactive"}, want: ListOptions{User: "alice", PerPage: 200, Inactive: true}},
		{name: "mmctl --active=false --inactive", argv: []string{"alice", "--active=false", "--inactive"}, want: ListOptions{User: "alice", PerPage: 200, Inactive: true}},
		{name: "both", argv: []string{"alice", "--active", "--inactive"}, wantErr: "cannot be used together"},
		{name: "no user", argv: []string{}, wantErr: "expects one user"},
		{name: "negative page", argv: []string{"alice", "--page", "-1"}, wantErr: "--page"},
		{name: "zero per page", argv: []string{"alice", "--per-page", "0"}, wantErr: "--per-page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t)
			var got *ListOptions
			err := env.Exec(NewCmdList(env.F, func(_ context.Context, o *ListOptions) error { got = o; return nil }), tt.argv...)
			code := cmdutil.ExitCode(err)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || code != cmdutil.ExitUsage {
					t.Fatalf("err = %v (exit %d), want usage error %q", err, code, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.User != tt.want.User || got.Page != tt.want.Page || got.PerPage != tt.want.PerPage ||
				got.All != tt.want.All || got.Active != tt.want.Active || got.Inactive != tt.want.Inactive {
				t.Errorf("options = %+v, want %+v", *got, tt.want)
			}
		})
	}
}

func TestListRun(t *testing.T) {
	alice := &model.User{Id: model.NewId(), Username: "alice"}
	// 250 tokens: every third one inactive.
	var tokens []*model.UserAccessToken
	for i := range 250 {
		tokens = append(tokens, &model.UserAccessToken{Id: fmt.Sprintf("tok%03d", i), UserId: alice.Id, Description: fmt.Sprintf("d%d", i), IsActive: i%3 != 0})
	}
	tests := []struct {
		name       string
		argv       []string
		tty, json  bool
		empty      bool
		wantLines  int
		wantFirst  string
		wantStdout string
		wantStderr string
		wantPages  []int
		wantCode   int
	}{
		{name: "one page, all tokens", argv: []string{"alice"}, wantLines: 200, wantFirst: "tok000\td0\tfalse", wantPages: []int{0}},
		{name: "page 1", argv: []string{"alice", "--page", "1"}, wantLines: 50, wantFirst: "tok200\td200\ttrue", wantPages: []int{1}},
		{name: "all", argv: []string{"alice", "--all"}, wantLines: 250},
		{name: "all active", argv: []string{"alice", "--all", "--active"}, wantLines: 166, wantFirst: "tok001\td1\ttrue"},
		{name: "all inactive", argv: []string{"alice", "--all", "--inactive"}, wantLines: 84, wantFirst: "tok000\td0\tfalse"},
		{name: "small pages", argv: []string{"alice", "--all", "--per-page", "100"}, wantLines: 250},
		{name: "per-page above max warns", argv: []string{"alice", "--per-page", "9999"}, wantLines: 200, wantStderr: "above the server's maximum"},
		{name: "empty JSON list", argv: []string{"alice"}, json: true, empty: true, wantStdout: "[]\n"},
		{name: "empty plain list", argv: []string{"alice"}, empty: true, wantStdout: ""},
		{name: "unknown user", argv: []string{"nobody"}, wantCode: cmdutil.ExitNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.JSON(tt.json))
			cmdtest.ServeUsers(env.Fake, alice)
			var mu sync.Mutex
			var pages []int
			env.Fake.GetUserAccessTokensForUserFunc = func(_ context.Context, uid string, page, perPage int) ([]*model.UserAccessToken, *model.Response, error) {
				if uid != alice.Id {
					return nil, nil, fmt.Errorf("wrong user")
				}
				mu.Lock()
				pages = append(pages, page)
				mu.Unlock()
				if tt.empty {
					return nil, nil, nil
				}
				start, end := min(page*perPage, len(tokens)), min((page+1)*perPage, len(tokens))
				out := make([]*model.UserAccessToken, 0, end-start)
				for _, tk := range tokens[start:end] {
					c := *tk
					out = append(out, &c)
				}
				return out, nil, nil
			}
			err := env.Exec(NewCmdList(env.F, nil), tt.argv...)
			code := cmdutil.ExitCode(err)
			if code != tt.wantCode {
				t.Fatalf("exit %d (%v), want %d", code, err, tt.wantCode)
			}
			if tt.wantCode != 0 {
				return
			}
			out := env.Out.String()
			if tt.wantLines > 0 {
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				if len(lines) != tt.wantLines {
					t.Errorf("%d lines, want %d", len(lines), tt.wantLines)
				}
				if tt.wantFirst != "" && lines[0] != tt.wantFirst {
					t.Errorf("first line %q, want %q", lines[0], tt.wantFirst)
				}
			} else if out != tt.wantStdout {
				t.Errorf("stdout = %q, want %q", out, tt.wantStdout)
			}
			if tt.wantStderr != "" {
				checkContains(t, "stderr", env.ErrOut.String(), tt.wantStderr)
			}
			if tt.wantPages != nil && fmt.Sprint(pages) != fmt.Sprint(tt.wantPages) {
				t.Errorf("pages fetched %v, want %v", pages, tt.wantPages)
			}
		})
	}
}

// TestStreamTokenListPageFails checks that token list --all, when a page fails after another
// was printed, leaves JSON an unterminated array and --jq output empty.
func TestStreamTokenListPageFails(t *testing.T) {
	alice := &model.User{Id: model.NewId(), Username: "alice"}
	page := func(n int) []*model.UserAccessToken {
		out := make([]*model.UserAccessToken, 200)
		for i := range out {
			out[i] = &model.UserAccessToken{Id: fmt.Sprintf("tok%d-%03d", n, i), UserId: alice.Id, IsActive: true}
		}
		return out
	}
	pageErr := &client.Error{Status: 500, Message: "Internal Server Error"}
	for _, jq := range []string{"", "length"} {
		t.Run(fmt.Sprintf("jq=%q", jq), func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.JSON(true))
			env.F.Globals.JQ = jq
			cmdtest.ServeUsers(env.Fake, alice)
			env.Fake.GetUserAccessTokensForUserFunc = func(_ context.Context, _ string, p, _ int) ([]*model.UserAccessToken, *model.Response, error) {
				if p == 1 {
					return nil, nil, pageErr
				}
				return page(p), nil, nil
			}
			err := env.Exec(NewCmdList(env.F, nil), "alice", "--all")
			if !errors.Is(err, pageErr) {
				t.Fatalf("error = %v, want the page's", err)
			}
			out := env.Out.String()
			if jq != "" {
				if out != "" {
					t.Errorf("stdout = %q, want nothing", out)
				}
				return
			}
			if json.Valid([]byte(out)) {
				t.Fatalf("stdout parses as a complete JSON document after page 1 failed")
			}
			if !strings.HasPrefix(out, "[\n") || !strings.Contains(out, `"tok0-199"`) || strings.Contains(out, "tok2-") || strings.Contains(out, "]\n") {
				t.Errorf("stdout is not page 0 in an unterminated array:\n%.300s", out)
			}
		})
	}
}
