package ui

import (
	"context"
	"errors"
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/s3model"
)

// memStore is an in-memory Store: buckets of objects with fixed sizes
// and times, listed in one page. Signing works offline, with example
// credentials and a known region.
type memStore struct {
	buckets map[string][]string // bucket → keys, sorted
}

func newMemStore(buckets map[string][]string) *memStore {
	s := &memStore{buckets: map[string][]string{}}
	for b, keys := range buckets {
		s.buckets[b] = slices.Sorted(slices.Values(keys))
	}
	return s
}

var memTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (s *memStore) ListBuckets(context.Context) ([]s3model.Bucket, error) {
	var out []s3model.Bucket
	for _, b := range slices.Sorted(maps.Keys(s.buckets)) {
		out = append(out, s3model.Bucket{Name: b, Created: memTime})
	}
	return out, nil
}

// ListPage lists prefix with delimiter "/": the prefixes, then the objects.
func (s *memStore) ListPage(_ context.Context, bucket, prefix, _ string) (s3model.Page, error) {
	keys, ok := s.buckets[bucket]
	if !ok {
		return s3model.Page{}, errors.New("NoSuchBucket: " + bucket)
	}
	var dirs, objs []s3model.Entry
	for _, k := range keys {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok || rest == "" {
			continue
		}
		if i := strings.Index(rest, "/"); i >= 0 {
			if d := rest[:i+1]; len(dirs) == 0 || dirs[len(dirs)-1].Name != d {
				dirs = append(dirs, s3model.Entry{Name: d, IsPrefix: true})
			}
			continue
		}
		objs = append(objs, s3model.Entry{Name: rest, Size: int64(len(k)), Modified: memTime.UnixMilli()})
	}
	return s3model.Page{Entries: append(dirs, objs...), Done: true}, nil
}

func (s *memStore) find(bucket, key string) bool { return slices.Contains(s.buckets[bucket], key) }

func (s *memStore) Stat(_ context.Context, bucket, key, versionID string) (s3model.Details, error) {
	if !s.find(bucket, key) {
		return s3model.Details{}, errors.New("NoSuchKey: " + key)
	}
	return s3model.Details{Key: key, Size: int64(len(key)), LastModified: memTime, ETag: `"0"`,
		ContentType: "application/octet-stream", StorageClass: "STANDARD", VersionID: versionID}, nil
}

func (s *memStore) ListVersions(_ context.Context, bucket, key string) ([]s3model.Version, error) {
	if !s.find(bucket, key) {
		return nil, errors.New("NoSuchKey: " + key)
	}
	return []s3model.Version{{VersionID: "null", Size: int64(len(key)), LastModified: memTime, IsLatest: true}}, nil
}

func (s *memStore) ObjectURL(bucket, key string) string {
	return "http://mem.invalid/" + bucket + "/" + url.PathEscape(key)
}

func (s *memStore) Store() config.Store {
	u, _ := url.Parse("http://mem.invalid")
	return config.Store{
		Endpoint: u, Region: "us-east-1", RegionFromUser: true, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
	}
}

func (s *memStore) SigningStore(context.Context, string) (config.Store, error) { return s.Store(), nil }

// Walk calls fn for every key under prefix, in order.
func (s *memStore) Walk(ctx context.Context, bucket, prefix string, fn func(string, int64) error) error {
	keys, ok := s.buckets[bucket]
	if !ok {
		return errors.New("NoSuchBucket: " + bucket)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) || strings.HasSuffix(k, "/") {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(k, int64(len(k))); err != nil {
			if errors.Is(err, s3model.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

// memStores is a StoreSource of two stores that cannot be connected to.
type memStores struct{}

func (memStores) List() ([]config.Choice, error) {
	return []config.Choice{
		{Kind: config.KindProfile, Name: "work", Endpoint: "http://work.invalid", Source: "~/.aws/config"},
		{Kind: config.KindProfile, Name: "home", Endpoint: "http://home.invalid", Source: "~/.aws/config"},
	}, nil
}

func (memStores) Connect(config.Choice) (*s3model.Client, []string, error) {
	return nil, nil, errors.New("not in this test")
}
