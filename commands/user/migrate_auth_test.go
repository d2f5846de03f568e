package user

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

func TestMigrateAuthFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    MigrateAuthOptions
		wantErr string
	}{
		{name: "ldap", args: []string{"email", "ldap", "email"}, want: MigrateAuthOptions{From: "email", To: "ldap", MatchField: "email"}},
		{name: "ldap force, case-insensitive", args: []string{"GitLab", "LDAP", "Username", "--force"}, want: MigrateAuthOptions{From: "gitlab", To: "ldap", MatchField: "username", Force: true}},
		{name: "saml file", args: []string{"ldap", "saml", "users.json"}, want: MigrateAuthOptions{From: "ldap", To: "saml", UsersFile: "users.json"}},
		{name: "saml auto", args: []string{"email", "saml", "--auto", "--confirm", "--dry-run"}, want: MigrateAuthOptions{From: "email", To: "saml", Auto: true, Yes: cmdutil.ConfirmFlags{Yes: true}, DryRun: true}},
		{name: "one argument", args: []string{"email"}, wantErr: "expects <from> <to>"},
		{name: "four arguments", args: []string{"email", "ldap", "email", "x"}, wantErr: "got 4 argument(s)"},
		{name: "unknown target", args: []string{"email", "oauth", "x"}, wantErr: `cannot migrate to "oauth": <to> must be ldap or saml`},
		{name: "ldap to ldap", args: []string{"ldap", "ldap", "email"}, wantErr: `cannot migrate from "ldap" to ldap: <from> must be one of email, gitlab, saml, google, office365`},
		{name: "saml to saml", args: []string{"saml", "saml", "--auto"}, wantErr: `cannot migrate from "saml" to saml`},
		{name: "ldap without match field", args: []string{"email", "ldap"}, wantErr: "a migration to ldap needs a match field: email or username"},
		{name: "ldap bad match field", args: []string{"email", "ldap", "id"}, wantErr: `invalid match field "id": use email or username`},
		{name: "ldap with --auto", args: []string{"email", "ldap", "email", "--auto"}, wantErr: "--auto applies only to a migration to saml"},
		{name: "saml without file or --auto", args: []string{"email", "saml"}, wantErr: "needs a users file"},
		{name: "saml with file and --auto", args: []string{"email", "saml", "users.json", "--auto"}, wantErr: "--auto takes no users file"},
		{name: "saml with --force", args: []string{"email", "saml", "users.json", "--force"}, wantErr: "--force applies only to a migration to ldap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t)
			var got *MigrateAuthOptions
			err := e.Exec(NewCmdMigrateAuth(e.F, func(_ context.Context, o *MigrateAuthOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v (exit %d), want usage error %q", err, cmdutil.ExitCode(err), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g, w := migrateAuthValues(got), migrateAuthValues(&tt.want); g != w {
				t.Errorf("opts = %+v, want %+v", g, w)
			}
		})
	}
}

func TestMigrateAuthAlias(t *testing.T) {
	cmd := NewCmdMigrateAuth(cmdtest.New(t).F, nil)
	if !slices.Contains(cmd.Aliases, "migrate_auth") {
		t.Errorf("aliases = %q, want migrate_auth (mmctl's name)", cmd.Aliases)
	}
}

func TestMigrateAuthRun(t *testing.T) {
	dir := t.TempDir()
	usersFile := filepath.Join(dir, "users.json")
	if err := os.WriteFile(usersFile, []byte(`{"alice@example.com": "alice.saml", "bob@example.com": "bob.saml"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	badFile := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(badFile, []byte(`["alice"]`), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFile := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(emptyFile, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	type ldapCall struct {
		from, match string
		force       bool
	}
	type samlCall struct {
		from    string
		matches map[string]string
		auto    bool
	}
	noLicence := mvAPIError(501, "api.admin.ldap.not_available.app_error", "LDAP is not available on this server.")
	tests := []struct {
		name       string
		tty        bool
		args       []string
		stdin      string
		confirms   []bool
		serverErr  error
		wantExit   int
		wantErr    string
		wantStderr string
		wantLDAP   *ldapCall
		wantSAML   *samlCall
		wantAsked  int
	}{
		{
			name: "ldap", args: []string{"email", "ldap", "username", "--force"},
			wantStderr: "Successfully migrated accounts.\n", wantLDAP: &ldapCall{"email", "username", true},
		},
		{
			name: "ldap: the server's refusal passes through", args: []string{"gitlab", "ldap", "email"}, serverErr: noLicence,
			wantExit: cmdutil.ExitError, wantErr: "LDAP is not available on this server. (HTTP 501)", wantLDAP: &ldapCall{"gitlab", "email", false},
		},
		{
			name: "saml with a users file", args: []string{"ldap", "saml", usersFile},
			wantStderr: "Successfully migrated accounts.\n",
			wantSAML:   &samlCall{"ldap", map[string]string{"alice@example.com": "alice.saml", "bob@example.com": "bob.saml"}, false},
		},
		{
			name: "saml with the users on stdin", args: []string{"email", "saml", "-"}, stdin: `{"carol@example.com":"carol"}`,
			wantStderr: "Successfully migrated accounts.\n",
			wantSAML:   &samlCall{"email", map[string]string{"carol@example.com": "carol"}, false},
		},
		{
			name: "saml: invalid users file", args: []string{"email", "saml", badFile},
			wantExit: cmdutil.ExitError, wantErr: "invalid users file",
		},
		{
			name: "saml: empty users file", args: []string{"email", "saml", emptyFile},
			wantExit: cmdutil.ExitError, wantErr: "lists no accounts",
		},
		{
			name: "saml: missing users file", args: []string{"email", "saml", filepath.Join(dir, "nope.json")},
			wantExit: cmdutil.ExitError, wantErr: "reading the users file",
		},
		{
			name: "saml auto without a terminal needs --confirm", args: []string{"email", "saml", "--auto"},
			wantExit: cmdutil.ExitUsage, wantErr: "--confirm",
		},
		{
			name: "saml auto --confirm", args: []string{"email", "saml", "--auto", "--confirm"},
			wantStderr: "Successfully migrated accounts.\n", wantSAML: &samlCall{"email", map[string]string{}, true},
		},
		{
			name: "saml auto at a terminal: confirmed", tty: true, args: []string{"google", "saml", "--auto"}, confirms: []bool{true}, wantAsked: 1,
			wantStderr: "Successfully migrated accounts.\n", wantSAML: &samlCall{"google", map[string]string{}, true},
		},
		{
			name: "saml auto at a terminal: declined", tty: true, args: []string{"google", "saml", "--auto"}, confirms: []bool{false}, wantAsked: 1,
			wantExit: cmdutil.ExitInterrupted,
		},
		{
			name: "dry run ldap", args: []string{"email", "ldap", "email", "--dry-run"},
			wantStderr: "would migrate the accounts signing in with email to ldap, matching on email (force: false)\n",
		},
		{
			name: "dry run saml file", args: []string{"email", "saml", usersFile, "--dry-run"},
			wantStderr: "would migrate the accounts signing in with email to saml, 2 listed in " + usersFile + "\n",
		},
		{
			name: "dry run saml file still validates it", args: []string{"email", "saml", badFile, "--dry-run"},
			wantExit: cmdutil.ExitError, wantErr: "invalid users file",
		},
		{
			name: "dry run saml auto needs no confirmation", args: []string{"email", "saml", "--auto", "--dry-run"},
			wantStderr: "would migrate the accounts signing in with email to saml automatically (same usernames and emails in SAML)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.TTY(tt.tty))
			e.In.WriteString(tt.stdin)
			for _, yes := range tt.confirms {
				e.Prompter.Script(cmdtest.Confirm("", yes))
			}
			var gotLDAP *ldapCall
			var gotSAML *samlCall
			e.Fake.MigrateAuthToLdapFunc = func(_ context.Context, from, match string, force bool) (*model.Response, error) {
				gotLDAP = &ldapCall{from, match, force}
				return &model.Response{StatusCode: 200}, tt.serverErr
			}
			e.Fake.MigrateAuthToSamlFunc = func(_ context.Context, from string, matches map[string]string, auto bool) (*model.Response, error) {
				gotSAML = &samlCall{from, matches, auto}
				return &model.Response{StatusCode: 200}, tt.serverErr
			}
			err := e.Exec(NewCmdMigrateAuth(e.F, nil), tt.args...)
			if code := cmdutil.ExitCode(err); code != tt.wantExit {
				t.Fatalf("exit = %d (%v), want %d", code, err, tt.wantExit)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(cmdutil.ErrorMessage(err), tt.wantErr)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			if e.ErrOut.String() != tt.wantStderr {
				t.Errorf("stderr = %q, want %q", e.ErrOut, tt.wantStderr)
			}
			if e.Out.Len() != 0 {
				t.Errorf("stdout = %q", e.Out)
			}
			if len(e.Prompter.Asked()) != tt.wantAsked {
				t.Errorf("asked %q", e.Prompter.Asked())
			}
			switch {
			case tt.wantLDAP == nil && gotLDAP != nil:
				t.Errorf("MigrateAuthToLdap called: %+v", gotLDAP)
			case tt.wantLDAP != nil && (gotLDAP == nil || *gotLDAP != *tt.wantLDAP):
				t.Errorf("MigrateAuthToLdap = %+v, want %+v", gotLDAP, tt.wantLDAP)
			}
			switch {
			case tt.wantSAML == nil && gotSAML != nil:
				t.Errorf("MigrateAuthToSaml called: %+v", gotSAML)
			case tt.wantSAML != nil && (gotSAML == nil || gotSAML.from != tt.wantSAML.from || gotSAML.auto != tt.wantSAML.auto ||
				gotSAML.matches == nil || !maps.Equal(gotSAML.matches, tt.wantSAML.matches)):
				t.Errorf("MigrateAuthToSaml = %+v, want %+v", gotSAML, tt.wantSAML)
			}
		})
	}
}

// migrateAuthValues is the comparable part of the options: the parsed arguments and flags.
func migrateAuthValues(o *MigrateAuthOptions) [8]any {
	return [8]any{o.From, o.To, o.MatchField, o.UsersFile, o.Force, o.Auto, o.DryRun, o.Yes.Yes}
}
