package presign

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
)

// jsonResult is the JSON form of a Result.
type jsonResult struct {
	URL                string            `json:"url"`
	Method             Method            `json:"method"`
	Bucket             string            `json:"bucket"`
	Key                string            `json:"key"`
	ExpiresAt          time.Time         `json:"expires_at"`
	EffectiveExpiresAt time.Time         `json:"effective_expires_at"`
	Headers            map[string]string `json:"headers"`
	Fields             []Field           `json:"fields"`
	Identity           string            `json:"identity,omitempty"`
	SignedWith         string            `json:"signed_with,omitempty"`
	Options            map[string]string `json:"options,omitempty"`
}

// MarshalJSON gives {url, method, bucket, key, expires_at,
// effective_expires_at, headers, fields, identity, signed_with}: identity
// is the access key id that signed the link, signed_with the store's
// sign_with when it did (omitted otherwise); headers is an object (empty
// when nothing must be sent), fields an ordered array of {name, value}
// (empty unless POST).
func (r Result) MarshalJSON() ([]byte, error) {
	j := jsonResult{
		URL:                r.URL,
		Method:             r.Method,
		Bucket:             r.Bucket,
		Key:                r.Key,
		ExpiresAt:          r.ExpiresAt.UTC(),
		EffectiveExpiresAt: r.EffectiveExpiresAt.UTC(),
		Headers:            r.Headers,
		Fields:             r.Fields,
		Identity:           r.Identity,
		SignedWith:         r.SignedWith,
		Options:            r.Options,
	}
	if j.Headers == nil {
		j.Headers = map[string]string{}
	}
	if j.Fields == nil {
		j.Fields = []Field{}
	}
	// No HTML escaping: a URL's & stays &, not \u0026.
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	// Nor any byte a terminal acts on: C1 controls, DEL and bidi
	// characters of a key are \u-escaped like the C0 ones.
	return sanitize.JSON(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// Curl returns a shell command line that uses the link with curl. file is
// the local file to upload (PUT, POST) or to save to (GET); "" puts a
// FILE placeholder for uploads and the key's base name for downloads.
//
//	GET:  curl -f -o NAME 'URL'
//	PUT:  curl -f -X PUT -H 'Content-Type: …' --upload-file FILE 'URL'
//	POST: curl -f --form-string 'key=…' … -F 'file=@FILE' 'URL'
//
// POST fields use --form-string, curl's -F for literal text, so a value
// starting with '@' or '<', or holding ';type=', is sent as it is.
func (r Result) Curl(file string) string {
	var b strings.Builder
	b.WriteString("curl -f") // -f: an error answer fails the command instead of being saved
	if r.Share != "" {
		b.WriteString("L") // a gateway's link redirects to the store
	}
	switch r.Method {
	case PUT:
		if file == "" {
			file = "FILE"
		}
		b.WriteString(" -X PUT")
		names := make([]string, 0, len(r.Headers))
		for k := range r.Headers {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			b.WriteString(" -H ")
			b.WriteString(singleQuote(k + ": " + r.Headers[k]))
		}
		b.WriteString(" --upload-file ")
		b.WriteString(ShellQuote(file))
	case POST:
		if file == "" {
			file = "FILE"
		}
		for _, f := range r.Fields {
			b.WriteString(" --form-string ")
			b.WriteString(singleQuote(f.Name + "=" + f.Value))
		}
		b.WriteString(" -F ")
		b.WriteString(singleQuote("file=@" + curlFormFile(file)))
	default:
		if file == "" {
			file = SafeFilename(r.Key)
			if file == "" {
				file = "download"
			}
		}
		b.WriteString(" -o ")
		b.WriteString(ShellQuote(file))
	}
	b.WriteByte(' ')
	b.WriteString(singleQuote(r.URL))
	return b.String()
}

// curlFormFile quotes a file name for curl's -F syntax when it holds
// characters curl would read as separators.
func curlFormFile(name string) string {
	if !strings.ContainsAny(name, `;,"\`) {
		return name
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(name) + `"`
}

// ShellQuote quotes s for a POSIX shell: unchanged when it is made only of
// characters no shell treats specially, otherwise in single quotes with
// each single quote closed, escaped and reopened.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./_-") == "" {
		return s
	}
	return singleQuote(s)
}

// singleQuote always quotes s in single quotes, for a uniform look of
// URLs, headers and form fields.
func singleQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
