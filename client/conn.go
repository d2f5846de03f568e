package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/mattermost/mattermost/server/public/model"
)

const (
	defaultTimeout      = 30 * time.Second
	defaultMaxRetries   = 3
	defaultRetryMaxWait = 20 * time.Second

	// socketBaseURL is the base URL model.NewAPIv4SocketClient uses: the host is a placeholder
	// because every connection is dialled to the socket whatever the URL says.
	socketBaseURL = "http://_"
)

// Options configure how matterctl connects to one server.
type Options struct {
	// URL is the server's base URL, e.g. https://mm.example.com (no /api/v4). Ignored when
	// SocketPath is set.
	URL string
	// Token is the bearer token; empty for unauthenticated calls such as login.
	Token string
	// SocketPath selects local mode: HTTP over this unix socket, base URL "http://_".
	SocketPath string
	// Timeout bounds one call including its retries (http.Client.Timeout); 0 means 30s.
	Timeout time.Duration
	// InsecureSkipVerify disables TLS certificate verification (lab servers only).
	InsecureSkipVerify bool
	// CAFile is a PEM bundle trusted in addition to the system roots.
	CAFile string
	// UserAgent is sent on every request, e.g. "matterctl/1.2.3".
	UserAgent string
	// MaxRetries caps retries of idempotent requests; 0 means 3, negative disables retries.
	MaxRetries int
	// RetryMaxWait caps the total time spent waiting between retries of one call; 0 means 20s.
	RetryMaxWait time.Duration
}

// BaseURL is the server URL requests are built on: "http://_" in local mode, else URL without
// trailing slashes.
func (o Options) BaseURL() string {
	if o.SocketPath != "" {
		return socketBaseURL
	}
	return strings.TrimRight(o.URL, "/")
}

func (o Options) timeout() time.Duration {
	if o.Timeout <= 0 {
		return defaultTimeout
	}
	return o.Timeout
}

func (o Options) maxRetries() int {
	switch {
	case o.MaxRetries == 0:
		return defaultMaxRetries
	case o.MaxRetries < 0:
		return 0
	}
	return o.MaxRetries
}

func (o Options) retryMaxWait() time.Duration {
	if o.RetryMaxWait <= 0 {
		return defaultRetryMaxWait
	}
	return o.RetryMaxWait
}

// New returns a *model.Client4 for opts that talks through matterctl's transport (User-Agent,
// TLS settings, retries, error normalisation).
func New(opts Options) (*model.Client4, error) {
	if opts.SocketPath == "" {
		if err := validateURL(opts.URL); err != nil {
			return nil, err
		}
	}
	hc, err := NewHTTPClient(opts)
	if err != nil {
		return nil, err
	}
	c := model.NewAPIv4Client(opts.BaseURL())
	c.HTTPClient = hc
	c.SetToken(opts.Token)
	return c, nil
}

func validateURL(raw string) error {
	if raw == "" {
		return errors.New("no server URL given")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the URL, which may carry credentials.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("invalid server URL: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("invalid server URL %q: the scheme must be http or https", u.Redacted())
	}
	if u.Host == "" {
		return fmt.Errorf("invalid server URL %q: no host", u.Redacted())
	}
	return nil
}

// NewHTTPClient returns the HTTP client every matterctl request goes through. Its transport
// sets the User-Agent, retries idempotent requests on transient failures and turns non-JSON
// error bodies into Mattermost-shaped errors; see transport.go.
func NewHTTPClient(opts Options) (*http.Client, error) {
	base, err := baseTransport(opts)
	if err != nil {
		return nil, err
	}
	return &http.Client{
		Transport: newTransport(base, opts),
		Timeout:   opts.timeout(),
	}, nil
}

func baseTransport(opts Options) (*http.Transport, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if opts.SocketPath != "" {
		path := opts.SocketPath
		var d net.Dialer
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", path)
		}
		// The placeholder host must never be sent to a proxy, and a socket has no TLS.
		tr.Proxy = nil
		tr.TLSClientConfig = nil
		return tr, nil
	}
	tlsConfig, err := tlsConfig(opts)
	if err != nil {
		return nil, err
	}
	tr.Proxy = http.ProxyFromEnvironment
	tr.TLSClientConfig = tlsConfig
	return tr, nil
}

func tlsConfig(opts Options) (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: opts.InsecureSkipVerify, //nolint:gosec // explicit user choice (--insecure-skip-verify)
	}
	if opts.CAFile == "" {
		return cfg, nil
	}
	pem, err := os.ReadFile(opts.CAFile)
	if err != nil {
		return nil, fmt.Errorf("reading CA file %s: %w", opts.CAFile, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s contains no PEM certificates", opts.CAFile)
	}
	cfg.RootCAs = pool
	return cfg, nil
}

// CheckSocket verifies that path is a local-mode socket matterctl may trust, as mmctl does: it
// must exist, be a socket and, where the OS has unix permissions, have mode 0600 and belong to
// the calling user (root may use any owner's socket).
func CheckSocket(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("socket %s does not exist; is ServiceSettings.EnableLocalMode on and is the server running on this machine?", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("cannot access socket %s: permission denied; run matterctl as the user the Mattermost server runs as", path)
	case err != nil:
		return fmt.Errorf("cannot access socket %s: %w", path, err)
	}
	if fi.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("%s is not a socket; check the path against ServiceSettings.LocalModeSocketLocation", path)
	}
	return checkSocketAccess(path, fi)
}
