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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/internal/userfile"
	"github.com/s3share/s3share/presign"
)

// FileName is the ledger's name inside its directory.
const FileName = "shares.jsonl"

// Record is one link in the ledger.
type Record struct {
	Time   time.Time `json:"time"`  // when the link was made
	Store  string    `json:"store"` // endpoint host, e.g. s3.amazonaws.com
	Method string    `json:"method"`
	Bucket string    `json:"bucket"`
	Key    string    `json:"key"`              // key, or prefix when Prefix
	Prefix bool      `json:"prefix,omitempty"` // a POST policy for keys under Key
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

// Ends is when the link stops working.
func (r Record) Ends() time.Time {
	if !r.EffectiveExpiresAt.IsZero() {
		return r.EffectiveExpiresAt
	}
	return r.ExpiresAt
}

// Active reports whether the link still works at now.
func (r Record) Active(now time.Time) bool { return r.Ends().After(now) }

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
		line, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("share ledger: %w", err)
		}
		// The file holds no terminal control raw: C1, DEL and bidi
		// characters of keys are \u-escaped like the C0 ones.
		buf.Write(sanitize.JSON(line))
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
	unlock, err := l.lock(false)
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	return l.read()
}

func (l *Ledger) read() ([]Record, []Warning, error) {
	f, err := userfile.Open(l.path, os.O_RDONLY)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("share ledger: %w", err)
	}
	defer f.Close()
	var (
		recs  []Record
		warns []Warning
	)
	r := bufio.NewReader(f)
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			if rec, problem := parseLine(line, err == io.EOF); problem != "" {
				warns = append(warns, Warning{Line: n, Err: problem})
			} else if rec != nil {
				recs = append(recs, *rec)
			}
		}
		if err == io.EOF {
			return recs, warns, nil
		}
		if err != nil {
			return nil, nil, fmt.Errorf("share ledger: %w", err)
		}
	}
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
	data, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
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
	recs, warns, err := l.read()
	if err != nil {
		return 0, nil, err
	}
	var buf bytes.Buffer
	removed := 0
	for _, r := range recs {
		if !r.Active(now) {
			removed++
			continue
		}
		line, err := json.Marshal(r)
		if err != nil {
			return 0, nil, fmt.Errorf("share ledger: %w", err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
	}
	if removed == 0 && len(warns) == 0 {
		return 0, nil, nil
	}
	if err := l.replace(buf.Bytes()); err != nil {
		return 0, nil, err
	}
	return removed, warns, nil
}

// Recorder returns a presign.ShareOptions.Record that appends the links
// to the ledger at path, naming store (the endpoint's host).
func Recorder(path, store string) func([]presign.Result, map[string]string) error {
	return func(results []presign.Result, options map[string]string) error {
		l, err := Open(path)
		if err != nil {
			return err
		}
		recs := make([]Record, len(results))
		for i, r := range results {
			recs[i] = FromResult(r, store, options)
		}
		return l.Append(recs...)
	}
}
