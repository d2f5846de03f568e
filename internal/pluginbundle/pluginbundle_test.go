package pluginbundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// entry is one file of a test archive; a name ending in "/" is a folder.
type entry struct {
	name string
	body string
}

func tarGz(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	writeTar(t, zw, entries...)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeTar(t testing.TB, w io.Writer, entries ...entry) {
	t.Helper()
	tw := tar.NewWriter(w)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		if strings.HasSuffix(e.name, "/") {
			hdr.Typeflag, hdr.Mode, hdr.Size = tar.TypeDir, 0o755, 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

const goodManifest = `{
  "id": "com.example.hello",
  "name": "Hello",
  "version": "1.2.0",
  "min_server_version": "7.0.0",
  "server": {"executables": {"linux-amd64": "server/dist/plugin-linux-amd64", "darwin-arm64": "server/dist/plugin-darwin-arm64"}},
  "webapp": {"bundle_path": "webapp/dist/main.js"}
}`

func goodEntries(manifest string) []entry {
	return []entry{
		{name: "hello/"},
		{name: "hello/plugin.json", body: manifest},
		{name: "hello/server/dist/plugin-linux-amd64", body: "ELF"},
		{name: "hello/server/dist/plugin-darwin-arm64", body: "MachO"},
		{name: "hello/webapp/dist/main.js", body: "console.log(1)"},
	}
}

func validate(t *testing.T, data []byte, lim Limits) *Result {
	t.Helper()
	res, err := Validate(bytes.NewReader(data), lim)
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if res.Size != int64(len(data)) {
		t.Errorf("Size = %d, want %d", res.Size, len(data))
	}
	return res
}

func TestValidBundles(t *testing.T) {
	tests := []struct {
		name     string
		data     []byte
		wantFile string
	}{
		{name: "one top folder", data: tarGz(t, goodEntries(goodManifest)...), wantFile: "hello/plugin.json"},
		{name: "manifest at the top, ./ prefixes", data: tarGz(t,
			entry{name: "./"},
			entry{name: "./plugin.json", body: `{"id":"webonly","name":"Web only","version":"0.1.0","webapp":{"bundle_path":"./main.js"}}`},
			entry{name: "./main.js", body: "x"}), wantFile: "plugin.json"},
		{name: "folder entries implied", data: tarGz(t,
			entry{name: "hello/plugin.yaml", body: "id: Hello.World\nname: Hello\nversion: 1.0.0\nserver:\n  executable: bin/run\n"},
			entry{name: "hello/bin/run", body: "#!/bin/sh"}), wantFile: "hello/plugin.yaml"},
		{name: "plugin.yml", data: tarGz(t, entry{name: "plugin.yml", body: "id: abc\nname: ABC\n"}), wantFile: "plugin.yml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := validate(t, tt.data, Limits{ServerVersion: "7.8.0", MaxFileSize: 1 << 20})
			if !res.OK() {
				t.Fatalf("problems: %v", res.Problems)
			}
			if res.ManifestFile != tt.wantFile || res.Manifest == nil {
				t.Fatalf("manifest %q %+v, want %q", res.ManifestFile, res.Manifest, tt.wantFile)
			}
		})
	}
	res := validate(t, tarGz(t, goodEntries(goodManifest)...), Limits{})
	if res.Manifest.Id != "com.example.hello" || res.Manifest.Version != "1.2.0" {
		t.Errorf("manifest = %+v", res.Manifest)
	}
	yml := validate(t, tests[2].data, Limits{})
	if yml.Manifest.Id != "hello.world" {
		t.Errorf("the ID is not lower-cased as the server does: %q", yml.Manifest.Id)
	}
}

func TestBadBundles(t *testing.T) {
	withManifest := func(m string) []byte { return tarGz(t, goodEntries(m)...) }
	replace := func(old, new string) []byte { return withManifest(strings.Replace(goodManifest, old, new, 1)) }
	var plainTar bytes.Buffer
	writeTar(t, &plainTar, goodEntries(goodManifest)...)
	var gzText bytes.Buffer
	zw := gzip.NewWriter(&gzText)
	_, _ = io.WriteString(zw, "just some text, not a tar archive at all, long enough to fill a header block? no.")
	_ = zw.Close()
	good := withManifest(goodManifest)

	tests := []struct {
		name string
		data []byte
		lim  Limits
		want []string // each problem line, in order
	}{
		{name: "not gzip", data: plainTar.Bytes(),
			want: []string{"not a gzip-compressed file (gzip: invalid header): a plugin bundle is a .tar.gz archive"}},
		{name: "empty file", data: nil, want: []string{"the file is empty, not a gzip-compressed tar archive (.tar.gz)"}},
		{name: "not tar", data: gzText.Bytes(), want: []string{"not a tar archive inside the gzip compression (unexpected EOF)"}},
		{name: "truncated", data: good[:len(good)-30], want: []string{"the archive is truncated or corrupt after 5 entries (unexpected EOF)"}},
		{name: "empty archive", data: tarGz(t), want: []string{"the archive is empty"}},
		{name: "no manifest", data: tarGz(t, entry{name: "hello/"}, entry{name: "hello/README.md", body: "hi"}),
			want: []string{"no manifest (plugin.json, plugin.yaml or plugin.yml) in its top folder hello"}},
		{name: "manifest in a nested folder", data: tarGz(t, entry{name: "hello/sub/plugin.json", body: goodManifest}, entry{name: "hello/x", body: "x"}),
			want: []string{"hello/sub/plugin.json: the manifest is not where the server looks for it: put plugin.json in its top folder hello, or the whole plugin in one top folder"}},
		{name: "manifest in one of two folders", data: tarGz(t, entry{name: "a/plugin.json", body: goodManifest}, entry{name: "b/x", body: "x"}),
			want: []string{"a/plugin.json: the manifest is not where the server looks for it: put plugin.json at the top of the archive, or the whole plugin in one top folder"}},
		{name: "bad JSON", data: withManifest(`{"id": "abc",`),
			want: []string{"hello/plugin.json: not valid JSON: unexpected EOF"}},
		{name: "bad ID", data: replace(`"com.example.hello"`, `"com.example/hello"`),
			want: []string{`hello/plugin.json: id: "com.example/hello" is not a valid plugin ID: 3 to 190 characters among letters, digits, '.', '-' and '_'`}},
		{name: "short ID", data: replace(`"com.example.hello"`, `"ab"`),
			want: []string{`hello/plugin.json: id: "ab" is not a valid plugin ID: 3 to 190 characters among letters, digits, '.', '-' and '_'`}},
		{name: "no ID and no name", data: replace(`"id": "com.example.hello",
  "name": "Hello",`, ``),
			want: []string{"hello/plugin.json: id: missing: every plugin needs an ID", "hello/plugin.json: name: missing: every plugin needs a name"}},
		{name: "bad semver", data: replace(`"1.2.0"`, `"1.2"`),
			want: []string{`hello/plugin.json: version: "1.2" is not a semantic version (MAJOR.MINOR.PATCH, such as 1.2.0)`}},
		{name: "bad min_server_version", data: replace(`"7.0.0"`, `"seven"`),
			want: []string{`hello/plugin.json: min_server_version: "seven" is not a semantic version (MAJOR.MINOR.PATCH, such as 7.8.0)`}},
		{name: "min_server_version too new", data: replace(`"7.0.0"`, `"9.1.0"`), lim: Limits{ServerVersion: "7.8.0.7.8.0.abc.false"},
			want: []string{"hello/plugin.json: min_server_version: the plugin needs Mattermost 9.1.0 or later; the server runs 7.8.0"}},
		{name: "missing executable", data: tarGz(t, goodEntries(goodManifest)[:3]...),
			want: []string{
				"hello/plugin.json: server.executables.darwin-arm64: names hello/server/dist/plugin-darwin-arm64, which is not in the archive",
				"hello/plugin.json: webapp.bundle_path: names hello/webapp/dist/main.js, which is not in the archive",
			}},
		{name: "missing single executable", data: tarGz(t, entry{name: "plugin.json", body: `{"id":"abc","name":"A","server":{"executable":"server/plugin"}}`}),
			want: []string{"plugin.json: server.executable: names server/plugin, which is not in the archive"}},
		{name: "no executable at all", data: tarGz(t, entry{name: "plugin.json", body: `{"id":"abc","name":"A","server":{}}`}),
			want: []string{"plugin.json: server: names no executable (server.executables or server.executable)"}},
		{name: "missing webapp bundle", data: tarGz(t, entry{name: "plugin.json", body: `{"id":"abc","name":"A","webapp":{"bundle_path":"webapp/main.js"}}`}),
			want: []string{"plugin.json: webapp.bundle_path: names webapp/main.js, which is not in the archive"}},
		{name: "executable outside the folder", data: tarGz(t, entry{name: "plugin.json", body: `{"id":"abc","name":"A","server":{"executable":"../x"}}`}),
			want: []string{`plugin.json: server.executable: "../x" is not a path inside the plugin's folder`}},
		{name: "yaml manifest with a bad ID", data: tarGz(t, entry{name: "p/plugin.yml", body: "id: 'no spaces please'\nname: N\nversion: 1.0.0\n"}),
			want: []string{`p/plugin.yml: id: "no spaces please" is not a valid plugin ID: 3 to 190 characters among letters, digits, '.', '-' and '_'`}},
		{name: "bad yaml", data: tarGz(t, entry{name: "plugin.yaml", body: "id: [\n"}),
			want: []string{"plugin.yaml: not valid YAML: "}},
		{name: "entry leaving the folder", data: tarGz(t, entry{name: "../evil", body: "x"}, entry{name: "plugin.json", body: `{"id":"abc","name":"A"}`}),
			want: []string{"../evil: the path leaves the archive's folder; the server refuses such entries"}},
		{name: "bad homepage URL (the model's own check)", data: tarGz(t, entry{name: "plugin.json", body: `{"id":"abc","name":"A","homepage_url":"ftp://x"}`}),
			want: []string{"plugin.json: invalid HomepageURL"}},
		{name: "too big", data: good, lim: Limits{MaxFileSize: 100},
			want: []string{"the bundle is " + HumanSize(int64(len(good))) + ", more than the server's maximum file size of 100 bytes (FileSettings.MaxFileSize, MM_FILESETTINGS_MAXFILESIZE)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := validate(t, tt.data, tt.lim)
			var got []string
			for _, p := range res.Problems {
				got = append(got, p.String())
			}
			if len(got) != len(tt.want) {
				t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("problem %d:\n got %s\nwant %s", i, got[i], tt.want[i])
				}
				if strings.Contains(got[i], "\n") {
					t.Errorf("problem %d spans lines: %q", i, got[i])
				}
			}
			if res.OK() {
				t.Error("OK() with problems")
			}
		})
	}
}

func TestServerSemver(t *testing.T) {
	for in, want := range map[string]string{"7.8.0": "7.8.0", "7.8.0.7.8.0.abc.false": "7.8.0", "v9.11.2": "9.11.2", "": "", "dev": ""} {
		got := ""
		if v := ServerSemver(in); v != nil {
			got = v.String()
		}
		if got != want {
			t.Errorf("ServerSemver(%q) = %q, want %q", in, got, want)
		}
	}
}

type failingReader struct{ after int }

func (f *failingReader) Read(b []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("disk on fire")
	}
	n := min(len(b), f.after)
	for i := range b[:n] {
		b[i] = 0x1f
	}
	f.after -= n
	return n, nil
}

func TestReadErrorsAreErrorsNotProblems(t *testing.T) {
	if _, err := Validate(&failingReader{after: 0}, Limits{}); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
	good := tarGz(t, goodEntries(goodManifest)...)
	r := io.MultiReader(bytes.NewReader(good[:len(good)/2]), &failingReader{})
	if _, err := Validate(r, Limits{}); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
}

func TestValidateFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "hello.tar.gz")
	if err := os.WriteFile(p, tarGz(t, goodEntries(goodManifest)...), 0o600); err != nil {
		t.Fatal(err)
	}
	if res, err := ValidateFile(p, Limits{}); err != nil || !res.OK() {
		t.Fatalf("res %+v, err %v", res, err)
	}
	if _, err := ValidateFile(filepath.Join(dir, "missing.tar.gz"), Limits{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: err = %v", err)
	}
	if _, err := ValidateFile(dir, Limits{}); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("directory: err = %v", err)
	}
}

// bigBundle streams a valid bundle with a server executable of size bytes of incompressible
// data; nothing of it is held in memory.
func bigBundle(t testing.TB, size int64) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		zw, _ := gzip.NewWriterLevel(pw, gzip.NoCompression)
		tw := tar.NewWriter(zw)
		write := func(name string, n int64, r io.Reader) error {
			if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: n, Typeflag: tar.TypeReg}); err != nil {
				return err
			}
			_, err := io.CopyN(tw, r, n)
			return err
		}
		m := `{"id":"big","name":"Big","version":"1.0.0","server":{"executable":"server/plugin"}}`
		err := write("big/plugin.json", int64(len(m)), strings.NewReader(m))
		if err == nil {
			err = write("big/server/plugin", size, &pseudoRandom{x: 1})
		}
		if err == nil {
			err = tw.Close()
		}
		if err == nil {
			err = zw.Close()
		}
		pw.CloseWithError(err)
	}()
	return pr
}

// pseudoRandom is a fast xorshift byte stream.
type pseudoRandom struct{ x uint64 }

func (p *pseudoRandom) Read(b []byte) (int, error) {
	for i := range b {
		p.x ^= p.x << 13
		p.x ^= p.x >> 7
		p.x ^= p.x << 17
		b[i] = byte(p.x)
	}
	return len(b), nil
}

func TestHundredMegabyteBundleInConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 100 MB")
	}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
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
	res, err := Validate(bigBundle(t, 100<<20), Limits{MaxFileSize: 200 << 20})
	close(stop)
	<-sampled
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || res.Size < 100<<20 {
		t.Fatalf("problems %v, size %d", res.Problems, res.Size)
	}
	if grew := int64(peak.Load()) - int64(base.HeapInuse); grew > 16<<20 {
		t.Errorf("the heap grew by %s while validating 100 MB", HumanSize(grew))
	}
}
