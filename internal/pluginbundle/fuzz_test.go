package pluginbundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mattermost/mattermost/server/public/model"
)

const fuzzManifest = `{
  "id": "com.example.hello",
  "name": "Hello",
  "version": "1.2.0",
  "min_server_version": "7.0.0",
  "server": {"executables": {"linux-amd64": "server/dist/plugin-linux-amd64"}},
  "webapp": {"bundle_path": "webapp/dist/main.js"}
}`

const fuzzManifestYAML = `id: com.example.hello
name: Hello
version: 1.2.0
server:
  executables:
    linux-amd64: server/dist/plugin-linux-amd64
`

// fuzzLayouts are where a fuzzed manifest is put: the file name, and the folder around the
// plugin ("" for the top of the archive).
var fuzzLayouts = []struct{ manifest, folder string }{
	{"plugin.json", "hello/"},
	{"plugin.json", ""},
	{"plugin.yaml", "hello/"},
	{"plugin.yml", ""},
	{"plugin.json", "a/b/"},
}

// fuzzBundle is a bundle around a manifest, with the files the seed manifests name.
func fuzzBundle(t testing.TB, layout uint8, manifest []byte) []byte {
	l := fuzzLayouts[int(layout)%len(fuzzLayouts)]
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	files := []struct {
		name string
		body []byte
	}{
		{l.manifest, manifest},
		{"server/dist/plugin-linux-amd64", []byte("ELF")},
		{"webapp/dist/main.js", []byte("1")},
	}
	for _, f := range files {
		hdr := &tar.Header{Name: l.folder + f.name, Mode: 0o644, Size: int64(len(f.body)), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(f.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FuzzValidateManifest validates bundles around arbitrary manifests. A bundle found OK has a
// manifest the server accepts: a valid lower-case ID, a name, the file it was read from. Every
// problem names the manifest file and renders as one line of printable text.
func FuzzValidateManifest(f *testing.F) {
	for _, m := range []string{
		fuzzManifest, fuzzManifestYAML,
		`{"id":"Com.Example.UPPER","name":"x"}`,
		`{"id":"a","name":"x"}`,
		`{"id":"com.example.x","name":" ","version":"v1","min_server_version":"99.0.0"}`,
		`{"id":"com.example.x","name":"x","min_server_version":"1.2"}`,
		`{"id":"com.example.x","name":"x","server":{}}`,
		`{"id":"com.example.x","name":"x","server":{"executable":"../../etc/passwd"}}`,
		`{"id":"com.example.x","name":"x","server":{"executables":{"linux\namd64":"a\nb"}}}`,
		`{"id":"com.example.x","name":"x","webapp":{}}`,
		`{"id":"com.example.x","name":"x","webapp":{"bundle_path":"/abs"}}`,
		`{"id":"com.example.x","name":"x","homepage_url":"javascript:alert(1)","settings_schema":{"settings":[{"key":"k","type":"bogus"}]}}`,
		`{"id":"bad id\u0000","name":"x"}`,
		`{"id":1}`, `[]`, `null`, `{`, ``,
		"id: [\nname: x\n",
		"id: com.example.x\nname: x\nserver:\n  executables:\n    \"a\\tb\": \"c\\x1bd\"\n",
	} {
		for i := range fuzzLayouts {
			f.Add(uint8(i), []byte(m))
		}
	}
	f.Fuzz(func(t *testing.T, layout uint8, manifest []byte) {
		data := fuzzBundle(t, layout, manifest)
		res, err := Validate(bytes.NewReader(data), Limits{ServerVersion: "7.8.0"})
		if err != nil {
			t.Fatalf("Validate: %v", err)
		}
		if res.Size != int64(len(data)) {
			t.Fatalf("Size = %d, want %d", res.Size, len(data))
		}
		l := fuzzLayouts[int(layout)%len(fuzzLayouts)]
		want := l.folder + l.manifest
		if l.folder == "a/b/" {
			want = "" // two levels down: not where the server looks
		}
		if res.ManifestFile != want {
			t.Fatalf("manifest file %q, want %q", res.ManifestFile, want)
		}
		checkProblems(t, res)
		if !res.OK() {
			return
		}
		m := res.Manifest
		if m == nil || !model.IsValidPluginId(m.Id) || m.Id != strings.ToLower(m.Id) || strings.TrimSpace(m.Name) == "" {
			t.Fatalf("OK with the manifest %+v", m)
		}
	})
}

// FuzzValidateBundle validates arbitrary bytes: a result for any content (an error only for a
// failing reader), its size that of the input, and one-line problems.
func FuzzValidateBundle(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("not gzip"))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	for i := range fuzzLayouts {
		b := fuzzBundle(f, uint8(i), []byte(fuzzManifest))
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Validate(bytes.NewReader(data), Limits{MaxFileSize: 200})
		if err != nil {
			t.Fatalf("Validate: %v", err)
		}
		if res.Size != int64(len(data)) {
			t.Fatalf("Size = %d, want %d", res.Size, len(data))
		}
		if len(data) > 200 && res.OK() {
			t.Fatalf("%d bytes accepted with a limit of 200", len(data))
		}
		checkProblems(t, res)
	})
}

func checkProblems(t *testing.T, res *Result) {
	t.Helper()
	if res.OK() != (len(res.Problems) == 0) {
		t.Fatalf("OK() = %v with %d problems", res.OK(), len(res.Problems))
	}
	for _, p := range res.Problems {
		if p.Message == "" {
			t.Fatalf("problem without a message: %+v", p)
		}
		if res.ManifestFile != "" && p.File == "" && p.Field != "" {
			t.Fatalf("problem with a field but no file: %+v", p)
		}
		msg := p.String()
		for i, r := range msg {
			if (r == utf8.RuneError && !strings.HasPrefix(msg[i:], "\uFFFD")) || !strconv.IsPrint(r) {
				t.Fatalf("problem has a raw %q at byte %d: %q", r, i, msg)
			}
		}
	}
}
