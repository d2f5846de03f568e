package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"

	"github.com/matterctl/matterctl/internal/safetext"
)

func TestAnswerLost(t *testing.T) {
	post := func(err error) error { return &url.Error{Op: "Post", URL: "http://mm/api/v4/users", Err: err} }
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection closed before the answer", post(io.EOF), true},
		{"answer cut", post(io.ErrUnexpectedEOF), true},
		{"connection reset", post(syscall.ECONNRESET), true},
		{"broken pipe", post(syscall.EPIPE), true},
		{"timeout", post(context.DeadlineExceeded), true},
		{"gateway 502", &Error{Status: 502}, true},
		{"gateway 504", &Error{Status: 504}, true},
		{"wrapped", fmt.Errorf("creating: %w", post(io.EOF)), true},
		{"refused", post(syscall.ECONNREFUSED), false},
		{"no such host", post(&net.DNSError{Err: "no such host", Name: "mm"}), false},
		{"cancelled", post(context.Canceled), false},
		{"server said 400", &Error{Status: 400}, false},
		{"server said 503", &Error{Status: 503}, false},
		{"nil", nil, false},
		{"plain error", errors.New("bad row"), false},
	} {
		if got := AnswerLost(tc.err); got != tc.want {
			t.Errorf("%s: AnswerLost = %v, want %v", tc.name, got, tc.want)
		}
	}
}

type ownHint struct{ error }

func (ownHint) Hint() string { return "hint: do this" }

func TestHintOfAnErrorWithItsOwn(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", ownHint{&Error{Status: 403}})
	if got := Hint(err); got != "hint: do this" {
		t.Errorf("Hint = %q, want the error's own", got)
	}
	if got := Describe(err); got != err.Error()+"\nhint: do this" {
		t.Errorf("Describe = %q", got)
	}
}

// A message that quotes a huge value is cut to one short line.
func TestDescribeClipsHugeMessages(t *testing.T) {
	err := fmt.Errorf("invalid name %q", strings.Repeat("x", 1<<20))
	got := Describe(err)
	if n := utf8.RuneCountInString(got); n != safetext.MaxMessage || !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, `invalid name "xxx`) {
		t.Errorf("Describe gave %d characters: %.80q…", n, got)
	}
}
