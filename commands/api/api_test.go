package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/matterctl/matterctl/commands/cmdtest"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/httpstub"
)

const (
	serverURL = "https://mm.example.com"
	apiToken  = "api-TOKEN-42"
)

// newTestEnv builds an Env whose HTTP requests the stub registry answers, with environment
// credentials for serverURL and apiToken.
func newTestEnv(t *testing.T, tty bool) *cmdtest.Env {
	t.Helper()
	return cmdtest.New(t, cmdtest.TTY(tty), cmdtest.HTTPStub(),
		cmdtest.Vars(map[string]string{"MATTERCTL_URL": serverURL, "MATTERCTL_TOKEN": apiToken}))
}

func wantExit(t *testing.T, err error, code int) {
	t.Helper()
	if got := cmdutil.ExitCode(err); got != code {
		t.Fatalf("exit code %d, want %d (error: %v)", got, code, err)
	}
}

// Flag tier.

func TestAPIFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    Options // only the flag fields are compared
		wantErr string
	}{
		{name: "path only", args: []string{"/users/me"}, want: Options{Method: "GET", Path: "/users/me"}},
		{name: "method argument", args: []string{"delete", "/posts/p1"}, want: Options{Method: "DELETE", Path: "/posts/p1"}},
		{name: "--method", args: []string{"-X", "put", "/users/u1/active", "-F", "active=false"}, want: Options{Method: "PUT", Path: "/users/u1/active", TypedFields: []string{"active=false"}}},
		{name: "fields default to POST", args: []string{"/users/usernames", "-f", "a=b"}, want: Options{Method: "POST", Path: "/users/usernames", RawFields: []string{"a=b"}}},
		{name: "typed fields default to POST", args: []string{"/posts", "-F", "n=1", "--field", "m=2"}, want: Options{Method: "POST", Path: "/posts", TypedFields: []string{"n=1", "m=2"}}},
		{name: "input defaults to POST", args: []string{"/users/usernames", "--input", "-"}, want: Options{Method: "POST", Path: "/users/usernames", Input: "-"}},
		{name: "GET with fields", args: []string{"GET", "/users", "-f", "in_team=t1", "--raw-field", "x=y"}, want: Options{Method: "GET", Path: "/users", RawFields: []string{"in_team=t1", "x=y"}}},
		{name: "GET with input and fields", args: []string{"-X", "GET", "/users", "--input", "q.json", "-f", "page=0"}, want: Options{Method: "GET", Path: "/users", Input: "q.json", RawFields: []string{"page=0"}}},
		{
			name: "headers, include, paginate",
			args: []string{"/users", "-H", "X-A: 1", "--header", "X-B:2", "-i", "--paginate"},
			want: Options{Method: "GET", Path: "/users", Headers: []string{"X-A: 1", "X-B:2"}, Include: true, Paginate: true},
		},
		{name: "dry run", args: []string{"DELETE", "/users/u1", "--dry-run"}, want: Options{Method: "DELETE", Path: "/users/u1", DryRun: true}},

		{name: "method twice", args: []string{"POST", "/users", "--method", "PUT"}, wantErr: "either as an argument or with --method, not both"},
		{name: "method twice, same", args: []string{"GET", "/users", "-X", "GET"}, wantErr: "not both"},
		{name: "unknown method", args: []string{"FETCH", "/users"}, wantErr: `unknown HTTP method "FETCH"`},
		{name: "unknown --method", args: []string{"-X", "TRACE", "/users"}, wantErr: `unknown HTTP method "TRACE"`},
		{name: "--paginate with POST", args: []string{"POST", "/users/search", "--paginate"}, wantErr: "--paginate works with GET requests only"},
		{name: "--paginate with -X POST", args: []string{"-X", "POST", "/users", "--paginate"}, wantErr: "--paginate works with GET requests only"},
		{name: "--paginate with --input", args: []string{"/users", "--paginate", "--input", "-"}, wantErr: "--paginate cannot send a request body"},
		{name: "--input with fields", args: []string{"/users", "--input", "-", "-f", "a=b"}, wantErr: "--input cannot be combined with -f/-F"},
		{name: "--input with fields, PUT", args: []string{"PUT", "/users", "--input", "-", "-F", "a=1"}, wantErr: "--input cannot be combined with -f/-F"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, false)
			var got *Options
			err := e.Exec(NewCmdAPI(e.F, func(_ context.Context, o *Options) error { got = o; return nil }), tt.args...)
			if tt.wantErr != "" {
				var fe *cmdutil.FlagError
				if !errors.As(err, &fe) || cmdutil.ExitCode(err) != cmdutil.ExitUsage {
					t.Fatalf("want a usage error, got %T %v", err, err)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %q does not contain %q", err, tt.wantErr)
				}
				if got != nil {
					t.Error("runF called")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Method != tt.want.Method || got.Path != tt.want.Path || got.Input != tt.want.Input ||
				got.Include != tt.want.Include || got.Paginate != tt.want.Paginate || got.DryRun != tt.want.DryRun ||
				strings.Join(got.RawFields, "|") != strings.Join(tt.want.RawFields, "|") ||
				strings.Join(got.TypedFields, "|") != strings.Join(tt.want.TypedFields, "|") ||
				strings.Join(got.Headers, "|") != strings.Join(tt.want.Headers, "|") {
				t.Errorf("options\n got %+v\nwant %+v", *got, tt.want)
			}
			if got.IO != e.F.IOStreams || got.HTTPClient == nil || got.Printer == nil {
				t.Error("the dependencies are not injected")
			}
		})
	}
}

func TestAPIArgCount(t *testing.T) {
	e := newTestEnv(t, false)
	for _, args := range [][]string{nil, {"GET", "/a", "/b"}} {
		if err := e.Exec(NewCmdAPI(e.F, func(context.Context, *Options) error { return nil }), args...); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

// Run tier.

// bearer checks the Authorization header of every stubbed request.
func bearer(t *testing.T, next httpstub.Responder) httpstub.Responder {
	return httpstub.Inspect(func(req *http.Request, _ []byte) {
		if got := req.Header.Get("Authorization"); got != "Bearer "+apiToken {
			t.Errorf("%s %s: Authorization %q", req.Method, req.URL.Path, got)
		}
	}, next)
}

func TestAPIRun(t *testing.T) {
	me := `{"id":"u1","username":"admin","roles":"system_admin system_user"}`
	tests := []struct {
		name     string
		tty      bool
		jq       string
		args     []string // $DIR is replaced by the test directory
		stdin    string
		files    map[string]string
		stubs    func(t *testing.T, reg *httpstub.Registry)
		wantExit int
		wantErr  string
		wantOut  string
	}{
		{
			name: "GET prints the body as received",
			args: []string{"/users/me"},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", "/api/v4/users/me"), bearer(t, httpstub.JSONResponse(200, json.RawMessage(me))))
			},
			wantOut: me + "\n",
		},
		{
			name: "GET at a terminal is indented",
			tty:  true,
			args: []string{"users/me"},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", "/api/v4/users/me"), bearer(t, httpstub.JSONResponse(200, json.RawMessage(me))))
			},
			wantOut: "{\n  \"id\": \"u1\",\n  \"username\": \"admin\",\n  \"roles\": \"system_admin system_user\"\n}\n",
		},
		{
			name: "a leading /api/v4 is accepted",
			args: []string{"/api/v4/users/me"},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", "/api/v4/users/me"), bearer(t, httpstub.JSONResponse(200, json.RawMessage(me))))
			},
			wantOut: me + "\n",
		},
		{
			name: "--jq",
			jq:   ".username",
			args: []string{"/users/me"},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", "/api/v4/users/me"), bearer(t, httpstub.JSONResponse(200, json.RawMessage(me))))
			},
			wantOut: "admin\n",
		},
		{
			name: "GET fields become query parameters",
			args: []string{"GET", "/users", "-f", "in_team=t 1", "-F", "per_page=10", "-F", "active=true", "-F", "x=null", "-f", "ids[]=a", "-f", "ids[]=b"},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", "/api/v4/users"), bearer(t, httpstub.Inspect(func(req *http.Request, body []byte) {
					want := url.Values{"in_team": {"t 1"}, "per_page": {"10"}, "active": {"true"}, "x": {""}, "ids": {"a", "b"}}
					if got := req.URL.RawQuery; got != want.Encode() {
						t.Errorf("query %q, want %q", got, want.Encode())
					}
					if len(body) != 0 {
						t.Errorf("a GET sent a body: %s", body)
					}
				}, httpstub.JSONResponse(200, []string{}))))
			},
			wantOut: "[]\n",
		},
		{
			name:  "POST typed fields make a JSON body",
			args:  []string{"POST", "/posts", "-F", "is_pinned=true", "-F", "hidden=false", "-F", "count=3", "-F", "ratio=1.5", "-F", "root_id=null", "-F", "message=@$DIR/msg.txt", "-f", "channel_id=c1", "-f", "literal=true", "-F", "tags[]=x", "-F", "tags[]=2"},
			files: map[string]string{"msg.txt": "hello\nworld\n"},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("POST", "/api/v4/posts"), bearer(t, httpstub.Inspect(func(req *http.Request, body []byte) {
					if ct := req.Header.Get("Content-Type"); ct != "application/json" {
						t.Errorf("Content-Type %q", ct)
					}
					var got map[string]any
					if err := json.Unmarshal(body, &got); err != nil {
						t.Fatalf("body %s: %v", body, err)
					}
					want := map[string]any{
						"is_pinned": true, "hidden": false, "count": 3.0, "ratio": 1.5, "root_id": nil,
						"message": "hello\nworld", "channel_id": "c1", "literal": "true", "tags": []any{"x", 2.0},
					}
					if fmt.Sprint(got) != fmt.Sprint(want) {
						t.Errorf("body\n got %v\nwant %v", got, want)
					}
					if _, ok := got["root_id"]; !ok {
						t.Error("null field missing from the body")
					}
				}, httpstub.JSONResponse(201, map[string]string{"id": "p1"}))))
			},
			wantOut: `{"id":"p1"}` + "\n",
		},
		{
			name:  "typed field from standard input",
			args:  []string{"PUT", "/users/u1/patch", "-F", "position=@-"},
			stdin: "Chief\n",
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("PUT", "/api/v4/users/u1/patch"), httpstub.Inspect(func(_ *http.Request, body []byte) {
					if string(body) != `{"position":"Chief"}` {
						t.Errorf("body %s", body)
					}
				}, httpstub.JSONResponse(200, json.RawMessage(me))))
			},
			wantOut: me + "\n",
		},
		{
			name:  "--input - sends standard input as the body",
			args:  []string{"/users/usernames", "--input", "-"},
			stdin: `["admin","bob"]`,
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("POST", "/api/v4/users/usernames"), bearer(t, httpstub.Inspect(func(req *http.Request, body []byte) {
					if string(body) != `["admin","bob"]` || req.Header.Get("Content-Type") != "application/json" {
						t.Errorf("body %s, Content-Type %q", body, req.Header.Get("Content-Type"))
					}
				}, httpstub.JSONResponse(200, json.RawMessage(`[{"id":"u1"},{"id":"u2"}]`)))))
			},
			wantOut: `[{"id":"u1"},{"id":"u2"}]` + "\n",
		},
		{
			name: "-H headers pass, Authorization carries the token",
			args: []string{"/users/me", "-H", "X-Requested-With: XMLHttpRequest", "-H", "Accept:application/json", "-H", "Authorization: Bearer other"},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", "/api/v4/users/me"), bearer(t, httpstub.Inspect(func(req *http.Request, _ []byte) {
					if req.Header.Get("X-Requested-With") != "XMLHttpRequest" || req.Header.Get("Accept") != "application/json" {
						t.Errorf("headers %v", req.Header)
					}
				}, httpstub.JSONResponse(200, json.RawMessage(me)))))
			},
			wantOut: me + "\n",
		},
		{
			name: "-i prints the status line and headers first",
			args: []string{"-i", "/system/ping"},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", "/api/v4/system/ping"),
					bearer(t, httpstub.WithHeader(httpstub.JSONResponse(200, json.RawMessage(`{"status":"OK"}`)), "X-Version-Id", "10.5.0")))
			},
			wantOut: "HTTP/1.1 200 OK\nContent-Length: 15\nContent-Type: application/json\nX-Version-Id: 10.5.0\n\n{\"status\":\"OK\"}\n",
		},
		{
			name: "404: body on stdout, exit 5",
			args: []string{"/users/nope"},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", "/api/v4/users/nope"), bearer(t, httpstub.AppErrorResponse(404, "app.user.missing_account.const", "Unable to find the user.")))
			},
			wantExit: cmdutil.ExitNotFound,
			wantErr:  "Unable to find the user. (HTTP 404) [request req-404]",
			wantOut:  `{"detailed_error":"","id":"app.user.missing_account.const","message":"Unable to find the user.","request_id":"req-404","status_code":404}` + "\n",
		},
		{
			name: "-i with 403: headers and body on stdout, exit 4",
			args: []string{"-i", "DELETE", "/users/u1"},
			stubs: func(t *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("DELETE", "/api/v4/users/u1"), httpstub.StatusStringResponse(403, "forbidden"))
			},
			wantExit: cmdutil.ExitAuth,
			wantErr:  "Forbidden (HTTP 403)",
			wantOut:  "HTTP/1.1 403 Forbidden\nContent-Length: 9\nContent-Type: text/plain; charset=utf-8\n\nforbidden\n",
		},
		{
			name: "a non-JSON body is printed unchanged",
			args: []string{"/system/notices"},
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", "/api/v4/system/notices"), httpstub.StatusStringResponse(200, "plain text"))
			},
			wantOut: "plain text",
		},
		{
			name: "network failure",
			args: []string{"/users/me"},
			stubs: func(_ *testing.T, reg *httpstub.Registry) {
				reg.Register(httpstub.REST("GET", "/api/v4/users/me"), httpstub.ErrorResponder(syscall.ECONNREFUSED))
			},
			wantExit: cmdutil.ExitError,
			wantErr:  "connection refused",
		},
		{name: "a full URL is a usage error", args: []string{"https://evil.example.com/api/v4/users"}, wantExit: cmdutil.ExitUsage, wantErr: "not a full URL"},
		{name: "a bad field is a usage error", args: []string{"/users", "-f", "novalue"}, wantExit: cmdutil.ExitUsage, wantErr: `invalid field "novalue"`},
		{name: "a bad header is a usage error", args: []string{"/users", "-H", "NoColon"}, wantExit: cmdutil.ExitUsage, wantErr: `invalid header "NoColon"`},
		{name: "a missing @file", args: []string{"/posts", "-F", "message=@$DIR/none.txt"}, wantExit: cmdutil.ExitError, wantErr: "none.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEnv(t, tt.tty)
			dir := t.TempDir()
			e.F.Globals.JQ = tt.jq
			e.In.WriteString(tt.stdin)
			for name, content := range tt.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tt.stubs != nil {
				tt.stubs(t, e.Reg)
			}
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "$DIR", dir)
			}
			err := e.Exec(NewCmdAPI(e.F, nil), args...)
			wantExit(t, err, tt.wantExit)
			if tt.wantErr != "" && !strings.Contains(cmdutil.ErrorMessage(err), tt.wantErr) {
				t.Errorf("error message %q does not contain %q", cmdutil.ErrorMessage(err), tt.wantErr)
			}
			if e.Out.String() != tt.wantOut {
				t.Errorf("stdout\n%q\nwant\n%q", e.Out.String(), tt.wantOut)
			}
			if e.ErrOut.Len() != 0 {
				t.Errorf("stderr %q", e.ErrOut.String())
			}
			if tt.stubs == nil && len(e.Reg.Requests()) != 0 {
				t.Errorf("requests were made: %+v", e.Reg.Requests())
			}
			if strings.Contains(e.Out.String(), apiToken) || strings.Contains(cmdutil.ErrorMessage(err), apiToken) {
				t.Error("the token was printed")
			}
		})
	}
}

// TestAPIDryRun builds the request and sends nothing: the request line and headers on stderr
// (never the token), the body on stdout.
func TestAPIDryRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantStdout string
		wantStderr string
		wantExit   int
	}{
		{
			name:       "DELETE",
			args:       []string{"DELETE", "/users/u1"},
			wantStderr: "would send DELETE https://mm.example.com/api/v4/users/u1\n",
		},
		{
			name:       "typed fields become the body",
			args:       []string{"PUT", "/users/u1/active", "-F", "active=false", "-H", "X-Requested-With: XMLHttpRequest"},
			wantStdout: `{"active":false}` + "\n",
			wantStderr: "would send PUT https://mm.example.com/api/v4/users/u1/active\n  Content-Type: application/json\n  X-Requested-With: XMLHttpRequest\n",
		},
		{
			name:       "GET fields become the query",
			args:       []string{"GET", "/users", "-f", "in_team=t1"},
			wantStderr: "would send GET https://mm.example.com/api/v4/users?in_team=t1\n",
		},
		{
			name:       "--input from standard input",
			args:       []string{"POST", "/users/usernames", "--input", "-"},
			stdin:      `["alice","bob"]` + "\n",
			wantStdout: `["alice","bob"]` + "\n",
			wantStderr: "would send POST https://mm.example.com/api/v4/users/usernames\n  Content-Type: application/json\n",
		},
		{
			name:       "--paginate",
			args:       []string{"/users", "--paginate"},
			wantStderr: "would send GET https://mm.example.com/api/v4/users for each page, until a short page\n",
		},
		{name: "a bad field is still a usage error", args: []string{"PUT", "/users", "-f", "novalue"}, wantExit: cmdutil.ExitUsage},
	}
	for _, tty := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s tty=%v", tt.name, tty), func(t *testing.T) {
				e := newTestEnv(t, tty)
				e.In.WriteString(tt.stdin)
				err := e.Exec(NewCmdAPI(e.F, nil), append(tt.args, "--dry-run")...)
				wantExit(t, err, tt.wantExit)
				if n := len(e.Reg.Requests()); n != 0 {
					t.Errorf("%d request(s) sent", n)
				}
				if e.Out.String() != tt.wantStdout {
					t.Errorf("stdout %q, want %q", e.Out.String(), tt.wantStdout)
				}
				if e.ErrOut.String() != tt.wantStderr {
					t.Errorf("stderr %q, want %q", e.ErrOut.String(), tt.wantStderr)
				}
				if strings.Contains(e.Out.String()+e.ErrOut.String(), apiToken) {
					t.Error("the token was printed")
				}
			})
		}
	}
}

func TestAPIWithoutCredentials(t *testing.T) {
	e := newTestEnv(t, false)
	e.Vars = map[string]string{}
	wantExit(t, e.Exec(NewCmdAPI(e.F, nil), "/users/me"), cmdutil.ExitAuth)
	if len(e.Reg.Requests()) != 0 || e.Out.Len() != 0 {
		t.Error("a request was made or something printed")
	}
}

// stubPages answers GET /api/v4/users?page=N with sizes[N] users; pages past the end (which
// the prefetching iterator may or may not request) answer an empty list.
func stubPages(t *testing.T, reg *httpstub.Registry, sizes ...int) {
	n := 0
	for page, size := range sizes {
		items := make([]map[string]string, size)
		for i := range items {
			items[i] = map[string]string{"id": fmt.Sprintf("u%03d", n)}
			n++
		}
		reg.Register(httpstub.QueryMatcher("GET", "/api/v4/users", url.Values{"page": {strconv.Itoa(page)}, "per_page": {"200"}}),
			bearer(t, httpstub.JSONResponse(200, items)))
	}
	reg.Register(httpstub.MatcherFunc("GET /api/v4/users past the last page", func(req *http.Request) bool {
		p, err := strconv.Atoi(req.URL.Query().Get("page"))
		return req.URL.Path == "/api/v4/users" && err == nil && p >= len(sizes)
	}), httpstub.JSONResponse(200, []string{}), httpstub.AnyTimes())
}

func TestAPIPaginate(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("tty=%v", tty), func(t *testing.T) {
			e := newTestEnv(t, tty)
			stubPages(t, e.Reg, 200, 200, 50)
			if err := e.Exec(NewCmdAPI(e.F, nil), "/users", "--paginate"); err != nil {
				t.Fatal(err)
			}
			var items []map[string]string
			if err := json.Unmarshal(e.Out.Bytes(), &items); err != nil {
				t.Fatalf("stdout is not one JSON array: %v\n%.300s", err, e.Out.String())
			}
			if len(items) != 450 {
				t.Fatalf("%d items, want 450", len(items))
			}
			for i, it := range items {
				if it["id"] != fmt.Sprintf("u%03d", i) {
					t.Fatalf("item %d is %v: pages out of order", i, it)
				}
			}
		})
	}
}

func TestAPIPaginateJQ(t *testing.T) {
	e := newTestEnv(t, false)
	e.F.Globals.JQ = "length"
	stubPages(t, e.Reg, 200, 200, 50)
	if err := e.Exec(NewCmdAPI(e.F, nil), "/users", "--paginate"); err != nil {
		t.Fatal(err)
	}
	if e.Out.String() != "450\n" {
		t.Errorf("stdout %q", e.Out.String())
	}
}

func TestAPIPaginateEmpty(t *testing.T) {
	e := newTestEnv(t, false)
	stubPages(t, e.Reg, 0)
	if err := e.Exec(NewCmdAPI(e.F, nil), "/users", "--paginate"); err != nil {
		t.Fatal(err)
	}
	if e.Out.String() != "[]\n" {
		t.Errorf("stdout %q", e.Out.String())
	}
}

func TestAPIPaginateKeepsQueryAndPerPage(t *testing.T) {
	e := newTestEnv(t, false)
	for page, size := range []int{2, 1} {
		items := make([]map[string]int, size)
		e.Reg.Register(httpstub.QueryMatcher("GET", "/api/v4/users", url.Values{"page": {strconv.Itoa(page + 3)}, "per_page": {"2"}, "in_team": {"t1"}}),
			httpstub.JSONResponse(200, items))
	}
	e.Reg.Register(httpstub.MatcherFunc("later pages", func(req *http.Request) bool {
		p, _ := strconv.Atoi(req.URL.Query().Get("page"))
		return p > 4
	}), httpstub.JSONResponse(200, []string{}), httpstub.AnyTimes())
	if err := e.Exec(NewCmdAPI(e.F, nil), "GET", "/users", "--paginate", "-f", "in_team=t1", "-F", "per_page=2", "-F", "page=3"); err != nil {
		t.Fatal(err)
	}
	var items []any
	if err := json.Unmarshal(e.Out.Bytes(), &items); err != nil || len(items) != 3 {
		t.Errorf("stdout %q (%v)", e.Out.String(), err)
	}
}

// stubFailingPages answers page 0 of GET /api/v4/users with 200 users, page 1 with failure,
// and later pages (which the prefetching iterator may request before page 1 fails) with
// full pages.
func stubFailingPages(reg *httpstub.Registry, failure httpstub.Responder) {
	items := make([]map[string]string, 200)
	for i := range items {
		items[i] = map[string]string{"id": fmt.Sprintf("u%03d", i)}
	}
	reg.Register(httpstub.QueryMatcher("GET", "/api/v4/users", url.Values{"page": {"0"}}), httpstub.JSONResponse(200, items))
	reg.Register(httpstub.QueryMatcher("GET", "/api/v4/users", url.Values{"page": {"1"}}), failure)
	reg.Register(httpstub.MatcherFunc("later pages", func(req *http.Request) bool {
		p, _ := strconv.Atoi(req.URL.Query().Get("page"))
		return p > 1
	}), httpstub.JSONResponse(200, items), httpstub.AnyTimes())
}

// TestStreamAPIPaginatePageFails checks that a page failing after others were printed leaves
// stdout an unterminated array that no JSON parser takes for the whole list, and that --jq
// then prints nothing at all.
func TestStreamAPIPaginatePageFails(t *testing.T) {
	failures := []struct {
		name     string
		failure  httpstub.Responder
		wantCode int
		wantErr  string
	}{
		{name: "403", failure: httpstub.AppErrorResponse(403, "api.context.permissions.app_error", "You do not have the appropriate permissions."),
			wantCode: cmdutil.ExitAuth, wantErr: "You do not have the appropriate permissions."},
		{name: "connection reset", failure: httpstub.ErrorResponder(syscall.ECONNRESET),
			wantCode: cmdutil.ExitError, wantErr: "connection reset by peer"},
	}
	for _, f := range failures {
		for _, tty := range []bool{false, true} {
			for _, jq := range []string{"", "length"} {
				t.Run(fmt.Sprintf("%s/tty=%v/jq=%q", f.name, tty, jq), func(t *testing.T) {
					e := newTestEnv(t, tty)
					e.F.Globals.JQ = jq
					stubFailingPages(e.Reg, f.failure)
					err := e.Exec(NewCmdAPI(e.F, nil), "/users", "--paginate")
					wantExit(t, err, f.wantCode)
					if !strings.Contains(cmdutil.ErrorMessage(err), f.wantErr) {
						t.Errorf("error %q does not mention %q", cmdutil.ErrorMessage(err), f.wantErr)
					}
					out := e.Out.String()
					if jq != "" {
						if out != "" {
							t.Errorf("--jq over a failed list printed %q, want nothing", out)
						}
						return
					}
					if json.Valid(e.Out.Bytes()) {
						var got []any
						_ = json.Unmarshal(e.Out.Bytes(), &got)
						t.Fatalf("stdout parses as a complete JSON array of %d items after page 1 failed", len(got))
					}
					// The 200 items of page 0 are whole, then the input ends inside the array.
					dec := json.NewDecoder(strings.NewReader(out))
					if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
						t.Fatalf("stdout does not start a JSON array: %v %v\n%.200s", tok, err, out)
					}
					n := 0
					for dec.More() {
						var item map[string]string
						if err := dec.Decode(&item); err != nil {
							t.Fatalf("item %d: %v", n, err)
						}
						if item["id"] != fmt.Sprintf("u%03d", n) {
							t.Fatalf("item %d is %v", n, item)
						}
						n++
					}
					if n != 200 {
						t.Errorf("%d items before the failure, want 200", n)
					}
					if _, err := dec.Token(); err == nil {
						t.Error("the array is terminated")
					}
				})
			}
		}
	}
}

// TestStreamAPIPaginateFirstPageFails checks that nothing at all is printed (not []) when the
// first page fails: an empty array would claim an empty list.
func TestStreamAPIPaginateFirstPageFails(t *testing.T) {
	for _, jq := range []string{"", "length"} {
		t.Run(fmt.Sprintf("jq=%q", jq), func(t *testing.T) {
			e := newTestEnv(t, false)
			e.F.Globals.JQ = jq
			e.Reg.Register(httpstub.MatcherFunc("any page", func(req *http.Request) bool { return req.URL.Path == "/api/v4/users" }),
				httpstub.AppErrorResponse(500, "app.user.get.app_error", "boom"), httpstub.AnyTimes())
			wantExit(t, e.Exec(NewCmdAPI(e.F, nil), "/users", "--paginate"), cmdutil.ExitError)
			if e.Out.Len() != 0 {
				t.Errorf("stdout %q, want nothing", e.Out.String())
			}
		})
	}
}

// TestStreamAPIPaginateBytes pins the array layout of --paginate: items as the server sent
// them, one per line, on a terminal too.
func TestStreamAPIPaginateBytes(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("tty=%v", tty), func(t *testing.T) {
			e := newTestEnv(t, tty)
			stubPages(t, e.Reg, 2)
			if err := e.Exec(NewCmdAPI(e.F, nil), "/users", "--paginate"); err != nil {
				t.Fatal(err)
			}
			if want := "[\n{\"id\":\"u000\"},\n{\"id\":\"u001\"}\n]\n"; e.Out.String() != want {
				t.Errorf("stdout %q, want %q", e.Out.String(), want)
			}
		})
	}
}

func TestAPIPaginateNotAList(t *testing.T) {
	e := newTestEnv(t, false)
	e.Reg.Register(httpstub.REST("GET", "/api/v4/users/me"), httpstub.JSONResponse(200, map[string]string{"id": "u1"}), httpstub.AnyTimes())
	err := e.Exec(NewCmdAPI(e.F, nil), "/users/me", "--paginate")
	if err == nil || !strings.Contains(err.Error(), "is not a JSON array") {
		t.Fatalf("want a not-a-list error, got %v", err)
	}
	if e.Out.Len() != 0 {
		t.Errorf("stdout %q, want nothing: [] would claim an empty list", e.Out.String())
	}
}
