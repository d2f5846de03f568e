package iostreams

import (
	"io"
	"testing"
)

func TestTestDefaults(t *testing.T) {
	ios, in, out, errOut := Test()
	if ios.In != io.Reader(in) || ios.Out != io.Writer(out) || ios.ErrOut != io.Writer(errOut) {
		t.Fatal("Test() streams are not the returned buffers")
	}
	t.Setenv("MATTERCTL_NO_PROMPT", "")
	checks := []struct {
		name string
		got  bool
	}{
		{"IsStdinTTY", ios.IsStdinTTY()},
		{"IsStdoutTTY", ios.IsStdoutTTY()},
		{"IsStderrTTY", ios.IsStderrTTY()},
		{"CanPrompt", ios.CanPrompt()},
		{"ColorEnabled", ios.ColorEnabled()},
	}
	for _, c := range checks {
		if c.got {
			t.Errorf("%s() = true, want false for test streams", c.name)
		}
	}
	if w := ios.TerminalWidth(); w != 0 {
		t.Errorf("TerminalWidth() = %d, want 0", w)
	}
	if fd := ios.StdinFd(); fd != -1 {
		t.Errorf("StdinFd() = %d, want -1", fd)
	}

	in.WriteString("typed")
	b, _ := io.ReadAll(ios.In)
	ios.Out.Write([]byte("o"))
	ios.ErrOut.Write([]byte("e"))
	if string(b) != "typed" || out.String() != "o" || errOut.String() != "e" {
		t.Errorf("streams not wired: in %q, out %q, err %q", b, out, errOut)
	}
}

func TestTestStreamsAreIndependent(t *testing.T) {
	a, _, outA, _ := Test()
	b, _, outB, _ := Test()
	a.SetTTY(true)
	a.Out.Write([]byte("a"))
	if b.IsStdoutTTY() || outB.Len() != 0 || outA.String() != "a" {
		t.Error("two Test() streams share state")
	}
}

func TestSetTTY(t *testing.T) {
	t.Setenv("MATTERCTL_NO_PROMPT", "")
	ios, _, _, _ := Test()
	ios.SetTTY(true)
	if !ios.IsStdinTTY() || !ios.IsStdoutTTY() || !ios.IsStderrTTY() {
		t.Fatal("SetTTY(true) did not mark all three streams")
	}
	if !ios.CanPrompt() || !ios.ColorEnabled() {
		t.Errorf("CanPrompt %v, ColorEnabled %v; want both on a terminal", ios.CanPrompt(), ios.ColorEnabled())
	}
	if fd := ios.StdinFd(); fd != -1 {
		t.Errorf("StdinFd() = %d; test streams have no descriptor", fd)
	}
	ios.SetTTY(false)
	if ios.IsStdinTTY() || ios.IsStdoutTTY() || ios.IsStderrTTY() || ios.CanPrompt() {
		t.Fatal("SetTTY(false) did not clear the streams")
	}
}

func TestCanPrompt(t *testing.T) {
	tests := []struct {
		name          string
		stdin, stdout bool
		noPrompt      string
		want          bool
	}{
		{name: "both terminals", stdin: true, stdout: true, want: true},
		{name: "stdin piped", stdin: false, stdout: true, want: false},
		{name: "stdout piped", stdin: true, stdout: false, want: false},
		{name: "neither", want: false},
		{name: "MATTERCTL_NO_PROMPT=1", stdin: true, stdout: true, noPrompt: "1", want: false},
		{name: "MATTERCTL_NO_PROMPT=true", stdin: true, stdout: true, noPrompt: "true", want: false},
		{name: "MATTERCTL_NO_PROMPT=0 still disables", stdin: true, stdout: true, noPrompt: "0", want: false},
		{name: "MATTERCTL_NO_PROMPT empty is unset", stdin: true, stdout: true, noPrompt: "", want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, _, _ := Test()
			// The factory sets this from MATTERCTL_NO_PROMPT (any non-empty value).
			ios.SetNeverPrompt(tt.noPrompt != "")
			ios.SetStdinTTY(tt.stdin)
			ios.SetStdoutTTY(tt.stdout)
			if got := ios.CanPrompt(); got != tt.want {
				t.Errorf("CanPrompt() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestColor(t *testing.T) {
	ios, _, _, _ := Test()
	ios.SetStdoutTTY(true)
	if !ios.ColorEnabled() {
		t.Fatal("colour off on a terminal")
	}
	ios.SetNoColor(true)
	if ios.ColorEnabled() {
		t.Fatal("--no-color did not turn colour off")
	}
	ios.SetNoColor(false)
	if ios.ColorEnabled() {
		t.Error("SetNoColor(false) turned colour back on; NO_COLOR or --no-color must stick")
	}

	piped, _, _, _ := Test()
	piped.SetStdoutTTY(false)
	if piped.ColorEnabled() {
		t.Error("colour on in a pipe")
	}
}

func TestSetStdinTTYOnlyTouchesStdin(t *testing.T) {
	ios, _, _, _ := Test()
	ios.SetStdinTTY(true)
	if !ios.IsStdinTTY() || ios.IsStdoutTTY() || ios.IsStderrTTY() {
		t.Error("SetStdinTTY changed other streams")
	}
	ios, _, _, _ = Test()
	ios.SetStdoutTTY(true)
	if ios.IsStdinTTY() || !ios.IsStdoutTTY() || ios.IsStderrTTY() {
		t.Error("SetStdoutTTY changed other streams")
	}
}

func TestSystemUsesProcessStreams(t *testing.T) {
	t.Setenv("NO_COLOR", "1")
	ios := System()
	if ios.In == nil || ios.Out == nil || ios.ErrOut == nil {
		t.Fatal("System() left a stream nil")
	}
	if ios.ColorEnabled() {
		t.Error("NO_COLOR set but colour enabled")
	}
}
