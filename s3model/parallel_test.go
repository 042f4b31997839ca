package s3model_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/demo"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/s3model"
)

// listSizeKnob scales the key sets of the listing property tests:
// S3SHARE_LIST_KEYS sets the number of keys per set (CI keeps the
// default small).
func listSizeKnob(t testing.TB, def int) int {
	if v := os.Getenv("S3SHARE_LIST_KEYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("S3SHARE_LIST_KEYS=%q: want a positive number of keys", v)
		}
		return n
	}
	return def
}

// Pieces that names are made of: the lowest and highest code points
// (U+0001, U+10FFFF and their neighbours), the ends of each UTF-8 length,
// the delimiter, what URL encoding escapes, and plain ASCII.
var namePieces = []string{
	"\u0001", "\u0002", "\u001f", " ", "!", "-", ".", "0", "9", "A", "Z", "_", "a", "m", "z", "~", "\u007f",
	"\u0080", "é", "\u07ff", "\u0800", "日本", "\ufffd", "\uffff", "\U00010000", "\U0010fffe", "\U0010ffff",
	"/", "/", "a/b", "x/", "%", "+", "%2F",
}

// Stems make long shared prefixes and the dense regions.
var nameStems = []string{
	"", "logs/2026-11-29/host-0001/", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "\U0010ffff\U0010ffff/",
	"\u0001\u0001", "d/", "d/e/", "zz", "日本/語/",
}

// randomKeys makes about n keys: dense runs of numbered keys under a
// stem, and sparse random names. For a posix-backed store (posix), keys
// are kept to what a file tree can hold.
func randomKeys(r *rand.Rand, n int, posix bool) []string {
	set := map[string]bool{}
	for len(set) < n {
		stem := nameStems[r.IntN(len(nameStems))]
		if r.IntN(3) == 0 {
			// A dense run.
			run := 1 + r.IntN(max(1, n/4))
			base := randomPiece(r, 2)
			for i := 0; i < run && len(set) < n; i++ {
				set[fmt.Sprintf("%s%s%05d", stem, base, i)] = true
			}
			continue
		}
		set[stem+randomPiece(r, 1+r.IntN(5))] = true
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		if posix && !posixKey(k) {
			continue
		}
		keys = append(keys, k)
	}
	if posix {
		// A key cannot also be a directory of another key.
		dirs := map[string]bool{}
		for _, k := range keys {
			for i := range len(k) {
				if k[i] == '/' {
					dirs[k[:i]] = true
				}
			}
		}
		keys = slices.DeleteFunc(keys, func(k string) bool { return dirs[k] })
	}
	slices.Sort(keys)
	return keys
}

func randomPiece(r *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(namePieces[r.IntN(len(namePieces))])
	}
	return b.String()
}

// posixKey reports whether a file tree can hold key as a file, and
// versitygw can list it.
func posixKey(k string) bool {
	if k == "" || strings.HasSuffix(k, "/") {
		return false
	}
	for seg := range strings.SplitSeq(k, "/") {
		if seg == "" || seg == "." || seg == ".." || len(seg) > 200 {
			return false
		}
	}
	// versitygw does not URL-encode keys in listings, and XML cannot
	// carry every character: it would answer U+FFFD for them.
	for _, r := range k {
		if r < 0x20 || (r >= 0xfffe && r <= 0xffff) || r == utf8.RuneError {
			return false
		}
	}
	return utf8.ValidString(k)
}

// sequential lists with minio-go's own paginator: the reference.
func sequential(t *testing.T, mc *minio.Client, bucket, prefix, delim string) []string {
	t.Helper()
	var out []string
	for o := range mc.ListObjectsIter(context.Background(), bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: delim == ""}) {
		if o.Err != nil {
			t.Fatalf("reference listing of %q: %v", prefix, o.Err)
		}
		if o.Key == prefix {
			continue
		}
		s := strings.TrimPrefix(o.Key, prefix)
		if !strings.HasSuffix(o.Key, "/") || delim == "" {
			s += fmt.Sprintf(":%d", o.Size)
		}
		out = append(out, s)
	}
	slices.Sort(out) // minio-go yields a page's prefixes after its objects
	return out
}

// parallel lists with a Lister, checking the pages come in key order.
func parallel(t *testing.T, c *s3model.Client, bucket, prefix string, opts s3model.ListOptions) []string {
	t.Helper()
	var out []string
	last := ""
	l := c.List(context.Background(), bucket, prefix, opts)
	err := l.All(func(p s3model.Page) error {
		for _, e := range p.Entries {
			full := prefix + e.Name
			if full <= last {
				return fmt.Errorf("%q after %q: not in key order", full, last)
			}
			last = full
			s := e.Name
			if !e.IsPrefix {
				s += fmt.Sprintf(":%d", e.Size)
			}
			out = append(out, s)
		}
		if len(p.Entries) > 0 && p.Last != last {
			return fmt.Errorf("page's Last %q, want %q", p.Last, last)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("parallel listing of %q (%+v): %v", prefix, opts, err)
	}
	return out
}

// checkListings lists every stem and the whole bucket, with and without
// a delimiter, in 1 and 8 workers, and compares with the reference.
func checkListings(t *testing.T, c *s3model.Client, mc *minio.Client, bucket string, keys []string) {
	t.Helper()
	defer s3model.SetListPageSize(7)()
	for _, prefix := range append([]string{""}, nameStems[1:]...) {
		for _, delim := range []string{"", "/"} {
			want := sequential(t, mc, bucket, prefix, delim)
			for _, w := range []int{1, 8} {
				got := parallel(t, c, bucket, prefix, s3model.ListOptions{Delimiter: delim, Workers: w})
				if !slices.Equal(got, want) {
					t.Errorf("prefix %q delimiter %q, %d workers: %d names, want %d\n%s", prefix, delim, w, len(got), len(want), diff(got, want))
				}
			}
			// Resuming after a name lists the rest.
			if len(want) > 2 {
				mid := want[len(want)/2]
				name, _, _ := strings.Cut(mid, ":")
				if strings.HasSuffix(mid, "/") {
					name = mid
				}
				got := parallel(t, c, bucket, prefix, s3model.ListOptions{Delimiter: delim, After: prefix + name})
				if !slices.Equal(got, want[len(want)/2+1:]) {
					t.Errorf("prefix %q delimiter %q after %q: %d names, want %d\n%s", prefix, delim, name, len(got), len(want)-len(want)/2-1, diff(got, want[len(want)/2+1:]))
				}
			}
		}
	}
}

// diff shows the first difference of two listings.
func diff(got, want []string) string {
	for i := range max(len(got), len(want)) {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			return fmt.Sprintf("first difference at %d: got %q, want %q", i, g, w)
		}
	}
	return ""
}

// TestParallelListingExactVersitygw: a listing by key range is exactly the
// sequential listing on versitygw, over random key sets.
func TestParallelListingExactVersitygw(t *testing.T) {
	srv := s3test.Start(t)
	c := clientFor(t, srv)
	n := listSizeKnob(t, 400)
	for seed := range uint64(2) {
		r := rand.New(rand.NewPCG(seed, 17))
		keys := randomKeys(r, n, true)
		bucket := srv.NewBucket(t)
		putAll(t, srv.Client, bucket, keys)
		checkListings(t, c, srv.Client, bucket, keys)
	}
}

// TestParallelListingExactDemo: the same on the demo endpoint, whose keys
// are not bound by a file tree.
func TestParallelListingExactDemo(t *testing.T) {
	d, c, mc := startDemo(t, 0)
	n := listSizeKnob(t, 700)
	for seed := range uint64(2) {
		r := rand.New(rand.NewPCG(seed, 29))
		keys := randomKeys(r, n, false)
		bucket := fmt.Sprintf("prop-%d", seed)
		d.MakeBucket(bucket)
		for _, k := range keys {
			d.PutObject(bucket, k, []byte(k[:min(len(k), 3)]), "text/plain", nil)
		}
		checkListings(t, c, mc, bucket, keys)
	}
}

// startDemo starts a demo endpoint with no buckets, and a client and a
// minio-go client for it.
func startDemo(t testing.TB, delay time.Duration) (*demo.Server, *s3model.Client, *minio.Client) {
	t.Helper()
	d, err := demo.Start(demo.Options{NoSeed: true, PageDelay: delay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, demoClient(t, d, d.URL), demoMinio(t, d)
}

func demoClient(t testing.TB, d *demo.Server, endpoint string) *s3model.Client {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	c, err := s3model.New(config.Store{
		Endpoint: u, Region: d.Region, RegionFromUser: true, Addressing: config.AddressingPath,
		Creds: config.Credentials{AccessKeyID: d.AccessKey, SecretAccessKey: d.SecretKey},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func demoMinio(t testing.TB, d *demo.Server) *minio.Client {
	t.Helper()
	u, _ := url.Parse(d.URL)
	mc, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(d.AccessKey, d.SecretKey, ""), Region: d.Region, BucketLookup: minio.BucketLookupPath})
	if err != nil {
		t.Fatal(err)
	}
	return mc
}

// putAll stores keys (each holding its first bytes) several at a time.
func putAll(t *testing.T, mc *minio.Client, bucket string, keys []string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(keys))
	work := make(chan string)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range work {
				body := k[:min(len(k), 3)]
				if _, err := mc.PutObject(context.Background(), bucket, k, strings.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
					errs <- fmt.Errorf("put %q: %w", k, err)
				}
			}
		}()
	}
	// Keys sharing a directory are put one after another at first, so
	// the posix backend does not race to make it.
	for _, k := range keys {
		work <- k
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// TestParallelListingStopsWhenCancelled: once the listing's context is
// cancelled and Close has returned, no worker sends another request.
func TestParallelListingStopsWhenCancelled(t *testing.T) {
	d, _, _ := startDemo(t, 20*time.Millisecond)
	d.MakeBucket("big")
	for i := range 5000 {
		d.PutObject("big", fmt.Sprintf("k/%05d", i), []byte("x"), "text/plain", nil)
	}
	p := s3test.StartProxy(t, strings.TrimPrefix(d.URL, "http://"))
	c := demoClient(t, d, p.Endpoint)
	defer s3model.SetListPageSize(50)()
	ctx, cancel := context.WithCancel(context.Background())
	l := c.List(ctx, "big", "k/", s3model.ListOptions{Workers: 8})
	for range 2 {
		if _, err := l.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if p.Requests() < 3 {
		t.Fatalf("%d requests before the cancel, want several workers at work", p.Requests())
	}
	atCancel := p.Requests()
	cancel()
	if _, err := l.Next(); err == nil {
		// Pages already listed may still be handed out; then the error.
		for err == nil {
			_, err = l.Next()
		}
	}
	l.Close()
	// Requests already on their way when the listing was cancelled (at
	// most one per worker) may reach the proxy a little later; then
	// nothing more comes.
	seen := settled(p)
	if seen-atCancel > 8 {
		t.Errorf("%d requests reached the proxy after the cancel, want at most one per worker", seen-atCancel)
	}
	time.Sleep(300 * time.Millisecond) // longer than a page takes
	if got := p.Requests(); got != seen {
		t.Fatalf("%d requests after the listing was stopped", got-seen)
	}
	if seen >= 5000/50 {
		t.Errorf("%d requests: the listing ran to its end instead of stopping", seen)
	}
}

// TestParallelListingThrottleStorm: a storm of 503 SlowDown on the upper
// ranges still gives the exact listing, with the workers cut back.
func TestParallelListingThrottleStorm(t *testing.T) {
	d, _, mc := startDemo(t, 0)
	d.MakeBucket("storm")
	r := rand.New(rand.NewPCG(5, 5))
	keys := randomKeys(r, 1200, false)
	for _, k := range keys {
		d.PutObject("storm", k, []byte("x"), "text/plain", nil)
	}
	p := s3test.StartProxy(t, strings.TrimPrefix(d.URL, "http://"))
	c := demoClient(t, d, p.Endpoint)
	defer s3model.SetListPageSize(40)()
	// Every request for a range above "d" is refused a dozen times.
	p.InjectIf(s3test.SlowDown, 12, func(r *http.Request) bool {
		return r.URL.Query().Get("start-after") > "d" || r.URL.Query().Get("continuation-token") != ""
	})
	got := parallel(t, c, "storm", "", s3model.ListOptions{Workers: 8})
	want := sequential(t, mc, "storm", "", "")
	if !slices.Equal(got, want) {
		t.Fatalf("%d names after the storm, want %d\n%s", len(got), len(want), diff(got, want))
	}
	if p.Faulted() != 12 {
		t.Errorf("%d requests throttled, want 12", p.Faulted())
	}
}

// TestSplitPoints: split points lie strictly between their bounds, are
// valid UTF-8 and hold no delimiter.
func TestSplitPoints(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		a, b := randomPiece(r, r.IntN(4)), randomPiece(r, 1+r.IntN(4))
		if a >= b {
			a, b = b, a
		}
		if a == b {
			continue
		}
		open := r.IntN(4) == 0
		m, ok := s3model.MidName(a, b, open)
		if ok && (m <= a || (!open && m >= b) || !utf8.ValidString(m)) {
			t.Fatalf("MidName(%q, %q, %v) = %q", a, b, open, m)
		}
		m, ok = s3model.SplitPoint(a, b, open, "/")
		if ok && (m <= a || (!open && m >= b) || !utf8.ValidString(m) || strings.Contains(m, "/")) {
			t.Fatalf("SplitPoint(%q, %q, %v) = %q", a, b, open, m)
		}
	}
	if m, ok := s3model.MidName("", "", true); !ok || m != "?" {
		t.Errorf("MidName of the whole space = %q, %v", m, ok)
	}
}

// settled waits until the proxy's request count has not changed for
// 100 ms (at most 5 s), and returns it.
func settled(p *s3test.Proxy) int {
	n := p.Requests()
	for range 50 {
		time.Sleep(100 * time.Millisecond)
		m := p.Requests()
		if m == n {
			return n
		}
		n = m
	}
	return n
}
