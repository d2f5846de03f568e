package token

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

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
