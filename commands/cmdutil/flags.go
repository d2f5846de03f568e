package cmdutil

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// ProfileNames lists stored profile names for shell completion; errors give no suggestions.
func ProfileNames(f *Factory) []string {
	store, err := f.ConfigStore()
	if err != nil {
		return nil
	}
	file, err := store.Load()
	if err != nil {
		return nil
	}
	return file.Names()
}

// ExactArgs is cobra.ExactArgs with a message that names what is expected.
func ExactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return FlagErrorf("%s expects %s, got %d argument(s)", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}

// MinimumArgs is cobra.MinimumNArgs with a message that names what is expected.
func MinimumArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return FlagErrorf("%s expects %s", cmd.CommandPath(), what)
		}
		return nil
	}
}

// MutuallyExclusive returns a usage error when more than one of the named flags was set.
func MutuallyExclusive(cmd *cobra.Command, names ...string) error {
	var set []string
	for _, n := range names {
		if cmd.Flags().Changed(n) {
			set = append(set, "--"+n)
		}
	}
	if len(set) > 1 {
		return FlagErrorf("%s cannot be used together", strings.Join(set, " and "))
	}
	return nil
}

// ReadSecretFile reads a password or token from a file ("-" is stdin), trimming whitespace.
// The secret itself is never part of an error.
func ReadSecretFile(path string, stdin io.Reader) (string, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(stdin, 64<<10))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", fmt.Errorf("reading secret: %w", err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		if path == "-" {
			return "", errors.New("no secret on standard input")
		}
		return "", fmt.Errorf("%s is empty", path)
	}
	return s, nil
}
