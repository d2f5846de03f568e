// Package pluginbundle checks a Mattermost plugin bundle (a gzip-compressed tar archive) before
// it is uploaded, the way the server will read it: in one streaming pass, so that a bundle of
// any size is checked in constant memory. Each problem names the file and the manifest field.
package pluginbundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/goccy/go-yaml"
	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/internal/safetext"
)

// manifestNames are the manifest files the server looks for, in the order it tries them.
var manifestNames = []string{"plugin.yml", "plugin.yaml", "plugin.json"}

// maxManifestSize bounds how much of a manifest file is read: real ones are a few kilobytes.
const maxManifestSize = 4 << 20

// Limits are what the server accepts; zero values are unknown and not checked.
type Limits struct {
	// ServerVersion is the server's version ("7.8.0"), checked against min_server_version.
	ServerVersion string
	// MaxFileSize is FileSettings.MaxFileSize in bytes, checked against the bundle's size.
	MaxFileSize int64
}

// Problem is one reason the server would refuse the bundle, or fail to run the plugin.
type Problem struct {
	// File is the path inside the archive the problem is about; "" for the archive itself.
	File string
	// Field is the manifest field ("id", "server.executables.linux-amd64"), or "".
	Field   string
	Message string
}

// String renders the problem as one line: "plugin.json: id: …".
func (p Problem) String() string {
	var parts []string
	if p.File != "" {
		parts = append(parts, p.File)
	}
	if p.Field != "" {
		parts = append(parts, p.Field)
	}
	// The parts quote the archive (paths, manifest keys, a parser's excerpt of the file): one
	// line, with nothing that could drive a terminal.
	return safetext.Escape(strings.Join(append(parts, strings.Join(strings.Fields(p.Message), " ")), ": "))
}

// Result is what a validation found.
type Result struct {
	// Manifest is the parsed manifest (ID lower-cased, as the server does), or nil.
	Manifest *model.Manifest
	// ManifestFile is the manifest's path inside the archive.
	ManifestFile string
	// Size is the size of the bundle in bytes (compressed, as uploaded).
	Size     int64
	Problems []Problem
}

// OK reports whether the bundle has no problem.
func (r *Result) OK() bool { return len(r.Problems) == 0 }

func (r *Result) add(file, field, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{File: file, Field: field, Message: fmt.Sprintf(format, args...)})
}

// ValidateFile validates the bundle at path. The error is for a file that cannot be read; a
// bundle with problems is a Result that is not OK.
func ValidateFile(p string, lim Limits) (*Result, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a plugin bundle (.tar.gz)", p)
	}
	return Validate(f, lim)
}

// countingReader counts the bytes read and remembers the reader's own failure, so that a read
// error is told apart from bad content.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	if err != nil && err != io.EOF {
		c.err = err
	}
	return n, err
}

// archive is what the streaming pass records of the entries: names only, except the manifests.
type archive struct {
	files     map[string]bool   // regular files and links, by cleaned path
	tops      map[string]bool   // top-level entries: true for folders
	manifests map[string][]byte // manifest-named files one or two levels deep
	nested    []string          // manifest-named files deeper than that
}

// Validate reads a bundle from r to its end. The error is for a failure of r itself; problems
// with the content are in the Result.
func Validate(r io.Reader, lim Limits) (*Result, error) {
	cr := &countingReader{r: r}
	res := &Result{}
	a, err := scan(cr, res)
	if cr.err != nil {
		return nil, cr.err
	}
	if err != nil {
		return nil, err
	}
	// Whatever stopped the scan, the size is that of the whole bundle.
	if _, err := io.Copy(io.Discard, cr); err != nil {
		return nil, err
	}
	res.Size = cr.n
	if lim.MaxFileSize > 0 && res.Size > lim.MaxFileSize {
		res.add("", "", "the bundle is %s, more than the server's maximum file size of %s (FileSettings.MaxFileSize, MM_FILESETTINGS_MAXFILESIZE)",
			HumanSize(res.Size), HumanSize(lim.MaxFileSize))
	}
	if a != nil {
		checkManifest(a, res, lim)
	}
	return res, nil
}

// scan makes the pass over the archive. A nil archive means the content is not a readable
// archive (the problem is recorded).
func scan(cr *countingReader, res *Result) (*archive, error) {
	zr, err := gzip.NewReader(cr)
	if err != nil {
		if cr.err != nil {
			return nil, cr.err
		}
		if errors.Is(err, io.EOF) {
			res.add("", "", "the file is empty, not a gzip-compressed tar archive (.tar.gz)")
		} else {
			res.add("", "", "not a gzip-compressed file (%v): a plugin bundle is a .tar.gz archive", err)
		}
		return nil, nil
	}
	a := &archive{files: map[string]bool{}, tops: map[string]bool{}, manifests: map[string][]byte{}}
	tr := tar.NewReader(zr)
	entries := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if cr.err != nil {
				return nil, cr.err
			}
			if entries == 0 {
				res.add("", "", "not a tar archive inside the gzip compression (%v)", err)
			} else {
				res.add("", "", "the archive is truncated or corrupt after %d entries (%v)", entries, err)
			}
			return nil, nil
		}
		entries++
		name, ok := cleanName(hdr.Name)
		if !ok {
			res.add(hdr.Name, "", "the path leaves the archive's folder; the server refuses such entries")
			continue
		}
		if name == "" {
			continue
		}
		top, rest, nested := strings.Cut(name, "/")
		isDir := hdr.Typeflag == tar.TypeDir
		a.tops[top] = a.tops[top] || nested || isDir
		if isDir {
			continue
		}
		a.files[name] = true
		if !slices.Contains(manifestNames, path.Base(name)) || hdr.Typeflag != tar.TypeReg {
			continue
		}
		if !nested || !strings.Contains(rest, "/") {
			b, err := io.ReadAll(io.LimitReader(tr, maxManifestSize+1))
			if err != nil {
				if cr.err != nil {
					return nil, cr.err
				}
				res.add(name, "", "cannot be read from the archive (%v)", err)
				return nil, nil
			}
			a.manifests[name] = b
		} else {
			a.nested = append(a.nested, name)
		}
	}
	// Reading the compressed stream to its end checks its checksum.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		if cr.err != nil {
			return nil, cr.err
		}
		res.add("", "", "the compressed data is corrupt (%v)", err)
		return nil, nil
	}
	if entries == 0 {
		res.add("", "", "the archive is empty")
		return nil, nil
	}
	return a, nil
}

// cleanName is an entry's path relative to the archive's root ("" for the root itself); false
// when it is absolute or leaves the root.
func cleanName(name string) (string, bool) {
	name = strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(name, "/") {
		return "", false
	}
	c := path.Clean(name)
	if c == "." {
		return "", true
	}
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", false
	}
	return c, true
}

// root is the folder the server reads the plugin from: the single top-level folder when the
// archive has nothing else at the top, else the top itself ("").
func (a *archive) root() string {
	if len(a.tops) == 1 {
		for top, dir := range a.tops {
			if dir {
				return top + "/"
			}
		}
	}
	return ""
}

func checkManifest(a *archive, res *Result, lim Limits) {
	root := a.root()
	var file string
	var raw []byte
	for _, n := range manifestNames {
		if b, ok := a.manifests[root+n]; ok {
			file, raw = root+n, b
			break
		}
	}
	if file == "" {
		misplaced := a.nested
		for name := range a.manifests {
			misplaced = append(misplaced, name)
		}
		slices.Sort(misplaced)
		where := "at the top of the archive"
		if root != "" {
			where = "in its top folder " + strings.TrimSuffix(root, "/")
		}
		if len(misplaced) > 0 {
			res.add(misplaced[0], "", "the manifest is not where the server looks for it: put plugin.json %s, or the whole plugin in one top folder", where)
		} else {
			res.add("", "", "no manifest (plugin.json, plugin.yaml or plugin.yml) %s", where)
		}
		return
	}
	res.ManifestFile = file
	if len(raw) > maxManifestSize {
		res.add(file, "", "larger than %s: not a plugin manifest", HumanSize(maxManifestSize))
		return
	}
	var m model.Manifest
	if strings.HasSuffix(file, ".json") {
		if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&m); err != nil {
			res.add(file, "", "not valid JSON: %v", err)
			return
		}
	} else if err := yaml.Unmarshal(raw, &m); err != nil {
		res.add(file, "", "not valid YAML: %s", oneLine(err.Error()))
		return
	}
	given := m.Id
	m.Id = strings.ToLower(m.Id)
	res.Manifest = &m
	before := len(res.Problems)

	switch {
	case m.Id == "":
		res.add(file, "id", "missing: every plugin needs an ID")
	case !model.IsValidPluginId(m.Id):
		res.add(file, "id", "%q is not a valid plugin ID: %d to %d characters among letters, digits, '.', '-' and '_'",
			given, model.MinIdLength, model.MaxIdLength)
	}
	if strings.TrimSpace(m.Name) == "" {
		res.add(file, "name", "missing: every plugin needs a name")
	}
	if m.Version != "" {
		if _, err := semver.StrictNewVersion(m.Version); err != nil {
			res.add(file, "version", "%q is not a semantic version (MAJOR.MINOR.PATCH, such as 1.2.0)", m.Version)
		}
	}
	if m.MinServerVersion != "" {
		minV, err := semver.StrictNewVersion(m.MinServerVersion)
		switch {
		case err != nil:
			res.add(file, "min_server_version", "%q is not a semantic version (MAJOR.MINOR.PATCH, such as 7.8.0)", m.MinServerVersion)
		case lim.ServerVersion != "":
			if sv := ServerSemver(lim.ServerVersion); sv != nil && sv.LessThan(minV) {
				res.add(file, "min_server_version", "the plugin needs Mattermost %s or later; the server runs %s",
					m.MinServerVersion, sv.String())
			}
		}
	}
	if m.Server != nil {
		if len(m.Server.Executables) == 0 && m.Server.Executable == "" {
			res.add(file, "server", "names no executable (server.executables or server.executable)")
		}
		platforms := make([]string, 0, len(m.Server.Executables))
		for p := range m.Server.Executables {
			platforms = append(platforms, p)
		}
		slices.Sort(platforms)
		for _, p := range platforms {
			checkPresent(a, res, file, root, "server.executables."+p, m.Server.Executables[p])
		}
		if m.Server.Executable != "" {
			checkPresent(a, res, file, root, "server.executable", m.Server.Executable)
		}
	}
	if m.Webapp != nil {
		if m.Webapp.BundlePath == "" {
			res.add(file, "webapp.bundle_path", "missing: a webapp section needs the path of its bundle")
		} else {
			checkPresent(a, res, file, root, "webapp.bundle_path", m.Webapp.BundlePath)
		}
	}
	// What the checks above do not cover (URLs, the settings schema), as the model sees it.
	if len(res.Problems) == before {
		if err := m.IsValid(); err != nil {
			res.add(file, "", "%s", err)
		}
	}
}

// checkPresent records a problem when the manifest's field names a file the archive lacks.
func checkPresent(a *archive, res *Result, file, root, field, p string) {
	name, ok := cleanName(p)
	if !ok || name == "" {
		res.add(file, field, "%q is not a path inside the plugin's folder", p)
		return
	}
	if !a.files[root+name] {
		res.add(file, field, "names %s, which is not in the archive", root+name)
	}
}

var versionPrefix = regexp.MustCompile(`^v?(\d+)\.(\d+)\.(\d+)`)

// ServerSemver reads a server's version as the ping, the client config or X-Version-Id give it
// ("7.8.0", "7.8.0.7.8.0.abc.false"), or nil.
func ServerSemver(v string) *semver.Version {
	m := versionPrefix.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return nil
	}
	sv, err := semver.StrictNewVersion(m[1] + "." + m[2] + "." + m[3])
	if err != nil {
		return nil
	}
	return sv
}

// HumanSize renders a byte count for messages: "100.0 MiB (104857600 bytes)".
func HumanSize(n int64) string {
	const mb = 1 << 20
	switch {
	case n >= mb:
		return fmt.Sprintf("%.1f MiB (%d bytes)", float64(n)/mb, n)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB (%d bytes)", float64(n)/(1<<10), n)
	}
	return fmt.Sprintf("%d bytes", n)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
