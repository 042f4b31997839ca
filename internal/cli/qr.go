package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign"
)

// isQR reports whether -o asks for QR codes.
func isQR(output string) bool { return strings.EqualFold(strings.TrimSpace(output), "qr") }

// writeQR prints each link as a QR code, under a line naming it: white
// on black on a terminal, plain half blocks with NO_COLOR or into a pipe.
// It prints whatever the terminal's size: a code wider than the terminal
// is the terminal's to wrap.
func writeQR(w io.Writer, results []presign.Result) error {
	color := os.Getenv("NO_COLOR") == ""
	if f, ok := w.(*os.File); !ok || !term.IsTerminal(f.Fd()) {
		color = false
	}
	for i, r := range results {
		if r.Method == presign.POST {
			return errors.New("-o qr: a POST upload needs its form fields as well as the URL, which a QR code cannot carry: use -o curl or -o json")
		}
		q, err := presign.MakeQR(r.URL)
		if err != nil {
			return err
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s s3://%s/%s (%d×%d)\n", r.Method, r.Bucket, sanitize.Text(r.Key), q.Width, q.Height)
		if _, err := io.WriteString(w, q.String(color)); err != nil {
			return err
		}
	}
	return nil
}
