package user

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/internal/prompt"
	"github.com/matterctl/matterctl/printer"
)

// changePasswordAttempts is how many times the new password may be mistyped at the prompt.
const changePasswordAttempts = 3

// ChangePasswordOptions are the inputs of `user change-password`.
type ChangePasswordOptions struct {
	IO       *iostreams.IOStreams
	Client   func() (client.Client, error)
	Printer  func() (*printer.Printer, error)
	Prompter prompt.Prompter

	User string
	// Password and Current are mmctl's argv flags: they work, with a warning.
	Password     string
	Current      string
	PasswordFile string
	CurrentFile  string
	Hashed       bool
	DryRun       bool
}

// NewCmdChangePassword builds `user change-password`.
func NewCmdChangePassword(f *cmdutil.Factory, runF func(context.Context, *ChangePasswordOptions) error) *cobra.Command {
	opts := &ChangePasswordOptions{IO: f.IOStreams, Client: f.Client, Printer: f.Printer, Prompter: f.Prompter}
	cmd := &cobra.Command{
		Use:               "change-password <user>",
		ValidArgsFunction: cmdutil.CompleteFirst(cmdutil.CompleteUsers(f)),
		Short:             "Change a user's password",
		Long: `Change a user's password.

An admin changes another user's password without knowing it. Changing your own password
needs the current one too: whether the user is you is checked with the server.

At a terminal, what is missing is asked for with the input masked: the current password
(only for your own), and the new one twice. Without a terminal nothing is asked: pass the new
password with --password-file (and the current one with --current-file), which read a file or
standard input (-). --password and --current also work but expose the secrets in the process
list and shell history.

With --hashed the new password is an already hashed value (bcrypt, as the server stores it);
no current password is needed.`,
		Example: `  matterctl user change-password alice
  matterctl user change-password alice --password-file new-pass.txt
  matterctl user change-password alice --password-file - <<<"$NEW"
  matterctl user change-password me --current-file old.txt --password-file new.txt
  matterctl user change-password alice --hashed --password-file hash.txt`,
		Args: cmdutil.ExactArgs(1, "one user"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.User = args[0]
			if err := cmdutil.MutuallyExclusive(cmd, "password", "password-file"); err != nil {
				return err
			}
			if err := cmdutil.MutuallyExclusive(cmd, "current", "current-file"); err != nil {
				return err
			}
			if opts.PasswordFile == "-" && opts.CurrentFile == "-" {
				return cmdutil.FlagErrorf("--password-file and --current-file cannot both read standard input")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return changePasswordRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Current, "current", "c", "", "Current password, when changing your own (exposed in the process list: use --current-file)")
	fl.StringVarP(&opts.Password, "password", "p", "", "New password (exposed in the process list: use --password-file)")
	fl.StringVar(&opts.PasswordFile, "password-file", "", "Read the new password from `FILE` (- for standard input)")
	fl.StringVar(&opts.CurrentFile, "current-file", "", "Read the current password from `FILE` (- for standard input)")
	fl.BoolVar(&opts.Hashed, "hashed", false, "The new password is already hashed")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Resolve the user and check what is needed, change nothing")
	return cmd
}

func changePasswordRun(ctx context.Context, opts *ChangePasswordOptions) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	if opts.Password != "" {
		p.Warnf("--password exposes the password in the process list and shell history; use --password-file")
	}
	if opts.Current != "" {
		p.Warnf("--current exposes the password in the process list and shell history; use --current-file")
	}
	if opts.Hashed && (opts.Current != "" || opts.CurrentFile != "") {
		p.Warnf("--current is not needed with --hashed and is ignored")
	}
	canPrompt := opts.IO.CanPrompt()

	// Fail before any request when the new password is missing and cannot be asked for.
	newPassword := opts.Password
	if newPassword == "" && opts.PasswordFile == "" && !canPrompt {
		return cmdutil.MissingFlagsError("--password-file (or --password)")
	}
	if opts.PasswordFile != "" {
		if newPassword, err = cmdutil.ReadSecretFile(opts.PasswordFile, opts.IO.In); err != nil {
			return fmt.Errorf("--password-file: %w", err)
		}
	}
	current := ""
	if !opts.Hashed {
		current = opts.Current
		if opts.CurrentFile != "" {
			if current, err = cmdutil.ReadSecretFile(opts.CurrentFile, opts.IO.In); err != nil {
				return fmt.Errorf("--current-file: %w", err)
			}
		}
	}

	c, err := opts.Client()
	if err != nil {
		return err
	}
	u, err := cmdutil.ResolveUser(ctx, c, opts.User)
	if err != nil {
		return err
	}

	askCurrent := false
	if !opts.Hashed && current == "" {
		own, err := changePasswordIsOwn(ctx, c, opts, u.Id, canPrompt)
		if err != nil {
			return err
		}
		if own {
			if !canPrompt {
				return cmdutil.MissingFlagsError("--current-file (or --current): changing your own password needs the current one")
			}
			askCurrent = true
		}
	}

	if opts.DryRun {
		p.Infof("would change the password of user %s (%s)", u.Username, u.Id)
		return nil
	}

	if askCurrent {
		if current, err = changePasswordAsk(opts.Prompter, "Current password of "+u.Username); err != nil {
			return err
		}
	}
	if newPassword == "" {
		if newPassword, err = changePasswordAskNew(opts, p, u.Username); err != nil {
			return err
		}
	}

	if opts.Hashed {
		_, err = c.UpdateUserHashedPassword(ctx, u.Id, newPassword)
	} else {
		_, err = c.UpdateUserPassword(ctx, u.Id, current, newPassword)
	}
	if err != nil {
		return err
	}
	p.Successf("Password for user %s successfully changed", u.Username)
	return nil
}

// changePasswordIsOwn reports whether userID is the caller's own account, which needs the
// current password. When the server cannot say (local mode has no /users/me), it asks at a
// terminal, as mmctl does, and otherwise assumes not: the server rejects the change if needed.
func changePasswordIsOwn(ctx context.Context, c client.Client, opts *ChangePasswordOptions, userID string, canPrompt bool) (bool, error) {
	me, _, err := c.GetMe(ctx, "")
	if err == nil && me != nil {
		return me.Id == userID, nil
	}
	if client.StatusOf(err) == http.StatusUnauthorized || errors.Is(err, context.Canceled) {
		return false, err
	}
	if !canPrompt {
		return false, nil
	}
	own, perr := opts.Prompter.Confirm("Are you changing your own password?", false)
	if perr != nil {
		return false, changePasswordPromptError(perr)
	}
	return own, nil
}

// changePasswordAskNew asks for the new password twice (a hash once) until both entries match.
func changePasswordAskNew(opts *ChangePasswordOptions, p *printer.Printer, username string) (string, error) {
	if opts.Hashed {
		return changePasswordAsk(opts.Prompter, "New password hash for "+username)
	}
	for range changePasswordAttempts {
		first, err := changePasswordAsk(opts.Prompter, "New password for "+username)
		if err != nil {
			return "", err
		}
		second, err := changePasswordAsk(opts.Prompter, "New password again")
		if err != nil {
			return "", err
		}
		if first == second {
			return first, nil
		}
		p.Errorf("The passwords do not match.")
	}
	return "", errors.New("the passwords did not match; nothing was changed")
}

func changePasswordAsk(pr prompt.Prompter, title string) (string, error) {
	s, err := pr.Password(title)
	if err != nil {
		return "", changePasswordPromptError(err)
	}
	if s == "" {
		return "", errors.New("empty password; nothing was changed")
	}
	return s, nil
}

func changePasswordPromptError(err error) error {
	if errors.Is(err, prompt.ErrInterrupted) {
		return cmdutil.ErrCancelled
	}
	return fmt.Errorf("prompt: %w", err)
}
