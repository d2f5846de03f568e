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
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()

	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	prefix, suffix, err := formFrame(mw.Boundary(), filepath.Base(path), force)
	if err != nil {
		return nil, err
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var last atomic.Int64 // unix nanoseconds of the last progress
	last.Store(time.Now().UnixNano())
	go u.watch(ctx, cancel, &last)

	// The body is written through a pipe as the connection takes it: the form field, then the
	// file in chunks, then the closing boundary.
	go func() {
		err := func() error {
			if force {
				if err := mw.WriteField("force", "true"); err != nil {
					return err
				}
			}
			part, err := mw.CreateFormFile("plugin", filepath.Base(path))
			if err != nil {
				return err
			}
			src := &progressReader{r: io.LimitReader(f, size), fn: func(n int) {
				last.Store(time.Now().UnixNano())
				if u.sent != nil {
					u.sent(n)
				}
			}}
			if n, err := io.Copy(part, src); err != nil {
				return err
			} else if n != size {
				return fmt.Errorf("%s changed while it was being uploaded", path)
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.conn.BaseURL()+"/api/v4/plugins", pr)
	if err != nil {
		pr.Close()
		return nil, err
	}
	// A body read from a pipe cannot be sent twice: without GetBody the transport never
	// retries it, and POST is not retried in any case.
	req.GetBody = nil
	req.ContentLength = int64(len(prefix)) + size + int64(len(suffix))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	if u.conn.Token != "" {
		req.Header.Set("Authorization", "Bearer "+u.conn.Token)
	}
	resp, err := u.hc.Do(req)
	pr.Close() // stops the writer when the server answered before reading everything
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
