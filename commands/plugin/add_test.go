package plugin

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/httpstub"
	"github.com/matterctl/matterctl/internal/pluginbundle"
)

func TestAddFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    AddOptions
		wantErr string
	}{
		{name: "mmctl line", args: []string{"hovercardexample.tar.gz"}, want: AddOptions{WaitTimeout: 2 * time.Minute}},
		{name: "mmctl force", args: []string{"a.tar.gz", "b.tar.gz", "-f"}, want: AddOptions{Force: true, WaitTimeout: 2 * time.Minute}},
		{name: "enable and wait", args: []string{"a.tar.gz", "--enable", "--wait", "--wait_timeout", "30s", "--force"},
			want: AddOptions{Force: true, Enable: true, Wait: true, WaitTimeout: 30 * time.Second}},
		{name: "dry run", args: []string{"a.tar.gz", "--dry-run", "--enable"}, want: AddOptions{Enable: true, WaitTimeout: 2 * time.Minute}},
		{name: "no bundle", wantErr: "give at least one plugin bundle"},
		{name: "wait without enable", args: []string{"a.tar.gz", "--wait"}, wantErr: "--wait needs --enable"},
		{name: "zero timeout", args: []string{"a.tar.gz", "--enable", "--wait", "--wait-timeout", "0s"}, wantErr: "--wait-timeout must be positive"},
		{name: "timeout without wait", args: []string{"a.tar.gz", "--wait-timeout", "1m"}, wantErr: "--wait-timeout needs --wait"},
		{name: "bad parallel", args: []string{"a.tar.gz", "--parallel", "99"}, wantErr: "--parallel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *AddOptions
			err := e.Exec(NewCmdAdd(e.F, func(_ context.Context, o *AddOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Force != tt.want.Force || got.Enable != tt.want.Enable || got.Wait != tt.want.Wait || got.WaitTimeout != tt.want.WaitTimeout ||
				got.Bulk.DryRun != strings.Contains(strings.Join(tt.args, " "), "--dry-run") {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
			var files []string
			for _, a := range tt.args {
				if strings.HasSuffix(a, ".tar.gz") {
					files = append(files, a)
				}
			}
			if strings.Join(got.Args, ",") != strings.Join(files, ",") {
				t.Errorf("args %v, want %v", got.Args, files)
			}
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
			}
		})
	}
}

// addEnv is a world whose requests a stub registry answers, over the real client code: the
// server runs 7.8.0; config answers GET /api/v4/config (nil: 403, the account may not read it).
func addEnv(t *testing.T, tty, jsonOut bool, config *model.Config) *cmdtest.Env {
	e := cmdtest.New(t, cmdtest.TTY(tty), cmdtest.JSON(jsonOut), cmdtest.HTTPStub(),
		cmdtest.Vars(map[string]string{"MATTERCTL_URL": "http://mm.test", "MATTERCTL_TOKEN": "tok"}))
	e.Reg.Register(httpstub.REST("GET", "/api/v4/system/ping"),
		httpstub.WithHeader(httpstub.JSONResponse(200, map[string]string{"status": "OK"}), "X-Version-Id", "7.8.0.7.8.0.abc.false"), httpstub.AnyTimes())
	if config == nil {
		e.Reg.Register(httpstub.REST("GET", "/api/v4/config"),
			httpstub.AppErrorResponse(403, "api.context.permissions.app_error", "You do not have the appropriate permissions."), httpstub.AnyTimes())
	} else {
		e.Reg.Register(httpstub.REST("GET", "/api/v4/config"), httpstub.JSONResponse(200, config), httpstub.AnyTimes())
	}
	return e
}

func defaultConfig(mods ...func(*model.Config)) *model.Config {
	c := &model.Config{}
	c.SetDefaults()
	for _, m := range mods {
		m(c)
	}
	return c
}

// uploadStub answers POST /api/v4/plugins with the manifest of the uploaded bundle after
// checking the multipart form: the bundle's bytes in the "plugin" part, and "force".
func uploadStub(t *testing.T, wantForce bool, files map[string][]byte) httpstub.Responder {
	return httpstub.Inspect(func(req *http.Request, body []byte) {
		if req.Header.Get("Authorization") != "Bearer tok" {
			t.Errorf("upload without the token")
		}
		if req.ContentLength != int64(len(body)) {
			t.Errorf("Content-Length %d, body %d bytes", req.ContentLength, len(body))
		}
		_, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("Content-Type %q: %v", req.Header.Get("Content-Type"), err)
		}
		form, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(1 << 20)
		if err != nil {
			t.Fatalf("not a multipart form: %v", err)
		}
		if got := strings.Join(form.Value["force"], ","); (got == "true") != wantForce || (got != "" && got != "true") {
			t.Errorf("force field %q, want force %v", got, wantForce)
		}
		fh := form.File["plugin"]
		if len(fh) != 1 {
			t.Fatalf("%d plugin parts", len(fh))
		}
		f, _ := fh[0].Open()
		got, _ := io.ReadAll(f)
		if want, ok := files[fh[0].Filename]; !ok || !bytes.Equal(got, want) {
			t.Errorf("part %q: %d bytes, not the bundle's", fh[0].Filename, len(got))
		}
	}, func(req *http.Request) (*http.Response, error) {
		// The stub answers with the manifest of the bundle it received.
		body, _ := io.ReadAll(req.Body)
		_, params, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
		form, _ := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(1 << 20)
		name := strings.TrimSuffix(form.File["plugin"][0].Filename, ".tar.gz")
		return httpstub.JSONResponse(201, plManifest(name, "0.1.0"))(req)
	})
}

func readAll(t *testing.T, paths ...string) map[string][]byte {
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

func posts(e *cmdtest.Env, path string) int {
	n := 0
	for _, r := range e.Reg.Requests() {
		if r.Method == http.MethodPost && r.URL.Path == path {
			n++
		}
	}
	return n
}

func fastAdd(e *cmdtest.Env) func(context.Context, *AddOptions) error {
	return func(ctx context.Context, o *AddOptions) error {
		o.pollInterval = time.Millisecond
		return addRun(ctx, o)
	}
}

func statusesStub(sts ...*model.PluginStatus) httpstub.Responder {
	return httpstub.JSONResponse(200, sts)
}

func TestAddRun(t *testing.T) {
	dir := t.TempDir()
	good := plGoodBundle(t, dir, "hovercardexample", "0.1.0")
	other := plGoodBundle(t, dir, "other", "0.1.0")
	bad := plBundle(t, dir, "bad.tar.gz", plEntry{name: "plugin.json", body: `{"id":"Bad ID!","name":"B","version":"1.0","min_server_version":"99.0.0"}`})
	notGz := filepath.Join(dir, "notgz.tar.gz")
	if err := os.WriteFile(notGz, []byte("plain text"), 0o600); err != nil {
		t.Fatal(err)
	}
	files := readAll(t, good, other)

	tests := []struct {
		name       string
		tty, json  bool
		config     *model.Config
		args       []string
		stubs      func(e *cmdtest.Env)
		wantExit   int
		wantStderr []string // substrings
		wantStdout string   // substring
		notStdout  bool     // stdout must be empty
		wantPosts  int
	}{
		{name: "pipe", args: []string{good}, config: defaultConfig(),
			stubs: func(e *cmdtest.Env) {
				e.Reg.Register(httpstub.REST("POST", "/api/v4/plugins"), uploadStub(t, false, files))
			},
			wantStderr: []string{"Added plugin hovercardexample 0.1.0\n"}, notStdout: true, wantPosts: 1},
		{name: "terminal: progress, force, enable, wait", tty: true, args: []string{good, "--force", "--enable", "--wait"},
			stubs: func(e *cmdtest.Env) {
				e.Reg.Register(httpstub.REST("POST", "/api/v4/plugins"), uploadStub(t, true, files))
				e.Reg.Register(httpstub.REST("POST", "/api/v4/plugins/hovercardexample/enable"), httpstub.JSONResponse(200, map[string]string{"status": "OK"}))
				e.Reg.Register(httpstub.REST("GET", "/api/v4/plugins/statuses"), statusesStub())
				e.Reg.Register(httpstub.REST("GET", "/api/v4/plugins/statuses"), statusesStub(
					&model.PluginStatus{PluginId: "hovercardexample", Version: "0.0.9", State: model.PluginStateFailedToStart, Error: "old"}))
				e.Reg.Register(httpstub.REST("GET", "/api/v4/plugins/statuses"), statusesStub(
					&model.PluginStatus{PluginId: "hovercardexample", Version: "0.1.0", State: model.PluginStateRunning, ClusterId: "n1"},
					&model.PluginStatus{PluginId: "hovercardexample", Version: "0.1.0", State: model.PluginStateStarting, ClusterId: "n2"}))
				e.Reg.Register(httpstub.REST("GET", "/api/v4/plugins/statuses"), statusesStub(
					&model.PluginStatus{PluginId: "hovercardexample", Version: "0.1.0", State: model.PluginStateRunning, ClusterId: "n1"},
					&model.PluginStatus{PluginId: "hovercardexample", Version: "0.1.0", State: model.PluginStateRunning, ClusterId: "n2"}))
			},
			wantStderr: []string{"Uploading [", "\r\x1b[K", "Added plugin hovercardexample 0.1.0\n", "Enabled plugin hovercardexample\n",
				"Plugin hovercardexample 0.1.0 is running\n"}, notStdout: true, wantPosts: 1},
		{name: "wait: the plugin fails to start", args: []string{good, "--enable", "--wait"},
			stubs: func(e *cmdtest.Env) {
				e.Reg.Register(httpstub.REST("POST", "/api/v4/plugins"), uploadStub(t, false, files))
				e.Reg.Register(httpstub.REST("POST", "/api/v4/plugins/hovercardexample/enable"), httpstub.JSONResponse(200, map[string]string{"status": "OK"}))
				e.Reg.Register(httpstub.REST("GET", "/api/v4/plugins/statuses"), statusesStub(
					&model.PluginStatus{PluginId: "hovercardexample", Version: "0.1.0", State: model.PluginStateFailedToStart, ClusterId: "n1",
						Error: "unable to start plugin:\n  exec format error\n"}))
			},
			wantExit:   cmdutil.ExitError,
			wantStderr: []string{good + ": plugin hovercardexample 0.1.0 failed to start on node n1: unable to start plugin: exec format error\n"}, wantPosts: 1},
		{name: "json", json: true, args: []string{good, other},
			stubs: func(e *cmdtest.Env) {
				e.Reg.Register(httpstub.REST("POST", "/api/v4/plugins"), uploadStub(t, false, files), httpstub.Times(2))
			},
			wantStdout: `"id": "hovercardexample"`, wantPosts: 2},
		{name: "a bad bundle is not uploaded; the good one is", args: []string{bad, good},
			stubs: func(e *cmdtest.Env) {
				e.Reg.Register(httpstub.REST("POST", "/api/v4/plugins"), uploadStub(t, false, files))
			},
			wantExit: cmdutil.ExitPartial,
			wantStderr: []string{
				bad + `: plugin.json: id: "Bad ID!" is not a valid plugin ID`,
				bad + `: plugin.json: version: "1.0" is not a semantic version`,
				bad + ": plugin.json: min_server_version: the plugin needs Mattermost 99.0.0 or later; the server runs 7.8.0\n",
				"Added plugin hovercardexample 0.1.0\n"}, wantPosts: 1},
		{name: "only bad bundles: exit 2, nothing uploaded", args: []string{notGz, filepath.Join(dir, "missing.tar.gz")},
			wantExit:   cmdutil.ExitUsage,
			wantStderr: []string{notGz + ": not a gzip-compressed file", filepath.Join(dir, "missing.tar.gz") + ": open "}},
		{name: "dry run", json: true, args: []string{good, "--dry-run", "--enable"},
			wantStderr: []string{"would upload plugin hovercardexample 0.1.0 ("}, wantStdout: `"min_server_version": "7.0.0"`},
		{name: "too big for the server's maximum (read from its config)", config: defaultConfig(func(c *model.Config) { *c.FileSettings.MaxFileSize = 100 }),
			args: []string{good}, wantExit: cmdutil.ExitUsage,
			wantStderr: []string{good + ": the bundle is ", ", more than the server's maximum file size of 100 bytes (FileSettings.MaxFileSize, MM_FILESETTINGS_MAXFILESIZE)"}},
		{name: "too big: the server's plain-text 400", args: []string{good},
			stubs: func(e *cmdtest.Env) {
				e.Reg.Register(httpstub.REST("POST", "/api/v4/plugins"), httpstub.StringResponse(400, "http: request body too large\n"))
			},
			wantExit: cmdutil.ExitError,
			wantStderr: []string{good + ": the bundle exceeds the server's maximum file size (FileSettings.MaxFileSize, MM_FILESETTINGS_MAXFILESIZE): bundle ",
				"hint: raise FileSettings.MaxFileSize (System Console, config.json or MM_FILESETTINGS_MAXFILESIZE), or use `matterctl plugin install-url`\n"},
			wantPosts: 1},
		{name: "uploads disabled", config: defaultConfig(), args: []string{good, other},
			stubs: func(e *cmdtest.Env) {
				e.Reg.Register(httpstub.REST("POST", "/api/v4/plugins"),
					httpstub.AppErrorResponse(501, "app.plugin.upload_disabled.app_error", "Plugins and/or plugin uploads have been disabled."), httpstub.Times(2))
			},
			wantExit: cmdutil.ExitError,
			wantStderr: []string{
				good + ": uploading plugins is disabled on the server (PluginSettings.EnableUploads, MM_PLUGINSETTINGS_ENABLEUPLOADS) [request req-501]\n",
				"hint: set PluginSettings.EnableUploads to true in config.json or with MM_PLUGINSETTINGS_ENABLEUPLOADS=true and restart the server; the System Console and the API cannot change it\n"},
			wantPosts: 2},
		{name: "signature required", config: defaultConfig(func(c *model.Config) {
			*c.PluginSettings.EnableUploads = true
			*c.PluginSettings.RequirePluginSignature = true
		}), args: []string{good},
			stubs: func(e *cmdtest.Env) {
				e.Reg.Register(httpstub.REST("POST", "/api/v4/plugins"),
					httpstub.AppErrorResponse(501, "app.plugin.upload_disabled.app_error", "Plugins and/or plugin uploads have been disabled."))
			},
			wantExit:   cmdutil.ExitError,
			wantStderr: []string{"(PluginSettings.RequirePluginSignature, MM_PLUGINSETTINGS_REQUIREPLUGINSIGNATURE)", "hint: set PluginSettings.RequirePluginSignature to false"},
			wantPosts:  1},
		{name: "already installed", args: []string{good},
			stubs: func(e *cmdtest.Env) {
				e.Reg.Register(httpstub.REST("POST", "/api/v4/plugins"),
					httpstub.AppErrorResponse(400, "app.plugin.install_id.app_error", "Unable to install plugin. A plugin with the same ID is already installed."))
			},
			wantExit: cmdutil.ExitError, wantStderr: []string{good + ": plugin hovercardexample is already installed: add --force to replace it\n"}, wantPosts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := addEnv(t, tt.tty, tt.json, tt.config)
			if tt.stubs != nil {
				tt.stubs(e)
			}
			err := e.Exec(NewCmdAdd(e.F, fastAdd(e)), tt.args...)
			if got := cmdutil.ExitCode(err); got != tt.wantExit {
				t.Fatalf("exit %d (%v), want %d\nstderr:\n%q", got, err, tt.wantExit, e.ErrOut)
			}
			for _, w := range tt.wantStderr {
				if strings.Count(e.ErrOut.String(), w) != 1 {
					t.Errorf("stderr lacks %q once:\n%q", w, e.ErrOut)
				}
			}
			if !tt.tty && strings.Contains(e.ErrOut.String(), "Uploading") {
				t.Errorf("a progress bar without a terminal:\n%q", e.ErrOut)
			}
			if tt.notStdout && e.Out.Len() != 0 {
				t.Errorf("stdout = %q", e.Out)
			}
			if !strings.Contains(e.Out.String(), tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, e.Out)
			}
			if tt.json {
				var ms []model.Manifest
				if err := json.Unmarshal(e.Out.Bytes(), &ms); err != nil {
					t.Errorf("stdout is not a JSON array of manifests: %v\n%s", err, e.Out)
				}
			}
			if n := posts(e, "/api/v4/plugins"); n != tt.wantPosts {
				t.Errorf("%d uploads, want %d", n, tt.wantPosts)
			}
		})
	}
}

func TestWaitTimesOut(t *testing.T) {
	e := cmdtest.New(t)
	e.Fake.GetPluginStatusesFunc = func(context.Context) (model.PluginStatuses, *model.Response, error) {
		return model.PluginStatuses{{PluginId: "p", Version: "1.0.0", State: model.PluginStateNotRunning}}, plOK(), nil
	}
	err := waitRunning(context.Background(), e.Fake, plManifest("p", "1.0.0"), 20*time.Millisecond, 5*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "plugin p did not report running within 20ms (not running)") {
		t.Fatalf("err = %v", err)
	}
	if n := e.Fake.Calls("GetPluginStatuses"); n < 2 || n > 6 {
		t.Errorf("%d polls in 20ms at 5ms", n)
	}
}

// bigFile writes size bytes of incompressible data to a file.
func bigFile(t *testing.T, size int64) string {
	p := filepath.Join(t.TempDir(), "big.tar.gz")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	x := uint64(88172645463325252)
	buf := make([]byte, 1<<20)
	for written := int64(0); written < size; written += int64(len(buf)) {
		for i := range buf {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			buf[i] = byte(x)
		}
		if _, err := f.Write(buf[:min(int64(len(buf)), size-written)]); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestUploadStreams sends a large file to a loopback server that reads the body slowly: the
// file is read as the connection takes it (not first into memory), the heap stays small, and
// the body is the multipart form the server expects.
func TestUploadStreams(t *testing.T) {
	size := int64(100 << 20)
	if testing.Short() {
		size = 16 << 20
	}
	path := bigFile(t, size)
	want := sha256.New()
	f, _ := os.Open(path)
	_, _ = io.Copy(want, f)
	f.Close()

	var sent atomic.Int64
	var sentAtFirstMB int64
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Method != http.MethodPost || r.URL.Path != "/api/v4/plugins" || r.Header.Get("Authorization") != "Bearer tok" {
			t.Errorf("request %s %s", r.Method, r.URL)
		}
		head := make([]byte, 1<<20)
		if _, err := io.ReadFull(r.Body, head); err != nil {
			t.Errorf("reading: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
		sentAtFirstMB = sent.Load()
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		mr := multipart.NewReader(io.MultiReader(bytes.NewReader(head), r.Body), params["boundary"])
		got := sha256.New()
		var n, total int64
		force := ""
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("multipart: %v", err)
				break
			}
			switch part.FormName() {
			case "force":
				b, _ := io.ReadAll(part)
				force = string(b)
			case "plugin":
				n, _ = io.Copy(got, part)
			}
		}
		total = r.ContentLength
		if force != "true" || n != size || !bytes.Equal(got.Sum(nil), want.Sum(nil)) || total <= size {
			t.Errorf("force %q, %d bytes of %d, Content-Length %d", force, n, size, total)
		}
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(plManifest("big", "1.0.0"))
	}))
	defer srv.Close()

	opts := client.Options{URL: srv.URL, Token: "tok", Timeout: 5 * time.Second}
	hc, err := client.NewHTTPClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	up := newUploader(hc, opts, func(n int) { sent.Add(int64(n)) })

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	m, err := up.Upload(context.Background(), path, true)
	close(stop)
	<-sampled
	if err != nil || m.Id != "big" {
		t.Fatalf("upload: %v %+v", err, m)
	}
	if sentAtFirstMB > size/2 {
		t.Errorf("%d of %d bytes were read before the server had taken 1 MB: the body is not streamed", sentAtFirstMB, size)
	}
	if sent.Load() != size {
		t.Errorf("progress reported %d of %d bytes", sent.Load(), size)
	}
	if grew := int64(peak.Load()) - int64(base.HeapInuse); grew > 24<<20 {
		t.Errorf("the heap grew by %s for a %s upload", humanSize(grew), humanSize(size))
	}
	if requests.Load() != 1 {
		t.Errorf("%d requests", requests.Load())
	}
}

// TestUploadIsNeverRetried: an upload is not sent again after a failure the server may have
// acted on: a 503 is reported after one request.
func TestUploadIsNeverRetried(t *testing.T) {
	var requests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Retry-After", "0")
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	opts := client.Options{URL: srv.URL, Token: "tok", MaxRetries: 3}
	hc, err := client.NewHTTPClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	_, err = newUploader(hc, opts, nil).Upload(context.Background(), plGoodBundle(t, dir, "p.q", "1.0.0"), false)
	var apiErr *client.Error
	if !errors.As(err, &apiErr) || apiErr.Status != http.StatusServiceUnavailable || !strings.Contains(apiErr.Message, "overloaded") {
		t.Fatalf("err = %v", err)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests: the upload was retried", n)
	}
}

// TestUploadRetriedAfter429: a 429 (the server refused the upload unread, here before reading
// any of it) is followed by a fresh stream of the whole file, and the progress shown counts the
// file once.
func TestUploadRetriedAfter429(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big.tar.gz")
	if err := os.Rename(bigFile(t, 8<<20), path); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var requests atomic.Int32
	got := make(chan []byte, 2)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if requests.Add(1) == 1 {
			w.Header().Set("Retry-After", "0")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		if r.FormValue("force") != "true" {
			t.Errorf("force = %q", r.FormValue("force"))
		}
		f, fh, err := r.FormFile("plugin")
		if err != nil {
			t.Errorf("form file: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		if fh.Filename != "big.tar.gz" {
			t.Errorf("file name %q", fh.Filename)
		}
		got <- b
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"big","version":"1.0.0"}`)
	}))
	defer srv.Close()
	opts := client.Options{URL: srv.URL, Token: "tok", MaxRetries: 3, Timeout: 10 * time.Second}
	hc, err := client.NewHTTPClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	var sent atomic.Int64
	m, err := newUploader(hc, opts, func(n int) { sent.Add(int64(n)) }).Upload(context.Background(), path, true)
	if err != nil || m.Id != "big" {
		t.Fatalf("upload: %v %+v", err, m)
	}
	if n := requests.Load(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	if b := <-got; !bytes.Equal(b, want) {
		t.Errorf("the server got %d bytes that differ from the %d of the file", len(b), len(want))
	}
	if sent.Load() != int64(len(want)) {
		t.Errorf("progress reported %d of %d bytes", sent.Load(), len(want))
	}
}

// TestUploadGivesUpWithoutProgress: a server that stops reading is given up on after the
// run's timeout without progress, however long the upload as a whole may take.
func TestUploadGivesUpWithoutProgress(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release)
	opts := client.Options{URL: srv.URL, Timeout: 300 * time.Millisecond}
	hc, err := client.NewHTTPClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = newUploader(hc, opts, nil).Upload(context.Background(), bigFile(t, 32<<20), false)
	if err == nil || !strings.Contains(err.Error(), "no progress for 300ms") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("gave up after %s", d)
	}
}

// BenchmarkUpload100MB validates and uploads a 100 MB bundle to a loopback server that reads
// and discards it: the time of `plugin add` without the server's own work.
func BenchmarkUpload100MB(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "big.tar.gz")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.NoCompression)
	tw := tar.NewWriter(zw)
	m := `{"id":"big","name":"Big","version":"1.0.0","webapp":{"bundle_path":"main.js"}}`
	_ = tw.WriteHeader(&tar.Header{Name: "plugin.json", Mode: 0o644, Size: int64(len(m)), Typeflag: tar.TypeReg})
	_, _ = tw.Write([]byte(m))
	const size = 100 << 20
	_ = tw.WriteHeader(&tar.Header{Name: "main.js", Mode: 0o644, Size: size, Typeflag: tar.TypeReg})
	buf := make([]byte, 1<<20)
	for i := 0; i < size; i += len(buf) {
		_, _ = tw.Write(buf)
	}
	if err := errors.Join(tw.Close(), zw.Close(), f.Close()); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, m)
	}))
	defer srv.Close()
	opts := client.Options{URL: srv.URL, Token: "tok"}
	hc, err := client.NewHTTPClient(opts)
	if err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(path)
	b.SetBytes(fi.Size())
	b.ResetTimer()
	for range b.N {
		if res, err := pluginbundle.ValidateFile(path, pluginbundle.Limits{}); err != nil || !res.OK() {
			b.Fatalf("%v %v", err, res.Problems)
		}
		if _, err := newUploader(hc, opts, nil).Upload(context.Background(), path, false); err != nil {
			b.Fatal(err)
		}
	}
}

func TestAddDryRunWithoutAServer(t *testing.T) {
	dir := t.TempDir()
	good := plGoodBundle(t, dir, "hovercardexample", "0.1.0")
	bad := plBundle(t, dir, "bad.tar.gz", plEntry{name: "plugin.json", body: `{"id":"ab","name":"B","min_server_version":"99.0.0"}`})
	e := cmdtest.New(t)
	e.F.Client = func() (client.Client, error) { return nil, errors.New("no credentials: run `matterctl auth login`") }
	err := e.Exec(NewCmdAdd(e.F, nil), good, bad, "--dry-run")
	if cmdutil.ExitCode(err) != cmdutil.ExitPartial {
		t.Fatalf("exit %d (%v)\n%s", cmdutil.ExitCode(err), err, e.ErrOut)
	}
	for _, w := range []string{
		"warning: no server (no credentials: run `matterctl auth login`): min_server_version and the maximum file size are not checked\n",
		"would upload plugin hovercardexample 0.1.0 (",
		bad + `: plugin.json: id: "ab" is not a valid plugin ID`,
	} {
		if strings.Count(e.ErrOut.String(), w) != 1 {
			t.Errorf("stderr lacks %q:\n%s", w, e.ErrOut)
		}
	}
	if strings.Contains(e.ErrOut.String(), "99.0.0") {
		t.Errorf("min_server_version checked without a server:\n%s", e.ErrOut)
	}
	e = cmdtest.New(t)
	e.F.Client = func() (client.Client, error) { return nil, errors.New("no credentials") }
	if err := e.Exec(NewCmdAdd(e.F, nil), good); err == nil || err.Error() != "no credentials" {
		t.Errorf("an upload without a server: %v", err)
	}
}
