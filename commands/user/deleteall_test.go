package user

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestDeleteAllFlags(t *testing.T) {
	tests := []struct {
		name    string
		local   bool
		args    []string
		wantYes bool
		wantDry bool
		wantErr string
	}{
		{name: "local", local: true},
		{name: "local confirm", local: true, args: []string{"--confirm"}, wantYes: true},
		{name: "local yes dry run", local: true, args: []string{"--yes", "--dry-run"}, wantYes: true, wantDry: true},
		{name: "not local", args: []string{"--confirm"}, wantErr: "works only in local mode: run it on the server host with --local"},
		{name: "not local dry run", args: []string{"--dry-run"}, wantErr: "--local"},
		{name: "arguments", local: true, args: []string{"alice"}, wantErr: "expects no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			e.F.Globals.Local = tt.local
			var got *DeleteAllOptions
			err := e.Exec(NewCmdDeleteAll(e.F, func(_ context.Context, o *DeleteAllOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v (exit %d), want usage error %q", err, cmdutil.ExitCode(err), tt.wantErr)
				}
				if got != nil {
					t.Error("the run function was called")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !got.Local || got.Yes.Yes != tt.wantYes || got.DryRun != tt.wantDry {
				t.Errorf("opts = local %t yes %t dry %t", got.Local, got.Yes.Yes, got.DryRun)
			}
		})
	}
}

func TestDeleteAllRun(t *testing.T) {
	tests := []struct {
		name       string
		tty        bool
		args       []string
		confirms   []bool
		total      int
		deleteErr  error
		wantExit   int
		wantErr    string
		wantStderr string
		wantAsked  int
		wantDelete int
		wantList   bool
	}{
		{
			name: "no terminal, no --confirm", wantExit: cmdutil.ExitUsage, wantErr: "--confirm",
		},
		{
			name: "--confirm", args: []string{"--confirm"},
			wantStderr: "All users successfully deleted\n", wantDelete: 1,
		},
		{
			name: "terminal: confirmed", tty: true, confirms: []bool{true}, wantAsked: 1,
			wantStderr: "All users successfully deleted\n", wantDelete: 1,
		},
		{
			name: "terminal: declined", tty: true, confirms: []bool{false}, wantAsked: 1,
			wantExit: cmdutil.ExitInterrupted,
		},
		{
			name: "server error", args: []string{"--yes"}, deleteErr: mvAPIError(500, "x", "boom"),
			wantExit: cmdutil.ExitError, wantErr: "boom", wantDelete: 1,
		},
		{
			name: "dry run counts every page", args: []string{"--dry-run"}, total: 450, wantList: true,
			wantStderr: "would permanently delete all 450 users (including deactivated users and bots) and their posts\n",
		},
		{
			name: "dry run at a terminal asks nothing", tty: true, args: []string{"--dry-run"}, total: 0, wantList: true,
			wantStderr: "would permanently delete all 0 users (including deactivated users and bots) and their posts\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			e.F.Globals.Local = true
			for _, yes := range tt.confirms {
				e.Prompter.Script(cmdtest.Confirm("", yes))
			}
			e.Fake.PermanentDeleteAllUsersFunc = func(context.Context) (*model.Response, error) {
				return &model.Response{StatusCode: 200}, tt.deleteErr
			}
			e.Fake.GetUsersWithCustomQueryParametersFunc = func(_ context.Context, page, perPage int, query, _ string) ([]*model.User, *model.Response, error) {
				if query != "" {
					t.Errorf("query = %q, want none (deleted users count too)", query)
				}
				var out []*model.User
				for i := page * perPage; i < min((page+1)*perPage, tt.total); i++ {
					out = append(out, mvUser(fmt.Sprintf("u%d", i)))
				}
				return out, &model.Response{StatusCode: 200}, nil
			}
			err := e.Exec(NewCmdDeleteAll(e.F, nil), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit = %d (err %v), want %d", got, err, tt.wantExit)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if e.ErrOut.String() != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", e.ErrOut, tt.wantStderr)
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout = %q", e.Out)
			}
			if got := e.Fake.Calls("PermanentDeleteAllUsers"); got != tt.wantDelete {
				t.Errorf("PermanentDeleteAllUsers calls = %d, want %d", got, tt.wantDelete)
			}
			if listed := e.Fake.Calls("GetUsersWithCustomQueryParameters") > 0; listed != tt.wantList {
				t.Errorf("listed users: %t, want %t", listed, tt.wantList)
			}
			if got := e.Prompter.Asked(); len(got) != tt.wantAsked {
				t.Errorf("asked %q", got)
			} else if len(got) == 1 && !slices.Contains(got, "Permanently delete ALL users and all their posts? This cannot be undone.") {
				t.Errorf("asked %q", got)
			}
		})
	}
}
