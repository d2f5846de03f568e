package auth

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/internal/prompt"
	"github.com/matterctl/matterctl/printer"
)

// LoginOptions are the inputs of `auth login`.
type LoginOptions struct {
	F *cmdutil.Factory

	URL             string
	Name            string
	Username        string
	PasswordFile    string
	PasswordStdin   bool
	AccessTokenFile string
	TokenStdin      bool
	MFAToken        string
	NoActivate      bool
	DryRun          bool
	// Password and AccessToken are mmctl's hidden argv flags, accepted with a warning.
	Password    string
	AccessToken string
}

const (
	methodChoicePassword = "Username and password"
	methodChoiceToken    = "Personal access token"
)

// NewCmdLogin builds `auth login`.
func NewCmdLogin(f *cmdutil.Factory, runF func(context.Context, *LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{F: f}
	cmd := &cobra.Command{
		Use:   "login [<server-url>]",
		Short: "Log in to a server and store the credentials as a named profile",
		Long: `Log in to a Mattermost server and store the credentials as a named profile.

The credentials are checked against the server before anything is written: a wrong
password, a bad URL or an unreachable server changes nothing.

At a terminal, whatever is missing is asked for: the URL, the profile name (default: the
server's host), the username and password (masked), and the MFA code when the server asks
for one. Without a terminal nothing is asked: a missing value is an error that names the
flag to pass. Secrets are read from files or standard input, never from the command line
(the hidden --password and --access-token flags of mmctl still work, with a warning).

--dry-run checks the credentials the same way and stores nothing; the session a password
check opens is closed again.`,
		Example: `  matterctl auth login
  matterctl auth login https://mm.example.com --name prod --username admin --password-file ~/.mm-pass
  matterctl auth login https://mm.example.com --name ci --token-stdin <<<"$TOKEN"
  matterctl auth login https://mm.example.com --username admin --password-file ~/.mm-pass --dry-run`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.URL = args[0]
			}
			if err := validateLoginFlags(cmd, opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return loginRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Name, "name", "n", "", "Profile `name` to store the credentials under (default: the server's host)")
	fl.StringVarP(&opts.Username, "username", "u", "", "Username or email to log in with")
	fl.StringVarP(&opts.PasswordFile, "password-file", "f", "", "Read the password from `file` (- for standard input)")
	fl.BoolVar(&opts.PasswordStdin, "password-stdin", false, "Read the password from standard input")
	fl.StringVarP(&opts.AccessTokenFile, "access-token-file", "t", "", "Read a personal access token from `file` (- for standard input)")
	fl.BoolVar(&opts.TokenStdin, "token-stdin", false, "Read a personal access token from standard input")
	fl.StringVarP(&opts.MFAToken, "mfa-token", "m", "", "Multi-factor authentication code")
	fl.BoolVar(&opts.NoActivate, "no-activate", false, "Store the profile without making it the current one")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Check the credentials, store nothing")
	fl.StringVarP(&opts.Password, "password", "p", "", "Password (exposed in the process list: use --password-file)")
	fl.StringVarP(&opts.AccessToken, "access-token", "a", "", "Access token (exposed in the process list: use --access-token-file)")
	_ = fl.MarkHidden("password")
	_ = fl.MarkHidden("access-token")
	return cmd
}

func validateLoginFlags(cmd *cobra.Command, opts *LoginOptions) error {
	for _, group := range [][]string{
		{"password", "password-file", "password-stdin", "access-token", "access-token-file", "token-stdin"},
	} {
		if err := exclusiveSecretSources(cmd, group); err != nil {
			return err
		}
	}
	if opts.usesToken() && cmd.Flags().Changed("username") {
		return cmdutil.FlagErrorf("--username cannot be used with an access token: the token identifies the user")
	}
	if opts.usesToken() && opts.MFAToken != "" {
		return cmdutil.FlagErrorf("--mfa-token applies to password logins only")
	}
	if opts.Name != "" {
		if err := validateProfileName(opts.Name); err != nil {
			return &cmdutil.FlagError{Err: err}
		}
	}
	return nil
}

// exclusiveSecretSources allows at most one way of passing the secret.
func exclusiveSecretSources(cmd *cobra.Command, names []string) error {
	return cmdutil.MutuallyExclusive(cmd, names...)
}

func (o *LoginOptions) usesToken() bool {
	return o.AccessToken != "" || o.AccessTokenFile != "" || o.TokenStdin
}

func (o *LoginOptions) hasPassword() bool {
	return o.Password != "" || o.PasswordFile != "" || o.PasswordStdin
}

func loginRun(ctx context.Context, opts *LoginOptions) error {
	f := opts.F
	ios := f.IOStreams
	p, err := f.Printer()
	if err != nil {
		return err
	}
	if opts.Password != "" {
		p.Warnf("--password exposes the password in the process list and shell history; use --password-file or --password-stdin")
	}
	if opts.AccessToken != "" {
		p.Warnf("--access-token exposes the token in the process list and shell history; use --access-token-file or --token-stdin")
	}
	canPrompt := ios.CanPrompt()

	// Fail fast, before any prompt or request, when something is missing and cannot be asked.
	if !canPrompt {
		var missing []string
		if opts.URL == "" {
			missing = append(missing, "the server URL argument")
		}
		if !opts.usesToken() {
			if opts.Username == "" {
				missing = append(missing, "--username (or --access-token-file/--token-stdin)")
			}
			if !opts.hasPassword() {
				missing = append(missing, "--password-file or --password-stdin")
			}
		}
		if len(missing) > 0 {
			return cmdutil.MissingFlagsError(missing...)
		}
	}

	// Read secrets given by file or stdin first: a bad file fails before any prompt.
	var sec secrets
	sec.Username = opts.Username
	sec.MFAToken = opts.MFAToken
	switch {
	case opts.AccessToken != "":
		sec.Token = opts.AccessToken
		err = cmdutil.CheckToken(sec.Token, "--access-token")
	case opts.AccessTokenFile != "":
		if sec.Token, err = cmdutil.ReadSecretFile(opts.AccessTokenFile, ios.In); err == nil {
			err = cmdutil.CheckToken(sec.Token, opts.AccessTokenFile)
		}
	case opts.TokenStdin:
		if sec.Token, err = cmdutil.ReadSecretFile("-", ios.In); err == nil {
			err = cmdutil.CheckToken(sec.Token, "standard input")
		}
	}
	if err != nil {
		return err
	}
	switch {
	case opts.Password != "":
		sec.Password = opts.Password
	case opts.PasswordFile != "":
		if sec.Password, err = cmdutil.ReadSecretFile(opts.PasswordFile, ios.In); err != nil {
			return err
		}
	case opts.PasswordStdin:
		if sec.Password, err = cmdutil.ReadSecretFile("-", ios.In); err != nil {
			return err
		}
	}

	pr := f.Prompter
	rawURL := opts.URL
	if rawURL == "" {
		if rawURL, err = pr.Input("Mattermost server URL", "https://mattermost.example.com", "", func(s string) error {
			_, err := cmdutil.NormalizeURL(s)
			return err
		}); err != nil {
			return promptError(err)
		}
	}
	serverURL, err := cmdutil.NormalizeURL(rawURL)
	if err != nil {
		return &cmdutil.FlagError{Err: err}
	}

	name := opts.Name
	if name == "" {
		name = defaultProfileName(serverURL)
		if canPrompt {
			if name, err = pr.Input("Profile name", name, name, validateProfileName); err != nil {
				return promptError(err)
			}
		}
	}
	if err := validateProfileName(name); err != nil {
		return &cmdutil.FlagError{Err: err}
	}

	if sec.Token == "" && canPrompt {
		if sec.Username == "" && !opts.hasPassword() {
			choice, err := pr.Select("How do you want to log in?", []string{methodChoicePassword, methodChoiceToken}, methodChoicePassword)
			if err != nil {
				return promptError(err)
			}
			if choice == methodChoiceToken {
				if sec.Token, err = pr.Password("Personal access token"); err != nil {
					return promptError(err)
				}
			}
		}
		if sec.Token == "" {
			if sec.Username == "" {
				if sec.Username, err = pr.Input("Username or email", "", "", required); err != nil {
					return promptError(err)
				}
			}
			if sec.Password == "" {
				if sec.Password, err = pr.Password("Password"); err != nil {
					return promptError(err)
				}
			}
		}
	}

	insecure, caFile := f.Globals.InsecureSkipVerify, f.Globals.CAFile
	if caFile != "" {
		// The profile is used from any directory later: a relative path would stop resolving.
		if abs, err := filepath.Abs(caFile); err == nil {
			caFile = abs
		}
	}
	for _, w := range cmdutil.TransportWarnings(serverURL, insecure) {
		fmt.Fprintln(f.IOStreams.ErrOut, w)
	}
	c, err := clientFor(f, serverURL, sec.Token, insecure, caFile)
	if err != nil {
		return err
	}
	if err := pingServer(ctx, c, serverURL); err != nil {
		return err
	}
	v, err := verifyLogin(ctx, c, sec)
	if errors.Is(err, errMFARequired) {
		if !canPrompt {
			return &cmdutil.AuthError{Err: errors.New("login failed: this account requires a multi-factor authentication code: pass --mfa-token CODE")}
		}
		if sec.MFAToken, err = pr.Input("MFA code", "123456", "", required); err != nil {
			return promptError(err)
		}
		v, err = verifyLogin(ctx, c, sec)
	}
	if err != nil {
		return err
	}

	profile := &config.Profile{
		Name: name, URL: serverURL, Username: v.User.Username, UserID: v.User.Id,
		AuthMethod: v.Method, Token: v.Token, InsecureSkipVerify: insecure, CAFile: caFile,
	}
	store, err := f.ConfigStore()
	if err != nil {
		return err
	}
	replaced, activated := false, false
	// The dry run decides as the update below does, on the file as it is now.
	place := func(file *config.File) error {
		_, replaced = file.Get(name)
		file.Put(profile)
		if !opts.NoActivate || file.Current == "" {
			file.Current = name
			activated = true
		}
		return nil
	}
	if opts.DryRun {
		endCheckSession(ctx, c, p, v)
		file, err := store.Load()
		if err != nil {
			return err
		}
		_ = place(file)
		verb, suffix := "store", ""
		if replaced {
			verb = "update"
		}
		if activated {
			suffix = " and make it the current one"
		}
		p.Infof("would %s profile %q for %s on %s%s (the credentials are valid)", verb, name, v.User.Username, serverURL, suffix)
	} else {
		if err := store.Update(place); err != nil {
			return err
		}
		verb, suffix := "stored", ""
		if replaced {
			verb = "updated"
		}
		if activated {
			suffix = ", now the current profile"
		}
		p.Successf("Logged in to %s as %s: profile %q %s%s", serverURL, v.User.Username, name, verb, suffix)
	}
	if f.Getenv("MATTERCTL_URL") != "" || f.Getenv("MATTERCTL_TOKEN") != "" {
		p.Warnf("MATTERCTL_URL/MATTERCTL_TOKEN are set and take precedence over stored profiles")
	}
	if p.Structured() {
		return p.Object(profileView(profile, activated), nil)
	}
	return nil
}

func required(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("required")
	}
	return nil
}

// promptError turns an aborted prompt into the interrupted exit code.
func promptError(err error) error {
	if errors.Is(err, prompt.ErrInterrupted) {
		return cmdutil.ErrCancelled
	}
	return fmt.Errorf("prompt: %w", err)
}

// ProfileView is the JSON shape of a profile: everything but the token.
type ProfileView struct {
	Name               string `json:"name"`
	URL                string `json:"url"`
	Username           string `json:"username"`
	Method             string `json:"method"`
	Current            bool   `json:"current"`
	InsecureSkipVerify bool   `json:"insecure_skip_verify,omitempty"`
	CAFile             string `json:"ca_file,omitempty"`
}

func profileView(p *config.Profile, current bool) ProfileView {
	return ProfileView{Name: p.Name, URL: p.URL, Username: p.Username, Method: p.AuthMethod, Current: current,
		InsecureSkipVerify: p.InsecureSkipVerify, CAFile: p.CAFile}
}

var profileColumns = []printer.Column[ProfileView]{
	{Header: "current", Value: func(v ProfileView) string {
		if v.Current {
			return "*"
		}
		return ""
	}},
	{Header: "name", Value: func(v ProfileView) string { return v.Name }},
	{Header: "username", Value: func(v ProfileView) string { return v.Username }},
	{Header: "url", Value: func(v ProfileView) string { return v.URL }},
	{Header: "method", Value: func(v ProfileView) string { return v.Method }},
}
