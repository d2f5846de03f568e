package harness

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// The server is pinned in one place, e2e/mmserver/go.mod; everything else derives from it.
func TestServerPinFromTheRepositoryGoMod(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(mmserverDir(root), "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	pin, err := serverPin(data)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^v\d+\.\d+\.\d+(-\S+)?$`).MatchString(pin) {
		t.Errorf("pin %q is not a module version", pin)
	}
}

func TestServerPin(t *testing.T) {
	gomod := []byte(`module example.com/m

go 1.22

require (
	github.com/other/mod v1.2.3
	github.com/mattermost/mattermost-server/v6 v6.0.0-20230214141527-f14c24391ca8 // 7.8.0
)
`)
	pin, err := serverPin(gomod)
	if err != nil || pin != "v6.0.0-20230214141527-f14c24391ca8" {
		t.Errorf("pin %q, %v", pin, err)
	}
	if _, err := serverPin([]byte("module example.com/m\n")); err == nil {
		t.Error("a go.mod without the server gave a pin")
	}
}

func TestServerVersionFromSource(t *testing.T) {
	src := []byte(`package model

import "strings"

var CurrentVersion string = versions[0]

// This is a list of all the current versions including any patches.
var versions = []string{
	"7.8.0",
	"7.7.0",
}

var other = strings.ToUpper("x")
`)
	v, err := serverVersionFromSource(src)
	if err != nil || v != "7.8.0" {
		t.Errorf("version %q, %v", v, err)
	}
	if _, err := serverVersionFromSource([]byte("package model\nvar x = 1\n")); err == nil {
		t.Error("a source without versions gave a version")
	}
}

// The stamp is the hash `cat go.mod go.sum | sha256sum` gave, so existing caches stay valid.
func TestBuildStampAndCachedBuild(t *testing.T) {
	mod := t.TempDir()
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte("module m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(mod, "go.sum"), []byte("x v1 h1:y\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stamp, err := buildStamp(mod)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("module m\nx v1 h1:y\n"))
	if want := hex.EncodeToString(sum[:]); stamp != want {
		t.Errorf("stamp %s, want %s", stamp, want)
	}

	cache := t.TempDir()
	dir := filepath.Join(cache, "mattermost-7.8.0")
	if findCachedBuild(cache, stamp, "v6.0.0-x") != nil {
		t.Fatal("found a build in an empty cache")
	}
	for _, d := range append([]string{"bin"}, serverAssets...) {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "bin", "mattermost"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stamp"), []byte(stamp+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := findCachedBuild(cache, stamp, "v6.0.0-x")
	if b == nil || b.Version != "7.8.0" || b.Bin() != filepath.Join(dir, "bin", "mattermost") || b.Module != ServerModule+"@v6.0.0-x" {
		t.Fatalf("cached build: %+v", b)
	}
	if findCachedBuild(cache, "another-stamp", "v6.0.0-x") != nil {
		t.Error("a build of other pins was reused")
	}
	if err := os.RemoveAll(filepath.Join(dir, "fonts")); err != nil {
		t.Fatal(err)
	}
	if findCachedBuild(cache, stamp, "v6.0.0-x") != nil {
		t.Error("an incomplete build was reused")
	}
}

func TestGoBuildEnv(t *testing.T) {
	env := goBuildEnv([]string{"HOME=/h", "GOFLAGS=-buildvcs=false", "GONOSUMDB=corp.example", "GOWORK=/w/go.work", "CGO_ENABLED=1"})
	for _, want := range []string{"HOME=/h", "GOFLAGS=-buildvcs=false -mod=readonly -buildvcs=false", "GONOSUMDB=corp.example,github.com/mattermost", "GOWORK=off", "CGO_ENABLED=0"} {
		if !slices.Contains(env, want) {
			t.Errorf("%q missing from %q", want, env)
		}
	}
	if len(env) != 5 {
		t.Errorf("env %q has duplicates", env)
	}
}
