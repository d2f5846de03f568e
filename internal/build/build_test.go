package build

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

func TestCurrent(t *testing.T) {
	info := Current()
	if info.Version == "" {
		t.Error("Version is empty")
	}
	if info.GoVersion != runtime.Version() {
		t.Errorf("GoVersion = %q, want %q", info.GoVersion, runtime.Version())
	}
	if want := runtime.GOOS + "/" + runtime.GOARCH; info.Platform != want {
		t.Errorf("Platform = %q, want %q", info.Platform, want)
	}
}

func TestCurrentPrefersStampedValues(t *testing.T) {
	oldV, oldC, oldD := Version, Commit, Date
	t.Cleanup(func() { Version, Commit, Date = oldV, oldC, oldD })
	Version, Commit, Date = "v1.2.3", "abc123", "2025-01-02T03:04:05Z"

	info := Current()
	if info.Version != "v1.2.3" || info.Commit != "abc123" || info.Date != "2025-01-02T03:04:05Z" {
		t.Errorf("Current() = %+v, want the stamped values", info)
	}
}

func TestInfoJSON(t *testing.T) {
	b, err := json.Marshal(Info{Version: "v1", GoVersion: "go1.x", Platform: "linux/amd64"})
	if err != nil {
		t.Fatal(err)
	}
	got := string(b)
	if got != `{"version":"v1","go_version":"go1.x","platform":"linux/amd64"}` {
		t.Errorf("JSON = %s", got)
	}
	if strings.Contains(got, "commit") || strings.Contains(got, "date") {
		t.Error("empty commit and date must be omitted")
	}
}
