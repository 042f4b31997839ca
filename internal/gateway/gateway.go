// Package gateway is s3share's share gateway: a small HTTP server that
// hands out short links (BASE/s/ID) to objects of one S3 store and checks
// each visit — revoked, expired, downloads left, password — before it
// redirects to a freshly presigned GET or streams the object itself.
// Shares, admin tokens and the audit trail live in SQLite or PostgreSQL
// behind the Store interface.
//
// Gateway holds the share rules; the tests call it directly as well as
// through its HTTP handler.
package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/lifetime"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/s3model"
)

// Defaults.
const (
	DefaultMaxLifetime      = 30 * 24 * time.Hour
	DefaultLifetime         = 7 * 24 * time.Hour
	DefaultRedirectLifetime = 30 * time.Second
	MaxRedirectLifetime     = time.Minute
	DefaultPasswordAttempts = 5
	DefaultPasswordWindow   = 15 * time.Minute
	DefaultCreatePerMinute  = 60
	DefaultPruneAfter       = 7 * 24 * time.Hour
)

// Signing is what the gateway needs of the store: a store to presign
// with for a bucket (its region and current credentials filled in).
// *s3model.Client is one.
type Signing interface {
	SigningStore(ctx context.Context, bucket string) (config.Store, error)
}

// Config sets a Gateway up.
type Config struct {
	Store     Store
	Signing   Signing
	StoreName string // the name of the store that signs, recorded in each share
	// PublicURL is the base of the short links: PublicURL + "/s/" + ID.
	PublicURL string
	// AdminToken is the server's own admin token (any scope); "" for
	// none: then only tokens made by `serve token create` are taken.
	AdminToken     string
	TrustedProxies []netip.Prefix

	MaxLifetime      time.Duration // the longest a share may live; 0 for DefaultMaxLifetime
	DefaultLifetime  time.Duration // a share's lifetime when none is asked; 0 for min(DefaultLifetime, MaxLifetime)
	RedirectLifetime time.Duration // the presigned GET of a redirect; 0 for DefaultRedirectLifetime
	PasswordAttempts int           // wrong passwords per share, and per client, per window; 0 for the default
	PasswordWindow   time.Duration
	// CreatePerMinute is how many shares one token may create a minute
	// (with a burst of as many); 0 for the default, negative for no limit.
	CreatePerMinute int
	PruneAfter      time.Duration // expired or revoked shares are deleted this long after; 0 for the default
	PruneEvery      time.Duration // how often; 0 for an hour

	// UploadPartSize is the size of the parts of files sent through upload
	// requests (at least 5 MiB); a file no bigger goes in one PUT. 0 for
	// DefaultUploadPartSize.
	UploadPartSize int64
	// DefaultVia is how files of upload requests that do not say reach
	// the store; "" for ViaGateway.
	DefaultVia   Via
	AbandonAfter time.Duration // a file not received and not asked for this long is swept; 0 for the default
	StreamIdle   time.Duration // a part streaming through that moves no byte this long is cut; 0 for a minute
	SweepEvery   time.Duration // how often the sweep runs; 0 for the default

	Logger *slog.Logger
	// Client fetches objects for streamed shares; nil for one with
	// sensible timeouts.
	Client *http.Client
	// Now is the clock; nil for time.Now.
	Now func() time.Time
}

// Gateway applies the share rules.
type Gateway struct {
	cfg      Config
	store    Store
	log      *slog.Logger
	now      func() time.Time
	admin    string // hash of the admin token; "" for none
	fails    *failures
	creates  *buckets
	asks     *buckets // files asked for by upload pages, by client
	audit    *auditQueue
	metrics  *metrics
	client   *http.Client
	mu       sync.Mutex
	signers  map[string]signerEntry // by bucket
	pageTmpl pages
	streams  streams // parts streaming through, by file
}

type signerEntry struct {
	s    *presign.Signer
	made time.Time
}

// signerTTL is how long a bucket's signer is kept before the store is
// asked again (credentials that renew are picked up so).
const signerTTL = time.Minute

// New makes a Gateway. Close it to flush the audit trail.
func New(cfg Config) (*Gateway, error) {
	if cfg.Store == nil || cfg.Signing == nil {
		return nil, errors.New("gateway: a store and a signer are needed")
	}
	if cfg.PublicURL == "" {
		return nil, errors.New("gateway: the public URL is needed")
	}
	if _, err := presign.ParseBaseURL(cfg.PublicURL); err != nil {
		return nil, fmt.Errorf("gateway: public URL: %v", err)
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	if cfg.MaxLifetime <= 0 {
		cfg.MaxLifetime = DefaultMaxLifetime
	}
	if cfg.DefaultLifetime <= 0 {
		cfg.DefaultLifetime = min(DefaultLifetime, cfg.MaxLifetime)
	}
	if cfg.DefaultLifetime > cfg.MaxLifetime {
		return nil, fmt.Errorf("gateway: the default share lifetime %s is longer than the longest allowed, %s", lifetime.Format(cfg.DefaultLifetime), lifetime.Format(cfg.MaxLifetime))
	}
	if cfg.RedirectLifetime <= 0 {
		cfg.RedirectLifetime = DefaultRedirectLifetime
	}
	if cfg.RedirectLifetime > MaxRedirectLifetime || cfg.RedirectLifetime%time.Second != 0 {
		return nil, errors.New("gateway: the redirect lifetime must be whole seconds, at most a minute")
	}
	if cfg.PasswordAttempts <= 0 {
		cfg.PasswordAttempts = DefaultPasswordAttempts
	}
	if cfg.PasswordWindow <= 0 {
		cfg.PasswordWindow = DefaultPasswordWindow
	}
	if cfg.CreatePerMinute == 0 {
		cfg.CreatePerMinute = DefaultCreatePerMinute
	}
	if cfg.PruneAfter <= 0 {
		cfg.PruneAfter = DefaultPruneAfter
	}
	if cfg.PruneEvery <= 0 {
		cfg.PruneEvery = time.Hour
	}
	if cfg.UploadPartSize == 0 {
		cfg.UploadPartSize = DefaultUploadPartSize
	}
	if cfg.UploadPartSize < s3model.MinPartSize || cfg.UploadPartSize > MaxPartSize {
		return nil, fmt.Errorf("gateway: the parts of uploads must be of %d bytes to %d", s3model.MinPartSize, MaxPartSize)
	}
	if cfg.AbandonAfter <= 0 {
		cfg.AbandonAfter = DefaultAbandonAfter
	}
	if cfg.StreamIdle <= 0 {
		cfg.StreamIdle = time.Minute
	}
	if cfg.SweepEvery <= 0 {
		cfg.SweepEvery = DefaultSweepEvery
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{
			Transport: &http.Transport{
				Proxy:                 http.ProxyFromEnvironment,
				ResponseHeaderTimeout: 30 * time.Second,
				IdleConnTimeout:       90 * time.Second,
				MaxIdleConnsPerHost:   32,
			},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	g := &Gateway{
		cfg:      cfg,
		store:    cfg.Store,
		log:      cfg.Logger,
		now:      cfg.Now,
		fails:    newFailures(cfg.PasswordAttempts, cfg.PasswordWindow),
		creates:  newBuckets(max(cfg.CreatePerMinute, 0), max(cfg.CreatePerMinute, 1)),
		asks:     newBuckets(asksPerMinute, asksPerMinute),
		metrics:  newMetrics(),
		client:   cfg.Client,
		signers:  map[string]signerEntry{},
		pageTmpl: loadPages(),
	}
	if cfg.AdminToken != "" {
		g.admin = HashToken(cfg.AdminToken)
	}
	g.audit = newAuditQueue(cfg.Store, g.log, g.metrics)
	return g, nil
}

// Close flushes the audit trail. It does not close the Store.
func (g *Gateway) Close() { g.audit.close() }

// URL is the short link of a share.
func (g *Gateway) URL(id string) string { return g.cfg.PublicURL + "/s/" + id }

// CreateRequest is a new share as the admin API takes it.
type CreateRequest = gatewayapi.CreateRequest

// RequestError is a request the gateway refuses as it stands (400).
type RequestError struct{ Msg string }

func (e *RequestError) Error() string { return e.Msg }

func badRequest(format string, a ...any) error { return &RequestError{fmt.Sprintf(format, a...)} }

// ScopeError is a token asking for what its scope does not cover (403).
type ScopeError struct{ Scope Scope }

func (e *ScopeError) Error() string {
	return "this token's scope (" + e.Scope.String() + ") does not cover that object"
}

// RateError is a token that created too many shares too fast (429).
type RateError struct{ RetryAfter time.Duration }

func (e *RateError) Error() string {
	return fmt.Sprintf("too many shares created with this token: try again in %s", lifetime.Format(e.RetryAfter.Round(time.Second)+time.Second))
}

// expiry reads a share's end from ExpiresAt or ExpiresIn, checked
// against the gateway's longest lifetime.
func (g *Gateway) expiry(at, in string, now time.Time, def time.Duration) (time.Time, error) {
	var end time.Time
	switch {
	case strings.TrimSpace(at) != "":
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(at))
		if err != nil {
			return time.Time{}, badRequest("expires_at: want an RFC 3339 time such as 2026-12-24T18:00:00Z")
		}
		end = t
	case strings.TrimSpace(in) != "":
		d, err := lifetime.ParseLong(in)
		if err != nil {
			return time.Time{}, badRequest("expires_in: %v", err)
		}
		end = now.Add(d)
	default:
		end = now.Add(def)
	}
	if !end.After(now) {
		return time.Time{}, badRequest("the expiry is not in the future")
	}
	if end.Sub(now) > g.cfg.MaxLifetime+time.Second {
		return time.Time{}, badRequest("it would live %s; this gateway allows at most %s (max_share_lifetime)", lifetime.Format(end.Sub(now).Round(time.Second)), lifetime.Format(g.cfg.MaxLifetime))
	}
	return end.UTC(), nil
}

// Create makes a share for a token with the given scope (tokenID "" for
// the server's own token).
func (g *Gateway) Create(ctx context.Context, tokenID string, scope Scope, req CreateRequest) (Share, error) {
	now := g.now()
	if req.Bucket == "" || req.Key == "" {
		return Share{}, badRequest("a share needs a bucket and a key")
	}
	if strings.HasSuffix(req.Key, "/") {
		return Share{}, badRequest("%q is a prefix, not an object: a share is one object", req.Key)
	}
	if !scope.Allows(g.cfg.StoreName, req.Bucket, req.Key) {
		return Share{}, &ScopeError{scope}
	}
	mode, err := ParseMode(req.Mode)
	if err != nil {
		return Share{}, badRequest("%v", err)
	}
	if req.MaxDownloads < 0 {
		return Share{}, badRequest("max_downloads must be 0 (no limit) or more")
	}
	end, err := g.expiry(req.ExpiresAt, req.ExpiresIn, now, g.cfg.DefaultLifetime)
	if err != nil {
		return Share{}, err
	}
	kind := strings.TrimSpace(req.Disposition)
	if kind == "" {
		kind = presign.Attachment
	}
	name := strings.TrimSpace(req.Filename)
	if name == "" {
		name = path.Base(req.Key)
	}
	disp, err := presign.ContentDisposition(kind, name)
	if err != nil {
		return Share{}, badRequest("%v", err)
	}
	sh := Share{
		ID: NewID(), Store: g.cfg.StoreName, Bucket: req.Bucket, Key: req.Key, VersionID: strings.TrimSpace(req.VersionID),
		Mode: mode, Disposition: disp, ContentType: strings.TrimSpace(req.ContentType), CacheControl: strings.TrimSpace(req.CacheControl),
		MaxDownloads: req.MaxDownloads, CreatedAt: now.UTC(), ExpiresAt: end, TokenID: tokenID,
	}
	// Signing once now checks the bucket, key and overrides the way
	// every visit will use them.
	if _, err := g.sign(ctx, &sh, now); err != nil {
		var se *signError
		if errors.As(err, &se) {
			return Share{}, err
		}
		return Share{}, badRequest("%v", err)
	}
	// Only shares that would be made count against the token's rate.
	if ok, wait := g.creates.take(tokenID, now); !ok {
		return Share{}, &RateError{wait}
	}
	if req.Password != "" {
		if sh.PasswordHash, err = HashPassword(req.Password); err != nil {
			return Share{}, badRequest("password: %v", err)
		}
	}
	if err := g.store.CreateShare(ctx, &sh); err != nil {
		return Share{}, fmt.Errorf("record the share: %w", err)
	}
	g.metrics.created.Add(1)
	g.log.Info("share created", "id", sh.ID, "bucket", sh.Bucket, "key", sh.Key, "mode", string(sh.Mode),
		"expires_at", sh.ExpiresAt, "max_downloads", sh.MaxDownloads, "password", sh.PasswordHash != "", "token", tokenID)
	return sh, nil
}

// owned returns the share id when scope covers it, ErrNotFound otherwise
// (a token does not learn of shares outside its scope).
func (g *Gateway) owned(ctx context.Context, scope Scope, id string) (Share, error) {
	sh, err := g.store.Share(ctx, id)
	if err != nil {
		return Share{}, err
	}
	if !scope.Allows(sh.Store, sh.Bucket, sh.Key) {
		return Share{}, ErrNotFound
	}
	return sh, nil
}

// Show returns one share the scope covers.
func (g *Gateway) Show(ctx context.Context, scope Scope, id string) (Share, error) {
	return g.owned(ctx, scope, id)
}

// List returns the shares the scope covers, newest first.
func (g *Gateway) List(ctx context.Context, scope Scope, limit int) ([]Share, error) {
	return g.store.Shares(ctx, scope, limit)
}

// Events returns the audit trail of a share the scope covers.
func (g *Gateway) Events(ctx context.Context, scope Scope, id string, limit int) ([]Event, error) {
	if _, err := g.owned(ctx, scope, id); err != nil {
		return nil, err
	}
	g.audit.flush()
	return g.store.Events(ctx, id, limit)
}

// Extend sets a new expiry, at most the longest lifetime from now.
func (g *Gateway) Extend(ctx context.Context, scope Scope, id, expiresAt, expiresIn string) (Share, error) {
	sh, err := g.owned(ctx, scope, id)
	if err != nil {
		return Share{}, err
	}
	if sh.Revoked() {
		return Share{}, badRequest("the share was revoked: it cannot be extended")
	}
	now := g.now()
	if strings.TrimSpace(expiresAt) == "" && strings.TrimSpace(expiresIn) == "" {
		return Share{}, badRequest("say how long: expires_in or expires_at")
	}
	end, err := g.expiry(expiresAt, expiresIn, now, 0)
	if err != nil {
		return Share{}, err
	}
	if err := g.store.Extend(ctx, id, end); err != nil {
		return Share{}, err
	}
	g.log.Info("share extended", "id", id, "expires_at", end)
	sh.ExpiresAt = end
	return sh, nil
}

// Revoke revokes a share: its next visit is refused, and a download
// streaming through this gateway stops.
func (g *Gateway) Revoke(ctx context.Context, scope Scope, id string) (Share, error) {
	sh, err := g.owned(ctx, scope, id)
	if err != nil {
		return Share{}, err
	}
	now := g.now()
	if err := g.store.Revoke(ctx, id, now); err != nil {
		return Share{}, err
	}
	if !sh.Revoked() {
		sh.RevokedAt = now.UTC()
		g.metrics.revoked.Add(1)
		g.log.Info("share revoked", "id", id)
	}
	return sh, nil
}

// Prune deletes the shares that expired or were revoked more than the
// configured time ago.
func (g *Gateway) Prune(ctx context.Context) (int64, error) {
	n, err := g.store.Prune(ctx, g.now().Add(-g.cfg.PruneAfter))
	if err == nil && n > 0 {
		g.metrics.pruned.Add(n)
		g.log.Info("pruned shares and upload requests", "count", n)
	}
	return n, err
}

// Verdict is what a visit comes to.
type Verdict struct {
	Share   Share
	Outcome Outcome
	// Status is the HTTP status of a refusal.
	Status int
	// RetryAfter is set with OutRateLimited.
	RetryAfter time.Duration
}

// Visit is one visit of a share: password is the one typed (with
// withPassword), client and the user agent are for the audit trail. A
// download is counted only when the verdict lets it through
// (OutRedirected): the caller then delivers it.
func (g *Gateway) Visit(ctx context.Context, id string, withPassword bool, password, client, agent string) (Verdict, error) {
	now := g.now()
	if !withPassword {
		sh, ok, err := g.store.TakeDownload(ctx, id, now, false)
		if err != nil {
			return Verdict{}, err
		}
		if ok {
			return Verdict{Share: sh, Outcome: OutRedirected}, nil
		}
	}
	sh, err := g.store.Share(ctx, id)
	if err != nil {
		return Verdict{}, err
	}
	if v, refused := refusal(&sh, now); refused || (!withPassword && v.Outcome == OutPasswordAsked) {
		g.record(&sh, now, client, agent, v.Outcome)
		return v, nil
	}
	if sh.PasswordHash == "" {
		// A password was sent for a share that has none (or the share
		// changed between the two queries): count it as a plain visit.
		withPassword = false
	} else {
		keys := []string{"share:" + id, "client:" + client}
		if wait := g.fails.blocked(now, keys...); wait > 0 {
			g.record(&sh, now, client, agent, OutRateLimited)
			return Verdict{Share: sh, Outcome: OutRateLimited, Status: http.StatusTooManyRequests, RetryAfter: wait}, nil
		}
		if !CheckPassword(sh.PasswordHash, password) {
			g.fails.fail(now, keys...)
			g.record(&sh, now, client, agent, OutWrongPassword)
			return Verdict{Share: sh, Outcome: OutWrongPassword, Status: http.StatusUnauthorized}, nil
		}
	}
	taken, ok, err := g.store.TakeDownload(ctx, id, now, withPassword)
	if err != nil {
		return Verdict{}, err
	}
	if !ok {
		// Someone else took the last download, or it was revoked, in
		// between: say which.
		if cur, err := g.store.Share(ctx, id); err == nil {
			sh = cur
		}
		v, refused := refusal(&sh, now)
		if !refused {
			v = Verdict{Share: sh, Outcome: OutLimitReached, Status: http.StatusGone}
		}
		g.record(&sh, now, client, agent, v.Outcome)
		return v, nil
	}
	return Verdict{Share: taken, Outcome: OutRedirected}, nil
}

// refusal says why a share cannot be downloaded now, in the order a
// visitor should hear it; refused is false when it can (Outcome is then
// OutPasswordAsked when it needs its password).
func refusal(sh *Share, now time.Time) (v Verdict, refused bool) {
	v.Share = *sh
	switch {
	case sh.Revoked():
		v.Outcome, v.Status = OutRevoked, http.StatusGone
	case !sh.ExpiresAt.After(now):
		v.Outcome, v.Status = OutExpired, http.StatusGone
	case sh.MaxDownloads > 0 && sh.Downloads >= sh.MaxDownloads:
		v.Outcome, v.Status = OutLimitReached, http.StatusGone
	case sh.PasswordHash != "":
		v.Outcome, v.Status = OutPasswordAsked, http.StatusOK
		return v, false
	default:
		return v, false
	}
	return v, true
}

// Preview answers a link-preview fetcher: the share's state, no count.
func (g *Gateway) Preview(ctx context.Context, id, client, agent string) (Verdict, error) {
	sh, err := g.store.Share(ctx, id)
	if err != nil {
		return Verdict{}, err
	}
	now := g.now()
	v, refused := refusal(&sh, now)
	if !refused {
		v = Verdict{Share: sh, Outcome: OutPreview, Status: http.StatusOK}
	}
	g.record(&sh, now, client, agent, OutPreview)
	return v, nil
}

// record queues an audit event and counts the outcome.
func (g *Gateway) record(sh *Share, now time.Time, client, agent string, o Outcome) {
	g.metrics.outcome(o)
	g.audit.add(Event{ShareID: sh.ID, At: now.UTC(), Client: client, UserAgent: agent, Outcome: o})
}

// signError is a store that cannot sign now (503 for a visit).
type signError struct{ err error }

func (e *signError) Error() string { return e.err.Error() }
func (e *signError) Unwrap() error { return e.err }

// sign presigns the share's GET, living the redirect lifetime.
func (g *Gateway) sign(ctx context.Context, sh *Share, now time.Time) (presign.Result, error) {
	s, err := g.signer(ctx, sh.Bucket, now)
	if err != nil {
		return presign.Result{}, &signError{err}
	}
	return s.SignAt(presign.Request{
		Method: presign.GET, Bucket: sh.Bucket, Key: sh.Key, VersionID: sh.VersionID,
		Expires:                    presign.In(g.cfg.RedirectLifetime),
		ResponseContentDisposition: sh.Disposition,
		ResponseContentType:        sh.ContentType,
		ResponseCacheControl:       sh.CacheControl,
	}, now)
}

// signer returns the signer for a bucket, asking the store again after
// signerTTL.
func (g *Gateway) signer(ctx context.Context, bucket string, now time.Time) (*presign.Signer, error) {
	g.mu.Lock()
	e, ok := g.signers[bucket]
	g.mu.Unlock()
	if ok && now.Sub(e.made) < signerTTL {
		return e.s, nil
	}
	st, err := g.cfg.Signing.SigningStore(ctx, bucket)
	if err != nil {
		return nil, err
	}
	s, err := presign.NewSigner(st)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	g.signers[bucket] = signerEntry{s: s, made: now}
	g.mu.Unlock()
	return s, nil
}
