package auth

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/config"
)

// RenewOptions are the inputs of `auth renew`.
type RenewOptions struct {
	F               *cmdutil.Factory
	Name            string
	PasswordFile    string
	PasswordStdin   bool
	AccessTokenFile string
	TokenStdin      bool
	MFAToken        string
	Password        string
	AccessToken     string
	DryRun          bool
}

// NewCmdRenew builds `auth renew`.
func NewCmdRenew(f *cmdutil.Factory, runF func(context.Context, *RenewOptions) error) *cobra.Command {
	opts := &RenewOptions{F: f}
	cmd := &cobra.Command{
		Use:   "renew [<name>]",
		Short: "Log a stored profile in again (new session, or a new token)",
		Long: `Log a stored profile in again: password profiles get a new session (the password, and the
MFA code for MFA profiles, are asked for at a terminal or read from a file or standard input);
token profiles take a new personal access token. The new credentials are checked against the
server before the profile is updated. Without a name, the current profile is renewed.

--dry-run checks the new credentials the same way and updates nothing; the session a password
check opens is closed again.`,
		Example: `  matterctl auth renew prod
  matterctl auth renew ci --access-token-file new-token.txt
  matterctl auth renew prod --password-file pass.txt --dry-run`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: cmdutil.CompleteProfiles(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Name = args[0]
			}
			if err := cmdutil.MutuallyExclusive(cmd, "password", "password-file", "password-stdin", "access-token", "access-token-file", "token-stdin"); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return renewRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.PasswordFile, "password-file", "f", "", "Read the password from `file` (- for standard input)")
	fl.BoolVar(&opts.PasswordStdin, "password-stdin", false, "Read the password from standard input")
	fl.StringVarP(&opts.AccessTokenFile, "access-token-file", "t", "", "Read the new personal access token from `file` (- for standard input)")
	fl.BoolVar(&opts.TokenStdin, "token-stdin", false, "Read the new personal access token from standard input")
	fl.StringVarP(&opts.MFAToken, "mfa-token", "m", "", "Multi-factor authentication code")
	fl.StringVarP(&opts.Password, "password", "p", "", "Password (exposed in the process list: use --password-file)")
	fl.StringVarP(&opts.AccessToken, "access-token", "a", "", "Access token (exposed in the process list: use --access-token-file)")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Check the new credentials, update nothing")
	_ = fl.MarkHidden("password")
	_ = fl.MarkHidden("access-token")
	return cmd
}

func renewRun(ctx context.Context, opts *RenewOptions) error {
	f := opts.F
	ios := f.IOStreams
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
	name := opts.Name
	if name == "" {
		if name = file.Current; name == "" {
			return cmdutil.FlagErrorf("no current profile: name the profile to renew")
		}
	}
	prof, ok := file.Get(name)
	if !ok {
		return &cmdutil.NotFoundError{Kind: "profile", Name: name}
	}
	// A secret of the wrong kind would otherwise be ignored in favour of a prompt or a
	// missing-flag error that does not mention it.
	tokenGiven := opts.AccessToken != "" || opts.AccessTokenFile != "" || opts.TokenStdin
	passwordGiven := opts.Password != "" || opts.PasswordFile != "" || opts.PasswordStdin
	if prof.AuthMethod == config.MethodToken && (passwordGiven || opts.MFAToken != "") {
		return cmdutil.FlagErrorf("profile %q uses a personal access token: renew it with --access-token-file or --token-stdin (or replace it with `matterctl auth login`)", name)
	}
	if prof.AuthMethod != config.MethodToken && tokenGiven {
		return cmdutil.FlagErrorf("profile %q logs in with a password: renew it with --password-file or --password-stdin (or replace it with `matterctl auth login`)", name)
	}
	if opts.Password != "" || opts.AccessToken != "" {
		p.Warnf("secrets on the command line are exposed in the process list and shell history")
	}
	canPrompt := ios.CanPrompt()
	sec := secrets{Username: prof.Username, MFAToken: opts.MFAToken}
	if prof.AuthMethod == config.MethodToken {
		switch {
		case opts.AccessToken != "":
			sec.Token = opts.AccessToken
		case opts.AccessTokenFile != "":
			sec.Token, err = cmdutil.ReadSecretFile(opts.AccessTokenFile, ios.In)
		case opts.TokenStdin:
			sec.Token, err = cmdutil.ReadSecretFile("-", ios.In)
		case canPrompt:
			sec.Token, err = f.Prompter.Password("New personal access token for " + prof.URL)
			if err != nil {
				err = promptError(err)
			}
		default:
			return cmdutil.MissingFlagsError("--access-token-file or --token-stdin")
		}
	} else {
		switch {
		case opts.Password != "":
			sec.Password = opts.Password
		case opts.PasswordFile != "":
			sec.Password, err = cmdutil.ReadSecretFile(opts.PasswordFile, ios.In)
		case opts.PasswordStdin:
			sec.Password, err = cmdutil.ReadSecretFile("-", ios.In)
		case canPrompt:
			sec.Password, err = f.Prompter.Password("Password for " + prof.Username + " on " + prof.URL)
			if err != nil {
				err = promptError(err)
			}
		default:
			return cmdutil.MissingFlagsError("--password-file or --password-stdin")
		}
		if err == nil && prof.AuthMethod == config.MethodMFA && sec.MFAToken == "" {
			if !canPrompt {
				return cmdutil.MissingFlagsError("--mfa-token")
			}
			if sec.MFAToken, err = f.Prompter.Input("MFA code", "123456", "", required); err != nil {
				err = promptError(err)
			}
		}
	}
	if err != nil {
		return err
	}

	c, err := clientFor(f, prof.URL, sec.Token, prof.InsecureSkipVerify || f.Globals.InsecureSkipVerify, firstNonEmpty(f.Globals.CAFile, prof.CAFile))
	if err != nil {
		return err
	}
	v, err := verifyLogin(ctx, c, sec)
	if errors.Is(err, errMFARequired) {
		if !canPrompt {
			return &cmdutil.AuthError{Err: errors.New("login failed: this account requires a multi-factor authentication code: pass --mfa-token CODE")}
		}
		if sec.MFAToken, err = f.Prompter.Input("MFA code", "123456", "", required); err != nil {
			return promptError(err)
		}
		v, err = verifyLogin(ctx, c, sec)
	}
	if err != nil {
		return err
	}
	if opts.DryRun {
		endCheckSession(ctx, c, p, v)
		p.Infof("would renew the credentials of profile %q (%s on %s)", name, v.User.Username, prof.URL)
		return nil
	}
	errGone := errors.New("gone")
	err = store.Update(func(file *config.File) error {
		cur, ok := file.Get(name)
		if !ok {
			return errGone
		}
		cur.Token, cur.AuthMethod, cur.Username, cur.UserID = v.Token, v.Method, v.User.Username, v.User.Id
		return nil
	})
	if errors.Is(err, errGone) {
		return &cmdutil.NotFoundError{Kind: "profile", Name: name}
	}
	if err != nil {
		return err
	}
	p.Successf("Credentials for profile %q renewed (%s on %s)", name, v.User.Username, prof.URL)
	return nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
