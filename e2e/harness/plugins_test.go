package harness

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// readBundle returns the names, modes and contents of a bundle's entries.
func readBundle(t *testing.T, p string) (names []string, modes map[string]int64, data map[string]string) {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	modes, data = map[string]int64{}, map[string]string{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names, modes, data
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		modes[h.Name] = h.Mode
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			data[h.Name] = string(b)
		}
	}
}

func TestWriteBundle(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "exe")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "b.tar.gz")
	err := WriteBundleFile(p, "myplugin", []BundleFile{
		{Name: "plugin.json", Data: []byte(`{"id":"myplugin"}`)},
		{Name: "server/dist/plugin-linux-amd64", Path: exe},
		{Name: "assets/big", Body: strings.NewReader("0123456789"), Size: 4},
	})
	if err != nil {
		t.Fatal(err)
	}
	names, modes, data := readBundle(t, p)
	want := []string{"myplugin/", "myplugin/plugin.json", "myplugin/server/", "myplugin/server/dist/",
		"myplugin/server/dist/plugin-linux-amd64", "myplugin/assets/", "myplugin/assets/big"}
	if strings.Join(names, " ") != strings.Join(want, " ") {
		t.Errorf("entries %q, want %q", names, want)
	}
	if modes["myplugin/server/dist/plugin-linux-amd64"] != 0o755 || modes["myplugin/plugin.json"] != 0o644 {
		t.Errorf("modes %v", modes)
	}
	if data["myplugin/assets/big"] != "0123" || data["myplugin/plugin.json"] != `{"id":"myplugin"}` {
		t.Errorf("contents %q", data)
	}

	// Without a root folder the files are at the top; a short Body is an error.
	if err := WriteBundleFile(p, "", []BundleFile{{Name: "plugin.json", Data: []byte("{}")}}); err != nil {
		t.Fatal(err)
	}
	if names, _, _ := readBundle(t, p); strings.Join(names, " ") != "plugin.json" {
		t.Errorf("entries %q", names)
	}
	if err := WriteBundleFile(p, "x", []BundleFile{{Name: "a", Body: strings.NewReader("ab"), Size: 3}}); err == nil {
		t.Error("a body shorter than its size was accepted")
	}
}

func TestPluginSourceHash(t *testing.T) {
	mod, src := t.TempDir(), t.TempDir()
	for _, n := range []string{"go.mod", "go.sum"} {
		if err := os.WriteFile(filepath.Join(mod, n), []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(src, "plugin.json"), []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	h1, err := pluginSourceHash(src, mod, "go1.25")
	if err != nil {
		t.Fatal(err)
	}
	if h2, _ := pluginSourceHash(src, mod, "go1.25"); h2 != h1 {
		t.Error("the hash is not stable")
	}
	if h2, _ := pluginSourceHash(src, mod, "go1.26"); h2 == h1 {
		t.Error("the toolchain does not change the hash")
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte("package main"), 0o644); err != nil {
		t.Fatal(err)
	}
	if h2, _ := pluginSourceHash(src, mod, "go1.25"); h2 == h1 {
		t.Error("a new source file does not change the hash")
	}
}

// TestBuildPlugins builds every test plugin into a fresh cache, then again (from the cache),
// and checks the bundles: the manifest names this machine's executable, and every file it
// names is in the bundle. It compiles, so it needs MATTERCTL_E2E_PLUGINS=1.
func TestBuildPlugins(t *testing.T) {
	if os.Getenv("MATTERCTL_E2E_PLUGINS") != "1" {
		t.Skip("set MATTERCTL_E2E_PLUGINS=1 to build the test plugins")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	opts := Options{CacheDir: t.TempDir(), Log: testLog{t}}
	for _, name := range PluginNames {
		start := time.Now()
		fx, err := BuildPlugin(ctx, opts, name)
		if err != nil {
			t.Fatal(err)
		}
		cold := time.Since(start)
		start = time.Now()
		again, err := BuildPlugin(ctx, opts, name)
		if err != nil {
			t.Fatal(err)
		}
		warm := time.Since(start)
		t.Logf("%s: built in %s, from the cache in %s", name, cold.Round(time.Millisecond), warm.Round(time.Millisecond))
		if !fx.Built || again.Built || again.Bundle != fx.Bundle {
			t.Errorf("%s: built %v then %v (%s, %s)", name, fx.Built, again.Built, fx.Bundle, again.Bundle)
		}
		_, modes, data := readBundle(t, fx.Bundle)
		if _, ok := data[fx.ID+"/plugin.json"]; !ok {
			t.Errorf("%s: no %s/plugin.json in the bundle", name, fx.ID)
		}
		if server, ok := again.Manifest["server"].(map[string]any); ok {
			exes, _ := server["executables"].(map[string]any)
			exe, _ := exes[Executable()].(string)
			if exe == "" || modes[fx.ID+"/"+exe]&0o111 == 0 {
				t.Errorf("%s: executables %v, bundle modes %v", name, exes, modes)
			}
		}
		if webapp, ok := again.Manifest["webapp"].(map[string]any); ok {
			if _, ok := data[fx.ID+"/"+webapp["bundle_path"].(string)]; !ok {
				t.Errorf("%s: no webapp bundle %v", name, webapp["bundle_path"])
			}
		}
	}
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func TestServerEnvAndConfigForPlugins(t *testing.T) {
	st := &State{Dir: "/s", Mattermost: MattermostState{ServerDir: "/s/server", Port: 8065, Socket: "/s/sock"}}
	env := serverEnv(st)
	for _, kv := range env {
		if strings.Contains(kv, "MARKETPLACE") {
			t.Errorf("the marketplace is forced by the environment (read-only through the API): %s", kv)
		}
	}
	if !slices.Contains(env, "MM_PLUGINSETTINGS_SIGNATUREPUBLICKEYFILES=/s/server/config/"+pluginKeyName) {
		t.Errorf("no trusted plugin key file in %v", env)
	}
	var cfg map[string]map[string]any
	if err := json.Unmarshal([]byte(initialConfig), &cfg); err != nil {
		t.Fatal(err)
	}
	ps := cfg["PluginSettings"]
	if ps["EnableMarketplace"] != false || ps["EnableRemoteMarketplace"] != false || ps["MarketplaceURL"] != offline {
		t.Errorf("config.json PluginSettings: %v", ps)
	}

	got := withEnv([]string{"A=1", "MM_X=old", "B=2"}, []string{"MM_X=new", "MM_Y=y"})
	if want := []string{"A=1", "B=2", "MM_X=new", "MM_Y=y"}; !slices.Equal(got, want) {
		t.Errorf("withEnv: %v, want %v", got, want)
	}
	if _, err := (Options{ServerEnv: []string{"PATH=/x"}}).withDefaults(); err == nil {
		t.Error("ServerEnv accepted a variable that is not MM_*")
	}
	if _, err := (Options{ServerEnv: []string{"MM_PLUGINSETTINGS_ENABLEUPLOADS=false"}}).withDefaults(); err != nil {
		t.Error(err)
	}
}

func TestKeepMarketplaceOffline(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.json")
	read := func() map[string]any {
		t.Helper()
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var cfg map[string]map[string]any
		if err := json.Unmarshal(data, &cfg); err != nil {
			t.Fatal(err)
		}
		return cfg["PluginSettings"]
	}
	// The server's defaults, as an older sandbox's file holds them.
	old := `{"PluginSettings":{"Enable":true,"EnableMarketplace":true,"EnableRemoteMarketplace":true,"MarketplaceURL":"https://api.integrations.mattermost.com"},"TeamSettings":{"MaxUsersPerTeam":10000}}`
	if err := os.WriteFile(p, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := keepMarketplaceOffline(p); err != nil {
		t.Fatal(err)
	}
	ps := read()
	if ps["EnableMarketplace"] != false || ps["EnableRemoteMarketplace"] != false || ps["MarketplaceURL"] != offline || ps["Enable"] != true {
		t.Errorf("PluginSettings %v", ps)
	}
	// A loopback marketplace is left alone.
	loop := `{"PluginSettings":{"EnableMarketplace":true,"MarketplaceURL":"http://127.0.0.1:4567"}}`
	if err := os.WriteFile(p, []byte(loop), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := keepMarketplaceOffline(p); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); string(data) != loop {
		t.Errorf("a loopback marketplace was rewritten: %s", data)
	}
	if err := os.WriteFile(p, []byte(initialConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := keepMarketplaceOffline(p); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(p); string(data) != initialConfig {
		t.Error("the initial config was rewritten")
	}
}
