// Package s3model is the store as the browser sees it: buckets, and the
// prefixes and objects under a prefix, fetched a page at a time.
package s3model

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/s3share/s3share/config"
)

// PageSize is how many keys one listing request asks for (the S3 maximum).
const PageSize = 1000

// Client talks to one store.
type Client struct {
	mc      *minio.Client
	core    minio.Core
	hc      *http.Client // sends the lean listing requests (rawlist.go)
	creds   *credentials.Credentials
	store   config.Store
	timeout time.Duration
}

// New builds a client for store. It makes no network call. Requests
// time out after store.Timeout and are retried a bounded number of times
// (see MaxAttempts).
func New(store config.Store) (*Client, error) {
	if store.Endpoint == nil {
		return nil, errors.New("no endpoint configured")
	}
	timeout := timeoutOf(store)
	tr, err := newTransport(store, timeout)
	if err != nil {
		return nil, err
	}
	var creds *credentials.Credentials
	if store.Renew != nil {
		creds = credentials.New(&renewing{r: store.Renew, timeout: timeout})
	} else if store.Creds.Anonymous() {
		creds = credentials.NewStatic("", "", "", credentials.SignatureAnonymous)
	} else {
		creds = credentials.NewStaticV4(store.Creds.AccessKeyID, store.Creds.SecretAccessKey, store.Creds.SessionToken)
	}
	lookup := minio.BucketLookupAuto
	switch store.Addressing {
	case config.AddressingPath:
		lookup = minio.BucketLookupPath
	case config.AddressingVirtual:
		lookup = minio.BucketLookupDNS
	}
	rt := &idleTransport{base: tr, idle: timeout}
	mc, err := minio.New(store.Endpoint.Host, &minio.Options{
		Creds:        creds,
		Secure:       store.Secure(),
		Region:       minioRegion(store),
		BucketLookup: lookup,
		Transport:    rt,
		MaxRetries:   MaxAttempts, // minio-go counts the first try among its "retries"
	})
	if err != nil {
		return nil, fmt.Errorf("endpoint %s: %v", store.Endpoint, err)
	}
	hc := &http.Client{
		Transport: rt,
		// A listing answer is never a redirect to follow: a 301 names
		// the bucket's region, and is reported.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Client{mc: mc, core: minio.Core{Client: mc}, hc: hc, creds: creds, store: store, timeout: timeout}, nil
}

// Timeout is how long the client waits for the store to answer.
func (c *Client) Timeout() time.Duration { return c.timeout }

// Store returns the store this client talks to.
func (c *Client) Store() config.Store { return c.store }

// Bucket is one bucket of the store.
type Bucket struct {
	Name    string
	Created time.Time
}

// ListBuckets lists the buckets the credentials may see.
func (c *Client) ListBuckets(ctx context.Context) ([]Bucket, error) {
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	infos, err := c.mc.ListBuckets(ctx)
	if err != nil {
		return nil, Explain("list buckets", timedOut(ctx, err))
	}
	out := make([]Bucket, len(infos))
	for i, b := range infos {
		out[i] = Bucket{Name: b.Name, Created: b.CreationDate}
	}
	return out, nil
}

// Entry is one row of a listing: a common prefix or an object. It is kept
// small, because a prefix can hold millions of them.
type Entry struct {
	// Name is relative to the listed prefix; a prefix's name ends in "/".
	Name string
	Size int64
	// Modified is the last-modified time in Unix milliseconds (0 for prefixes).
	Modified int64
	IsPrefix bool
	// ETag and StorageClass are kept only when a listing asks for
	// details (ListOptions.Details).
	ETag         string
	StorageClass string
}

// ModTime returns the last-modified time.
func (e Entry) ModTime() time.Time {
	if e.Modified == 0 {
		return time.Time{}
	}
	return time.UnixMilli(e.Modified)
}

// Page is one page of a listing.
type Page struct {
	Entries []Entry
	// Next continues the listing after this page; empty when Done.
	// (ListPage's pages; a Lister's pages have none.)
	Next string
	// Last is the full name of the page's last entry: a listing resumes
	// after it (ListOptions.After).
	Last string
	Done bool
}

// ListPage fetches the page of bucket/prefix (delimiter "/") that starts at
// the continuation token (empty for the first page), prefixes and objects
// in key order. It returns as soon as ctx is cancelled, or with a
// *TimeoutError (explained) once the client's timeout has passed.
func (c *Client) ListPage(ctx context.Context, bucket, prefix, token string) (Page, error) {
	res, err := c.listRaw(ctx, listReq{bucket: bucket, prefix: prefix, delimiter: "/", token: token, maxKeys: PageSize}, nil)
	if err != nil {
		return Page{}, err
	}
	l := Lister{prefix: prefix}
	ch, _ := l.cut(&res, &segment{open: true})
	p := ch.page()
	// Prefixes first, then objects, each in key order.
	slices.SortStableFunc(p.Entries, func(a, b Entry) int {
		switch {
		case a.IsPrefix == b.IsPrefix:
			return 0
		case a.IsPrefix:
			return -1
		}
		return 1
	})
	p.Next = res.Next
	p.Done = !res.Truncated || p.Next == ""
	return p, nil
}
