package safetext

import "testing"

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, é, 日本語, emoji 🚀": "plain text, é, 日本語, emoji 🚀",
		"a\nb":                        `a\nb`,
		"tab\there\r":                 `tab\there\r`,
		"\x1b]0;pwned\x07title":       `\x1b]0;pwned\x07title`,
		"\x1b[2Jclear":                `\x1b[2Jclear`,
		"c1 \u009b31m":                `c1 \u009b31m`,
		"bad \xca utf8":               `bad \xca utf8`,
		"rtl \u202eevil\u202c":        `rtl \u202eevil\u202c`,
		"del \x7f":                    `del \x7f`,
		"":                            "",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
		if Safe(in) != (in == want) {
			t.Errorf("Safe(%q) = %v", in, Safe(in))
		}
	}
}

func TestClip(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"日本語のテキスト", 4, "日本語…"},
		{"é\xcaé", 2, "é…"}, // invalid UTF-8 counts as one character
		{"abc", 0, ""},
	} {
		if got := Clip(tt.in, tt.n); got != tt.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
