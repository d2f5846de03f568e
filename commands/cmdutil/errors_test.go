package cmdutil_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestExitCode(t *testing.T) {
	appErr := func(status int) error {
		return model.NewAppError("GetUser", "app.user.missing.app_error", nil, "", status)
	}
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, cmdutil.ExitOK},
		{"plain error", errors.New("boom"), cmdutil.ExitError},
		{"FlagError", &cmdutil.FlagError{Err: errors.New("bad flag")}, cmdutil.ExitUsage},
		{"FlagErrorf", cmdutil.FlagErrorf("bad %s", "flag"), cmdutil.ExitUsage},
		{"MissingFlagsError", cmdutil.MissingFlagsError("--token"), cmdutil.ExitUsage},
		{"PartialError", &cmdutil.PartialError{Failed: 1, Total: 3}, cmdutil.ExitPartial},
		{"AuthError", &cmdutil.AuthError{Err: errors.New("denied")}, cmdutil.ExitAuth},
		{"ErrNoCredentials", cmdutil.ErrNoCredentials, cmdutil.ExitAuth},
		{"NotFoundError", &cmdutil.NotFoundError{Kind: "user", Name: "bob"}, cmdutil.ExitNotFound},
		{"SilentError carries its code", &cmdutil.SilentError{Code: 7}, 7},
		{"SilentError with the partial code", &cmdutil.SilentError{Code: cmdutil.ExitPartial}, cmdutil.ExitPartial},
		{"ErrCancelled", cmdutil.ErrCancelled, cmdutil.ExitInterrupted},
		{"context.Canceled", context.Canceled, cmdutil.ExitInterrupted},
		{"context.DeadlineExceeded is a plain failure", context.DeadlineExceeded, cmdutil.ExitError},

		{"client.Error 401", &client.Error{Status: 401, Message: "Invalid or expired session"}, cmdutil.ExitAuth},
		{"client.Error 403", &client.Error{Status: 403, Message: "no permission"}, cmdutil.ExitAuth},
		{"client.Error 404", &client.Error{Status: 404, Message: "not found"}, cmdutil.ExitNotFound},
		{"client.Error 500", &client.Error{Status: 500, Message: "internal"}, cmdutil.ExitError},
		{"client.Error 400", &client.Error{Status: 400}, cmdutil.ExitError},
		{"client.Error 429", &client.Error{Status: 429}, cmdutil.ExitError},
		{"client.Error without status", &client.Error{Message: "odd"}, cmdutil.ExitError},

		{"AppError 404", appErr(http.StatusNotFound), cmdutil.ExitNotFound},
		{"AppError 401", appErr(http.StatusUnauthorized), cmdutil.ExitAuth},
		{"AppError 403", appErr(http.StatusForbidden), cmdutil.ExitAuth},
		{"AppError 500", appErr(http.StatusInternalServerError), cmdutil.ExitError},
		{"AppError without status", appErr(0), cmdutil.ExitError},

		{"wrapped FlagError", fmt.Errorf("parsing: %w", cmdutil.FlagErrorf("x")), cmdutil.ExitUsage},
		{"wrapped PartialError", fmt.Errorf("deleting: %w", &cmdutil.PartialError{Failed: 2, Total: 2}), cmdutil.ExitPartial},
		{"wrapped AuthError", fmt.Errorf("resolving: %w", &cmdutil.AuthError{Err: errors.New("x")}), cmdutil.ExitAuth},
		{"wrapped NotFoundError", fmt.Errorf("team: %w", &cmdutil.NotFoundError{Kind: "team", Name: "t"}), cmdutil.ExitNotFound},
		{"wrapped SilentError", fmt.Errorf("x: %w", &cmdutil.SilentError{Code: 9}), 9},
		{"wrapped ErrCancelled", fmt.Errorf("prompt: %w", cmdutil.ErrCancelled), cmdutil.ExitInterrupted},
		{"twice wrapped context.Canceled", fmt.Errorf("a: %w", fmt.Errorf("b: %w", context.Canceled)), cmdutil.ExitInterrupted},
		{"context.Canceled inside url.Error", &url.Error{Op: "Get", URL: "https://mm.example.com", Err: context.Canceled}, cmdutil.ExitInterrupted},
		{"wrapped client.Error 404", fmt.Errorf("getting user: %w", &client.Error{Status: 404}), cmdutil.ExitNotFound},
		{"wrapped client.Error 401", fmt.Errorf("x: %w", &client.Error{Status: 401}), cmdutil.ExitAuth},
		{"wrapped AppError 404", fmt.Errorf("getting team: %w", appErr(404)), cmdutil.ExitNotFound},
		{"joined errors", errors.Join(errors.New("a"), &cmdutil.NotFoundError{Kind: "user", Name: "x"}), cmdutil.ExitNotFound},
		{"%v does not wrap", fmt.Errorf("x: %v", &client.Error{Status: 404}), cmdutil.ExitError},

		{"usage wins over auth", &cmdutil.FlagError{Err: &cmdutil.AuthError{Err: errors.New("x")}}, cmdutil.ExitUsage},
		{"cancellation wins over usage", &cmdutil.FlagError{Err: context.Canceled}, cmdutil.ExitInterrupted},
		{"an auth error around a 404 is auth", &cmdutil.AuthError{Err: &client.Error{Status: 404}}, cmdutil.ExitAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cmdutil.ExitCode(tt.err); got != tt.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}

func TestTypedErrorMessages(t *testing.T) {
	inner := errors.New("inner")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"FlagError", &cmdutil.FlagError{Err: inner}, "inner"},
		{"AuthError", &cmdutil.AuthError{Err: inner}, "inner"},
		{"NotFoundError", &cmdutil.NotFoundError{Kind: "user", Name: "bob"}, `user "bob" not found`},
		{"PartialError", &cmdutil.PartialError{Failed: 2, Total: 5}, "2 of 5 failed"},
		{"SilentError", &cmdutil.SilentError{Code: 3}, "exit status 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
		})
	}
	if !errors.Is(&cmdutil.FlagError{Err: inner}, inner) || !errors.Is(&cmdutil.AuthError{Err: inner}, inner) {
		t.Error("FlagError and AuthError must unwrap to their cause")
	}
}

func TestMissingFlagsError(t *testing.T) {
	tests := []struct {
		flags []string
		want  string
	}{
		{nil, "not running interactively: provide the missing flags"},
		{[]string{"--token"}, "not running interactively: provide --token"},
		{[]string{"--url", "--token"}, "not running interactively: provide --url and --token"},
		{[]string{"--url", "--username", "--password-file"}, "not running interactively: provide --url, --username and --password-file"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(len(tt.flags)), func(t *testing.T) {
			err := cmdutil.MissingFlagsError(tt.flags...)
			if err.Error() != tt.want {
				t.Errorf("message = %q, want %q", err, tt.want)
			}
			var flagErr *cmdutil.FlagError
			if !errors.As(err, &flagErr) {
				t.Errorf("%T is not a *FlagError", err)
			}
		})
	}
}

// refusedError dials a loopback port that was just closed, so the error is a real
// ECONNREFUSED as the kernel reports it.
func refusedError(t *testing.T) (dialErr, httpErr error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	conn, dialErr := net.DialTimeout("tcp", addr, 2*time.Second)
	if dialErr == nil {
		conn.Close()
		t.Skipf("%s accepted a connection after its listener closed", addr)
	}
	hc := &http.Client{Timeout: 2 * time.Second}
	resp, httpErr := hc.Get("http://" + addr + "/api/v4/system/ping")
	if httpErr == nil {
		resp.Body.Close()
		t.Skipf("%s answered HTTP after its listener closed", addr)
	}
	return dialErr, httpErr
}

func TestErrorMessage(t *testing.T) {
	dialErr, httpErr := refusedError(t)
	tests := []struct {
		name      string
		err       error
		wantFirst string // the first line, exactly
		wantHint  string // a substring of the second line; "" means one line only
	}{
		{name: "SilentError prints nothing", err: &cmdutil.SilentError{Code: 3}, wantFirst: ""},
		{name: "wrapped SilentError prints nothing", err: fmt.Errorf("x: %w", &cmdutil.SilentError{Code: 1}), wantFirst: ""},
		{name: "context.Canceled", err: fmt.Errorf("listing: %w", context.Canceled), wantFirst: "cancelled"},
		{name: "ErrCancelled", err: cmdutil.ErrCancelled, wantFirst: "cancelled"},
		{name: "plain error", err: errors.New("something broke"), wantFirst: "something broke"},
		{name: "not found", err: &cmdutil.NotFoundError{Kind: "team", Name: "eng"}, wantFirst: `team "eng" not found`},
		{
			name:      "401 hints at auth login",
			err:       &client.Error{Status: 401, Message: "Invalid or expired session, please login again."},
			wantFirst: "Invalid or expired session, please login again. (HTTP 401)",
			wantHint:  "matterctl auth login",
		},
		{
			name:      "wrapped 401 keeps the hint",
			err:       fmt.Errorf("getting me: %w", &client.Error{Status: 401, Message: "expired"}),
			wantFirst: "getting me: expired (HTTP 401)",
			wantHint:  "matterctl auth login",
		},
		{
			name:      "AppError 401 hints at auth login",
			err:       model.NewAppError("api.context.session_expired.app_error", "Invalid or expired session", nil, "", 401),
			wantFirst: "api.context.session_expired.app_error: Invalid or expired session (HTTP 401)",
			wantHint:  "matterctl auth login",
		},
		{
			name:      "wrapped AppError says its status once",
			err:       fmt.Errorf("alice: %w", &model.AppError{Message: "overloaded", StatusCode: 503}),
			wantFirst: "alice: overloaded (HTTP 503)",
		},
		{
			name:      "an AppError whose text has its status already",
			err:       fmt.Errorf("refused (HTTP 413): %w", &model.AppError{Message: "too large", StatusCode: 413}),
			wantFirst: "refused (HTTP 413): too large",
		},
		{
			name:      "403 hints at permissions",
			err:       &client.Error{Status: 403, Message: "You do not have the appropriate permissions."},
			wantFirst: "You do not have the appropriate permissions. (HTTP 403)",
			wantHint:  "permission",
		},
		{
			name:      "404 has no hint, request id appended",
			err:       &client.Error{Status: 404, Message: "Unable to find the user.", RequestID: "req123"},
			wantFirst: "Unable to find the user. (HTTP 404) [request req123]",
		},
		{
			name:      "500 without message uses the status text",
			err:       &client.Error{Status: 500},
			wantFirst: "Internal Server Error (HTTP 500)",
		},
		{
			name:      "connection refused on dial",
			err:       dialErr,
			wantFirst: dialErr.Error(),
			wantHint:  "nothing is listening there",
		},
		{
			name:      "connection refused through HTTP",
			err:       fmt.Errorf("pinging the server: %w", httpErr),
			wantFirst: "pinging the server: " + httpErr.Error(),
			wantHint:  "nothing is listening there",
		},
		{
			name:      "timeout",
			err:       fmt.Errorf("x: %w", context.DeadlineExceeded),
			wantFirst: "x: context deadline exceeded",
			wantHint:  "--timeout",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdutil.ErrorMessage(tt.err)
			first, hint, hasHint := strings.Cut(got, "\n")
			if first != tt.wantFirst {
				t.Errorf("first line = %q, want %q", first, tt.wantFirst)
			}
			switch {
			case tt.wantHint == "" && hasHint:
				t.Errorf("unexpected hint line %q", hint)
			case tt.wantHint != "" && !hasHint:
				t.Errorf("no hint line in %q, want one containing %q", got, tt.wantHint)
			case tt.wantHint != "":
				if !strings.HasPrefix(hint, "hint: ") || !strings.Contains(hint, tt.wantHint) || strings.Contains(hint, "\n") {
					t.Errorf("hint = %q, want one line starting with \"hint: \" and containing %q", hint, tt.wantHint)
				}
			}
		})
	}
}
