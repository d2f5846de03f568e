package harness

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Test plugins: the sources in e2e/mmserver/testplugins/NAME are built into real plugin
// bundles (.tar.gz) for this machine, against the same server module as the sandbox server, and
// cached by a hash of their sources.
const (
	// PluginHovercard has a server part (it activates and answers HTTP) and a webapp bundle.
	PluginHovercard = "hovercardexample"
	// PluginWebappOnly has a webapp bundle and no server part.
	PluginWebappOnly = "webapponly"
	// PluginCrash has a server part that exits at once: the server reports it failed to start.
	PluginCrash = "crashonstart"
)

// PluginNames lists the test plugins.
var PluginNames = []string{PluginHovercard, PluginWebappOnly, PluginCrash}

// PluginFixture is a built test plugin.
type PluginFixture struct {
	Name     string // the source directory's name
	ID       string // the manifest's id
	Version  string // the manifest's version
	Bundle   string // the .tar.gz, in the cache: copy it before changing it
	Manifest map[string]any
	// Dir is the bundle's content unpacked: plugin.json, server/dist/plugin-GOOS-GOARCH,
	// webapp/dist/... (read-only: it belongs to the cache).
	Dir string
	// Built says whether this call compiled it (false: it came from the cache).
	Built bool

	hash string
}

// Executable is the manifest key of this machine's server executable, e.g. linux-amd64.
func Executable() string { return runtime.GOOS + "-" + runtime.GOARCH }

// testPluginsDir is where the test plugins' sources live.
func testPluginsDir(repoRoot string) string {
	return filepath.Join(mmserverDir(repoRoot), "testplugins")
}

// BuildPlugin returns the test plugin name (see PluginNames), building its bundle into
// CACHE/plugins when its sources, e2e/mmserver's go.mod/go.sum or the Go toolchain changed.
// The server part takes one `go build` with the flags of the server's own build (CGO_ENABLED=0,
// no -trimpath), so the packages it shares with the server come from the build cache;
// progress goes to opts.Log.
func BuildPlugin(ctx context.Context, opts Options, name string) (*PluginFixture, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if opts.RepoRoot == "" {
		if opts.RepoRoot, err = RepoRoot(); err != nil {
			return nil, err
		}
	}
	return buildPlugin(ctx, opts, newProgress(opts.Log), name)
}

func buildPlugin(ctx context.Context, opts Options, pr *progress, name string) (*PluginFixture, error) {
	src := filepath.Join(testPluginsDir(opts.RepoRoot), name)
	if fi, err := os.Stat(src); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("no test plugin %q in %s", name, testPluginsDir(opts.RepoRoot))
	}
	manifest, err := readJSONFile(filepath.Join(src, "plugin.json"))
	if err != nil {
		return nil, err
	}
	id, _ := manifest["id"].(string)
	version, _ := manifest["version"].(string)
	if id == "" || version == "" {
		return nil, fmt.Errorf("%s: id and version are required", filepath.Join(src, "plugin.json"))
	}
	hasServer := isDir(filepath.Join(src, "server"))

	g, err := newGoTool(ctx, mmserverDir(opts.RepoRoot))
	if err != nil {
		return nil, err
	}
	g.env = append(g.env, "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	hash, err := pluginSourceHash(src, mmserverDir(opts.RepoRoot), g.version)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(opts.CacheDir, "plugins", name+"-"+hash[:16])
	fx := &PluginFixture{
		Name: name, ID: id, Version: version, Manifest: manifest,
		Bundle: filepath.Join(dir, id+".tar.gz"), Dir: filepath.Join(dir, "tree"), hash: hash,
	}
	if fx.complete() {
		return fx.reload()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockFile(ctx, filepath.Join(dir, ".build.lock"), 10*time.Minute, "another build of the test plugin "+name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if fx.complete() {
		return fx.reload()
	}
	ph := pr.Phase("build test plugin " + name)
	start := time.Now()
	fail := func(err error) (*PluginFixture, error) {
		ph.Fail()
		return nil, err
	}
	_ = os.RemoveAll(fx.Dir)
	if err := os.MkdirAll(fx.Dir, 0o755); err != nil {
		return fail(err)
	}
	if hasServer {
		exe := "server/dist/plugin-" + Executable()
		ph.Set("go build %s", exe)
		out := filepath.Join(fx.Dir, filepath.FromSlash(exe))
		// The package path inside e2e/mmserver, so the module's go.mod and go.sum apply.
		if _, err := g.output(ctx, "build", "-ldflags=-s -w", "-o", out, "./testplugins/"+name+"/server"); err != nil {
			return fail(err)
		}
		server, _ := manifest["server"].(map[string]any)
		if server == nil {
			server = map[string]any{}
		}
		server["executables"] = map[string]any{Executable(): exe}
		manifest["server"] = server
	}
	if webapp, _ := manifest["webapp"].(map[string]any); webapp != nil {
		bundlePath, _ := webapp["bundle_path"].(string)
		data, err := os.ReadFile(filepath.Join(src, "webapp", "main.js"))
		if err != nil {
			return fail(err)
		}
		out := filepath.Join(fx.Dir, filepath.FromSlash(bundlePath))
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return fail(err)
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return fail(err)
		}
	}
	mdata, err := json.MarshalIndent(manifest, "", "  ")
	if err != nil {
		return fail(err)
	}
	if err := os.WriteFile(filepath.Join(fx.Dir, "plugin.json"), append(mdata, '\n'), 0o644); err != nil {
		return fail(err)
	}
	files, err := TreeFiles(fx.Dir)
	if err != nil {
		return fail(err)
	}
	tmp := fx.Bundle + ".tmp"
	if err := WriteBundleFile(tmp, id, files); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, fx.Bundle); err != nil {
		return fail(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stamp"), []byte(hash+"\n"), 0o644); err != nil {
		return fail(err)
	}
	fi, _ := os.Stat(fx.Bundle)
	ph.Done("%s %s, %s in %s", id, version, megabytes(fi.Size()), round(time.Since(start)))
	fx.Built = true
	return fx, nil
}

func (fx *PluginFixture) complete() bool {
	stamp, err := os.ReadFile(filepath.Join(filepath.Dir(fx.Bundle), "stamp"))
	if err != nil || strings.TrimSpace(string(stamp)) != fx.hash {
		return false
	}
	_, err = os.Stat(fx.Bundle)
	return err == nil && isDir(fx.Dir)
}

// reload reads the cached manifest (with its executables).
func (fx *PluginFixture) reload() (*PluginFixture, error) {
	m, err := readJSONFile(filepath.Join(fx.Dir, "plugin.json"))
	if err != nil {
		return nil, err
	}
	fx.Manifest = m
	return fx, nil
}

// pluginSourceHash fingerprints what a test plugin's bundle is made from: its sources, the
// module set it builds against, the toolchain and the target.
func pluginSourceHash(src, modDir, goVersion string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s\n", goVersion, Executable())
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(modDir, name))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(data))
		h.Write(data)
	}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		fmt.Fprintf(h, "%s %d\n", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// BundleFile is one file of a plugin bundle. Its content is Data, or else the file at Path,
// or else Size bytes read from Body.
type BundleFile struct {
	Name string      // slash-separated, relative to the bundle's root folder
	Mode fs.FileMode // permission bits; 0 means those of Path, else 0644
	Data []byte
	Path string
	Body io.Reader
	Size int64
}

// TreeFiles lists the regular files under dir as bundle files (read from disk, modes kept),
// sorted by name.
func TreeFiles(dir string) ([]BundleFile, error) {
	var files []BundleFile
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files = append(files, BundleFile{Name: filepath.ToSlash(rel), Mode: fi.Mode().Perm(), Path: p, Size: fi.Size()})
		return nil
	})
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, err
}

// WriteBundle writes files as a gzipped tar under the folder root (the layout the server and
// `make dist` of a plugin produce: root/plugin.json, ...); an empty root puts them at the top.
func WriteBundle(w io.Writer, root string, files []BundleFile) error {
	gz, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(gz)
	now := time.Now().Truncate(time.Second)
	dirs := map[string]bool{}
	addDir := func(name string) error {
		if name == "." || name == "" || dirs[name] {
			return nil
		}
		dirs[name] = true
		return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: 0o755, ModTime: now})
	}
	if root != "" {
		if err := addDir(root); err != nil {
			return err
		}
	}
	for _, f := range files {
		name := path.Join(root, f.Name)
		var parents []string
		for d := path.Dir(name); d != "." && d != "/" && !dirs[d]; d = path.Dir(d) {
			parents = append(parents, d)
		}
		for i := len(parents) - 1; i >= 0; i-- {
			if err := addDir(parents[i]); err != nil {
				return err
			}
		}
		if err := writeBundleFile(tw, name, f, now); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

func writeBundleFile(tw *tar.Writer, name string, f BundleFile, now time.Time) error {
	mode := f.Mode.Perm()
	if mode == 0 {
		mode = 0o644
	}
	var body io.Reader
	size := f.Size
	switch {
	case f.Data != nil:
		body, size = bytes.NewReader(f.Data), int64(len(f.Data))
	case f.Path != "":
		file, err := os.Open(f.Path)
		if err != nil {
			return err
		}
		defer file.Close()
		fi, err := file.Stat()
		if err != nil {
			return err
		}
		body, size = file, fi.Size()
		if f.Mode == 0 {
			mode = fi.Mode().Perm()
		}
	case f.Body != nil:
		body = f.Body
	default:
		body, size = bytes.NewReader(nil), 0
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: int64(mode), Size: size, ModTime: now}); err != nil {
		return err
	}
	if n, err := io.CopyN(tw, body, size); err != nil {
		return fmt.Errorf("%s: %d of %d bytes: %w", name, n, size, err)
	}
	return nil
}

// WriteBundleFile writes a bundle (see WriteBundle) to the file p.
func WriteBundleFile(p, root string, files []BundleFile) error {
	f, err := os.OpenFile(p, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := WriteBundle(f, root, files); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readJSONFile(p string) (map[string]any, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%s: not a JSON object", p)
	}
	return m, nil
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
