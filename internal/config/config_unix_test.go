//go:build unix

package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Not parallel: the umask is per process.
func TestModesIgnoreUmask(t *testing.T) {
	for _, umask := range []int{0o000, 0o022, 0o077} {
		t.Run(fmt.Sprintf("umask %04o", umask), func(t *testing.T) {
			old := syscall.Umask(umask)
			defer syscall.Umask(old)

			s := NewStore(filepath.Join(t.TempDir(), "a", "matterctl", "config.json"))
			for _, name := range []string{"first", "second"} { // create, then replace
				if err := s.Update(addProfile(name)); err != nil {
					t.Fatal(err)
				}
				assertMode(t, s.Path, 0o600)
				assertMode(t, filepath.Dir(s.Path), 0o700)
				assertMode(t, s.Path+".lock", 0o600)
			}
		})
	}
}

func TestUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	s := newTestStore(t)
	writeRaw(t, s.Path, `{"version":1,"profiles":{}}`, 0o000)
	_, err := s.Load()
	var ce *CorruptError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), s.Path+" cannot be read (permission denied)") {
		t.Fatalf("Load() error = %v, want *CorruptError about permissions", err)
	}
	if err := s.Update(addProfile("a")); !errors.As(err, &ce) {
		t.Errorf("Update() error = %v, want *CorruptError", err)
	}
	assertMode(t, s.Path, 0o000)
}
