package s3model

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/s3share/s3share/config"
)

// MaxAnswerBody is the most of an answer's body a Fetcher reads: an S3
// error document is far smaller; anything past this is dropped.
const MaxAnswerBody = 64 << 10

// Fetcher makes requests to links as their recipient would: with no
// credentials of its own, no retries and no redirects followed, through
// the store's TLS settings (CA bundle, insecure) and timeouts. A link
// checker uses it to fetch a presigned link exactly as it was made.
type Fetcher struct {
	hc      *http.Client
	timeout time.Duration
}

// Answer is what a link's server answered.
type Answer struct {
	Status int
	Header http.Header
	// Body is the start of the body: at most MaxAnswerBody bytes, or
	// for a successful answer at most the bytes asked for with Range.
	Body []byte
}

// NewFetcher builds a fetcher with st's TLS settings and timeout (st
// needs no endpoint or credentials). It makes no network call.
func NewFetcher(st config.Store) (*Fetcher, error) {
	timeout := timeoutOf(st)
	// A link can be https where the endpoint is not (a public base URL
	// in front of it): the TLS settings apply whatever the endpoint's
	// scheme.
	tlsStore := st
	tlsStore.Endpoint = &url.URL{Scheme: "https", Host: "link"}
	tr, err := newTransport(tlsStore, timeout)
	if err != nil {
		return nil, err
	}
	return &Fetcher{
		hc: &http.Client{
			Transport: &idleTransport{base: tr, idle: timeout},
			// A redirect is the store's answer, not something to follow:
			// the checker reads it (a 301 names the bucket's region).
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		timeout: timeout,
	}, nil
}

// Fetch sends one request to url with the given headers and reads the
// answer, all of it bounded by the fetcher's timeout. An error is a
// failure to get an answer at all (DNS, refused, TLS, timeout),
// explained in one line; any HTTP answer, an error status included, is
// an Answer.
func (f *Fetcher) Fetch(ctx context.Context, method, url string, header map[string]string) (Answer, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, f.timeout, &TimeoutError{After: f.timeout})
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return Answer{}, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := f.hc.Do(req)
	if err != nil {
		return Answer{}, Explain("fetch the link", timedOut(ctx, err))
	}
	defer resp.Body.Close()
	limit := int64(MaxAnswerBody)
	if resp.StatusCode/100 == 2 {
		limit = 1 // the checker asks for one byte; never download an object
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil && !errors.Is(err, io.EOF) {
		return Answer{}, Explain("read the answer", timedOut(ctx, err))
	}
	return Answer{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}
