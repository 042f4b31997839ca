// Package touch marks progress of a transfer: a reader that says when
// bytes come, so that a watchdog can end a transfer that stalls without
// bounding one that is merely long.
package touch

import "io"

// Reader reads R and calls Touch on every read that brings bytes.
type Reader struct {
	R     io.Reader
	Touch func()
}

func (t *Reader) Read(b []byte) (int, error) {
	n, err := t.R.Read(b)
	if n > 0 {
		t.Touch()
	}
	return n, err
}
