// Package iostreams wraps the standard streams with terminal detection, so that commands
// decide about prompts, tables and colour from one place and tests can swap in buffers.
package iostreams

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is the set of streams a command reads and writes.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY  bool
	stdoutTTY bool
	stderrTTY bool
	noColor   bool
	// neverPrompt is set by MATTERCTL_NO_PROMPT.
	neverPrompt bool
	// termWidth is the stdout terminal width, 0 when unknown.
	termWidth int
	// inFd is the file descriptor of In when it is a terminal, for masked reads.
	inFd int
}

// System returns streams bound to the process's stdin, stdout and stderr.
func System() *IOStreams {
	s := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, inFd: int(os.Stdin.Fd())}
	s.stdinTTY = term.IsTerminal(int(os.Stdin.Fd()))
	s.stdoutTTY = term.IsTerminal(int(os.Stdout.Fd()))
	s.stderrTTY = term.IsTerminal(int(os.Stderr.Fd()))
	if s.stdoutTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			s.termWidth = w
		}
	}
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		s.noColor = true
	}
	return s
}

// Test returns streams backed by buffers: stdin, stdout, stderr.
func Test() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut, inFd: -1}, in, out, errOut
}

// SetTTY marks stdin, stdout and stderr as terminals or not (tests).
func (s *IOStreams) SetTTY(tty bool) {
	s.stdinTTY, s.stdoutTTY, s.stderrTTY = tty, tty, tty
}

// SetStdinTTY marks stdin as a terminal or not (tests).
func (s *IOStreams) SetStdinTTY(tty bool) { s.stdinTTY = tty }

// SetStdoutTTY marks stdout as a terminal or not (tests).
func (s *IOStreams) SetStdoutTTY(tty bool) { s.stdoutTTY = tty }

// IsStdinTTY reports whether stdin is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether stderr is a terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// CanPrompt reports whether interactive prompts may be shown: stdin and stdout are both
// terminals and prompting was not disabled.
func (s *IOStreams) CanPrompt() bool {
	return s.stdinTTY && s.stdoutTTY && !s.neverPrompt
}

// SetNeverPrompt disables prompts even at a terminal (MATTERCTL_NO_PROMPT).
func (s *IOStreams) SetNeverPrompt(v bool) { s.neverPrompt = v }

// SetNoColor turns colour off (--no-color).
func (s *IOStreams) SetNoColor(v bool) { s.noColor = s.noColor || v }

// ColorEnabled reports whether stdout may carry ANSI colour.
func (s *IOStreams) ColorEnabled() bool { return s.stdoutTTY && !s.noColor }

// TerminalWidth is the width of the stdout terminal, or 0 when not known.
func (s *IOStreams) TerminalWidth() int { return s.termWidth }

// StdinFd is stdin's file descriptor when it is a terminal, -1 otherwise.
func (s *IOStreams) StdinFd() int {
	if !s.stdinTTY {
		return -1
	}
	return s.inFd
}
