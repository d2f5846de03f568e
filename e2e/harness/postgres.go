package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	pgDatabase = "mattermost"
	pgUser     = "mmuser"
	debianPG   = "/usr/lib/postgresql"
	aptLock    = "/var/lock/matterctl-sandbox-apt.lock"
	// pgConfMarker opens the settings the harness appends to postgresql.conf.
	pgConfMarker = "# --- matterctl sandbox ---"
)

var pgTools = []string{"pg_ctl", "initdb", "postgres", "psql"}

// findPostgres returns the directory holding PostgreSQL's server programs: the one of pg_ctl
// on PATH, else the newest /usr/lib/postgresql/N/bin (Debian and Ubuntu keep them there).
func findPostgres() (string, bool) {
	has := func(dir string) bool {
		for _, t := range pgTools {
			if fi, err := os.Stat(filepath.Join(dir, t)); err != nil || fi.Mode()&0o111 == 0 {
				return false
			}
		}
		return true
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && has(filepath.Dir(real)) {
			return filepath.Dir(real), true
		}
	}
	dirs, _ := filepath.Glob(filepath.Join(debianPG, "*", "bin"))
	version := func(dir string) int {
		n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
		return n
	}
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if has(d) {
			return d, true
		}
	}
	return "", false
}

// ensurePostgres finds PostgreSQL, installing it with apt-get when it is missing and that is
// possible (root on Debian or Ubuntu), or says in one line how to install it.
func (sb *sandbox) ensurePostgres(ctx context.Context) (string, error) {
	if dir, ok := findPostgres(); ok {
		return dir, nil
	}
	_, aptErr := exec.LookPath("apt-get")
	switch {
	case aptErr != nil:
		return "", errors.New("PostgreSQL not found (no pg_ctl on PATH or in /usr/lib/postgresql/*/bin): install its server package and put pg_ctl, initdb, postgres and psql on PATH")
	case os.Geteuid() != 0:
		return "", errors.New("PostgreSQL not found in /usr/lib/postgresql/*/bin: install it with `sudo apt-get install -y postgresql`")
	case sb.opts.NoApt:
		return "", errors.New("PostgreSQL not found and MATTERCTL_SANDBOX_NO_APT=1: install it with `apt-get install -y postgresql`")
	}
	// Several sandboxes may start at once; one installs.
	unlock, err := lockFile(ctx, aptLock, 20*time.Minute, "another PostgreSQL installation")
	if err != nil {
		return "", err
	}
	defer unlock()
	if dir, ok := findPostgres(); ok {
		return dir, nil
	}
	ph := sb.pr.Phase("install PostgreSQL with apt-get")
	// Output goes to a file: services the package scripts start must not inherit a pipe that
	// someone waits on.
	logPath := filepath.Join(sb.dir, "apt.log")
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		ph.Fail()
		return "", err
	}
	defer log.Close()
	for _, args := range [][]string{
		{"-o", "DPkg::Lock::Timeout=300", "update", "-q"},
		{"-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q", "--no-install-recommends",
			"-o", "Dpkg::Options::=--force-confdef", "-o", "Dpkg::Options::=--force-confold", "postgresql"},
	} {
		ph.Set("apt-get %s", args[2])
		actx, cancel := context.WithTimeout(ctx, 15*time.Minute)
		cmd := command(actx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = log, log
		err := cmd.Run()
		cancel()
		if err != nil {
			ph.Fail()
			data, _ := os.ReadFile(logPath)
			return "", fmt.Errorf("apt-get %s postgresql failed (log %s): %w\n%s", args[2], logPath, err, tail(string(data), 30))
		}
	}
	dir, ok := findPostgres()
	if !ok {
		ph.Fail()
		return "", errors.New("PostgreSQL installed, but no /usr/lib/postgresql/*/bin/pg_ctl found")
	}
	ph.Done("%s", dir)
	return dir, nil
}

// pgAccount is the OS user PostgreSQL runs as: postgres when we are root (it refuses to run as
// root), else ourselves.
type pgAccount struct {
	cred *syscall.Credential // nil: ourselves
	home string
}

func postgresAccount() (pgAccount, error) {
	if os.Geteuid() != 0 {
		home, _ := os.UserHomeDir()
		return pgAccount{home: home}, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return pgAccount{}, errors.New("running as root, but there is no postgres user to run PostgreSQL as (install Debian's postgresql package)")
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return pgAccount{cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, home: u.HomeDir}, nil
}

// command runs a program as the account, from /, in a process group of its own and with a
// clean environment.
func (a pgAccount) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := command(ctx, name, args...)
	cmd.SysProcAttr.Credential = a.cred
	cmd.Dir = "/"
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "HOME=" + a.home}
	return cmd
}

// chown gives path to the account.
func (a pgAccount) chown(path string) error {
	if a.cred == nil {
		return nil
	}
	return os.Chown(path, int(a.cred.Uid), int(a.cred.Gid))
}

// canEnter tells whether the account may create files in dir: the postgres user cannot enter
// e.g. the 0700 directories of Go's t.TempDir.
func (a pgAccount) canEnter(ctx context.Context, dir string) bool {
	if a.cred == nil {
		return true
	}
	return a.command(ctx, "test", "-w", dir, "-a", "-x", dir).Run() == nil
}

// setupPostgresRoot chooses the directory of the cluster: STATE_DIR/pg, or, when the
// PostgreSQL user cannot reach it, a directory in /tmp that STATE_DIR/pg links to.
func (sb *sandbox) setupPostgresRoot(ctx context.Context) (string, error) {
	pgdir := filepath.Join(sb.dir, "pg")
	if fi, err := os.Lstat(pgdir); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		root, err := filepath.EvalSymlinks(pgdir)
		if err != nil {
			return "", fmt.Errorf("%s points to a missing directory; destroy the sandbox and start again", pgdir)
		}
		return root, nil
	}
	if err := os.MkdirAll(pgdir, 0o700); err != nil {
		return "", err
	}
	if err := sb.pg.chown(pgdir); err != nil {
		return "", err
	}
	if err := os.Chmod(pgdir, 0o700); err != nil {
		return "", err
	}
	if sb.pg.canEnter(ctx, pgdir) {
		return pgdir, nil
	}
	if err := os.Remove(pgdir); err != nil {
		return "", fmt.Errorf("%s is not accessible to the postgres user and not empty", pgdir)
	}
	root, err := os.MkdirTemp("", "matterctl-pg.")
	if err != nil {
		return "", err
	}
	if err := sb.pg.chown(root); err != nil {
		return "", err
	}
	if err := os.Symlink(root, pgdir); err != nil {
		return "", err
	}
	sb.pr.Logf("the postgres user cannot enter %s: the cluster is in %s (linked from %s)", sb.dir, root, pgdir)
	return root, nil
}

// initPostgres creates the cluster once: password authentication, TCP on loopback only, and
// durability traded for speed (it is a throw-away test database).
func (sb *sandbox) initPostgres(ctx context.Context) error {
	st := sb.st
	data := st.DataDir()
	conf, err := os.ReadFile(filepath.Join(data, "postgresql.conf"))
	if err == nil && bytes.Contains(conf, []byte(pgConfMarker)) {
		return nil
	}
	// Nothing, or half a cluster (an interrupted initdb cannot clean up after SIGKILL).
	if err := os.RemoveAll(data); err != nil {
		return err
	}
	ph := sb.pr.Phase("initialise the database cluster")
	pwfile := filepath.Join(st.Postgres.Root, ".pwfile")
	if err := os.WriteFile(pwfile, []byte(st.Postgres.SuperPassword+"\n"), 0o600); err != nil {
		ph.Fail()
		return err
	}
	defer os.Remove(pwfile)
	if err := sb.pg.chown(pwfile); err != nil {
		ph.Fail()
		return err
	}
	cmd := sb.pg.command(ctx, filepath.Join(st.Postgres.Bin, "initdb"), "-D", data, "-U", "postgres",
		"--pwfile="+pwfile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--no-locale")
	if out, err := sb.logged(cmd, "initdb.log"); err != nil {
		ph.Fail()
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}
	f, err := os.OpenFile(filepath.Join(data, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		ph.Fail()
		return err
	}
	// Written last: the marker says the cluster is complete.
	_, err = f.WriteString(`
` + pgConfMarker + `
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
`)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		ph.Fail()
		return err
	}
	ph.Done("%s", data)
	return nil
}

// logged runs cmd with its output in STATE_DIR/name and returns the end of that output.
func (sb *sandbox) logged(cmd *exec.Cmd, name string) (string, error) {
	f, err := os.OpenFile(filepath.Join(sb.dir, name), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return "", err
	}
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	runErr := cmd.Run()
	if runErr == nil {
		return "", nil
	}
	data, _ := os.ReadFile(f.Name())
	return tail(string(data), 30), runErr
}

// startPostgres starts the postmaster (pg_ctl makes it a session leader: a group of its own)
// and creates the server's role and database once.
func (sb *sandbox) startPostgres(ctx context.Context) error {
	st := sb.st
	if st.Postgres.Process.Alive() {
		sb.pr.Logf("PostgreSQL already running (port %d)", st.Postgres.Port)
		return nil
	}
	pidFile := filepath.Join(st.DataDir(), "postmaster.pid")
	if sb.pg.command(ctx, filepath.Join(st.Postgres.Bin, "pg_ctl"), "status", "-D", st.DataDir()).Run() == nil {
		// Running, but not recorded (a start interrupted after launching it): adopt it.
		if err := sb.adoptPostmaster(pidFile); err != nil {
			return err
		}
		sb.pr.Logf("PostgreSQL already running (pid %d, port %d)", st.Postgres.Process.PID, st.Postgres.Port)
		return sb.createDatabase(ctx)
	}
	// pg_ctl says not running: a postmaster.pid left by a crash or a kill is stale.
	_ = os.Remove(pidFile)
	for attempt := 1; ; attempt++ {
		ph := sb.pr.Phase("start PostgreSQL")
		ph.Set("127.0.0.1:%d", st.Postgres.Port)
		pglog := filepath.Join(st.Postgres.Root, "postgres.log")
		before := fileSize(pglog)
		cmd := sb.pg.command(ctx, filepath.Join(st.Postgres.Bin, "pg_ctl"), "start", "-D", st.DataDir(),
			"-l", pglog, "-w", "-t", "60", "-o", "-p "+strconv.Itoa(st.Postgres.Port))
		out, err := sb.logged(cmd, "pg_ctl.log")
		if err != nil {
			ph.Fail()
			logTail := tailFrom(pglog, before, 30)
			if attempt < 3 && sb.opts.PostgresPort == 0 && strings.Contains(logTail, "already in use") {
				port, perr := freePort(st.Mattermost.Port)
				if perr != nil {
					return perr
				}
				sb.pr.Logf("port %d was taken meanwhile; PostgreSQL tries %d", st.Postgres.Port, port)
				st.Postgres.Port = port
				if err := writeState(st); err != nil {
					return err
				}
				continue
			}
			return fmt.Errorf("PostgreSQL did not start (log %s): %w\n%s\n%s", pglog, err, out, logTail)
		}
		if err := sb.adoptPostmaster(pidFile); err != nil {
			ph.Fail()
			return err
		}
		ph.Done("pid %d, port %d", st.Postgres.Process.PID, st.Postgres.Port)
		break
	}
	return sb.createDatabase(ctx)
}

// adoptPostmaster records the running postmaster of postmaster.pid (line 1 its PID, line 4
// its port) in the state.
func (sb *sandbox) adoptPostmaster(pidFile string) error {
	data, err := os.ReadFile(pidFile)
	if err != nil {
		return fmt.Errorf("PostgreSQL runs, but: %w", err)
	}
	lines := strings.Split(string(data), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(lines[0]))
	p, err := processOf(pid)
	if err != nil {
		return fmt.Errorf("PostgreSQL runs, but its postmaster (pid %d) is not found: %w", pid, err)
	}
	sb.st.Postgres.Process = p
	if len(lines) > 3 {
		if port, err := strconv.Atoi(strings.TrimSpace(lines[3])); err == nil {
			sb.st.Postgres.Port = port
		}
	}
	return writeState(sb.st)
}

func (sb *sandbox) createDatabase(ctx context.Context) error {
	st := sb.st
	psql := func(sql string) (string, error) {
		cmd := command(ctx, filepath.Join(st.Postgres.Bin, "psql"), "-X", "-q", "-w", "-tA", "-v", "ON_ERROR_STOP=1",
			"-h", "127.0.0.1", "-p", strconv.Itoa(st.Postgres.Port), "-U", "postgres", "-d", "postgres", "-c", sql)
		// The password goes through the environment, never argv (ps shows argv to everyone).
		cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "PGPASSWORD=" + st.Postgres.SuperPassword, "PGCONNECT_TIMEOUT=10"}
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("psql: %w: %s", err, strings.TrimSpace(errOut.String()))
		}
		return strings.TrimSpace(out.String()), nil
	}
	have, err := psql("SELECT 1 FROM pg_roles WHERE rolname = '" + st.Postgres.User + "'")
	if err != nil {
		return fmt.Errorf("connecting to PostgreSQL on 127.0.0.1:%d: %w", st.Postgres.Port, err)
	}
	if have != "1" {
		if _, err := psql(fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD '%s'", st.Postgres.User, st.Postgres.Password)); err != nil {
			return err
		}
	}
	if have, err = psql("SELECT 1 FROM pg_database WHERE datname = '" + st.Postgres.Database + "'"); err != nil {
		return err
	}
	if have != "1" {
		if _, err := psql(fmt.Sprintf("CREATE DATABASE %s OWNER %s ENCODING 'UTF8' TEMPLATE template0", st.Postgres.Database, st.Postgres.User)); err != nil {
			return err
		}
	}
	return nil
}

// stopPostgres stops the postmaster: pg_ctl's fast shutdown, else an immediate one, else
// SIGKILL to its group.
func (sb *sandbox) stopPostgres(ctx context.Context) error {
	st := sb.st
	p := st.Postgres.Process
	if !p.Alive() {
		// Not recorded, but running: a start interrupted while pg_ctl waited.
		var ok bool
		if p, ok = runningPostmaster(st.DataDir()); !ok {
			st.Postgres.Process = Process{}
			return nil
		}
	}
	if sb.pg.cred == nil && os.Geteuid() == 0 {
		var err error
		if sb.pg, err = postgresAccount(); err != nil {
			return err
		}
	}
	sb.pr.Logf("stopping PostgreSQL (pid %d)", p.PID)
	pgCtl := filepath.Join(st.Postgres.Bin, "pg_ctl")
	for _, mode := range []string{"fast", "immediate"} {
		// pg_ctl returns once postmaster.pid is gone, a moment before the process is.
		if sb.pg.command(ctx, pgCtl, "stop", "-D", st.DataDir(), "-m", mode, "-w", "-t", "30").Run() == nil && waitGone(p, p.PID, 10*time.Second) {
			st.Postgres.Process = Process{}
			return nil
		}
		sb.pr.Logf("PostgreSQL's %s shutdown did not complete", mode)
	}
	if err := p.stop(5 * time.Second); err != nil {
		return err
	}
	st.Postgres.Process = Process{}
	return nil
}

// runningPostmaster returns the postmaster that dataDir's postmaster.pid names, when it runs:
// a postgres process serving that very directory (a stale file may name a recycled PID).
func runningPostmaster(dataDir string) (Process, bool) {
	data, err := os.ReadFile(filepath.Join(dataDir, "postmaster.pid"))
	if err != nil {
		return Process{}, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(data), "\n", 2)[0]))
	if err != nil {
		return Process{}, false
	}
	p, err := processOf(pid)
	if err != nil || !p.Alive() {
		return Process{}, false
	}
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return Process{}, false
	}
	args := strings.Split(strings.TrimRight(string(cmdline), "\x00"), "\x00")
	if !strings.HasSuffix(args[0], "postgres") || !slices.Contains(args, dataDir) {
		return Process{}, false
	}
	return p, true
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// tailFrom returns the last n lines written to path after offset.
func tailFrom(path string, offset int64, n int) string {
	data, err := os.ReadFile(path)
	if err != nil || int64(len(data)) < offset {
		return ""
	}
	return tail(string(data[offset:]), n)
}
