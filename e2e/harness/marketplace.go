package harness

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/semver"
)

// Marketplace is a plugin marketplace on loopback, in the test process: the API the
// Mattermost server calls at PluginSettings.MarketplaceURL (GET /api/v1/plugins, whose answer
// is a list of model.BaseMarketplacePlugin) and the bundles it links to (GET /bundles/NAME),
// which also serve `plugin install-url`.
type Marketplace struct {
	URL string // http://127.0.0.1:PORT

	srv *http.Server
	ln  net.Listener

	mu       sync.Mutex
	plugins  []*marketplaceEntry
	requests []MarketplaceRequest
}

// MarketplaceRequest is one request the marketplace answered.
type MarketplaceRequest struct {
	Method, Path string
	Query        map[string]string // first value of each parameter
	Status       int
}

type marketplaceEntry struct {
	listing  map[string]any // a model.BaseMarketplacePlugin
	id       string
	version  string
	name     string
	desc     string
	bundle   string // the file served
	fileName string
}

// NewMarketplace starts a marketplace on 127.0.0.1 with no plugins.
func NewMarketplace() (*Marketplace, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	m := &Marketplace{URL: "http://" + ln.Addr().String(), ln: ln}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/plugins", m.list)
	mux.HandleFunc("GET /bundles/{name}", m.download)
	m.srv = &http.Server{Handler: m.record(mux)}
	go func() { _ = m.srv.Serve(ln) }()
	return m, nil
}

// Close stops the marketplace.
func (m *Marketplace) Close() error { return m.srv.Close() }

// Add lists the bundle of fx (its manifest, a download URL on this marketplace) and, when
// signer is not nil, the bundle's signature, as the real marketplace does. It returns the
// bundle's download URL.
func (m *Marketplace) Add(fx *PluginFixture, signer *PluginSigner) (string, error) {
	return m.AddBundle(fx.Bundle, fx.Manifest, signer)
}

// AddBundle lists the bundle file at path with manifest (see Add).
func (m *Marketplace) AddBundle(path string, manifest map[string]any, signer *PluginSigner) (string, error) {
	id, _ := manifest["id"].(string)
	version, _ := manifest["version"].(string)
	if id == "" || version == "" {
		return "", fmt.Errorf("marketplace: the manifest needs an id and a version")
	}
	if _, err := os.Stat(path); err != nil {
		return "", err
	}
	e := &marketplaceEntry{id: id, version: version, bundle: path, fileName: id + "-" + version + ".tar.gz"}
	e.name, _ = manifest["name"].(string)
	e.desc, _ = manifest["description"].(string)
	downloadURL := m.URL + "/bundles/" + e.fileName
	e.listing = map[string]any{
		"homepage_url":      "https://example.com/" + id,
		"icon_data":         "",
		"download_url":      downloadURL,
		"release_notes_url": "",
		"hosting":           "",
		"author_type":       "community",
		"release_stage":     "production",
		"enterprise":        false,
		"signature":         "",
		"manifest":          manifest,
	}
	if signer != nil {
		sig, err := signer.Sign(path)
		if err != nil {
			return "", err
		}
		e.listing["signature"] = base64.StdEncoding.EncodeToString(sig)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, p := range m.plugins {
		if p.id == id && p.version == version {
			m.plugins[i] = e
			return downloadURL, nil
		}
	}
	m.plugins = append(m.plugins, e)
	return downloadURL, nil
}

// Requests returns the requests answered so far.
func (m *Marketplace) Requests() []MarketplaceRequest {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]MarketplaceRequest(nil), m.requests...)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (m *Marketplace) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		q := map[string]string{}
		for k, v := range r.URL.Query() {
			q[k] = v[0]
		}
		m.mu.Lock()
		m.requests = append(m.requests, MarketplaceRequest{Method: r.Method, Path: r.URL.Path, Query: q, Status: rec.status})
		m.mu.Unlock()
	})
}

// list answers GET /api/v1/plugins with the parameters of model.MarketplacePluginFilter:
// filter (a substring of the ID, name or description), plugin_id, return_all_versions (else
// the latest version of each plugin only), server_version (plugins whose min_server_version
// is above it are left out), page and per_page (when given).
func (m *Marketplace) list(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter := strings.ToLower(q.Get("filter"))
	pluginID := q.Get("plugin_id")
	allVersions := q.Get("return_all_versions") == "true"
	serverVersion := q.Get("server_version")

	m.mu.Lock()
	var match []*marketplaceEntry
	for _, p := range m.plugins {
		if pluginID != "" && p.id != pluginID {
			continue
		}
		if filter != "" && !strings.Contains(strings.ToLower(p.id+" "+p.name+" "+p.desc), filter) {
			continue
		}
		if minVersion, _ := p.listing["manifest"].(map[string]any)["min_server_version"].(string); minVersion != "" && serverVersion != "" &&
			semver.Compare("v"+minVersion, "v"+serverVersion) > 0 {
			continue
		}
		match = append(match, p)
	}
	m.mu.Unlock()
	sort.SliceStable(match, func(i, j int) bool {
		if match[i].id != match[j].id {
			return match[i].id < match[j].id
		}
		return semver.Compare("v"+match[i].version, "v"+match[j].version) > 0 // newest first
	})
	if !allVersions {
		var latest []*marketplaceEntry
		for i, p := range match {
			if i == 0 || match[i-1].id != p.id {
				latest = append(latest, p)
			}
		}
		match = latest
	}
	page, _ := strconv.Atoi(q.Get("page"))
	if perPage, err := strconv.Atoi(q.Get("per_page")); err == nil && perPage > 0 {
		start := min(max(page, 0)*perPage, len(match))
		match = match[start:min(start+perPage, len(match))]
	}
	out := make([]map[string]any, 0, len(match))
	for _, p := range match {
		out = append(out, p.listing)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(out)
}

// download serves a listed bundle.
func (m *Marketplace) download(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	m.mu.Lock()
	var path string
	for _, p := range m.plugins {
		if p.fileName == name {
			path = p.bundle
		}
	}
	m.mu.Unlock()
	if path == "" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/gzip")
	http.ServeFile(w, r, path)
}
