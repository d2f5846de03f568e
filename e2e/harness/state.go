package harness

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// StateFile is the name of the sandbox's state file inside its directory. It holds the
// passwords: mode 0600, and only its path is ever printed.
const StateFile = "state.json"

// markerFile marks a directory as a sandbox's, so that destroy never deletes anything else.
const markerFile = ".matterctl-sandbox"

// stateFormat is the version of the state file's layout.
const stateFormat = 1

// State is everything the harness knows about one sandbox: written as STATE_DIR/state.json
// by start and stop, read by every other command.
type State struct {
	Format     int             `json:"format"`
	Dir        string          `json:"dir"` // the state directory, absolute and without symlinks
	Mattermost MattermostState `json:"mattermost"`
	Postgres   PostgresState   `json:"postgres"`
	Admin      AdminState      `json:"admin"`
	// EgressAtStart lists the connections to non-loopback addresses the server had open while
	// start watched it (from its launch until the admin existed). Empty is the only good value.
	EgressAtStart []string `json:"egress_at_start,omitempty"`
}

// MattermostState describes the server process and its files.
type MattermostState struct {
	Version   string  `json:"version"` // e.g. 7.8.0, read from the pinned module's source
	Module    string  `json:"module"`  // module@version as pinned by e2e/mmserver/go.mod
	Bin       string  `json:"bin"`
	ServerDir string  `json:"server_dir"` // working directory: config, logs, data, plugins
	Port      int     `json:"port"`
	Socket    string  `json:"socket"` // local-mode unix socket
	SocketDir string  `json:"socket_dir,omitempty"`
	Process   Process `json:"process"`
}

// PostgresState describes the database cluster and its postmaster.
type PostgresState struct {
	Bin           string  `json:"bin"`  // directory holding pg_ctl, initdb, psql
	Root          string  `json:"root"` // holds data/ and postgres.log; STATE_DIR/pg or a /tmp dir it links to
	Port          int     `json:"port"`
	Database      string  `json:"database"`
	User          string  `json:"user"`
	Password      string  `json:"password"`
	SuperPassword string  `json:"super_password"`
	Process       Process `json:"process"`
}

// AdminState is the system admin the harness creates.
type AdminState struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Email    string `json:"email"`
}

// URL is the server's base URL.
func (s *State) URL() string { return "http://127.0.0.1:" + strconv.Itoa(s.Mattermost.Port) }

// LogFile is the server's JSON log.
func (s *State) LogFile() string {
	return filepath.Join(s.Mattermost.ServerDir, "logs", "mattermost.log")
}

// ConfigFile is the server's config.json.
func (s *State) ConfigFile() string {
	return filepath.Join(s.Mattermost.ServerDir, "config", "config.json")
}

// DataDir is the PostgreSQL cluster's data directory.
func (s *State) DataDir() string { return filepath.Join(s.Postgres.Root, "data") }

// DSN is the connection string of the server's database user.
func (s *State) DSN() string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable&connect_timeout=10",
		s.Postgres.User, s.Postgres.Password, s.Postgres.Port, s.Postgres.Database)
}

// Secrets are the passwords the state holds, for tests that check none is printed.
func (s *State) Secrets() []string {
	return []string{s.Admin.Password, s.Postgres.Password, s.Postgres.SuperPassword}
}

// EnvVar is one variable of the sandbox's environment.
type EnvVar struct{ Key, Value string }

// Env is the sandbox as environment variables, in a fixed order: what `sandbox env` prints
// and Server.Env holds.
func (s *State) Env() []EnvVar {
	return []EnvVar{
		{"MM_URL", s.URL()},
		{"MM_ADMIN_USER", s.Admin.Username},
		{"MM_ADMIN_PASSWORD", s.Admin.Password},
		{"MM_ADMIN_EMAIL", s.Admin.Email},
		{"MM_SOCKET", s.Mattermost.Socket},
		{"MM_PID", strconv.Itoa(s.Mattermost.Process.PID)},
		{"MM_PORT", strconv.Itoa(s.Mattermost.Port)},
		{"MM_VERSION", s.Mattermost.Version},
		{"MM_BIN", s.Mattermost.Bin},
		{"MM_STATE_DIR", s.Dir},
		{"MM_SERVER_DIR", s.Mattermost.ServerDir},
		{"MM_LOG", s.LogFile()},
		{"MM_CONFIG", s.ConfigFile()},
		{"PG_PORT", strconv.Itoa(s.Postgres.Port)},
		{"PG_DATA", s.DataDir()},
		{"PG_BIN", s.Postgres.Bin},
		{"PG_DATABASE", s.Postgres.Database},
		{"PG_USER", s.Postgres.User},
		{"PG_PASSWORD", s.Postgres.Password},
		{"PG_DSN", s.DSN()},
	}
}

// ShellEnv renders Env as a file a POSIX shell can source.
func (s *State) ShellEnv() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# matterctl sandbox %s; source it: eval \"$(go run ./e2e/cmd/sandbox env %s)\"\n",
		ShellQuote(s.Dir), ShellQuote(s.Dir))
	for _, v := range s.Env() {
		fmt.Fprintf(&b, "export %s=%s\n", v.Key, ShellQuote(v.Value))
	}
	return b.String()
}

// ShellQuote quotes s for a POSIX shell: unchanged when it has only characters no shell treats
// specially, otherwise in single quotes.
func ShellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// ReadState reads STATE_DIR/state.json. A directory without one gives an error wrapping
// os.ErrNotExist.
func ReadState(dir string) (*State, error) {
	path := filepath.Join(dir, StateFile)
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			if _, legacy := os.Stat(filepath.Join(dir, "env.json")); legacy == nil {
				return nil, fmt.Errorf("%s has no %s but an env.json: it was started by the former scripts/sandbox.sh; stop its processes (MM_PID in env.json, the postmaster in PG_DATA) and start it anew: %w", dir, StateFile, err)
			}
			return nil, fmt.Errorf("no sandbox in %s (no %s): %w", dir, StateFile, err)
		}
		return nil, err
	}
	var st State
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if st.Format != stateFormat {
		return nil, fmt.Errorf("%s: format %d, this harness reads %d; destroy the sandbox and start it again", path, st.Format, stateFormat)
	}
	return &st, nil
}

// writeState replaces STATE_DIR/state.json atomically (a reader or a crash sees the old file or
// the new one, never half of one), mode 0600.
func writeState(st *State) (err error) {
	st.Format = stateFormat
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	tmp, err := os.CreateTemp(st.Dir, "."+StateFile+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing sandbox state: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("writing sandbox state: %w", err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing sandbox state: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing sandbox state: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing sandbox state: %w", err)
	}
	if err = os.Rename(tmp.Name(), filepath.Join(st.Dir, StateFile)); err != nil {
		return fmt.Errorf("writing sandbox state: %w", err)
	}
	return nil
}
