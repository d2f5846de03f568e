// Package config stores named server credentials for matterctl in one JSON file.
//
// The file holds secrets, so every write leaves it 0600 in a 0700 directory, replaces it
// atomically (a crash never leaves half a file) and happens under an exclusive lock on a sibling
// lock file (two concurrent `matterctl auth login` runs never lose each other's profile). A file
// that cannot be parsed is reported, never treated as empty and never overwritten: it may hold the
// only copy of a token the user cannot recreate.
package config

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/adrg/xdg"
	"github.com/gofrs/flock"
)

// Authentication methods recorded in Profile.AuthMethod.
const (
	MethodPassword = "password"
	MethodMFA      = "mfa"
	MethodToken    = "token"
)

const (
	// formatVersion is the file format this package reads and writes.
	formatVersion = 1
	// envConfig overrides DefaultPath.
	envConfig = "MATTERCTL_CONFIG"

	fileMode = 0o600
	dirMode  = 0o700

	// defaultLockTimeout is generous: the lock is only held for a read and a small write, so a
	// long wait means a stuck process, and failing fast would make scripted parallel logins flaky.
	defaultLockTimeout = 30 * time.Second
	lockRetryDelay     = 10 * time.Millisecond
)

// Profile is one named server and the credentials matterctl uses for it.
type Profile struct {
	Name               string `json:"name"`
	URL                string `json:"url"` // no trailing slash
	Username           string `json:"username"`
	UserID             string `json:"user_id,omitempty"`
	AuthMethod         string `json:"auth_method"` // one of the Method* constants
	Token              string `json:"token"`       // session token or personal access token
	InsecureSkipVerify bool   `json:"insecure_skip_verify,omitempty"`
	CAFile             string `json:"ca_file,omitempty"`
}

// File is the whole config file.
type File struct {
	Version  int                 `json:"version"`
	Current  string              `json:"current"` // name of the current profile, "" for none
	Profiles map[string]*Profile `json:"profiles"`
}

// Names returns the profile names, sorted.
func (f *File) Names() []string {
	names := make([]string, 0, len(f.Profiles))
	for name := range f.Profiles {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Get returns the named profile. The pointer is the stored value: changes made through it are
// written by the enclosing Store.Update.
func (f *File) Get(name string) (*Profile, bool) {
	p, ok := f.Profiles[name]
	return p, ok && p != nil
}

// Put adds p, replacing any profile of the same name.
func (f *File) Put(p *Profile) {
	if p == nil {
		return
	}
	if f.Profiles == nil {
		f.Profiles = make(map[string]*Profile)
	}
	p.URL = strings.TrimRight(p.URL, "/")
	f.Profiles[p.Name] = p
}

// Delete removes the named profile and reports whether it existed. Deleting the current profile
// leaves no current profile.
func (f *File) Delete(name string) bool {
	_, ok := f.Profiles[name]
	delete(f.Profiles, name)
	if f.Current == name {
		f.Current = ""
	}
	return ok
}

// normalize restores the invariants callers rely on, whether the file was edited by hand or fn
// in Update left it inconsistent.
func (f *File) normalize() {
	f.Version = formatVersion
	if f.Profiles == nil {
		f.Profiles = make(map[string]*Profile)
	}
	for name, p := range f.Profiles {
		if p == nil {
			delete(f.Profiles, name)
			continue
		}
		p.Name = name
		p.URL = strings.TrimRight(p.URL, "/")
	}
	if _, ok := f.Profiles[f.Current]; !ok {
		f.Current = ""
	}
}

func newFile() *File {
	return &File{Version: formatVersion, Profiles: make(map[string]*Profile)}
}

// DefaultPath returns $MATTERCTL_CONFIG if set, else config.json in matterctl's XDG config
// directory. It does not create anything.
func DefaultPath() (string, error) {
	if p := os.Getenv(envConfig); p != "" {
		return p, nil
	}
	if xdg.ConfigHome == "" {
		return "", fmt.Errorf("cannot determine the config directory: set %s or XDG_CONFIG_HOME", envConfig)
	}
	return filepath.Join(xdg.ConfigHome, "matterctl", "config.json"), nil
}

// CorruptError reports a config file that exists but cannot be used. Err says why; it never
// contains file contents, so tokens cannot leak into logs.
type CorruptError struct {
	Path string
	Err  error
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("config file %s %s; fix or remove it, or run \"matterctl auth clean\"", e.Path, describe(e.Err))
}

func (e *CorruptError) Unwrap() error { return e.Err }

func describe(err error) string {
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("is not valid JSON (%s at offset %d)", syntaxErr, syntaxErr.Offset)
	case errors.Is(err, errIsDirectory):
		return "is a directory, not a file"
	case errors.Is(err, fs.ErrPermission):
		return "cannot be read (permission denied)"
	default:
		return fmt.Sprintf("is not a valid matterctl config (%v)", err)
	}
}

// configError is a constant error, so sentinels need no package-level variables.
type configError string

func (e configError) Error() string { return string(e) }

const (
	errIsDirectory = configError("is a directory")
	errNotObject   = configError("the top level must be a JSON object")
)

// Store reads and writes one config file.
type Store struct {
	Path string
	Warn func(msg string) // optional; called with warnings such as loose file permissions

	lockTimeout time.Duration // zero means defaultLockTimeout; tests shorten it
}

// NewStore returns a Store for the file at path.
func NewStore(path string) *Store {
	return &Store{Path: path}
}

// Load reads the file. A missing file is an empty File; a file that exists but cannot be parsed
// is a *CorruptError. Load takes no lock: writes replace the file atomically, so a reader sees
// either the old or the new content.
func (s *Store) Load() (*File, error) {
	return s.load(true)
}

func (s *Store) load(checkMode bool) (*File, error) {
	fh, err := os.Open(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return newFile(), nil
	}
	if err != nil {
		return nil, s.openError(err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, s.openError(err)
	}
	if info.IsDir() {
		return nil, &CorruptError{Path: s.Path, Err: errIsDirectory}
	}
	if checkMode {
		s.checkMode(info.Mode())
	}
	data, err := io.ReadAll(fh)
	if err != nil {
		return nil, s.openError(err)
	}
	return parse(s.Path, data)
}

func (s *Store) openError(err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return &CorruptError{Path: s.Path, Err: fs.ErrPermission}
	}
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		err = pathErr.Err // the path goes in our message, once
	}
	return fmt.Errorf("reading config file %s: %w", s.Path, err)
}

func (s *Store) checkMode(mode fs.FileMode) {
	if s.Warn == nil || runtime.GOOS == "windows" || mode.Perm()&0o077 == 0 {
		return
	}
	what := "readable"
	if mode.Perm()&0o044 == 0 {
		what = "accessible"
	}
	s.Warn(fmt.Sprintf("warning: %s is %s by other users (mode %04o); run: chmod 600 %s",
		s.Path, what, mode.Perm(), shellQuote(s.Path)))
}

func parse(path string, data []byte) (*File, error) {
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, &CorruptError{Path: path, Err: redact(err)}
	}
	// null, or a scalar the decoder ignored when filling a struct.
	if trimmed := bytes.TrimLeft(data, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, &CorruptError{Path: path, Err: errNotObject}
	}
	switch {
	case f.Version < 0:
		return nil, &CorruptError{Path: path, Err: fmt.Errorf("unknown version %d", f.Version)}
	case f.Version > formatVersion:
		// Rewriting it would drop whatever the newer format added.
		return nil, fmt.Errorf("config file %s has format version %d, newer than this matterctl supports (%d): upgrade matterctl", path, f.Version, formatVersion)
	}
	f.normalize()
	return &f, nil
}

// redact rewrites decoder type errors, whose message can quote a value from the file (a token
// stored as a number, say), into one that names only the field and the types.
func redact(err error) error {
	var typeErr *json.UnmarshalTypeError
	if !errors.As(err, &typeErr) {
		return err // syntax errors quote at most one character
	}
	found, _, _ := strings.Cut(typeErr.Value, " ")
	if typeErr.Field == "" {
		return fmt.Errorf("%w, not %s", errNotObject, found)
	}
	return fmt.Errorf("field %q must be %s, not %s", typeErr.Field, jsonKind(typeErr.Type), found)
}

// jsonKind names t as the JSON a user would have to write.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	default:
		return "a number"
	}
}

// Update runs fn on the current content under an exclusive lock and writes the result. If the
// file is corrupt or fn fails, nothing is written and the error is returned.
func (s *Store) Update(fn func(*File) error) error {
	if err := s.ensureDir(); err != nil {
		return err
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	// The write below leaves the file 0600, so warning about its current mode would be noise.
	f, err := s.load(false)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		return err
	}
	f.normalize()
	return s.write(f)
}

// Remove deletes the file, whatever its content. A missing file is not an error. The lock file is
// kept: deleting it while another process waits on it would let two writers in at once.
func (s *Store) Remove() error {
	if _, err := os.Lstat(s.Path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := os.Remove(s.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("removing config file: %w", err)
	}
	return syncDir(filepath.Dir(s.Path))
}

func (s *Store) ensureDir() error {
	dir := filepath.Dir(s.Path)
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		return nil // an existing directory is the user's to manage; other errors surface on use
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return fmt.Errorf("creating config directory: %w", err)
	}
	// MkdirAll's mode is filtered by the umask.
	if err := os.Chmod(dir, dirMode); err != nil {
		return fmt.Errorf("creating config directory: %w", err)
	}
	return nil
}

func (s *Store) lock() (unlock func(), err error) {
	timeout := s.lockTimeout
	if timeout <= 0 {
		timeout = defaultLockTimeout
	}
	lockPath := s.Path + ".lock"
	fl := flock.New(lockPath, flock.SetPermissions(fileMode))
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	ok, err := fl.TryLockContext(ctx, lockRetryDelay)
	if errors.Is(err, context.DeadlineExceeded) || (err == nil && !ok) {
		return nil, fmt.Errorf("timed out after %s waiting for the lock on %s: another matterctl process is updating the config", timeout, lockPath)
	}
	if err != nil {
		return nil, fmt.Errorf("locking config file: %w", err)
	}
	return func() { _ = fl.Unlock() }, nil
}

// write replaces the file atomically: readers and a crash see the old file or the new one.
func (s *Store) write(f *File) (err error) {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding config: %w", err)
	}
	data = append(data, '\n')

	target, err := s.target()
	if err != nil {
		return err
	}
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	// Set the mode explicitly rather than trust CreateTemp and the umask: the file holds tokens.
	if err = tmp.Chmod(fileMode); err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("writing config file: %w", err)
	}
	return syncDir(dir)
}

// target is where write puts the file: through a symlink rather than over it, so a config kept
// in a dotfiles repository stays linked.
func (s *Store) target() (string, error) {
	info, err := os.Lstat(s.Path)
	if err != nil || info.Mode()&fs.ModeSymlink == 0 {
		return s.Path, nil
	}
	target, err := filepath.EvalSymlinks(s.Path)
	if err != nil {
		return "", fmt.Errorf("resolving config file symlink: %w", err)
	}
	return target, nil
}

// syncDir makes a rename or removal in dir durable.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be fsynced there; rename is already durable enough
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing config directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing config directory: %w", err)
	}
	return nil
}

// shellQuote makes path safe to paste into a POSIX shell; macOS config paths contain a space.
func shellQuote(path string) string {
	if path != "" && !strings.ContainsAny(path, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return path
	}
	return "'" + strings.ReplaceAll(path, "'", `'\''`) + "'"
}
