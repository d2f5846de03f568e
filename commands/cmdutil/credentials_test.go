package cmdutil_test

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

const (
	prodToken    = "prod-token-0123456789"
	stagingToken = "staging-token-0123456789"
	envToken     = "env-token-0123456789"
)

// newTestFactory returns the production Factory with test streams, the given environment and a
// config file in a fresh temporary directory.
func newTestFactory(t *testing.T, env map[string]string) *cmdutil.Factory {
	t.Helper()
	ios, _, _, _ := iostreams.Test()
	f := cmdutil.New(ios, build.Info{Version: "1.2.3"}, func(k string) string { return env[k] })
	f.Globals.ConfigPath = filepath.Join(t.TempDir(), "matterctl", "config.json")
	return f
}

// writeProfiles stores prod and staging, with prod current unless current says otherwise.
func writeProfiles(t *testing.T, f *cmdutil.Factory, current string) {
	t.Helper()
	store, err := f.ConfigStore()
	if err != nil {
		t.Fatal(err)
	}
	err = store.Update(func(file *config.File) error {
		file.Put(&config.Profile{Name: "prod", URL: "https://prod.example.com", Username: "admin", AuthMethod: config.MethodPassword, Token: prodToken})
		file.Put(&config.Profile{Name: "staging", URL: "https://staging.example.com/", Username: "bot", AuthMethod: config.MethodToken, Token: stagingToken, InsecureSkipVerify: true, CAFile: "/etc/ca.pem"})
		file.Current = current
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestResolveCredentials(t *testing.T) {
	allEnv := map[string]string{
		"MATTERCTL_URL":          "https://env.example.com/api/v4/",
		"MATTERCTL_TOKEN":        envToken,
		"MATTERCTL_SERVER":       "staging",
		"MATTERCTL_LOCAL_SOCKET": "/run/mm/local.sock",
	}
	without := func(keys ...string) map[string]string {
		env := make(map[string]string)
		for k, v := range allEnv {
			env[k] = v
		}
		for _, k := range keys {
			delete(env, k)
		}
		return env
	}

	tests := []struct {
		name     string
		env      map[string]string
		local    bool
		server   string
		profiles bool   // write prod and staging
		current  string // current profile when profiles is set
		corrupt  bool   // write an unparsable config file instead
		want     cmdutil.Credentials
		wantErr  string // substring; the error must then be returned instead of credentials
		wantCode int    // ExitCode of the error
		wantIs   error
	}{
		{
			name: "--local beats everything, socket from MATTERCTL_LOCAL_SOCKET", env: allEnv, local: true, server: "prod", profiles: true, current: "prod",
			want: cmdutil.Credentials{Source: cmdutil.SourceLocal, SocketPath: "/run/mm/local.sock", URL: "http://_"},
		},
		{
			name: "--local uses the default socket", env: without("MATTERCTL_LOCAL_SOCKET"), local: true,
			want: cmdutil.Credentials{Source: cmdutil.SourceLocal, SocketPath: "/var/tmp/mattermost_local.socket", URL: "http://_"},
		},
		{
			name: "--local does not read the config file", local: true, corrupt: true,
			want: cmdutil.Credentials{Source: cmdutil.SourceLocal, SocketPath: cmdutil.DefaultSocketPath, URL: "http://_"},
		},
		{
			name: "--server beats env URL+TOKEN, MATTERCTL_SERVER and current", env: allEnv, server: "prod", profiles: true, current: "staging",
			want: cmdutil.Credentials{Source: cmdutil.SourceFlag, ProfileName: "prod", URL: "https://prod.example.com", Token: prodToken, Username: "admin", AuthMethod: config.MethodPassword},
		},
		{
			name: "env URL+TOKEN beat MATTERCTL_SERVER and current", env: without("MATTERCTL_LOCAL_SOCKET"), profiles: true, current: "prod",
			want: cmdutil.Credentials{Source: cmdutil.SourceEnv, URL: "https://env.example.com", Token: envToken, AuthMethod: config.MethodToken},
		},
		{
			name: "env URL+TOKEN need no config file", env: map[string]string{"MATTERCTL_URL": " env.example.com ", "MATTERCTL_TOKEN": " " + envToken + "\n"},
			want: cmdutil.Credentials{Source: cmdutil.SourceEnv, URL: "https://env.example.com", Token: envToken, AuthMethod: config.MethodToken},
		},
		{
			name: "env URL+TOKEN do not read a corrupt config", env: map[string]string{"MATTERCTL_URL": "https://env.example.com", "MATTERCTL_TOKEN": envToken}, corrupt: true,
			want: cmdutil.Credentials{Source: cmdutil.SourceEnv, URL: "https://env.example.com", Token: envToken, AuthMethod: config.MethodToken},
		},
		{
			name: "MATTERCTL_SERVER beats current", env: map[string]string{"MATTERCTL_SERVER": "staging"}, profiles: true, current: "prod",
			want: cmdutil.Credentials{
				Source: cmdutil.SourceEnvName, ProfileName: "staging", URL: "https://staging.example.com", Token: stagingToken,
				Username: "bot", AuthMethod: config.MethodToken, InsecureSkipVerify: true, CAFile: "/etc/ca.pem",
			},
		},
		{
			name: "current profile", profiles: true, current: "prod",
			want: cmdutil.Credentials{Source: cmdutil.SourceCurrent, ProfileName: "prod", URL: "https://prod.example.com", Token: prodToken, Username: "admin", AuthMethod: config.MethodPassword},
		},
		{
			name: "blank env values count as unset", env: map[string]string{"MATTERCTL_URL": "  ", "MATTERCTL_TOKEN": "", "MATTERCTL_SERVER": " "}, profiles: true, current: "prod",
			want: cmdutil.Credentials{Source: cmdutil.SourceCurrent, ProfileName: "prod", URL: "https://prod.example.com", Token: prodToken, Username: "admin", AuthMethod: config.MethodPassword},
		},

		{
			name: "only MATTERCTL_URL is an auth error", env: map[string]string{"MATTERCTL_URL": "https://env.example.com"}, profiles: true, current: "prod",
			wantErr: "MATTERCTL_URL is set but MATTERCTL_TOKEN is not", wantCode: cmdutil.ExitAuth,
		},
		{
			name: "only MATTERCTL_TOKEN is an auth error", env: map[string]string{"MATTERCTL_TOKEN": envToken}, profiles: true, current: "prod",
			wantErr: "MATTERCTL_TOKEN is set but MATTERCTL_URL is not", wantCode: cmdutil.ExitAuth,
		},
		{
			name: "invalid MATTERCTL_URL", env: map[string]string{"MATTERCTL_URL": "ftp://env.example.com", "MATTERCTL_TOKEN": envToken},
			wantErr: "MATTERCTL_URL: invalid server URL", wantCode: cmdutil.ExitError,
		},
		{
			name: "unknown --server lists the profiles", server: "dev", profiles: true, current: "prod",
			wantErr: `no profile named "dev" (from --server); profiles: prod, staging`, wantCode: cmdutil.ExitAuth,
		},
		{
			name: "unknown --server without profiles suggests login", server: "dev",
			wantErr: `no profile named "dev" (from --server); run ` + "`matterctl auth login`", wantCode: cmdutil.ExitAuth,
		},
		{
			name: "unknown MATTERCTL_SERVER names its source", env: map[string]string{"MATTERCTL_SERVER": "gone"}, profiles: true, current: "prod",
			wantErr: `no profile named "gone" (from MATTERCTL_SERVER); profiles: prod, staging`, wantCode: cmdutil.ExitAuth,
		},
		{
			name: "profiles but none current", profiles: true, current: "",
			wantErr: "no current profile", wantCode: cmdutil.ExitAuth,
		},
		{
			name: "no config file at all", wantErr: "no credentials", wantCode: cmdutil.ExitAuth, wantIs: cmdutil.ErrNoCredentials,
		},
		{
			name: "corrupt config is an error, not an empty config", corrupt: true,
			wantErr: "is not valid JSON", wantCode: cmdutil.ExitError,
		},
		{
			name: "corrupt config with --server", server: "prod", corrupt: true,
			wantErr: "is not valid JSON", wantCode: cmdutil.ExitError,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTestFactory(t, tt.env)
			f.Globals.Local, f.Globals.Server = tt.local, tt.server
			switch {
			case tt.corrupt:
				if err := os.MkdirAll(filepath.Dir(f.Globals.ConfigPath), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(f.Globals.ConfigPath, []byte(`{"version":1,"profiles":{"prod":{"token":"`+prodToken+`"`), 0o600); err != nil {
					t.Fatal(err)
				}
			case tt.profiles:
				writeProfiles(t, f, tt.current)
			}

			got, err := cmdutil.ResolveCredentials(f)
			viaFactory, factoryErr := f.Credentials()
			if (err == nil) != (factoryErr == nil) || (got != nil && *got != *viaFactory) {
				t.Errorf("f.Credentials() = %+v, %v; ResolveCredentials = %+v, %v", viaFactory, factoryErr, got, err)
			}

			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("got %+v, want error containing %q", got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
				}
				if code := cmdutil.ExitCode(err); code != tt.wantCode {
					t.Errorf("ExitCode = %d, want %d (%T)", code, tt.wantCode, err)
				}
				if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
					t.Errorf("error %v is not %v", err, tt.wantIs)
				}
				if tt.corrupt {
					var corrupt *config.CorruptError
					if !errors.As(err, &corrupt) || errors.Is(err, cmdutil.ErrNoCredentials) {
						t.Errorf("corrupt config reported as %T %v", err, err)
					}
				}
				for _, secret := range []string{prodToken, stagingToken, envToken} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error leaks a token: %q", err)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("ResolveCredentials: %v", err)
			}
			if *got != tt.want {
				t.Errorf("credentials:\n got  %+v\n want %+v", *got, tt.want)
			}
		})
	}
}

func TestProfileNames(t *testing.T) {
	f := newTestFactory(t, nil)
	if got := cmdutil.ProfileNames(f); len(got) != 0 {
		t.Errorf("no config: ProfileNames = %v", got)
	}
	writeProfiles(t, f, "prod")
	if got := strings.Join(cmdutil.ProfileNames(f), ","); got != "prod,staging" {
		t.Errorf("ProfileNames = %q, want sorted prod,staging", got)
	}
	if err := os.WriteFile(f.Globals.ConfigPath, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := cmdutil.ProfileNames(f); got != nil {
		t.Errorf("corrupt config: ProfileNames = %v, want none", got)
	}
}

func TestClientOptions(t *testing.T) {
	t.Run("profile settings and globals", func(t *testing.T) {
		f := newTestFactory(t, nil)
		f.Globals.Timeout = 5 * time.Second
		creds := &cmdutil.Credentials{URL: "https://mm.example.com", Token: "tok", CAFile: "/profile/ca.pem"}
		opts, err := f.ClientOptions(creds)
		if err != nil {
			t.Fatal(err)
		}
		want := client.Options{URL: "https://mm.example.com", Token: "tok", Timeout: 5 * time.Second, CAFile: "/profile/ca.pem", UserAgent: "matterctl/1.2.3"}
		if opts != want {
			t.Errorf("options:\n got  %+v\n want %+v", opts, want)
		}
	})
	t.Run("flags override the profile", func(t *testing.T) {
		f := newTestFactory(t, nil)
		f.Globals.InsecureSkipVerify, f.Globals.CAFile = true, "/flag/ca.pem"
		opts, err := f.ClientOptions(&cmdutil.Credentials{URL: "https://mm.example.com", CAFile: "/profile/ca.pem"})
		if err != nil {
			t.Fatal(err)
		}
		if !opts.InsecureSkipVerify || opts.CAFile != "/flag/ca.pem" {
			t.Errorf("options = %+v", opts)
		}
	})
	t.Run("the profile's insecure setting is kept", func(t *testing.T) {
		f := newTestFactory(t, nil)
		opts, err := f.ClientOptions(&cmdutil.Credentials{URL: "https://mm.example.com", InsecureSkipVerify: true})
		if err != nil || !opts.InsecureSkipVerify {
			t.Errorf("options = %+v, %v", opts, err)
		}
	})
	t.Run("local mode needs the socket", func(t *testing.T) {
		f := newTestFactory(t, nil)
		missing := filepath.Join(t.TempDir(), "nope.socket")
		if _, err := f.ClientOptions(&cmdutil.Credentials{SocketPath: missing, URL: "http://_"}); err == nil || !strings.Contains(err.Error(), missing) {
			t.Errorf("missing socket: err = %v", err)
		}
	})
	t.Run("local mode with a socket", func(t *testing.T) {
		dir, err := os.MkdirTemp("", "mmsock") // short: unix socket paths are limited
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		path := filepath.Join(dir, "s")
		ln, err := net.Listen("unix", path)
		if err != nil {
			t.Skipf("unix sockets unavailable: %v", err)
		}
		defer ln.Close()
		// Mattermost creates its socket 0600; matterctl refuses anything looser.
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
		f := newTestFactory(t, nil)
		opts, err := f.ClientOptions(&cmdutil.Credentials{SocketPath: path, URL: "http://_"})
		if err != nil {
			t.Fatal(err)
		}
		if opts.SocketPath != path {
			t.Errorf("SocketPath = %q", opts.SocketPath)
		}
	})
}

func TestFactoryPrinter(t *testing.T) {
	t.Run("built once", func(t *testing.T) {
		f := newTestFactory(t, nil)
		f.Globals.JSON = true
		p1, err := f.Printer()
		if err != nil {
			t.Fatal(err)
		}
		p2, _ := f.Printer()
		if p1 != p2 {
			t.Error("Printer() built a second printer")
		}
		if p1.Format() != printer.JSON {
			t.Errorf("format = %q", p1.Format())
		}
	})
	t.Run("bad format flags are usage errors", func(t *testing.T) {
		f := newTestFactory(t, nil)
		f.Globals.JSON, f.Globals.Format = true, "table"
		_, err := f.Printer()
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("err = %v, exit code %d, want a usage error", err, cmdutil.ExitCode(err))
		}
	})
	t.Run("bad jq is a usage error", func(t *testing.T) {
		f := newTestFactory(t, nil)
		f.Globals.JQ = ".["
		if _, err := f.Printer(); cmdutil.ExitCode(err) != cmdutil.ExitUsage {
			t.Errorf("err = %v, want a usage error", err)
		}
	})
}

func TestUserAgent(t *testing.T) {
	f := newTestFactory(t, nil)
	if got := f.UserAgent(); got != "matterctl/1.2.3" {
		t.Errorf("UserAgent = %q", got)
	}
}

func TestCheckToken(t *testing.T) {
	if err := cmdutil.CheckToken("abcdefghijklmnopqrstuvwxyz", "MATTERCTL_TOKEN"); err != nil {
		t.Errorf("a token-shaped value refused: %v", err)
	}
	for _, bad := range []string{"x\x1b[2J", "to ken", "tok\x00", "jeton-é"} {
		err := cmdutil.CheckToken(bad, "MATTERCTL_TOKEN")
		if cmdutil.ExitCode(err) != cmdutil.ExitError || !strings.Contains(err.Error(), "MATTERCTL_TOKEN does not hold a token") || strings.Contains(err.Error(), bad) {
			t.Errorf("CheckToken(%q) = %v (exit %d)", bad, err, cmdutil.ExitCode(err))
		}
	}
}
