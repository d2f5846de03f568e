package client

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

func TestOptionsBaseURL(t *testing.T) {
	tests := []struct {
		opts Options
		want string
	}{
		{Options{URL: "https://mm.example.com"}, "https://mm.example.com"},
		{Options{URL: "https://mm.example.com/"}, "https://mm.example.com"},
		{Options{URL: "https://mm.example.com/chat//"}, "https://mm.example.com/chat"},
		{Options{URL: "https://mm.example.com", SocketPath: "/var/tmp/mattermost_local.socket"}, "http://_"},
	}
	for _, tt := range tests {
		if got := tt.opts.BaseURL(); got != tt.want {
			t.Errorf("%+v.BaseURL() = %q, want %q", tt.opts, got, tt.want)
		}
	}
}

func TestOptionsDefaults(t *testing.T) {
	tests := []struct {
		opts        Options
		wantTimeout time.Duration
		wantRetries int
		wantWait    time.Duration
	}{
		{Options{}, 30 * time.Second, 3, 20 * time.Second},
		{Options{Timeout: time.Second, MaxRetries: 5, RetryMaxWait: time.Minute}, time.Second, 5, time.Minute},
		{Options{MaxRetries: -1}, 30 * time.Second, 0, 20 * time.Second},
	}
	for _, tt := range tests {
		hc, err := NewHTTPClient(tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		tr := hc.Transport.(*transport)
		if hc.Timeout != tt.wantTimeout || tr.maxRetries != tt.wantRetries || tr.maxWait != tt.wantWait {
			t.Errorf("%+v: timeout %v, retries %d, wait %v; want %v, %d, %v", tt.opts, hc.Timeout, tr.maxRetries, tr.maxWait, tt.wantTimeout, tt.wantRetries, tt.wantWait)
		}
	}
}

func TestNewHTTPClientTransportSettings(t *testing.T) {
	hc, err := NewHTTPClient(Options{URL: "https://mm.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	base := hc.Transport.(*transport).base.(*http.Transport)
	if base.TLSClientConfig == nil || base.TLSClientConfig.MinVersion != tls.VersionTLS12 {
		t.Errorf("TLS config %+v, want MinVersion TLS 1.2", base.TLSClientConfig)
	}
	if base.TLSClientConfig.InsecureSkipVerify {
		t.Error("InsecureSkipVerify set by default")
	}
	if base.Proxy == nil {
		t.Error("TCP transport ignores proxy settings from the environment")
	}
	if base == http.DefaultTransport {
		t.Error("transport shares http.DefaultTransport")
	}

	hc, err = NewHTTPClient(Options{SocketPath: "/nonexistent.sock"})
	if err != nil {
		t.Fatal(err)
	}
	if base := hc.Transport.(*transport).base.(*http.Transport); base.Proxy != nil {
		t.Error("socket transport would send requests for http://_ to a proxy")
	}
}

func writeCAFile(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestNewHTTPClientTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"status":"OK"}`))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the untrusted case makes the server log a handshake error
	srv.StartTLS()
	defer srv.Close()
	caFile := writeCAFile(t, srv)
	notPEM := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "missing.pem")

	tests := []struct {
		name         string
		opts         Options
		wantBuildErr string // substring of NewHTTPClient's error
		wantCertErr  bool   // the request fails certificate verification
	}{
		{name: "CA file trusts the server", opts: Options{CAFile: caFile}},
		{name: "insecure skip verify", opts: Options{InsecureSkipVerify: true}},
		{name: "system roots only", opts: Options{}, wantCertErr: true},
		{name: "missing CA file", opts: Options{CAFile: missing}, wantBuildErr: "reading CA file " + missing},
		{name: "CA file without certificates", opts: Options{CAFile: notPEM}, wantBuildErr: "CA file " + notPEM + " contains no PEM certificates"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.URL = srv.URL
			tt.opts.MaxRetries = -1
			hc, err := NewHTTPClient(tt.opts)
			if tt.wantBuildErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantBuildErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantBuildErr)
				}
				if _, err := New(tt.opts); err == nil {
					t.Error("New accepted the options NewHTTPClient rejected")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			resp, err := hc.Get(srv.URL)
			if tt.wantCertErr {
				if err == nil {
					resp.Body.Close()
					t.Fatal("request to an untrusted server succeeded")
				}
				if !strings.Contains(Hint(err), "--ca-file") {
					t.Errorf("Hint(%v) = %q, want the CA file hint", err, Hint(err))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()

			c, err := New(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.GetPing(context.Background()); err != nil {
				t.Errorf("GetPing through New: %v", err)
			}
		})
	}
}

func TestNewValidatesURL(t *testing.T) {
	tests := []struct {
		url, wantErr string
	}{
		{"", "no server URL"},
		{"mm.example.com", "scheme must be http or https"},
		{"ftp://mm.example.com", "scheme must be http or https"},
		{"https://", "no host"},
		{"https://user:pw@mm.example.com/%zz", "invalid server URL"},
	}
	for _, tt := range tests {
		_, err := New(Options{URL: tt.url})
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("New(%q) err = %v, want it to contain %q", tt.url, err, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("New(%q) error leaks the password: %v", tt.url, err)
		}
	}

	c, err := New(Options{URL: "https://mm.example.com/", Token: "tok"})
	if err != nil {
		t.Fatal(err)
	}
	if c.URL != "https://mm.example.com" || c.APIURL != "https://mm.example.com"+model.APIURLSuffix || c.AuthToken != "tok" || c.AuthType != model.HeaderBearer {
		t.Errorf("client URL %q, API URL %q, auth %q %q", c.URL, c.APIURL, c.AuthType, c.AuthToken)
	}
}

// listenUnix starts a unix socket listener at a short path (socket paths are limited to about
// 100 bytes) and sets its mode.
func listenUnix(t *testing.T, mode os.FileMode) (string, net.Listener) {
	t.Helper()
	dir, err := os.MkdirTemp("", "mctl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Skipf("unix sockets unavailable: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path, l
}

func TestCheckSocket(t *testing.T) {
	okPath, _ := listenUnix(t, 0o600)
	loosePath, _ := listenUnix(t, 0o644)
	dir := t.TempDir()
	regular := filepath.Join(dir, "file")
	if err := os.WriteFile(regular, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "mattermost_local.socket")

	tests := []struct {
		name     string
		path     string
		unixOnly bool
		wantErr  []string
	}{
		{name: "ok", path: okPath},
		{name: "missing", path: missing, wantErr: []string{"socket " + missing + " does not exist", "EnableLocalMode", "running on this machine"}},
		{name: "regular file", path: regular, wantErr: []string{regular + " is not a socket"}},
		{name: "directory", path: dir, wantErr: []string{dir + " is not a socket"}},
		{name: "mode 0644", path: loosePath, unixOnly: true, wantErr: []string{"socket " + loosePath + " has mode 0644, want 0600", "chmod 0600 " + loosePath}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.unixOnly && runtime.GOOS == "windows" {
				t.Skip("Windows has no unix permission bits")
			}
			err := CheckSocket(tt.path)
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("CheckSocket: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("CheckSocket accepted it")
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("err = %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

func TestNewOverSocket(t *testing.T) {
	path, l := listenUnix(t, 0o600)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v4/system/ping" || r.Host != "_" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"status":"OK"}`))
	}))
	srv.Listener = l
	srv.Start()
	defer srv.Close()

	// A URL that would fail is ignored in local mode.
	c, err := New(Options{SocketPath: path, URL: "https://unused.invalid"})
	if err != nil {
		t.Fatal(err)
	}
	if c.URL != "http://_" || c.APIURL != "http://_"+model.APIURLSuffix {
		t.Errorf("URL %q, API URL %q; want http://_", c.URL, c.APIURL)
	}
	status, _, err := c.GetPing(context.Background())
	if err != nil || status != "OK" {
		t.Fatalf("GetPing = %q, %v", status, err)
	}

	c, err = New(Options{SocketPath: path + ".gone", MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.GetPing(context.Background()); err == nil || errors.Is(err, context.Canceled) {
		t.Errorf("GetPing over a missing socket: %v", err)
	}
}
