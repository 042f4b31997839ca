package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/gateway"
	"github.com/s3share/s3share/internal/lifetime"
	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/presign/ledger"
	"github.com/s3share/s3share/s3model"
)

// tokenEnv holds the gateway's admin token, on the server and the client.
const tokenEnv = config.GatewayTokenEnv

// gatewayEnv names the gateway the client commands talk to when
// --gateway is not given.
const gatewayEnv = "S3SHARE_GATEWAY"

const serveAbout = `
Runs the share gateway: an HTTP server that hands out short links,
PUBLIC-URL/s/ID, to objects of one store. Each visit is checked — revoked,
expired, downloads left, password — before the gateway either redirects to
a freshly presigned GET that lives a few seconds (redirect mode, the
default) or streams the object itself (stream mode: every download counts
and a revocation cuts a running download). So links can be revoked,
limited to N downloads, protected by a password, and live past the 7 days
of a presigned URL (up to --max-share-lifetime).

A redirect hands the visitor a presigned URL that works until it expires
(--redirect-lifetime, 30s by default): whoever has it can reuse it until
then. Use stream mode when that is too much.

Shares are made with s3share presign --gateway, or the JSON admin API
(POST/GET /api/v1/shares, GET /api/v1/shares/ID, POST
/api/v1/shares/ID/extend, POST /api/v1/shares/ID/revoke), with a bearer
token: the one in S3SHARE_GATEWAY_TOKEN (or --token-file) may do anything;
s3share serve token create makes tokens limited to a bucket and prefix.

It also serves upload requests: drop links, PUBLIC-URL/u/ID, a page where
anyone with the link sends files under a prefix, within the request's rules
(size, count, total, types, password, lifetime). Each file goes as a
multipart upload the gateway creates, completes and checks, or aborts when
the uploader cancels, the request ends, or the file is abandoned; the bytes
go straight to the store (--upload-via direct: the bucket's CORS must allow
PUBLIC-URL's origin) or through the gateway. Make them with s3share presign
--gateway URL --upload-request, or the admin API (POST /api/v1/uploads,
GET /api/v1/uploads/ID, POST /api/v1/uploads/ID/files for apps, POST
/api/v1/uploads/ID/revoke).

The database is SQLite by default (sqlite:PATH, one file), or PostgreSQL
(postgres://…) for several gateways behind a load balancer. /healthz says
whether it runs; /metrics has Prometheus counters. Settings may also come
from the [gateway] table of the config file; flags win.`

// serveCommand is `s3share serve` and its subcommands.
func serveCommand() *command {
	return &command{
		name:    "serve",
		summary: "run the share gateway: links that can be revoked, counted, password-protected",
		about: serveAbout + `

Examples:
  S3SHARE_GATEWAY_TOKEN=$(cat admin.token) s3share serve --profile share-bot \
      --listen 127.0.0.1:8080 --public-url https://share.example.com
  s3share serve --db postgres://gw@db/shares --trusted-proxy 10.0.0.0/8`,
		flags: func(fs *flag.FlagSet) runFunc {
			var o serveFlags
			o.register(fs)
			return func(c *call, pos []string) int {
				if len(pos) > 0 {
					return c.unexpected(pos[0])
				}
				return runServe(c, &o)
			}
		},
		shared: []flagGroup{storeGroup, connGroup},
		sub: []*command{
			{
				name:    "token",
				summary: "admin tokens of the gateway (token create)",
				sub: []*command{{
					name:    "create",
					summary: "make an admin API token, limited to a bucket and prefix, and print it once",
					about: `
Makes a new admin API token for the gateway's database and prints it, once:
only its hash is kept. With --scope s3://BUCKET/PREFIX the token can create,
list and revoke shares only of objects under that prefix.`,
					flags: func(fs *flag.FlagSet) runFunc {
						scope := fs.String("scope", "", "limit the token to objects under `s3://BUCKET/PREFIX`")
						store := fs.String("scope-store", "", "limit the token to the store `NAME` the gateway signs with")
						db := fs.String("db", "", "the gateway's database `DSN` (as for s3share serve)")
						return func(c *call, pos []string) int {
							if len(pos) > 0 {
								return c.unexpected(pos[0])
							}
							return runTokenCreate(c, *db, *scope, *store)
						}
					},
					shared: []flagGroup{connGroup},
				}},
			},
			{
				name:    "prune",
				summary: "delete shares and upload requests that expired or were revoked a while ago",
				about: `
Deletes from the gateway's database the shares and upload requests that
expired or were revoked more than --after ago (7 days by default), with their
audit trails and the records of the files received (the files stay in the
store). A running gateway does this every hour too.`,
				flags: func(fs *flag.FlagSet) runFunc {
					db := fs.String("db", "", "the gateway's database `DSN` (as for s3share serve)")
					after := fs.String("after", "7d", "how long after their end shares are kept, a `DURATION`")
					return func(c *call, pos []string) int {
						if len(pos) > 0 {
							return c.unexpected(pos[0])
						}
						return runServePrune(c, *db, *after)
					}
				},
				shared: []flagGroup{connGroup},
			},
		},
	}
}

type serveFlags struct {
	listen, publicURL, db, tokenFile, proxies, tlsCert, tlsKey string
	maxLifetime, redirectLifetime                              string
	createPerMinute                                            int
	uploadVia, uploadPartSize                                  string
}

func (o *serveFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.listen, "listen", "", "the `ADDRESS` to listen on (config: listen; default 127.0.0.1:8080)")
	fs.StringVar(&o.publicURL, "public-url", "", "the base `URL` of the short links, as visitors reach the gateway (config: public_url; default http://LISTEN-ADDRESS)")
	fs.StringVar(&o.db, "db", "", "the database: sqlite:`PATH` or postgres://USER@HOST/DB (config: db; default sqlite: in $XDG_STATE_HOME/s3share/gateway.db)")
	fs.StringVar(&o.tokenFile, "token-file", "", "read the admin token from this `FILE` instead of $S3SHARE_GATEWAY_TOKEN (config: token_file)")
	fs.StringVar(&o.proxies, "trusted-proxy", "", "believe X-Forwarded-For from these `ADDRESSES` (comma-separated addresses or CIDR networks; config: trusted_proxies)")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "serve HTTPS with this certificate `FILE` (PEM; config: tls_cert); default plain HTTP, e.g. behind a reverse proxy")
	fs.StringVar(&o.tlsKey, "tls-key", "", "the private key `FILE` of --tls-cert (config: tls_key)")
	fs.StringVar(&o.maxLifetime, "max-share-lifetime", "", "the longest a share may live, a `DURATION` (config: max_share_lifetime; default 30d)")
	fs.StringVar(&o.redirectLifetime, "redirect-lifetime", "", "how long the presigned URL of a redirect works, a `DURATION` of at most 1m (config: redirect_lifetime; default 30s)")
	fs.IntVar(&o.createPerMinute, "create-per-minute", 0, "how many shares one token may create a minute, `N` (config: create_per_minute; default 60)")
	fs.StringVar(&o.uploadVia, "upload-via", "", "`HOW` files sent through upload requests that do not say reach the store: gateway (streamed through it, whatever the bucket's CORS) or direct (config: upload_via; default gateway)")
	fs.StringVar(&o.uploadPartSize, "upload-part-size", "", "files sent through upload requests go in parts of this `SIZE`, 5MiB to 5GiB (config: upload_part_size; default 32MiB)")
}

// first is the first of values that is not empty.
func first(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// defaultDB is the gateway's SQLite file next to the share ledger.
func defaultDB() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return "sqlite:" + filepath.Join(dir, "s3share", "gateway.db"), nil
	}
	home := os.Getenv("HOME")
	if home == "" {
		return "", errors.New("neither XDG_STATE_HOME nor HOME is set: give the database with --db")
	}
	return "sqlite:" + filepath.Join(home, ".local", "state", "s3share", "gateway.db"), nil
}

// openGatewayDB opens the database named by the flag, the config file or
// the default, creating the SQLite file's directory.
func openGatewayDB(ctx context.Context, flagDB string, gw config.Gateway) (gateway.Store, string, error) {
	dsn := first(flagDB, gw.DB)
	if dsn == "" {
		var err error
		if dsn, err = defaultDB(); err != nil {
			return nil, "", err
		}
	}
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok && path != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, "", err
		}
	}
	st, err := gateway.OpenStore(ctx, dsn)
	return st, gateway.RedactDSN(dsn), err
}

// gatewaySettings reads only the [gateway] table: the subcommands need no
// store.
func (c *call) gatewaySettings() (config.Gateway, error) {
	cfg, err := c.g.load()
	if err != nil {
		return config.Gateway{}, err
	}
	return cfg.Gateway, nil
}

// readToken reads the admin token from file, else the environment.
func readToken(file string) (string, error) { return config.GatewayToken(file, os.Getenv) }

func runServe(c *call, o *serveFlags) int {
	stderr := c.stderr
	cfg, err := c.g.load()
	if err != nil {
		return fail(stderr, err)
	}
	warn(stderr, cfg.Warnings)
	gw := cfg.Gateway
	st := cfg.Store
	client, err := signingClient("serve", st)
	if err != nil {
		return fail(stderr, err)
	}
	token, err := readToken(first(o.tokenFile, gw.TokenFile))
	if err != nil {
		return fail(stderr, fmt.Errorf("serve: %w", err))
	}
	proxies := gw.TrustedProxies
	if o.proxies != "" {
		proxies = strings.Split(o.proxies, ",")
	}
	trusted, err := gateway.ParseProxies(proxies)
	if err != nil {
		return fail(stderr, fmt.Errorf("serve: trusted proxies: %v", err))
	}
	gc := gateway.Config{Signing: client, StoreName: first(st.Name, "default"), AdminToken: token, TrustedProxies: trusted,
		CreatePerMinute: gw.CreatePerMinute}
	if o.createPerMinute != 0 {
		gc.CreatePerMinute = o.createPerMinute
	}
	if v := first(o.maxLifetime, gw.MaxShareLifetime); v != "" {
		if gc.MaxLifetime, err = lifetime.ParseLong(v); err != nil {
			return fail(stderr, fmt.Errorf("serve: max share lifetime: %v", err))
		}
	}
	if v := first(o.redirectLifetime, gw.RedirectLifetime); v != "" {
		if gc.RedirectLifetime, err = lifetime.Parse(v); err != nil {
			return fail(stderr, fmt.Errorf("serve: redirect lifetime: %v", err))
		}
	}
	if v := first(o.uploadVia, gw.UploadVia); v != "" {
		if gc.DefaultVia, err = gateway.ParseVia(v); err != nil {
			return c.usageError(fmt.Sprintf("serve: upload via %q: %v", sanitize.Text(v), err))
		}
	}
	if v := first(o.uploadPartSize, gw.UploadPartSize); v != "" {
		if gc.UploadPartSize, err = presign.ParseSize(v); err != nil || gc.UploadPartSize < s3model.MinPartSize || gc.UploadPartSize > gateway.MaxPartSize {
			return c.usageError(fmt.Sprintf("serve: upload part size %q: want a size from 5MiB to 5GiB, such as 32MiB", sanitize.Text(v)))
		}
	}
	certFile, keyFile := first(o.tlsCert, gw.TLSCert), first(o.tlsKey, gw.TLSKey)
	if (certFile == "") != (keyFile == "") {
		return fail(stderr, errors.New("serve: --tls-cert and --tls-key go together"))
	}
	listen := first(o.listen, gw.Listen, "127.0.0.1:8080")
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return fail(stderr, fmt.Errorf("serve: %v", err))
	}
	defer l.Close()
	scheme := "http"
	if certFile != "" {
		scheme = "https"
	}
	host := l.Addr().String()
	if h, p, err := net.SplitHostPort(host); err == nil && (h == "::" || h == "0.0.0.0") {
		host = net.JoinHostPort("localhost", p)
	}
	gc.PublicURL = first(o.publicURL, gw.PublicURL, scheme+"://"+host)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	store, shown, err := openGatewayDB(ctx, o.db, gw)
	if err != nil {
		return fail(stderr, fmt.Errorf("serve: %v", err))
	}
	defer store.Close()
	gc.Store = store
	gc.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	g, err := gateway.New(gc)
	if err != nil {
		return fail(stderr, err)
	}
	gc.Logger.Info("share gateway", "listen", scheme+"://"+l.Addr().String(), "public_url", gc.PublicURL, "db", shown,
		"store", gc.StoreName, "admin_token", token != "")
	if token == "" {
		gc.Logger.Warn("no admin token: set " + tokenEnv + " or --token-file, or make tokens with s3share serve token create")
	}
	if err := g.Serve(ctx, l, certFile, keyFile, 30*time.Second); err != nil {
		return fail(stderr, fmt.Errorf("serve: %v", err))
	}
	return exitOK
}

func runTokenCreate(c *call, db, scopeArg, storeName string) int {
	gw, err := c.gatewaySettings()
	if err != nil {
		return fail(c.stderr, err)
	}
	scope := gateway.Scope{Store: storeName}
	if scopeArg != "" {
		bucket, prefix, err := s3model.ParseURI(scopeArg)
		if err != nil {
			return fail(c.stderr, fmt.Errorf("--scope: %v", err))
		}
		scope.Bucket, scope.Prefix = bucket, prefix
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	store, _, err := openGatewayDB(ctx, db, gw)
	if err != nil {
		return fail(c.stderr, fmt.Errorf("serve token create: %v", err))
	}
	defer store.Close()
	token, t := gateway.NewToken(scope)
	t.CreatedAt = time.Now()
	if err := store.CreateToken(ctx, t); err != nil {
		return fail(c.stderr, fmt.Errorf("serve token create: %v", err))
	}
	fmt.Fprintln(c.stdout, token)
	fmt.Fprintf(c.stderr, "s3share: token %s for %s; it is shown only this once\n", t.ID, sanitize.Text(scope.String()))
	return exitOK
}

func runServePrune(c *call, db, after string) int {
	gw, err := c.gatewaySettings()
	if err != nil {
		return fail(c.stderr, err)
	}
	d, err := lifetime.ParseLong(after)
	if err != nil {
		return fail(c.stderr, fmt.Errorf("--after: %v", err))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	store, _, err := openGatewayDB(ctx, db, gw)
	if err != nil {
		return fail(c.stderr, fmt.Errorf("serve prune: %v", err))
	}
	defer store.Close()
	n, err := store.Prune(ctx, time.Now().Add(-d))
	if err != nil {
		return fail(c.stderr, fmt.Errorf("serve prune: %v", err))
	}
	fmt.Fprintf(c.stdout, "pruned %d %s\n", n, plural(int(n), "share or upload request", "shares and upload requests"))
	return exitOK
}

// The client side: presign --gateway and shares revoke.

// gatewayClient is the admin API client for the gateway named by the
// flag, $S3SHARE_GATEWAY or the config file's [gateway] public_url.
func (c *call) gatewayClient(url, tokenFile string) (*gatewayapi.Client, error) {
	if url == "" {
		url = os.Getenv(gatewayEnv)
	}
	if url == "" {
		if gw, err := c.gatewaySettings(); err == nil {
			url = gw.PublicURL
		}
	}
	if url == "" {
		return nil, errors.New("which gateway? give --gateway URL, or set " + gatewayEnv)
	}
	token, err := readToken(tokenFile)
	if err != nil {
		return nil, err
	}
	timeout := 30 * time.Second
	if c.g.timeout != "" {
		if timeout, err = time.ParseDuration(c.g.timeout); err != nil {
			return nil, fmt.Errorf("--timeout: %v", err)
		}
	}
	return gatewayapi.NewClient(url, token, timeout)
}

// runPresignGateway makes a gateway share of each argument instead of a
// presigned link.
func runPresignGateway(c *call, o *presignFlags, pos []string) int {
	stderr := c.stderr
	if len(pos) == 0 {
		return c.usageError("presign: name at least one s3://BUCKET/KEY")
	}
	format := strings.ToLower(strings.TrimSpace(o.output))
	if format != "url" && format != "json" {
		return c.usageError("presign --gateway: -o takes url or json")
	}
	if !o.uploadRequest && (o.maxFiles != 0 || o.maxTotal != "" || o.types != "" || o.uploadVia != "") {
		return c.usageError("presign --gateway: --max-files, --max-total, --types and --via need --upload-request")
	}
	var password string
	if o.passwordFile != "" {
		b, err := os.ReadFile(o.passwordFile)
		if err != nil {
			return fail(stderr, fmt.Errorf("presign: password file: %v", err))
		}
		if password = strings.TrimRight(string(b), "\r\n"); password == "" {
			return fail(stderr, fmt.Errorf("presign: password file %s is empty", o.passwordFile))
		}
	}
	if o.uploadRequest {
		return runUploadRequest(c, o, pos, format, password)
	}
	switch {
	case o.method != "" && !strings.EqualFold(o.method, "GET"):
		return c.usageError("presign --gateway: gateway links are downloads (GET)")
	case o.recursive:
		return c.usageError("presign --gateway: one share is one object; --recursive does not apply")
	case o.maxSize != "" || o.minSize != "" || o.baseURL != "":
		return c.usageError("presign --gateway: --max-size, --min-size and --base-url do not apply")
	}
	mode, err := gateway.ParseMode(o.mode)
	if err != nil {
		return c.usageError("presign --gateway: --mode: " + err.Error())
	}
	cl, err := c.gatewayClient(o.gateway, o.tokenFile)
	if err != nil {
		return fail(stderr, fmt.Errorf("presign: %v", err))
	}
	req := gatewayapi.CreateRequest{MaxDownloads: o.maxDownloads, Password: password, Mode: string(mode),
		Disposition: o.disposition, Filename: o.filename, ContentType: o.contentType, CacheControl: o.cacheControl, VersionID: o.versionID}
	if req.ExpiresIn, req.ExpiresAt, err = gatewayExpiry(o.expires); err != nil {
		return fail(stderr, fmt.Errorf("presign: %v", err))
	}
	var reqs []gatewayapi.CreateRequest
	for _, arg := range pos {
		bucket, key, err := s3model.ParseURI(arg)
		if err == nil && (key == "" || strings.HasSuffix(key, "/")) {
			err = errors.New("a gateway share is one object, not a prefix")
		}
		if err != nil {
			fmt.Fprintf(stderr, "s3share: %s: %s\n", sanitize.Text(arg), sanitize.Text(err.Error()))
			return exitFailed
		}
		r := req
		r.Bucket, r.Key = bucket, key
		reqs = append(reqs, r)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var made []gatewayapi.Share
	for i, r := range reqs {
		sh, err := cl.Create(ctx, r)
		if err != nil {
			fmt.Fprintf(stderr, "s3share: %s: %s\n", sanitize.Text(pos[i]), sanitize.Text(err.Error()))
			if len(made) > 0 {
				fmt.Fprintf(stderr, "s3share: presign: %d of %d shares were made before this one failed:\n", len(made), len(reqs))
				writeShares(c, "url", made)
			}
			return exitFailed
		}
		made = append(made, sh)
	}
	if !o.noLedger {
		if err := recordGatewayShares(cl.URL, made); err != nil {
			fmt.Fprintln(stderr, "s3share: warning: shares not recorded in the ledger: "+sanitize.Text(err.Error()))
		}
	}
	return writeShares(c, format, made)
}

// recordGatewayShares adds gateway shares to the share ledger, with the
// gateway that serves them (so shares revoke finds it).
func recordGatewayShares(gatewayURL string, shares []gatewayapi.Share) error {
	l, _, err := openLedger()
	if err != nil {
		return err
	}
	recs := make([]ledger.Record, len(shares))
	for i, sh := range shares {
		recs[i] = ledger.FromGateway(gatewayURL, sh)
	}
	return l.Append(recs...)
}

// ledgerGateway finds in the share ledger the gateway that serves the
// share or upload request id, and whether it is an upload request; ""
// when it is not there.
func ledgerGateway(id string) (gateway string, upload bool) {
	l, _, err := openLedger()
	if err != nil {
		return "", false
	}
	recs, _, err := l.Load()
	if err != nil {
		return "", false
	}
	for _, r := range recs {
		if (r.Share == id || r.Upload == id) && r.Options["gateway"] != "" {
			return r.Options["gateway"], r.Upload == id
		}
	}
	return "", false
}

// gatewayExpiry reads -e for the gateway: a lifetime (in) or an end
// time (at, RFC 3339); both "" when e is.
func gatewayExpiry(e string) (in, at string, err error) {
	e = strings.TrimSpace(e)
	if e == "" {
		return "", "", nil
	}
	if _, err = lifetime.ParseLong(e); err == nil {
		return e, "", nil
	}
	if t, ok := parseEndTime(e); ok {
		return "", t.UTC().Format(time.RFC3339), nil
	}
	return "", "", err
}

// parseEndTime reads an end time as presign -e takes one (RFC 3339, or
// a local date and time, or a date), without the 7-day limit of a
// presigned link: the gateway checks its own.
func parseEndTime(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// writeShares prints shares: their links one a line, or a JSON array.
func writeShares(c *call, format string, shares []gatewayapi.Share) int {
	if format == "json" {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(shares); err != nil {
			return fail(c.stderr, err)
		}
		return exitOK
	}
	for _, sh := range shares {
		fmt.Fprintln(c.stdout, sanitize.Text(sh.URL))
	}
	return exitOK
}

// sharesRevokeCommand is `s3share shares revoke ID…`.
func sharesRevokeCommand() *command {
	return &command{
		name:    "revoke",
		args:    "ID ...",
		summary: "revoke gateway shares and upload requests",
		about: `
Revokes shares of a share gateway (see s3share serve): their next visit is
refused, and a download streaming through the gateway stops. ID is the
share's ID or its whole link. An upload request's drop link (or its ID, as
the share ledger recorded it) is closed the same way: it takes no more
files, and the uploads under way are aborted.

The gateway is --gateway, else the one the link names, else
$S3SHARE_GATEWAY, else the one the share ledger recorded for the share,
else the config file's [gateway] public_url; the admin token is
$S3SHARE_GATEWAY_TOKEN or --token-file.

A plain presigned link cannot be revoked: it works until it expires.`,
		flags: func(fs *flag.FlagSet) runFunc {
			url := fs.String("gateway", "", "the gateway's base `URL`")
			tokenFile := fs.String("token-file", "", "read the admin token from this `FILE` instead of $S3SHARE_GATEWAY_TOKEN")
			return func(c *call, pos []string) int {
				if len(pos) == 0 {
					return c.usageError("shares revoke: name the shares to revoke")
				}
				return runSharesRevoke(c, *url, *tokenFile, pos)
			}
		},
	}
}

func runSharesRevoke(c *call, gatewayURL, tokenFile string, ids []string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	code := exitOK
	for _, arg := range ids {
		id, where, upload := arg, gatewayURL, false
		for _, sep := range []string{"/s/", "/u/"} {
			if i := strings.LastIndex(id, sep); i >= 0 {
				if where == "" {
					where = id[:i] // the link names its gateway
				}
				id, upload = id[i+3:], sep == "/u/"
				break
			}
		}
		recorded, isUpload := ledgerGateway(id)
		upload = upload || isUpload
		if where == "" && os.Getenv(gatewayEnv) == "" {
			where = recorded
		}
		cl, err := c.gatewayClient(where, tokenFile)
		if err != nil {
			return fail(c.stderr, fmt.Errorf("shares revoke: %v", err))
		}
		var line string
		if upload {
			var u gatewayapi.Upload
			if u, err = cl.RevokeUpload(ctx, id); err == nil {
				line = fmt.Sprintf("revoked upload request %s (s3://%s/%s, %d %s received)", u.ID, sanitize.Text(u.Bucket), sanitize.Text(u.Prefix), u.Files, plural(int(u.Files), "file", "files"))
			}
		} else {
			var sh gatewayapi.Share
			if sh, err = cl.Revoke(ctx, id); err == nil {
				line = fmt.Sprintf("revoked %s (s3://%s/%s, %d %s used)", sh.ID, sanitize.Text(sh.Bucket), sanitize.Text(sh.Key), sh.Downloads, plural(int(sh.Downloads), "download", "downloads"))
			}
		}
		if err != nil {
			fmt.Fprintf(c.stderr, "s3share: %s: %s\n", sanitize.Text(arg), sanitize.Text(err.Error()))
			code = exitFailed
			continue
		}
		fmt.Fprintln(c.stdout, line)
	}
	return code
}
