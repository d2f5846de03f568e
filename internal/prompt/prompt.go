// Package prompt asks the user for input on a terminal. Callers check that prompting is
// possible (stdin and stdout are terminals) before using it.
package prompt

import (
	"errors"
	"io"
	"os"
	"strings"

	"charm.land/huh/v2"
	"golang.org/x/term"
)

// fallbackWidth is the form width when the output is not a terminal.
const fallbackWidth = 80

// ErrInterrupted is returned when the user aborts a prompt with Ctrl-C.
var ErrInterrupted = errors.New("prompt interrupted")

// Prompter asks questions. The huh implementation is used at a terminal; tests use a fake.
type Prompter interface {
	Input(title, placeholder, def string, validate func(string) error) (string, error)
	Password(title string) (string, error)
	Select(title string, options []string, def string) (string, error)
	Confirm(title string, def bool) (bool, error)
}

// Huh is the terminal Prompter.
type Huh struct {
	In  io.Reader
	Out io.Writer
}

func (h *Huh) run(field huh.Field) error {
	form := huh.NewForm(huh.NewGroup(field)).WithShowHelp(false)
	in, out := h.In, h.Out
	if in == nil || out == nil {
		// The prompt talks to the terminal itself, as git does for credentials: it is seen even
		// when stderr is redirected. Each prompt opens it anew and closes it when done, so a
		// reader the previous prompt left behind cannot take the first keys typed at this one.
		if tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
			defer tty.Close()
			if in == nil {
				in = tty
			}
			if out == nil {
				out = tty
			}
		}
	}
	if in != nil {
		form = form.WithInput(in)
	}
	if out != nil {
		form = form.WithOutput(out)
	} else {
		out = os.Stderr // huh's default
	}
	// Drawn where there is no terminal size, huh sizes fields to a negative width and an empty
	// input with a placeholder panics.
	if f, ok := out.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		form = form.WithWidth(fallbackWidth)
	}
	err := form.Run()
	if errors.Is(err, huh.ErrUserAborted) {
		return ErrInterrupted
	}
	return err
}

// Input asks for one line of text. A non-empty def is shown as the placeholder, not as
// editable text: Enter on an empty line accepts it, typing replaces it.
func (h *Huh) Input(title, placeholder, def string, validate func(string) error) (string, error) {
	var value string
	if def != "" {
		placeholder = def
	}
	in := huh.NewInput().Title(title).Placeholder(placeholder).Value(&value)
	if validate != nil {
		in = in.Validate(func(s string) error { return validate(answer(s, def)) })
	}
	if err := h.run(in); err != nil {
		return "", err
	}
	return answer(value, def), nil
}

// answer is what an Input answer stands for: what was typed, or def for an empty line.
func answer(typed, def string) string {
	if strings.TrimSpace(typed) == "" {
		return def
	}
	return typed
}

// Password asks for a secret; what is typed is masked.
func (h *Huh) Password(title string) (string, error) {
	var value string
	in := huh.NewInput().Title(title).EchoMode(huh.EchoModePassword).Value(&value).
		Validate(func(s string) error {
			if s == "" {
				return errors.New("required")
			}
			return nil
		})
	if err := h.run(in); err != nil {
		return "", err
	}
	return value, nil
}

// Select asks to pick one of options.
func (h *Huh) Select(title string, options []string, def string) (string, error) {
	value := def
	sel := huh.NewSelect[string]().Title(title).Options(huh.NewOptions(options...)...).Value(&value)
	if err := h.run(sel); err != nil {
		return "", err
	}
	return value, nil
}

// Confirm asks a yes/no question.
func (h *Huh) Confirm(title string, def bool) (bool, error) {
	value := def
	c := huh.NewConfirm().Title(title).Affirmative("Yes").Negative("No").Value(&value)
	if err := h.run(c); err != nil {
		return false, err
	}
	return value, nil
}
