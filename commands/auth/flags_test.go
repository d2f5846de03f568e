package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/config"
)

// Flag tier: argv → options, and which argv is a usage error. No command does any work here.

// wantUsage checks a usage error (exit 2) whose message contains msg.
func wantUsage(t *testing.T, err error, msg string) {
	t.Helper()
	var fe *cmdutil.FlagError
	if !errors.As(err, &fe) {
		t.Fatalf("want a *cmdutil.FlagError, got %T %v", err, err)
	}
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
		t.Errorf("exit code %d, want 2", cmdutil.ExitCode(err))
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("error %q does not contain %q", err, msg)
	}
}

func TestLoginFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    LoginOptions
		wantErr string // a usage error containing this
		wantAny bool   // some error (cobra's own argument check; the root makes it a usage error)
	}{
		{name: "nothing", args: nil, want: LoginOptions{}},
		{
			name: "long flags",
			args: []string{"https://mm.example.com", "--name", "prod", "--username", "admin", "--password-file", "pw.txt", "--mfa-token", "123456", "--no-activate"},
			want: LoginOptions{URL: "https://mm.example.com", Name: "prod", Username: "admin", PasswordFile: "pw.txt", MFAToken: "123456", NoActivate: true},
		},
		{
			name: "short flags",
			args: []string{"mm.example.com", "-n", "prod", "-u", "admin", "-f", "-", "-m", "42"},
			want: LoginOptions{URL: "mm.example.com", Name: "prod", Username: "admin", PasswordFile: "-", MFAToken: "42"},
		},
		{name: "password stdin", args: []string{"--password-stdin"}, want: LoginOptions{PasswordStdin: true}},
		{name: "token stdin", args: []string{"--token-stdin"}, want: LoginOptions{TokenStdin: true}},
		{name: "token file", args: []string{"-t", "tok.txt"}, want: LoginOptions{AccessTokenFile: "tok.txt"}},
		{name: "hidden password", args: []string{"--password", "pw", "-u", "admin"}, want: LoginOptions{Password: "pw", Username: "admin"}},
		{name: "hidden password shorthand", args: []string{"-p", "pw"}, want: LoginOptions{Password: "pw"}},
		{name: "hidden access token", args: []string{"--access-token", "tok"}, want: LoginOptions{AccessToken: "tok"}},
		{name: "hidden access token shorthand", args: []string{"-a", "tok"}, want: LoginOptions{AccessToken: "tok"}},

		{name: "password file and stdin", args: []string{"--password-file", "a", "--password-stdin"}, wantErr: "--password-file and --password-stdin cannot be used together"},
		{name: "password and password file", args: []string{"--password", "a", "--password-file", "b"}, wantErr: "cannot be used together"},
		{name: "password file and token stdin", args: []string{"--password-file", "a", "--token-stdin"}, wantErr: "--password-file and --token-stdin cannot be used together"},
		{name: "token file and token stdin", args: []string{"-t", "a", "--token-stdin"}, wantErr: "cannot be used together"},
		{name: "access token and token file", args: []string{"--access-token", "a", "--access-token-file", "b"}, wantErr: "cannot be used together"},
		{name: "password and access token", args: []string{"-p", "a", "-a", "b"}, wantErr: "--password and --access-token cannot be used together"},
		{name: "username with token stdin", args: []string{"--username", "admin", "--token-stdin"}, wantErr: "--username cannot be used with an access token"},
		{name: "username with token file", args: []string{"-u", "admin", "-t", "tok.txt"}, wantErr: "--username cannot be used with an access token"},
		{name: "username with access token", args: []string{"-u", "admin", "--access-token", "x"}, wantErr: "--username cannot be used with an access token"},
		{name: "mfa with token", args: []string{"--mfa-token", "1", "--token-stdin"}, wantErr: "--mfa-token applies to password logins only"},
		{name: "bad profile name", args: []string{"--name", "my prod"}, wantErr: "invalid profile name"},
		{name: "profile name starting with a dash", args: []string{"--name=-x"}, wantErr: "invalid profile name"},
		{name: "two URLs", args: []string{"a", "b"}, wantAny: true},
		{name: "unknown flag", args: []string{"--bogus"}, wantAny: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, false)
			var got *LoginOptions
			cmd := NewCmdLogin(e.F, func(_ context.Context, o *LoginOptions) error { got = o; return nil })
			err := e.Exec(cmd, tt.args...)
			switch {
			case tt.wantErr != "":
				wantUsage(t, err, tt.wantErr)
			case tt.wantAny:
				if err == nil {
					t.Fatal("want an error")
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
			}
			if tt.wantErr != "" || tt.wantAny {
				if got != nil {
					t.Error("runF was called despite the usage error")
				}
				return
			}
			if got == nil {
				t.Fatal("runF not called")
			}
			if got.F != e.F {
				t.Error("the options do not carry the factory")
			}
			got.F = nil
			if *got != tt.want {
				t.Errorf("options\n got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestLoginSecretFlagsHidden(t *testing.T) {
	cmd := NewCmdLogin(newTestEnv(t, false).F, nil)
	for _, name := range []string{"password", "access-token"} {
		if fl := cmd.Flags().Lookup(name); fl == nil || !fl.Hidden {
			t.Errorf("--%s should exist and be hidden", name)
		}
	}
	for _, name := range []string{"password-file", "password-stdin", "access-token-file", "token-stdin", "mfa-token", "no-activate", "name", "username"} {
		if fl := cmd.Flags().Lookup(name); fl == nil || fl.Hidden {
			t.Errorf("--%s should exist and be visible", name)
		}
	}
}

func TestRenewFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    RenewOptions
		wantErr string
	}{
		{name: "current profile", args: nil, want: RenewOptions{}},
		{name: "named", args: []string{"prod", "--password-file", "pw.txt", "-m", "123"}, want: RenewOptions{Name: "prod", PasswordFile: "pw.txt", MFAToken: "123"}},
		{name: "token file", args: []string{"ci", "-t", "tok.txt"}, want: RenewOptions{Name: "ci", AccessTokenFile: "tok.txt"}},
		{name: "stdin", args: []string{"--token-stdin"}, want: RenewOptions{TokenStdin: true}},
		{name: "hidden password", args: []string{"-p", "pw"}, want: RenewOptions{Password: "pw"}},
		{name: "two sources", args: []string{"--password-stdin", "--token-stdin"}, wantErr: "cannot be used together"},
		{name: "password and token file", args: []string{"-f", "a", "-t", "b"}, wantErr: "--password-file and --access-token-file cannot be used together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, false)
			var got *RenewOptions
			err := e.Exec(NewCmdRenew(e.F, func(_ context.Context, o *RenewOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				wantUsage(t, err, tt.wantErr)
				if got != nil {
					t.Error("runF called")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.F = nil
			if *got != tt.want {
				t.Errorf("options\n got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
}

func TestSetFlags(t *testing.T) {
	tests := []struct {
		name     string
		tty      bool
		args     []string
		wantName string
		wantErr  string
	}{
		{name: "name", args: []string{"prod"}, wantName: "prod"},
		{name: "name at a terminal", tty: true, args: []string{"prod"}, wantName: "prod"},
		{name: "no name at a terminal picks later", tty: true, wantName: ""},
		{name: "no name without a terminal", wantErr: "not running interactively: provide the profile NAME argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, tt.tty)
			var got *SetOptions
			err := e.Exec(NewCmdSet(e.F, func(_ context.Context, o *SetOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				wantUsage(t, err, tt.wantErr)
				if got != nil {
					t.Error("runF called")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tt.wantName {
				t.Errorf("Name = %q, want %q", got.Name, tt.wantName)
			}
		})
	}
}

func TestSwitchIsSet(t *testing.T) {
	e := newTestEnv(t, false)
	e.seed("prod", &config.Profile{Name: "prod", URL: serverURL}, &config.Profile{Name: "dev", URL: serverURL})
	if err := e.Exec(NewCmdAuth(e.F), "switch", "dev"); err != nil {
		t.Fatal(err)
	}
	if cur := e.load().Current; cur != "dev" {
		t.Errorf("current = %q", cur)
	}
}

func TestDeleteFlags(t *testing.T) {
	e := newTestEnv(t, false)
	var got *DeleteOptions
	runF := func(_ context.Context, o *DeleteOptions) error { got = o; return nil }
	if err := e.Exec(NewCmdDelete(e.F, runF), "prod"); err != nil || got.Name != "prod" {
		t.Fatalf("delete prod: %v %+v", err, got)
	}
	got = nil
	wantUsage(t, e.Exec(NewCmdDelete(e.F, runF)), "expects a profile name, got 0")
	wantUsage(t, e.Exec(NewCmdDelete(e.F, runF), "a", "b"), "expects a profile name, got 2")
	if got != nil {
		t.Error("runF called")
	}
}

func TestCleanFlags(t *testing.T) {
	tests := []struct {
		args        []string
		yes, dryRun bool
	}{
		{args: nil},
		{args: []string{"--yes"}, yes: true},
		{args: []string{"-y"}, yes: true},
		{args: []string{"--confirm"}, yes: true},
		{args: []string{"--dry-run"}, dryRun: true},
	}
	for _, tt := range tests {
		e := newTestEnv(t, false)
		var got *CleanOptions
		if err := e.Exec(NewCmdClean(e.F, func(_ context.Context, o *CleanOptions) error { got = o; return nil }), tt.args...); err != nil {
			t.Fatal(err)
		}
		if got.Yes.Yes != tt.yes || got.DryRun != tt.dryRun {
			t.Errorf("%q: Yes = %v, DryRun = %v", tt.args, got.Yes.Yes, got.DryRun)
		}
	}
}

func TestDryRunFlags(t *testing.T) {
	e := newTestEnv(t, false)
	var dryRun bool
	cmds := map[string]*cobra.Command{
		"set": NewCmdSet(e.F, func(_ context.Context, o *SetOptions) error { dryRun = o.DryRun; return nil }),
		"delete": NewCmdDelete(e.F, func(_ context.Context, o *DeleteOptions) error {
			dryRun = o.DryRun
			return nil
		}),
		"login": NewCmdLogin(e.F, func(_ context.Context, o *LoginOptions) error { dryRun = o.DryRun; return nil }),
		"renew": NewCmdRenew(e.F, func(_ context.Context, o *RenewOptions) error { dryRun = o.DryRun; return nil }),
	}
	for name, cmd := range cmds {
		for _, want := range []bool{false, true} {
			args := []string{"x"}
			if name == "login" {
				args = []string{serverURL}
			}
			if want {
				args = append(args, "--dry-run")
			}
			dryRun = !want
			if err := e.Exec(cmd, args...); err != nil {
				t.Fatalf("%s %q: %v", name, args, err)
			}
			if dryRun != want {
				t.Errorf("%s %q: DryRun = %v", name, args, dryRun)
			}
		}
	}
}

func TestNoArgVerbsRejectArguments(t *testing.T) {
	e := newTestEnv(t, false)
	called := false
	build := map[string]func() *cobra.Command{
		"list": func() *cobra.Command {
			return NewCmdList(e.F, func(context.Context, *ListOptions) error { called = true; return nil })
		},
		"current": func() *cobra.Command {
			return NewCmdCurrent(e.F, func(context.Context, *CurrentOptions) error { called = true; return nil })
		},
		"status": func() *cobra.Command {
			return NewCmdStatus(e.F, func(context.Context, *StatusOptions) error { called = true; return nil })
		},
		"token": func() *cobra.Command {
			return NewCmdToken(e.F, func(context.Context, *TokenOptions) error { called = true; return nil })
		},
		"clean": func() *cobra.Command {
			return NewCmdClean(e.F, func(context.Context, *CleanOptions) error { called = true; return nil })
		},
	}
	for name, newCmd := range build {
		called = false
		if err := e.Exec(newCmd(), "x"); err == nil || called {
			t.Errorf("%s x: error %v, runF called: %v", name, err, called)
		}
		if err := e.Exec(newCmd()); err != nil || !called {
			t.Errorf("%s: error %v, runF called: %v", name, err, called)
		}
	}
}
