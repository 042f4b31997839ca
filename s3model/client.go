// Package s3model is the store as the browser sees it: buckets, and the
// prefixes and objects under a prefix, fetched a page at a time.
package s3model

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
	mc, err := minio.New(store.Endpoint.Host, &minio.Options{
		Creds:        creds,
		Secure:       store.Secure(),
		Region:       minioRegion(store),
		BucketLookup: lookup,
		Transport:    &idleTransport{base: tr, idle: timeout},
		MaxRetries:   MaxAttempts, // minio-go counts the first try among its "retries"
	})
	if err != nil {
		return nil, fmt.Errorf("endpoint %s: %v", store.Endpoint, err)
	}
	return &Client{mc: mc, core: minio.Core{Client: mc}, store: store, timeout: timeout}, nil
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
	Next string
	Done bool
}

// ListPage fetches the page of bucket/prefix (delimiter "/") that starts at
// the continuation token (empty for the first page). It returns as soon as
// ctx is cancelled or the client's timeout has passed (a *TimeoutError,
// explained). A request already sent is then abandoned: minio-go's page
// call takes no context, so it runs on until the transport's timeout.
func (c *Client) ListPage(ctx context.Context, bucket, prefix, token string) (Page, error) {
	res, err := c.listV2(ctx, bucket, prefix, token, "/")
	if err != nil {
		return Page{}, err
	}
	p := Page{Entries: make([]Entry, 0, len(res.CommonPrefixes)+len(res.Contents))}
	for _, cp := range res.CommonPrefixes {
		p.Entries = append(p.Entries, Entry{Name: relName(cp.Prefix, prefix), IsPrefix: true})
	}
	for _, o := range res.Contents {
		if o.Key == prefix {
			continue // the folder marker of the prefix itself
		}
		p.Entries = append(p.Entries, Entry{
			Name:     relName(o.Key, prefix),
			Size:     o.Size,
			Modified: o.LastModified.UnixMilli(),
		})
	}
	p.Next = res.NextContinuationToken
	p.Done = !res.IsTruncated || p.Next == ""
	return p, nil
}

// listV2 asks for one ListObjectsV2 page, bounded by ctx and the client's
// timeout as ListPage describes.
func (c *Client) listV2(ctx context.Context, bucket, prefix, token, delimiter string) (minio.ListBucketV2Result, error) {
	if err := ctx.Err(); err != nil {
		return minio.ListBucketV2Result{}, err
	}
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	type result struct {
		res minio.ListBucketV2Result
		err error
	}
	ch := make(chan result, 1)
	go func() {
		res, err := c.core.ListObjectsV2(bucket, prefix, "", token, delimiter, PageSize)
		ch <- result{res, err}
	}()
	what := "list s3://" + bucket + "/" + prefix
	select {
	case <-ctx.Done():
		if te := timedOut(ctx, ctx.Err()); te != ctx.Err() {
			return minio.ListBucketV2Result{}, Explain(what, te)
		}
		return minio.ListBucketV2Result{}, ctx.Err() // the caller gave up
	case r := <-ch:
		if r.err != nil {
			return minio.ListBucketV2Result{}, Explain(what, r.err)
		}
		return r.res, nil
	}
}

// relName strips prefix from key and copies the rest, so the entry does
// not keep the whole key (and the response it came from) alive.
func relName(key, prefix string) string {
	return strings.Clone(strings.TrimPrefix(key, prefix))
}
