package plugin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mattermost/mattermost/server/public/model"

	"github.com/matterctl/matterctl/client"
)

// uploader sends bundles to POST /api/v4/plugins as multipart/form-data, streamed from the
// file: the bundle is never held in memory, whatever its size.
type uploader struct {
	hc   *http.Client
	conn client.Options
	// idle bounds how long the upload may make no progress, and then how long the server may
	// take to answer once the bundle is sent (the run's --timeout). The client's own timeout,
	// which bounds the whole exchange, would cut off a large bundle on a slow link.
	idle time.Duration
	// sent is called with each number of bytes of the bundle handed to the connection.
	sent func(n int)
}

func newUploader(hc *http.Client, conn client.Options, sent func(int)) *uploader {
	idle := conn.Timeout
	if idle <= 0 {
		idle = 30 * time.Second
	}
	streaming := *hc
	streaming.Timeout = 0
	return &uploader{hc: &streaming, conn: conn, idle: idle, sent: sent}
}

// formFrame is what the multipart body holds before and after the bundle's bytes, written with
// the boundary the body uses: with it the body's length is known before it is sent.
func formFrame(boundary, filename string, force bool) (prefix, suffix []byte, err error) {
	var buf byteSink
	mw := multipart.NewWriter(&buf)
	if err := mw.SetBoundary(boundary); err != nil {
		return nil, nil, err
	}
	if force {
		if err := mw.WriteField("force", "true"); err != nil {
			return nil, nil, err
		}
	}
	if _, err := mw.CreateFormFile("plugin", filename); err != nil {
		return nil, nil, err
	}
	prefix = append([]byte(nil), buf.b...)
	buf.b = buf.b[:0]
	if err := mw.Close(); err != nil {
		return nil, nil, err
	}
	return prefix, buf.b, nil
}

type byteSink struct{ b []byte }

func (c *byteSink) Write(p []byte) (int, error) {
	c.b = append(c.b, p...)
	return len(p), nil
}

// Upload sends the bundle at path and returns the manifest the server installed.
func (u *uploader) Upload(ctx context.Context, path string, force bool) (*model.Manifest, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	boundary := multipart.NewWriter(io.Discard).Boundary()
	prefix, suffix, err := formFrame(boundary, filepath.Base(path), force)
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var last atomic.Int64 // unix nanoseconds of the last progress
	last.Store(time.Now().UnixNano())
	go u.watch(ctx, cancel, &last)

	// Each attempt streams the file afresh: the first, and another after each 429, which the
	// transport retries as it does for every request (the server refused it unread). The bytes
	// of an attempt the server refused are taken back from the progress shown.
	var (
		mu      sync.Mutex
		bodies  []*io.PipeReader
		current int // the attempt whose bytes count
		counted int // the bytes of the current attempt, shown
	)
	progress := func(attempt int) func(int) {
		return func(n int) {
			mu.Lock()
			if attempt != current {
				mu.Unlock()
				return
			}
			counted += n
			mu.Unlock()
			last.Store(time.Now().UnixNano())
			if u.sent != nil {
				u.sent(n)
			}
		}
	}
	open := func() (io.ReadCloser, error) {
		mu.Lock()
		current++
		attempt, back := current, counted
		counted = 0
		mu.Unlock()
		if back > 0 && u.sent != nil {
			u.sent(-back)
		}
		last.Store(time.Now().UnixNano())
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		pr, pw := io.Pipe()
		mu.Lock()
		bodies = append(bodies, pr)
		mu.Unlock()
		go func() {
			defer f.Close()
			pw.CloseWithError(writeForm(pw, boundary, f, path, size, force, progress(attempt)))
		}()
		return pr, nil
	}
	closeBodies := func() { // stops the writers when the server answered before reading everything
		mu.Lock()
		defer mu.Unlock()
		for _, pr := range bodies {
			pr.Close()
		}
	}

	first, err := open()
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.conn.BaseURL()+"/api/v4/plugins", first)
	if err != nil {
		closeBodies()
		return nil, err
	}
	// POST is not idempotent: the transport sends it again only after a 429, never after a
	// failure the server may have acted on.
	req.GetBody = open
	req.ContentLength = int64(len(prefix)) + size + int64(len(suffix))
	req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
	req.Header.Set("Accept", "application/json")
	if u.conn.Token != "" {
		req.Header.Set("Authorization", "Bearer "+u.conn.Token)
	}
	resp, err := u.hc.Do(req)
	closeBodies()
	if err != nil {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			return nil, cause
		}
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("reading the server's answer: %w", err)
	}
	if resp.StatusCode >= 400 {
		return nil, responseError(resp, body)
	}
	var m model.Manifest
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("the server's answer is not a plugin manifest: %w", err)
	}
	return &m, nil
}

// writeForm writes the multipart body to w: the form field, then size bytes of f (the file at
// path) in chunks as the connection takes them, then the closing boundary. fn is called with
// each chunk's size.
func writeForm(w io.Writer, boundary string, f io.Reader, path string, size int64, force bool, fn func(int)) error {
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(boundary); err != nil {
		return err
	}
	if force {
		if err := mw.WriteField("force", "true"); err != nil {
			return err
		}
	}
	part, err := mw.CreateFormFile("plugin", filepath.Base(path))
	if err != nil {
		return err
	}
	if n, err := io.Copy(part, &progressReader{r: io.LimitReader(f, size), fn: fn}); err != nil {
		return err
	} else if n != size {
		return fmt.Errorf("%s changed while it was being uploaded", path)
	}
	return mw.Close()
}

// watch cancels the upload when it makes no progress for u.idle.
func (u *uploader) watch(ctx context.Context, cancel context.CancelCauseFunc, last *atomic.Int64) {
	tick := time.NewTicker(min(u.idle/4, time.Second))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tick.C:
			if now.Sub(time.Unix(0, last.Load())) > u.idle {
				cancel(fmt.Errorf("the upload made no progress for %s: the server did not answer in time; raise --timeout", u.idle))
				return
			}
		}
	}
}

// responseError turns an error response into a *client.Error: a Mattermost error document (the
// transport makes one of any error body), else the start of the body as text.
func responseError(resp *http.Response, body []byte) error {
	e := &client.Error{}
	if json.Unmarshal(body, e) != nil || (e.ID == "" && e.Message == "") {
		e = &client.Error{Message: http.StatusText(resp.StatusCode)}
		if text := strings.Join(strings.Fields(string(body)), " "); text != "" {
			e.Message += ": " + text[:min(len(text), 200)]
		}
	}
	e.Status = resp.StatusCode
	if e.RequestID == "" {
		e.RequestID = resp.Header.Get("X-Request-Id")
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}

type progressReader struct {
	r  io.Reader
	fn func(int)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.fn(n)
	}
	return n, err
}
