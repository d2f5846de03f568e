package plugin

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/client/clienttest"
)

// The pl* helpers are shared by the tests of the plugin verbs.

func plOK() *model.Response { return &model.Response{StatusCode: http.StatusOK} }

// plServer is a fake server holding installed plugins and their states: it answers the plugin
// calls of the client and keeps the state they change.
type plServer struct {
	mu       sync.Mutex
	plugins  map[string]*model.Manifest
	enabled  map[string]bool
	statuses model.PluginStatuses
	// err, when set, answers every plugin call.
	err error
}

func plManifest(id, version string) *model.Manifest {
	return &model.Manifest{Id: id, Name: "Plugin " + id, Version: version}
}

// plServe installs a fake server on fake with the given plugins; enabled lists the enabled ones.
func plServe(fake *clienttest.Fake, plugins []*model.Manifest, enabled ...string) *plServer {
	s := &plServer{plugins: map[string]*model.Manifest{}, enabled: map[string]bool{}}
	for _, m := range plugins {
		c := *m
		s.plugins[m.Id] = &c
	}
	for _, id := range enabled {
		s.enabled[id] = true
	}
	fake.GetPluginsFunc = func(context.Context) (*model.PluginsResponse, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.err != nil {
			return nil, nil, s.err
		}
		resp := &model.PluginsResponse{Active: []*model.PluginInfo{}, Inactive: []*model.PluginInfo{}}
		ids := make([]string, 0, len(s.plugins))
		for id := range s.plugins {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			info := &model.PluginInfo{Manifest: *s.plugins[id]}
			if s.enabled[id] {
				resp.Active = append(resp.Active, info)
			} else {
				resp.Inactive = append(resp.Inactive, info)
			}
		}
		return resp, plOK(), nil
	}
	fake.GetPluginStatusesFunc = func(context.Context) (model.PluginStatuses, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.err != nil {
			return nil, nil, s.err
		}
		if s.statuses != nil {
			return s.statuses, plOK(), nil
		}
		var out model.PluginStatuses
		for id, m := range s.plugins {
			st := model.PluginStateNotRunning
			if s.enabled[id] {
				st = model.PluginStateRunning
			}
			out = append(out, &model.PluginStatus{PluginId: id, Version: m.Version, State: st, Name: m.Name})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].PluginId < out[j].PluginId })
		return out, plOK(), nil
	}
	set := func(id string, on bool) (*model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.err != nil {
			return nil, s.err
		}
		if s.plugins[id] == nil {
			return nil, &client.Error{Status: http.StatusNotFound, ID: "app.plugin.not_installed.app_error", Message: "Plugin is not installed."}
		}
		s.enabled[id] = on
		return plOK(), nil
	}
	fake.EnablePluginFunc = func(_ context.Context, id string) (*model.Response, error) { return set(id, true) }
	fake.DisablePluginFunc = func(_ context.Context, id string) (*model.Response, error) { return set(id, false) }
	fake.RemovePluginFunc = func(_ context.Context, id string) (*model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.err != nil {
			return nil, s.err
		}
		delete(s.plugins, id)
		delete(s.enabled, id)
		return plOK(), nil
	}
	return s
}

// errPluginsOff is the server's answer when PluginSettings.Enable is off.
var errPluginsOff = &client.Error{Status: http.StatusNotImplemented, ID: "app.plugin.disabled.app_error",
	Message: "Plugins have been disabled. Please check your logs for details.", RequestID: "req1"}

// plEntry is one file of a test bundle; a name ending in "/" is a folder.
type plEntry struct{ name, body string }

// plBundle writes a .tar.gz bundle into dir and returns its path.
func plBundle(t *testing.T, dir, name string, entries ...plEntry) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		if strings.HasSuffix(e.name, "/") {
			hdr.Typeflag, hdr.Size = tar.TypeDir, 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// plGoodBundle is a valid webapp bundle of plugin id at version.
func plGoodBundle(t *testing.T, dir, id, version string) string {
	return plBundle(t, dir, id+".tar.gz",
		plEntry{name: id + "/plugin.json", body: `{"id":"` + id + `","name":"Plugin ` + id + `","version":"` + version +
			`","min_server_version":"7.0.0","webapp":{"bundle_path":"webapp/main.js"}}`},
		plEntry{name: id + "/webapp/main.js", body: "console.log('" + id + "')"})
}

// plCount is how many whole lines of s are line.
func plCount(s, line string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if l == line {
			n++
		}
	}
	return n
}
