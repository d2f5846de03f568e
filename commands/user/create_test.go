package user

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// createTestServer is a fake server for user creation: it remembers created users and rejects
// usernames or emails already taken.
type createTestServer struct {
	mu       sync.Mutex
	byName   map[string]*model.User
	created  []*model.User // as sent, in call order
	inFlight atomic.Int32
	maxInFl  atomic.Int32
	delay    time.Duration
	keepVer  bool // the server keeps email_verified (an admin creates the user)
	roles    map[string]string
	demoted  []string
	verified []string
	rolesErr error
}

func createTestInstall(env *cmdtest.Env, existing ...*model.User) *createTestServer {
	s := &createTestServer{byName: map[string]*model.User{}, roles: map[string]string{}, keepVer: true}
	for _, u := range existing {
		s.byName[u.Username] = u
	}
	env.Fake.CreateUserFunc = func(ctx context.Context, u *model.User) (*model.User, *model.Response, error) {
		n := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		for {
			m := s.maxInFl.Load()
			if n <= m || s.maxInFl.CompareAndSwap(m, n) {
				break
			}
		}
		if s.delay > 0 {
			time.Sleep(s.delay)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		sent := *u
		s.created = append(s.created, &sent)
		if _, taken := s.byName[u.Username]; taken {
			return nil, nil, &client.Error{Status: 400, Message: "An account with that username already exists."}
		}
		out := sent
		out.Id = model.NewId()
		out.Password = ""
		out.Roles = model.SystemUserRoleId
		out.EmailVerified = s.keepVer && u.EmailVerified
		s.byName[out.Username] = &out
		ret := out
		return &ret, &model.Response{StatusCode: 201}, nil
	}
	env.Fake.UpdateUserRolesFunc = func(ctx context.Context, id, roles string) (*model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.roles[id] = roles
		return nil, s.rolesErr
	}
	env.Fake.DemoteUserToGuestFunc = func(ctx context.Context, id string) (*model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.demoted = append(s.demoted, id)
		return nil, nil
	}
	env.Fake.VerifyUserEmailWithoutTokenFunc = func(ctx context.Context, id string) (*model.User, *model.Response, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.verified = append(s.verified, id)
		return &model.User{Id: id, EmailVerified: true}, nil, nil
	}
	cmdtest.ServeUsers(env.Fake, existing...)
	return s
}

func (s *createTestServer) sentNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := make([]string, len(s.created))
	for i, u := range s.created {
		names[i] = u.Username
	}
	return names
}

func createTestWrite(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCreateFlags(t *testing.T) {
	base := []string{"--username", "Alice", "--email", "Alice@Example.com"}
	tests := []struct {
		name    string
		argv    []string
		stdin   string
		tty     bool
		check   func(t *testing.T, o *CreateOptions)
		wantErr string
	}{
		{name: "all flags", argv: append(createTestCopy(base), "--password", "pw", "--nickname", "Al", "--firstname", "Alice", "--lastname", "Doe",
			"--locale", "fr", "--system_admin", "--email_verified", "--disable-welcome-email"),
			check: func(t *testing.T, o *CreateOptions) {
				if o.Username != "alice" || o.Email != "alice@example.com" || o.Password != "pw" || o.Nickname != "Al" || o.FirstName != "Alice" ||
					o.LastName != "Doe" || o.Locale != "fr" || !o.SystemAdmin || o.Guest || !o.EmailVerified || !o.DisableWelcomeEmail {
					t.Errorf("options = %+v", o)
				}
			}},
		{name: "password file from stdin", argv: append(createTestCopy(base), "--password-file", "-", "--guest"), stdin: "  s3cret\n",
			check: func(t *testing.T, o *CreateOptions) {
				if o.Password != "s3cret" || !o.Guest {
					t.Errorf("password or guest not set: guest=%v", o.Guest)
				}
			}},
		{name: "password prompted on a terminal", argv: createTestCopy(base), tty: true,
			check: func(t *testing.T, o *CreateOptions) {
				if o.Password != "" {
					t.Error("password set")
				}
			}},
		{name: "file", argv: []string{"--file", "users.csv", "--parallel", "3", "--dry-run"},
			check: func(t *testing.T, o *CreateOptions) {
				if o.Bulk.File != "users.csv" || o.Bulk.Parallel != 3 || !o.Bulk.DryRun {
					t.Errorf("bulk = %+v", o.Bulk)
				}
			}},
		{name: "missing everything", wantErr: `required flag(s) "username", "email", "password" not set`},
		{name: "missing password without a terminal", argv: createTestCopy(base), wantErr: `required flag(s) "password" not set`},
		{name: "admin and guest", argv: append(createTestCopy(base), "--password", "pw", "--system-admin", "--guest"), wantErr: "--system-admin and --guest cannot be used together"},
		{name: "password twice", argv: append(createTestCopy(base), "--password", "pw", "--password-file", "-"), wantErr: "cannot be used together"},
		{name: "file with user flags", argv: []string{"--file", "u.csv", "--username", "bob", "--guest"}, wantErr: "--file cannot be used with --username, --guest"},
		{name: "bad parallel", argv: []string{"--file", "u.csv", "--parallel", "100"}, wantErr: "--parallel must be between 1 and 64"},
		{name: "bad username", argv: []string{"--username", "al ice", "--email", "a@example.com", "--password", "pw"}, wantErr: `invalid username "al ice"`},
		{name: "bad email", argv: []string{"--username", "alice", "--email", "alice", "--password", "pw"}, wantErr: `invalid email address "alice"`},
		{name: "bad locale", argv: append(createTestCopy(base), "--password", "pw", "--locale", "not a locale"), wantErr: "invalid locale"},
		{name: "positional", argv: append(createTestCopy(base), "--password", "pw", "extra"), wantErr: "expects no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.TTY(tt.tty))
			env.In.WriteString(tt.stdin)
			var got *CreateOptions
			err := env.Exec(NewCmdCreate(env.F, func(_ context.Context, o *CreateOptions) error { got = o; return nil }), tt.argv...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				if code := cmdutil.ExitCode(err); code != cmdutil.ExitUsage {
					t.Errorf("exit code = %d, want 2", code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
		})
	}
}

func createTestCopy(s []string) []string { return append([]string(nil), s...) }

func TestCreateRunSingle(t *testing.T) {
	const pw = "S3cret-pass!"
	existing := searchTestUser("taken")
	tests := []struct {
		name         string
		argv         []string
		format       string
		tty          bool
		answers      []string
		keepVerified bool
		rolesErr     error
		wantCode     int
		wantErr      string // exact stderr
		wantCreated  int
		wantRoles    string
		wantDemoted  bool
		wantVerified bool
		check        func(t *testing.T, sent *model.User, out string)
	}{
		{name: "plain", argv: []string{"--username", "alice", "--email", "alice@example.com", "--password", pw, "--firstname", "Alice", "--disable-welcome-email"},
			wantErr: "Created user alice\n", wantCreated: 1,
			check: func(t *testing.T, sent *model.User, out string) {
				if sent.Password != pw || sent.FirstName != "Alice" || !sent.DisableWelcomeEmail || sent.EmailVerified {
					t.Errorf("sent = %+v", sent)
				}
				if !strings.Contains(out, "\talice\talice@example.com\tAlice\t") {
					t.Errorf("stdout = %q", out)
				}
			}},
		{name: "json system admin", argv: []string{"--username", "alice", "--email", "alice@example.com", "--password", pw, "--system-admin"}, format: "json",
			wantErr: "Created user alice\n", wantCreated: 1, wantRoles: "system_user system_admin",
			check: func(t *testing.T, _ *model.User, out string) {
				var u model.User
				if err := json.Unmarshal([]byte(out), &u); err != nil {
					t.Fatalf("stdout is not a user object: %v\n%s", err, out)
				}
				if u.Username != "alice" || u.Roles != "system_user system_admin" || u.Id == "" {
					t.Errorf("user = %+v", u)
				}
			}},
		{name: "guest on a terminal", argv: []string{"--username", "gus", "--email", "gus@example.com", "--password", pw, "--guest"}, tty: true,
			wantErr: "Created user gus\n", wantCreated: 1, wantDemoted: true,
			check: func(t *testing.T, _ *model.User, out string) {
				if !strings.Contains(out, "USERNAME") || !strings.Contains(out, "system_guest") {
					t.Errorf("stdout = %q", out)
				}
			}},
		{name: "email verified kept by the server", argv: []string{"--username", "alice", "--email", "alice@example.com", "--password", pw, "--email-verified"},
			keepVerified: true, wantErr: "Created user alice\n", wantCreated: 1,
			check: func(t *testing.T, sent *model.User, _ string) {
				if !sent.EmailVerified {
					t.Error("email_verified not sent")
				}
			}},
		{name: "email verified dropped by the server", argv: []string{"--username", "alice", "--email", "alice@example.com", "--password", pw, "--email-verified"},
			wantErr: "Created user alice\n", wantCreated: 1, wantVerified: true},
		{name: "prompted password", argv: []string{"--username", "alice", "--email", "alice@example.com"}, tty: true, answers: []string{pw, pw},
			wantErr: "Created user alice\n", wantCreated: 1,
			check: func(t *testing.T, sent *model.User, _ string) {
				if sent.Password != pw {
					t.Error("prompted password not sent")
				}
			}},
		{name: "prompted passwords differ", argv: []string{"--username", "alice", "--email", "alice@example.com"}, tty: true, answers: []string{pw, "other"},
			wantCode: cmdutil.ExitError},
		{name: "username taken", argv: []string{"--username", "taken", "--email", "new@example.com", "--password", pw},
			wantCode: cmdutil.ExitError, wantCreated: 1, wantErr: ""},
		{name: "role change fails after creation", argv: []string{"--username", "alice", "--email", "alice@example.com", "--password", pw, "--system-admin"},
			rolesErr: &client.Error{Status: 403, Message: "denied"}, wantCode: cmdutil.ExitAuth, wantCreated: 1,
			wantRoles: "system_user system_admin", wantErr: "Created user alice\n",
			check: func(t *testing.T, _ *model.User, out string) {
				if !strings.Contains(out, "alice") {
					t.Errorf("the created user is not printed: %q", out)
				}
			}},
		{name: "dry run", argv: []string{"--username", "alice", "--email", "alice@example.com", "--password", pw, "--guest", "--dry-run"}, format: "json",
			wantErr: "would create user alice (alice@example.com)\n",
			check: func(t *testing.T, _ *model.User, out string) {
				var u model.User
				if err := json.Unmarshal([]byte(out), &u); err != nil {
					t.Fatalf("stdout is not a user object: %v\n%s", err, out)
				}
				if u.Username != "alice" || u.Roles != "system_guest" || u.Password != "" {
					t.Errorf("planned user = %+v", u)
				}
			}},
		{name: "dry run existing username", argv: []string{"--username", "taken", "--email", "new@example.com", "--password", pw, "--dry-run"},
			wantCode: cmdutil.ExitError},
		{name: "dry run existing email", argv: []string{"--username", "newbie", "--email", "taken@example.com", "--password", pw, "--dry-run"},
			wantCode: cmdutil.ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.TTY(tt.tty), cmdtest.Format(tt.format))
			for _, pw := range tt.answers {
				env.Prompter.Script(cmdtest.Password("", pw))
			}
			srv := createTestInstall(env, existing)
			srv.keepVer = tt.keepVerified
			srv.rolesErr = tt.rolesErr
			err := env.Exec(NewCmdCreate(env.F, nil), tt.argv...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d; stderr: %s", code, err, tt.wantCode, env.ErrOut)
			}
			// --password on argv always earns a warning; the rest of stderr is the verb's own.
			stderr := env.ErrOut.String()
			const argvWarning = "warning: --password exposes the password in the process list and shell history; use --password-file\n"
			if slices.Contains(tt.argv, "--password") {
				if !strings.HasPrefix(stderr, argvWarning) {
					t.Errorf("no warning about --password on the command line: %q", stderr)
				}
				stderr = strings.TrimPrefix(stderr, argvWarning)
			}
			if stderr != tt.wantErr {
				t.Errorf("stderr = %q, want %q", stderr, tt.wantErr)
			}
			if len(srv.created) != tt.wantCreated {
				t.Fatalf("CreateUser calls = %d, want %d", len(srv.created), tt.wantCreated)
			}
			if strings.Contains(env.Out.String()+env.ErrOut.String(), pw) || (err != nil && strings.Contains(err.Error(), pw)) {
				t.Error("the password was printed")
			}
			var roles string
			for _, r := range srv.roles {
				roles = r
			}
			if roles != tt.wantRoles {
				t.Errorf("roles set = %q, want %q", roles, tt.wantRoles)
			}
			if (len(srv.demoted) == 1) != tt.wantDemoted {
				t.Errorf("demoted = %v", srv.demoted)
			}
			if (len(srv.verified) == 1) != tt.wantVerified {
				t.Errorf("verified = %v", srv.verified)
			}
			if tt.check != nil {
				var sent *model.User
				if len(srv.created) > 0 {
					sent = srv.created[0]
				}
				tt.check(t, sent, env.Out.String())
			}
		})
	}
}

func TestCreateSingleErrors(t *testing.T) {
	env := cmdtest.New(t)
	srv := createTestInstall(env, searchTestUser("taken"))
	err := env.Exec(NewCmdCreate(env.F, nil), "--username", "alice", "--email", "alice@example.com", "--password", "pw", "--system-admin")
	if err != nil {
		t.Fatal(err)
	}
	srv.rolesErr = errors.New("boom")
	env.Out.Reset()
	err = env.Exec(NewCmdCreate(env.F, nil), "--username", "bob", "--email", "bob@example.com", "--password", "pw", "--system-admin")
	if err == nil || !strings.Contains(err.Error(), "created user bob, but could not make them a system admin: boom") {
		t.Errorf("error = %v", err)
	}
	err = env.Exec(NewCmdCreate(env.F, nil), "--username", "taken", "--email", "x@example.com", "--password", "pw", "--dry-run")
	if err == nil || err.Error() != "username taken already exists" {
		t.Errorf("dry-run error = %v", err)
	}
}

// createTestRow mirrors cmdtest.Row for decoding.
type createTestRow struct {
	Input  string      `json:"input"`
	OK     bool        `json:"ok"`
	DryRun bool        `json:"dry_run"`
	User   *model.User `json:"user"`
	Error  string      `json:"error"`
}

func createTestRows(t *testing.T, b []byte) []createTestRow {
	t.Helper()
	var rows []createTestRow
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatalf("stdout is not JSON rows: %v\n%s", err, b)
	}
	return rows
}

func TestCreateRunBulk(t *testing.T) {
	existing := searchTestUser("taken")
	csvFile := "Username,EMAIL,password,First_Name,System-Admin,guest,email_verified\n" +
		"alice,alice@example.com,pw1,Alice,true,,yes\n" +
		"bob,bob@example.com,pw2,Bob,maybe,,\n" +
		"carol,carol@example.com,,Carol,,,\n" +
		"\n" +
		"dave,Alice@example.com,pw4,Dave,,,\n" +
		"erin,erin@example.com,pw5,Erin,0,1,0\n" +
		"taken,taken2@example.com,pw6,,,,\n" +
		"frank,frank@example.com,pw7\n"
	tests := []struct {
		name     string
		argv     []string
		stdin    string
		file     string // content written to a temp file named fileName
		fileName string
		format   string
		wantCode int
		wantSent []string
		wantRows []createTestRow
		wantErr  []string // lines of stderr, in order
	}{
		{name: "csv with error rows", file: csvFile, fileName: "users.csv", format: "json", wantCode: cmdutil.ExitPartial,
			wantSent: []string{"alice", "erin", "taken"},
			wantRows: []createTestRow{
				{Input: "line 2: alice", OK: true},
				{Input: "line 3: bob", Error: "system_admin: not a boolean (use true/false, 1/0 or yes/no)"},
				{Input: "line 4: carol", Error: "password is required"},
				{Input: "line 6: dave", Error: "email alice@example.com repeats line 2"},
				{Input: "line 7: erin", OK: true},
				{Input: "line 8: taken", Error: "An account with that username already exists. (HTTP 400)"},
				{Input: "line 9: frank", Error: "3 fields, but the header has 7"},
			},
			wantErr: []string{
				"Created user alice",
				"line 3: bob: system_admin: not a boolean (use true/false, 1/0 or yes/no)",
				"line 4: carol: password is required",
				"line 6: dave: email alice@example.com repeats line 2",
				"Created user erin",
				"line 8: taken: An account with that username already exists. (HTTP 400)",
				"line 9: frank: 3 fields, but the header has 7",
				"7 rows: 2 created, 5 failed",
			}},
		{name: "jsonl on stdin", argv: []string{"--file", "-"}, stdin: "\n" +
			`{"username":"alice","email":"alice@example.com","password":"pw","system_admin":true,"lastname":"A"}` + "\n" +
			`{"username":"bob","email":"bob@example.com","password":"pw","guest":"yes","bogus":1}` + "\n" +
			`{"username":"alice","email":"other@example.com","password":"pw"}` + "\n" +
			`not json` + "\n" +
			`{"username":"carol","email":"carol@example.com","password":"pw","email-verified":1}`,
			wantCode: cmdutil.ExitPartial, wantSent: []string{"alice", "carol"},
			wantErr: []string{
				"Created user alice",
				`line 3: bob: unknown field "bogus" (known: disable_welcome_email, email, email_verified, firstname, guest, lastname, locale, nickname, password, system_admin, username)`,
				"line 4: alice: username alice repeats line 2",
				"line 5: invalid JSON: invalid character 'o' in literal null (expecting 'u')",
				"Created user carol",
				"5 rows: 2 created, 3 failed",
			}},
		{name: "json array", file: `[{"username":"alice","email":"alice@example.com","password":"pw"},` + "\n" +
			`{"username":"bob","email":"bob@example.com","password":"pw","first_name":"Bob"}]`, fileName: "users.json",
			wantSent: []string{"alice", "bob"}, wantErr: []string{"Created user alice", "Created user bob"}},
		{name: "dry run creates nothing", argv: []string{"--dry-run"}, file: "username,email,password\nalice,alice@example.com,pw\ntaken,new@example.com,pw\nbob,taken@example.com,pw\n",
			fileName: "u.csv", format: "json", wantCode: cmdutil.ExitPartial,
			wantRows: []createTestRow{
				{Input: "line 2: alice", OK: true, DryRun: true},
				{Input: "line 3: taken", DryRun: true, Error: "username taken already exists"},
				{Input: "line 4: bob", DryRun: true, Error: "a user with email taken@example.com already exists"},
			},
			wantErr: []string{"would create user alice (alice@example.com)", "line 3: taken: username taken already exists",
				"line 4: bob: a user with email taken@example.com already exists"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.Format(tt.format))
			env.In.WriteString(tt.stdin)
			srv := createTestInstall(env, existing)
			argv := tt.argv
			if tt.file != "" {
				argv = append([]string{"--file", createTestWrite(t, tt.fileName, tt.file)}, argv...)
			}
			err := env.Exec(NewCmdCreate(env.F, nil), argv...)
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code = %d (%v), want %d; stderr: %s", code, err, tt.wantCode, env.ErrOut)
			}
			sent := srv.sentNames()
			if fmt.Sprint(createTestSorted(sent)) != fmt.Sprint(createTestSorted(tt.wantSent)) {
				t.Errorf("created %q, want %q", sent, tt.wantSent)
			}
			gotErr := strings.Split(strings.TrimSuffix(env.ErrOut.String(), "\n"), "\n")
			if strings.Join(gotErr, "\n") != strings.Join(tt.wantErr, "\n") {
				t.Errorf("stderr =\n%s\nwant\n%s", env.ErrOut, strings.Join(tt.wantErr, "\n"))
			}
			if strings.Contains(env.Out.String()+env.ErrOut.String(), "pw1") {
				t.Error("a password was printed")
			}
			if tt.wantRows == nil {
				if env.Out.Len() != 0 {
					t.Errorf("stdout = %q, want nothing", env.Out)
				}
				return
			}
			rows := createTestRows(t, env.Out.Bytes())
			if len(rows) != len(tt.wantRows) {
				t.Fatalf("rows = %+v", rows)
			}
			for i, r := range rows {
				w := tt.wantRows[i]
				if r.Input != w.Input || r.OK != w.OK || r.DryRun != w.DryRun || r.Error != w.Error {
					t.Errorf("row %d = %+v, want %+v", i, r, w)
				}
				if r.OK && (r.User == nil || r.User.Password != "") {
					t.Errorf("row %d user = %+v", i, r.User)
				}
			}
		})
	}
}

func TestCreateBulkDetails(t *testing.T) {
	t.Run("roles and verification per row", func(t *testing.T) {
		env := cmdtest.New(t)
		srv := createTestInstall(env)
		srv.keepVer = false
		path := createTestWrite(t, "u.csv", "username,email,password,system_admin,guest,email_verified\na,a@example.com,pw,yes,no,no\nb,b@example.com,pw,no,yes,yes\n")
		if err := env.Exec(NewCmdCreate(env.F, nil), "--file", path); err != nil {
			t.Fatal(err)
		}
		if len(srv.roles) != 1 || len(srv.demoted) != 1 || len(srv.verified) != 1 {
			t.Errorf("roles %v, demoted %v, verified %v", srv.roles, srv.demoted, srv.verified)
		}
	})
	fatal := []struct {
		name, file, content, wantErr string
		wantCode                     int
	}{
		{name: "unknown column", file: "u.csv", content: "username,email,password,shoe_size\na,a@example.com,pw,42\n", wantErr: `u.csv:1: unknown column "shoe_size" (known: disable_welcome_email, email, `, wantCode: 1},
		{name: "missing column", file: "u.csv", content: "username,email\na,a@example.com\n", wantErr: `the header has no "password" column`, wantCode: 1},
		{name: "repeated column", file: "u.csv", content: "username,email,password,system-admin,system_admin\n", wantErr: `column "system_admin" appears twice`, wantCode: 1},
		{name: "bad quoting", file: "u.csv", content: "username,email,password\na,a@example.com,pw\nb,\"b@example.com,pw\n", wantErr: `u.csv:3:21: extraneous or missing " in quoted-field`, wantCode: 1},
		{name: "empty", file: "u.csv", content: "username,email,password\n", wantErr: "holds no users", wantCode: 2},
		{name: "broken json array", file: "u.json", content: `[{"username":"a"`, wantErr: "u.json", wantCode: 1},
		{name: "header after a blank line", file: "u.csv", content: "\nusername,email\na,a@example.com\n", wantErr: `u.csv:2: the header has no "password" column`, wantCode: 1},
		{name: "header missing columns", file: "u.csv", content: "nickname\nal\n", wantErr: `u.csv:1: the header has no "username", "email", "password" columns`, wantCode: 1},
		{name: "json array line", file: "u.json", content: "[\n{\"username\":\"a\"},\n{\"username\" \"b\"}\n]\n", wantErr: "u.json:3:13: invalid character '\"' after object key", wantCode: 1},
		{name: "data after the json array", file: "u.json", content: "[{\"username\":\"a\"}]\n[]\n", wantErr: "u.json:2:1: invalid character '[' after top-level value", wantCode: 1},
		{name: "empty json array", file: "u.json", content: " [ ] ", wantErr: "holds no users", wantCode: 2},
	}
	for _, tt := range fatal {
		t.Run(tt.name, func(t *testing.T) {
			env := cmdtest.New(t, cmdtest.Format("json"))
			srv := createTestInstall(env)
			err := env.Exec(NewCmdCreate(env.F, nil), "--file", createTestWrite(t, tt.file, tt.content))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Errorf("exit code = %d, want %d", code, tt.wantCode)
			}
			if len(srv.created) != 0 || env.Fake.TotalCalls() != 0 {
				t.Errorf("requests were made: %d", env.Fake.TotalCalls())
			}
			if env.Out.Len() != 0 {
				t.Errorf("stdout = %q", env.Out)
			}
		})
	}
	t.Run("stdin sniffing csv", func(t *testing.T) {
		env := cmdtest.New(t)
		env.In.WriteString("\ufeffusername,email,password\r\na,a@example.com,pw\r\n")
		srv := createTestInstall(env)
		if err := env.Exec(NewCmdCreate(env.F, nil), "--file", "-"); err != nil {
			t.Fatal(err)
		}
		if got := srv.sentNames(); len(got) != 1 || got[0] != "a" {
			t.Errorf("created %q", got)
		}
	})
}

// TestCreateBulkScale creates 1000 rows: each exactly once, results in file order, never more
// than --parallel requests at a time.
func TestCreateBulkScale(t *testing.T) {
	const n = 1000
	var b strings.Builder
	b.WriteString("username,email,password\n")
	for i := range n {
		fmt.Fprintf(&b, "user%04d,user%04d@example.com,pw-%d\n", i, i, i)
	}
	env := cmdtest.New(t, cmdtest.Format("jsonl"))
	srv := createTestInstall(env)
	srv.delay = 200 * time.Microsecond
	err := env.Exec(NewCmdCreate(env.F, nil), "--file", createTestWrite(t, "big.csv", b.String()), "--parallel", "5")
	if err != nil {
		t.Fatal(err)
	}
	sent := srv.sentNames()
	if len(sent) != n {
		t.Fatalf("created %d, want %d", len(sent), n)
	}
	seen := map[string]bool{}
	for _, s := range sent {
		if seen[s] {
			t.Fatalf("%s created twice", s)
		}
		seen[s] = true
	}
	if m := srv.maxInFl.Load(); m > 5 || m < 2 {
		t.Errorf("max concurrent creates = %d, want 2..5", m)
	}
	lines := strings.Split(strings.TrimSpace(env.Out.String()), "\n")
	if len(lines) != n {
		t.Fatalf("result lines = %d", len(lines))
	}
	for i, l := range lines {
		var r createTestRow
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("line %d: user%04d", i+2, i)
		if r.Input != want || !r.OK || r.User == nil || r.User.Username != fmt.Sprintf("user%04d", i) {
			t.Fatalf("row %d = %+v, want input %q", i, r, want)
		}
	}
	if c := strings.Count(env.ErrOut.String(), "Created user "); c != n {
		t.Errorf("success lines = %d", c)
	}
}

func createTestSorted(s []string) []string {
	c := append([]string(nil), s...)
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j] < c[j-1]; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	return c
}
