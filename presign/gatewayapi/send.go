package gatewayapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/internal/touch"
)

// Sending a file with a ticket, as an app does (the upload page does the
// same in JavaScript): one PUT, or its parts a few at a time, each tried
// up to three times; then the gateway is told it was sent.

// SendOptions tune Send.
type SendOptions struct {
	// HTTP sends the requests; nil for one without an overall timeout
	// (a transfer is bounded by Idle instead).
	HTTP *http.Client
	// Parallel is how many parts go at once; 0 for 4.
	Parallel int
	// Idle ends a transfer that moves no byte for this long; 0 for a
	// minute. A call of the gateway is bounded by it too.
	Idle time.Duration
}

// Send sends the bytes of src with ticket t and tells the gateway they
// were sent; it returns the file as received. When it fails, the file is
// given up (POST CancelURL), so that no incomplete upload stays behind —
// unless the gateway says it was received after all, which is no failure.
func Send(ctx context.Context, t FileTicket, src io.ReaderAt, o SendOptions) (ReceivedFile, error) {
	if o.HTTP == nil {
		o.HTTP = &http.Client{}
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	if o.Idle <= 0 {
		o.Idle = time.Minute
	}
	var out ReceivedFile
	err := o.sendParts(ctx, t, src)
	if err == nil {
		err = o.done(ctx, t, &out)
	}
	if err != nil {
		cerr := o.call(context.WithoutCancel(ctx), t.CancelURL, nil)
		if isStatus(cerr, http.StatusConflict) && o.done(context.WithoutCancel(ctx), t, &out) == nil {
			return out, nil // received after all
		}
		if cerr != nil {
			err = fmt.Errorf("%w; giving the file up failed too: %v", err, cerr)
		}
		return ReceivedFile{}, err
	}
	return out, nil
}

// done tells the gateway the parts were sent, asking again while it does
// not answer or answers with a server error: putting a big file together
// can outlast a proxy's patience.
func (o *SendOptions) done(ctx context.Context, t FileTicket, out *ReceivedFile) error {
	var err error
	for try := range 5 {
		if try > 0 {
			select {
			case <-time.After(time.Duration(1<<try) * time.Second):
			case <-ctx.Done():
				return err
			}
		}
		err = o.call(ctx, t.DoneURL, out)
		var se *StatusError
		if err == nil || (errors.As(err, &se) && se.Status < 500) {
			return err
		}
	}
	return err
}

func (o *SendOptions) sendParts(ctx context.Context, t FileTicket, src io.ReaderAt) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	go func() {
		defer close(next)
		for n := 1; n <= t.Parts; n++ {
			select {
			case next <- n:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range min(o.Parallel, t.Parts) {
		wg.Go(func() {
			for n := range next {
				if err := o.sendPart(ctx, t, src, n); err != nil {
					cancel(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

func (o *SendOptions) sendPart(ctx context.Context, t FileTicket, src io.ReaderAt, n int) error {
	var err error
	for try := range 3 {
		if try > 0 {
			select {
			case <-time.After(time.Duration(try) * time.Second):
			case <-ctx.Done():
				return context.Cause(ctx)
			}
		}
		var pt PartTicket
		if err = o.call(ctx, t.PartsURL+"/"+strconv.Itoa(n), &pt); err != nil {
			if isStatus(err, 0) {
				continue // no answer: try again
			}
			return err
		}
		off := int64(n-1) * t.PartSize
		if err = o.put(ctx, pt.Method, pt.URL, pt.Headers, io.NewSectionReader(src, off, pt.Size), pt.Size); err == nil {
			return nil
		}
	}
	return fmt.Errorf("part %d: %w", n, err)
}

// StatusError is a call the gateway or the store answered with an error.
type StatusError struct {
	Status int
	Msg    string
}

func (e *StatusError) Error() string { return fmt.Sprintf("%s (HTTP %d)", e.Msg, e.Status) }

// isStatus says whether err is a StatusError with status, or (status 0)
// no answer at all.
func isStatus(err error, status int) bool {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Status == status
	}
	return status == 0
}

// put sends size bytes of body, bounded by progress.
func (o *SendOptions) put(ctx context.Context, method, url string, hdr map[string]string, body io.Reader, size int64) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := time.AfterFunc(o.Idle, func() { cancel(errors.New("no byte moved for " + o.Idle.String())) })
	defer idle.Stop()
	req, err := http.NewRequestWithContext(ctx, method, url, &touch.Reader{R: body, Touch: func() { idle.Reset(o.Idle) }})
	if err != nil {
		return err
	}
	req.ContentLength = size
	if size == 0 {
		req.Body = http.NoBody
	}
	for k, v := range hdr {
		if k != "Content-Length" {
			req.Header.Set(k, v)
		}
	}
	resp, err := o.HTTP.Do(req)
	if err != nil {
		if c := context.Cause(ctx); c != nil && ctx.Err() != nil {
			err = c
		}
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return &StatusError{Status: resp.StatusCode, Msg: fmt.Sprint("the upload was refused: ", sanitize.Bounded(string(msg)))}
	}
	return nil
}

// call POSTs to one of the ticket's URLs and decodes the answer into out
// (when not nil).
func (o *SendOptions) call(ctx context.Context, url string, out any) error {
	return o.post(ctx, url, []byte("{}"), out)
}

// post POSTs body (JSON) to url and decodes the answer into out (when
// not nil).
func (o *SendOptions) post(ctx context.Context, url string, body []byte, out any) error {
	// Putting a big file together takes the store a while.
	ctx, cancel := context.WithTimeout(ctx, max(o.Idle, 5*time.Minute))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := o.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		var e ErrorBody
		if json.Unmarshal(data, &e) != nil || e.Error == "" {
			e.Error = http.StatusText(resp.StatusCode)
		}
		return &StatusError{Status: resp.StatusCode, Msg: sanitize.Text(e.Error)}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

// Drop sends a file through a drop link (BASE/u/ID) as its page does: it
// asks for the file's ticket (the request's rules apply, and its
// password, if it has one, must be in req), then sends it. A refusal is
// a *StatusError with the gateway's reason.
func Drop(ctx context.Context, link string, req FileRequest, src io.ReaderAt, o SendOptions) (ReceivedFile, error) {
	if o.HTTP == nil {
		o.HTTP = &http.Client{}
	}
	b, err := json.Marshal(req)
	if err != nil {
		return ReceivedFile{}, err
	}
	var t FileTicket
	if err := o.post(ctx, strings.TrimRight(link, "/")+"/files", b, &t); err != nil {
		return ReceivedFile{}, err
	}
	return Send(ctx, t, src, o)
}
