package version

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/internal/httpstub"
)

const serverURL = "https://mm.example.com"

var testBuild = build.Info{Version: "1.2.3", Commit: "abc123", Date: "2026-01-02T03:04:05Z", GoVersion: "go1.26", Platform: "linux/amd64"}

// newTestEnv builds an Env for testBuild whose HTTP requests the stub registry answers.
func newTestEnv(t *testing.T, tty bool) *cmdtest.Env {
	t.Helper()
	return cmdtest.New(t, cmdtest.TTY(tty), cmdtest.HTTPStub(), cmdtest.Build(testBuild))
}

// withProfile stores a current profile "prod" for serverURL.
func withProfile(t *testing.T, e *cmdtest.Env) {
	t.Helper()
	store, err := e.F.ConfigStore()
	if err != nil {
		t.Fatal(err)
	}
	err = store.Update(func(f *config.File) error {
		f.Put(&config.Profile{Name: "prod", URL: serverURL, Username: "admin", AuthMethod: config.MethodToken, Token: "prod-TOKEN"})
		f.Current = "prod"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestVersionFlags(t *testing.T) {
	e := newTestEnv(t, false)
	var got *Options
	if err := e.Exec(NewCmdVersion(e.F, func(_ context.Context, o *Options) error { got = o; return nil })); err != nil {
		t.Fatal(err)
	}
	if got.Build != testBuild || got.IO != e.F.IOStreams || got.Client == nil || got.Credentials == nil || got.Printer == nil {
		t.Errorf("options %+v", got)
	}
	got = nil
	if err := e.Exec(NewCmdVersion(e.F, func(_ context.Context, o *Options) error { got = o; return nil }), "extra"); err == nil || got != nil {
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
			withProfile(t, e)
			// No stub is registered: any request fails the test through the registry.
			if err := e.Exec(NewCmdVersion(e.F, nil)); err != nil {
				t.Fatal(err)
			}
			if got := trimLines(e.Out.String()); got != tt.wantOut {
				t.Errorf("stdout\n%q\nwant\n%q", e.Out.String(), tt.wantOut)
			}
			if len(e.Reg.Requests()) != 0 {
				t.Errorf("%d requests", len(e.Reg.Requests()))
			}
			if e.ErrOut.Len() != 0 {
				t.Errorf("stderr %q", e.ErrOut.String())
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
				e.F.Globals.JSON = true
				for k, v := range tt.env {
					e.Vars[k] = v
				}
				if tt.profile {
					withProfile(t, e)
				}
				if tt.stubs != nil {
					tt.stubs(e.Reg)
				}
				if err := e.Exec(NewCmdVersion(e.F, nil)); err != nil {
					t.Fatalf("exit %d: %v", cmdutil.ExitCode(err), err)
				}
				var got map[string]any
				if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
					t.Fatalf("stdout is not JSON: %v\n%s", err, e.Out.String())
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
				if strings.Contains(e.Out.String(), "TOKEN") {
					t.Error("a token was printed")
				}
			})
		}
	}
}

func TestVersionJQ(t *testing.T) {
	e := newTestEnv(t, false)
	e.F.Globals.JQ = ".server.version"
	withProfile(t, e)
	e.Reg.Register(httpstub.REST("GET", "/api/v4/system/ping"),
		httpstub.WithHeader(httpstub.JSONResponse(200, map[string]string{"status": "OK"}), model.HeaderVersionId, "9.11.2.1.x.true"))
	if err := e.Exec(NewCmdVersion(e.F, nil)); err != nil {
		t.Fatal(err)
	}
	if e.Out.String() != "9.11.2\n" {
		t.Errorf("stdout %q", e.Out.String())
	}
}
