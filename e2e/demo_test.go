//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matterctl/matterctl/e2e/harness"
)

// productionConfig is an admin's own matterctl config, with a current profile the demo must
// leave alone.
const productionConfig = `{
  "version": 1,
  "current": "prod",
  "profiles": {
    "prod": {
      "name": "prod",
      "url": "https://mm.example.com",
      "username": "admin",
      "auth_method": "token",
      "token": "prod-token-never-replaced"
    }
  }
}
`

// TestDemoKeepsToItsOwnConfig runs `sandbox demo`, what `make demo` runs, against the running
// sandbox with a home directory of its own. The user's matterctl config must come out byte for
// byte as it was (and not be created when there was none), credentials in the environment must
// not be used, and no password or token may be printed: the demo's profile lives in the
// sandbox's state directory.
func TestDemoKeepsToItsOwnConfig(t *testing.T) {
	demoConfig := filepath.Join(srv.StateDir, "matterctl.json")
	if _, err := os.Stat(demoConfig); errors.Is(err, os.ErrNotExist) {
		t.Cleanup(func() {
			_ = os.Remove(demoConfig)
			_ = os.Remove(demoConfig + ".lock")
		})
	}

	tests := []struct {
		name string
		// setup writes the user's files into home and returns the environment of the run
		// and the user's config file ("" when there is none to keep).
		setup func(t *testing.T, home string) (env []string, userConfig string)
		// wantOut are lines the closing text must hold.
		wantOut []string
	}{
		{
			name: "XDG config with a current profile",
			setup: func(t *testing.T, home string) ([]string, string) {
				xdg := filepath.Join(home, "xdg")
				return []string{"XDG_CONFIG_HOME=" + xdg}, writeUserConfig(t, filepath.Join(xdg, "matterctl", "config.json"))
			},
		},
		{
			name: "MATTERCTL_CONFIG names the user's config",
			setup: func(t *testing.T, home string) ([]string, string) {
				mine := writeUserConfig(t, filepath.Join(home, "mine", "matterctl.json"))
				return []string{"MATTERCTL_CONFIG=" + mine}, mine
			},
		},
		{
			name: "no config, CI credentials in the environment",
			setup: func(t *testing.T, home string) ([]string, string) {
				// Were the demo to use these, its commands would fail: nothing listens on port 9.
				return []string{"MATTERCTL_URL=http://127.0.0.1:9", "MATTERCTL_TOKEN=ci-token", "MATTERCTL_SERVER=prod"}, ""
			},
			wantOut: []string{"unset MATTERCTL_URL MATTERCTL_TOKEN MATTERCTL_SERVER"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			env, userConfig := tt.setup(t, home)
			before := snapshot(t, home)

			r := runDemo(t, append([]string{"HOME=" + home}, env...))
			expectCode(t, r, 0)

			if after := snapshot(t, home); !equalSnapshots(before, after) {
				t.Errorf("the demo changed the home directory:\nbefore %v\nafter  %v", keys(before), keys(after))
			}
			if userConfig != "" {
				// Its content is not shown: it may now hold the sandbox's token.
				if got, err := os.ReadFile(userConfig); err != nil || string(got) != productionConfig {
					t.Errorf("the user's config %s changed (%v)", userConfig, err)
				}
			}

			// The demo's own credentials file holds the sandbox profile, as the current one.
			info, err := os.Stat(demoConfig)
			if err != nil {
				t.Fatalf("the demo's config: %v", err)
			}
			if info.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %04o, want 0600", demoConfig, info.Mode().Perm())
			}
			data, err := os.ReadFile(demoConfig)
			if err != nil {
				t.Fatal(err)
			}
			var file struct {
				Current  string `json:"current"`
				Profiles map[string]struct {
					URL   string `json:"url"`
					Token string `json:"token"`
				} `json:"profiles"`
			}
			if err := json.Unmarshal(data, &file); err != nil {
				t.Fatalf("%s: %v", demoConfig, err)
			}
			sandbox, ok := file.Profiles["sandbox"]
			if file.Current != "sandbox" || !ok || sandbox.URL != srv.URL || sandbox.Token == "" {
				t.Errorf("the demo's config: current %q, profiles %v", file.Current, keys(file.Profiles))
			}

			secrets := append(sandboxSecrets(t), sandbox.Token, "prod-token-never-replaced", "ci-token")
			noSecrets(t, r, secrets...)

			for _, want := range append([]string{
				"export MATTERCTL_CONFIG=" + demoConfig,
				"passwords in " + filepath.Join(srv.StateDir, harness.StateFile),
			}, tt.wantOut...) {
				if !strings.Contains(r.Stdout, want) {
					t.Errorf("stdout does not say %q:\n%s", want, clip(r.Stdout))
				}
			}
			// The tour shows every command group, a --dry-run, and JSON piped to jq (or, without
			// jq, the same filter through --jq).
			for _, group := range commandGroups(t) {
				if !strings.Contains(r.Stdout, "$ matterctl "+group+" ") && !strings.Contains(r.Stdout, "$ matterctl --server sandbox "+group+" ") &&
					!strings.Contains(r.Stdout, "$ matterctl "+group+"\n") {
					t.Errorf("the tour does not show the %s group:\n%s", group, clip(r.Stdout))
				}
			}
			for _, want := range []string{" --dry-run\n", " --json | jq -r "} {
				if _, err := exec.LookPath("jq"); err != nil && want == " --json | jq -r " {
					want = " --json --jq "
				}
				if !strings.Contains(r.Stdout, want) {
					t.Errorf("the tour does not show %q:\n%s", want, clip(r.Stdout))
				}
			}
		})
	}
}

// commandGroups lists matterctl's command groups as its help does.
func commandGroups(t *testing.T) []string {
	t.Helper()
	help := newCLI(t).mustRun("", "--help").Stdout
	var groups []string
	in := false
	for _, line := range strings.Split(help, "\n") {
		switch {
		case line == "":
			in = false
		case !strings.HasPrefix(line, " "):
			in = line == "Commands:" || line == "Available Commands:"
		case in:
			groups = append(groups, strings.Fields(line)[0])
		}
	}
	if len(groups) < 5 {
		t.Fatalf("found only %v in matterctl --help", groups)
	}
	return groups
}

// TestSandboxStartPrintsNoSecrets: `sandbox start` prints the path of the state file that holds
// the passwords, never the passwords (its output may end up in a CI log). The sandbox is
// running, so this takes the already-running path.
func TestSandboxStartPrintsNoSecrets(t *testing.T) {
	r := runSandbox(t, nil, "start", srv.StateDir)
	expectCode(t, r, 0)
	noSecrets(t, r, sandboxSecrets(t)...)
	if want := filepath.Join(srv.StateDir, harness.StateFile) + "\n"; r.Stdout != want {
		t.Errorf("stdout = %q, want %q", r.Stdout, want)
	}
	if info, err := os.Stat(filepath.Join(srv.StateDir, harness.StateFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("the state file: %v %v, want mode 0600", info, err)
	}
}

// runDemo runs `sandbox demo` on the running sandbox's state directory with matterctl under
// test, in a clean environment plus env.
func runDemo(t *testing.T, env []string) result {
	t.Helper()
	r := runSandbox(t, env, "demo", srv.StateDir, bin)
	// The demo's matterctl runs print through it; its profile's token joins the secrets.
	recordRun([]string{"(sandbox demo)"}, "", r.Stdout, r.Stderr, filepath.Join(srv.StateDir, "matterctl.json"))
	return r
}

var (
	sandboxOnce sync.Once
	sandboxBin  string
	sandboxErr  error
)

// runSandbox runs the sandbox command (built once) in a clean environment plus env.
func runSandbox(t *testing.T, env []string, args ...string) result {
	t.Helper()
	root, err := harness.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	sandboxOnce.Do(func() {
		dir, err := os.MkdirTemp("", "matterctl-sandbox-bin-")
		if err != nil {
			sandboxErr = err
			return
		}
		sandboxBin = filepath.Join(dir, "sandbox")
		build := exec.Command("go", "build", "-o", sandboxBin, "./e2e/cmd/sandbox")
		build.Dir = root
		out, err := build.CombinedOutput()
		if err != nil {
			sandboxErr = errors.New("building e2e/cmd/sandbox: " + err.Error() + "\n" + string(out))
		}
	})
	if sandboxErr != nil {
		t.Fatal(sandboxErr)
	}
	var clean []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "MATTERCTL_") || k == "HOME" || k == "XDG_CONFIG_HOME" || k == "NO_COLOR" {
			continue
		}
		clean = append(clean, kv)
	}
	// Should the command need to start the server, it must find the cached build, not the
	// test's empty home.
	cache := os.Getenv("MATTERCTL_E2E_CACHE")
	if cache == "" {
		base := os.Getenv("XDG_CACHE_HOME")
		if base == "" {
			home, _ := os.UserHomeDir()
			base = filepath.Join(home, ".cache")
		}
		cache = filepath.Join(base, "matterctl-e2e")
	}
	clean = append(clean, "MATTERCTL_E2E_CACHE="+cache)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, sandboxBin, args...)
	cmd.Dir = root
	cmd.Env = append(clean, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Run()
	code := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		code = exitErr.ExitCode()
	case err != nil && !errors.Is(err, exec.ErrWaitDelay):
		t.Fatalf("running sandbox %s: %v", strings.Join(args, " "), err)
	}
	return result{Stdout: out.String(), Stderr: errOut.String(), Code: code}
}

// writeUserConfig writes productionConfig to path (mode 0600 in a 0700 directory, as matterctl
// does) and returns path.
func writeUserConfig(t *testing.T, path string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(productionConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// sandboxSecrets are the passwords of the running sandbox, from its state file: the admin's,
// the database user's and the database superuser's.
func sandboxSecrets(t *testing.T) []string {
	t.Helper()
	st, err := srv.State()
	if err != nil {
		t.Fatal(err)
	}
	secrets := st.Secrets()
	for _, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("a sandbox secret is missing or too short to search for")
		}
	}
	return secrets
}

// snapshot maps every path under dir to its mode and content.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		entry := info.Mode().String()
		if d.Type().IsRegular() {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			entry += " " + string(b)
		}
		files[path] = entry
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func equalSnapshots(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
