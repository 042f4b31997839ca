package demo

import (
	"crypto/md5"
	"encoding/hex"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// object is one stored object. Objects are immutable once stored: a put
// replaces the pointer, so a listing may keep pointers after unlocking.
type object struct {
	key         string
	data        []byte
	etag        string // quoted hex MD5, as S3 sends it
	modTime     time.Time
	contentType string
	meta        map[string]string // user metadata, lower-case names without "x-amz-meta-"
	headers     map[string]string // stored system headers (Cache-Control, Content-Disposition, …)
}

// bucket keeps its keys in a sorted slice so that a page of a listing
// starts with a binary search, whatever the size of the bucket.
type bucket struct {
	name    string
	created time.Time
	keys    []string // sorted, byte order (as S3 lists UTF-8 keys)
	objs    map[string]*object
}

func newBucket(name string, created time.Time) *bucket {
	return &bucket{name: name, created: created, objs: make(map[string]*object)}
}

func newObject(key string, data []byte, contentType string, meta, headers map[string]string, mod time.Time) *object {
	sum := md5.Sum(data)
	if contentType == "" {
		contentType = "binary/octet-stream"
	}
	return &object{
		key:         key,
		data:        data,
		etag:        `"` + hex.EncodeToString(sum[:]) + `"`,
		modTime:     mod.UTC().Truncate(time.Second),
		contentType: contentType,
		meta:        maps.Clone(meta),
		headers:     maps.Clone(headers),
	}
}

// put stores o, keeping keys sorted.
func (b *bucket) put(o *object) {
	if _, ok := b.objs[o.key]; !ok {
		i, _ := slices.BinarySearch(b.keys, o.key)
		b.keys = slices.Insert(b.keys, i, o.key)
	}
	b.objs[o.key] = o
}

// putUnsorted stores o without keeping keys sorted; call sortKeys after a
// batch. It is used by Seed to load many objects quickly.
func (b *bucket) putUnsorted(o *object) {
	if _, ok := b.objs[o.key]; !ok {
		b.keys = append(b.keys, o.key)
	}
	b.objs[o.key] = o
}

func (b *bucket) sortKeys() {
	slices.Sort(b.keys)
	b.keys = slices.Compact(b.keys)
}

func (b *bucket) remove(key string) {
	if _, ok := b.objs[key]; !ok {
		return
	}
	delete(b.objs, key)
	if i, found := slices.BinarySearch(b.keys, key); found {
		b.keys = slices.Delete(b.keys, i, i+1)
	}
}

// listQuery is what every list operation asks: keys under prefix, after
// marker, rolled up at delimiter, at most maxKeys entries.
type listQuery struct {
	prefix    string
	delimiter string
	marker    string // start strictly after this key or common prefix
	maxKeys   int
}

type listPage struct {
	objects   []*object
	prefixes  []string
	truncated bool
	last      string // last key or common prefix returned; the next marker
}

// list walks the sorted keys from the marker. It costs O(log n) to find the
// start plus O(page) to fill it; each common prefix is skipped with one more
// binary search, so a delimiter listing never walks the keys it rolls up.
func (b *bucket) list(q listQuery) listPage {
	var p listPage
	if q.maxKeys <= 0 {
		return p
	}
	keys := b.keys
	n := len(keys)
	start := q.prefix
	if q.marker > start {
		start = q.marker
	}
	i := sort.SearchStrings(keys, start)
	if i < n && keys[i] == q.marker {
		i++
	}
	count := 0
	for i < n {
		k := keys[i]
		if !strings.HasPrefix(k, q.prefix) {
			break
		}
		if q.delimiter != "" {
			if j := strings.Index(k[len(q.prefix):], q.delimiter); j >= 0 {
				cp := k[:len(q.prefix)+j+len(q.delimiter)]
				// Skip every key rolled up into cp.
				from := i
				i = from + sort.Search(n-from, func(x int) bool { return !strings.HasPrefix(keys[from+x], cp) })
				if cp <= q.marker {
					continue
				}
				if count == q.maxKeys {
					p.truncated = true
					break
				}
				p.prefixes = append(p.prefixes, cp)
				p.last = cp
				count++
				continue
			}
		}
		if count == q.maxKeys {
			p.truncated = true
			break
		}
		p.objects = append(p.objects, b.objs[k])
		p.last = k
		count++
		i++
	}
	return p
}
