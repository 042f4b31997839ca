// Package ledger keeps the share ledger: one JSON line per link made, in
// $XDG_STATE_HOME/s3share/shares.jsonl (default ~/.local/state/s3share/).
//
// The directory is 0700 and the file 0600 (both are narrowed when found
// wider). A record holds when and for which store the link was made, the
// method, bucket, key or prefix, the options, the expiry and the URL —
// never the secret key. The URL is kept so a link can be copied again;
// a link made with temporary credentials carries their session token in
// X-Amz-Security-Token, so the ledger is as sensitive as the links
// themselves and is readable by its owner only.
//
// Appends are one O_APPEND write per call under an exclusive flock on
// shares.jsonl.lock; Prune and Remove rewrite the file through a
// temporary file and a rename under the same lock. A torn or corrupt line
// is skipped with a warning, never fatal.
package ledger

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/internal/userfile"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/gatewayapi"
)

// FileName is the ledger's name inside its directory.
const FileName = "shares.jsonl"

// Version is the record format this package writes. Version 1 records
// (no "v") read as they are; fields added later are optional, so a newer
// record reads here with its unknown fields ignored.
const Version = 2

// Record is one link in the ledger.
type Record struct {
	V     int       `json:"v,omitempty"` // the format version; 0 for version 1
	Time  time.Time `json:"time"`        // when the link was made
	Store string    `json:"store"`       // endpoint host, e.g. s3.amazonaws.com
	// StoreName is the store as the user picked it (a profile, alias or
	// store name), when there was one.
	StoreName string `json:"store_name,omitempty"`
	// Identity is the access key id that signed the link (never the
	// secret): rotating or disabling it is what stops the link early.
	Identity string `json:"identity,omitempty"`
	// SignedWith is the store's sign_with that signed the link, when one did.
	SignedWith string `json:"signed_with,omitempty"`
	// Batch ties the records of one share (a recursive or marked batch)
	// together.
	Batch string `json:"batch,omitempty"`
	// Share is the gateway share id, for links served by s3share serve.
	Share string `json:"share,omitempty"`
	// Upload is the gateway's upload request id, for a drop link
	// (Method MethodUpload): the files received are asked of the gateway.
	Upload string `json:"upload,omitempty"`
	Method string `json:"method"`
	Bucket string `json:"bucket"`
	Key    string `json:"key"`              // key, or prefix when Prefix
	Prefix bool   `json:"prefix,omitempty"` // a POST policy for keys under Key
	// Options are the link's settings as given: expires, disposition,
	// content-type, max-size, ….
	Options            map[string]string `json:"options,omitempty"`
	ExpiresAt          time.Time         `json:"expires_at"`
	EffectiveExpiresAt time.Time         `json:"effective_expires_at"`
	URL                string            `json:"url"`
}

// FromResult makes the ledger record of a signed link.
func FromResult(res presign.Result, store string, options map[string]string) Record {
	return Record{
		V:                  Version,
		Time:               res.SignedAt,
		Store:              store,
		Method:             string(res.Method),
		Bucket:             res.Bucket,
		Key:                res.Key,
		Prefix:             res.Prefix,
		Options:            options,
		ExpiresAt:          res.ExpiresAt,
		EffectiveExpiresAt: res.EffectiveExpiresAt,
		URL:                res.URL,
	}
}

// Origin is where the links of a share were made.
type Origin struct {
	Host      string // the endpoint's host
	StoreName string // the profile, alias or store picked, if any
	Identity  string // the access key id that signed them
}

// Recorder returns a presign.ShareOptions.Record that appends the links
// of each share to the ledger at path, with their origin and a batch id
// of their own.
func Recorder(path string, o Origin) func([]presign.Result, map[string]string) error {
	return func(results []presign.Result, options map[string]string) error {
		l, err := Open(path)
		if err != nil {
			return err
		}
		batch := newBatchID()
		recs := make([]Record, len(results))
		for i, r := range results {
			recs[i] = FromResult(r, o.Host, options)
			if len(r.Options) > 0 { // a rule set this link: its own settings
				recs[i].Options = maps.Clone(options)
				if recs[i].Options == nil {
					recs[i].Options = map[string]string{}
				}
				maps.Copy(recs[i].Options, r.Options)
			}
			recs[i].StoreName, recs[i].Identity, recs[i].Batch = o.StoreName, o.Identity, batch
			if r.Identity != "" {
				recs[i].Identity, recs[i].SignedWith = r.Identity, r.SignedWith
			}
		}
		return l.Append(recs...)
	}
}

// newBatchID is 16 random hex digits.
func newBatchID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// MarshalJSONLine is the record as one ledger line (without the newline):
// its JSON, with no terminal control raw (C1, DEL and bidi characters of
// keys are \u-escaped like the C0 ones).
func (r Record) MarshalJSONLine() ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return sanitize.JSON(b), nil
}

// Ends is when the link stops working.
func (r Record) Ends() time.Time {
	if !r.EffectiveExpiresAt.IsZero() {
		return r.EffectiveExpiresAt
	}
	return r.ExpiresAt
}

// Active reports whether the link still works at now.
func (r Record) Active(now time.Time) bool { return r.Ends().After(now) }

// StoreLabel names the store a link belongs to: its name and endpoint
// host ("prod · s3.amazonaws.com"), or the host alone.
func (r Record) StoreLabel() string {
	switch {
	case r.StoreName == "":
		return r.Store
	case r.Store == "":
		return r.StoreName
	}
	return r.StoreName + " · " + r.Store
}

// Compare orders records as every list of them is shown: the links that
// still work first, soonest to expire first; then the expired ones, the
// most recently expired first. Ties go to the newest made.
func Compare(a, b Record, now time.Time) int {
	if aa, ba := a.Active(now), b.Active(now); aa != ba {
		if aa {
			return -1
		}
		return 1
	}
	c := a.Ends().Compare(b.Ends())
	if !a.Active(now) {
		c = -c
	}
	if c == 0 {
		c = b.Time.Compare(a.Time)
	}
	return c
}

// S3Path is the record's s3://bucket/key.
func (r Record) S3Path() string { return "s3://" + r.Bucket + "/" + r.Key }

// Warning is a ledger line that could not be read.
type Warning struct {
	Line int
	Err  string
}

func (w Warning) String() string {
	return fmt.Sprintf("line %d skipped: %s", w.Line, w.Err)
}

// DefaultPath is $XDG_STATE_HOME/s3share/shares.jsonl, or
// $HOME/.local/state/s3share/shares.jsonl when XDG_STATE_HOME is unset or
// not absolute (as the XDG base directory spec says).
func DefaultPath(env func(string) string) (string, error) {
	if dir := env("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "s3share", FileName), nil
	}
	home := env("HOME")
	if home == "" {
		return "", errors.New("neither XDG_STATE_HOME nor HOME is set: cannot place the share ledger")
	}
	return filepath.Join(home, ".local", "state", "s3share", FileName), nil
}

// Ledger is a ledger file.
type Ledger struct {
	path string
}

// Open prepares the ledger at path: it creates the directory (0700) and
// the file (0600) when missing and narrows their modes when wider.
func Open(path string) (*Ledger, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("share ledger: %w", err)
	}
	if err := narrow(dir, 0o700); err != nil {
		return nil, err
	}
	f, err := userfile.Open(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND)
	if err != nil {
		return nil, fmt.Errorf("share ledger: %w", err)
	}
	f.Close()
	return &Ledger{path: path}, nil
}

// narrow takes away any permission bits beyond want.
func narrow(path string, want fs.FileMode) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("share ledger: %w", err)
	}
	if fi.Mode().Perm()&^want != 0 {
		if err := os.Chmod(path, fi.Mode().Perm()&want); err != nil {
			return fmt.Errorf("share ledger: narrow the mode of %s: %w", path, err)
		}
	}
	return nil
}

// Path is the ledger file's path.
func (l *Ledger) Path() string { return l.path }

func (l *Ledger) lock(exclusive bool) (func(), error) {
	unlock, err := lock(l.path+".lock", exclusive)
	if err != nil {
		return nil, fmt.Errorf("share ledger: lock: %w", err)
	}
	return unlock, nil
}

// Append adds recs in a single write. If the file ends in a torn line (a
// writer died mid-line), a newline goes first so the new records stay
// whole.
func (l *Ledger) Append(recs ...Record) error {
	if len(recs) == 0 {
		return nil
	}
	var buf bytes.Buffer
	for _, r := range recs {
		line, err := r.MarshalJSONLine()
		if err != nil {
			return fmt.Errorf("share ledger: %w", err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	unlock, err := l.lock(true)
	if err != nil {
		return err
	}
	defer unlock()
	f, err := userfile.Open(l.path, os.O_CREATE|os.O_RDWR|os.O_APPEND)
	if err != nil {
		return fmt.Errorf("share ledger: %w", err)
	}
	defer f.Close()
	data := buf.Bytes()
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], fi.Size()-1); err == nil && last[0] != '\n' {
			data = append([]byte{'\n'}, data...)
		}
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("share ledger: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("share ledger: %w", err)
	}
	return nil
}

// Load reads every record. Lines that are not whole records are skipped
// and reported as warnings; only a file that cannot be read is an error.
// A missing file is an empty ledger.
func (l *Ledger) Load() ([]Record, []Warning, error) {
	var recs []Record
	warns, err := l.Scan(nil, func(r Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return recs, warns, nil
}

// Scan calls fn with each record in file order (oldest first), reading
// one line at a time under a shared lock, so a ledger of any size costs
// the memory of one line. When keep is not nil it is asked first with
// the line's end (when the link stops working), read without decoding
// the line, and the records it refuses are skipped undecoded: listing
// the active links of a long ledger decodes only those. Unreadable lines
// are skipped and returned as warnings; an error of fn stops the scan
// and is returned.
//
// The lock is held only to take a snapshot — the open file and its
// length, which appends (under the exclusive lock) only ever extend and
// Prune and Remove replace by rename, leaving the open file as it was —
// so a slow fn (output to a pipe nobody reads yet) never holds up other
// s3share processes recording links.
func (l *Ledger) Scan(keep func(ends time.Time) bool, fn func(Record) error) ([]Warning, error) {
	unlock, err := l.lock(false)
	if err != nil {
		return nil, err
	}
	f, size, err := l.snapshot()
	unlock()
	if err != nil || f == nil {
		return nil, err
	}
	defer f.Close()
	return scanLines(io.LimitReader(f, size), keep, fn)
}

// snapshot opens the ledger and returns it with its length now; a missing
// ledger gives a nil file.
func (l *Ledger) snapshot() (*os.File, int64, error) {
	f, err := userfile.Open(l.path, os.O_RDONLY)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("share ledger: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("share ledger: %w", err)
	}
	return f, fi.Size(), nil
}

// scan reads the whole ledger; the caller holds the lock.
func (l *Ledger) scan(keep func(time.Time) bool, fn func(Record) error) ([]Warning, error) {
	f, _, err := l.snapshot()
	if err != nil || f == nil {
		return nil, err
	}
	defer f.Close()
	return scanLines(f, keep, fn)
}

// scanLines parses ledger lines from in (see Scan).
func scanLines(in io.Reader, keep func(time.Time) bool, fn func(Record) error) ([]Warning, error) {
	var warns []Warning
	r := bufio.NewReaderSize(in, 256<<10)
	var long []byte // a line longer than the buffer, gathered
	for n := 1; ; n++ {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = r.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(line) > 0 {
			if keep != nil {
				if ends, ok := lineEnds(line); ok && !keep(ends) {
					continue
				}
			}
			if rec, problem := parseLine(line, err == io.EOF); problem != "" {
				warns = append(warns, Warning{Line: n, Err: problem})
			} else if rec != nil {
				if ferr := fn(*rec); ferr != nil {
					return warns, ferr
				}
			}
		}
		if err == io.EOF {
			return warns, nil
		}
		if err != nil {
			return nil, fmt.Errorf("share ledger: %w", err)
		}
	}
}

// lineEnds reads when a record's link stops working straight from its
// line: "effective_expires_at", else "expires_at". Inside JSON strings a
// quote is escaped, so the field names cannot be matched in a key or URL.
func lineEnds(line []byte) (time.Time, bool) {
	for _, field := range [...][]byte{[]byte(`"effective_expires_at":"`), []byte(`"expires_at":"`)} {
		i := bytes.Index(line, field)
		if i < 0 {
			continue
		}
		v := line[i+len(field):]
		j := bytes.IndexByte(v, '"')
		if j < 0 {
			return time.Time{}, false
		}
		t, err := time.Parse(time.RFC3339Nano, string(v[:j]))
		if err != nil || t.IsZero() || t.Year() <= 1 {
			continue // zero: an old record without an effective end
		}
		return t, true
	}
	return time.Time{}, false
}

// parseLine reads one line; a blank line is neither a record nor a problem.
func parseLine(line []byte, last bool) (*Record, string) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil, ""
	}
	var rec Record
	if err := json.Unmarshal(line, &rec); err != nil {
		if last {
			return nil, "torn last line (no newline, not valid JSON)"
		}
		return nil, "not a JSON record: " + err.Error()
	}
	if rec.Bucket == "" || rec.URL == "" || rec.ExpiresAt.IsZero() {
		return nil, "record without bucket, url or expires_at"
	}
	return &rec, ""
}

// Remove forgets the records match selects, keeping every other line as
// it is (unreadable ones too: forgetting one link does not drop what
// another writer may still complete or a person may want to repair). It
// rewrites the ledger through a temporary file and a rename under the
// lock, like Prune, and returns how many records it removed; when none
// match, the file is left untouched.
//
// Forgetting a link does not revoke it: it works until it expires or the
// access key that signed it is disabled.
func (l *Ledger) Remove(match func(Record) bool) (int, error) {
	unlock, err := l.lock(true)
	if err != nil {
		return 0, err
	}
	defer unlock()
	f, err := userfile.Open(l.path, os.O_RDONLY)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("share ledger: %w", err)
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return 0, fmt.Errorf("share ledger: %w", err)
	}
	var keep bytes.Buffer
	keep.Grow(len(data))
	removed := 0
	for rest := data; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i+1], rest[i+1:]
		} else {
			rest = nil
		}
		if rec, problem := parseLine(line, false); rec != nil && problem == "" && match(*rec) {
			removed++
			continue
		}
		keep.Write(line)
	}
	if removed == 0 {
		return 0, nil
	}
	if err := l.replace(keep.Bytes()); err != nil {
		return 0, err
	}
	return removed, nil
}

// replace puts data in place of the ledger file (see userfile.Replace).
// The caller holds the exclusive lock.
func (l *Ledger) replace(data []byte) error {
	if err := userfile.Replace(l.path, data); err != nil {
		return fmt.Errorf("share ledger: %w", err)
	}
	return nil
}

// Prune removes the records that have expired at now, and any unreadable
// lines, by writing the rest to a temporary file and renaming it over the
// ledger. It returns how many records it removed and the warnings for the
// lines it dropped.
func (l *Ledger) Prune(now time.Time) (int, []Warning, error) {
	unlock, err := l.lock(true)
	if err != nil {
		return 0, nil, err
	}
	defer unlock()
	var buf bytes.Buffer
	removed := 0
	warns, err := l.scan(nil, func(r Record) error {
		if !r.Active(now) {
			removed++
			return nil
		}
		line, err := r.MarshalJSONLine()
		if err != nil {
			return fmt.Errorf("share ledger: %w", err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	if removed == 0 && len(warns) == 0 {
		return 0, nil, nil
	}
	if err := l.replace(buf.Bytes()); err != nil {
		return 0, nil, err
	}
	return removed, warns, nil
}

// MethodUpload is the Method of an upload request's record: a drop link
// (BASE/u/ID) where anyone with it may send files under Key.
const MethodUpload = "UPLOAD"

// FromUpload makes the ledger record of an upload request of the gateway
// at gatewayURL: its drop link, rules, and the gateway and request id
// that s3share shares and the TUI ask for the files received.
func FromUpload(gatewayURL string, u gatewayapi.Upload) Record {
	opts := map[string]string{"gateway": gatewayURL, "via": u.Via, "expires": u.ExpiresAt.Format(time.RFC3339)}
	for name, n := range map[string]int64{"max-size": u.MaxFileSize, "max-files": u.MaxFiles, "max-total": u.MaxTotal} {
		if n > 0 {
			opts[name] = strconv.FormatInt(n, 10)
		}
	}
	if len(u.Types) > 0 {
		opts["types"] = strings.Join(u.Types, ",")
	}
	if u.Password {
		opts["password"] = "yes"
	}
	return Record{V: Version, Time: u.CreatedAt, Store: hostOf(gatewayURL), StoreName: "gateway", Upload: u.ID,
		Method: MethodUpload, Bucket: u.Bucket, Key: u.Prefix, Prefix: true, Options: opts,
		ExpiresAt: u.ExpiresAt, EffectiveExpiresAt: u.ExpiresAt, URL: u.URL}
}

// hostOf is the host of a gateway's URL, or the URL when it has none.
func hostOf(gatewayURL string) string {
	if u, err := url.Parse(gatewayURL); err == nil && u.Host != "" {
		return u.Host
	}
	return gatewayURL
}

// FromGateway makes the ledger record of a share of the gateway at
// gatewayURL (s3share serve): its link, and the gateway and share id
// that s3share shares revoke and the TUI's ledger view go by.
func FromGateway(gatewayURL string, sh gatewayapi.Share) Record {
	opts := map[string]string{"gateway": gatewayURL, "mode": sh.Mode, "expires": sh.ExpiresAt.Format(time.RFC3339)}
	if sh.MaxDownloads > 0 {
		opts["max-downloads"] = strconv.FormatInt(sh.MaxDownloads, 10)
	}
	if sh.Password {
		opts["password"] = "yes"
	}
	return Record{V: Version, Time: sh.CreatedAt, Store: hostOf(gatewayURL), StoreName: "gateway", Share: sh.ID,
		Method: string(presign.GET), Bucket: sh.Bucket, Key: sh.Key, Options: opts,
		ExpiresAt: sh.ExpiresAt, EffectiveExpiresAt: sh.ExpiresAt, URL: sh.URL}
}
