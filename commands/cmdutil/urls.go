package cmdutil

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// NormalizeURL validates a server URL given by a user and returns it without a trailing slash
// or /api/v4 suffix. A bare host gets https://.
func NormalizeURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", errors.New("empty server URL")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("invalid server URL %q: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("invalid server URL %q: the scheme must be http or https", raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("invalid server URL %q: no host", raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("invalid server URL %q: credentials in the URL are not accepted", u.Redacted())
	}
	u.RawQuery, u.Fragment = "", ""
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/api/v4")
	return strings.TrimRight(u.String(), "/"), nil
}
