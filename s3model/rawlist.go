package s3model

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/signer"
)

// A listing request goes out lean: no fetch-owner (the owner is never
// shown, and asking for it makes every page a fifth to three fifths
// bigger), keys URL-encoded (so any key survives XML), and the answer is
// read by a decoder that looks only at the elements a listing shows
// (decode.go) rather than by encoding/xml, which was most of the client's
// time on a fast store.
//
// minio-go builds the request's URL (as a presigned one: the same
// addressing and region as every other call of the client, with no
// network access once the bucket's region is known); its query
// signature is taken off and the request is signed in its headers with
// minio-go's signer and the client's credentials, like every other
// request. It is sent by the client's own transport, so it is cancelled
// with its context at once and no request starts after the caller gave
// up.

// listReq is one ListObjectsV2 request.
type listReq struct {
	bucket, prefix, delimiter string
	startAfter, token         string
	maxKeys                   int
}

// rawObject is one object of a page, its key in full.
type rawObject struct {
	Key          string
	Size         int64
	Modified     int64 // Unix milliseconds
	ETag         string
	StorageClass string
}

// rawPage is one decoded ListObjectsV2 page. Objects and Prefixes are
// each in key order; full keys.
type rawPage struct {
	Objects   []rawObject
	Prefixes  []string
	Truncated bool
	Next      string // continuation token
}

// lastName returns the greatest key or prefix of the page.
func (p *rawPage) lastName() string {
	var last string
	if n := len(p.Objects); n > 0 {
		last = p.Objects[n-1].Key
	}
	if n := len(p.Prefixes); n > 0 && p.Prefixes[n-1] > last {
		last = p.Prefixes[n-1]
	}
	return last
}

// presignLife is how long a listing request's signature is valid; the
// request is sent at once.
const presignLife = 15 * time.Minute

// emptySHA256 is the SHA-256 of an empty payload.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// throttled reports whether err is the store asking to slow down.
func throttled(err error) bool {
	var r minio.ErrorResponse
	if !errors.As(err, &r) {
		return false
	}
	switch r.Code {
	case "SlowDown", "SlowDownRead", "Throttling", "ThrottlingException", "RequestLimitExceeded", "RequestThrottled", "TooManyRequests":
		return true
	}
	return r.StatusCode == http.StatusServiceUnavailable || r.StatusCode == http.StatusTooManyRequests
}

// retryable reports whether the store answered "later": a busy or
// failing server.
func retryable(err error) bool {
	var r minio.ErrorResponse
	if !errors.As(err, &r) {
		return false
	}
	switch r.StatusCode {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout, http.StatusTooManyRequests:
		return true
	}
	return throttled(err) || r.Code == "InternalError"
}

// sendError is a request that got no answer (refused, reset); it is
// tried again, as minio-go does. A timeout or an answer cut short is not.
type sendError struct{ err error }

func (e *sendError) Error() string { return e.err.Error() }
func (e *sendError) Unwrap() error { return e.err }

func retryableAttempt(err error) bool {
	var se *sendError
	if errors.As(err, &se) {
		var ne interface{ Timeout() bool }
		return !errors.Is(err, context.Canceled) && !(errors.As(err, &ne) && ne.Timeout())
	}
	return retryable(err)
}

// backoff is the wait before attempt n (1-based), with full jitter:
// up to 200 ms, 400 ms, 800 ms, then 1 s.
func backoff(n int) time.Duration {
	ceil := min(time.Second, 100*time.Millisecond<<n)
	return time.Duration(rand.Int64N(int64(ceil)) + 1)
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// listRaw sends one listing request, tried up to MaxAttempts times (see
// the package's notes on retries), bounded as a whole by the client's
// timeout. onThrottle, if set, is called at each answer that asks to slow
// down, before the wait.
func (c *Client) listRaw(ctx context.Context, r listReq, onThrottle func()) (rawPage, error) {
	if err := ctx.Err(); err != nil {
		return rawPage{}, err
	}
	what := "list s3://" + r.bucket + "/" + r.prefix
	bctx, cancel := c.bounded(ctx)
	defer cancel()
	var err error
	for attempt := 1; ; attempt++ {
		var p rawPage
		p, err = c.listOnce(bctx, r)
		if err == nil {
			return p, nil
		}
		if ctx.Err() != nil {
			return rawPage{}, ctx.Err() // the caller gave up
		}
		if te := timedOut(bctx, err); te != err {
			return rawPage{}, Explain(what, te)
		}
		if strings.Contains(err.Error(), "timeout awaiting response headers") {
			// The transport's header timeout is the client's timeout too,
			// and may fire a moment before the context's.
			return rawPage{}, Explain(what, &TimeoutError{After: c.timeout})
		}
		if attempt >= MaxAttempts || !retryableAttempt(err) {
			break
		}
		if throttled(err) && onThrottle != nil {
			onThrottle()
		}
		if serr := sleepCtx(bctx, backoff(attempt)); serr != nil {
			if ctx.Err() != nil {
				return rawPage{}, ctx.Err()
			}
			return rawPage{}, Explain(what, timedOut(bctx, serr))
		}
	}
	var se *sendError
	if errors.As(err, &se) {
		err = se.err
	}
	return rawPage{}, Explain(what, err)
}

// listOnce is one attempt of a listing request.
func (c *Client) listOnce(ctx context.Context, r listReq) (rawPage, error) {
	cred, err := c.creds.GetWithContext(&credentials.CredContext{Client: c.hc})
	if err != nil {
		return rawPage{}, err
	}
	if cred.SignerType.IsAnonymous() || cred.AccessKeyID == "" {
		return c.listMinio(r)
	}
	q := url.Values{}
	q.Set("list-type", "2")
	q.Set("encoding-type", "url")
	q.Set("prefix", r.prefix)
	q.Set("delimiter", r.delimiter)
	if r.startAfter != "" {
		q.Set("start-after", r.startAfter)
	}
	if r.token != "" {
		q.Set("continuation-token", r.token)
	}
	if r.maxKeys > 0 {
		q.Set("max-keys", strconv.Itoa(r.maxKeys))
	}
	u, err := c.mc.Presign(ctx, http.MethodGet, r.bucket, "", presignLife, q)
	if err != nil {
		return rawPage{}, err
	}
	// The region is in the presigned URL's credential scope
	// (KEY/DATE/REGION/s3/aws4_request).
	uq := u.Query()
	scope := strings.Split(uq.Get("X-Amz-Credential"), "/")
	if len(scope) < 5 {
		return rawPage{}, errors.New("cannot sign the listing request")
	}
	region := scope[len(scope)-3]
	for k := range uq {
		if strings.HasPrefix(k, "X-Amz-") {
			uq.Del(k)
		}
	}
	u.RawQuery = strings.ReplaceAll(uq.Encode(), "+", "%20")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return rawPage{}, err
	}
	req.Header.Set("X-Amz-Content-Sha256", emptySHA256)
	req = signer.SignV4(*req, cred.AccessKeyID, cred.SecretAccessKey, cred.SessionToken, region)
	resp, err := c.hc.Do(req)
	if err != nil {
		return rawPage{}, &sendError{err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return rawPage{}, errorResponse(resp, r.bucket)
	}
	body, err := readBody(resp)
	if err != nil {
		return rawPage{}, err
	}
	return decodeListV2(body)
}

// maxListBody bounds a listing answer (1000 keys of 1 KiB each, and the
// rest, fit well within it).
const maxListBody = 16 << 20

// readBody reads a listing answer, in one allocation when its length is
// known.
func readBody(resp *http.Response) ([]byte, error) {
	if resp.ContentLength > maxListBody {
		return nil, fmt.Errorf("listing answer of %d bytes is too big", resp.ContentLength)
	}
	var buf bytes.Buffer
	if resp.ContentLength > 0 {
		buf.Grow(int(resp.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, maxListBody+1))
	if err != nil {
		return nil, err
	}
	if buf.Len() > maxListBody {
		return nil, fmt.Errorf("listing answer is bigger than %d bytes", maxListBody)
	}
	return buf.Bytes(), nil
}

// errorResponse reads the S3 error document of a failed answer as
// minio-go would, so that Explain and AsStoreError treat it alike.
func errorResponse(resp *http.Response, bucket string) error {
	e := minio.ErrorResponse{
		StatusCode: resp.StatusCode,
		BucketName: bucket,
		RequestID:  resp.Header.Get("x-amz-request-id"),
		HostID:     resp.Header.Get("x-amz-id-2"),
		Region:     resp.Header.Get("x-amz-bucket-region"),
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if len(body) > 0 {
		_ = xml.Unmarshal(body, &e)
	}
	if e.Code == "" {
		switch resp.StatusCode {
		case http.StatusNotFound:
			e.Code, e.Message = "NoSuchBucket", "The specified bucket does not exist."
		case http.StatusForbidden:
			e.Code, e.Message = "AccessDenied", "Access Denied."
		case http.StatusServiceUnavailable:
			e.Code, e.Message = "ServiceUnavailable", "Service unavailable."
		default:
			e.Code, e.Message = resp.Status, "the store answered "+resp.Status
		}
	}
	e.StatusCode = resp.StatusCode
	return e
}

// listMinio is one listing request through minio-go, for anonymous
// stores (minio-go signs no presigned request without credentials).
func (c *Client) listMinio(r listReq) (rawPage, error) {
	res, err := c.core.ListObjectsV2(r.bucket, r.prefix, r.startAfter, r.token, r.delimiter, r.maxKeys)
	if err != nil {
		return rawPage{}, err
	}
	p := rawPage{Truncated: res.IsTruncated, Next: res.NextContinuationToken}
	for _, o := range res.Contents {
		p.Objects = append(p.Objects, rawObject{Key: o.Key, Size: o.Size, Modified: o.LastModified.UnixMilli(), ETag: o.ETag, StorageClass: o.StorageClass})
	}
	for _, cp := range res.CommonPrefixes {
		p.Prefixes = append(p.Prefixes, cp.Prefix)
	}
	return p, nil
}
