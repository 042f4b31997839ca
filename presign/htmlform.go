package presign

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
)

// FormatHTML is an HTML page with an upload form for each POST link: a
// browser opens it, picks a file and uploads it, no curl needed.
const FormatHTML Format = "html"

// ErrNotPOST refuses an HTML form for links that are not POST uploads.
var ErrNotPOST = errors.New("an HTML upload form is made for POST links only")

// HTMLForm writes a page with one upload form per POST result: its
// fields as hidden inputs (exactly as signed), then the file input S3
// wants last. Visible text about the store (bucket and key) is shown as
// the screen shows it; every value is HTML-escaped, and a character the
// screen would escape (a control, bidi or invisible one) is written as a
// character reference, so the file holds none of them raw.
func HTMLForm(results []Result) ([]byte, error) {
	for _, r := range results {
		if r.Method != POST {
			return nil, ErrNotPOST
		}
	}
	var b bytes.Buffer
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"referrer\" content=\"no-referrer\">\n<title>Upload</title>\n</head>\n<body>\n")
	for _, r := range results {
		where := "s3://" + r.Bucket + "/" + r.Key
		if r.Prefix {
			where += "…"
		}
		fmt.Fprintf(&b, "<h1>Upload to %s</h1>\n", htmlText(sanitize.Text(where)))
		fmt.Fprintf(&b, "<p>This form works until %s.</p>\n", r.EffectiveExpiresAt.UTC().Format(time.RFC1123))
		fmt.Fprintf(&b, "<form action=\"%s\" method=\"post\" enctype=\"multipart/form-data\">\n", htmlText(r.URL))
		for _, f := range r.Fields {
			fmt.Fprintf(&b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", htmlText(f.Name), htmlText(f.Value))
		}
		b.WriteString("<input type=\"file\" name=\"file\" required>\n<button type=\"submit\">Upload</button>\n</form>\n")
	}
	b.WriteString("</body>\n</html>\n")
	return b.Bytes(), nil
}

// htmlText escapes s for HTML text and quoted attribute values, writing
// what sanitize.Text would change as numeric character references.
func htmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		c := string(r)
		if sanitize.Text(c) != c {
			fmt.Fprintf(&b, "&#x%X;", r)
			continue
		}
		b.WriteString(html.EscapeString(c))
	}
	return b.String()
}
