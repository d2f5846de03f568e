package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

// TokenOptions are the inputs of `auth token`.
type TokenOptions struct {
	F *cmdutil.Factory
}

// NewCmdToken builds `auth token`.
func NewCmdToken(f *cmdutil.Factory, runF func(context.Context, *TokenOptions) error) *cobra.Command {
	opts := &TokenOptions{F: f}
	return &cobra.Command{
		Use:   "token",
		Short: "Print the token of the credentials in use",
		Long: `Print the token of the credentials in use, for other tools. It is the only command
that prints a secret, and it prints nothing else:

  curl -H "Authorization: Bearer $(matterctl auth token)" https://mm.example.com/api/v4/users/me`,
		Example: `  matterctl auth token
  matterctl auth token --server prod`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return tokenRun(cmd.Context(), opts)
		},
	}
}

func tokenRun(_ context.Context, opts *TokenOptions) error {
	creds, err := opts.F.Credentials()
	if err != nil {
		return err
	}
	if creds.Token == "" {
		return errors.New("the credentials in use have no token (local mode needs none)")
	}
	_, err = fmt.Fprintln(opts.F.IOStreams.Out, creds.Token)
	return err
}
