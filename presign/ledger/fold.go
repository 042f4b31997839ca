package ledger

import (
	"fmt"
	"strings"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
)

// Order is how a list of links is sorted: by when they stop working, or
// by when they were made.
type Order int

const (
	// BySoonest lists the links that still work first, soonest to
	// expire first; then the expired ones, the most recently expired
	// first (Compare).
	BySoonest Order = iota
	// ByMade lists the newest links first.
	ByMade
)

// Orders are the names ParseOrder accepts, in Order's order.
var Orders = []string{"expires", "made"}

// ParseOrder reads an order's name: "expires" or "made".
func ParseOrder(s string) (Order, error) {
	for i, name := range Orders {
		if strings.EqualFold(s, name) {
			return Order(i), nil
		}
	}
	return 0, fmt.Errorf("sort %q: want %s", sanitize.Bounded(s), strings.Join(Orders, " or "))
}

// String is the order's name.
func (o Order) String() string { return Orders[o] }

// Compare orders a and b as o lists them.
func (o Order) Compare(a, b Record, now time.Time) int {
	if o == ByMade {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
	}
	return Compare(a, b, now)
}

// Row is one row of a list of links: a link, or the links of one batch
// (a recursive or marked share) folded into one.
type Row struct {
	// Index is the row's first record in the list it was folded from.
	Index int
	// Count is how many links the row stands for: 1 for a link.
	Count int
	// Dir is a folded batch's longest common "dir/" of its keys.
	Dir string
}

// Fold folds the n records that at(i) gives, already sorted, into rows:
// the links of a batch with more than one go into the row of the first
// of them, which takes the batch's place in the order.
func Fold(n int, at func(i int) *Record) []Row {
	size := map[string]int{}
	for i := range n {
		if b := at(i).Batch; b != "" {
			size[b]++
		}
	}
	rows := make([]Row, 0, n)
	row := map[string]int{} // batch id → its row
	for i := range n {
		r := at(i)
		if r.Batch == "" || size[r.Batch] < 2 {
			rows = append(rows, Row{Index: i, Count: 1})
			continue
		}
		if j, ok := row[r.Batch]; ok {
			rows[j].Count++
			rows[j].Dir = commonDir(rows[j].Dir, r.Key)
			continue
		}
		row[r.Batch] = len(rows)
		rows = append(rows, Row{Index: i, Count: 1, Dir: r.Key[:strings.LastIndex(r.Key, "/")+1]})
	}
	return rows
}

// commonDir is the longest "dir/" that dir (itself one) and key share.
func commonDir(dir, key string) string {
	for !strings.HasPrefix(key, dir) {
		dir = dir[:strings.LastIndex(strings.TrimSuffix(dir, "/"), "/")+1]
	}
	return dir
}

// Path is what a row names: the link's s3://bucket/key (with "*" for a
// POST prefix), or a batch's s3://bucket/dir and its count.
func (w Row) Path(r *Record) string {
	if w.Count > 1 {
		return fmt.Sprintf("s3://%s/%s (batch of %s links)", r.Bucket, w.Dir, thousands(w.Count))
	}
	p := r.S3Path()
	if r.Prefix {
		p += "*"
	}
	return p
}

// thousands writes 12000 as "12 000", as the TUI does.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}
