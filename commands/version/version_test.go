package version

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"
	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/internal/httpstub"
	"github.com/matterctl/matterctl/internal/iostreams"
)

const serverURL = "https://mm.example.com"

var testBuild = build.Info{Version: "1.2.3", Commit: "abc123", Date: "2026-01-02T03:04:05Z", GoVersion: "go1.26", Platform: "linux/amd64"}

type testEnv struct {
	t      *testing.T
	f      *cmdutil.Factory
	reg    *httpstub.Registry
	out    *bytes.Buffer
	errOut *bytes.Buffer
	env    map[string]string
}

func newTestEnv(t *testing.T, tty bool) *testEnv {
	t.Helper()
	// A safety net: a test that loses its config path must not touch the real config file.
	t.Setenv("MATTERCTL_CONFIG", filepath.Join(t.TempDir(), "default-config.json"))
	ios, _, out, errOut := iostreams.Test()
	ios.SetTTY(tty)
	e := &testEnv{t: t, reg: httpstub.New(t), out: out, errOut: errOut, env: map[string]string{}}
	f := cmdutil.New(ios, testBuild, func(k string) string { return e.env[k] })
	f.Globals.ConfigPath = filepath.Join(t.TempDir(), "config.json")
	f.NewClient = func(opts client.Options) (client.Client, error) {
		return e.reg.Client4(opts.BaseURL(), opts.Token), nil
	}
	e.f = f
	return e
}

// withProfile stores a current profile "prod" for serverURL.
func (e *testEnv) withProfile() {
	e.t.Helper()
	store, err := e.f.ConfigStore()
	if err != nil {
		e.t.Fatal(err)
	}
	err = store.Update(func(f *config.File) error {
		f.Put(&config.Profile{Name: "prod", URL: serverURL, Username: "admin", AuthMethod: config.MethodToken, Token: "prod-TOKEN"})
		f.Current = "prod"
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
}

func (e *testEnv) run(cmd *cobra.Command, args ...string) error {
	e.t.Helper()
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	return cmd.ExecuteContext(context.Background())
}

func TestVersionFlags(t *testing.T) {
	e := newTestEnv(t, false)
	var got *Options
	if err := e.run(NewCmdVersion(e.f, func(_ context.Context, o *Options) error { got = o; return nil })); err != nil {
		t.Fatal(err)
	}
	if got.Build != testBuild || got.IO != e.f.IOStreams || got.Client == nil || got.Credentials == nil || got.Printer == nil {
		t.Errorf("options %+v", got)
	}
	got = nil
	if err := e.run(NewCmdVersion(e.f, func(_ context.Context, o *Options) error { got = o; return nil }), "extra"); err == nil || got != nil {
		t.Errorf("an argument was accepted: %v", err)
	}
}

func TestVersionPlainNeverAsksTheServer(t *testing.T) {
	tests := []struct {
		name    string
		tty     bool
		wantOut string
	}{
		{name: "pipe", wantOut: "1.2.3\tabc123\t2026-01-02T03:04:05Z\tgo1.26\tlinux/amd64\n"},
		{name: "terminal", tty: true, wantOut: "VERSION   1.2.3\nCOMMIT    abc123\nBUILT     2026-01-02T03:04:05Z\nGO        go1.26\nPLATFORM  linux/amd64\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, tt.tty)
			e.withProfile()
			// No stub is registered: any request fails the test through the registry.
			if err := e.run(NewCmdVersion(e.f, nil)); err != nil {
				t.Fatal(err)
			}
			if got := trimLines(e.out.String()); got != tt.wantOut {
				t.Errorf("stdout\n%q\nwant\n%q", e.out.String(), tt.wantOut)
			}
			if len(e.reg.Requests()) != 0 {
				t.Errorf("%d requests", len(e.reg.Requests()))
			}
			if e.errOut.Len() != 0 {
				t.Errorf("stderr %q", e.errOut.String())
			}
		})
	}
}

func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

func TestVersionJSON(t *testing.T) {
	ping := httpstub.REST("GET", "/api/v4/system/ping")
	pingOK := httpstub.WithHeader(httpstub.JSONResponse(200, map[string]string{"status": "OK"}), model.HeaderVersionId, "10.5.0.12345.3f2a9c0d.false")
	tests := []struct {
		name       string
		profile    bool
		env        map[string]string
		stubs      func(reg *httpstub.Registry)
		wantServer map[string]any // nil: no server key
	}{
		{
			name: "profile", profile: true,
			stubs:      func(reg *httpstub.Registry) { reg.Register(ping, pingOK) },
			wantServer: map[string]any{"url": serverURL, "profile": "prod", "version": "10.5.0", "reachable": true},
		},
		{
			name: "environment credentials",
			env:  map[string]string{"MATTERCTL_URL": "https://env.example.com", "MATTERCTL_TOKEN": "env-TOKEN"},
			stubs: func(reg *httpstub.Registry) {
				reg.Register(httpstub.MatcherFunc("ping env.example.com", func(r *http.Request) bool {
					return r.URL.Host == "env.example.com" && ping.Matches(r)
				}), pingOK)
			},
			wantServer: map[string]any{"url": "https://env.example.com", "version": "10.5.0", "reachable": true},
		},
		{name: "no credentials: no server section"},
		{
			name: "unreachable server", profile: true,
			stubs:      func(reg *httpstub.Registry) { reg.Register(ping, httpstub.ErrorResponder(syscall.ECONNREFUSED)) },
			wantServer: map[string]any{"url": serverURL, "profile": "prod", "reachable": false, "error": "*"},
		},
		{
			name: "server error", profile: true,
			stubs: func(reg *httpstub.Registry) {
				reg.Register(ping, httpstub.AppErrorResponse(503, "http.status.503", "Service Unavailable"))
			},
			wantServer: map[string]any{"url": serverURL, "profile": "prod", "reachable": false, "error": "*"},
		},
		{
			// *model.Client4.GetPing panics on this answer; version must not.
			name: "not a Mattermost server", profile: true,
			stubs: func(reg *httpstub.Registry) {
				reg.Register(ping, httpstub.JSONResponse(200, map[string]bool{"ok": true}))
			},
			wantServer: map[string]any{"url": serverURL, "profile": "prod", "reachable": false, "error": "*"},
		},
	}
	for _, tt := range tests {
		for _, tty := range []bool{false, true} {
			t.Run(tt.name, func(t *testing.T) {
				e := newTestEnv(t, tty)
				e.f.Globals.JSON = true
				for k, v := range tt.env {
					e.env[k] = v
				}
				if tt.profile {
					e.withProfile()
				}
				if tt.stubs != nil {
					tt.stubs(e.reg)
				}
				if err := e.run(NewCmdVersion(e.f, nil)); err != nil {
					t.Fatalf("exit %d: %v", cmdutil.ExitCode(err), err)
				}
				var got map[string]any
				if err := json.Unmarshal(e.out.Bytes(), &got); err != nil {
					t.Fatalf("stdout is not JSON: %v\n%s", err, e.out.String())
				}
				if got["version"] != "1.2.3" || got["commit"] != "abc123" || got["go_version"] != "go1.26" || got["platform"] != "linux/amd64" {
					t.Errorf("build info: %v", got)
				}
				server, ok := got["server"].(map[string]any)
				if tt.wantServer == nil {
					if _, present := got["server"]; present {
						t.Errorf("unexpected server section: %v", got["server"])
					}
					return
				}
				if !ok || len(server) != len(tt.wantServer) {
					t.Fatalf("server %v, want %v", got["server"], tt.wantServer)
				}
				for k, want := range tt.wantServer {
					if want == "*" {
						if s, _ := server[k].(string); s == "" {
							t.Errorf("server.%s is empty", k)
						}
						continue
					}
					if server[k] != want {
						t.Errorf("server.%s = %v, want %v", k, server[k], want)
					}
				}
				if strings.Contains(e.out.String(), "TOKEN") {
					t.Error("a token was printed")
				}
			})
		}
	}
}

func TestVersionJQ(t *testing.T) {
	e := newTestEnv(t, false)
	e.f.Globals.JQ = ".server.version"
	e.withProfile()
	e.reg.Register(httpstub.REST("GET", "/api/v4/system/ping"),
		httpstub.WithHeader(httpstub.JSONResponse(200, map[string]string{"status": "OK"}), model.HeaderVersionId, "9.11.2.1.x.true"))
	if err := e.run(NewCmdVersion(e.f, nil)); err != nil {
		t.Fatal(err)
	}
	if e.out.String() != "9.11.2\n" {
		t.Errorf("stdout %q", e.out.String())
	}
}
