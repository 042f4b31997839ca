package s3model

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/s3utils"
)

// Details is what a HEAD of an object tells.
type Details struct {
	Key          string
	Size         int64
	LastModified time.Time
	ETag         string
	ContentType  string
	StorageClass string
	VersionID    string
	// Metadata holds the user metadata (x-amz-meta-*), keys without the prefix.
	Metadata map[string]string
}

// MetadataKeys returns the user metadata keys in order.
func (d Details) MetadataKeys() []string {
	keys := make([]string, 0, len(d.Metadata))
	for k := range d.Metadata {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Stat reads an object's details (HEAD); versionID may be empty.
// It is bounded as a whole, retries included, by the client's timeout.
func (c *Client) Stat(ctx context.Context, bucket, key, versionID string) (Details, error) {
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	info, err := c.mc.StatObject(ctx, bucket, key, minio.StatObjectOptions{VersionID: versionID})
	if err != nil {
		return Details{}, Explain("details of s3://"+bucket+"/"+key, timedOut(ctx, err))
	}
	d := Details{
		Key:          info.Key,
		Size:         info.Size,
		LastModified: info.LastModified,
		ETag:         strings.Trim(info.ETag, `"`),
		ContentType:  info.ContentType,
		StorageClass: info.StorageClass,
		VersionID:    info.VersionID,
		Metadata:     map[string]string{},
	}
	if d.StorageClass == "" {
		d.StorageClass = "STANDARD"
	}
	for k, v := range info.UserMetadata {
		d.Metadata[strings.ToLower(k)] = v
	}
	// Some servers only send the raw headers.
	for k, vs := range info.Metadata {
		lk := strings.ToLower(k)
		if name, ok := strings.CutPrefix(lk, "x-amz-meta-"); ok && len(vs) > 0 {
			if _, seen := d.Metadata[name]; !seen {
				d.Metadata[name] = strings.Join(vs, ",")
			}
		}
	}
	return d, nil
}

// Version is one version of an object.
type Version struct {
	VersionID    string
	Size         int64
	LastModified time.Time
	IsLatest     bool
	DeleteMarker bool
}

// ListVersions lists the versions of key, newest first. A bucket without
// versioning has one version, "null". It is bounded as a whole by the
// client's timeout: the versions of one key come in a page or two.
func (c *Client) ListVersions(ctx context.Context, bucket, key string) ([]Version, error) {
	ctx, cancel := c.bounded(ctx)
	defer cancel()
	var out []Version
	for o := range c.mc.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: key, WithVersions: true, Recursive: true}) {
		if o.Err != nil {
			return nil, Explain("versions of s3://"+bucket+"/"+key, timedOut(ctx, o.Err))
		}
		if o.Key < key || !strings.HasPrefix(o.Key, key) {
			continue
		}
		if o.Key != key {
			if len(out) > 0 {
				break // versions of one key arrive together; the rest are other keys
			}
			continue
		}
		out = append(out, Version{
			VersionID:    o.VersionID,
			Size:         o.Size,
			LastModified: o.LastModified,
			IsLatest:     o.IsLatest,
			DeleteMarker: o.IsDeleteMarker,
		})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].LastModified.After(out[j].LastModified) })
	return out, nil
}

// ObjectURL is the plain https (or http) URL of an object, encoded for the
// store's addressing style. It works only for objects the public may read.
func (c *Client) ObjectURL(bucket, key string) string {
	u := *c.store.Endpoint
	if c.store.VirtualHost(bucket) {
		u.Host = bucket + "." + u.Host
		u.Path = "/" + key
	} else {
		u.Path = "/" + bucket + "/" + key
	}
	u.RawPath = "/" + s3utils.EncodePath(strings.TrimPrefix(u.Path, "/"))
	return u.String()
}
