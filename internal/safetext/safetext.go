// Package safetext makes text from outside (arguments, server names, error messages that quote
// them) safe to print on a terminal line: control characters, invalid UTF-8 and the Unicode
// direction overrides are written as escapes, so that a value can neither break a one-line
// message nor move the cursor, change the window title or reorder what follows.
package safetext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every unsafe character escaped: \n, \r and \t by name, other control
// characters and direction marks as \xNN or \uNNNN, and each byte of invalid UTF-8 as \xNN.
// Text without any is returned as it is.
func Escape(s string) string {
	if Safe(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && unsafe(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Safe reports whether s can be printed as it is.
func Safe(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafe(r) {
			return false
		}
		i += size
	}
	return true
}

func unsafe(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// MaxMessage bounds a one-line message, in characters: a value quoted whole (a 20 MB name
// from a file) must not make a 20 MB line.
const MaxMessage = 1000

// Clip returns s cut to n characters, the last one "…", when it is longer.
func Clip(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	cut := 0
	for range n - 1 {
		_, size := utf8.DecodeRuneInString(s[cut:])
		cut += size
	}
	return s[:cut] + "…"
}
