package harness

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sampleState(dir string) *State {
	return &State{
		Dir: dir,
		Mattermost: MattermostState{
			Version: "7.8.0", Module: ServerModule + "@v6.0.0-20230214141527-f14c24391ca8",
			Bin: "/cache/mattermost-7.8.0/bin/mattermost", ServerDir: filepath.Join(dir, "server"),
			Port: 8065, Socket: filepath.Join(dir, "mattermost_local.socket"),
			Process: Process{PID: 1234, Start: 5678},
		},
		Postgres: PostgresState{
			Bin: "/usr/lib/postgresql/15/bin", Root: filepath.Join(dir, "pg"), Port: 5432,
			Database: "mattermost", User: "mmuser", Password: "pg'pass word$", SuperPassword: "s3cr3t-super",
			Process: Process{PID: 99, Start: 100},
		},
		Admin:         AdminState{Username: "admin", Password: `Admin-Passw0rd!"\`, Email: "admin@example.com"},
		EgressAtStart: []string{"tcp 10.0.0.1:4000 -> 1.2.3.4:443 ESTABLISHED"},
	}
}

func TestStateRoundTrip(t *testing.T) {
	dir := t.TempDir()
	want := sampleState(dir)
	if err := writeState(want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read back\n%+v\nwant\n%+v", got, want)
	}
	fi, err := os.Stat(filepath.Join(dir, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %04o, want 0600 (it holds passwords)", fi.Mode().Perm())
	}
}

func TestWriteStateReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, StateFile)
	// An older file, readable by everyone: the new one must not inherit that.
	if err := os.WriteFile(path, []byte(`{"format":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	old, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := sampleState(dir)
	if err := writeState(st); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(old, fi) {
		t.Error("the state file was rewritten in place, not replaced by a rename")
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != StateFile {
			t.Errorf("left behind: %s", e.Name())
		}
	}

	// A failed write leaves the previous file as it was.
	st.Dir = filepath.Join(dir, "missing")
	if err := writeState(st); err == nil {
		t.Fatal("writing into a missing directory succeeded")
	}
	if _, err := ReadState(dir); err != nil {
		t.Errorf("the previous state is unreadable after a failed write: %v", err)
	}
}

func TestReadStateErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadState(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no state: %v, want os.ErrNotExist", err)
	}
	// A sandbox of the former bash script says so.
	if err := os.WriteFile(filepath.Join(dir, "env.json"), []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadState(dir); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "scripts/sandbox.sh") {
		t.Errorf("former sandbox: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, StateFile), []byte(`{"format":99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadState(dir); err == nil || !strings.Contains(err.Error(), "format 99") {
		t.Errorf("unknown format: %v", err)
	}
}

// The env file sources in a POSIX shell to the very values, whatever characters they hold.
func TestShellEnvSourcesToTheValues(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	st := sampleState("/tmp/a dir/with 'quotes'")
	file := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(file, []byte(st.ShellEnv()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, v := range st.Env() {
		out, err := exec.Command(sh, "-c", `. "$1" && printf %s "$(printenv "$2")"`, "sh", file, v.Key).CombinedOutput()
		if err != nil {
			t.Fatalf("sourcing: %v\n%s", err, out)
		}
		if string(out) != v.Value {
			t.Errorf("%s = %q after sourcing, want %q", v.Key, out, v.Value)
		}
	}
}

func TestEnvKeepsTheKeysTestsRead(t *testing.T) {
	st := sampleState("/s")
	env := map[string]string{}
	for _, v := range st.Env() {
		env[v.Key] = v.Value
	}
	for k, want := range map[string]string{
		"MM_URL":      "http://127.0.0.1:8065",
		"MM_PID":      "1234",
		"MM_VERSION":  "7.8.0",
		"PG_BIN":      "/usr/lib/postgresql/15/bin",
		"PG_PASSWORD": "pg'pass word$",
		"PG_DSN":      "postgres://mmuser:pg'pass word$@127.0.0.1:5432/mattermost?sslmode=disable&connect_timeout=10",
		"MM_LOG":      "/s/server/logs/mattermost.log",
	} {
		if env[k] != want {
			t.Errorf("%s = %q, want %q", k, env[k], want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"":                  "''",
		"/tmp/plain-path_1": "/tmp/plain-path_1",
		"a b":               "'a b'",
		"it's":              `'it'\''s'`,
		"$HOME":             "'$HOME'",
		"x&y=z":             "'x&y=z'",
	} {
		if got := ShellQuote(in); got != want {
			t.Errorf("ShellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
