// Package build holds the version information stamped in by the linker.
package build

import (
	"runtime"
	"runtime/debug"
)

// Set with -ldflags "-X github.com/matterctl/matterctl/internal/build.Version=..." by the Makefile
// and GoReleaser.
var (
	Version = "dev"
	Commit  = ""
	Date    = ""
)

// Info is the build description printed by `matterctl version`.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit,omitempty"`
	Date      string `json:"date,omitempty"`
	GoVersion string `json:"go_version"`
	Platform  string `json:"platform"`
}

// Current returns the linker-stamped values, falling back to the module build info for
// `go install` builds that were not stamped.
func Current() Info {
	info := Info{Version: Version, Commit: Commit, Date: Date, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if info.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && info.Commit == "":
				info.Commit = s.Value
			case s.Key == "vcs.time" && info.Date == "":
				info.Date = s.Value
			}
		}
	}
	return info
}
