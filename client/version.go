package client

import "strings"

// ServerVersion extracts the semantic version from a Mattermost X-Version-Id header value,
// which reads "<version>.<build number>.<build hash>.<enterprise>" (e.g.
// "7.8.0..53862573febcd83a223e29945a9117ae.false"). Values it does not recognise are returned
// unchanged, so an odd header never breaks a command.
func ServerVersion(header string) string {
	parts := strings.SplitN(header, ".", 4)
	if len(parts) < 3 {
		return header
	}
	for _, p := range parts[:3] {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return header
		}
	}
	return strings.Join(parts[:3], ".")
}
