package root

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/internal/httpstub"
	"github.com/matterctl/matterctl/internal/iostreams"
)

type testEnv struct {
	f          *cmdutil.Factory
	reg        *httpstub.Registry
	in         *bytes.Buffer
	out        *bytes.Buffer
	errOut     *bytes.Buffer
	dir        string
	configPath string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	ios, in, out, errOut := iostreams.Test()
	e := &testEnv{reg: httpstub.New(t), in: in, out: out, errOut: errOut, dir: t.TempDir()}
	e.configPath = filepath.Join(e.dir, "config.json")
	// A safety net: whatever happens to the --config value, never touch the real config file.
	t.Setenv("MATTERCTL_CONFIG", filepath.Join(e.dir, "default-config.json"))
	f := cmdutil.New(ios, build.Info{Version: "1.2.3"}, func(string) string { return "" })
	f.Globals.ConfigPath = e.configPath
	f.NewClient = func(opts client.Options) (client.Client, error) {
		return e.reg.Client4(opts.BaseURL(), opts.Token), nil
	}
	f.HTTPClient = func() (*http.Client, client.Options, error) {
		creds, err := f.Credentials()
		if err != nil {
			return nil, client.Options{}, err
		}
		opts, err := f.ClientOptions(creds)
		return e.reg.Client(), opts, err
	}
	e.f = f
	return e
}

// run executes the whole command tree as main does, with the test's config file unless args
// name another with --config.
func (e *testEnv) run(args ...string) error {
	cmd := NewCmdRoot(e.f)
	// NewCmdRoot binds --config to Globals.ConfigPath with an empty default, resetting it.
	e.f.Globals.ConfigPath = e.configPath
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	_, err := cmd.ExecuteContextC(context.Background())
	if err != nil && IsUsageError(err) {
		err = &cmdutil.FlagError{Err: err}
	}
	return err
}

func TestUnderscoreFlagsAreNormalised(t *testing.T) {
	tests := []struct {
		args      []string
		flag      string
		wantValue string
	}{
		{[]string{"auth", "login", "--password_file", "x"}, "password-file", "x"},
		{[]string{"auth", "login", "--access_token_file", "t.txt"}, "access-token-file", "t.txt"},
		{[]string{"auth", "login", "--mfa_token", "123"}, "mfa-token", "123"},
		{[]string{"auth", "login", "--no_activate"}, "no-activate", "true"},
		{[]string{"auth", "renew", "--password_stdin"}, "password-stdin", "true"},
		{[]string{"api", "--raw_field", "a=b"}, "raw-field", "[a=b]"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			root := NewCmdRoot(newTestEnv(t).f)
			cmd, rest, err := root.Find(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Fatalf("%q: %v", rest, err)
			}
			if got := cmd.Flags().Lookup(tt.flag).Value.String(); got != tt.wantValue {
				t.Errorf("--%s = %q, want %q", tt.flag, got, tt.wantValue)
			}
		})
	}
}

// TestLoginWithUnderscoreFlag runs a whole login through the root: --password_file reaches the
// login options and the password from the file reaches the server.
func TestLoginWithUnderscoreFlag(t *testing.T) {
	e := newTestEnv(t)
	pwFile := filepath.Join(e.dir, "pw")
	if err := os.WriteFile(pwFile, []byte("pa55-SECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.reg.Register(httpstub.REST("GET", "/api/v4/system/ping"), httpstub.JSONResponse(200, map[string]string{"status": "OK"}))
	e.reg.Register(httpstub.REST("POST", "/api/v4/users/login"), httpstub.Inspect(func(_ *http.Request, body []byte) {
		if string(body) != `{"login_id":"admin","password":"pa55-SECRET"}` {
			t.Errorf("login body %s", body)
		}
	}, httpstub.WithHeader(httpstub.JSONResponse(200, &model.User{Id: "u1", Username: "admin"}), model.HeaderToken, "sess-TOKEN")))

	err := e.run("auth", "login", "https://mm.example.com", "--name", "prod", "--username", "admin", "--password_file", pwFile)
	if err != nil {
		t.Fatal(err)
	}
	file, err := config.NewStore(e.configPath).Load()
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := file.Get("prod"); !ok || p.Token != "sess-TOKEN" || file.Current != "prod" {
		t.Errorf("stored: %+v", file)
	}
	for _, s := range []string{"pa55-SECRET", "sess-TOKEN"} {
		if strings.Contains(e.out.String()+e.errOut.String(), s) {
			t.Errorf("%q printed", s)
		}
	}
}

func TestUsageErrorsThroughTheRoot(t *testing.T) {
	for _, args := range [][]string{
		{"auth", "login", "a", "b"},
		{"auth", "login", "--bogus"},
		{"auth", "login", "--password-file", "a", "--token-stdin"},
		{"auth", "delete"},
		{"auth", "set"},
		{"auth", "list", "extra"},
		{"auth", "token", "extra"},
		{"api"},
		{"api", "POST", "/users", "--paginate"},
		{"api", "POST", "/users", "-X", "PUT"},
		{"version", "extra"},
		{"nosuchcommand"},
		{"version", "--format", "yaml"},
		{"version", "--timeout", "0s"},
		{"completion"},
		{"completion", "nosuchshell"},
		{"completion", "bash", "zsh"},
		{"completion", ""},
		{"user", "show", ""},
		{"user", "show", "alice", " "},
		{"token", "generate", "alice", ""},
		{"auth", "set", ""},
		{"api", ""},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			e := newTestEnv(t)
			if code := cmdutil.ExitCode(e.run(args...)); code != cmdutil.ExitUsage {
				t.Errorf("exit code %d, want 2", code)
			}
			if len(e.reg.Requests()) != 0 {
				t.Error("a request was made")
			}
		})
	}
}

func TestGlobalFlagsReachCommands(t *testing.T) {
	e := newTestEnv(t)
	err := config.NewStore(e.configPath).Update(func(f *config.File) error {
		f.Put(&config.Profile{Name: "prod", URL: "https://mm.example.com", Username: "admin", AuthMethod: config.MethodToken, Token: "prod-TOKEN"})
		f.Put(&config.Profile{Name: "dev", URL: "https://dev.example.com", Username: "bob", AuthMethod: config.MethodToken, Token: "dev-TOKEN"})
		f.Current = "prod"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.run("auth", "current", "--server", "dev", "--json"); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(e.out.Bytes(), &got); err != nil || got["name"] != "dev" || got["source"] != "--server" {
		t.Errorf("auth current: %s (%v)", e.out.String(), err)
	}

	e.out.Reset()
	other := filepath.Join(e.dir, "other.json")
	if err := e.run("auth", "list", "--config", other, "--json"); err != nil {
		t.Fatal(err)
	}
	if e.out.String() != "[]\n" {
		t.Errorf("--config was not used: %q", e.out.String())
	}
}

func TestCompletion(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string // in the script
	}{
		{[]string{"completion", "bash"}, "__start_matterctl"},
		{[]string{"completion", "bash", "--no-descriptions"}, "__start_matterctl"},
		{[]string{"completion", "zsh"}, "#compdef matterctl"},
		{[]string{"completion", "fish"}, "complete -c matterctl"},
		{[]string{"completion", "powershell"}, "Register-ArgumentCompleter"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			e := newTestEnv(t)
			if err := e.run(tt.args...); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(e.out.String(), tt.want) {
				t.Errorf("stdout does not hold %q:\n%.300s", tt.want, e.out.String())
			}
			if e.errOut.Len() != 0 {
				t.Errorf("stderr: %q", e.errOut.String())
			}
		})
	}
}

func TestCompletionUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"completion"}, "matterctl completion expects one shell (bash, zsh, fish or powershell), got 0 argument(s)"},
		{[]string{"completion", "bash", "zsh"}, "matterctl completion expects one shell (bash, zsh, fish or powershell), got 2 argument(s)"},
		{[]string{"completion", "nosuchshell"}, `unsupported shell "nosuchshell": use bash, zsh, fish or powershell`},
		{[]string{"completion", "Bash"}, `unsupported shell "Bash": use bash, zsh, fish or powershell`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			e := newTestEnv(t)
			err := e.run(tt.args...)
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
				t.Errorf("exit code %d, want 2", code)
			}
			if e.out.Len() != 0 {
				t.Errorf("stdout: %.200q", e.out.String())
			}
		})
	}
}

// TestUnknownSubcommandsAndTopics: a group given an argument that names none of its verbs,
// and `help` given an unknown topic, are usage errors (cobra would print help and exit 0); a
// group alone still prints its help.
func TestUnknownSubcommandsAndTopics(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string // in the usage message; "" for success
	}{
		{[]string{"user", "frob"}, `unknown command "frob" for "matterctl user"`},
		{[]string{"user", "lst"}, `unknown command "lst" for "matterctl user"; did you mean "list"?`},
		{[]string{"team", "users", "nope"}, `unknown command "nope" for "matterctl team users"`},
		{[]string{"help", "nosuch"}, `unknown help topic "nosuch"`},
		{[]string{"user"}, ""},
		{[]string{"help", "user"}, ""},
		{[]string{"help", "retries"}, ""},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			e := newTestEnv(t)
			root := NewCmdRoot(e.f)
			root.SetArgs(tc.args)
			root.SetOut(io.Discard)
			root.SetErr(io.Discard)
			err := root.Execute()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				return
			}
			if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
				t.Fatalf("exit %d (%v), want a usage error", cmdutil.ExitCode(err), err)
			}
			if msg := UsageMessage(err); !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Errorf("message %q, want one line with %q", msg, tc.want)
			}
		})
	}
}
