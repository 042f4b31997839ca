package s3model

// SetListPageSize sets the page size of Listers for a test, and returns a
// function putting it back.
func SetListPageSize(n int) func() {
	old := listPageSize
	listPageSize = n
	return func() { listPageSize = old }
}

// MidName exposes midName for tests.
func MidName(a, b string, open bool) (string, bool) {
	m, ok := midName([]rune(a), []rune(b), open)
	return string(m), ok
}

// SplitPoint exposes splitPoint for tests.
var SplitPoint = splitPoint

// DecodeListV2 exposes the lean decoder for tests: keys, prefixes,
// truncated, next.
func DecodeListV2(doc []byte) (objs []string, prefixes []string, truncated bool, next string, err error) {
	p, err := decodeListV2(doc)
	for _, o := range p.Objects {
		objs = append(objs, o.Key)
	}
	return objs, p.Prefixes, p.Truncated, p.Next, err
}
