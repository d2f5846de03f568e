package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/config"
	"github.com/matterctl/matterctl/printer"
)

// mfaRequiredIDs are the server error IDs that mean "this account needs an MFA code".
var mfaRequiredIDs = map[string]bool{
	"mfa.validate_token.authenticate.app_error":  true,
	"api.user.check_user_mfa.bad_code.app_error": true,
}

// errMFARequired is returned by verifyLogin when the server asks for an MFA code.
var errMFARequired = errors.New("this account requires a multi-factor authentication code")

// secrets is what a login needs: either a token, or a username and password (and maybe MFA).
type secrets struct {
	Username string
	Password string
	MFAToken string
	Token    string
}

// verified is what the server confirmed.
type verified struct {
	User   *model.User
	Token  string
	Method string
}

// pingServer checks that url is a reachable Mattermost server before credentials are sent.
func pingServer(ctx context.Context, c client.Client, serverURL string) error {
	resp, err := client.Ping(ctx, c)
	if err == nil {
		return nil
	}
	status := client.StatusOf(err)
	if status == 0 && resp != nil {
		// An answer whose body is not Mattermost's JSON: the server was reached all the same.
		status = resp.StatusCode
	}
	switch {
	case errors.Is(err, client.ErrNotMattermost), status >= 200 && status < 300:
		return fmt.Errorf("%s does not look like a Mattermost server: %w", serverURL, client.ErrNotMattermost)
	case status >= 500:
		return fmt.Errorf("%s is not available: GET /api/v4/system/ping answered HTTP %d", serverURL, status)
	case status != 0:
		return fmt.Errorf("%s does not look like a Mattermost server: GET /api/v4/system/ping answered HTTP %d", serverURL, status)
	}
	return fmt.Errorf("cannot reach %s: %w", serverURL, err)
}

// verifyLogin authenticates against the server and returns the session token to store.
// Nothing is written by it.
func verifyLogin(ctx context.Context, c client.Client, s secrets) (*verified, error) {
	if s.Token != "" {
		// The client was built with the token; GetMe proves it.
		me, _, err := c.GetMe(ctx, "")
		if err != nil {
			return nil, loginError(err)
		}
		return &verified{User: me, Token: s.Token, Method: config.MethodToken}, nil
	}
	var (
		me   *model.User
		resp *model.Response
		err  error
	)
	method := config.MethodPassword
	if s.MFAToken != "" {
		method = config.MethodMFA
		me, resp, err = c.LoginWithMFA(ctx, s.Username, s.Password, s.MFAToken)
	} else {
		me, resp, err = c.Login(ctx, s.Username, s.Password)
	}
	if err != nil {
		if e := client.AsError(err); e != nil && mfaRequiredIDs[e.ID] && s.MFAToken == "" {
			return nil, errMFARequired
		}
		return nil, loginError(err)
	}
	token := ""
	if resp != nil && resp.Header != nil {
		token = resp.Header.Get(model.HeaderToken)
	}
	if token == "" {
		return nil, errors.New("login failed: the server returned no session token")
	}
	return &verified{User: me, Token: token, Method: method}, nil
}

// endCheckSession logs out the session that verifyLogin opened with a password, for runs that
// only check credentials (--dry-run): the check must leave no session behind. A token needs
// nothing: checking it opened no session.
func endCheckSession(ctx context.Context, c client.Client, p *printer.Printer, v *verified) {
	if v.Method == config.MethodToken {
		return
	}
	if _, err := c.Logout(ctx); err != nil {
		p.Warnf("the credentials are valid, but the session opened to check them could not be closed: %s", cmdutil.ErrorMessageLine(err))
	}
}

// loginError makes a rejected login an authentication error (exit 4) with a plain message.
func loginError(err error) error {
	if e := client.AsError(err); e != nil {
		switch e.Status {
		case 400, 401, 403:
			return &cmdutil.AuthError{Err: fmt.Errorf("login failed: %s", e.Message)}
		}
	}
	return fmt.Errorf("login failed: %w", err)
}

var profileNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// validateProfileName rejects names that would be awkward on a command line.
func validateProfileName(name string) error {
	if !profileNameRE.MatchString(name) {
		return fmt.Errorf("invalid profile name %q: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", name)
	}
	return nil
}

// defaultProfileName derives a profile name from the server URL's host.
func defaultProfileName(serverURL string) string {
	u, err := url.Parse(serverURL)
	if err != nil || u.Host == "" {
		return "default"
	}
	name := strings.NewReplacer(":", "-", "[", "", "]", "").Replace(u.Host)
	if validateProfileName(name) != nil {
		return "default"
	}
	return name
}

// clientFor builds an unauthenticated (or token-authenticated) client for a login.
func clientFor(f *cmdutil.Factory, serverURL, token string, insecure bool, caFile string) (client.Client, error) {
	return f.NewClient(client.Options{
		URL:                serverURL,
		Token:              token,
		Timeout:            f.Globals.Timeout,
		InsecureSkipVerify: insecure,
		CAFile:             caFile,
		UserAgent:          f.UserAgent(),
	})
}
