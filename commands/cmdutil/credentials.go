package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/matterctl/matterctl/internal/config"
)

// Credential sources, as reported by `auth status` and `help environment`.
const (
	SourceLocal   = "--local"
	SourceFlag    = "--server"
	SourceEnv     = "MATTERCTL_URL/MATTERCTL_TOKEN"
	SourceEnvName = "MATTERCTL_SERVER"
	SourceCurrent = "current profile"
)

// Credentials are the server and token one run talks to.
type Credentials struct {
	Source             string
	ProfileName        string // "" for env credentials and local mode
	URL                string
	Token              string
	Username           string
	AuthMethod         string
	SocketPath         string // set in local mode
	InsecureSkipVerify bool
	CAFile             string
}

// ErrNoCredentials tells the user how to log in. Exit code 4.
var ErrNoCredentials = &AuthError{Err: errors.New("no credentials: run `matterctl auth login` (or set MATTERCTL_URL and MATTERCTL_TOKEN, or use --local on the server host)")}

// ResolveCredentials applies the documented precedence:
// --local > --server NAME > MATTERCTL_URL + MATTERCTL_TOKEN > MATTERCTL_SERVER > current profile.
// It never falls back to local mode.
func ResolveCredentials(f *Factory) (*Credentials, error) {
	g := f.Globals
	if g.Local {
		path := f.Getenv("MATTERCTL_LOCAL_SOCKET")
		if path == "" {
			path = DefaultSocketPath
		}
		return &Credentials{Source: SourceLocal, SocketPath: path, URL: "http://_"}, nil
	}
	if g.Server != "" {
		return profileCredentials(f, g.Server, SourceFlag)
	}
	envURL, envToken := strings.TrimSpace(f.Getenv("MATTERCTL_URL")), strings.TrimSpace(f.Getenv("MATTERCTL_TOKEN"))
	switch {
	case envURL != "" && envToken != "":
		u, err := NormalizeURL(envURL)
		if err != nil {
			return nil, fmt.Errorf("MATTERCTL_URL: %w", err)
		}
		if err := CheckToken(envToken, "MATTERCTL_TOKEN"); err != nil {
			return nil, &AuthError{Err: err}
		}
		return &Credentials{Source: SourceEnv, URL: u, Token: envToken, AuthMethod: config.MethodToken}, nil
	case envURL != "":
		return nil, &AuthError{Err: errors.New("MATTERCTL_URL is set but MATTERCTL_TOKEN is not: set both, or unset MATTERCTL_URL to use a stored profile")}
	case envToken != "":
		return nil, &AuthError{Err: errors.New("MATTERCTL_TOKEN is set but MATTERCTL_URL is not: set both, or unset MATTERCTL_TOKEN to use a stored profile")}
	}
	if name := strings.TrimSpace(f.Getenv("MATTERCTL_SERVER")); name != "" {
		return profileCredentials(f, name, SourceEnvName)
	}
	return profileCredentials(f, "", SourceCurrent)
}

func profileCredentials(f *Factory, name, source string) (*Credentials, error) {
	store, err := f.ConfigStore()
	if err != nil {
		return nil, err
	}
	file, err := store.Load()
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = file.Current
		if name == "" {
			if len(file.Profiles) > 0 {
				return nil, &AuthError{Err: fmt.Errorf("no current profile: run `matterctl auth set NAME` (profiles: %s) or pass --server NAME", strings.Join(file.Names(), ", "))}
			}
			return nil, ErrNoCredentials
		}
	}
	p, ok := file.Get(name)
	if !ok {
		msg := fmt.Sprintf("no profile named %q (from %s)", name, source)
		if names := file.Names(); len(names) > 0 {
			msg += "; profiles: " + strings.Join(names, ", ")
		} else {
			msg += "; run `matterctl auth login`"
		}
		return nil, &AuthError{Err: errors.New(msg)}
	}
	return &Credentials{
		Source: source, ProfileName: p.Name, URL: p.URL, Token: p.Token, Username: p.Username,
		AuthMethod: p.AuthMethod, InsecureSkipVerify: p.InsecureSkipVerify, CAFile: p.CAFile,
	}, nil
}

// CheckToken refuses a token that cannot be one before it is sent: Mattermost tokens are
// letters and digits, and a control character or a non-ASCII byte (a binary file given as the
// token, a stray escape sequence) would fail as a malformed request far from its cause. from
// names where the token came from. The token is never quoted.
func CheckToken(token, from string) error {
	for i := 0; i < len(token); i++ {
		if c := token[i]; c <= ' ' || c >= 0x7f {
			return fmt.Errorf("%s does not hold a token: it has a control character, a space or a non-ASCII byte at byte %d", from, i+1)
		}
	}
	return nil
}
