package client

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/internal/safetext"
)

// Error is a non-2xx response from the server.
type Error struct {
	Status    int    `json:"status_code"`
	ID        string `json:"id"`
	Message   string `json:"message"`
	RequestID string `json:"request_id,omitempty"`
	// Detail is the server's detailed_error, shown only when it adds something.
	Detail string `json:"detailed_error,omitempty"`
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	if e.Status == 0 {
		return msg
	}
	return fmt.Sprintf("%s (HTTP %d)", msg, e.Status)
}

// AsError returns the API error inside err, converting the *model.AppError that
// *model.Client4 returns; nil when err is not an HTTP error response.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var appErr *model.AppError
	if errors.As(err, &appErr) && appErr.StatusCode != 0 {
		return &Error{Status: appErr.StatusCode, ID: appErr.Id, Message: appErr.Message, RequestID: appErr.RequestId, Detail: appErr.DetailedError}
	}
	return nil
}

// StatusOf is the HTTP status behind err, or 0 when err is not an HTTP error.
func StatusOf(err error) int {
	if e := AsError(err); e != nil {
		return e.Status
	}
	return 0
}

// IsNotFound reports a 404 response. Network failures and other statuses are never "not found".
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }

// Describe renders err for a human in one line, with a hint line when a remedy is known.
func Describe(err error) string {
	if err == nil {
		return ""
	}
	msg := safetext.Escape(safetext.Clip(err.Error(), safetext.MaxMessage))
	// *model.Client4's errors do not say their status; ours do.
	var appErr *model.AppError
	if errors.As(err, &appErr) && appErr.StatusCode != 0 && !errors.As(err, new(*Error)) && !strings.Contains(msg, "(HTTP ") {
		msg += fmt.Sprintf(" (HTTP %d)", appErr.StatusCode)
	}
	hint := Hint(err)
	if e := AsError(err); e != nil && e.RequestID != "" && !strings.Contains(msg, e.RequestID) {
		msg += " [request " + e.RequestID + "]"
	}
	if hint != "" {
		return msg + "\n" + hint
	}
	return msg
}

// Hint is the remedy for err, or "". An error in the chain with a Hint() string method gives
// its own.
func Hint(err error) string {
	var own interface{ Hint() string }
	if errors.As(err, &own) {
		if h := own.Hint(); h != "" {
			return h
		}
	}
	if e := AsError(err); e != nil {
		switch e.Status {
		case http.StatusUnauthorized:
			return "hint: the session or token is not valid; run `matterctl auth login` or `matterctl auth renew NAME`"
		case http.StatusForbidden:
			return "hint: the account in use lacks the permission for this; use a system admin profile or ask an admin"
		case http.StatusTooManyRequests:
			return "hint: the server is rate limiting; retry later or lower --parallel"
		}
		return ""
	}
	var unknownAuthority x509.UnknownAuthorityError
	var hostnameErr x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &certInvalid):
		return "hint: the server's certificate is not trusted; pass --ca-file FILE (or --insecure-skip-verify for a lab server)"
	case errors.As(err, &hostnameErr):
		return "hint: the certificate does not match the host name in the URL"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "hint: nothing is listening there; check the server URL and that Mattermost is running"
	case errors.Is(err, context.DeadlineExceeded):
		return "hint: the server did not answer in time; check the URL or raise --timeout"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "hint: the host name does not resolve; check the server URL"
	}
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		return "hint: could not reach the server; check the URL and the network"
	}
	return ""
}

// AnswerLost reports a failure after which the server may have acted on the request: the
// connection broke or timed out once the request was sent, or a gateway in front of the server
// answered 502 or 504. A refused connection, a name that does not resolve, a TLS failure and
// every answer of the server itself are not: the request was not acted on, or the server said
// what it did.
func AnswerLost(err error) bool {
	switch StatusOf(err) {
	case 0:
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	default:
		return false
	}
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, syscall.ECONNREFUSED) {
		return false
	}
	if errors.As(err, new(*AnswerLostError)) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}
