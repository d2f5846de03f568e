package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/matterctl/matterctl/client"
)

// Exit codes, documented in `matterctl help exit-codes` and the README.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitPartial     = 3
	ExitAuth        = 4
	ExitNotFound    = 5
	ExitInterrupted = 130
)

// FlagError is a usage error: bad flags or arguments. The usage is printed and the exit code is 2.
type FlagError struct{ Err error }

func (e *FlagError) Error() string { return e.Err.Error() }
func (e *FlagError) Unwrap() error { return e.Err }

// FlagErrorf builds a usage error.
func FlagErrorf(format string, args ...any) error {
	return &FlagError{Err: fmt.Errorf(format, args...)}
}

// MissingFlagsError is returned when a value cannot be prompted for (no terminal); it names
// the flags that would provide it. Exit code 2.
func MissingFlagsError(flags ...string) error {
	return &FlagError{Err: fmt.Errorf("not running interactively: provide %s", joinFlags(flags))}
}

func joinFlags(flags []string) string {
	switch len(flags) {
	case 0:
		return "the missing flags"
	case 1:
		return flags[0]
	default:
		return strings.Join(flags[:len(flags)-1], ", ") + " and " + flags[len(flags)-1]
	}
}

// AuthError means missing or rejected credentials, or a missing permission. Exit code 4.
type AuthError struct{ Err error }

func (e *AuthError) Error() string { return e.Err.Error() }
func (e *AuthError) Unwrap() error { return e.Err }

// NotFoundError means the named entity does not exist. Exit code 5.
type NotFoundError struct {
	Kind string // "user", "team", "profile", …
	Name string
}

func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %q not found", e.Kind, e.Name) }

// PartialError reports that some arguments of a multi-argument command failed. Each failure
// has already been printed; exit code 3.
type PartialError struct {
	Failed, Total int
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("%d of %d failed", e.Failed, e.Total)
}

// SilentError carries an exit code for a failure already reported on stderr, and the hint
// line that goes with it (printed once at the end), if any.
type SilentError struct {
	Code int
	Hint string
}

func (e *SilentError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// ErrCancelled is returned when the user interrupted the command (Ctrl-C) or declined a prompt
// with Ctrl-C.
var ErrCancelled = errors.New("cancelled")

// ExitCode maps an error returned by a command to the process exit code. It is the only place
// where that decision is made.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var silent *SilentError
	var flagErr *FlagError
	var authErr *AuthError
	var nf *NotFoundError
	var partial *PartialError
	var ambiguous *AmbiguousError
	switch {
	case errors.As(err, &silent):
		return silent.Code
	case errors.Is(err, ErrCancelled), errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &flagErr), errors.As(err, &ambiguous):
		// An ambiguous name is a usage error: the argument must be made precise.
		return ExitUsage
	case errors.As(err, &partial):
		return ExitPartial
	case errors.As(err, &authErr):
		return ExitAuth
	case errors.As(err, &nf):
		return ExitNotFound
	}
	if apiErr := client.AsError(err); apiErr != nil {
		switch apiErr.Status {
		case 401, 403:
			return ExitAuth
		case 404:
			return ExitNotFound
		}
	}
	return ExitError
}

// ErrorMessage renders err for stderr as one line (plus a hint line where one helps).
func ErrorMessage(err error) string {
	var silent *SilentError
	if errors.As(err, &silent) {
		return silent.Hint
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, ErrCancelled) {
		return "cancelled"
	}
	return client.Describe(err)
}
