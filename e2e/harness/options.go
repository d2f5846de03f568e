package harness

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Options tune the sandbox. OptionsFromEnv fills them from the environment; zero values take
// the defaults.
type Options struct {
	RepoRoot string    // the matterctl checkout, for building the server; default RepoRoot()
	CacheDir string    // root of the server binary cache; default defaultCacheDir()
	Log      io.Writer // progress and messages; nil discards them

	AdminUser     string // default admin
	AdminPassword string // default Admin-Passw0rd!
	AdminEmail    string // default admin@example.com

	// StartTimeout bounds the wait for the server to answer its ping once launched.
	StartTimeout time.Duration // default 180s
	// MattermostPort and PostgresPort fix the ports; 0 lets the kernel choose free ones.
	MattermostPort, PostgresPort int
	// NoApt forbids installing PostgreSQL with apt-get when it is missing.
	NoApt bool
	// ServerEnv adds MM_* variables (KEY=VALUE) to the server's environment: settings that
	// only config.json or the environment can change (PluginSettings.EnableUploads), forced for
	// this start. Later ones win over the sandbox's own.
	ServerEnv []string
}

// OptionsFromEnv reads the harness's tunables from the environment, with progress on stderr:
//
//	MATTERCTL_E2E_CACHE                  server binary cache root (default $XDG_CACHE_HOME/matterctl-e2e)
//	MATTERCTL_SANDBOX_ADMIN_USER         admin (default admin)
//	MATTERCTL_SANDBOX_ADMIN_PASSWORD     (default Admin-Passw0rd!)
//	MATTERCTL_SANDBOX_ADMIN_EMAIL        (default admin@example.com)
//	MATTERCTL_SANDBOX_START_TIMEOUT      seconds to wait for the server's ping (default 180)
//	MATTERCTL_SANDBOX_MM_PORT, MATTERCTL_SANDBOX_PG_PORT   fixed ports (default: free ones)
//	MATTERCTL_SANDBOX_NO_APT=1           never run apt-get
//	MATTERCTL_REPO_ROOT                  the checkout (default: found from the working directory)
func OptionsFromEnv() Options {
	o := Options{
		RepoRoot:      os.Getenv("MATTERCTL_REPO_ROOT"),
		CacheDir:      os.Getenv("MATTERCTL_E2E_CACHE"),
		Log:           os.Stderr,
		AdminUser:     os.Getenv("MATTERCTL_SANDBOX_ADMIN_USER"),
		AdminPassword: os.Getenv("MATTERCTL_SANDBOX_ADMIN_PASSWORD"),
		AdminEmail:    os.Getenv("MATTERCTL_SANDBOX_ADMIN_EMAIL"),
		NoApt:         os.Getenv("MATTERCTL_SANDBOX_NO_APT") == "1",
	}
	if s, err := strconv.Atoi(os.Getenv("MATTERCTL_SANDBOX_START_TIMEOUT")); err == nil && s > 0 {
		o.StartTimeout = time.Duration(s) * time.Second
	}
	o.MattermostPort, _ = strconv.Atoi(os.Getenv("MATTERCTL_SANDBOX_MM_PORT"))
	o.PostgresPort, _ = strconv.Atoi(os.Getenv("MATTERCTL_SANDBOX_PG_PORT"))
	return o
}

func (o Options) withDefaults() (Options, error) {
	if o.CacheDir == "" {
		o.CacheDir = defaultCacheDir()
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.AdminUser == "" {
		o.AdminUser = "admin"
	}
	if o.AdminPassword == "" {
		o.AdminPassword = "Admin-Passw0rd!"
	}
	if o.AdminEmail == "" {
		o.AdminEmail = "admin@example.com"
	}
	if o.StartTimeout <= 0 {
		o.StartTimeout = 180 * time.Second
	}
	for _, kv := range o.ServerEnv {
		if k, _, ok := strings.Cut(kv, "="); !ok || !strings.HasPrefix(k, "MM_") {
			return o, fmt.Errorf("harness: ServerEnv %q: want MM_NAME=VALUE", kv)
		}
	}
	return o, nil
}

// defaultCacheDir is $XDG_CACHE_HOME/matterctl-e2e, else ~/.cache/matterctl-e2e.
func defaultCacheDir() string {
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			home = os.TempDir()
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "matterctl-e2e")
}

// command prepares a child process in a process group of its own: a Ctrl-C at the terminal
// does not reach it, and cancelling ctx kills the whole group (go build's compilers too).
func command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 10 * time.Second
	return cmd
}
