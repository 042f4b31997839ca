package s3model

import (
	"bytes"
	"io"
	"testing"
	"time"
)

// BenchmarkIdleBody is what the idle timer adds to reading a response
// body (1 MiB, in the 32 KiB reads encoding/xml's reader makes) against
// reading it bare.
func BenchmarkIdleBody(b *testing.B) {
	data := bytes.Repeat([]byte("<Key>logs/app-0000001.log.gz</Key>"), 1<<20/34)
	buf := make([]byte, 32<<10)
	for _, wrap := range []bool{false, true} {
		name := "bare"
		if wrap {
			name = "idle"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				var r io.ReadCloser = io.NopCloser(bytes.NewReader(data))
				if wrap {
					r = newIdleBody(r, 30*time.Second)
				}
				for {
					if _, err := r.Read(buf); err != nil {
						break
					}
				}
				r.Close()
			}
		})
	}
}
