package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adrg/xdg"
	"github.com/gofrs/flock"
)

const secret = "s3cr3t-token-value"

func newTestStore(t *testing.T) *Store {
	t.Helper()
	return NewStore(filepath.Join(t.TempDir(), "matterctl", "config.json"))
}

func writeRaw(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	// WriteFile's mode is filtered by the umask.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func readRaw(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// assertOnlyFiles fails if dir holds anything but want, such as a leftover temp file.
func assertOnlyFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("files in %s = %q, want %q", dir, got, want)
	}
}

func addProfile(name string) func(*File) error {
	return func(f *File) error {
		f.Put(&Profile{Name: name, URL: "https://" + name + ".example.com", Username: "admin", AuthMethod: MethodToken, Token: secret})
		return nil
	}
}

func TestRoundTrip(t *testing.T) {
	s := newTestStore(t)
	want := &Profile{
		Name: "prod", URL: "https://chat.example.com", Username: "admin", UserID: "u1",
		AuthMethod: MethodMFA, Token: secret, InsecureSkipVerify: true, CAFile: "/etc/ca.pem",
	}
	err := s.Update(func(f *File) error {
		f.Put(want)
		f.Put(&Profile{Name: "dev", URL: "http://localhost:8065", Username: "sysadmin", AuthMethod: MethodPassword, Token: "t2"})
		f.Current = "prod"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	f, err := NewStore(s.Path).Load()
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != 1 || f.Current != "prod" {
		t.Errorf("Version, Current = %d, %q; want 1, prod", f.Version, f.Current)
	}
	if got := f.Names(); !slices.Equal(got, []string{"dev", "prod"}) {
		t.Errorf("Names() = %q", got)
	}
	got, ok := f.Get("prod")
	if !ok || *got != *want {
		t.Errorf("Get(prod) = %+v, %v; want %+v", got, ok, want)
	}
}

func TestWriteFormat(t *testing.T) {
	s := newTestStore(t)
	if err := s.Update(func(f *File) error {
		f.Put(&Profile{Name: "a", URL: "https://a.example.com/", Username: "u", AuthMethod: MethodToken, Token: "t"})
		f.Current = "a"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "current": "a",
  "profiles": {
    "a": {
      "name": "a",
      "url": "https://a.example.com",
      "username": "u",
      "auth_method": "token",
      "token": "t"
    }
  }
}
`
	if got := string(readRaw(t, s.Path)); got != want {
		t.Errorf("file content:\n%s\nwant:\n%s", got, want)
	}
	assertOnlyFiles(t, filepath.Dir(s.Path), "config.json", "config.json.lock")

	// An empty config still writes an object, not null, so other tools can read it.
	if err := s.Update(func(f *File) error { f.Delete("a"); return nil }); err != nil {
		t.Fatal(err)
	}
	if got, want := string(readRaw(t, s.Path)), "{\n  \"version\": 1,\n  \"current\": \"\",\n  \"profiles\": {}\n}\n"; got != want {
		t.Errorf("empty file content = %q, want %q", got, want)
	}
}

func TestLoadMissing(t *testing.T) {
	s := newTestStore(t)
	f, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != 1 || f.Current != "" || f.Profiles == nil || len(f.Profiles) != 0 {
		t.Errorf("Load() of missing file = %+v", f)
	}
	if _, err := os.Stat(filepath.Dir(s.Path)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load created the config directory (stat err %v)", err)
	}
}

func TestLoadNormalizes(t *testing.T) {
	tests := []struct {
		name        string
		content     string
		wantCurrent string
		wantNames   []string
		check       func(t *testing.T, f *File)
	}{
		{
			name:        "name fixed to key",
			content:     `{"version":1,"current":"a","profiles":{"a":{"name":"b","url":"https://x"}}}`,
			wantCurrent: "a",
			wantNames:   []string{"a"},
			check: func(t *testing.T, f *File) {
				if p, _ := f.Get("a"); p.Name != "a" {
					t.Errorf("Name = %q, want a", p.Name)
				}
			},
		},
		{
			name:      "current names a missing profile",
			content:   `{"version":1,"current":"gone","profiles":{"a":{"name":"a"}}}`,
			wantNames: []string{"a"},
		},
		{
			name:      "missing version and profiles",
			content:   `{}`,
			wantNames: []string{},
		},
		{
			name:      "null profile entry dropped",
			content:   `{"version":1,"profiles":{"a":null,"b":{"name":"b"}}}`,
			wantNames: []string{"b"},
		},
		{
			name:        "trailing slash trimmed and unknown fields ignored",
			content:     `{"version":1,"current":"a","future":true,"profiles":{"a":{"name":"a","url":"https://x/"}}}`,
			wantCurrent: "a",
			wantNames:   []string{"a"},
			check: func(t *testing.T, f *File) {
				if p, _ := f.Get("a"); p.URL != "https://x" {
					t.Errorf("URL = %q, want https://x", p.URL)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			writeRaw(t, s.Path, tt.content, 0o600)
			f, err := s.Load()
			if err != nil {
				t.Fatal(err)
			}
			if f.Version != 1 || f.Profiles == nil {
				t.Errorf("Version, Profiles = %d, %v", f.Version, f.Profiles)
			}
			if f.Current != tt.wantCurrent {
				t.Errorf("Current = %q, want %q", f.Current, tt.wantCurrent)
			}
			if got := f.Names(); !slices.Equal(got, tt.wantNames) {
				t.Errorf("Names() = %q, want %q", got, tt.wantNames)
			}
			if tt.check != nil {
				tt.check(t, f)
			}
		})
	}
}

func TestLoadNewerVersion(t *testing.T) {
	s := newTestStore(t)
	content := `{"version":2,"profiles":{}}`
	writeRaw(t, s.Path, content, 0o600)
	if _, err := s.Load(); err == nil || !strings.Contains(err.Error(), "upgrade matterctl") {
		t.Errorf("Load() error = %v, want an upgrade hint", err)
	}
	if err := s.Update(addProfile("a")); err == nil {
		t.Error("Update() overwrote a newer-format file")
	}
	if got := string(readRaw(t, s.Path)); got != content {
		t.Errorf("file changed to %q", got)
	}
}

func TestCorrupt(t *testing.T) {
	tests := []struct {
		name    string
		content string
		wantMsg string // part of Error()
	}{
		{name: "invalid JSON", content: `{"version": 1, "profiles": {]`, wantMsg: "is not valid JSON (invalid character ']'"},
		{name: "truncated", content: `{"version": 1`, wantMsg: "is not valid JSON (unexpected end of JSON input at offset 13)"},
		{name: "empty", content: "", wantMsg: "is not valid JSON"},
		{name: "top-level array", content: `[]`, wantMsg: "top level must be a JSON object, not array"},
		{name: "top-level null", content: `null`, wantMsg: "top level must be a JSON object"},
		{name: "top-level string", content: `"x"`, wantMsg: "top level must be a JSON object"},
		{name: "profiles is an array", content: `{"version":1,"profiles":[]}`, wantMsg: `field "profiles" must be an object, not array`},
		{name: "token is a number", content: `{"version":1,"profiles":{"a":{"token":271828182845}}}`, wantMsg: "must be a string, not number"},
		{name: "negative version", content: `{"version":-1}`, wantMsg: "unknown version -1"},
		{name: "secret near a syntax error", content: `{"profiles":{"a":{"token":"` + secret + `"}}`, wantMsg: "unexpected end of JSON input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			writeRaw(t, s.Path, tt.content, 0o600)

			_, err := s.Load()
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("Load() error = %v (%T), want *CorruptError", err, err)
			}
			if ce.Path != s.Path {
				t.Errorf("Path = %q, want %q", ce.Path, s.Path)
			}
			msg := err.Error()
			for _, want := range []string{"config file " + s.Path + " ", tt.wantMsg, `run "matterctl auth clean"`} {
				if !strings.Contains(msg, want) {
					t.Errorf("Error() = %q, want it to contain %q", msg, want)
				}
			}
			for _, leak := range []string{secret, "271828182845"} {
				if strings.Contains(msg, leak) {
					t.Errorf("Error() = %q leaks file content", msg)
				}
			}

			called := false
			err = s.Update(func(f *File) error { called = true; return addProfile("new")(f) })
			if !errors.As(err, &ce) {
				t.Errorf("Update() error = %v, want *CorruptError", err)
			}
			if called {
				t.Error("Update called fn on a corrupt file")
			}
			if got := string(readRaw(t, s.Path)); got != tt.content {
				t.Errorf("Update changed the file to %q", got)
			}
			assertOnlyFiles(t, filepath.Dir(s.Path), "config.json", "config.json.lock")
		})
	}
}

func TestCorruptErrorMessage(t *testing.T) {
	_, err := parse("/x/config.json", []byte(`{"version": 1,`))
	want := `config file /x/config.json is not valid JSON (unexpected end of JSON input at offset 14); fix or remove it, or run "matterctl auth clean"`
	if err == nil || err.Error() != want {
		t.Errorf("Error() = %v\nwant       %s", err, want)
	}
}

func TestCorruptDirectory(t *testing.T) {
	s := newTestStore(t)
	if err := os.MkdirAll(s.Path, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := s.Load()
	var ce *CorruptError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("Load() error = %v, want *CorruptError about a directory", err)
	}
	if err := s.Update(addProfile("a")); !errors.As(err, &ce) {
		t.Errorf("Update() error = %v, want *CorruptError", err)
	}
	if info, err := os.Stat(s.Path); err != nil || !info.IsDir() {
		t.Errorf("directory replaced: %v, %v", info, err)
	}
	if err := s.Remove(); err != nil {
		t.Errorf("Remove() of an empty directory: %v", err)
	}
	if _, err := os.Stat(s.Path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("directory still there after Remove (stat err %v)", err)
	}
}

func TestUpdateFnError(t *testing.T) {
	s := newTestStore(t)
	boom := errors.New("boom")

	// Missing file stays missing.
	if err := s.Update(func(f *File) error { _ = addProfile("a")(f); return boom }); !errors.Is(err, boom) {
		t.Fatalf("Update() error = %v, want %v", err, boom)
	}
	if _, err := os.Stat(s.Path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("file written although fn failed (stat err %v)", err)
	}

	// Existing file keeps its bytes.
	if err := s.Update(addProfile("a")); err != nil {
		t.Fatal(err)
	}
	before := readRaw(t, s.Path)
	if err := s.Update(func(f *File) error { f.Delete("a"); return boom }); !errors.Is(err, boom) {
		t.Fatalf("Update() error = %v, want %v", err, boom)
	}
	if after := readRaw(t, s.Path); string(after) != string(before) {
		t.Errorf("file changed although fn failed:\n%s", after)
	}
	assertOnlyFiles(t, filepath.Dir(s.Path), "config.json", "config.json.lock")
}

func TestPermissionWarning(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes on Windows")
	}
	tests := []struct {
		mode os.FileMode
		want string
	}{
		{mode: 0o600},
		{mode: 0o400},
		{mode: 0o644, want: "warning: %s is readable by other users (mode 0644); run: chmod 600 %s"},
		{mode: 0o640, want: "warning: %s is readable by other users (mode 0640); run: chmod 600 %s"},
		{mode: 0o604, want: "warning: %s is readable by other users (mode 0604); run: chmod 600 %s"},
		{mode: 0o620, want: "warning: %s is accessible by other users (mode 0620); run: chmod 600 %s"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%04o", tt.mode), func(t *testing.T) {
			s := newTestStore(t)
			writeRaw(t, s.Path, `{"version":1,"profiles":{}}`, tt.mode)
			var warnings []string
			s.Warn = func(msg string) { warnings = append(warnings, msg) }
			if _, err := s.Load(); err != nil {
				t.Fatal(err)
			}
			var want []string
			if tt.want != "" {
				want = []string{fmt.Sprintf(tt.want, s.Path, s.Path)}
			}
			if !slices.Equal(warnings, want) {
				t.Errorf("warnings = %q, want %q", warnings, want)
			}

			s.Warn = nil
			if _, err := s.Load(); err != nil {
				t.Errorf("Load() with nil Warn: %v", err)
			}
		})
	}
}

func TestPermissionWarningQuotesPath(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes on Windows")
	}
	s := NewStore(filepath.Join(t.TempDir(), "Application Support", "config.json"))
	writeRaw(t, s.Path, `{}`, 0o644)
	var got string
	s.Warn = func(msg string) { got = msg }
	if _, err := s.Load(); err != nil {
		t.Fatal(err)
	}
	if want := "run: chmod 600 '" + s.Path + "'"; !strings.HasSuffix(got, want) {
		t.Errorf("warning = %q, want suffix %q", got, want)
	}
}

func TestUpdateTightensLooseFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes on Windows")
	}
	s := newTestStore(t)
	writeRaw(t, s.Path, `{"version":1,"profiles":{}}`, 0o644)
	var warnings []string
	s.Warn = func(msg string) { warnings = append(warnings, msg) }
	if err := s.Update(addProfile("a")); err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Errorf("Update warned about a mode it fixes: %q", warnings)
	}
	assertMode(t, s.Path, 0o600)
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("mode of %s = %04o, want %04o", path, got, want)
	}
}

func TestSymlinkKept(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks need privileges on Windows")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "dotfiles", "matterctl.json")
	writeRaw(t, real, `{}`, 0o600)
	link := filepath.Join(dir, "config.json")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	s := NewStore(link)
	if err := s.Update(addProfile("a")); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("symlink replaced: %v, %v", info, err)
	}
	f, err := NewStore(real).Load()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Get("a"); !ok {
		t.Error("profile not written through the symlink")
	}
}

func TestRemove(t *testing.T) {
	tests := []struct {
		name    string
		content string // "" means no file
	}{
		{name: "valid file", content: `{"version":1,"profiles":{}}`},
		{name: "corrupt file", content: `{not json`},
		{name: "missing file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestStore(t)
			if tt.content != "" {
				writeRaw(t, s.Path, tt.content, 0o600)
			}
			if err := s.Remove(); err != nil {
				t.Fatalf("Remove() = %v", err)
			}
			if _, err := os.Stat(s.Path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("file still there (stat err %v)", err)
			}
			if err := s.Remove(); err != nil {
				t.Errorf("second Remove() = %v", err)
			}
			f, err := s.Load()
			if err != nil || len(f.Profiles) != 0 {
				t.Errorf("Load() after Remove = %+v, %v", f, err)
			}
		})
	}
}

func TestDefaultPath(t *testing.T) {
	// Registered before t.Setenv so it runs after the environment is restored.
	t.Cleanup(func() { xdg.Reload() })
	dir := t.TempDir()

	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "xdg"))
	t.Setenv("MATTERCTL_CONFIG", "")
	xdg.Reload()
	got, err := DefaultPath()
	if want := filepath.Join(dir, "xdg", "matterctl", "config.json"); err != nil || got != want {
		t.Errorf("DefaultPath() = %q, %v; want %q", got, err, want)
	}

	override := filepath.Join(dir, "elsewhere.json")
	t.Setenv("MATTERCTL_CONFIG", override)
	got, err = DefaultPath()
	if err != nil || got != override {
		t.Errorf("DefaultPath() with MATTERCTL_CONFIG = %q, %v; want %q", got, err, override)
	}
	if _, err := os.Stat(filepath.Join(dir, "xdg")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("DefaultPath created a directory (stat err %v)", err)
	}
}

func TestFileMethods(t *testing.T) {
	var f File // zero value: nil map
	if got := f.Names(); got == nil || len(got) != 0 {
		t.Errorf("Names() of empty File = %#v, want empty non-nil", got)
	}
	if _, ok := f.Get("x"); ok {
		t.Error("Get on empty File found something")
	}
	if f.Delete("x") {
		t.Error("Delete on empty File reported a deletion")
	}
	f.Put(nil)
	for _, name := range []string{"b", "c", "a"} {
		f.Put(&Profile{Name: name, URL: "https://" + name + "/"})
	}
	if got := f.Names(); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("Names() = %q", got)
	}
	if p, _ := f.Get("a"); p.URL != "https://a" {
		t.Errorf("Put kept the trailing slash: %q", p.URL)
	}
	f.Put(&Profile{Name: "a", Username: "replaced"})
	if p, _ := f.Get("a"); p.Username != "replaced" {
		t.Errorf("Put did not replace: %+v", p)
	}

	tests := []struct {
		name, current, del string
		wantOK             bool
		wantCurrent        string
	}{
		{name: "current deleted", current: "a", del: "a", wantOK: true, wantCurrent: ""},
		{name: "other deleted", current: "a", del: "b", wantOK: true, wantCurrent: "a"},
		{name: "missing", current: "a", del: "zzz", wantOK: false, wantCurrent: "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &File{Current: tt.current}
			f.Put(&Profile{Name: "a"})
			f.Put(&Profile{Name: "b"})
			if ok := f.Delete(tt.del); ok != tt.wantOK {
				t.Errorf("Delete(%q) = %v, want %v", tt.del, ok, tt.wantOK)
			}
			if f.Current != tt.wantCurrent {
				t.Errorf("Current = %q, want %q", f.Current, tt.wantCurrent)
			}
			if _, ok := f.Get(tt.del); ok {
				t.Errorf("%q still present", tt.del)
			}
		})
	}
}

func TestLockTimeout(t *testing.T) {
	s := newTestStore(t)
	if err := s.Update(addProfile("a")); err != nil {
		t.Fatal(err)
	}
	held := flock.New(s.Path + ".lock")
	if err := held.Lock(); err != nil {
		t.Fatal(err)
	}
	defer held.Unlock()

	s.lockTimeout = 100 * time.Millisecond
	start := time.Now()
	err := s.Update(addProfile("b"))
	if err == nil || !strings.Contains(err.Error(), "timed out after 100ms waiting for the lock on "+s.Path+".lock") {
		t.Fatalf("Update() error = %v, want a lock timeout", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("Update took %s to time out", elapsed)
	}
	if err := s.Remove(); err == nil {
		t.Error("Remove() ignored the held lock")
	}
	if _, err := s.Load(); err != nil {
		t.Errorf("Load() should not need the lock: %v", err)
	}
}

func TestLockFileMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no POSIX modes on Windows")
	}
	s := newTestStore(t)
	if err := s.Update(addProfile("a")); err != nil {
		t.Fatal(err)
	}
	assertMode(t, s.Path+".lock", 0o600)
}

const writers = 50

// slowAdd widens the window between load and write, so an Update without a working lock would
// lose profiles.
func slowAdd(name string) func(*File) error {
	return func(f *File) error {
		time.Sleep(2 * time.Millisecond)
		return addProfile(name)(f)
	}
}

func assertProfiles(t *testing.T, path string, n int) {
	t.Helper()
	data := readRaw(t, path)
	if !json.Valid(data) {
		t.Fatalf("file is not valid JSON:\n%s", data)
	}
	f, err := NewStore(path).Load()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for i := range n {
		want = append(want, "p"+strconv.Itoa(i))
	}
	slices.Sort(want)
	if got := f.Names(); !slices.Equal(got, want) {
		t.Errorf("got %d profiles %q, want %d", len(got), got, n)
	}
	assertOnlyFiles(t, filepath.Dir(path), "config.json", "config.json.lock")
}

func TestParallelWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "matterctl", "config.json")
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A Store per goroutine: each Update opens its own lock file descriptor.
			errs <- NewStore(path).Update(slowAdd("p" + strconv.Itoa(i)))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	assertProfiles(t, path, writers)
}

const (
	envChildPath = "MATTERCTL_CONFIG_TEST_CHILD_PATH"
	envChildName = "MATTERCTL_CONFIG_TEST_CHILD_NAME"
)

// TestCrossProcessWriters re-executes the test binary as separate processes, because only
// processes prove the lock works across address spaces (and not just between goroutines).
func TestCrossProcessWriters(t *testing.T) {
	if path := os.Getenv(envChildPath); path != "" {
		if err := NewStore(path).Update(slowAdd(os.Getenv(envChildName))); err != nil {
			t.Fatal(err)
		}
		return
	}
	if testing.Short() {
		t.Skip("spawns 50 processes")
	}

	path := filepath.Join(t.TempDir(), "matterctl", "config.json")
	cmds := make([]*exec.Cmd, writers)
	outputs := make([]strings.Builder, writers)
	for i := range writers {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrossProcessWriters$", "-test.count=1")
		cmd.Env = append(os.Environ(), envChildPath+"="+path, envChildName+"=p"+strconv.Itoa(i))
		cmd.Stdout = &outputs[i]
		cmd.Stderr = &outputs[i]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[i] = cmd
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("child %d: %v\n%s", i, err, outputs[i].String())
		}
	}
	assertProfiles(t, path, writers)
}
