package s3model

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"
)

// Transfers: uploads of local files (one PUT, or a multipart upload of
// parallel parts above a threshold), downloads to a local file, and the
// head of an object for a preview.
//
// Every transfer is bounded in time without bounding its length: a
// transfer fails when no byte moves for about the client's timeout (a
// stalled upload or a response body that stops arriving), never because
// it is long. Cancelling ctx stops it and leaves nothing half-made: a multipart
// upload is aborted, a download's temporary file removed.
const (
	// DefaultPartSize is the size of the parts of a multipart upload,
	// grown when a file would need more than MaxParts of them.
	DefaultPartSize = 16 << 20
	// MinPartSize is the smallest part S3 accepts (but for the last one).
	MinPartSize = 5 << 20
	// MaxParts is the most parts one multipart upload may have.
	MaxParts = 10_000
	// DefaultParallel is how many parts are sent at once.
	DefaultParallel = 4
	// PreviewSize is how much of an object a preview reads.
	PreviewSize = 64 << 10
)

// UploadOptions tune one Upload.
type UploadOptions struct {
	// ContentType is the object's Content-Type; "" sends
	// application/octet-stream.
	ContentType string
	// PartSize is the size of each part; 0 for DefaultPartSize. It is
	// raised to MinPartSize, and grown so that no more than MaxParts are
	// needed. A file no larger than one part goes in one PUT.
	PartSize int64
	// Parallel is how many parts are sent at once; 0 for DefaultParallel.
	Parallel int
	// Progress, when set, is called with the bytes sent so far, as they
	// go. Calls never overlap, but may come from any goroutine.
	Progress func(done int64)
}

// Uploaded is what an Upload made.
type Uploaded struct {
	Bucket, Key string
	Size        int64
	ETag        string
	Parts       int // 0 for a single PUT
}

// partSize returns the part size an upload of size bytes uses.
func (o UploadOptions) partSize(size int64) int64 {
	ps := o.PartSize
	if ps <= 0 {
		ps = DefaultPartSize
	}
	ps = max(ps, MinPartSize)
	if need := (size + MaxParts - 1) / MaxParts; ps < need {
		ps = (need + MinPartSize - 1) / MinPartSize * MinPartSize
	}
	return ps
}

// AbortError is a multipart upload that failed (or was cancelled) and
// could not be aborted: its parts stay on the store until removed.
type AbortError struct {
	Bucket, Key, UploadID string
	Err                   error // why the upload stopped
	AbortErr              error // why the abort failed
}

func (e *AbortError) Error() string {
	return fmt.Sprintf("%v; the incomplete upload %s of s3://%s/%s could not be removed (%v): remove it with `aws s3api abort-multipart-upload`, or let a lifecycle rule expire it",
		e.Err, e.UploadID, e.Bucket, e.Key, e.AbortErr)
}

func (e *AbortError) Unwrap() error { return e.Err }

// Upload stores size bytes of src as bucket/key: in one PUT when they fit
// in one part, else as a multipart upload of parts sent o.Parallel at a
// time. When it fails or ctx ends, a multipart upload is aborted (with a
// fresh bounded request, so that a cancelled ctx still cleans up); if the
// abort fails too, the error is an *AbortError. A cancelled upload
// returns an error that wraps context.Canceled.
func (c *Client) Upload(ctx context.Context, bucket, key string, src io.ReaderAt, size int64, o UploadOptions) (Uploaded, error) {
	what := "upload to s3://" + bucket + "/" + key
	ct := o.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	opts := minio.PutObjectOptions{ContentType: ct}
	prog := &progress{fn: o.Progress}
	ps := o.partSize(size)
	out := Uploaded{Bucket: bucket, Key: key, Size: size}

	if size <= ps {
		r := prog.part(io.NewSectionReader(src, 0, size))
		err := c.retried(ctx, r, func(ctx context.Context) error {
			info, err := c.core.PutObject(ctx, bucket, key, r, size, "", "", opts)
			out.ETag = strings.Trim(info.ETag, `"`)
			return err
		})
		if err != nil {
			return Uploaded{}, explainTransfer(ctx, what, err)
		}
		return out, nil
	}

	var uploadID string
	err := c.watched(ctx, func(ctx context.Context, touch func()) error {
		id, err := c.core.NewMultipartUpload(ctx, bucket, key, opts)
		uploadID = id
		return err
	})
	if err != nil {
		return Uploaded{}, explainTransfer(ctx, what, err)
	}
	n := int((size + ps - 1) / ps)
	parts, err := c.sendParts(ctx, bucket, key, uploadID, src, size, ps, n, o.Parallel, prog)
	if err == nil {
		err = c.watched(ctx, func(ctx context.Context, touch func()) error {
			info, err := c.core.CompleteMultipartUpload(ctx, bucket, key, uploadID, parts, opts)
			out.ETag = strings.Trim(info.ETag, `"`)
			return err
		})
	}
	if err != nil {
		err = explainTransfer(ctx, what, err)
		if aerr := c.abort(bucket, key, uploadID); aerr != nil {
			return Uploaded{}, &AbortError{Bucket: bucket, Key: key, UploadID: uploadID, Err: err, AbortErr: aerr}
		}
		return Uploaded{}, err
	}
	out.Parts = n
	return out, nil
}

// sendParts sends the n parts of an upload, parallel at a time; the first
// failure stops the others.
func (c *Client) sendParts(ctx context.Context, bucket, key, uploadID string, src io.ReaderAt, size, ps int64, n, parallel int, prog *progress) ([]minio.CompletePart, error) {
	if parallel <= 0 {
		parallel = DefaultParallel
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	parts := make([]minio.CompletePart, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(parallel, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				off := int64(i) * ps
				length := min(ps, size-off)
				r := prog.part(io.NewSectionReader(src, off, length))
				err := c.retried(ctx, r, func(ctx context.Context) error {
					p, err := c.core.PutObjectPart(ctx, bucket, key, uploadID, i+1, r, length, minio.PutObjectPartOptions{})
					parts[i] = minio.CompletePart{PartNumber: i + 1, ETag: p.ETag}
					return err
				})
				if err != nil {
					cancel(err)
				}
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return parts, nil
}

// abort removes an unfinished multipart upload, bounded by the client's
// timeout whatever became of the upload's own context.
func (c *Client) abort(bucket, key, uploadID string) error {
	ctx, cancel := c.bounded(context.Background())
	defer cancel()
	return timedOut(ctx, c.core.AbortMultipartUpload(ctx, bucket, key, uploadID))
}

// explainTransfer explains err, keeping a cancellation by the caller
// recognisable (errors.Is(err, context.Canceled)).
func explainTransfer(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil && errors.Is(context.Cause(ctx), context.Canceled) {
		return fmt.Errorf("%s: %w", what, context.Canceled)
	}
	return Explain(what, err)
}

// watched runs fn with a context that ends with a *TimeoutError when no
// byte has moved (fn calls touch as they do) for the client's timeout.
// The wait for the store's answer after the last byte is bounded the
// same way, by the transport's response header timeout.
func (c *Client) watched(ctx context.Context, fn func(ctx context.Context, touch func()) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var last atomic.Int64
	touch := func() { last.Store(time.Now().UnixNano()) }
	touch()
	done := make(chan struct{})
	defer close(done)
	tick := min(max(c.timeout/8, 10*time.Millisecond), time.Second)
	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case now := <-t.C:
				if now.Sub(time.Unix(0, last.Load())) > c.timeout {
					cancel(&TimeoutError{After: c.timeout})
					return
				}
			}
		}
	}()
	err := fn(ctx, touch)
	if err != nil && ctx.Err() != nil {
		if te, ok := context.Cause(ctx).(*TimeoutError); ok {
			return te
		}
	}
	return err
}

// retried runs the request of fn under watch (see watched) up to
// MaxAttempts times while it times out: a part whose sending stalls is
// sent again rather than failing the whole upload. r is the request's
// body, rewound for each attempt.
func (c *Client) retried(ctx context.Context, r *partReader, fn func(ctx context.Context) error) error {
	var err error
	for range MaxAttempts {
		err = c.watched(ctx, func(ctx context.Context, touch func()) error {
			r.touch = touch
			if _, err := r.Seek(0, io.SeekStart); err != nil {
				return err
			}
			return fn(ctx)
		})
		var te *TimeoutError
		if !errors.As(err, &te) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

// progress adds up the bytes of a transfer's parts. A part read again
// (a retried request) counts once: each part reports how far into it the
// reads have gone.
type progress struct {
	fn   func(int64)
	mu   sync.Mutex
	done int64
}

func (p *progress) add(n int64) {
	if p == nil || p.fn == nil || n <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += n
	p.fn(p.done)
}

// part wraps one part's reader: each read touches the idle watch and
// reports the bytes read past the furthest point so far.
func (p *progress) part(r *io.SectionReader) *partReader {
	return &partReader{r: r, p: p, touch: func() {}}
}

type partReader struct {
	r        *io.SectionReader
	p        *progress
	touch    func()
	pos, top int64
}

func (r *partReader) Read(b []byte) (int, error) {
	r.touch()
	n, err := r.r.Read(b)
	r.pos += int64(n)
	if r.pos > r.top {
		r.p.add(r.pos - r.top)
		r.top = r.pos
	}
	return n, err
}

func (r *partReader) Seek(off int64, whence int) (int64, error) {
	pos, err := r.r.Seek(off, whence)
	if err == nil {
		r.pos = pos
	}
	return pos, err
}

// ExistsError refuses to overwrite a local file.
type ExistsError struct{ Path string }

func (e *ExistsError) Error() string {
	return e.Path + " already exists: pick another destination, or overwrite it with --force"
}

// DownloadOptions tune one Download.
type DownloadOptions struct {
	// Force replaces a file already at the destination; without it the
	// download fails with an *ExistsError and the file is left alone.
	Force bool
	// Progress, when set, is called with the bytes received so far and
	// the object's size, as they come.
	Progress func(done, total int64)
}

// Download writes bucket/key to the file dest: into a temporary file
// beside it, renamed to dest only once the whole object has arrived, so
// dest is never left half-written. Without o.Force an existing dest is
// never replaced, even one created while the download ran. A body that
// stops arriving for the client's timeout fails the download; cancelling
// ctx stops it. Either way the temporary file is removed.
func (c *Client) Download(ctx context.Context, bucket, key, dest string, o DownloadOptions) (int64, error) {
	what := "download of s3://" + bucket + "/" + key
	if !o.Force {
		if _, err := os.Lstat(dest); err == nil {
			return 0, &ExistsError{Path: dest}
		}
	}
	dir, base := filepath.Split(dest)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".part-*")
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	keep := false
	defer func() {
		if !keep {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	// The answer's headers are bounded by the transport's response
	// header timeout, each read of the body by the idle timeout; the
	// download as a whole is not: a big object may take long.
	body, info, _, err := c.core.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return 0, explainTransfer(ctx, what, err)
	}
	defer body.Close()
	total := info.Size
	var done int64
	w := io.Writer(tmp)
	if o.Progress != nil {
		o.Progress(0, total)
		w = writerFunc(func(b []byte) (int, error) {
			n, err := tmp.Write(b)
			done += int64(n)
			o.Progress(done, total)
			return n, err
		})
	}
	n, err := io.Copy(w, body)
	if err == nil && total >= 0 && n != total {
		err = fmt.Errorf("got %d of %d bytes", n, total)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if ctx.Err() != nil {
			return 0, fmt.Errorf("%s: %w", what, context.Canceled)
		}
		return 0, Explain(what, err)
	}
	if err := place(tmp.Name(), dest, o.Force); err != nil {
		return 0, err
	}
	keep = true
	return n, nil
}

// place moves the finished temporary file tmp to dest: replacing it when
// force is set, else only if no file is there (a hard link fails when
// dest exists, so a file created meanwhile is never replaced).
func place(tmp, dest string, force bool) error {
	if force {
		if err := os.Rename(tmp, dest); err != nil {
			os.Remove(tmp)
			return err
		}
		return nil
	}
	err := os.Link(tmp, dest)
	if errors.Is(err, fs.ErrExist) {
		os.Remove(tmp)
		return &ExistsError{Path: dest}
	}
	if err != nil {
		// A file system without hard links: check, then rename.
		if _, serr := os.Lstat(dest); serr == nil {
			os.Remove(tmp)
			return &ExistsError{Path: dest}
		}
		if err := os.Rename(tmp, dest); err != nil {
			os.Remove(tmp)
			return err
		}
		return nil
	}
	return os.Remove(tmp)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// Head is the start of an object, for a preview.
type Head struct {
	Data        []byte // at most the bytes asked for
	Size        int64  // the whole object's size
	ContentType string
}

// ReadHead reads the first n bytes of bucket/key (a ranged GET; n ≤ 0
// for PreviewSize), bounded as a whole by the client's timeout.
func (c *Client) ReadHead(ctx context.Context, bucket, key string, n int64) (Head, error) {
	if n <= 0 {
		n = PreviewSize
	}
	what := "preview of s3://" + bucket + "/" + key
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	var opts minio.GetObjectOptions
	if err := opts.SetRange(0, n-1); err != nil {
		return Head{}, err
	}
	body, info, hdr, err := c.core.GetObject(ctx, bucket, key, opts)
	if err != nil {
		// An empty object has no byte 0: a 416 for a range of it.
		var er minio.ErrorResponse
		if errors.As(err, &er) && er.Code == "InvalidRange" {
			return Head{}, nil
		}
		return Head{}, Explain(what, timedOut(ctx, err))
	}
	defer body.Close()
	data, err := io.ReadAll(io.LimitReader(body, n))
	if err != nil {
		return Head{}, Explain(what, timedOut(ctx, err))
	}
	h := Head{Data: data, Size: info.Size, ContentType: info.ContentType}
	// Size is the part sent; Content-Range names the whole.
	if cr := hdr.Get("Content-Range"); cr != "" {
		if _, total, ok := strings.Cut(cr, "/"); ok {
			var t int64
			if _, err := fmt.Sscan(total, &t); err == nil {
				h.Size = t
			}
		}
	}
	return h, nil
}

// Incomplete lists the keys of unfinished multipart uploads under prefix,
// in key order.
func (c *Client) Incomplete(ctx context.Context, bucket, prefix string) ([]string, error) {
	ups, err := c.Multiparts(ctx, bucket, prefix)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(ups))
	for _, u := range ups {
		keys = append(keys, u.Key)
	}
	sort.Strings(keys)
	return keys, nil
}
