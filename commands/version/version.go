// Package version implements `matterctl version`.
package version

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/build"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// serverProbeTimeout bounds how long `version` waits for the server's answer.
const serverProbeTimeout = 5 * time.Second

// Options for `matterctl version`.
type Options struct {
	IO          *iostreams.IOStreams
	Printer     func() (*printer.Printer, error)
	Credentials func() (*cmdutil.Credentials, error)
	Client      func() (client.Client, error)
	Build       build.Info
}

// Result is the JSON document of `version --json`.
type Result struct {
	build.Info
	Server *ServerInfo `json:"server,omitempty"`
}

// ServerInfo describes the server of the profile in use.
type ServerInfo struct {
	URL       string `json:"url"`
	Profile   string `json:"profile,omitempty"`
	Version   string `json:"version,omitempty"`
	Reachable bool   `json:"reachable"`
	Error     string `json:"error,omitempty"`
}

// NewCmdVersion builds `matterctl version`.
func NewCmdVersion(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Printer: f.Printer, Credentials: f.Credentials, Client: f.Client, Build: f.Build}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the matterctl version (with --json, also the server's)",
		Args:  cobra.NoArgs,
		Example: `  matterctl version
  matterctl version --json --jq .server.version`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return versionRun(cmd.Context(), opts)
		},
	}
}

func versionRun(ctx context.Context, opts *Options) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	res := Result{Info: opts.Build}
	// Only the JSON form asks the server, so that a plain `version` never waits on the network.
	if p.Structured() {
		res.Server = probeServer(ctx, opts)
	}
	fields := []printer.Field{
		{Name: "version", Value: res.Version},
		{Name: "commit", Value: res.Commit},
		{Name: "built", Value: res.Date},
		{Name: "go", Value: res.GoVersion},
		{Name: "platform", Value: res.Platform},
	}
	if s := res.Server; s != nil {
		v := s.Version
		if !s.Reachable {
			v = "unreachable: " + s.Error
		}
		fields = append(fields, printer.Field{Name: "server", Value: s.URL}, printer.Field{Name: "server version", Value: v})
	}
	return p.Object(res, fields)
}

// probeServer asks the server of the credentials in use for its version. It never fails the
// command: no credentials means no server section, an unreachable server is reported as such.
func probeServer(ctx context.Context, opts *Options) *ServerInfo {
	creds, err := opts.Credentials()
	if err != nil {
		return nil
	}
	info := &ServerInfo{URL: creds.URL, Profile: creds.ProfileName}
	if creds.SocketPath != "" {
		info.URL = "local:" + creds.SocketPath
	}
	c, err := opts.Client()
	if err != nil {
		info.Error = err.Error()
		return info
	}
	ctx, cancel := context.WithTimeout(ctx, serverProbeTimeout)
	defer cancel()
	resp, err := client.Ping(ctx, c)
	if err != nil {
		info.Error = err.Error()
		return info
	}
	info.Reachable = true
	if resp != nil {
		info.Version = client.ServerVersion(resp.ServerVersion)
	}
	return info
}
