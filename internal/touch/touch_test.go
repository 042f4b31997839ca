package touch

import (
	"io"
	"strings"
	"testing"
)

func TestReaderTouchesOnBytesOnly(t *testing.T) {
	n := 0
	r := &Reader{R: strings.NewReader("abcdef"), Touch: func() { n++ }}
	b := make([]byte, 4)
	for {
		if _, err := r.Read(b); err == io.EOF {
			break
		}
	}
	if n != 2 {
		t.Errorf("touched %d times for two reads with bytes", n)
	}
}
