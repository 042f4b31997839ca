package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/clip"
	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/s3model"
)

// putCommand uploads local files, and with --share prints their links.
func putCommand() *command {
	return &command{
		name:    "put",
		args:    "FILE... s3://BUCKET/PREFIX/|s3://BUCKET/KEY",
		summary: "upload local files, and with --share print a link to each",
		about: `
Uploads each FILE under s3://BUCKET/PREFIX/ as PREFIX/ followed by its base
name, or one FILE as s3://BUCKET/KEY. With --recursive, a directory DIR goes
to PREFIX/DIR/ with everything under it. A file bigger than one part
(--part-size, default 16MiB) goes as a multipart upload, parts sent
--parallel at a time. The Content-Type comes from each file's extension
unless --content-type names one.

The progress shows as a bar with the rate and the time left on a terminal,
as a line at each quarter otherwise. Ctrl-C stops the upload and removes its
parts from the store: nothing half-made is left.

Prints each object's s3:// URI; with --share, a GET link to it instead
(taking presign's options: -e, --disposition, --filename, ...), recorded in
the share ledger and copied to the clipboard like the browser's share panel.
-o json prints every detail as a JSON array.

Examples:
  s3share put dump.sql.gz s3://backups/db/
  s3share put --share -e 1d --disposition attachment report.pdf s3://reports/
  s3share put --recursive logs/ s3://bundles/2026-11-29/`,
		flags: func(fs *flag.FlagSet) runFunc {
			var o putFlags
			o.register(fs)
			return func(c *call, pos []string) int { return runPut(c, &o, pos) }
		},
		shared: []flagGroup{storeGroup, connGroup},
	}
}

// putFlags are put's flags; link holds the presign options --share takes.
type putFlags struct {
	share, recursive bool
	contentType      string
	partSize         string
	parallel         int
	output           string
	clipboard        string
	link             presignFlags
}

// linkFlags are the presign flags that shape a --share link (put) or
// nothing (get): they are presign's own, registered once, so their
// meaning and help stay the same.
var linkFlags = []string{"e", "expires", "disposition", "filename", "cache-control", "base-url", "no-ledger"}

func (o *putFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.share, "share", false, "print a presigned GET link to each uploaded object (and copy it), with the link options below")
	fs.BoolVar(&o.recursive, "recursive", false, "upload directories with everything under them")
	fs.StringVar(&o.contentType, "content-type", "", "the objects' Content-Type `TYPE` (default: from each file's extension)")
	fs.StringVar(&o.partSize, "part-size", "16MiB", "the `SIZE` of each part of a multipart upload (at least 5MiB)")
	fs.IntVar(&o.parallel, "parallel", s3model.DefaultParallel, "how many parts are sent at once, a `NUMBER`")
	for _, name := range []string{"o", "output"} {
		fs.StringVar(&o.output, name, "url", "output `FORM`: url (one s3:// URI, or with --share one link, per line) or json")
	}
	fs.StringVar(&o.clipboard, "clipboard", "", "with --share, how links are copied, a `MODE`: auto, native, osc52 or off (config: clipboard; default auto)")
	registerFrom(fs, func(fs *flag.FlagSet) { o.link.register(fs) }, linkFlags)
}

// registerFrom registers on fs the flags called names that register
// puts on a flag set, sharing their values, usage and defaults.
func registerFrom(fs *flag.FlagSet, register func(*flag.FlagSet), names []string) {
	all := flag.NewFlagSet("", flag.ContinueOnError)
	register(all)
	for _, n := range names {
		f := all.Lookup(n)
		fs.Var(f.Value, f.Name, f.Usage)
		fs.Lookup(n).DefValue = f.DefValue
	}
}

// upload is one local file and where it goes.
type upload struct {
	file        string
	size        int64
	bucket, key string
}

// putRecord is one uploaded file, as -o json prints it.
type putRecord struct {
	File        string     `json:"file"`
	URI         string     `json:"uri"`
	Bucket      string     `json:"bucket"`
	Key         string     `json:"key"`
	Size        int64      `json:"size"`
	ContentType string     `json:"content_type"`
	ETag        string     `json:"etag"`
	Parts       int        `json:"parts"`
	Link        string     `json:"link,omitempty"`
	Expires     *time.Time `json:"expires,omitempty"`
}

func runPut(c *call, o *putFlags, pos []string) int {
	if len(pos) < 2 {
		return c.usageError("put: name at least one FILE and the s3://BUCKET/PREFIX/ to put it in")
	}
	if o.output != "url" && o.output != "json" {
		return c.usageError(fmt.Sprintf("put: output form %q: want url or json", sanitize.Text(o.output)))
	}
	partSize, err := presign.ParseSize(o.partSize)
	if err != nil || partSize < s3model.MinPartSize {
		return c.usageError("put: --part-size: want a size of at least 5MiB, such as 16MiB")
	}
	if o.parallel < 1 || o.parallel > 64 {
		return c.usageError("put: --parallel: want a number from 1 to 64")
	}
	dest := pos[len(pos)-1]
	bucket, prefix, err := s3model.ParseURI(dest)
	if err != nil {
		return fail(c.stderr, fmt.Errorf("put: %s: %s", sanitize.Text(dest), err))
	}
	uploads, err := planUploads(pos[:len(pos)-1], bucket, prefix, o.recursive)
	if err != nil {
		return fail(c.stderr, fmt.Errorf("put: %w", err))
	}

	cfg, err := c.g.load()
	if err != nil {
		return fail(c.stderr, err)
	}
	warn(c.stderr, cfg.Warnings)
	var plan presign.Plan
	if o.share {
		// Refuse bad link options before uploading anything.
		plan, err = o.link.form().Plan(time.Now(), presign.Defaults{Expiry: cfg.Prefs.DefaultExpiry, Disposition: cfg.Prefs.DefaultDisposition})
		if err != nil {
			return fail(c.stderr, fmt.Errorf("put: %w", err))
		}
	}
	if o.share {
		for _, u := range uploads {
			if err := plan.Check(presign.Target{Bucket: u.bucket, Key: u.key}); err != nil {
				return fail(c.stderr, fmt.Errorf("put: %s: no link could be made for it: %s", sanitize.Text(u.file), sanitize.Text(err.Error())))
			}
		}
	}
	client, err := s3model.New(cfg.Store)
	if err != nil {
		return fail(c.stderr, fmt.Errorf("put: %w", err))
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	m := newMeter(c.stderr)
	records := make([]putRecord, 0, len(uploads))
	for _, u := range uploads {
		rec, err := putOne(ctx, client, u, o, partSize, m)
		m.clear()
		if err != nil {
			if errors.Is(err, context.Canceled) {
				fmt.Fprintf(c.stderr, "s3share: put: interrupted: the upload of %s was stopped and nothing of it was left on the store\n", sanitize.Text(u.file))
				reportDone(c, records)
				return exitFailed
			}
			fmt.Fprintln(c.stderr, "s3share: put: "+sanitize.Text(u.file)+": "+sanitize.Text(err.Error()))
			reportDone(c, records)
			return exitFailed
		}
		records = append(records, rec)
	}

	if o.share {
		targets := make([]presign.Target, len(records))
		for i, r := range records {
			targets[i] = presign.Target{Bucket: r.Bucket, Key: r.Key}
		}
		opts, err := ledgerOptions(cfg.Store, o.link.noLedger)
		if err != nil {
			return fail(c.stderr, err)
		}
		shared, err := presign.Share(context.Background(), client, plan, targets, opts)
		if err != nil {
			return fail(c.stderr, fmt.Errorf("put: uploaded, but %s", sanitize.Text(err.Error())))
		}
		noteShared(c.stderr, shared)
		for i := range records {
			res := shared.Results[i]
			records[i].Link = res.URL
			exp := res.EffectiveExpiresAt
			records[i].Expires = &exp
		}
		links := make([]string, len(shared.Results))
		for i, r := range shared.Results {
			links[i] = r.URL
		}
		copyLinks(c, cfg.Prefs.Clipboard, o.clipboard, links)
	}
	return writePutRecords(c, o.output, records)
}

// reportDone says which files were uploaded before a failure.
func reportDone(c *call, done []putRecord) {
	for _, r := range done {
		fmt.Fprintln(c.stderr, "s3share: put: uploaded before that: "+sanitize.Text(r.URI))
	}
}

// putOne uploads one file.
func putOne(ctx context.Context, client *s3model.Client, u upload, o *putFlags, partSize int64, m *meter) (putRecord, error) {
	f, err := os.Open(u.file)
	if err != nil {
		return putRecord{}, err
	}
	defer f.Close()
	ct := o.contentType
	if ct == "" {
		ct = presign.TypeOf(u.key)
	}
	uri := "s3://" + u.bucket + "/" + u.key
	m.begin(sanitize.Text(filepath.Base(u.file)), u.size)
	up, err := client.Upload(ctx, u.bucket, u.key, f, u.size, s3model.UploadOptions{
		ContentType: ct, PartSize: partSize, Parallel: o.parallel, Progress: m.update,
	})
	if err != nil {
		return putRecord{}, err
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	return putRecord{File: u.file, URI: uri, Bucket: u.bucket, Key: u.key, Size: up.Size, ContentType: ct, ETag: up.ETag, Parts: up.Parts}, nil
}

// planUploads checks every source before anything is sent, and says
// where each file goes: one file to a key, or files under a prefix.
func planUploads(sources []string, bucket, prefix string, recursive bool) ([]upload, error) {
	toKey := prefix != "" && !strings.HasSuffix(prefix, "/")
	if toKey && (len(sources) > 1 || recursive) {
		return nil, fmt.Errorf("s3://%s/%s is a key: end it with / to put several files or a directory under it", bucket, sanitize.Text(prefix))
	}
	var out []upload
	for _, src := range sources {
		fi, err := os.Stat(src)
		if err != nil {
			return nil, err
		}
		switch {
		case fi.Mode().IsRegular() && toKey:
			out = append(out, upload{file: src, size: fi.Size(), bucket: bucket, key: prefix})
		case fi.Mode().IsRegular():
			out = append(out, upload{file: src, size: fi.Size(), bucket: bucket, key: prefix + filepath.Base(src)})
		case fi.IsDir() && !recursive:
			return nil, fmt.Errorf("%s is a directory: add --recursive to upload it", sanitize.Text(src))
		case fi.IsDir():
			base := prefix + filepath.Base(filepath.Clean(src)) + "/"
			err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.IsDir() {
					return nil
				}
				info, err := os.Stat(p) // a link to a file is uploaded as that file
				if err != nil || !info.Mode().IsRegular() {
					return nil
				}
				rel, err := filepath.Rel(src, p)
				if err != nil {
					return err
				}
				out = append(out, upload{file: p, size: info.Size(), bucket: bucket, key: base + filepath.ToSlash(rel)})
				return nil
			})
			if err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("%s is not a regular file", sanitize.Text(src))
		}
	}
	for _, u := range out {
		if !utf8.ValidString(u.key) || len(u.key) > 1024 {
			return nil, fmt.Errorf("%s: the key %s is not valid UTF-8 or longer than S3's 1024 bytes", sanitize.Text(u.file), sanitize.Text(u.key))
		}
	}
	return out, nil
}

// copyLinks copies links to the clipboard in the mode the flag or the
// config file picks, and says how it went on stderr.
func copyLinks(c *call, pref config.ClipboardMode, flagMode string, links []string) {
	mode := pref
	if flagMode != "" {
		m, err := config.ParseClipboardMode(flagMode)
		if err != nil {
			fmt.Fprintln(c.stderr, "s3share: --clipboard: "+sanitize.Text(err.Error()))
			return
		}
		mode = m
	}
	if mode == "" {
		mode = config.ClipboardAuto
	}
	if mode == config.ClipboardOff {
		return
	}
	res := clip.System(clip.Mode(mode)).Copy(links...)
	fmt.Fprintln(c.stderr, "s3share: "+sanitize.Text(res.Message))
}

// writePutRecords prints the uploads: URIs or links, or JSON.
func writePutRecords(c *call, output string, records []putRecord) int {
	if output == "json" {
		for i := range records {
			records[i].File = sanitize.Text(records[i].File)
		}
		data, err := json.MarshalIndent(records, "", "  ")
		if err != nil {
			return fail(c.stderr, err)
		}
		c.stdout.Write(append(sanitize.JSON(data), '\n'))
		return exitOK
	}
	for _, r := range records {
		line := r.URI
		if r.Link != "" {
			line = r.Link
		}
		fmt.Fprintln(c.stdout, sanitize.Text(line))
	}
	return exitOK
}

// keyBase is the last segment of a key, for a local file name.
func keyBase(key string) string { return path.Base(strings.TrimSuffix(key, "/")) }
