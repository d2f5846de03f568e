// Package cmdutil holds what every command shares: the Factory of dependencies, typed errors
// and the exit-code mapping, credential resolution, and flag helpers.
package cmdutil

import (
	"fmt"
	"net/http"
	"time"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/prompt"
	"github.com/matterctl/matterctl/printer"
)

// DefaultSocketPath is where Mattermost's local mode listens unless configured otherwise.
const DefaultSocketPath = "/var/tmp/mattermost_local.socket"

// GlobalOptions are the root command's persistent flags.
type GlobalOptions struct {
	Server             string
	ConfigPath         string
	JSON               bool
	Format             string
	JQ                 string
	Local              bool
	Timeout            time.Duration
	Quiet              bool
	NoColor            bool
	InsecureSkipVerify bool
	CAFile             string
}

// Factory provides a command's dependencies. Fields that are functions are evaluated lazily,
// after flags are parsed, and tests replace them with fakes.
type Factory struct {
	IOStreams *iostreams.IOStreams
	Globals   *GlobalOptions
	Build     build.Info
	Getenv    func(string) string
	Prompter  prompt.Prompter

	// ConfigStore returns the credentials store selected by --config / MATTERCTL_CONFIG.
	ConfigStore func() (*config.Store, error)
	// Credentials resolves which server and token this run uses (see ResolveCredentials).
	Credentials func() (*Credentials, error)
	// Client returns the API client for the resolved credentials.
	Client func() (client.Client, error)
	// NewClient builds a client for explicit options (auth login, auth status per profile).
	NewClient func(opts client.Options) (client.Client, error)
	// HTTPClient returns a raw HTTP client and the base URL and token to use with it (api).
	HTTPClient func() (*http.Client, client.Options, error)
	// Printer returns the run's printer, built once from the format flags.
	Printer func() (*printer.Printer, error)
}

// New returns the production Factory.
func New(ios *iostreams.IOStreams, info build.Info, getenv func(string) string) *Factory {
	ios.SetNeverPrompt(getenv("MATTERCTL_NO_PROMPT") != "")
	f := &Factory{
		IOStreams: ios,
		Globals:   &GlobalOptions{Timeout: 30 * time.Second},
		Build:     info,
		Getenv:    getenv,
		Prompter:  &prompt.Huh{},
	}
	f.ConfigStore = func() (*config.Store, error) {
		path := f.Globals.ConfigPath
		if path == "" {
			var err error
			if path, err = config.DefaultPath(); err != nil {
				return nil, err
			}
		}
		s := config.NewStore(path)
		s.Warn = func(msg string) { fmt.Fprintln(f.IOStreams.ErrOut, msg) }
		return s, nil
	}
	f.Credentials = func() (*Credentials, error) { return ResolveCredentials(f) }
	f.NewClient = func(opts client.Options) (client.Client, error) { return client.New(opts) }
	f.Client = func() (client.Client, error) {
		creds, err := f.Credentials()
		if err != nil {
			return nil, err
		}
		opts, err := f.ClientOptions(creds)
		if err != nil {
			return nil, err
		}
		return f.NewClient(opts)
	}
	f.HTTPClient = func() (*http.Client, client.Options, error) {
		creds, err := f.Credentials()
		if err != nil {
			return nil, client.Options{}, err
		}
		opts, err := f.ClientOptions(creds)
		if err != nil {
			return nil, client.Options{}, err
		}
		hc, err := client.NewHTTPClient(opts)
		return hc, opts, err
	}
	var p *printer.Printer
	f.Printer = func() (*printer.Printer, error) {
		if p != nil {
			return p, nil
		}
		var err error
		p, err = printer.New(f.IOStreams, printer.Options{Format: f.Globals.Format, JSON: f.Globals.JSON, JQ: f.Globals.JQ, Quiet: f.Globals.Quiet})
		if err != nil {
			return nil, &FlagError{Err: err}
		}
		return p, nil
	}
	return f
}

// UserAgent is the User-Agent every request carries.
func (f *Factory) UserAgent() string { return "matterctl/" + f.Build.Version }

// ClientOptions turns resolved credentials plus the global connection flags into client options.
func (f *Factory) ClientOptions(c *Credentials) (client.Options, error) {
	opts := client.Options{
		URL:                c.URL,
		Token:              c.Token,
		Timeout:            f.Globals.Timeout,
		InsecureSkipVerify: f.Globals.InsecureSkipVerify || c.InsecureSkipVerify,
		CAFile:             c.CAFile,
		UserAgent:          f.UserAgent(),
	}
	if f.Globals.CAFile != "" {
		opts.CAFile = f.Globals.CAFile
	}
	if c.SocketPath != "" {
		if err := client.CheckSocket(c.SocketPath); err != nil {
			return opts, err
		}
		opts.SocketPath = c.SocketPath
	}
	return opts, nil
}
