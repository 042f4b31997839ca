package s3model

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

func names(l *Listing, ids []ID) string {
	var out []string
	for _, id := range ids {
		out = append(out, l.Entry(id).Name)
	}
	return strings.Join(out, " ")
}

func sample() *Listing {
	var l Listing
	l.Add([]Entry{{Name: "b/", IsPrefix: true}, {Name: "Alpha.TXT", Size: 30, Modified: 3}, {Name: "beta.txt", Size: 10, Modified: 1}})
	l.Add([]Entry{{Name: "d/", IsPrefix: true}, {Name: "gamma.log", Size: 20, Modified: 2}, {Name: "日本語.txt", Size: 5, Modified: 4}})
	return &l
}

func TestListingOrderAndFind(t *testing.T) {
	l := sample()
	if got := names(l, l.IDs(0, l.Len())); got != "b/ d/ Alpha.TXT beta.txt gamma.log 日本語.txt" {
		t.Fatalf("natural order = %q", got)
	}
	if l.NumPrefixes() != 2 || l.NumObjects() != 4 {
		t.Fatalf("counts %d prefixes %d objects", l.NumPrefixes(), l.NumObjects())
	}
	for i := 0; i < l.Len(); i++ {
		if l.Index(l.At(i)) != i {
			t.Fatalf("Index(At(%d)) = %d", i, l.Index(l.At(i)))
		}
	}
	if id, ok := l.Find("gamma.log"); !ok || l.Entry(id).Size != 20 {
		t.Fatalf("Find(gamma.log) = %v %v", id, ok)
	}
	if id, ok := l.Find("d/"); !ok || !l.Entry(id).IsPrefix {
		t.Fatalf("Find(d/) = %v %v", id, ok)
	}
	if _, ok := l.Find("nope"); ok {
		t.Fatal("Find(nope) found something")
	}
}

func TestListingFilter(t *testing.T) {
	l := sample()
	all := l.IDs(0, l.Len())
	cases := map[string]string{
		"":     "b/ d/ Alpha.TXT beta.txt gamma.log 日本語.txt",
		"txt":  "Alpha.TXT beta.txt 日本語.txt",
		"TXT":  "Alpha.TXT beta.txt 日本語.txt",
		"a.t":  "Alpha.TXT beta.txt",
		"日本":   "日本語.txt",
		"zzz":  "",
		"b/":   "b/",
		"ALPH": "Alpha.TXT",
	}
	for q, want := range cases {
		if got := names(l, l.Filter(all, NewMatcher(q))); got != want {
			t.Errorf("Filter(%q) = %q, want %q", q, got, want)
		}
		if got := names(l, l.FilterAll(0, NewMatcher(q))); got != want {
			t.Errorf("FilterAll(%q) = %q, want %q", q, got, want)
		}
		if got := names(l, l.FilterAll(1, NewMatcher(q))); got != strings.TrimPrefix(strings.TrimPrefix(want, "b/"), " ") {
			t.Errorf("FilterAll(%q) = %q, want %q", q, got, want)
		}
	}
}

func TestListingSort(t *testing.T) {
	l := sample()
	cases := []struct {
		key  SortKey
		desc bool
		want string
	}{
		{ByName, false, "b/ d/ Alpha.TXT beta.txt gamma.log 日本語.txt"},
		{ByName, true, "d/ b/ 日本語.txt gamma.log beta.txt Alpha.TXT"},
		{BySize, false, "b/ d/ 日本語.txt beta.txt gamma.log Alpha.TXT"},
		{BySize, true, "d/ b/ Alpha.TXT gamma.log beta.txt 日本語.txt"},
		{ByTime, false, "b/ d/ beta.txt gamma.log Alpha.TXT 日本語.txt"},
	}
	for _, c := range cases {
		ids := l.IDs(0, l.Len())
		l.Sort(ids, c.key, c.desc)
		if got := names(l, ids); got != c.want {
			t.Errorf("Sort(%v, desc=%v) = %q, want %q", c.key, c.desc, got, c.want)
		}
	}
}

func TestMatcherAgainstReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("abcABC/.-_xyzé")
	for i := 0; i < 20000; i++ {
		name := make([]byte, r.IntN(12))
		for j := range name {
			name[j] = alphabet[r.IntN(len(alphabet))]
		}
		q := make([]byte, 1+r.IntN(3))
		for j := range q {
			q[j] = alphabet[r.IntN(len(alphabet)-1)]
		}
		want := strings.Contains(strings.ToLower(string(name)), strings.ToLower(string(q)))
		if got := NewMatcher(string(q)).Match(name); got != want {
			t.Fatalf("Match(%q in %q) = %v, want %v", q, name, got, want)
		}
	}
}

// bigListing makes n objects with 60-byte keys under a prefix.
func bigListing(n int) *Listing {
	var l Listing
	page := make([]Entry, 0, PageSize)
	for i := 0; i < n; i++ {
		page = append(page, Entry{
			Name:     fmt.Sprintf("logs/2026/11/27/host-%03d/application-server-%08d.log.gz", i%997, i),
			Size:     int64(i*7919) % 1e9,
			Modified: 1_700_000_000_000 + int64(i*104729)%1e9,
		})
		if len(page) == cap(page) {
			l.Add(page)
			page = page[:0]
		}
	}
	l.Add(page)
	return &l
}

func TestListingBytesPerObject(t *testing.T) {
	// Reported by BenchmarkListingMemory; this checks the layout stays compact.
	if s := unsafe.Sizeof(row{}); s != 24 {
		t.Fatalf("row is %d bytes, want 24", s)
	}
}

func BenchmarkListingMemory(b *testing.B) {
	const n = 1_000_000
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		l := bigListing(n)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heapB/object")
		b.ReportMetric(float64(len(l.names))/n, "keyB/object")
		runtime.KeepAlive(l)
	}
}

func BenchmarkFilter1M(b *testing.B) {
	l := bigListing(1_000_000)
	for _, q := range []string{"a", "host-42", "SERVER-0000123", "zzz"} {
		b.Run(q, func(b *testing.B) {
			m := NewMatcher(q)
			for b.Loop() {
				l.FilterAll(0, m)
			}
		})
	}
}

func BenchmarkSort1M(b *testing.B) {
	l := bigListing(1_000_000)
	for _, key := range []SortKey{BySize, ByTime, ByName} {
		b.Run(key.String(), func(b *testing.B) {
			for b.Loop() {
				ids := l.IDs(0, l.Len())
				l.Sort(ids, key, true)
			}
		})
	}
}

// randomListing makes a listing of short names from a small alphabet, in
// up to pages pages, about a third of them prefixes.
func randomListing(r *rand.Rand, pages int) *Listing {
	alphabet := []byte("abAB/.x")
	var l Listing
	for p := 0; p < 1+r.IntN(pages); p++ {
		var page []Entry
		for i := 0; i < 1+r.IntN(40); i++ {
			name := make([]byte, 1+r.IntN(8))
			for j := range name {
				name[j] = alphabet[r.IntN(len(alphabet))]
			}
			e := Entry{Name: string(name)}
			if r.IntN(3) == 0 {
				e.Name += "/"
				e.IsPrefix = true
			}
			page = append(page, e)
		}
		l.Add(page)
	}
	return &l
}

// checkFilterAll compares FilterAll with the name-by-name Filter on random
// listings and two-letter queries.
func checkFilterAll(t *testing.T, seed uint64, pages int) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed+1))
	alphabet := []byte("abAB/.x")
	for round := 0; round < 300; round++ {
		l := randomListing(r, pages)
		q := string(alphabet[r.IntN(4)]) + string(alphabet[r.IntN(len(alphabet))])
		m := NewMatcher(q)
		want := names(l, l.Filter(l.IDs(0, l.Len()), m))
		if got := names(l, l.FilterAll(0, m)); got != want {
			t.Fatalf("FilterAll(%q) = %q, Filter = %q", q, got, want)
		}
	}
}

func TestFilterAllAgainstFilter(t *testing.T) { checkFilterAll(t, 3, 1) }

func TestFilterAllSplitAcrossWorkers(t *testing.T) {
	defer func(n int) { parallelBytes = n }(parallelBytes)
	parallelBytes = 16 // split even small listings
	checkFilterAll(t, 5, 4)
}
