package presign_test

import (
	"strings"
	"testing"

	"github.com/s3share/s3share/internal/qrtest"
	"github.com/s3share/s3share/presign"
)

// longLink is a link of n characters, shaped like a presigned one.
func longLink(n int) string {
	s := "https://s3.eu-west-1.amazonaws.com/bucket/reports/2026/q3.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token="
	for len(s) < n {
		s += "AbCdEfGh0123456789%2F"
	}
	return s[:n]
}

func TestQRDecodesToTheLink(t *testing.T) {
	for _, c := range []struct {
		n          int
		maxW, maxH int
	}{{600, 93, 47}, {1500, 145, 73}} {
		link := longLink(c.n)
		q, err := presign.MakeQR(link)
		if err != nil {
			t.Fatal(err)
		}
		if q.Width > c.maxW || q.Height > c.maxH || len(q.Lines) != q.Height {
			t.Errorf("%d characters: %d×%d cells, want at most %d×%d", c.n, q.Width, q.Height, c.maxW, c.maxH)
		}
		// The quiet zone: the first two lines and the edges are light.
		if strings.Trim(q.Lines[0], "█") != "" || strings.Trim(q.Lines[1], "█") != "" {
			t.Errorf("%d characters: the quiet zone above the code is not light", c.n)
		}
		for _, color := range []bool{false, true} {
			got, err := qrtest.Decode(q.String(color))
			if err != nil || got != link {
				t.Errorf("%d characters (color %v): decoded %q, %v; want the link", c.n, color, got, err)
			}
		}
	}
}

func TestQRTooLong(t *testing.T) {
	if _, err := presign.MakeQR(longLink(4000)); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Errorf("a 4,000-character link: %v, want too long", err)
	}
}
