package linkcheck

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/s3model"
)

// Upload is what an upload link brought: the object's details. Key,
// ContentType and ETag are the store's text, to be sanitised for show.
type Upload struct {
	Key         string    `json:"key"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	ETag        string    `json:"etag"`
	Modified    time.Time `json:"last_modified"`
}

// WatchSource is what watching needs of the store. *s3model.Client is
// one.
type WatchSource interface {
	Stat(ctx context.Context, bucket, key, versionID string) (s3model.Details, error)
	ListPage(ctx context.Context, bucket, prefix, token string) (s3model.Page, error)
}

// WatchOptions tune a Watch; zero values take the defaults.
type WatchOptions struct {
	// Since is when the link was made: an object written before it is
	// not the upload (default: the link's SignedAt).
	Since time.Time
	// First is the first wait between looks, doubled each time up to
	// Max (defaults 250 ms and 1 s); after SlowAfter of watching (default
	// 5 minutes) the wait grows up to SlowMax (default 5 s).
	First, Max, SlowAfter, SlowMax time.Duration
	// Grace is how long after the link expires the watch goes on, for
	// an upload started just before (default 2 s).
	Grace time.Duration
}

// ErrExpired is returned by Watch when the link expired with no upload.
var ErrExpired = errors.New("the link expired and nothing was uploaded")

// Watch waits until the upload of the PUT or POST link r arrives: it
// HEADs the key (PUT, or POST for one key) or lists the prefix (POST
// for a prefix), with backoff, and returns the object once one written
// since the link was made is there. It ends with ctx's error when ctx
// ends, with ErrExpired when the link expires first, and at once when
// the store refuses to let it look (no permission, no such bucket).
func Watch(ctx context.Context, src WatchSource, r presign.Result, o WatchOptions) (Upload, error) {
	w, err := NewWatcher(src, r, o)
	if err != nil {
		return Upload{}, err
	}
	for {
		up, wait, err := w.Look(ctx)
		if err != nil || wait == 0 {
			return up, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return Upload{}, ctx.Err()
		case <-t.C:
		}
	}
}

// Watcher is one watch, a look at a time: Watch loops over it, and the
// TUI runs each look in a command of its own with a timer between.
type Watcher struct {
	src   WatchSource
	r     presign.Result
	o     WatchOptions
	since time.Time
	start time.Time
	end   time.Time
	wait  time.Duration
}

// NewWatcher prepares a watch for the upload of the PUT or POST link r.
func NewWatcher(src WatchSource, r presign.Result, o WatchOptions) (*Watcher, error) {
	if r.Method != presign.PUT && r.Method != presign.POST {
		return nil, fmt.Errorf("a %s link uploads nothing to watch for", r.Method)
	}
	o = o.withDefaults(r)
	return &Watcher{src: src, r: r, o: o,
		since: o.Since.Truncate(time.Second), // stores keep whole seconds
		start: time.Now(), end: r.EffectiveExpiresAt.Add(o.Grace), wait: o.First}, nil
}

// Look looks once. It returns the upload when it is there; otherwise how
// long to wait before the next look (backing off), or the error that
// ends the watch: ErrExpired, ctx's error, or a refusal to let it look.
// It is not safe for concurrent use.
func (w *Watcher) Look(ctx context.Context) (Upload, time.Duration, error) {
	up, found, err := look(ctx, w.src, w.r, w.since)
	if found {
		return up, 0, nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return Upload{}, 0, ctx.Err()
		}
		if se, ok := s3model.AsStoreError(err); ok && (se.Status == 403 || se.Code == "NoSuchBucket") {
			return Upload{}, 0, fmt.Errorf("cannot watch for the upload: %w", err)
		}
	}
	now := time.Now()
	if !now.Before(w.end) {
		return Upload{}, 0, ErrExpired
	}
	ceiling := w.o.Max
	if now.Sub(w.start) > w.o.SlowAfter {
		ceiling = w.o.SlowMax
	}
	w.wait = min(w.wait*2, ceiling)
	return Upload{}, max(time.Millisecond, min(w.wait, w.end.Sub(now))), nil
}

func (o WatchOptions) withDefaults(r presign.Result) WatchOptions {
	if o.Since.IsZero() {
		o.Since = r.SignedAt
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.First, 250*time.Millisecond)
	def(&o.Max, time.Second)
	def(&o.SlowAfter, 5*time.Minute)
	def(&o.SlowMax, 5*time.Second)
	def(&o.Grace, 2*time.Second)
	o.First /= 2 // doubled before the first wait
	return o
}

// look looks once: found is set when the upload is there.
func look(ctx context.Context, src WatchSource, r presign.Result, since time.Time) (Upload, bool, error) {
	key := r.Key
	if r.Method == presign.POST && r.Prefix {
		var err error
		if key, err = newestUnder(ctx, src, r.Bucket, r.Key, since); err != nil || key == "" {
			return Upload{}, false, err
		}
	}
	d, err := src.Stat(ctx, r.Bucket, key, "")
	if err != nil {
		if se, ok := s3model.AsStoreError(err); ok && (se.Code == "NoSuchKey" || se.Status == 404 && se.Code != "NoSuchBucket") {
			return Upload{}, false, nil
		}
		return Upload{}, false, err
	}
	if d.LastModified.Before(since) {
		return Upload{}, false, nil // the object that was there before
	}
	return Upload{Key: key, Size: d.Size, ContentType: d.ContentType, ETag: d.ETag, Modified: d.LastModified}, true, nil
}

// newestUnder is the key of the object under prefix written last, at or
// after since; "" when there is none. It lists the keys right under the
// prefix, where a POST policy's ${filename} puts them.
func newestUnder(ctx context.Context, src WatchSource, bucket, prefix string, since time.Time) (string, error) {
	best, bestAt := "", since.Add(-time.Nanosecond)
	token := ""
	for {
		page, err := src.ListPage(ctx, bucket, prefix, token)
		if err != nil {
			return "", err
		}
		for _, e := range page.Entries {
			if !e.IsPrefix && e.ModTime().After(bestAt) {
				best, bestAt = prefix+e.Name, e.ModTime()
			}
		}
		if page.Done || ctx.Err() != nil {
			return best, ctx.Err()
		}
		token = page.Next
	}
}

// Line is the upload in one line, sanitised: "s3://b/k · 12 B ·
// text/plain · ETag 9b2c…".
func (u Upload) Line(bucket string) string {
	parts := []string{sanitize.Text("s3://" + bucket + "/" + u.Key), humanize.IBytes(uint64(max(0, u.Size)))}
	if u.ContentType != "" {
		parts = append(parts, sanitize.Text(u.ContentType))
	}
	if u.ETag != "" {
		parts = append(parts, "ETag "+sanitize.Text(strings.Trim(u.ETag, `"`)))
	}
	return strings.Join(parts, " · ")
}
