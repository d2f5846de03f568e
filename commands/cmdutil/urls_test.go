package cmdutil_test

import (
	"strings"
	"testing"

	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestNormalizeURL(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		want    string
		wantErr string
		secret  string // must not appear in the error
	}{
		{name: "bare host gets https", raw: "mm.example.com", want: "https://mm.example.com"},
		{name: "bare host with port", raw: "mm.example.com:8065", want: "https://mm.example.com:8065"},
		{name: "bare localhost with port", raw: "localhost:8065", want: "https://localhost:8065"},
		{name: "bare IP", raw: "10.0.0.5", want: "https://10.0.0.5"},
		{name: "http is kept", raw: "http://localhost:8065", want: "http://localhost:8065"},
		{name: "https is kept", raw: "https://mm.example.com", want: "https://mm.example.com"},
		{name: "trailing slash", raw: "https://mm.example.com/", want: "https://mm.example.com"},
		{name: "several trailing slashes", raw: "https://mm.example.com///", want: "https://mm.example.com"},
		{name: "api/v4 suffix", raw: "https://mm.example.com/api/v4", want: "https://mm.example.com"},
		{name: "api/v4/ suffix", raw: "https://mm.example.com/api/v4/", want: "https://mm.example.com"},
		{name: "bare host with api/v4", raw: "mm.example.com/api/v4", want: "https://mm.example.com"},
		{name: "subpath is kept", raw: "https://example.com/chat/", want: "https://example.com/chat"},
		{name: "subpath with api/v4", raw: "https://example.com/chat/api/v4", want: "https://example.com/chat"},
		{name: "query and fragment dropped", raw: "https://mm.example.com/?x=1#frag", want: "https://mm.example.com"},
		{name: "surrounding blanks", raw: "  https://mm.example.com/ \n", want: "https://mm.example.com"},
		{name: "IPv6 literal", raw: "http://[::1]:8065/", want: "http://[::1]:8065"},

		{name: "empty", raw: "", wantErr: "empty server URL"},
		{name: "blank", raw: "   ", wantErr: "empty server URL"},
		{name: "ftp scheme", raw: "ftp://mm.example.com", wantErr: "the scheme must be http or https"},
		{name: "ws scheme", raw: "ws://mm.example.com", wantErr: "the scheme must be http or https"},
		{name: "no host", raw: "https://", wantErr: "no host"},
		{name: "no host with path", raw: "https:///api/v4", wantErr: "no host"},
		{name: "bad port", raw: "https://mm.example.com:port", wantErr: "invalid server URL"},
		{name: "space in host", raw: "https://mm example.com", wantErr: "invalid server URL"},

		{name: "user and password", raw: "https://bob:hunter2@mm.example.com", wantErr: "credentials in the URL are not accepted", secret: "hunter2"},
		{name: "user and password on a bare host", raw: "bob:hunter2@mm.example.com", wantErr: "credentials in the URL are not accepted", secret: "hunter2"},
		{name: "token as user name", raw: "https://tok3nsecr3t@mm.example.com", wantErr: "credentials in the URL are not accepted", secret: "tok3nsecr3t"},
		{name: "password with ftp scheme", raw: "ftp://bob:hunter2@mm.example.com", wantErr: "the scheme must be http or https", secret: "hunter2"},
		{name: "password and no host", raw: "https://bob:hunter2@", wantErr: "no host", secret: "hunter2"},
		{name: "password and bad port", raw: "https://bob:hunter2@mm.example.com:x/", wantErr: "invalid server URL", secret: "hunter2"},
		{name: "password and space in host", raw: "https://bob:hunter2@mm example.com", wantErr: "invalid server URL", secret: "hunter2"},
		{name: "password containing a slash", raw: "https://bob:hun/ter2@mm.example.com", wantErr: "invalid server URL", secret: "hun/ter2"},
		{name: "password containing an @", raw: "https://bob:p@ss@mm.example.com", wantErr: "credentials in the URL are not accepted", secret: "p@ss"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cmdutil.NormalizeURL(tt.raw)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("NormalizeURL(%q) = %q, want error containing %q", tt.raw, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error = %q, want it to contain %q", err, tt.wantErr)
				}
				if got != "" {
					t.Errorf("returned %q along with an error", got)
				}
				if tt.secret != "" {
					// Also each piece of it, in case a parser quoted only part of the password.
					parts := append([]string{tt.secret}, strings.FieldsFunc(tt.secret, func(r rune) bool { return r == '/' || r == '@' })...)
					for _, part := range parts {
						if len(part) >= 3 && strings.Contains(err.Error(), part) {
							t.Errorf("error %q echoes the credential (%q)", err, part)
							break
						}
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("NormalizeURL(%q): %v", tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("NormalizeURL(%q) = %q, want %q", tt.raw, got, tt.want)
			}
			// Normalizing is idempotent.
			if again, err := cmdutil.NormalizeURL(got); err != nil || again != got {
				t.Errorf("NormalizeURL(%q) = %q, %v; not idempotent", got, again, err)
			}
		})
	}
}
