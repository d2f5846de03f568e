package auth

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/printer"
)

// StatusOptions are the inputs of `auth status`.
type StatusOptions struct {
	F *cmdutil.Factory
}

// StatusView is one checked credential in `auth status`.
type StatusView struct {
	Name          string `json:"name,omitempty"`
	URL           string `json:"url"`
	Source        string `json:"source,omitempty"`
	InUse         bool   `json:"in_use"`
	Method        string `json:"method,omitempty"`
	Valid         bool   `json:"valid"`
	Username      string `json:"username,omitempty"`
	UserID        string `json:"user_id,omitempty"`
	Roles         string `json:"roles,omitempty"`
	ServerVersion string `json:"server_version,omitempty"`
	Error         string `json:"error,omitempty"`
}

// statusParallel bounds how many servers are checked at once.
const statusParallel = 8

// NewCmdStatus builds `auth status`.
func NewCmdStatus(f *cmdutil.Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{F: f}
	return &cobra.Command{
		Use:   "status",
		Short: "Check every stored profile (and environment credentials) against its server",
		Long: `Check every stored profile, and the environment credentials when set, against its server:
the user, the roles, the server version and whether the token is still valid.

Exits with code 4 when the credentials in use are not valid; other bad profiles are reported
but do not change the exit code.`,
		Example: `  matterctl auth status
  matterctl auth status --json --jq '.[] | select(.valid | not) | .name'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	f := opts.F
	p, err := f.Printer()
	if err != nil {
		return err
	}
	store, err := f.ConfigStore()
	if err != nil {
		return err
	}
	file, err := store.Load()
	if err != nil {
		return err
	}
	inUse, credsErr := f.Credentials()

	var targets []*cmdutil.Credentials
	if inUse != nil && inUse.ProfileName == "" {
		targets = append(targets, inUse) // environment credentials or local mode
	}
	for _, name := range file.Names() {
		prof, _ := file.Get(name)
		targets = append(targets, &cmdutil.Credentials{
			Source: "profile", ProfileName: prof.Name, URL: prof.URL, Token: prof.Token, Username: prof.Username,
			AuthMethod: prof.AuthMethod, InsecureSkipVerify: prof.InsecureSkipVerify, CAFile: prof.CAFile,
		})
	}
	if len(targets) == 0 {
		if credsErr != nil {
			return credsErr
		}
		return cmdutil.ErrNoCredentials
	}

	results := make([]StatusView, len(targets))
	sem := make(chan struct{}, statusParallel)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			results[i] = checkCredentials(ctx, f, t)
			results[i].InUse = inUse != nil && sameCredentials(inUse, t)
			if results[i].InUse && inUse.ProfileName != "" {
				results[i].Source = inUse.Source
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}

	list := printer.NewList(p,
		printer.Column[StatusView]{Header: "in use", Value: func(v StatusView) string { return mark(v.InUse) }},
		printer.Column[StatusView]{Header: "name", Value: func(v StatusView) string { return firstNonEmpty(v.Name, "("+v.Source+")") }},
		printer.Column[StatusView]{Header: "url", Value: func(v StatusView) string { return v.URL }},
		printer.Column[StatusView]{Header: "user", Value: func(v StatusView) string { return v.Username }},
		printer.Column[StatusView]{Header: "roles", Value: func(v StatusView) string { return v.Roles }},
		printer.Column[StatusView]{Header: "server", Value: func(v StatusView) string { return v.ServerVersion }},
		printer.Column[StatusView]{Header: "status", Value: func(v StatusView) string {
			if v.Valid {
				return "ok"
			}
			return v.Error
		}},
	)
	var inUseBad *StatusView
	for i := range results {
		if err := list.Add(results[i]); err != nil {
			return list.Fail(err)
		}
		if results[i].InUse && !results[i].Valid {
			inUseBad = &results[i]
		}
	}
	if err := list.Close(); err != nil {
		return err
	}
	if inUseBad != nil {
		p.Errorf("error: the credentials in use (%s) are not valid: %s", firstNonEmpty(inUseBad.Name, inUseBad.Source), inUseBad.Error)
		return &cmdutil.SilentError{Code: cmdutil.ExitAuth}
	}
	if credsErr != nil && !errors.Is(credsErr, cmdutil.ErrNoCredentials) {
		p.Warnf("%v", credsErr)
	}
	return nil
}

func mark(b bool) string {
	if b {
		return "*"
	}
	return ""
}

func sameCredentials(a, b *cmdutil.Credentials) bool {
	if a.ProfileName != "" || b.ProfileName != "" {
		return a.ProfileName == b.ProfileName
	}
	return a == b
}

// checkCredentials asks one server who the token belongs to.
func checkCredentials(ctx context.Context, f *cmdutil.Factory, c *cmdutil.Credentials) StatusView {
	v := StatusView{Name: c.ProfileName, URL: c.URL, Source: c.Source, Method: c.AuthMethod, Username: c.Username}
	if c.SocketPath != "" {
		v.URL = "unix://" + c.SocketPath
	}
	opts, err := f.ClientOptions(c)
	if err != nil {
		v.Error = err.Error()
		return v
	}
	if opts.Timeout <= 0 || opts.Timeout > 10*time.Second {
		opts.Timeout = 10 * time.Second
	}
	cl, err := f.NewClient(opts)
	if err != nil {
		v.Error = err.Error()
		return v
	}
	if c.SocketPath != "" {
		resp, err := client.Ping(ctx, cl)
		if err != nil {
			v.Error = err.Error()
			return v
		}
		v.Valid, v.ServerVersion, v.Roles = true, client.ServerVersion(resp.ServerVersion), "local mode (all permissions)"
		return v
	}
	me, resp, err := cl.GetMe(ctx, "")
	if resp != nil {
		v.ServerVersion = client.ServerVersion(resp.ServerVersion)
	}
	if err != nil {
		switch client.StatusOf(err) {
		case 401:
			v.Error = "token rejected (expired or revoked): run `matterctl auth renew " + c.ProfileName + "`"
		default:
			v.Error = err.Error()
		}
		return v
	}
	v.Valid, v.Username, v.UserID, v.Roles = true, me.Username, me.Id, me.Roles
	return v
}
