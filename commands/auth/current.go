package auth

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/printer"
)

// CurrentOptions are the inputs of `auth current`.
type CurrentOptions struct {
	F *cmdutil.Factory
}

// CurrentView is the JSON shape of `auth current`: the credentials this run would use.
type CurrentView struct {
	Name     string `json:"name,omitempty"`
	URL      string `json:"url"`
	Username string `json:"username,omitempty"`
	Method   string `json:"method,omitempty"`
	Source   string `json:"source"`
}

// NewCmdCurrent builds `auth current`.
func NewCmdCurrent(f *cmdutil.Factory, runF func(context.Context, *CurrentOptions) error) *cobra.Command {
	opts := &CurrentOptions{F: f}
	return &cobra.Command{
		Use:   "current",
		Short: "Show the credentials commands use now, and where they come from",
		Long: `Show the credentials commands use now, and where they come from: --server, the
MATTERCTL_URL/MATTERCTL_TOKEN or MATTERCTL_SERVER environment variables, or the current profile.
Exits with code 4 when there are none.`,
		Example: `  matterctl auth current
  matterctl auth current --json --jq .source`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return currentRun(cmd.Context(), opts)
		},
	}
}

func currentRun(_ context.Context, opts *CurrentOptions) error {
	p, err := opts.F.Printer()
	if err != nil {
		return err
	}
	creds, err := opts.F.Credentials()
	if err != nil {
		return err
	}
	v := CurrentView{Name: creds.ProfileName, URL: creds.URL, Username: creds.Username, Method: creds.AuthMethod, Source: creds.Source}
	if creds.SocketPath != "" {
		v.URL = "unix://" + creds.SocketPath
	}
	return p.Object(v, []printer.Field{
		{Name: "name", Value: v.Name},
		{Name: "url", Value: v.URL},
		{Name: "username", Value: v.Username},
		{Name: "method", Value: v.Method},
		{Name: "source", Value: v.Source},
	})
}
