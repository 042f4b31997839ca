package presign

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/internal/userfile"
)

// Format is a way to write links out.
type Format string

// The link formats.
const (
	FormatURL  Format = "url"  // one URL per line
	FormatCurl Format = "curl" // one curl command per line
	FormatJSON Format = "json" // a JSON array of results
	FormatCSV  Format = "csv"  // CSV with a header row
)

// ParseFormat accepts url, curl, json or csv in any case.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(s))); f {
	case FormatURL, FormatCurl, FormatJSON, FormatCSV:
		return f, nil
	}
	return "", fmt.Errorf("output %q: want url, curl, json or csv", sanitize.Bounded(s))
}

// CurlFile is the local file name a curl line of r uses: the key's safe
// base name for a PUT upload, "" (curl's own default) otherwise.
func CurlFile(r Result) string {
	if r.Method == PUT {
		return SafeFilename(r.Key)
	}
	return ""
}

// Encode renders the links in format f.
func Encode(f Format, results []Result) ([]byte, error) {
	var b bytes.Buffer
	switch f {
	case FormatJSON:
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if results == nil {
			results = []Result{}
		}
		if err := enc.Encode(results); err != nil {
			return nil, err
		}
	case FormatCSV:
		if err := writeCSV(&b, results); err != nil {
			return nil, err
		}
	case FormatCurl:
		for _, r := range results {
			b.WriteString(r.Curl("")) // FILE where the uploader names the file
			b.WriteByte('\n')
		}
	case FormatHTML:
		return HTMLForm(results)
	case FormatURL, "":
		for _, r := range results {
			b.WriteString(r.URL)
			b.WriteByte('\n')
		}
	default:
		return nil, fmt.Errorf("output %q: want url, curl, json or csv", sanitize.Bounded(f))
	}
	return b.Bytes(), nil
}

// Write writes the links to w in format f.
func Write(w io.Writer, f Format, results []Result) error {
	data, err := Encode(f, results)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// writeCSV writes the links as CSV with a header row. CSV has no escapes
// of its own, so a key is written as the screen shows it (control, bidi
// and invisible characters as visible escapes; the url column has the
// exact key, percent-encoded), and a key that a spreadsheet would run as
// a formula (starting with = + - @, tab or CR) gets a leading single
// quote, as OWASP advises for CSV meant to be opened in one.
func writeCSV(out io.Writer, results []Result) error {
	w := csv.NewWriter(out)
	w.Write([]string{"method", "bucket", "key", "url", "expires_at", "effective_expires_at", "headers"})
	for _, r := range results {
		names := make([]string, 0, len(r.Headers))
		for k := range r.Headers {
			names = append(names, k)
		}
		slices.Sort(names)
		hs := make([]string, len(names))
		for i, k := range names {
			hs[i] = k + ": " + r.Headers[k]
		}
		k := sanitize.Text(r.Key)
		if k != "" && strings.ContainsRune("=+-@\t\r", rune(k[0])) {
			k = "'" + k
		}
		w.Write([]string{string(r.Method), r.Bucket, k, r.URL,
			r.ExpiresAt.UTC().Format(time.RFC3339), r.EffectiveExpiresAt.UTC().Format(time.RFC3339), strings.Join(hs, "; ")})
	}
	w.Flush()
	return w.Error()
}

// ErrExportExists is returned by Export when the file exists and
// overwrite was not asked for.
var ErrExportExists = errors.New("the file exists")

// Export writes the links to file (mode 0600) in the format its
// extension names, .json or .csv, or for POST links .html (an upload
// form); a leading ~/ is the home directory. It
// returns the absolute path. An existing file is replaced (atomically)
// only with overwrite; otherwise the error is ErrExportExists.
func Export(file string, results []Result, overwrite bool) (string, error) {
	file = strings.TrimSpace(file)
	if file == "" {
		return "", errors.New("export: type a file name ending in .json or .csv")
	}
	if rest, ok := strings.CutPrefix(file, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("export: %w", err)
		}
		file = filepath.Join(home, rest)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", fmt.Errorf("export: %w", err)
	}
	var f Format
	switch strings.ToLower(filepath.Ext(abs)) {
	case ".json":
		f = FormatJSON
	case ".csv":
		f = FormatCSV
	case ".html", ".htm":
		f = FormatHTML // POST links: an upload form
	default:
		return abs, errors.New("export: name the file .json, .csv or (POST) .html (that picks the format)")
	}
	data, err := Encode(f, results)
	if err != nil {
		return abs, fmt.Errorf("export: %w", err)
	}
	if overwrite {
		err = userfile.Replace(abs, data)
	} else if err = userfile.Create(abs, data); userfile.IsExist(err) {
		return abs, ErrExportExists
	}
	if err != nil {
		return abs, fmt.Errorf("export: %w", err)
	}
	return abs, nil
}
