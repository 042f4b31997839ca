package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

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
that signed it is disabled or rotated.

Examples:
  s3share presign -e 2d --disposition attachment s3://reports/2026/q3.pdf
  s3share presign -m PUT --content-type image/png -o curl s3://uploads/avatar.png
  s3share presign -m POST --max-size 10MiB -o json s3://uploads/incoming/`,
		flags: func(fs *flag.FlagSet) runFunc {
			var o presignFlags
			o.register(fs)
			return func(c *call, pos []string) int { return runPresign(c, &o, pos) }
		},
		shared: []flagGroup{storeGroup, connGroup},
	}
}

// presignTimeout bounds the network work of one presign run: bucket
// region lookups and --recursive listings.
const presignTimeout = 5 * time.Minute

type presignFlags struct {
	method, expires, disposition, filename string
	contentType, cacheControl, versionID   string
	maxSize, minSize, baseURL, output      string
	recursive, noLedger                    bool
}

func (o *presignFlags) register(fs *flag.FlagSet) {
	for _, name := range []string{"m", "method"} {
		fs.StringVar(&o.method, name, "GET", "the link's `METHOD`: GET downloads, PUT uploads one key, POST is a form upload for one key or any key under PREFIX/")
	}
	for _, name := range []string{"e", "expires"} {
		fs.StringVar(&o.expires, name, "", "how long the link works, a `DURATION` such as 90s, 15m, 1h30m, 2d or 1w, or an end time such as 2026-12-24T18:00:00Z, 2026-12-24T18:00 (local) or 2026-12-24; at most 7 days (default: the config file's default_expiry, else 1h)")
	}
	for _, name := range []string{"o", "output"} {
		fs.StringVar(&o.output, name, "url", "output `FORM`: url (one URL per line), curl (a curl command per line) or json (a JSON array with every detail)")
	}
	fs.StringVar(&o.disposition, "disposition", "", "GET: the Content-Disposition `KIND` of the download, attachment (browsers save the file) or inline (default: the config file's default_disposition)")
	fs.StringVar(&o.filename, "filename", "", "GET: the file `NAME` to save as (implies attachment; default: the key's base name)")
	fs.StringVar(&o.contentType, "content-type", "", "a Content-Type `TYPE`; GET: the response's; PUT: the one the uploader must send; POST: the one the form must carry (ending in / or *: any type starting so, e.g. image/)")
	fs.StringVar(&o.cacheControl, "cache-control", "", "GET: the response Cache-Control `VALUE`")
	fs.StringVar(&o.versionID, "version-id", "", "GET: the object version `ID` to download")
	fs.StringVar(&o.maxSize, "max-size", "", "POST: the largest upload, a `SIZE` such as 1024, 10MB or 10MiB (default 5GiB)")
	fs.StringVar(&o.minSize, "min-size", "", "POST: the smallest upload, a `SIZE` (default 0)")
	fs.StringVar(&o.baseURL, "base-url", "", "emit links on this public (CDN) base `URL`, signed for its host (config: public_base_url)")
	fs.BoolVar(&o.recursive, "recursive", false, "GET: sign every object under each PREFIX/")
	fs.BoolVar(&o.noLedger, "no-ledger", false, "do not record the links in the share ledger")
}

// presignPlan is what every argument shares: the request template, the
// options for the ledger, and the output form.
type presignPlan struct {
	tmpl       presign.Request
	method     presign.Method
	options    map[string]string
	output     string
	recursive  bool
	attachName bool   // fill the disposition's file name from each key
	dispKind   string // attachment or inline, when a disposition is wanted
}

// runPresign signs the links the arguments pos name, with the flags o.
func runPresign(c *call, o *presignFlags, pos []string) int {
	stdout, stderr := c.stdout, c.stderr
	if len(pos) == 0 {
		return c.usageError("presign: name at least one s3://BUCKET/KEY")
	}
	cfg, err := c.g.load()
	if err != nil {
		return fail(stderr, err)
	}
	warn(stderr, cfg.Warnings)
	now := time.Now()
	plan, err := o.plan(cfg.Prefs, now)
	if err != nil {
		return fail(stderr, fmt.Errorf("presign: %w", err))
	}
	st := cfg.Store
	if o.baseURL != "" {
		st.PublicBaseURL = o.baseURL
	}
	if st.Creds.Anonymous() {
		return fail(stderr, errors.New("presign: no credentials to sign with: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pick a store with --profile, --alias or --store"))
	}
	signer, err := presign.NewSigner(st)
	if err != nil {
		return fail(stderr, fmt.Errorf("presign: %w", err))
	}
	client, err := s3model.New(st)
	if err != nil {
		return fail(stderr, fmt.Errorf("presign: %w", err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), presignTimeout)
	defer cancel()

	// Sign everything before printing anything: either every argument
	// gets its links, or the failing ones are named and nothing goes to
	// stdout.
	var results []presign.Result
	failed := 0
	regions := map[string]string{}
	for _, arg := range pos {
		rs, err := plan.signArg(ctx, signer, client, regions, arg, now)
		if err != nil {
			failed++
			fmt.Fprintf(stderr, "s3share: %s: %s\n", sanitize.Text(arg), sanitize.Text(err.Error()))
			continue
		}
		results = append(results, rs...)
	}
	if failed > 0 {
		fmt.Fprintf(stderr, "s3share: presign: %d of %d arguments failed; no links printed\n", failed, len(pos))
		return 1
	}

	warned := map[string]bool{}
	for _, r := range results {
		if r.Warning != "" && !warned[r.Warning] {
			warned[r.Warning] = true
			fmt.Fprintln(stderr, "s3share: warning: "+r.Warning)
		}
	}
	if plan.method == presign.POST && plan.output == "url" {
		fmt.Fprintln(stderr, "s3share: note: a POST upload needs the policy's form fields as well as the URL: use -o curl or -o json to see them")
	}
	if err := writeResults(stdout, plan.output, results); err != nil {
		return fail(stderr, err)
	}
	if !o.noLedger {
		if err := record(st, plan.options, results); err != nil {
			fmt.Fprintln(stderr, "s3share: warning: links not recorded: "+sanitize.Text(err.Error()))
		}
	}
	return 0
}

// plan checks the flags against each other and builds the request
// template.
func (o *presignFlags) plan(prefs config.Prefs, now time.Time) (*presignPlan, error) {
	m, err := presign.ParseMethod(o.method)
	if err != nil {
		return nil, err
	}
	p := &presignPlan{method: m, output: strings.ToLower(o.output), recursive: o.recursive, options: map[string]string{}}
	switch p.output {
	case "url", "curl", "json":
	default:
		return nil, fmt.Errorf("output %q: want url, curl or json", o.output)
	}
	only := func(flagName, value string, methods ...presign.Method) error {
		if value == "" {
			return nil
		}
		for _, want := range methods {
			if m == want {
				return nil
			}
		}
		return fmt.Errorf("--%s applies to %s links, not %s", flagName, methods[0], m)
	}
	for _, c := range []error{
		only("disposition", o.disposition, presign.GET),
		only("filename", o.filename, presign.GET),
		only("cache-control", o.cacheControl, presign.GET),
		only("version-id", o.versionID, presign.GET),
		only("max-size", o.maxSize, presign.POST),
		only("min-size", o.minSize, presign.POST),
	} {
		if c != nil {
			return nil, c
		}
	}
	if o.recursive && m != presign.GET {
		return nil, fmt.Errorf("--recursive applies to GET links, not %s", m)
	}
	if o.recursive && o.versionID != "" {
		return nil, errors.New("--version-id names one object's version; it cannot go with --recursive")
	}

	exp := presign.In(presign.DefaultExpiry)
	if prefs.DefaultExpiry > 0 {
		exp = presign.In(prefs.DefaultExpiry)
	}
	if o.expires != "" {
		if exp, err = presign.ParseExpiry(o.expires, now); err != nil {
			return nil, err
		}
	}
	p.tmpl = presign.Request{Method: m, Expires: exp}
	p.options["expires"] = exp.String()

	switch m {
	case presign.GET:
		kind := o.disposition
		if kind == "" && o.filename != "" {
			kind = presign.Attachment
		}
		if kind == "" {
			kind = prefs.DefaultDisposition
		}
		if kind != "" {
			// Check the kind now, with the file name when one is given.
			d, err := presign.ContentDisposition(kind, o.filename)
			if err != nil {
				return nil, err
			}
			p.dispKind = strings.ToLower(strings.TrimSpace(kind))
			p.options["disposition"] = p.dispKind
			if o.filename != "" {
				p.tmpl.ResponseContentDisposition = d
				p.options["filename"] = o.filename
			} else {
				p.attachName = true
			}
		}
		p.tmpl.ResponseContentType = o.contentType
		p.tmpl.ResponseCacheControl = o.cacheControl
		p.tmpl.VersionID = o.versionID
	case presign.PUT:
		p.tmpl.ContentType = o.contentType
	case presign.POST:
		ct := o.contentType
		if strings.HasSuffix(ct, "*") || strings.HasSuffix(ct, "/") {
			p.tmpl.ContentType = strings.TrimSuffix(ct, "*")
			p.tmpl.ContentTypePrefix = true
		} else {
			p.tmpl.ContentType = ct
		}
		p.tmpl.MaxSize = presign.MaxPOSTSize
		if o.maxSize != "" {
			if p.tmpl.MaxSize, err = presign.ParseSize(o.maxSize); err != nil {
				return nil, err
			}
			if p.tmpl.MaxSize == 0 {
				return nil, errors.New("--max-size 0 allows no upload at all")
			}
		}
		if o.minSize != "" {
			if p.tmpl.MinSize, err = presign.ParseSize(o.minSize); err != nil {
				return nil, err
			}
		}
		p.options["max-size"] = fmt.Sprint(p.tmpl.MaxSize)
		if p.tmpl.MinSize > 0 {
			p.options["min-size"] = fmt.Sprint(p.tmpl.MinSize)
		}
	}
	for k, v := range map[string]string{"content-type": o.contentType, "cache-control": o.cacheControl, "version-id": o.versionID, "base-url": o.baseURL} {
		if v != "" {
			p.options[k] = v
		}
	}
	return p, nil
}

// signArg signs the links one argument stands for: one key, a POST
// prefix, or with --recursive every object under a prefix.
func (p *presignPlan) signArg(ctx context.Context, s *presign.Signer, client *s3model.Client, regions map[string]string, arg string, now time.Time) ([]presign.Result, error) {
	bucket, key, err := s3model.ParseURI(arg)
	if err != nil {
		return nil, err
	}
	region, ok := regions[bucket]
	if !ok {
		// Known at once unless the store is AWS with no region configured:
		// then one lookup per bucket, before any signing.
		if region, err = client.BucketRegion(ctx, bucket); err != nil {
			return nil, err
		}
		regions[bucket] = region
	}
	req := p.tmpl
	req.Bucket, req.Region = bucket, region
	isPrefix := key == "" || strings.HasSuffix(key, "/")

	switch {
	case p.recursive:
		return p.signPrefix(ctx, s, client, req, key, now)
	case p.method == presign.POST:
		req.Key, req.KeyIsPrefix = key, isPrefix
	case isPrefix:
		if p.method == presign.GET {
			return nil, errors.New("this is a prefix, not an object: add --recursive to sign every object under it, or name a key")
		}
		return nil, errors.New("a PUT link needs an object key, not a prefix: name the key to upload to, or use -m POST for any key under the prefix")
	default:
		req.Key = key
	}
	r, err := p.sign(s, req, now)
	if err != nil {
		return nil, err
	}
	return []presign.Result{r}, nil
}

func (p *presignPlan) sign(s *presign.Signer, req presign.Request, now time.Time) (presign.Result, error) {
	if p.attachName {
		d, err := presign.ContentDisposition(p.dispKind, req.Key)
		if err != nil {
			return presign.Result{}, err
		}
		req.ResponseContentDisposition = d
	}
	return s.SignAt(req, now)
}

// signPrefix lists every object under prefix (the only network use of
// presign besides a region lookup) and signs a GET link for each.
func (p *presignPlan) signPrefix(ctx context.Context, s *presign.Signer, client *s3model.Client, req presign.Request, prefix string, now time.Time) ([]presign.Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing when signing fails half-way
	var out []presign.Result
	for obj := range client.Minio().ListObjects(ctx, req.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			return nil, s3model.Explain("list s3://"+req.Bucket+"/"+prefix, obj.Err)
		}
		if strings.HasSuffix(obj.Key, "/") {
			continue // a folder marker
		}
		req.Key = obj.Key
		r, err := p.sign(s, req, now)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", sanitize.Text(obj.Key), err)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errors.New("no objects under this prefix")
	}
	return out, nil
}

// writeResults prints the links in the chosen form.
func writeResults(w io.Writer, form string, results []presign.Result) error {
	switch form {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if results == nil {
			results = []presign.Result{}
		}
		return enc.Encode(results)
	case "curl":
		for _, r := range results {
			if _, err := fmt.Fprintln(w, r.Curl("")); err != nil {
				return err
			}
		}
	default:
		for _, r := range results {
			if _, err := fmt.Fprintln(w, r.URL); err != nil {
				return err
			}
		}
	}
	return nil
}

// record appends the links to the share ledger.
func record(st config.Store, options map[string]string, results []presign.Result) error {
	l, _, err := openLedger()
	if err != nil {
		return err
	}
	recs := make([]ledger.Record, len(results))
	for i, r := range results {
		recs[i] = ledger.FromResult(r, st.Endpoint.Host, options)
	}
	return l.Append(recs...)
}
