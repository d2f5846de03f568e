package harness

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// stateLockTimeout bounds the wait for another command on the same sandbox: a start that
// holds the lock may be building the server, which takes minutes the first time.
const stateLockTimeout = 30 * time.Minute

// maxSocketPath keeps the local-mode socket's path within sun_path (108 bytes on Linux).
const maxSocketPath = 100

// sandbox is one command's work on one state directory.
type sandbox struct {
	dir  string
	opts Options
	pr   *progress
	pg   pgAccount
	st   *State

	egress     *EgressWatch
	egressSeen []string
}

// resolveDir makes stateDir absolute and free of symlinks (PostgreSQL and the socket need the
// real path).
func resolveDir(stateDir string) (string, error) {
	if stateDir == "" {
		return "", errors.New("no sandbox directory given")
	}
	abs, err := filepath.Abs(stateDir)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	return abs, nil
}

func (sb *sandbox) lock(ctx context.Context) (func(), error) {
	return lockFile(ctx, filepath.Join(sb.dir, ".lock"), stateLockTimeout, "another sandbox command on "+sb.dir)
}

// StartContext starts PostgreSQL and Mattermost for stateDir, creating the directory, the
// database and the admin the first time, and returns the server. A sandbox that already runs
// is returned as it is; one whose processes died (a reboot, a kill) is started again on its
// data.
func StartContext(ctx context.Context, stateDir string, opts Options) (*Server, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(stateDir)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); errors.Is(err, os.ErrNotExist) {
		// 0755: PostgreSQL may run as another user and must be able to enter it.
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return nil, err
		}
		if err := os.Chmod(abs, 0o755); err != nil {
			return nil, err
		}
	}
	dir, err := resolveDir(abs)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, markerFile), nil, 0o644); err != nil {
		return nil, err
	}
	sb := &sandbox{dir: dir, opts: opts, pr: newProgress(opts.Log)}
	unlock, err := sb.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := sb.start(ctx); err != nil {
		return nil, err
	}
	return serverFromState(sb.st), nil
}

func (sb *sandbox) start(ctx context.Context) (err error) {
	st, err := ReadState(sb.dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if st != nil && st.Mattermost.Process.Alive() && st.Postgres.Process.Alive() &&
		ping(ctx, &http.Client{Timeout: 5 * time.Second}, st.URL()) {
		sb.st = st
		sb.pr.Logf("already running: %s (pid %d)", st.URL(), st.Mattermost.Process.PID)
		return nil
	}
	started := time.Now()

	pgBin, err := sb.ensurePostgres(ctx)
	if err != nil {
		return err
	}
	if sb.pg, err = postgresAccount(); err != nil {
		return err
	}
	bin, err := build(ctx, sb.opts, sb.pr)
	if err != nil {
		return err
	}
	if st == nil {
		if st, err = sb.newState(ctx); err != nil {
			return err
		}
	} else if err := sb.reuseState(st); err != nil {
		return err
	}
	st.Mattermost.Version, st.Mattermost.Module, st.Mattermost.Bin = bin.Version, bin.Module, bin.Bin()
	st.Postgres.Bin = pgBin
	if err := writeState(st); err != nil {
		return err
	}

	// From here on, a failure stops whatever this start launched; the state stays.
	defer func() {
		if err == nil {
			return
		}
		sb.pr.Logf("start failed; stopping what was started (the state stays in %s)", sb.dir)
		if sb.egress != nil {
			sb.egress.Stop()
		}
		_ = sb.stopMattermost()
		_ = sb.stopPostgres(context.WithoutCancel(ctx))
		_ = writeState(st)
	}()
	if st.Postgres.Port == st.Mattermost.Port {
		return fmt.Errorf("PostgreSQL and Mattermost cannot share port %d", st.Mattermost.Port)
	}
	if !portFree(st.Mattermost.Port) {
		return fmt.Errorf("port 127.0.0.1:%d (Mattermost) is already in use", st.Mattermost.Port)
	}
	if !st.Postgres.Process.Alive() && !portFree(st.Postgres.Port) {
		return fmt.Errorf("port 127.0.0.1:%d (PostgreSQL) is already in use", st.Postgres.Port)
	}

	if err := sb.initPostgres(ctx); err != nil {
		return err
	}
	if err := sb.startPostgres(ctx); err != nil {
		return err
	}
	if err := setupServerDir(st, bin.Dir); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		err := sb.startMattermost(ctx)
		if errors.Is(err, errPortTaken) && attempt < 3 && sb.opts.MattermostPort == 0 {
			port, perr := freePort(st.Postgres.Port)
			if perr != nil {
				return perr
			}
			sb.pr.Logf("port %d was taken meanwhile; Mattermost tries %d", st.Mattermost.Port, port)
			st.Mattermost.Port = port
			continue
		}
		if errors.Is(err, errPortTaken) {
			return fmt.Errorf("port 127.0.0.1:%d (Mattermost) is already in use", st.Mattermost.Port)
		}
		if err != nil {
			return err
		}
		break
	}
	if err := sb.ensureAdmin(ctx); err != nil {
		return err
	}
	st.EgressAtStart = append(sb.egressSeen, sb.egress.Stop()...)
	if err := writeState(st); err != nil {
		return err
	}
	for _, c := range st.EgressAtStart {
		sb.pr.Logf("WARNING: the server connected off loopback while starting: %s", c)
	}
	sb.pr.Logf("ready in %s: %s (admin %s, local socket %s)", round(time.Since(started)), st.URL(), st.Admin.Username, st.Mattermost.Socket)
	sb.pr.Logf("kept for next time: the server in %s, this sandbox's database in %s; passwords in %s",
		bin.Dir, filepath.Join(sb.dir, "pg"), filepath.Join(sb.dir, StateFile))
	return nil
}

// newState chooses everything a new sandbox needs: passwords, places, free ports.
func (sb *sandbox) newState(ctx context.Context) (*State, error) {
	st := &State{
		Dir:   sb.dir,
		Admin: AdminState{Username: sb.opts.AdminUser, Password: sb.opts.AdminPassword, Email: sb.opts.AdminEmail},
		Postgres: PostgresState{
			Database: pgDatabase, User: pgUser, Password: randomHex(), SuperPassword: randomHex(),
		},
		Mattermost: MattermostState{ServerDir: filepath.Join(sb.dir, "server")},
	}
	sb.st = st
	var err error
	if st.Postgres.Root, err = sb.setupPostgresRoot(ctx); err != nil {
		return nil, err
	}
	st.Mattermost.Socket = filepath.Join(sb.dir, "mattermost_local.socket")
	if len(st.Mattermost.Socket) > maxSocketPath {
		if st.Mattermost.SocketDir, err = os.MkdirTemp("", "matterctl-mm."); err != nil {
			return nil, err
		}
		st.Mattermost.Socket = filepath.Join(st.Mattermost.SocketDir, "mattermost_local.socket")
	}
	if st.Postgres.Port = sb.opts.PostgresPort; st.Postgres.Port == 0 {
		if st.Postgres.Port, err = freePort(); err != nil {
			return nil, err
		}
	}
	if st.Mattermost.Port = sb.opts.MattermostPort; st.Mattermost.Port == 0 {
		if st.Mattermost.Port, err = freePort(st.Postgres.Port); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// reuseState prepares a stopped (or half-running) sandbox for a new start on its data.
func (sb *sandbox) reuseState(st *State) error {
	sb.st = st
	if _, err := os.Stat(st.Postgres.Root); err != nil {
		return fmt.Errorf("the sandbox's database directory %s has vanished; destroy the sandbox and start again", st.Postgres.Root)
	}
	if st.Mattermost.Process.Alive() { // alive but not answering, or its database is gone
		if err := sb.stopMattermost(); err != nil {
			return err
		}
	}
	if st.Mattermost.SocketDir != "" {
		if err := os.MkdirAll(st.Mattermost.SocketDir, 0o700); err != nil {
			return err
		}
	}
	var err error
	switch {
	case sb.opts.PostgresPort != 0:
		st.Postgres.Port = sb.opts.PostgresPort
	case !st.Postgres.Process.Alive() && !portFree(st.Postgres.Port):
		if st.Postgres.Port, err = freePort(st.Mattermost.Port); err != nil {
			return err
		}
		sb.pr.Logf("the previous PostgreSQL port is busy; using %d", st.Postgres.Port)
	}
	switch {
	case sb.opts.MattermostPort != 0:
		st.Mattermost.Port = sb.opts.MattermostPort
	case !portFree(st.Mattermost.Port):
		if st.Mattermost.Port, err = freePort(st.Postgres.Port); err != nil {
			return err
		}
		sb.pr.Logf("the previous Mattermost port is busy; using %d", st.Mattermost.Port)
	}
	return nil
}

func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails on Linux
	return hex.EncodeToString(b)
}

// ensureAdmin makes sure the admin exists and is a system admin: it logs in, creates the user
// when that fails (the server's first user becomes a system admin), and otherwise promotes it
// through the local-mode socket.
func (sb *sandbox) ensureAdmin(ctx context.Context) error {
	st := sb.st
	ph := sb.pr.Phase("create the admin")
	srv := serverFromState(st)
	tok, err := srv.Login(ctx, st.Admin.Username, st.Admin.Password)
	if err != nil {
		resp, body, err := srv.API(ctx, http.MethodPost, "/api/v4/users", map[string]string{
			"username": st.Admin.Username, "email": st.Admin.Email, "password": st.Admin.Password,
		}, "")
		if err != nil {
			ph.Fail()
			return err
		}
		if resp.StatusCode != http.StatusCreated {
			ph.Fail()
			return fmt.Errorf("creating the admin %q: HTTP %d: %s", st.Admin.Username, resp.StatusCode, trim(body))
		}
		if tok, err = srv.Login(ctx, st.Admin.Username, st.Admin.Password); err != nil {
			ph.Fail()
			return err
		}
	}
	resp, body, err := srv.API(ctx, http.MethodGet, "/api/v4/users/me", nil, tok)
	if err != nil || resp.StatusCode != http.StatusOK {
		ph.Fail()
		return fmt.Errorf("GET /api/v4/users/me as the admin: %v %s", err, trim(body))
	}
	var me struct{ ID, Roles string }
	if err := json.Unmarshal(body, &me); err != nil {
		ph.Fail()
		return fmt.Errorf("GET /api/v4/users/me: %w", err)
	}
	if !strings.Contains(" "+me.Roles+" ", " system_admin ") {
		// Not the server's first user (someone signed up first).
		local := localClient(st.Mattermost.Socket)
		req, _ := http.NewRequestWithContext(ctx, http.MethodPut, "http://_/api/v4/users/"+me.ID+"/roles",
			strings.NewReader(`{"roles":"system_user system_admin"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := local.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("HTTP %d", resp.StatusCode)
			}
		}
		if err != nil {
			ph.Fail()
			return fmt.Errorf("making %q a system admin through the local-mode socket: %w", st.Admin.Username, err)
		}
		ph.Done("%s promoted to system admin", st.Admin.Username)
		return nil
	}
	ph.Done("%s", st.Admin.Username)
	return nil
}

// localClient talks to the server's local-mode socket, where requests need no credentials.
func localClient(socket string) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", socket)
		},
	}}
}

// StopContext stops Mattermost and PostgreSQL of stateDir, keeping the data (a later start
// resumes it). Nothing running, a sandbox whose processes died, or no sandbox at all is not
// an error.
func StopContext(ctx context.Context, stateDir string, opts Options) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	dir, err := resolveDir(stateDir)
	if err != nil {
		return err
	}
	pr := newProgress(opts.Log)
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		pr.Logf("no sandbox at %s (nothing to stop)", dir)
		return nil
	}
	sb := &sandbox{dir: dir, opts: opts, pr: pr}
	unlock, err := sb.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	return sb.stop(ctx)
}

func (sb *sandbox) stop(ctx context.Context) error {
	st, err := ReadState(sb.dir)
	if errors.Is(err, os.ErrNotExist) {
		sb.pr.Logf("no sandbox state in %s (nothing to stop)", sb.dir)
		return nil
	}
	if err != nil {
		return err
	}
	sb.st = st
	mmErr := sb.stopMattermost()
	pgErr := sb.stopPostgres(ctx)
	if err := writeState(st); err != nil {
		return err
	}
	if err := errors.Join(mmErr, pgErr); err != nil {
		return err
	}
	sb.pr.Logf("stopped %s", sb.dir)
	return nil
}

// DestroyContext stops the sandbox of stateDir and deletes its directory, and the directories
// it made outside it (a cluster in /tmp, a socket directory). It refuses a directory that is
// not a sandbox's.
func DestroyContext(ctx context.Context, stateDir string, opts Options) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	dir, err := resolveDir(stateDir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, markerFile)); err != nil {
		return fmt.Errorf("%s does not look like a sandbox directory (no %s): not deleting it", dir, markerFile)
	}
	pr := newProgress(opts.Log)
	sb := &sandbox{dir: dir, opts: opts, pr: pr}
	unlock, err := sb.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	if err := sb.stop(ctx); err != nil {
		return err
	}
	tmp := os.TempDir()
	outside := func(path, prefix string) bool {
		return path != "" && filepath.Dir(path) == tmp && strings.HasPrefix(filepath.Base(path), prefix)
	}
	if root, err := os.Readlink(filepath.Join(dir, "pg")); err == nil && outside(root, "matterctl-pg.") {
		_ = os.RemoveAll(root)
	}
	if st, err := ReadState(dir); err == nil && outside(st.Mattermost.SocketDir, "matterctl-mm.") {
		_ = os.RemoveAll(st.Mattermost.SocketDir)
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	pr.Logf("destroyed %s", dir)
	return nil
}

// Status describes a sandbox: Running when both processes run and the server answers.
type Status struct {
	State      *State
	Running    bool
	Mattermost string // "running (pid 123, ping OK)", "stopped", ...
	Postgres   string
}

// GetStatus reports on the sandbox of stateDir without changing anything. A directory with no
// sandbox gives an error wrapping os.ErrNotExist.
func GetStatus(ctx context.Context, stateDir string) (*Status, error) {
	dir, err := resolveDir(stateDir)
	if err != nil {
		return nil, err
	}
	st, err := ReadState(dir)
	if err != nil {
		return nil, err
	}
	s := &Status{State: st, Mattermost: "stopped", Postgres: "stopped"}
	mmUp := false
	if p := st.Mattermost.Process; p.Alive() {
		if ping(ctx, &http.Client{Timeout: 5 * time.Second}, st.URL()) {
			s.Mattermost = fmt.Sprintf("running (pid %d, ping OK)", p.PID)
			mmUp = true
		} else {
			s.Mattermost = fmt.Sprintf("process %d alive but not answering its ping", p.PID)
		}
	}
	pgUp := false
	if p := st.Postgres.Process; p.Alive() {
		s.Postgres = fmt.Sprintf("running (pid %d)", p.PID)
		pgUp = true
	} else if p, ok := runningPostmaster(st.DataDir()); ok {
		s.Postgres = fmt.Sprintf("running (pid %d) but not recorded: stop or start the sandbox", p.PID)
	}
	s.Running = mmUp && pgUp
	return s, nil
}
