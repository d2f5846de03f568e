package harness

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
)

// ServerModule is the Go module the sandbox's server is built from. Its version is pinned in
// one place, e2e/mmserver/go.mod; the release number (7.8.0) is read from that module's source.
const ServerModule = "github.com/mattermost/mattermost-server/v6"

const serverPackage = ServerModule + "/cmd/mattermost"

// serverAssets are the directories the server reads beside its binary at run time. They are
// copied into the cache, so a later `go clean -modcache` does not break the sandbox.
var serverAssets = []string{"i18n", "templates", "fonts"}

// ServerBinary is a built server in the cache.
type ServerBinary struct {
	Version string // the release, e.g. 7.8.0
	Module  string // module@version, as pinned
	Dir     string // CACHE/mattermost-VERSION: bin/mattermost, i18n, templates, fonts
}

// Bin is the server executable.
func (b *ServerBinary) Bin() string { return filepath.Join(b.Dir, "bin", "mattermost") }

// mmserverDir is the nested module that pins the server.
func mmserverDir(repoRoot string) string { return filepath.Join(repoRoot, "e2e", "mmserver") }

// serverPin returns the version of ServerModule that a go.mod requires.
func serverPin(gomod []byte) (string, error) {
	f, err := modfile.ParseLax("go.mod", gomod, nil)
	if err != nil {
		return "", err
	}
	for _, r := range f.Require {
		if r.Mod.Path == ServerModule {
			return r.Mod.Version, nil
		}
	}
	return "", fmt.Errorf("go.mod does not require %s", ServerModule)
}

// serverVersionFromSource reads the release number from the server's model/version.go: the
// first entry of its versions list, which the server reports as its own version.
func serverVersionFromSource(src []byte) (string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "version.go", src, 0)
	if err != nil {
		return "", err
	}
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.VAR {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if name.Name != "versions" || i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.CompositeLit); ok && len(lit.Elts) > 0 {
					if s, ok := lit.Elts[0].(*ast.BasicLit); ok && s.Kind == token.STRING {
						return strconv.Unquote(s.Value)
					}
				}
			}
		}
	}
	return "", errors.New("no versions list in model/version.go")
}

// buildStamp fingerprints the pinned module set: the cached server is rebuilt when it changes.
// (The same hash as `cat go.mod go.sum | sha256sum`, so caches built before keep working.)
func buildStamp(modDir string) (string, error) {
	h := sha256.New()
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(modDir, name))
		if err != nil {
			return "", err
		}
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// findCachedBuild returns the complete build in cacheRoot made from the module set stamp.
func findCachedBuild(cacheRoot, stamp, pin string) *ServerBinary {
	dirs, _ := filepath.Glob(filepath.Join(cacheRoot, "mattermost-*"))
	for _, dir := range dirs {
		b := &ServerBinary{Version: strings.TrimPrefix(filepath.Base(dir), "mattermost-"), Module: ServerModule + "@" + pin, Dir: dir}
		if b.complete(stamp) {
			return b
		}
	}
	return nil
}

func (b *ServerBinary) complete(stamp string) bool {
	got, err := os.ReadFile(filepath.Join(b.Dir, "stamp"))
	if err != nil || strings.TrimSpace(string(got)) != stamp {
		return false
	}
	if fi, err := os.Stat(b.Bin()); err != nil || fi.Mode()&0o111 == 0 {
		return false
	}
	for _, d := range serverAssets {
		if fi, err := os.Stat(filepath.Join(b.Dir, d)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// Build returns the server binary pinned by e2e/mmserver/go.mod, building it into the cache
// when it is not there yet (the first time: minutes of module download and compile, reported
// as they go).
func Build(ctx context.Context, opts Options) (*ServerBinary, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	return build(ctx, opts, newProgress(opts.Log))
}

func build(ctx context.Context, opts Options, pr *progress) (*ServerBinary, error) {
	if opts.RepoRoot == "" {
		root, err := RepoRoot()
		if err != nil {
			return nil, err
		}
		opts.RepoRoot = root
	}
	modDir := mmserverDir(opts.RepoRoot)
	gomod, err := os.ReadFile(filepath.Join(modDir, "go.mod"))
	if err != nil {
		return nil, err
	}
	pin, err := serverPin(gomod)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(modDir, "go.mod"), err)
	}
	stamp, err := buildStamp(modDir)
	if err != nil {
		return nil, err
	}
	if b := findCachedBuild(opts.CacheDir, stamp, pin); b != nil {
		pr.Logf("reusing the cached Mattermost %s: %s", b.Version, b.Bin())
		return b, nil
	}

	g, err := newGoTool(ctx, modDir)
	if err != nil {
		return nil, err
	}
	pr.Logf("building Mattermost (%s@%s) with %s; the first time this takes minutes", ServerModule, pin, g.version)
	if err := g.download(ctx, pr, gomod); err != nil {
		return nil, err
	}
	srcDir, err := g.output(ctx, "list", "-m", "-f", "{{.Dir}}", ServerModule)
	if err != nil {
		return nil, err
	}
	versionGo, err := os.ReadFile(filepath.Join(srcDir, "model", "version.go"))
	if err != nil {
		return nil, fmt.Errorf("reading the server's version: %w", err)
	}
	version, err := serverVersionFromSource(versionGo)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(srcDir, "model", "version.go"), err)
	}
	b := &ServerBinary{Version: version, Module: ServerModule + "@" + pin, Dir: filepath.Join(opts.CacheDir, "mattermost-"+version)}
	if err := os.MkdirAll(b.Dir, 0o755); err != nil {
		return nil, err
	}
	// Several sandboxes may start at once (the e2e suite's second server, CI jobs): one builds,
	// the others wait and reuse its result.
	unlock, err := lockFile(ctx, filepath.Join(b.Dir, ".build.lock"), time.Hour, "another build of the server")
	if err != nil {
		return nil, err
	}
	defer unlock()
	if b.complete(stamp) {
		pr.Logf("reusing Mattermost %s, built meanwhile by another process: %s", version, b.Bin())
		return b, nil
	}
	leftovers, _ := filepath.Glob(filepath.Join(b.Dir, ".build.*"))
	for _, l := range leftovers { // of interrupted builds: we hold the lock
		if fi, err := os.Stat(l); err == nil && fi.IsDir() {
			_ = os.RemoveAll(l)
		}
	}
	tmp, err := os.MkdirTemp(b.Dir, ".build.")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	if err := g.compile(ctx, pr, filepath.Join(tmp, "mattermost")); err != nil {
		return nil, err
	}
	for _, d := range serverAssets {
		if err := os.CopyFS(filepath.Join(tmp, d), os.DirFS(filepath.Join(srcDir, d))); err != nil {
			return nil, fmt.Errorf("copying the server's %s: %w", d, err)
		}
	}
	if err := os.MkdirAll(filepath.Join(b.Dir, "bin"), 0o755); err != nil {
		return nil, err
	}
	for _, d := range serverAssets {
		if err := os.RemoveAll(filepath.Join(b.Dir, d)); err != nil {
			return nil, err
		}
		if err := os.Rename(filepath.Join(tmp, d), filepath.Join(b.Dir, d)); err != nil {
			return nil, err
		}
	}
	if err := os.Rename(filepath.Join(tmp, "mattermost"), b.Bin()); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(b.Dir, "stamp"), []byte(stamp+"\n"), 0o644); err != nil {
		return nil, err
	}
	pr.Logf("cached for next time: the server binary and its assets in %s (rebuilt only when e2e/mmserver/go.mod or go.sum change; MATTERCTL_E2E_CACHE moves it), the downloaded modules in %s, the compiled packages in %s",
		b.Dir, g.modCache, g.buildCache)
	return b, nil
}

// goTool runs the go command in e2e/mmserver with the settings the server's build needs.
type goTool struct {
	bin, dir   string
	env        []string
	version    string
	modCache   string
	buildCache string
}

func newGoTool(ctx context.Context, modDir string) (*goTool, error) {
	bin, err := exec.LookPath("go")
	if err != nil {
		bin = "/usr/local/go/bin/go"
		if _, statErr := os.Stat(bin); statErr != nil {
			return nil, errors.New("the Go toolchain is needed to build the server: no go on PATH or in /usr/local/go/bin")
		}
	}
	g := &goTool{bin: bin, dir: modDir, env: goBuildEnv(os.Environ())}
	out, err := g.output(ctx, "env", "GOVERSION", "GOMODCACHE", "GOCACHE")
	if err != nil {
		return nil, err
	}
	if lines := strings.Split(out, "\n"); len(lines) == 3 {
		g.version, g.modCache, g.buildCache = lines[0], lines[1], lines[2]
	}
	return g, nil
}

// goBuildEnv is env for building the server. The pseudo-version is unknown to sum.golang.org
// (go.sum pins it), a go.work of the caller must not apply, and an inherited GOFLAGS such as
// -mod=vendor must not break the build.
func goBuildEnv(env []string) []string {
	get := func(k string) string {
		for i := len(env) - 1; i >= 0; i-- {
			if v, ok := strings.CutPrefix(env[i], k+"="); ok {
				return v
			}
		}
		return ""
	}
	join := func(a, sep, b string) string {
		if a == "" {
			return b
		}
		return a + sep + b
	}
	set := map[string]string{
		"GOFLAGS":     join(get("GOFLAGS"), " ", "-mod=readonly -buildvcs=false"),
		"GONOSUMDB":   join(get("GONOSUMDB"), ",", "github.com/mattermost"),
		"GOWORK":      "off",
		"CGO_ENABLED": "0",
	}
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; !ok {
			out = append(out, kv)
		}
	}
	for _, k := range []string{"GOFLAGS", "GONOSUMDB", "GOWORK", "CGO_ENABLED"} {
		out = append(out, k+"="+set[k])
	}
	return out
}

func (g *goTool) cmd(ctx context.Context, args ...string) *exec.Cmd {
	cmd := command(ctx, g.bin, args...)
	cmd.Dir = g.dir
	cmd.Env = g.env
	return cmd
}

func (g *goTool) output(ctx context.Context, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	cmd := g.cmd(ctx, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, tail(errOut.String(), 30))
	}
	return strings.TrimSpace(out.String()), nil
}

// download fetches the modules go.mod requires, reporting how far it got from the module
// cache: first the go.mod files of the module graph (go.sum lists them), then the modules'
// zips.
func (g *goTool) download(ctx context.Context, pr *progress, gomod []byte) error {
	f, err := modfile.ParseLax("go.mod", gomod, nil)
	if err != nil {
		return err
	}
	cached := func(path, version, ext string) string {
		p, err1 := module.EscapePath(path)
		v, err2 := module.EscapeVersion(version)
		if err1 != nil || err2 != nil || g.modCache == "" {
			return ""
		}
		return filepath.Join(g.modCache, "cache", "download", p, "@v", v+ext)
	}
	var zips, mods []string
	for _, r := range f.Require {
		if z := cached(r.Mod.Path, r.Mod.Version, ".zip"); z != "" {
			zips = append(zips, z)
		}
	}
	if gosum, err := os.ReadFile(filepath.Join(g.dir, "go.sum")); err == nil {
		for _, line := range strings.Split(string(gosum), "\n") {
			if fields := strings.Fields(line); len(fields) == 3 {
				if v, ok := strings.CutSuffix(fields[1], "/go.mod"); ok {
					if m := cached(fields[0], v, ".mod"); m != "" {
						mods = append(mods, m)
					}
				}
			}
		}
	}
	count := func(files []string) (n int, size int64) {
		for _, z := range files {
			if fi, err := os.Stat(z); err == nil {
				n++
				size += fi.Size()
			}
		}
		return n, size
	}
	had, hadSize := count(zips)
	ph := pr.Phase("download modules")
	stop := make(chan struct{})
	ph.Set("%d/%d modules", had, len(zips))
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				n, size := count(zips)
				if n == had { // still reading the module graph
					m, _ := count(mods)
					ph.Set("module graph: %d/%d go.mod files; %d/%d modules", m, len(mods), n, len(zips))
				} else {
					ph.Set("%d/%d modules, %s fetched", n, len(zips), megabytes(size-hadSize))
				}
			}
		}
	}()
	var errOut bytes.Buffer
	cmd := g.cmd(ctx, "mod", "download")
	cmd.Stderr = &errOut
	err = cmd.Run()
	close(stop)
	if err != nil {
		ph.Fail()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("downloading the server's modules: %w\n%s", err, tail(errOut.String(), 30))
	}
	n, size := count(zips)
	ph.Done("%d modules fetched (%s), %d were in %s already", n-had, megabytes(size-hadSize), had, g.modCache)
	return nil
}

// compile builds the server into out. go build has no progress of its own: -v names each
// package as it is compiled, counted against the build's package list.
func (g *goTool) compile(ctx context.Context, pr *progress, out string) error {
	total := 0
	if list, err := g.output(ctx, "list", "-deps", serverPackage); err == nil {
		total = len(strings.Fields(list))
	}
	logPath := out + ".build.log"
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()

	ph := pr.Phase("compile")
	cmd := g.cmd(ctx, "build", "-v", "-o", out, serverPackage)
	cmd.Stdout = logFile
	stderr, err := cmd.StderrPipe()
	if err != nil {
		ph.Fail()
		return err
	}
	if err := cmd.Start(); err != nil {
		ph.Fail()
		return err
	}
	compiled := 0
	sc := bufio.NewScanner(io.TeeReader(stderr, logFile))
	for sc.Scan() {
		line := sc.Text()
		if strings.ContainsAny(line, " \t:") { // not a package path: an error or a warning
			continue
		}
		compiled++
		n := compiled
		switch {
		case line == serverPackage:
			ph.Set("%d packages compiled, linking", n)
		case total > 0:
			ph.Set("%d/%d packages", n, total)
		default:
			ph.Set("%d packages", n)
		}
	}
	if err := cmd.Wait(); err != nil {
		ph.Fail()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		data, _ := os.ReadFile(logPath)
		return fmt.Errorf("building the server: %w\n%s", err, tail(string(data), 50))
	}
	if total > compiled {
		ph.Done("%d of %d packages compiled, the others came from the build cache", compiled, total)
	} else {
		ph.Done("%d packages compiled", compiled)
	}
	return nil
}

func megabytes(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/1e6) }
