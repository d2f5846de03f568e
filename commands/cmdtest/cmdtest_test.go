package cmdtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/prompt"
)

// recordingTB records failures and cleanups instead of acting on them.
type recordingTB struct {
	testing.TB
	errors   []string
	cleanups []func()
}

func (r *recordingTB) Helper()                   {}
func (r *recordingTB) Cleanup(fn func())         { r.cleanups = append(r.cleanups, fn) }
func (r *recordingTB) Errorf(f string, a ...any) { r.errors = append(r.errors, fmt.Sprintf(f, a...)) }

func (r *recordingTB) end() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func TestPrompterAnswersInOrder(t *testing.T) {
	p := NewPrompter(t)
	p.Script(Input("Server", ""), Password("Pass", "pw"), Select("Method", "token"), Confirm("", true))
	if v, err := p.Input("Server URL", "", "https://default", nil); err != nil || v != "https://default" {
		t.Errorf("Input = %q, %v; want the default", v, err)
	}
	if v, err := p.Password("Password for admin"); err != nil || v != "pw" {
		t.Errorf("Password = %q, %v", v, err)
	}
	if v, err := p.Select("Method?", []string{"password", "token"}, "password"); err != nil || v != "token" {
		t.Errorf("Select = %q, %v", v, err)
	}
	if yes, err := p.Confirm("Really?", false); err != nil || !yes {
		t.Errorf("Confirm = %t, %v", yes, err)
	}
	want := []string{"Server URL", "Password for admin", "Method?", "Really?"}
	if got := p.Asked(); !slices.Equal(got, want) {
		t.Errorf("Asked() = %q, want %q", got, want)
	}
}

func TestPrompterScriptedError(t *testing.T) {
	p := NewPrompter(t)
	p.Script(Answer{Kind: "password", Err: prompt.ErrInterrupted})
	if _, err := p.Password("Password"); !errors.Is(err, prompt.ErrInterrupted) {
		t.Errorf("err = %v, want the scripted error", err)
	}
}

func TestPrompterFailsTheTest(t *testing.T) {
	tests := []struct {
		name    string
		script  []Answer
		ask     func(p *Prompter) error
		wantErr string
	}{
		{name: "no answer left", ask: func(p *Prompter) error { _, err := p.Confirm("Delete?", false); return err },
			wantErr: `unexpected confirm prompt "Delete?"`},
		{name: "other kind", script: []Answer{Password("", "x")}, ask: func(p *Prompter) error { _, err := p.Confirm("Delete?", false); return err },
			wantErr: `prompt confirm "Delete?", want password ""`},
		{name: "other title", script: []Answer{Confirm("Remove", true)}, ask: func(p *Prompter) error { _, err := p.Confirm("Delete?", false); return err },
			wantErr: `want confirm "Remove"`},
		{name: "invalid input", script: []Answer{Input("", "bad")}, ask: func(p *Prompter) error {
			_, err := p.Input("Name", "", "", func(string) error { return errors.New("no") })
			return err
		}, wantErr: "does not validate"},
		{name: "not an option", script: []Answer{Select("", "c")}, ask: func(p *Prompter) error {
			_, err := p.Select("Pick", []string{"a", "b"}, "a")
			return err
		}, wantErr: "is not one of"},
		{name: "unused answer", script: []Answer{Confirm("", true)}, wantErr: "prompts never asked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recordingTB{TB: t}
			p := NewPrompter(rec)
			p.Script(tt.script...)
			if tt.ask != nil {
				if err := tt.ask(p); !errors.Is(err, prompt.ErrInterrupted) {
					t.Errorf("err = %v, want prompt.ErrInterrupted", err)
				}
			}
			rec.end()
			if len(rec.errors) != 1 || !strings.Contains(rec.errors[0], tt.wantErr) {
				t.Errorf("failures = %q, want one containing %q", rec.errors, tt.wantErr)
			}
		})
	}
}

func TestNewWiresTheFactory(t *testing.T) {
	e := New(t, TTY(true), JSON(true), Format("tsv"), Vars(map[string]string{"MATTERCTL_URL": "https://x"}))
	if !e.F.IOStreams.IsStdoutTTY() || !e.F.IOStreams.CanPrompt() {
		t.Error("TTY(true) did not make terminals")
	}
	if !e.F.Globals.JSON || e.F.Globals.Format != "tsv" {
		t.Errorf("globals = %+v", e.F.Globals)
	}
	if e.F.Getenv("MATTERCTL_URL") != "https://x" || e.F.Getenv("HOME") != "" {
		t.Error("Getenv does not read Vars only")
	}
	e.Vars["MATTERCTL_TOKEN"] = "later"
	if e.F.Getenv("MATTERCTL_TOKEN") != "later" {
		t.Error("Getenv does not see changes to Vars")
	}
	dir := filepath.Dir(e.ConfigPath)
	if _, err := os.Stat(dir); err != nil || e.F.Globals.ConfigPath != e.ConfigPath || filepath.Dir(os.Getenv("MATTERCTL_CONFIG")) != dir {
		t.Errorf("config path %q (MATTERCTL_CONFIG %q), want both in the test's temporary directory", e.F.Globals.ConfigPath, os.Getenv("MATTERCTL_CONFIG"))
	}
	if c, err := e.F.Client(); err != nil || c != client.Client(e.Fake) {
		t.Errorf("Client() = %v, %v; want the fake", c, err)
	}
	if e.F.Prompter != e.Prompter || e.Reg != nil {
		t.Error("prompter not wired, or a registry without HTTPStub")
	}
	e.F.IOStreams.Out.Write([]byte("o"))
	e.F.IOStreams.ErrOut.Write([]byte("e"))
	if e.Out.String() != "o" || e.ErrOut.String() != "e" {
		t.Errorf("streams not wired: out %q, err %q", e.Out, e.ErrOut)
	}
}

func TestNewHTTPStub(t *testing.T) {
	e := New(t, HTTPStub(), Vars(map[string]string{"MATTERCTL_URL": "https://mm.example.com", "MATTERCTL_TOKEN": "tok"}))
	if e.Fake != nil || e.Reg == nil {
		t.Fatal("HTTPStub: want a registry and no fake")
	}
	hc, opts, err := e.F.HTTPClient()
	if err != nil || hc.Transport != e.Reg || opts.Token != "tok" {
		t.Errorf("HTTPClient() = %v, %+v, %v", hc, opts, err)
	}
}

func TestExec(t *testing.T) {
	e := New(t)
	var got string
	var stdin []byte
	cmd := &cobra.Command{Use: "x", Args: cobra.NoArgs, RunE: func(c *cobra.Command, _ []string) error {
		stdin, _ = io.ReadAll(c.InOrStdin())
		return nil
	}}
	cmd.Flags().StringVar(&got, "dry-run", "", "")
	e.In.WriteString("typed")
	if err := e.Exec(cmd, "--dry_run", "yes"); err != nil || got != "yes" || string(stdin) != "typed" {
		t.Errorf("Exec = %v, flag %q, stdin %q", err, got, stdin)
	}
	if err := e.Exec(cmd, "--nope"); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("unknown flag: exit %d (%v), want a usage error", cmdutil.ExitCode(err), err)
	}
}

func TestServeUsers(t *testing.T) {
	e := New(t)
	alice := &model.User{Id: model.NewId(), Username: "alice", Email: "Alice@example.com"}
	ServeUsers(e.Fake, alice)
	ctx := context.Background()
	byID, _, err := e.Fake.GetUsersByIds(ctx, []string{model.NewId(), alice.Id})
	if err != nil || len(byID) != 1 || byID[0].Username != "alice" || byID[0] == alice {
		t.Errorf("GetUsersByIds = %v, %v; want a copy of alice", byID, err)
	}
	byName, _, err := e.Fake.GetUsersByUsernames(ctx, []string{"alice", "bob"})
	if err != nil || len(byName) != 1 || byName[0].Id != alice.Id {
		t.Errorf("GetUsersByUsernames = %v, %v", byName, err)
	}
	if u, _, err := e.Fake.GetUserByEmail(ctx, "alice@EXAMPLE.com", ""); err != nil || u.Id != alice.Id {
		t.Errorf("GetUserByEmail = %v, %v", u, err)
	}
	if _, _, err := e.Fake.GetUserByEmail(ctx, "bob@example.com", ""); !client.IsNotFound(err) {
		t.Errorf("unknown email: err = %v, want a 404", err)
	}
}
