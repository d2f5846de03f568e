package config

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Fuzzed config files name secrets with placeholders, replaced before the file is written:
// $T is a token as Mattermost issues them, $N a token-sized run of digits (a value that is a
// JSON number where a string is wanted).
const (
	fuzzToken  = "q7x3kd9mzp4wt8rb2nc6vh5jye"
	fuzzDigits = "27182818284590452353602874"
)

// FuzzLoad parses arbitrary bytes as a config file and checks: no panic, errors in one line
// without a secret from the file; and a file that parses loads from a 0600 file without a
// permission warning, is saved, and loads again to the same profiles.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		`{"version":1,"current":"prod","profiles":{"prod":{"name":"prod","url":"https://mm.example.com/","username":"admin","auth_method":"token","token":"$T"}}}`,
		`{"version":1,"current":"x","profiles":{"a":{"token":"$T","insecure_skip_verify":true,"ca_file":"/etc/ca.pem","user_id":"u1"},"b":null}}`,
		`{"profiles":{"a":{"token":$N}}}`,
		`{"profiles":{"a":{"token":$T}}}`,
		`{"profiles":{"a":{"token":["$T"]}}}`,
		`{"profiles":{"a":{"token":{"$T":1}}}}`,
		`{"profiles":{"a":{"url":"$T","insecure_skip_verify":"$T"}}}`,
		`{"profiles":{"a":"$T"}}`,
		`{"profiles":["$T"]}`,
		`{"version":"$T"}`,
		`{"version":$N}`,
		`{"version":-$N}`,
		`{"version":2,"profiles":{}}`,
		`{"version":-1}`,
		`{"current":$N}`,
		`{"profiles":{"a":{"token":"$T"}}`,
		`{"profiles":{"a":{"token":"$T`,
		`{"profiles":{"a":{"token":"$T\u00"}}}`,
		`{"profiles":{"$T":{"token":"\u0000$T\n"}}}`,
		`["$T"]`,
		`"$T"`,
		`$N`,
		`null`,
		``,
		"\ufeff{}",
		`{} {"token":"$T"}`,
		`{"profiles":{"a":{"url":"https://h//"}},"profiles":{"b":{}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		data = bytes.ReplaceAll(data, []byte("$T"), []byte(fuzzToken))
		data = bytes.ReplaceAll(data, []byte("$N"), []byte(fuzzDigits))
		// Most inputs do not parse: their errors are checked without touching the disk.
		if _, err := parse("/home/u/.config/matterctl/config.json", data); err != nil {
			checkLoadError(t, err)
			return
		}
		path := filepath.Join(t.TempDir(), "config.json")
		if err := os.WriteFile(path, data, fileMode); err != nil {
			t.Fatal(err)
		}
		s := NewStore(path)
		s.Warn = func(msg string) { t.Errorf("warning for a 0600 file: %s", msg) }
		file, err := s.Load()
		if err != nil {
			t.Fatalf("parsed, but Load fails: %v", err)
		}
		if file.Version != formatVersion || file.Profiles == nil {
			t.Fatalf("loaded version %d, profiles %v", file.Version, file.Profiles)
		}
		for name, p := range file.Profiles {
			if p == nil || p.Name != name || strings.HasSuffix(p.URL, "/") {
				t.Fatalf("profile %q not normalised: %+v", name, p)
			}
		}
		if _, ok := file.Profiles[file.Current]; file.Current != "" && !ok {
			t.Fatalf("current profile %q does not exist", file.Current)
		}
		if err := s.Update(func(*File) error { return nil }); err != nil {
			t.Fatalf("saving a file that loaded: %v", err)
		}
		again, err := s.Load()
		if err != nil {
			t.Fatalf("reloading the saved file: %v", err)
		}
		if !reflect.DeepEqual(file, again) {
			t.Fatalf("loaded %+v, after saving %+v", file, again)
		}
	})
}

func checkLoadError(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("error is not one line: %q", msg)
	}
	for _, secret := range []string{fuzzToken, fuzzDigits} {
		if strings.Contains(msg, secret) {
			t.Fatalf("error shows the secret: %q", msg)
		}
	}
}
