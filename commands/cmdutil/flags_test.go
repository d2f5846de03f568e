package cmdutil_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestReadSecretFile(t *testing.T) {
	const secret = "hunter2-secret-value"
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}

	tests := []struct {
		name    string
		path    string
		stdin   io.Reader
		want    string
		wantErr string
	}{
		{name: "file", path: write("plain", secret), want: secret},
		{name: "trailing newline trimmed", path: write("newline", secret+"\n"), want: secret},
		{name: "CRLF and blanks trimmed", path: write("crlf", "  \t"+secret+"\r\n\n"), want: secret},
		{name: "inner spaces kept", path: write("inner", "pass phrase with spaces\n"), want: "pass phrase with spaces"},
		{name: "empty file", path: write("empty", ""), wantErr: "is empty"},
		{name: "blank file", path: write("blank", " \n\t\n"), wantErr: "is empty"},
		{name: "missing file", path: filepath.Join(dir, "missing"), wantErr: "reading secret"},
		{name: "directory", path: dir, wantErr: "reading secret"},
		{name: "stdin", path: "-", stdin: strings.NewReader(secret + "\n"), want: secret},
		{name: "stdin empty", path: "-", stdin: strings.NewReader(""), wantErr: "no secret on standard input"},
		{name: "stdin blank", path: "-", stdin: strings.NewReader("\n\n"), wantErr: "no secret on standard input"},
		{name: "stdin read error", path: "-", stdin: io.MultiReader(strings.NewReader(secret), iotest.ErrReader(errors.New("broken pipe"))), wantErr: "reading secret: broken pipe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdin := tt.stdin
			if stdin == nil {
				stdin = iotest.ErrReader(errors.New("stdin must not be read"))
			}
			got, err := cmdutil.ReadSecretFile(tt.path, stdin)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ReadSecretFile = %q, want error containing %q", got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "hunter2") {
					t.Errorf("error contains the secret: %q", err)
				}
				if got != "" {
					t.Errorf("returned %q along with an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ReadSecretFile = %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("unreadable file", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root can read any file")
		}
		path := write("unreadable", secret)
		if err := os.Chmod(path, 0o000); err != nil {
			t.Fatal(err)
		}
		_, err := cmdutil.ReadSecretFile(path, nil)
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("err = %v", err)
		}
	})
}

func newFlagCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "login", RunE: func(*cobra.Command, []string) error { return nil }}
	cmd.Flags().String("token", "", "")
	cmd.Flags().String("password-file", "", "")
	cmd.Flags().Bool("mfa", false, "")
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return cmd
}

func TestMutuallyExclusive(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "none set"},
		{name: "one set", args: []string{"--token", "x"}},
		{name: "one set to its zero value still counts once", args: []string{"--mfa=false"}},
		{name: "two set", args: []string{"--password-file", "f", "--token", "x"}, wantErr: "--token and --password-file cannot be used together"},
		{name: "two set, one to the zero value", args: []string{"--token", "", "--mfa=false"}, wantErr: "--token and --mfa cannot be used together"},
		{name: "three set", args: []string{"--token", "x", "--password-file", "f", "--mfa"}, wantErr: "--token and --password-file and --mfa cannot be used together"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := newFlagCmd()
			if err := cmd.Flags().Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := cmdutil.MutuallyExclusive(cmd, "token", "password-file", "mfa")
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			var flagErr *cmdutil.FlagError
			if !errors.As(err, &flagErr) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
				t.Errorf("%T is not a usage error", err)
			}
		})
	}
}

func TestPositionalArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    cobra.PositionalArgs
		argv    []string
		wantErr string
	}{
		{name: "exact: right count", args: cmdutil.ExactArgs(1, "a username"), argv: []string{"bob"}},
		{name: "exact: none", args: cmdutil.ExactArgs(1, "a username"), argv: nil, wantErr: "matterctl user get expects a username, got 0 argument(s)"},
		{name: "exact: too many", args: cmdutil.ExactArgs(1, "a username"), argv: []string{"a", "b"}, wantErr: "matterctl user get expects a username, got 2 argument(s)"},
		{name: "exact: two", args: cmdutil.ExactArgs(2, "a team and a channel"), argv: []string{"t", "c"}},
		{name: "exact: zero", args: cmdutil.ExactArgs(0, "no arguments"), argv: []string{"x"}, wantErr: "expects no arguments, got 1 argument(s)"},
		{name: "minimum: met", args: cmdutil.MinimumArgs(1, "at least one username"), argv: []string{"a"}},
		{name: "minimum: exceeded", args: cmdutil.MinimumArgs(1, "at least one username"), argv: []string{"a", "b", "c"}},
		{name: "minimum: missing", args: cmdutil.MinimumArgs(1, "at least one username"), argv: nil, wantErr: "matterctl user get expects at least one username"},
		{name: "minimum: two", args: cmdutil.MinimumArgs(2, "a team and at least one user"), argv: []string{"t"}, wantErr: "expects a team and at least one user"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran := false
			root := &cobra.Command{Use: "matterctl", SilenceErrors: true, SilenceUsage: true}
			noun := &cobra.Command{Use: "user"}
			verb := &cobra.Command{Use: "get", Args: tt.args, RunE: func(*cobra.Command, []string) error { ran = true; return nil }}
			noun.AddCommand(verb)
			root.AddCommand(noun)
			root.SetOut(io.Discard)
			root.SetErr(io.Discard)
			root.SetArgs(append([]string{"user", "get"}, tt.argv...))

			err := root.Execute()
			if tt.wantErr == "" {
				if err != nil || !ran {
					t.Fatalf("err = %v, ran = %v", err, ran)
				}
				return
			}
			if ran {
				t.Error("RunE ran despite the argument error")
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			var flagErr *cmdutil.FlagError
			if !errors.As(err, &flagErr) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
				t.Errorf("%T (%v) is not a usage error", err, err)
			}
		})
	}
}
