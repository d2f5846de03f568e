package prompt

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// Key presses as a terminal sends them.
const (
	enter     = "\r"
	ctrlU     = "\x15"
	arrowDown = "\x1b[B"
)

// answerWithin runs one prompt on keys read from a string and output to a buffer, as happens
// when the prompt's output is not a terminal, and fails the test if it does not finish.
func answerWithin[T any](t *testing.T, keys string, ask func(*Huh) (T, error)) (T, error) {
	t.Helper()
	h := &Huh{In: strings.NewReader(keys), Out: &bytes.Buffer{}}
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		// A panic in the form would kill the whole test binary: report it as this test's failure.
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("the prompt panicked: %v", r)}
			}
		}()
		v, err := ask(h)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-time.After(20 * time.Second):
		t.Fatalf("the prompt did not finish on keys %q", keys)
		panic("unreachable")
	}
}

func TestInputDefaultIsAPlaceholder(t *testing.T) {
	const def = "127.0.0.1-8065"
	tests := []struct {
		name string
		keys string
		want string
	}{
		{"enter accepts the default", enter, def},
		{"typing replaces the default", "ttylab" + enter, "ttylab"},
		{"clearing first changes nothing", ctrlU + "ttylab" + enter, "ttylab"},
		{"spaces only accept the default", "  " + enter, def},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := answerWithin(t, tt.keys, func(h *Huh) (string, error) {
				return h.Input("Profile name", "", def, nil)
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Input answered %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInputWithoutDefault(t *testing.T) {
	got, err := answerWithin(t, "alice"+enter, func(h *Huh) (string, error) {
		return h.Input("Username or email", "someone", "", nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != "alice" {
		t.Errorf("Input answered %q, want %q", got, "alice")
	}
}

// The validator judges the answer the caller will get: on an empty line that is the default,
// so a validator that requires a value must not block Enter on a prompt that has a default.
func TestInputValidateSeesTheResolvedAnswer(t *testing.T) {
	const def = "127.0.0.1-8065"
	var seen []string
	validate := func(s string) error {
		seen = append(seen, s)
		switch {
		case strings.TrimSpace(s) == "":
			return errors.New("required")
		case strings.Contains(s, " "):
			return errors.New("no spaces")
		}
		return nil
	}

	got, err := answerWithin(t, enter, func(h *Huh) (string, error) {
		return h.Input("Profile name", "", def, validate)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != def {
		t.Errorf("Input answered %q, want the default %q", got, def)
	}
	if slices.Contains(seen, "") {
		t.Errorf("the validator saw an empty answer although a default was offered: %q", seen)
	}

	// A rejected answer keeps the prompt open; the corrected one is returned.
	seen = nil
	got, err = answerWithin(t, "bad name"+enter+ctrlU+"good"+enter, func(h *Huh) (string, error) {
		return h.Input("Profile name", "", def, validate)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got != "good" {
		t.Errorf("Input answered %q, want %q", got, "good")
	}
	if !slices.Contains(seen, "bad name") {
		t.Errorf("the validator never saw the rejected answer: %q", seen)
	}
}

func TestSelectStartsOnTheDefault(t *testing.T) {
	options := []string{"alpha", "bravo", "charlie"}
	tests := []struct {
		name string
		keys string
		def  string
		want string
	}{
		{"enter keeps the default", enter, "bravo", "bravo"},
		{"arrow moves from the default", arrowDown + enter, "bravo", "charlie"},
		{"no default starts on the first", enter, "", "alpha"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := answerWithin(t, tt.keys, func(h *Huh) (string, error) {
				return h.Select("Profile to use", options, tt.def)
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Select answered %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConfirmEnterKeepsTheDefault(t *testing.T) {
	for _, def := range []bool{false, true} {
		got, err := answerWithin(t, enter, func(h *Huh) (bool, error) {
			return h.Confirm("Delete?", def)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got != def {
			t.Errorf("Confirm(def %v) answered %v", def, got)
		}
	}
}

func TestInterrupt(t *testing.T) {
	_, err := answerWithin(t, "\x03", func(h *Huh) (string, error) {
		return h.Input("Profile name", "", "x", nil)
	})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Ctrl-C: %v, want ErrInterrupted", err)
	}
}
