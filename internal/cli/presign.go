package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
	"github.com/s3share/s3share/s3model"
)

// presignCommand prints presigned links.
func presignCommand() *command {
	return &command{
		name:    "presign",
		args:    "s3://BUCKET/KEY|PREFIX/ ...",
		summary: "print presigned links to objects, uploads or a prefix",
		about: `
Prints a presigned link for each argument, in argument order. Signing needs
no network; only --recursive lists the prefix first (and on AWS with no
region configured, each bucket's region is looked up once).

The expiry (-e) is a lifetime, such as 90s, 15m, 1h30m, 2d or 1w, or an end
time: 2026-12-24T18:00:00Z, 2026-12-24T18:00 (local time) or 2026-12-24. It is
at most 7 days, the most SigV4 allows; the default is the config file's
default_expiry, else 1h.

GET links download an object; PUT links upload one key; POST links are a
form upload for one key, or for any key under PREFIX/ (-o curl or -o json
shows the form fields it needs). Every link is recorded in the share ledger
(see s3share shares).

A link cannot be revoked: it works until it expires, or until the access key
that signed it is disabled or rotated. With --gateway URL the link is a share
of a share gateway (s3share serve) instead: it can be revoked (s3share shares
revoke), limited to --max-downloads, protected by --password-file, and live
as long as the gateway allows (-e 30d); -o json then shows id, url,
expires_at and max_downloads. With --gateway URL --upload-request on
s3://BUCKET/PREFIX/ it prints an upload request's link: a page where anyone
with it picks or drops files, which land under PREFIX/DATE/UUID-NAME
within the rules --max-size (per file), --max-files, --max-total, --types
and -e set.

Examples:
  s3share presign -e 2d --disposition attachment s3://reports/2026/q3.pdf
  s3share presign -m PUT --content-type image/png -o curl s3://uploads/avatar.png
  s3share presign -m POST --max-size 10MiB -o json s3://uploads/incoming/
  s3share presign --gateway https://share.example.com --max-downloads 3 -e 30d s3://reports/q3.pdf
  s3share presign --gateway https://share.example.com --upload-request --max-size 50MiB --types .pdf,.png -e 7d s3://inbox/vendor/`,
		flags: func(fs *flag.FlagSet) runFunc {
			var o presignFlags
			o.register(fs)
			return func(c *call, pos []string) int { return runPresign(c, &o, pos) }
		},
		shared: []flagGroup{storeGroup, connGroup},
	}
}

type presignFlags struct {
	method, expires, disposition, filename string
	contentType, cacheControl, versionID   string
	maxSize, minSize, baseURL, output      string
	recursive, noLedger, check, wait       bool
	// A share of the gateway (see serve.go) instead of a presigned link.
	gateway, passwordFile, tokenFile, mode string
	maxDownloads                           int64
	// An upload request of the gateway (see upload.go).
	uploadRequest              bool
	maxFiles                   int64
	maxTotal, types, uploadVia string
}

func (o *presignFlags) register(fs *flag.FlagSet) {
	for _, name := range []string{"m", "method"} {
		fs.StringVar(&o.method, name, "GET", "the link's `METHOD`: GET downloads, PUT uploads one key, POST is a form upload for one key or any key under PREFIX/")
	}
	for _, name := range []string{"e", "expires"} {
		fs.StringVar(&o.expires, name, "", "how long the link works, a `DURATION` such as 90s, 15m, 1h30m, 2d or 1w, or an end time such as 2026-12-24T18:00:00Z, 2026-12-24T18:00 (local) or 2026-12-24; at most 7 days (default: the config file's default_expiry, else 1h)")
	}
	for _, name := range []string{"o", "output"} {
		fs.StringVar(&o.output, name, "url", "output `FORM`: url (one URL per line), curl (a curl command per line), json (a JSON array with every detail), csv, or qr (a QR code per link); with --gateway, url or json")
	}
	fs.StringVar(&o.disposition, "disposition", "", "GET: the Content-Disposition `KIND` of the download, attachment (browsers save the file) or inline (default: the config file's default_disposition)")
	fs.StringVar(&o.filename, "filename", "", "GET: the file `NAME` to save as (implies attachment; default: the key's base name)")
	fs.StringVar(&o.contentType, "content-type", "", "a Content-Type `TYPE`; GET: the response's; PUT: the one the uploader must send; POST: the one the form must carry (ending in / or *: any type starting so, e.g. image/)")
	fs.StringVar(&o.cacheControl, "cache-control", "", "GET: the response Cache-Control `VALUE`")
	fs.StringVar(&o.versionID, "version-id", "", "GET: the object version `ID` to download")
	fs.StringVar(&o.maxSize, "max-size", "", "POST: the largest upload, a `SIZE` such as 1024, 10MB or 10MiB (default 5GiB); --upload-request: the largest file (default no limit)")
	fs.StringVar(&o.minSize, "min-size", "", "POST: the smallest upload, a `SIZE` (default 0)")
	fs.StringVar(&o.baseURL, "base-url", "", "emit links on this public (CDN) base `URL`, signed for its host (config: public_base_url)")
	fs.BoolVar(&o.recursive, "recursive", false, "GET: sign every object under each PREFIX/")
	fs.BoolVar(&o.noLedger, "no-ledger", false, "do not record the links in the share ledger")
	fs.StringVar(&o.gateway, "gateway", "", "make a share of the gateway at this `URL` instead (see s3share serve): a short link that can be revoked, limited and password-protected, and live past 7 days")
	fs.Int64Var(&o.maxDownloads, "max-downloads", 0, "--gateway: the share allows at most `N` downloads (default no limit)")
	fs.StringVar(&o.passwordFile, "password-file", "", "--gateway: protect the share with the password in this `FILE`")
	fs.StringVar(&o.mode, "mode", "", "--gateway: `MODE` redirect (a presigned URL living seconds) or stream (through the gateway, cut on revocation)")
	fs.StringVar(&o.tokenFile, "token-file", "", "--gateway: read the admin token from this `FILE` instead of $S3SHARE_GATEWAY_TOKEN")
	fs.BoolVar(&o.uploadRequest, "upload-request", false, "--gateway: make an upload request for s3://BUCKET/PREFIX/ instead: a drop link (BASE/u/ID) where anyone with it can send files from a browser (--max-size is then the per-file limit)")
	fs.Int64Var(&o.maxFiles, "max-files", 0, "--upload-request: take at most `N` files (default no limit)")
	fs.StringVar(&o.maxTotal, "max-total", "", "--upload-request: take at most this `SIZE` in all (default no limit)")
	fs.StringVar(&o.types, "types", "", "--upload-request: the allowed `TYPES`, comma-separated extensions or media types, e.g. .pdf,.png,image/* (default any)")
	fs.StringVar(&o.uploadVia, "via", "", "--upload-request: `HOW` files reach the store: gateway (streamed through it, default) or direct (the page PUTs to the store; the bucket's CORS rules must allow the gateway's origin: s3share doctor s3://BUCKET checks them)")
	fs.BoolVar(&o.wait, "wait", false, "PUT, POST: after printing the link, wait until the upload arrives and print its key, size, type and ETag (-o json: as JSON); fail when the link expires first")
	fs.BoolVar(&o.check, "check", false, "fetch each GET link (one byte) and say on stderr whether it works and, if not, why; check what can be checked of PUT and POST links without writing (exit status 3 when a link fails)")
}

// runPresign signs the links the arguments pos name, with the flags o:
// flags → plan → share → write, through the one share pipeline the TUI
// uses too (presign.Form, presign.Share).
func runPresign(c *call, o *presignFlags, pos []string) int {
	stdout, stderr := c.stdout, c.stderr
	if o.gateway != "" {
		return runPresignGateway(c, o, pos)
	}
	if o.maxDownloads != 0 || o.passwordFile != "" || o.mode != "" || o.tokenFile != "" || o.uploadRequest {
		return c.usageError("presign: --max-downloads, --password-file, --mode, --token-file and --upload-request need --gateway")
	}
	if o.maxFiles != 0 || o.maxTotal != "" || o.types != "" || o.uploadVia != "" {
		return c.usageError("presign: --max-files, --max-total, --types and --via need --gateway --upload-request")
	}
	if len(pos) == 0 {
		return c.usageError("presign: name at least one s3://BUCKET/KEY")
	}
	format, err := presign.ParseFormat(o.output)
	if isQR(o.output) {
		format, err = presign.FormatURL, nil
	}
	if err != nil {
		return fail(stderr, fmt.Errorf("presign: %w", err))
	}
	cfg, err := c.g.load()
	if err != nil {
		return fail(stderr, err)
	}
	warn(stderr, cfg.Warnings)
	form := o.form()
	form.Rules = cfg.Prefs.Rules
	plan, err := form.Plan(time.Now(), presign.Defaults{Expiry: cfg.Prefs.DefaultExpiry, Disposition: cfg.Prefs.DefaultDisposition})
	if err != nil {
		return fail(stderr, fmt.Errorf("presign: %w", err))
	}
	if o.wait && plan.Method() == presign.GET {
		return c.usageError("presign: --wait waits for an upload: it applies to PUT and POST links")
	}
	if isQR(o.output) && plan.Method() == presign.POST {
		return fail(stderr, errors.New("presign: -o qr: a POST upload needs its form fields as well as the URL, which a QR code cannot carry: use -o curl or -o json"))
	}
	st := cfg.Store
	client, err := signingClient("presign", st)
	if err != nil {
		return fail(stderr, err)
	}

	// Sign everything before printing anything: either every argument
	// gets its links, or the failing ones are named and nothing goes to
	// stdout or the ledger.
	targets := make([]presign.Target, 0, len(pos))
	failed := 0
	for _, arg := range pos {
		bucket, key, err := s3model.ParseURI(arg)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "s3share: %s: %s\n", sanitize.Text(arg), sanitize.Text(err.Error()))
			continue
		}
		targets = append(targets, presign.Target{Bucket: bucket, Key: key})
	}
	opts, err := ledgerOptions(st, o.noLedger || failed > 0)
	if err != nil {
		return fail(stderr, err)
	}
	// Ctrl-C stops a long --recursive run cleanly: nothing printed or recorded.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	shared, err := presign.Share(ctx, client, plan, targets, opts)
	var se *presign.ShareError
	keys := 0 // keys under a --recursive prefix that failed
	switch {
	case errors.As(err, &se):
		for _, f := range se.Failed {
			fmt.Fprintln(stderr, "s3share: "+sanitize.Text(f.Error()))
		}
		if more := se.Count - len(se.Failed); more > 0 {
			fmt.Fprintf(stderr, "s3share: … and %d more\n", more)
		}
		for _, f := range se.Failed {
			if slices.Contains(targets, f.Target) {
				failed++
			} else {
				keys++
			}
		}
		keys += se.Count - len(se.Failed)
	case err != nil:
		return fail(stderr, fmt.Errorf("presign: %w", err))
	}
	switch {
	case keys > 0:
		fmt.Fprintf(stderr, "s3share: presign: %s could not be signed; no links printed\n", fmt.Sprint(keys+failed)+" "+plural(keys+failed, "link", "links"))
		return exitFailed
	case failed > 0:
		fmt.Fprintf(stderr, "s3share: presign: %d of %d arguments failed; no links printed\n", failed, len(pos))
		return exitFailed
	}
	noteShared(stderr, shared)
	noteRules(stderr, plan.Rules, shared.Results)
	if plan.Method() == presign.POST && format == presign.FormatURL {
		fmt.Fprintln(stderr, "s3share: note: a POST upload needs the policy's form fields as well as the URL: use -o curl or -o json to see them")
	}
	if isQR(o.output) {
		err = writeQR(stdout, shared.Results)
	} else {
		err = presign.Write(stdout, format, shared.Results)
	}
	if err != nil {
		return fail(stderr, err)
	}
	code := exitOK
	if o.check {
		code = checkSigned(ctx, stderr, st, client, shared.Results)
	}
	if o.wait && code == exitOK {
		code = waitUploads(ctx, stdout, stderr, client, shared.Results, format)
	}
	return code
}

// form is the flags as a presign.Form.
func (o *presignFlags) form() presign.Form {
	return presign.Form{
		Method: o.method, Expires: o.expires, Disposition: o.disposition, Filename: o.filename,
		ContentType: o.contentType, CacheControl: o.cacheControl, VersionID: o.versionID,
		MaxSize: o.maxSize, MinSize: o.minSize, BaseURL: o.baseURL, Recursive: o.recursive,
	}
}

// ledgerOptions are the share options that record links in the share
// ledger, or record nothing when off.
func ledgerOptions(st config.Store, off bool) (presign.ShareOptions, error) {
	var opts presign.ShareOptions
	if off {
		return opts, nil
	}
	path, err := ledger.DefaultPath(os.Getenv)
	if err != nil {
		return opts, fmt.Errorf("share ledger: %v (or pass --no-ledger)", err)
	}
	opts.Record = ledger.Recorder(path, ledger.Origin{Host: st.Endpoint.Host, StoreName: st.Name, Identity: st.Creds.AccessKeyID})
	return opts, nil
}

// noteShared prints a share's warnings: links that end early, a capped
// recursive share, links that could not be recorded.
func noteShared(stderr io.Writer, shared presign.Shared) {
	for _, w := range shared.Warnings {
		fmt.Fprintln(stderr, "s3share: warning: "+sanitize.Text(w))
	}
	if shared.Capped {
		fmt.Fprintf(stderr, "s3share: warning: only the first %d objects under the prefixes were signed: one run signs at most that many; the rest were left out\n", presign.MaxRecursive)
	}
	if shared.RecordErr != nil {
		fmt.Fprintln(stderr, "s3share: warning: links not recorded: "+sanitize.Text(shared.RecordErr.Error()))
	}
}

// signingClient is the client of a store that signs links for cmd: an
// error naming cmd when the store has no credentials to sign with.
func signingClient(cmd string, st config.Store) (*s3model.Client, error) {
	if st.Creds.Anonymous() && st.SignWith == nil {
		return nil, errors.New(cmd + ": no credentials to sign with: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pick a store with --profile, --alias or --store")
	}
	client, err := s3model.New(st)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", cmd, err)
	}
	return client, nil
}
