package webhook

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
)

// sendHookID is the ID of the hook the tests post through; it must never be printed whole.
const sendHookID = "4gj7xzq1y3fdmeu5kpsx8rfwbc"

func TestSendFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(t *testing.T, o *SendOptions)
		wantErr string // usage error (exit 2) containing this
	}{
		{name: "URL and text", args: []string{"https://chat.example.com/hooks/" + sendHookID, "--text", "hi", "--channel", "releases", "--username", "ci", "--icon-url", "https://x/i.png"},
			check: func(t *testing.T, o *SendOptions) {
				if o.Hook != "https://chat.example.com/hooks/"+sendHookID || o.HookFromEnv || o.Text != "hi" || o.Channel != "releases" || o.Username != "ci" || o.IconURL != "https://x/i.png" || o.card != nil {
					t.Errorf("%+v", o)
				}
			}},
		{name: "hook from the environment", args: []string{"--text", "hi"}, env: map[string]string{webhookURLEnv: " https://h/hooks/" + sendHookID + " "},
			check: func(t *testing.T, o *SendOptions) {
				if o.Hook != "https://h/hooks/"+sendHookID || !o.HookFromEnv {
					t.Errorf("hook %q from env %v", o.Hook, o.HookFromEnv)
				}
			}},
		{name: "card, short fields", args: []string{sendHookID, "--color", "2eb886", "--title", "Deployment succeeded", "--field", "Service=api", "--field", "Version=1.4.2=rc", "--field", "Empty="},
			check: func(t *testing.T, o *SendOptions) {
				want := &cardAttachment{Color: "#2eb886", Title: "Deployment succeeded",
					Fallback: "Deployment succeeded; Service: api; Version: 1.4.2=rc; Empty: ",
					Fields:   []cardField{{"Service", "api", true}, {"Version", "1.4.2=rc", true}, {"Empty", "", true}}}
				if got, _ := json.Marshal(o.card); string(got) != string(must(json.Marshal(want))) {
					t.Errorf("card %s", got)
				}
			}},
		{name: "long fields, named colour", args: []string{"deploys", "--field", "Changes=a long list", "--long-fields", "--color", "danger", "--at-least-once", "--dry-run"},
			check: func(t *testing.T, o *SendOptions) {
				if o.card == nil || o.card.Color != "danger" || o.card.Fields[0].Short || !o.AtLeastOnce || !o.DryRun || o.card.Fallback != "Changes: a long list" {
					t.Errorf("%+v %+v", o, o.card)
				}
			}},
		{name: "attachment only", args: []string{sendHookID, "--attachment", "card.json"},
			check: func(t *testing.T, o *SendOptions) {
				if o.AttachmentFile != "card.json" {
					t.Errorf("%+v", o)
				}
			}},
		{name: "underscore spelling", args: []string{sendHookID, "--text_file", "-", "--icon_url", "u"},
			check: func(t *testing.T, o *SendOptions) {
				if o.TextFile != "-" || o.IconURL != "u" {
					t.Errorf("%+v", o)
				}
			}},
		{name: "no hook", args: []string{"--text", "x"}, wantErr: webhookURLEnv},
		{name: "two hooks", args: []string{"a", "b", "--text", "x"}, wantErr: "one webhook"},
		{name: "empty hook", args: []string{"", "--text", "x"}, wantErr: "empty"},
		{name: "nothing to post", args: []string{sendHookID}, wantErr: "nothing to post"},
		{name: "blank text", args: []string{sendHookID, "--text", "  "}, wantErr: "only whitespace"},
		{name: "text and text file", args: []string{sendHookID, "--text", "a", "--text-file", "f"}, wantErr: "cannot be used together"},
		{name: "stdin twice", args: []string{sendHookID, "--text-file", "-", "--attachment", "-"}, wantErr: "cannot both read standard input"},
		{name: "field without =", args: []string{sendHookID, "--field", "Service"}, wantErr: `invalid --field "Service": use Title=Value`},
		{name: "field without title", args: []string{sendHookID, "--field", "=v"}, wantErr: "title before '=' is empty"},
		{name: "bad colour", args: []string{sendHookID, "--color", "blue", "--title", "t"}, wantErr: "invalid --color"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := cmdtest.New(t, cmdtest.Vars(tt.env))
			var got *SendOptions
			err := e.Exec(NewCmdSend(e.F, func(_ context.Context, o *SendOptions) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v (exit %d), want usage error %q", err, cmdutil.ExitCode(err), tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, got)
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("the flag tier made %d client calls", e.Fake.TotalCalls())
			}
		})
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// hookServer is a Mattermost stand-in on loopback: it answers posts to /hooks/<id> with the
// scripted answers in turn (then "ok"), and the client configuration.
type hookServer struct {
	*httptest.Server
	mu       sync.Mutex
	answers  []http.HandlerFunc
	requests []recorded
	config   map[string]string
}

type recorded struct {
	Method, Path, Query, Auth, ContentType string
	Body                                   []byte
}

func newHookServer(t *testing.T, answers ...http.HandlerFunc) *hookServer {
	s := &hookServer{answers: answers}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *hookServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests = append(s.requests, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body})
	var answer http.HandlerFunc
	if strings.HasPrefix(r.URL.Path, "/hooks/") && len(s.answers) > 0 {
		answer, s.answers = s.answers[0], s.answers[1:]
	}
	cfg := s.config
	s.mu.Unlock()
	switch {
	case r.URL.Path == "/api/v4/config/client" && cfg != nil:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(cfg)
	case r.URL.Path == "/hooks/"+sendHookID && answer != nil:
		answer(w, r)
	case r.URL.Path == "/hooks/"+sendHookID && r.Method == http.MethodPost:
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok"))
	default:
		mmError(http.StatusNotFound, "api.context.404.app_error", "Sorry, we could not find the page.")(w, r)
	}
}

func (s *hookServer) posts() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []recorded
	for _, r := range s.requests {
		if r.Method == http.MethodPost {
			out = append(out, r)
		}
	}
	return out
}

func (s *hookServer) all() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

func (s *hookServer) hookURL() string { return s.URL + "/hooks/" + sendHookID }

// mmError answers as Mattermost does when it refuses a request.
func mmError(status int, id, msg string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req"+id[:3])
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"id": id, "message": msg, "detailed_error": "webhook_id=" + sendHookID, "request_id": "req" + id[:3], "status_code": status})
	}
}

// proxyError answers as a reverse proxy does: a page that is not Mattermost's.
func proxyError(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "<html><body><h1>"+http.StatusText(status)+"</h1>upstream failed for "+r.URL.Path+"</body></html>")
	}
}

func withHeader(k, v string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { w.Header().Set(k, v); h(w, r) }
}

// sendEnv runs `webhook send` with the pauses between attempts recorded, not slept.
type sendEnv struct {
	*cmdtest.Env
	waits []time.Duration
}

func newSendEnv(t *testing.T, opts ...cmdtest.Option) *sendEnv {
	return &sendEnv{Env: cmdtest.New(t, opts...)}
}

func (e *sendEnv) run(args ...string) error {
	return e.Exec(NewCmdSend(e.F, func(ctx context.Context, o *SendOptions) error {
		o.sleep = func(_ context.Context, d time.Duration) error { e.waits = append(e.waits, d); return nil }
		return sendRun(ctx, o)
	}), args...)
}

// noSecret fails when the hook's ID appears whole in the output or the error.
func noSecret(t *testing.T, e *sendEnv, err error) {
	t.Helper()
	for what, s := range map[string]string{"stdout": e.Out.String(), "stderr": e.ErrOut.String()} {
		if strings.Contains(s, sendHookID) {
			t.Errorf("the hook ID is on %s: %s", what, s)
		}
	}
	if err != nil && (strings.Contains(err.Error(), sendHookID) || strings.Contains(cmdutil.ErrorMessage(err), sendHookID)) {
		t.Errorf("the hook ID is in the error: %v", err)
	}
}

func TestSendRunByURL(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(map[bool]string{false: "pipe", true: "terminal"}[tty], func(t *testing.T) {
			s := newHookServer(t)
			e := newSendEnv(t, cmdtest.TTY(tty))
			err := e.run(s.hookURL(), "--text", "Deployed **api**", "--color", "good", "--title", "Deployment succeeded",
				"--field", "Service=api", "--field", "Environment=production", "--channel", "releases")
			if err != nil {
				t.Fatalf("err = %v\nstderr: %s", err, e.ErrOut)
			}
			want := "Posted to " + s.URL + "/hooks/4gj… in channel releases\n"
			if e.ErrOut.String() != want || e.Out.Len() != 0 {
				t.Errorf("stdout %q stderr %q, want stderr %q", e.Out, e.ErrOut, want)
			}
			posts := s.posts()
			if len(s.all()) != 1 || len(posts) != 1 {
				t.Fatalf("requests: %+v", s.all())
			}
			if posts[0].Auth != "" || posts[0].ContentType != "application/json" {
				t.Errorf("authorization %q, content type %q", posts[0].Auth, posts[0].ContentType)
			}
			var got model.IncomingWebhookRequest
			if err := json.Unmarshal(posts[0].Body, &got); err != nil {
				t.Fatal(err)
			}
			if got.Text != "Deployed **api**" || got.ChannelName != "releases" || len(got.Attachments) != 1 {
				t.Fatalf("payload %s", posts[0].Body)
			}
			a := got.Attachments[0]
			if a.Color != "good" || a.Title != "Deployment succeeded" || len(a.Fields) != 2 ||
				a.Fields[1].Title != "Environment" || a.Fields[1].Value != "production" || !bool(a.Fields[1].Short) {
				t.Errorf("attachment %s", posts[0].Body)
			}
			if e.Fake.TotalCalls() != 0 {
				t.Errorf("a URL needs no API client: %d calls", e.Fake.TotalCalls())
			}
			noSecret(t, e, err)
		})
	}
}

func TestSendURLNeedsNoCredentials(t *testing.T) {
	s := newHookServer(t)
	e := newSendEnv(t, cmdtest.Vars(map[string]string{webhookURLEnv: s.hookURL()}))
	e.F.Credentials = func() (*cmdutil.Credentials, error) { t.Error("credentials resolved"); return nil, errors.New("no") }
	e.F.Client = nil // any use panics
	e.F.Globals.Quiet = true
	if err := e.run("--text", "from the environment"); err != nil {
		t.Fatal(err)
	}
	if len(s.posts()) != 1 || e.ErrOut.Len() != 0 {
		t.Errorf("posts %d, stderr %q", len(s.posts()), e.ErrOut)
	}
}

func TestSendByIDIsOneRequest(t *testing.T) {
	s := newHookServer(t)
	e := newSendEnv(t, cmdtest.Vars(map[string]string{"MATTERCTL_URL": s.URL + "/", "MATTERCTL_TOKEN": "tok-secret"}))
	if err := e.run(sendHookID, "--text", "by ID"); err != nil {
		t.Fatalf("%v\n%s", err, e.ErrOut)
	}
	reqs := s.all()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPost || reqs[0].Path != "/hooks/"+sendHookID {
		t.Fatalf("requests: %+v, want one POST /hooks/ID", reqs)
	}
	if reqs[0].Auth != "" {
		t.Errorf("the token was sent to the hook")
	}
	if e.Fake.TotalCalls() != 0 {
		t.Errorf("%d API calls before the post", e.Fake.TotalCalls())
	}
	if got := e.ErrOut.String(); got != "Posted to "+s.URL+"/hooks/4gj…\n" {
		t.Errorf("stderr %q", got)
	}
}

func TestSendJSONPrintsThePayload(t *testing.T) {
	s := newHookServer(t)
	e := newSendEnv(t, cmdtest.JSON(true))
	e.In.WriteString("line one\nline two\n\n")
	if err := e.run(s.hookURL(), "--text-file", "-", "--title", "T", "--field", "k=v"); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(e.Out.Bytes(), &got); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, e.Out)
	}
	if got["text"] != "line one\nline two" || len(got["attachments"].([]any)) != 1 || got["channel"] != nil {
		t.Errorf("payload %s", e.Out)
	}
	posted := s.posts()[0].Body
	var sent map[string]any
	_ = json.Unmarshal(posted, &sent)
	if sent["text"] != got["text"] {
		t.Errorf("printed %s, sent %s", e.Out, posted)
	}
	if !strings.HasPrefix(e.ErrOut.String(), "Posted to ") {
		t.Errorf("stderr %q", e.ErrOut)
	}
}

func TestSendDryRunSendsNothing(t *testing.T) {
	s := newHookServer(t)
	e := newSendEnv(t)
	if err := e.run(s.hookURL(), "--text", "hello", "--dry-run"); err != nil {
		t.Fatal(err)
	}
	if len(s.all()) != 0 {
		t.Errorf("a dry run sent %d requests", len(s.all()))
	}
	if !strings.Contains(e.ErrOut.String(), "would post to "+s.URL+"/hooks/4gj…") || !strings.Contains(e.Out.String(), `"text": "hello"`) {
		t.Errorf("stdout %q stderr %q", e.Out, e.ErrOut)
	}
}

func TestSendByName(t *testing.T) {
	s := newHookServer(t)
	e := newSendEnv(t, cmdtest.Vars(map[string]string{"MATTERCTL_URL": s.URL, "MATTERCTL_TOKEN": "tok"}))
	e.Fake.GetIncomingWebhooksFunc = func(_ context.Context, page, perPage int, _ string) ([]*model.IncomingWebhook, *model.Response, error) {
		return []*model.IncomingWebhook{{Id: model.NewId(), DisplayName: "other"}, {Id: sendHookID, DisplayName: "Deploys"}}, &model.Response{}, nil
	}
	if err := e.run("deploys", "--text", "by name"); err != nil {
		t.Fatalf("%v\n%s", err, e.ErrOut)
	}
	if len(s.posts()) != 1 || e.Fake.Calls("GetIncomingWebhooks") != 1 {
		t.Errorf("posts %d, listings %d", len(s.posts()), e.Fake.Calls("GetIncomingWebhooks"))
	}
	if got := e.ErrOut.String(); got != `Posted to webhook "Deploys" (`+s.URL+"/hooks/4gj…)\n" {
		t.Errorf("stderr %q", got)
	}
}

func TestSendNameInEnvironmentIsRefused(t *testing.T) {
	e := newSendEnv(t, cmdtest.Vars(map[string]string{webhookURLEnv: "deploys"}))
	err := e.run("--text", "x")
	if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), webhookURLEnv) {
		t.Fatalf("err = %v", err)
	}
}

func TestSendWarnsAboutIgnoredOverrides(t *testing.T) {
	tests := []struct {
		name     string
		config   map[string]string
		args     []string
		warnings []string
	}{
		{name: "both off", config: map[string]string{"EnablePostUsernameOverride": "false", "EnablePostIconOverride": "false"},
			args: []string{"--username", "ci", "--icon-url", "https://x/i.png"},
			warnings: []string{
				"warning: the server ignored --username: ServiceSettings.EnablePostUsernameOverride is off (turn it on in the System Console, config.json or MM_SERVICESETTINGS_ENABLEPOSTUSERNAMEOVERRIDE=true)",
				"warning: the server ignored --icon-url: ServiceSettings.EnablePostIconOverride is off (turn it on in the System Console, config.json or MM_SERVICESETTINGS_ENABLEPOSTICONOVERRIDE=true)",
			}},
		{name: "username on", config: map[string]string{"EnablePostUsernameOverride": "true", "EnablePostIconOverride": "false"},
			args: []string{"--username", "ci"}},
		{name: "unknown", config: map[string]string{}, args: []string{"--username", "ci"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newHookServer(t)
			s.config = tt.config
			e := newSendEnv(t, cmdtest.Vars(map[string]string{"MATTERCTL_URL": s.URL, "MATTERCTL_TOKEN": "tok"}))
			if err := e.run(append([]string{sendHookID, "--text", "x"}, tt.args...)...); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSuffix(e.ErrOut.String(), "\n"), "\n")
			if want := append([]string{"Posted to " + s.URL + "/hooks/4gj…"}, tt.warnings...); !slices.Equal(lines, want) {
				t.Errorf("stderr:\n%s\nwant:\n%s", e.ErrOut, strings.Join(want, "\n"))
			}
			var cfgReq *recorded
			for _, r := range s.all() {
				if r.Path == "/api/v4/config/client" {
					cfgReq = &r
				}
			}
			if cfgReq == nil || cfgReq.Query != "format=old" || cfgReq.Auth != "Bearer tok" || len(s.all()) != 2 {
				t.Errorf("requests %+v", s.all())
			}
		})
	}
}

func TestSendRetries(t *testing.T) {
	tests := []struct {
		name      string
		answers   []http.HandlerFunc
		args      []string
		wantPosts int
		wantWaits []time.Duration // nil: only the count is checked (jitter)
		nWaits    int
		wantErr   []string // substrings; none: success
		wantExit  int
	}{
		{name: "429 honours Retry-After", answers: []http.HandlerFunc{
			withHeader("Retry-After", "2", mmError(429, "api.context.rate_limit", "Too many requests")),
		}, wantPosts: 2, wantWaits: []time.Duration{2 * time.Second}},
		{name: "503 from a proxy", answers: []http.HandlerFunc{proxyError(503), proxyError(503)}, wantPosts: 3, nWaits: 2},
		{name: "500 from Mattermost", answers: []http.HandlerFunc{mmError(500, "app.post.save.app_error", "db")}, wantPosts: 2, nWaits: 1},
		{name: "502 from a proxy is not retried", answers: []http.HandlerFunc{proxyError(502)}, wantPosts: 1,
			wantErr: []string{"Bad Gateway", "the post may have been made", "--at-least-once"}, wantExit: 1},
		{name: "504 with --at-least-once", answers: []http.HandlerFunc{proxyError(504)}, args: []string{"--at-least-once"}, wantPosts: 2, nWaits: 1},
		{name: "gives up after 3 retries", answers: []http.HandlerFunc{proxyError(503), proxyError(503), proxyError(503), proxyError(503)},
			wantPosts: 4, nWaits: 3, wantErr: []string{"Service Unavailable", "after 3 retries"}, wantExit: 1},
		{name: "Retry-After too long", answers: []http.HandlerFunc{withHeader("Retry-After", "3600", mmError(429, "api.context.rate_limit", "Too many requests"))},
			wantPosts: 1, wantErr: []string{"Too many requests (HTTP 429)"}, wantExit: 1},
		{name: "disabled", answers: []http.HandlerFunc{mmError(501, "web.incoming_webhook.disabled.app_error", "Incoming webhooks have been disabled by the system admin.")},
			wantPosts: 1, wantErr: []string{"posting through incoming webhooks is disabled on the server (ServiceSettings.EnableIncomingWebhooks, MM_SERVICESETTINGS_ENABLEINCOMINGWEBHOOKS)"}, wantExit: 1},
		{name: "unknown hook", answers: []http.HandlerFunc{mmError(400, "web.incoming_webhook.invalid.app_error", "Invalid webhook.")},
			wantPosts: 1, wantErr: []string{`incoming webhook "http://127.0.0.1`, `/hooks/4gj…" not found`}, wantExit: cmdutil.ExitNotFound},
		{name: "locked channel", args: []string{"--channel", "random"}, answers: []http.HandlerFunc{mmError(403, "web.incoming_webhook.channel_locked.app_error", "locked")},
			wantPosts: 1, wantErr: []string{`locked to its channel: it cannot post to channel "random"`}, wantExit: 1},
		{name: "unknown channel", args: []string{"--channel", "nope"}, answers: []http.HandlerFunc{mmError(404, "web.incoming_webhook.channel.app_error", "Couldn't find the channel.")},
			wantPosts: 1, wantErr: []string{`channel "nope" not found in the webhook's team`}, wantExit: cmdutil.ExitNotFound},
		{name: "a proxy's page echoes the path", answers: []http.HandlerFunc{proxyError(404)},
			wantPosts: 1, wantErr: []string{"Not Found", "/hooks/4gj…"}, wantExit: cmdutil.ExitNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newHookServer(t, tt.answers...)
			e := newSendEnv(t)
			err := e.run(append([]string{s.hookURL(), "--text", "x"}, tt.args...)...)
			noSecret(t, e, err)
			if len(s.posts()) != tt.wantPosts {
				t.Errorf("%d posts, want %d", len(s.posts()), tt.wantPosts)
			}
			if tt.wantWaits != nil && !slices.Equal(e.waits, tt.wantWaits) {
				t.Errorf("waits %v, want %v", e.waits, tt.wantWaits)
			}
			if tt.wantWaits == nil && len(e.waits) != tt.nWaits {
				t.Errorf("waits %v, want %d", e.waits, tt.nWaits)
			}
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if !strings.HasPrefix(e.ErrOut.String(), "Posted to ") {
					t.Errorf("stderr %q", e.ErrOut)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			msg := cmdutil.ErrorMessage(err)
			for _, w := range tt.wantErr {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if code := cmdutil.ExitCode(err); code != tt.wantExit {
				t.Errorf("exit %d, want %d (%v)", code, tt.wantExit, err)
			}
			if strings.Contains(e.ErrOut.String(), "Posted") {
				t.Errorf("success reported: %s", e.ErrOut)
			}
		})
	}
}

func TestSendConnectionRefusedIsRetried(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	e := newSendEnv(t)
	err = e.run("http://"+addr+"/hooks/"+sendHookID, "--text", "x")
	noSecret(t, e, err)
	msg := cmdutil.ErrorMessage(err)
	if !strings.Contains(msg, "posting to http://"+addr+"/hooks/4gj…: ") || !strings.Contains(msg, "connection refused") ||
		!strings.Contains(msg, "after 3 retries") || !strings.Contains(msg, "hint: nothing is listening there") {
		t.Errorf("error:\n%s", msg)
	}
	if len(e.waits) != 3 {
		t.Errorf("waits %v", e.waits)
	}
}

func TestSendBadURLs(t *testing.T) {
	for _, u := range []string{
		"ftp://h/hooks/" + sendHookID,
		"https://h/hoooks/" + sendHookID,
		"https://user:pw@h/hooks/" + sendHookID,
		"https:///hooks/" + sendHookID,
	} {
		e := newSendEnv(t)
		err := e.run(u, "--text", "x")
		if cmdutil.ExitCode(err) != cmdutil.ExitUsage || !strings.Contains(err.Error(), "invalid webhook URL") {
			t.Errorf("%s: err = %v", u, err)
		}
		noSecret(t, e, err)
	}
}

func TestSendAttachmentFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := []struct{ name, content string }{
		{"array.json", `[{"title":"a","fields":[{"title":"k","value":1,"short":"true"}]},{"text":"b","mrkdwn_in":["text"]}]`},
		{"object.json", `{"text":"ignored","attachments":[{"title":"a"},{"title":"b"}]}`},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			s := newHookServer(t)
			e := newSendEnv(t)
			if err := e.run(s.hookURL(), "--attachment", write(c.name, c.content), "--title", "card"); err != nil {
				t.Fatal(err)
			}
			var got model.IncomingWebhookRequest
			if err := json.Unmarshal(s.posts()[0].Body, &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Attachments) != 3 || got.Attachments[2].Title != "card" || got.Text != "" {
				t.Errorf("sent %s", s.posts()[0].Body)
			}
		})
	}
	bad := []struct{ name, content, want string }{
		{"empty.json", "  \n", "empty"},
		{"notjson.json", "{oops", "not valid JSON"},
		{"string.json", `"text"`, "want a JSON array of attachments"},
		{"noattachments.json", `{"text":"x"}`, `no "attachments" array`},
		{"emptyarray.json", `[]`, "no attachments"},
		{"number.json", `[1]`, "attachment 1 is not a JSON object"},
		{"fields.json", `[{"title":"a"},{"fields":{"title":"k"}}]`, `attachment 2: "fields" must be a JSON array`},
		{"twodocs.json", `[{"title":"a"}] [{"title":"b"}]`, "more than one JSON document"},
		{"attachmentsnotarray.json", `{"attachments":{"title":"a"}}`, `"attachments" is not an array`},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			s := newHookServer(t)
			e := newSendEnv(t)
			path := write(c.name, c.content)
			err := e.run(s.hookURL(), "--attachment", path)
			if err == nil || !strings.HasPrefix(err.Error(), "--attachment "+path+": ") || !strings.Contains(err.Error(), c.want) ||
				strings.Contains(err.Error(), "\n") {
				t.Errorf("err = %v, want one line naming %s with %q", err, path, c.want)
			}
			if len(s.all()) != 0 {
				t.Errorf("posted anyway")
			}
		})
	}
	t.Run("from stdin", func(t *testing.T) {
		s := newHookServer(t)
		e := newSendEnv(t)
		e.In.WriteString(`[{"title":"from stdin","color":"#ff0000"}]`)
		if err := e.run(s.hookURL(), "--attachment", "-", "--text", "t"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(s.posts()[0].Body), "from stdin") {
			t.Errorf("sent %s", s.posts()[0].Body)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		e := newSendEnv(t)
		err := e.run("https://h/hooks/"+sendHookID, "--attachment", filepath.Join(dir, "nope.json"))
		if err == nil || !strings.Contains(err.Error(), "nope.json: no such file") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("empty text file", func(t *testing.T) {
		e := newSendEnv(t)
		err := e.run("https://h/hooks/"+sendHookID, "--text-file", write("empty.txt", "\n\n"))
		if err == nil || !strings.Contains(err.Error(), "nothing to post: --text-file") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestSendTLSOptionsApply(t *testing.T) {
	var posts atomic.Int32
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		_, _ = w.Write([]byte("ok"))
	}))
	defer s.Close()
	hook := s.URL + "/hooks/" + sendHookID

	// An untrusted certificate: nothing was sent, so the failure is final and not retried.
	e := newSendEnv(t)
	err := e.run(hook, "--text", "x")
	msg := cmdutil.ErrorMessage(err)
	if err == nil || !strings.Contains(msg, "certificate") || !strings.Contains(msg, "--ca-file") || strings.Contains(msg, "may have been made") {
		t.Errorf("error:\n%s", msg)
	}
	if len(e.waits) != 0 || posts.Load() != 0 {
		t.Errorf("waits %v, posts %d", e.waits, posts.Load())
	}
	noSecret(t, e, err)

	// --ca-file trusts it.
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pemCert(s.Certificate().Raw), 0o600); err != nil {
		t.Fatal(err)
	}
	e = newSendEnv(t)
	e.F.Globals.CAFile = ca
	if err := e.run(hook, "--text", "x"); err != nil {
		t.Fatalf("with --ca-file: %v", err)
	}
	// --insecure-skip-verify too.
	e = newSendEnv(t)
	e.F.Globals.InsecureSkipVerify = true
	if err := e.run(hook, "--text", "x"); err != nil {
		t.Fatalf("with --insecure-skip-verify: %v", err)
	}
	if posts.Load() != 2 {
		t.Errorf("posts %d, want 2", posts.Load())
	}
}

func pemCert(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestSendLocalModePostsToTheSiteURL(t *testing.T) {
	s := newHookServer(t)
	dir, err := os.MkdirTemp("", "wsend")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "mm.socket")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skipf("no unix sockets: %v", err)
	}
	defer l.Close()
	if err := os.Chmod(sock, 0o600); err != nil {
		t.Fatal(err)
	}
	e := newSendEnv(t, cmdtest.Vars(map[string]string{"MATTERCTL_LOCAL_SOCKET": sock}))
	e.F.Globals.Local = true
	site, off := s.URL, false
	e.Fake.GetConfigFunc = func(context.Context) (*model.Config, *model.Response, error) {
		cfg := &model.Config{}
		cfg.ServiceSettings.SiteURL = &site
		cfg.ServiceSettings.EnablePostUsernameOverride = &off
		return cfg, &model.Response{}, nil
	}
	if err := e.run(sendHookID, "--text", "local", "--username", "ci"); err != nil {
		t.Fatal(err)
	}
	if len(s.all()) != 1 || len(s.posts()) != 1 || e.Fake.Calls("GetConfig") != 1 {
		t.Errorf("requests %+v, GetConfig calls %d", s.all(), e.Fake.Calls("GetConfig"))
	}
	if !strings.Contains(e.ErrOut.String(), "Posted to "+s.URL+"/hooks/4gj…") || !strings.Contains(e.ErrOut.String(), "ignored --username") {
		t.Errorf("stderr %q", e.ErrOut)
	}
}

func TestSendRedirectIsNotFollowed(t *testing.T) {
	target := newHookServer(t)
	s := newHookServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.hookURL(), http.StatusMovedPermanently)
	})
	e := newSendEnv(t)
	err := e.run(s.hookURL(), "--text", "x")
	noSecret(t, e, err)
	if err == nil || !strings.Contains(err.Error(), "redirected the post to "+target.URL+"/hooks/4gj… (HTTP 301)") {
		t.Errorf("err = %v", err)
	}
	if len(target.all()) != 0 || len(s.posts()) != 1 {
		t.Errorf("requests: %d to the target, %d posts", len(target.all()), len(s.posts()))
	}
}
