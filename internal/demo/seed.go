package demo

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"runtime"
	"strings"
	"sync"
	"time"
)

// The seeded store. BigPrefix in LogsBucket holds BigPrefixCount objects
// directly under it, so a listing there takes many pages.
const (
	DocsBucket     = "demo-docs"
	MediaBucket    = "demo-media"
	LogsBucket     = "demo-logs"
	UploadsBucket  = "demo-uploads" // starts empty: a target for upload links
	BigPrefix      = "app/2026/"
	BigPrefixCount = 21600
)

// seedEpoch is when the seeded objects were "written"; fixed so the data is
// the same on every run.
var seedEpoch = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

type seedObject struct {
	key, contentType string
	data             []byte
	meta             map[string]string
	headers          map[string]string
}

// Seed loads the sample buckets and objects. It is called by Start unless
// Options.NoSeed; calling it again rewrites the same objects.
func (s *Server) Seed() {
	s.seedSmall()
	s.seedLogs(runtime.GOMAXPROCS(0))
}

// seedInBackground seeds the small buckets now and the logs bucket's
// 21,600 objects in the background, so the demo draws its first screen
// at once; a request for the logs bucket waits until it is filled. The
// fill leaves a core to the UI starting beside it.
func (s *Server) seedInBackground() {
	s.seedSmall()
	s.logsReady = make(chan struct{})
	go func() {
		defer close(s.logsReady)
		s.seedLogs(runtime.GOMAXPROCS(0) - 1)
	}()
}

// seedLogs fills the logs bucket with workers goroutines (at least one).
// The objects are made and sorted outside the server's lock and handed
// to the bucket in one step, so other requests (the bucket list, the
// other buckets) never wait for the fill.
func (s *Server) seedLogs(workers int) {
	fresh := newBucket(LogsBucket, time.Time{})
	for _, o := range logsObjects(max(1, workers)) {
		fresh.putUnsorted(o)
	}
	fresh.sortKeys()
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[LogsBucket]
	for _, k := range b.keys { // objects put before the fill (none unless a test did)
		if _, seeded := fresh.objs[k]; !seeded {
			fresh.putUnsorted(b.objs[k])
		}
	}
	if len(b.keys) > 0 {
		fresh.sortKeys()
	}
	b.keys, b.objs = fresh.keys, fresh.objs
}

// seedSmall makes the buckets and fills all but the logs bucket.
func (s *Server) seedSmall() {
	docs := docsObjects()
	media := mediaObjects()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, set := range []struct {
		name string
		objs []seedObject
		day  int
	}{{DocsBucket, docs, 0}, {MediaBucket, media, 1}, {LogsBucket, nil, 2}, {UploadsBucket, nil, 3}} {
		b, ok := s.buckets[set.name]
		if !ok {
			b = newBucket(set.name, seedEpoch.Add(-time.Duration(30-set.day)*24*time.Hour))
			s.buckets[set.name] = b
		}
		for i, o := range set.objs {
			mod := seedEpoch.Add(time.Duration(i)*37*time.Minute + 11*time.Second)
			b.putUnsorted(newObject(o.key, o.data, o.contentType, o.meta, o.headers, mod))
		}
		b.sortKeys()
	}
}

func docsObjects() []seedObject {
	text := "text/plain; charset=utf-8"
	var csvs []seedObject
	for q := 1; q <= 4; q++ {
		var b strings.Builder
		b.WriteString("region,product,units,revenue_eur\n")
		for i, region := range []string{"north", "south", "east", "west"} {
			for j, product := range []string{"widget", "gadget", "gizmo"} {
				units := 40 + (q*7+i*13+j*29)%90
				fmt.Fprintf(&b, "%s,%s,%d,%d.%02d\n", region, product, units, units*19, (q*i+j)%100)
			}
		}
		csvs = append(csvs, seedObject{
			key: fmt.Sprintf("reports/2025/q%d.csv", q), contentType: "text/csv",
			data: []byte(b.String()), meta: map[string]string{"department": "finance", "quarter": fmt.Sprintf("Q%d", q)},
		})
	}
	objs := []seedObject{
		{key: "README.md", contentType: "text/markdown; charset=utf-8", data: []byte(readme),
			meta: map[string]string{"author": "s3share", "purpose": "demo"}},
		{key: "notes/todo.txt", contentType: text, data: []byte("- share the Q3 report with finance\n- rotate the demo keys\n- try a link that expires in one minute\n")},
		{key: "notes/meeting 2026-01-15.txt", contentType: text, data: []byte("Attendees: Ada, Grace, Linus\nDecision: presigned links expire after 24 hours by default.\n")},
		{key: "reports/summary.json", contentType: "application/json", data: []byte(`{"year":2025,"quarters":4,"currency":"EUR","best_region":"west"}` + "\n"),
			meta: map[string]string{"department": "finance"}},
		{key: "config/app.json", contentType: "application/json", data: []byte("{\n  \"name\": \"s3share-demo\",\n  \"features\": [\"browse\", \"share\", \"upload-links\"],\n  \"maxExpiryHours\": 168\n}\n")},
		{key: "html/index.html", contentType: "text/html; charset=utf-8", data: []byte("<!doctype html>\n<title>s3share demo</title>\n<h1>Hello from the s3share demo</h1>\n"),
			headers: map[string]string{"Cache-Control": "max-age=60"}},
		{key: "a/top.txt", contentType: text, data: []byte("level 1\n")},
		{key: "a/b/other.txt", contentType: text, data: []byte("level 2\n")},
		{key: "a/b/c/sibling.txt", contentType: text, data: []byte("level 3\n")},
		{key: "a/b/c/d/e/deep.txt", contentType: text, data: []byte("level 5: you found the bottom\n")},
		{key: "a/b/c/d/e/f/g/h/deeper.txt", contentType: text, data: []byte("level 8: deeper still\n")},
		{key: "with space/hello world.txt", contentType: text, data: []byte("a key with spaces\n")},
		{key: "unicodé/日本語.txt", contentType: text, data: []byte("こんにちは、世界\n")},
		{key: "unicodé/Ελληνικά.md", contentType: "text/markdown; charset=utf-8", data: []byte("# Γειά σου κόσμε\n")},
		{key: "unicodé/emoji-🎉.txt", contentType: text, data: []byte("party\n")},
		{key: "odd/a+b=c&d.txt", contentType: text, data: []byte("plus, equals and ampersand\n")},
		{key: "odd/100%/x#y?z.bin", contentType: "application/octet-stream", data: []byte{0, 1, 2, 3, 0xfe, 0xff}},
		{key: "odd/semi;colon,comma.txt", contentType: text, data: []byte("separators\n")},
		{key: "odd/quote'\"<tag>.txt", contentType: text, data: []byte("quotes and angle brackets\n")},
		{key: "odd/trailing-space .txt", contentType: text, data: []byte("a trailing space before the dot\n")},
		{key: "odd/double//slash.txt", contentType: text, data: []byte("an empty path segment\n")},
		{key: "odd/esc-\x1b[31m-red.txt", contentType: text, data: []byte("a key holding a terminal escape sequence\n")},
		{key: "empty-folder/", contentType: "application/x-directory", data: []byte{}},
	}
	return append(objs, csvs...)
}

const readme = `# s3share demo bucket

Everything here lives in memory and disappears when the demo stops.

Try:
- sharing reports/2025/q1.csv as a download (Content-Disposition: attachment)
- the keys under odd/ and unicodé/, which need careful URL encoding
- demo-logs/app/2026/, a prefix with more than twenty thousand objects
`

func mediaObjects() []seedObject {
	return []seedObject{
		{key: "images/gradient.png", contentType: "image/png", data: gradientPNG(64, 64),
			meta: map[string]string{"width": "64", "height": "64", "generator": "s3share"}},
		{key: "images/icons/dot.png", contentType: "image/png", data: gradientPNG(16, 16)},
		{key: "images/logo.svg", contentType: "image/svg+xml", data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="28" fill="#3a7"/></svg>` + "\n")},
		{key: "data/sample.json", contentType: "application/json", data: []byte(`[{"id":1,"name":"alpha"},{"id":2,"name":"beta"},{"id":3,"name":"gamma"}]` + "\n")},
		{key: "data/points.csv", contentType: "text/csv", data: []byte("x,y\n0,0\n1,1\n2,4\n3,9\n")},
	}
}

// gradientPNG draws a small gradient so the demo holds a real image.
func gradientPNG(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(255 * x / w), G: uint8(255 * y / h), B: 160, A: 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img) // writing to memory cannot fail
	return b.Bytes()
}

// logsObjects builds demo-logs. The BigPrefix objects share one backing
// buffer of log lines (objects are never modified), which keeps seeding fast.
func logsObjects(workers int) []*object {
	const lines = 4000
	var buf bytes.Buffer
	starts := make([]int, 0, lines+1)
	rng := uint32(2463534242)
	next := func() uint32 { // xorshift32: deterministic, good enough for sample data
		rng ^= rng << 13
		rng ^= rng >> 17
		rng ^= rng << 5
		return rng
	}
	levels := []string{"INFO ", "INFO ", "INFO ", "DEBUG", "WARN ", "ERROR"}
	paths := []string{"/api/items", "/api/users", "/healthz", "/api/orders", "/static/app.js", "/login"}
	for i := range lines {
		starts = append(starts, buf.Len())
		t := seedEpoch.Add(time.Duration(i) * 1370 * time.Millisecond)
		st := 200
		if n := next() % 50; n == 0 {
			st = 500
		} else if n < 4 {
			st = 404
		}
		fmt.Fprintf(&buf, "%s %s web-%d GET %s/%d %d %dms req=%08x\n",
			t.Format("2006-01-02T15:04:05.000Z"), levels[next()%uint32(len(levels))], next()%4+1,
			paths[next()%uint32(len(paths))], next()%1000, st, next()%900+1, next())
	}
	starts = append(starts, buf.Len())
	base := buf.Bytes()

	// Draw every object's shape first (the generator is sequential), then
	// build the objects, whose MD5 ETags are most of the cost, in parallel.
	type shape struct {
		t           time.Time
		first, n, i int
	}
	shapes := make([]shape, BigPrefixCount)
	t := seedEpoch
	for i := range shapes {
		t = t.Add(90*time.Second + time.Duration(next()%60)*time.Second)
		n := 1 + int(next()%24)
		if i%997 == 0 {
			n = 400 // a few larger files
		}
		shapes[i] = shape{t: t, first: int(next() % uint32(lines-n)), n: n, i: i}
	}
	hosts := []string{"web-1", "web-2", "web-3", "worker-1"}
	objs := make([]*object, BigPrefixCount, BigPrefixCount+8)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for j := w; j < len(shapes); j += workers {
				sh := shapes[j]
				data := base[starts[sh.first]:starts[sh.first+sh.n]:starts[sh.first+sh.n]]
				key := BigPrefix + sh.t.Format("2006-01-02T15-04-05Z") + "-" + hosts[sh.i%len(hosts)] + "-" + fmt.Sprintf("%05d", sh.i) + ".log"
				objs[j] = newObject(key, data, "text/plain; charset=utf-8", nil, nil, sh.t)
			}
		})
	}
	wg.Wait()
	for m := 1; m <= 3; m++ {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		_, _ = zw.Write(base[starts[m*100]:starts[m*100+200]])
		_ = zw.Close()
		mod := seedEpoch.AddDate(0, m-4, 0)
		objs = append(objs, newObject(fmt.Sprintf("app/2025/archive-2025-%02d.log.gz", m+9), gz.Bytes(), "application/gzip",
			map[string]string{"retention": "1y"}, nil, mod))
	}
	objs = append(objs,
		newObject("nginx/access.log", base[starts[0]:starts[50]], "text/plain; charset=utf-8", nil, nil, seedEpoch.Add(time.Hour)),
		newObject("README.txt", []byte("app/2026/ holds one log object per rotation: more than twenty thousand keys in one prefix.\n"),
			"text/plain; charset=utf-8", nil, nil, seedEpoch),
	)
	return objs
}
