package harness

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/crypto/openpgp" //nolint:staticcheck // what the server verifies with
)

func TestMarketplace(t *testing.T) {
	m, err := NewMarketplace()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	dir := t.TempDir()
	bundle := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	signer, err := NewPluginSigner()
	if err != nil {
		t.Fatal(err)
	}
	old := bundle("a1.tar.gz", "alpha 1")
	for _, add := range []struct {
		path     string
		manifest map[string]any
	}{
		{old, map[string]any{"id": "alpha", "version": "1.0.0", "name": "Alpha"}},
		{bundle("a2.tar.gz", "alpha 2"), map[string]any{"id": "alpha", "version": "1.10.0", "name": "Alpha"}},
		{bundle("b.tar.gz", "beta"), map[string]any{"id": "beta", "version": "0.1.0", "name": "Beta", "description": "second"}},
		{bundle("c.tar.gz", "gamma"), map[string]any{"id": "gamma", "version": "0.1.0", "min_server_version": "99.0.0"}},
	} {
		if _, err := m.AddBundle(add.path, add.manifest, signer); err != nil {
			t.Fatal(err)
		}
	}
	type listing struct {
		DownloadURL string         `json:"download_url"`
		Signature   string         `json:"signature"`
		Manifest    map[string]any `json:"manifest"`
	}
	list := func(query string) []listing {
		t.Helper()
		resp, err := http.Get(m.URL + "/api/v1/plugins?" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out []listing
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	versions := func(ls []listing) []string {
		var v []string
		for _, l := range ls {
			v = append(v, l.Manifest["id"].(string)+"@"+l.Manifest["version"].(string))
		}
		return v
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"server_version=7.8.0", []string{"alpha@1.10.0", "beta@0.1.0"}},
		{"server_version=7.8.0&return_all_versions=true", []string{"alpha@1.10.0", "alpha@1.0.0", "beta@0.1.0"}},
		{"", []string{"alpha@1.10.0", "beta@0.1.0", "gamma@0.1.0"}},
		{"server_version=7.8.0&filter=SECOND", []string{"beta@0.1.0"}},
		{"server_version=7.8.0&plugin_id=alpha&return_all_versions=true", []string{"alpha@1.10.0", "alpha@1.0.0"}},
		{"server_version=7.8.0&page=1&per_page=1", []string{"beta@0.1.0"}},
		{"server_version=7.8.0&page=2&per_page=1", nil},
	} {
		if got := versions(list(c.query)); len(got) != len(c.want) || (len(got) > 0 && !slices.Equal(got, c.want)) {
			t.Errorf("?%s: %v, want %v", c.query, got, c.want)
		}
	}

	// The download and the signature: what the server checks.
	ls := list("plugin_id=alpha&return_all_versions=true")
	l := ls[1]
	resp, err := http.Get(l.DownloadURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "alpha 1" {
		t.Fatalf("download %s: %q", l.DownloadURL, body)
	}
	sig, err := base64.StdEncoding.DecodeString(l.Signature)
	if err != nil {
		t.Fatal(err)
	}
	keyring, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(signer.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openpgp.CheckDetachedSignature(keyring, bytes.NewReader(body), bytes.NewReader(sig)); err != nil {
		t.Errorf("the signature does not verify: %v", err)
	}
	if _, err := openpgp.CheckDetachedSignature(keyring, bytes.NewReader([]byte("alpha 2")), bytes.NewReader(sig)); err == nil {
		t.Error("the signature verifies another file")
	}
	if resp, err := http.Get(m.URL + "/bundles/nope.tar.gz"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown bundle: %v %v", resp, err)
	}
	reqs := m.Requests()
	if len(reqs) < 10 || reqs[0].Path != "/api/v1/plugins" || reqs[0].Query["server_version"] != "7.8.0" || reqs[len(reqs)-1].Status != http.StatusNotFound {
		t.Errorf("requests %+v", reqs)
	}
}
