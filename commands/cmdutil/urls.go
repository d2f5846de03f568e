package cmdutil

import (
	"errors"
	"fmt"
	"net"
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
	// Every message quotes the URL with any user:password part hidden: the URL may be pasted
	// from a browser bar and the error may end up in a CI log.
	shown := redactUserinfo(s)
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		var urlErr *url.Error
		switch {
		case strings.Contains(s, "@"):
			// The parser's detail can quote part of a password that made the URL unparsable.
			return "", fmt.Errorf("invalid server URL %q", shown)
		case errors.As(err, &urlErr):
			return "", fmt.Errorf("invalid server URL %q: %v", shown, urlErr.Err)
		}
		return "", fmt.Errorf("invalid server URL %q: %v", shown, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("invalid server URL %q: the scheme must be http or https", shown)
	}
	if u.Host == "" {
		return "", fmt.Errorf("invalid server URL %q: no host", shown)
	}
	if u.User != nil {
		return "", fmt.Errorf("invalid server URL %q: credentials in the URL are not accepted", shown)
	}
	u.RawQuery, u.Fragment = "", ""
	// Every /api/v4 suffix goes, so that a normalised URL normalises to itself.
	p := strings.TrimRight(u.Path, "/")
	for strings.HasSuffix(p, "/api/v4") {
		p = strings.TrimRight(strings.TrimSuffix(p, "/api/v4"), "/")
	}
	u.Path = p
	out := strings.TrimRight(u.String(), "/")
	// url.URL.String can write what url.Parse refuses (a non-ASCII IPv6 zone).
	if _, err := url.Parse(out); err != nil {
		return "", fmt.Errorf("invalid server URL %q: the host is not valid", shown)
	}
	return out, nil
}

// redactUserinfo hides everything between the scheme and the last '@'. It works on the raw
// string, not a parsed URL, so that it also covers URLs that do not parse (a password with a
// '/' or a space in it).
func redactUserinfo(s string) string {
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return s
	}
	start := 0
	if i := strings.Index(s, "://"); i >= 0 && i < at {
		start = i + len("://")
	}
	return s[:start] + "xxxxx" + s[at:]
}

// TransportWarnings returns the warnings for sending credentials to serverURL (a URL that
// NormalizeURL accepted): plain http:// to a host that is not loopback, where the password and
// the token travel unencrypted, and a TLS certificate left unverified.
func TransportWarnings(serverURL string, insecureSkipVerify bool) []string {
	var out []string
	u, err := url.Parse(serverURL)
	if err == nil && u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		// The host as the URL writes it: non-ASCII bytes stay escaped, never raw on a terminal.
		host := strings.TrimPrefix((&url.URL{Host: u.Host}).String(), "//")
		out = append(out, fmt.Sprintf("warning: %s is plain http: the password and the token will travel unencrypted; use https://", host))
	}
	if insecureSkipVerify && (err != nil || u.Scheme == "https") {
		out = append(out, "warning: --insecure-skip-verify: the server's TLS certificate is not verified, so anyone on the path can read the token; use --ca-file FILE instead")
	}
	return out
}

// isLoopbackHost reports whether host (without port) is localhost or a loopback address.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
