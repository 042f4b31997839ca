package ui

// The share job: what runs off the update loop once the form is
// submitted (list a prefix, sign, record in the ledger) and the export
// of the links to a file. The panel only builds a signJob (job) and shows
// the linksSignedMsg and exportedMsg that come back.

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/minio/minio-go/v7"

	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
	"github.com/s3share/s3share/s3model"
)

// maxRecursive caps how many objects a recursive share of a prefix signs.
const maxRecursive = 100_000

// signJob is everything the sign command needs, captured by value.
type signJob struct {
	id      int
	client  Store
	targets []ShareTarget
	// recursive lists targets[0] (a prefix) and signs every object under it.
	recursive  bool
	tmpl       presign.Request
	dispKind   string // with perKeyName: the disposition kind
	perKeyName bool   // Content-Disposition names each key's base name
	perKeyType bool   // PUT Content-Type from each key's extension
	now        time.Time
	ledgerPath string
	store      string
	options    map[string]string
}

// job turns the form into a signJob.
func (p *sharePanel) job(now time.Time) (signJob, error) {
	m := p.methodNow()
	exp, err := p.expiry.value(now)
	if err != nil {
		return signJob{}, err
	}
	j := signJob{
		id:         p.id,
		client:     p.s.client,
		targets:    p.targets,
		tmpl:       presign.Request{Method: m, Expires: exp},
		now:        now,
		ledgerPath: p.s.ledgerPath,
		options:    map[string]string{"expires": exp.String()},
	}
	if ep := p.s.client.Store().Endpoint; ep != nil {
		j.store = ep.Host
	}
	set := func(name, v string) {
		if v != "" {
			j.options[name] = v
		}
	}
	switch m {
	case presign.GET:
		kind := dispositions[p.disp]
		j.options["disposition"] = kind
		if p.kind == kindObject {
			name := p.value(fieldFilename)
			if j.tmpl.ResponseContentDisposition, err = presign.ContentDisposition(kind, name); err != nil {
				return signJob{}, err
			}
			set("filename", name)
			j.tmpl.VersionID = p.value(fieldVersion)
			set("version-id", j.tmpl.VersionID)
		} else {
			j.dispKind, j.perKeyName = kind, true
		}
		j.recursive = p.kind == kindPrefix
		j.tmpl.ResponseContentType = p.value(fieldRespType)
		j.tmpl.ResponseCacheControl = p.value(fieldCacheControl)
		set("content-type", j.tmpl.ResponseContentType)
		set("cache-control", j.tmpl.ResponseCacheControl)
	case presign.PUT:
		j.tmpl.ContentType = p.value(fieldContentType)
		set("content-type", j.tmpl.ContentType)
		if p.kind == kindBatch {
			j.perKeyType = j.tmpl.ContentType == ""
		} else {
			j.targets = []ShareTarget{{Bucket: p.targets[0].Bucket, Key: p.value(fieldKey)}}
		}
	case presign.POST:
		k := p.value(fieldKey)
		j.targets = []ShareTarget{{Bucket: p.targets[0].Bucket, Key: k}}
		j.tmpl.KeyIsPrefix = k == "" || strings.HasSuffix(k, "/")
		j.tmpl.MaxSize = presign.MaxPOSTSize
		if v := p.value(fieldMaxSize); v != "" {
			if j.tmpl.MaxSize, err = presign.ParseSize(v); err != nil {
				return signJob{}, err
			}
		}
		j.options["max-size"] = fmt.Sprint(j.tmpl.MaxSize)
	}
	return j, nil
}

// run lists (for a recursive share), signs, and records the links. It
// makes no network call for a plain share of a store whose region is
// known.
func (j signJob) run(ctx context.Context) linksSignedMsg {
	out := linksSignedMsg{id: j.id}
	targets := j.targets
	if j.recursive {
		t := j.targets[0]
		var err error
		if targets, out.capped, err = listUnder(ctx, j.client, t.Bucket, t.Key, maxRecursive); err != nil {
			out.err = err
			return out
		}
		if len(targets) == 0 {
			out.err = fmt.Errorf("no objects under s3://%s/%s", t.Bucket, t.Key)
			return out
		}
	}
	signers := map[string]*presign.Signer{}
	out.results = make([]presign.Result, 0, len(targets))
	for _, t := range targets {
		if ctx.Err() != nil {
			out.err = errors.New("signing cancelled")
			return out
		}
		s, ok := signers[t.Bucket]
		if !ok {
			st, err := j.client.SigningStore(ctx, t.Bucket)
			if err == nil {
				s, err = presign.NewSigner(st)
			}
			if err != nil {
				out.err = err
				return out
			}
			signers[t.Bucket] = s
		}
		req := j.tmpl
		req.Bucket, req.Key = t.Bucket, t.Key
		if j.perKeyName {
			d, err := presign.ContentDisposition(j.dispKind, t.Key)
			if err != nil {
				out.err = err
				return out
			}
			req.ResponseContentDisposition = d
		}
		if j.perKeyType {
			req.ContentType = mime.TypeByExtension(path.Ext(t.Key))
		}
		r, err := s.SignAt(req, j.now)
		if err != nil {
			out.err = fmt.Errorf("s3://%s/%s: %w", t.Bucket, t.Key, err)
			return out
		}
		out.results = append(out.results, r)
	}
	if ctx.Err() != nil { // closed while signing: nothing is shown, so nothing is recorded
		out.err = errors.New("signing cancelled")
		return out
	}
	if j.ledgerPath != "" {
		out.ledgerErr = recordLinks(j.ledgerPath, j.store, j.options, out.results)
	}
	return out
}

// listUnder lists the objects under prefix (recursively), at most limit;
// capped says there were more.
func listUnder(ctx context.Context, c Store, bucket, prefix string, limit int) (out []ShareTarget, capped bool, err error) {
	mc, ok := c.(interface{ Minio() *minio.Client })
	if !ok {
		return nil, false, errors.New("this store cannot list recursively")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing when we stop early
	for obj := range mc.Minio().ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, false, s3model.Explain("list s3://"+bucket+"/"+prefix, obj.Err)
		}
		if strings.HasSuffix(obj.Key, "/") {
			continue // a folder marker
		}
		if len(out) == limit {
			return out, true, nil
		}
		out = append(out, ShareTarget{Bucket: bucket, Key: obj.Key, Size: obj.Size})
	}
	if ctx.Err() != nil {
		return nil, false, errors.New("listing cancelled")
	}
	return out, false, nil
}

// recordLinks appends the links to the share ledger.
func recordLinks(path, store string, options map[string]string, results []presign.Result) error {
	l, err := ledger.Open(path)
	if err != nil {
		return err
	}
	recs := make([]ledger.Record, len(results))
	for i, r := range results {
		recs[i] = ledger.FromResult(r, store, options)
	}
	return l.Append(recs...)
}

// exportLinks writes the links to a .json or .csv file, mode 0600. An
// existing file is only replaced when overwrite is set; otherwise the
// answer says it exists.
func exportLinks(id int, file string, results []presign.Result, overwrite bool) tea.Cmd {
	return func() tea.Msg {
		out := exportedMsg{id: id, n: len(results)}
		abs, data, err := exportData(file, results)
		out.path = abs
		if err != nil {
			out.err = err
			return out
		}
		if !overwrite {
			f, err := os.OpenFile(abs, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if errors.Is(err, fs.ErrExist) {
				out.exists = true
				return out
			}
			if err != nil {
				out.err = fmt.Errorf("export: %w", err)
				return out
			}
			_, err = f.Write(data)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(abs)
				out.err = fmt.Errorf("export: %w", err)
			}
			return out
		}
		if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
			out.err = fmt.Errorf("export: %s is a directory", abs)
			return out
		}
		if err := replaceFile(abs, data); err != nil {
			out.err = fmt.Errorf("export: %w", err)
		}
		return out
	}
}

// exportData resolves the path (a leading ~/ is the home directory) and
// renders the links in the form its extension names.
func exportData(file string, results []presign.Result) (string, []byte, error) {
	file = strings.TrimSpace(file)
	if file == "" {
		return "", nil, errors.New("export: type a file name ending in .json or .csv")
	}
	if rest, ok := strings.CutPrefix(file, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", nil, fmt.Errorf("export: %w", err)
		}
		file = filepath.Join(home, rest)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", nil, fmt.Errorf("export: %w", err)
	}
	var data []byte
	switch strings.ToLower(filepath.Ext(abs)) {
	case ".json":
		data, err = linksJSON(results)
	case ".csv":
		data, err = linksCSV(results)
	default:
		return abs, nil, errors.New("export: name the file .json or .csv (that picks the format)")
	}
	if err != nil {
		return abs, nil, fmt.Errorf("export: %w", err)
	}
	return abs, data, nil
}

// linksJSON is the links as a JSON array, as `s3share presign -o json`
// prints them.
func linksJSON(results []presign.Result) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(results); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// linksCSV is the links as CSV with a header row. A key that a spreadsheet
// would run as a formula (starting with = + - @, tab or CR) gets a leading
// single quote, as OWASP advises for CSV meant to be opened in one.
func linksCSV(results []presign.Result) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
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
		k := r.Key
		if k != "" && strings.ContainsRune("=+-@\t\r", rune(k[0])) {
			k = "'" + k
		}
		w.Write([]string{string(r.Method), r.Bucket, k, r.URL,
			r.ExpiresAt.UTC().Format(time.RFC3339), r.EffectiveExpiresAt.UTC().Format(time.RFC3339), strings.Join(hs, "; ")})
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// replaceFile writes data to a temporary file (0600) beside path and
// renames it over path.
func replaceFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
