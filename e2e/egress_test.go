//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/matterctl/matterctl/e2e/harness"
)

// TestServerStaysOnLoopback: nothing leaves the machine. The sandbox server must not reach for
// any address off loopback (the public plugin marketplace, telemetry, security-update checks,
// product notices, ...): not while it started (the harness sampled its sockets then), not since
// the suite began (a sampler runs from TestMain, which checks again after the last test), not
// now, and not in its log, where the attempts that failed (no public DNS here) are recorded.
func TestServerStaysOnLoopback(t *testing.T) {
	for _, f := range egressFindings() {
		t.Error(f)
	}
	if err := egress.Err(); err != nil {
		t.Errorf("sampling the server's sockets: %v", err)
	}
}

// egressFindings lists every sign that the server reached off loopback.
func egressFindings() []string {
	var found []string
	if st, err := srv.State(); err != nil {
		found = append(found, "reading the sandbox state: "+err.Error())
	} else {
		for _, c := range st.EgressAtStart {
			found = append(found, "while starting: "+c)
		}
	}
	for _, c := range append(egressBeforeRestart, egress.Sample()...) {
		found = append(found, "during the run: "+c)
	}
	f, err := os.Open(srv.LogFile)
	if err != nil {
		return append(found, "reading the server log: "+err.Error())
	}
	defer f.Close()
	for _, l := range harness.ScanLogForEgress(f) {
		found = append(found, "in the server log: "+l)
	}
	return found
}

// TestServerSettingsStayOffline checks the settings behind TestServerStaysOnLoopback as the
// server applies them, so a change to the harness that turns one on is named.
func TestServerSettingsStayOffline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, body, err := srv.API(ctx, http.MethodGet, "/api/v4/config", nil, adminToken)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/v4/config: %v %s", err, body)
	}
	var cfg map[string]map[string]any
	if err := json.Unmarshal(body, &cfg); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		section, key string
		want         any
	}{
		{"ServiceSettings", "EnableSecurityFixAlert", false},
		{"LogSettings", "EnableDiagnostics", false},
		{"LogSettings", "EnableSentry", false},
		{"AnnouncementSettings", "AdminNoticesEnabled", false},
		{"AnnouncementSettings", "UserNoticesEnabled", false},
		{"AnnouncementSettings", "NoticesURL", "http://127.0.0.1:9"},
		{"EmailSettings", "SendPushNotifications", false},
		{"EmailSettings", "PushNotificationServer", "http://127.0.0.1:9"},
		{"ServiceSettings", "EnableLinkPreviews", false},
		{"ServiceSettings", "EnableGifPicker", false},
		{"ImageProxySettings", "Enable", false},
	} {
		if got := cfg[c.section][c.key]; got != c.want {
			t.Errorf("%s.%s = %v, want %v", c.section, c.key, got, c.want)
		}
	}
	// The plugin marketplace: off, on loopback port 9, unless a test points it at a loopback
	// marketplace of its own (it restores these when it ends); never off the machine.
	ps := cfg["PluginSettings"]
	marketplace, _ := ps["MarketplaceURL"].(string)
	u, err := url.Parse(marketplace)
	if err != nil || !slices.Contains([]string{"127.0.0.1", "localhost", "::1"}, u.Hostname()) {
		t.Errorf("PluginSettings.MarketplaceURL = %q, want a loopback URL", marketplace)
	}
	if marketplace == "http://127.0.0.1:9" {
		for _, k := range []string{"EnableMarketplace", "EnableRemoteMarketplace"} {
			if ps[k] != false {
				t.Errorf("PluginSettings.%s = %v, want false", k, ps[k])
			}
		}
	}
}
