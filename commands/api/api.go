// Package api implements `matterctl api`, the raw REST API v4 escape hatch.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/matterctl/matterctl/client"
	"github.com/matterctl/matterctl/commands/cmdutil"
	"github.com/matterctl/matterctl/internal/iostreams"
	"github.com/matterctl/matterctl/printer"
)

// Options are the inputs of `matterctl api`.
type Options struct {
	IO         *iostreams.IOStreams
	HTTPClient func() (*http.Client, client.Options, error)
	Printer    func() (*printer.Printer, error)

	Method        string
	Path          string
	RawFields     []string
	TypedFields   []string
	Input         string
	Headers       []string
	Include       bool
	Paginate      bool
	DryRun        bool
	methodChanged bool
}

// NewCmdAPI builds `matterctl api`.
func NewCmdAPI(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, HTTPClient: f.HTTPClient, Printer: f.Printer}
	cmd := &cobra.Command{
		Use:   "api [<method>] <path>",
		Short: "Make an authenticated request to the REST API v4",
		Long: `Make an authenticated request to the Mattermost REST API v4 with the credentials in use,
and print the response body.

The path is relative to /api/v4 (a leading /api/v4 is accepted too). The method is GET, or POST
when fields or --input are given (GET with --paginate); name it as the first argument or with
--method.

Fields: -f key=value adds a string; -F key=value adds a typed value: true, false, null and
numbers are JSON literals, @file reads a file (@- standard input) as a string. A key ending in
[] builds an array. For GET the fields become query parameters, otherwise a JSON object body.

--paginate follows the page parameter of GET lists (per_page 200) until a short page and prints
ONE JSON array. If a page fails, the array is left unterminated (and --jq prints nothing), so
that a partial list never parses as the whole one.

On HTTP 400 and above the body still goes to stdout and the error to stderr; the exit code
follows ` + "`matterctl help exit-codes`" + ` (401/403: 4, 404: 5, others: 1).

--dry-run builds the request and sends nothing: the method, URL and -H headers go to stderr,
the request body (if any) to stdout.`,
		Example: `  matterctl api /users/me
  matterctl api GET /users --paginate --jq 'length'
  matterctl api POST /users/usernames --input names.json
  matterctl api PUT /users/USER_ID/active -F active=false
  matterctl api /teams -f page=0 -F per_page=10 -i
  matterctl api DELETE /users/USER_ID --dry-run`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.methodChanged = cmd.Flags().Changed("method")
			if len(args) == 2 {
				if opts.methodChanged {
					return cmdutil.FlagErrorf("give the method either as an argument or with --method, not both")
				}
				opts.Method, opts.Path = args[0], args[1]
				opts.methodChanged = true
			} else {
				opts.Path = args[0]
			}
			opts.Method = strings.ToUpper(opts.Method)
			if !validMethod(opts.Method) {
				return cmdutil.FlagErrorf("unknown HTTP method %q", opts.Method)
			}
			if opts.Input != "" && (len(opts.RawFields) > 0 || len(opts.TypedFields) > 0) {
				if opts.Method == "" || opts.Method != http.MethodGet {
					return cmdutil.FlagErrorf("--input cannot be combined with -f/-F (except as query parameters of a GET)")
				}
			}
			if opts.Method == "" {
				opts.Method = http.MethodGet
				if !opts.Paginate && (opts.Input != "" || len(opts.RawFields) > 0 || len(opts.TypedFields) > 0) {
					opts.Method = http.MethodPost
				}
			}
			if opts.Paginate && opts.Input != "" {
				return cmdutil.FlagErrorf("--paginate cannot send a request body (--input)")
			}
			if opts.Paginate && opts.Method != http.MethodGet {
				return cmdutil.FlagErrorf("--paginate works with GET requests only")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return apiRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Method, "method", "X", "", "HTTP `method` (default GET, or POST with fields or --input)")
	fl.StringArrayVarP(&opts.RawFields, "raw-field", "f", nil, "Add a string field `key=value`")
	fl.StringArrayVarP(&opts.TypedFields, "field", "F", nil, "Add a typed field `key=value` (true, false, null, numbers, @file)")
	fl.StringVar(&opts.Input, "input", "", "Send the body from `file` (- for standard input)")
	fl.StringArrayVarP(&opts.Headers, "header", "H", nil, "Add an HTTP request header `key:value`")
	fl.BoolVarP(&opts.Include, "include", "i", false, "Print the response status line and headers before the body")
	fl.BoolVar(&opts.Paginate, "paginate", false, "Fetch every page of a GET list and print one JSON array")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Print the request instead of sending it")
	return cmd
}

func validMethod(m string) bool {
	switch m {
	case "", http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions:
		return true
	}
	return false
}

func apiRun(ctx context.Context, opts *Options) error {
	p, err := opts.Printer()
	if err != nil {
		return err
	}
	hc, conn, err := opts.HTTPClient()
	if err != nil {
		return err
	}
	fields, err := parseFields(opts.RawFields, opts.TypedFields, opts.IO.In)
	if err != nil {
		return err
	}
	target, err := buildURL(conn.BaseURL(), opts.Path)
	if err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	headers, err := parseHeaders(opts.Headers)
	if err != nil {
		return err
	}
	if conn.Token != "" {
		headers.Set("Authorization", "Bearer "+conn.Token)
	}

	var body []byte
	switch {
	case opts.Input != "":
		if opts.Method == http.MethodGet {
			addQuery(target, fields)
		}
		if body, err = readInput(opts.Input, opts.IO.In); err != nil {
			return err
		}
		if headers.Get("Content-Type") == "" {
			headers.Set("Content-Type", "application/json")
		}
	case opts.Method == http.MethodGet || opts.Method == http.MethodHead || opts.Method == http.MethodDelete && len(fields) == 0:
		addQuery(target, fields)
	case len(fields) > 0:
		if body, err = json.Marshal(fields); err != nil {
			return err
		}
		headers.Set("Content-Type", "application/json")
	}

	if opts.DryRun {
		return printRequest(opts, p, target, headers, body)
	}
	r := &requester{hc: hc, method: opts.Method, headers: headers, body: body}
	if opts.Paginate {
		return paginate(ctx, r, target, p)
	}
	resp, respBody, err := r.do(ctx, target.String())
	if err != nil {
		return err
	}
	if opts.Include {
		writeHead(opts.IO.Out, resp)
	}
	if resp.StatusCode >= 400 {
		// The body is data too: keep it on stdout, unfiltered, so scripts see what the server said.
		if len(bytes.TrimSpace(respBody)) > 0 {
			_, _ = opts.IO.Out.Write(append(bytes.TrimRight(respBody, "\n"), '\n'))
		}
		return responseError(resp, respBody)
	}
	return p.RawJSON(respBody)
}

// printRequest describes the request a dry run would have sent: the request line and the
// headers on stderr (never the credentials), the body on stdout.
func printRequest(opts *Options, p *printer.Printer, target *url.URL, headers http.Header, body []byte) error {
	if opts.Paginate {
		p.Infof("would send %s %s for each page, until a short page", opts.Method, target)
	} else {
		p.Infof("would send %s %s", opts.Method, target)
	}
	keys := make([]string, 0, len(headers))
	for k := range headers {
		if k != "Authorization" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range headers[k] {
			p.Infof("  %s: %s", k, v)
		}
	}
	if len(body) == 0 {
		return nil
	}
	_, err := opts.IO.Out.Write(append(bytes.TrimRight(body, "\n"), '\n'))
	return err
}

type requester struct {
	hc      *http.Client
	method  string
	headers http.Header
	body    []byte
}

func (r *requester) do(ctx context.Context, target string) (*http.Response, []byte, error) {
	var rd io.Reader
	if r.body != nil {
		rd = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, rd)
	if err != nil {
		return nil, nil, err
	}
	req.Header = r.headers.Clone()
	resp, err := r.hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the response: %w", err)
	}
	return resp, b, nil
}

// responseError turns an HTTP error response into a *client.Error for the exit code and message.
func responseError(resp *http.Response, body []byte) error {
	e := &client.Error{Status: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id")}
	var app struct {
		ID      string `json:"id"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &app) == nil {
		e.ID, e.Message = app.ID, app.Message
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}

func paginate(ctx context.Context, r *requester, target *url.URL, p *printer.Printer) error {
	q := target.Query()
	perPage := client.MaxPerPage
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return cmdutil.FlagErrorf("invalid per_page %q", v)
		}
		perPage = n
	}
	start := 0
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return cmdutil.FlagErrorf("invalid page %q", v)
		}
		start = n
	}
	fetch := func(ctx context.Context, page, perPage int) ([]json.RawMessage, error) {
		u := *target
		qq := u.Query()
		qq.Set("page", strconv.Itoa(page))
		qq.Set("per_page", strconv.Itoa(perPage))
		u.RawQuery = qq.Encode()
		resp, body, err := r.do(ctx, u.String())
		if err != nil {
			return nil, err
		}
		if resp.StatusCode >= 400 {
			return nil, responseError(resp, body)
		}
		var items []json.RawMessage
		if err := json.Unmarshal(body, &items); err != nil {
			return nil, fmt.Errorf("--paginate: page %d is not a JSON array (%v); is %s a list endpoint?", page, err, target.Path)
		}
		return items, nil
	}
	return printer.Stream(printer.NewRawList(p), client.Pages(ctx, client.PageOptions{PerPage: perPage, StartPage: start}, fetch))
}

func buildURL(base, path string) (*url.URL, error) {
	if strings.Contains(path, "://") {
		return nil, errors.New("give a path relative to /api/v4, not a full URL")
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if !strings.HasPrefix(path, "/api/v4/") && path != "/api/v4" {
		path = "/api/v4" + path
	}
	return url.Parse(strings.TrimRight(base, "/") + path)
}

func addQuery(u *url.URL, fields map[string]any) {
	if len(fields) == 0 {
		return
	}
	q := u.Query()
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := fields[k].(type) {
		case []any:
			for _, e := range v {
				q.Add(k, scalarString(e))
			}
		default:
			q.Set(k, scalarString(v))
		}
	}
	u.RawQuery = q.Encode()
}

func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

func parseFields(raw, typed []string, stdin io.Reader) (map[string]any, error) {
	fields := map[string]any{}
	set := func(key string, v any) {
		if strings.HasSuffix(key, "[]") {
			key = strings.TrimSuffix(key, "[]")
			arr, _ := fields[key].([]any)
			fields[key] = append(arr, v)
			return
		}
		fields[key] = v
	}
	for _, f := range raw {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, cmdutil.FlagErrorf("invalid field %q: use key=value", f)
		}
		set(k, v)
	}
	for _, f := range typed {
		k, v, ok := strings.Cut(f, "=")
		if !ok || k == "" {
			return nil, cmdutil.FlagErrorf("invalid field %q: use key=value", f)
		}
		val, err := typedValue(v, stdin)
		if err != nil {
			return nil, err
		}
		set(k, val)
	}
	return fields, nil
}

func typedValue(v string, stdin io.Reader) (any, error) {
	switch v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if strings.HasPrefix(v, "@") {
		b, err := readInput(v[1:], stdin)
		if err != nil {
			return nil, err
		}
		return strings.TrimRight(string(b), "\n"), nil
	}
	if i, err := strconv.ParseInt(v, 10, 64); err == nil {
		return i, nil
	}
	if fl, err := strconv.ParseFloat(v, 64); err == nil {
		return fl, nil
	}
	return v, nil
}

func readInput(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(stdin)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return b, nil
}

func parseHeaders(hs []string) (http.Header, error) {
	h := http.Header{}
	for _, s := range hs {
		k, v, ok := strings.Cut(s, ":")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, cmdutil.FlagErrorf("invalid header %q: use key:value", s)
		}
		h.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return h, nil
}

func writeHead(w io.Writer, resp *http.Response) {
	fmt.Fprintf(w, "%s %s\n", resp.Proto, resp.Status)
	keys := make([]string, 0, len(resp.Header))
	for k := range resp.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range resp.Header[k] {
			fmt.Fprintf(w, "%s: %s\n", k, v)
		}
	}
	fmt.Fprintln(w)
}
