package presign

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/s3share/s3share/config"
)

// MaxRecursive is the most objects one share signs under its prefixes.
const MaxRecursive = 100_000

// Source is what sharing needs from the store: the store to sign with for
// a bucket (its region resolved, which may take one request the first
// time), and a walk over the objects under a prefix (only for recursive
// shares). *s3model.Client is one.
type Source interface {
	SigningStore(ctx context.Context, bucket string) (config.Store, error)
	Walk(ctx context.Context, bucket, prefix string, fn func(key string, size int64) error) error
}

// ShareOptions tune one Share.
type ShareOptions struct {
	Now   time.Time // the signing time; zero for time.Now()
	Limit int       // the most objects signed under prefixes; 0 for MaxRecursive
	// Record keeps the links made (the share ledger); nil keeps nothing.
	// It is called once, and only when every target was signed.
	Record func(results []Result, options map[string]string) error
}

// Shared is what one Share made.
type Shared struct {
	Results []Result // in target order; a prefix's keys in key order
	// Capped is set when a recursive share stopped at its limit.
	Capped bool
	// Warnings are the distinct warnings of the links (credentials that
	// end before the links do, …), in the order they first came.
	Warnings []string
	// RecordErr is set when the links were made but not recorded.
	RecordErr error
}

// TargetError is a target that could not be shared.
type TargetError struct {
	Target Target
	Err    error
}

func (e *TargetError) Error() string { return e.Target.String() + ": " + e.Err.Error() }
func (e *TargetError) Unwrap() error { return e.Err }

// ShareError says what could not be shared: a target, or under a
// recursive target one key. When a share fails it fails whole: nothing
// is returned or recorded.
type ShareError struct {
	Failed []*TargetError // the first MaxNamedFailures failures, in order
	Count  int            // how many failed in all
}

// MaxNamedFailures is how many failures a ShareError names.
const MaxNamedFailures = 20

func (e *ShareError) Error() string {
	if e.Count == 1 {
		return e.Failed[0].Error()
	}
	msgs := make([]string, len(e.Failed))
	for i, f := range e.Failed {
		msgs[i] = f.Error()
	}
	more := ""
	if e.Count > len(e.Failed) {
		more = fmt.Sprintf("; and %d more", e.Count-len(e.Failed))
	}
	return fmt.Sprintf("%d could not be signed: %s%s", e.Count, strings.Join(msgs, "; "), more)
}

// ErrCancelled is returned when ctx ends during a share.
var ErrCancelled = errors.New("signing cancelled")

// Share signs the plan's links for each target: one key, a POST policy
// for a key or prefix, or with a recursive plan every object under a
// prefix (at most the limit, then Capped). Signers are made once per
// region; the only network use is a bucket's region lookup (AWS with no
// region configured) and the walk of a recursive share. Either every
// target is signed, or the error (a *ShareError, or ErrCancelled) names
// what failed and no link is returned or recorded.
func Share(ctx context.Context, src Source, plan Plan, targets []Target, o ShareOptions) (Shared, error) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	limit := o.Limit
	if limit <= 0 {
		limit = MaxRecursive
	}
	sh := sharer{src: src, plan: plan, now: now, limit: limit, signers: map[string]*Signer{}, rules: plan.rulesApply(targets)}
	for _, t := range targets {
		if ctx.Err() != nil {
			return Shared{}, ErrCancelled
		}
		if err := sh.target(ctx, t); err != nil {
			if ctx.Err() != nil {
				return Shared{}, ErrCancelled
			}
			sh.fail(t, err)
		}
	}
	if ctx.Err() != nil {
		return Shared{}, ErrCancelled
	}
	if sh.failures.Count > 0 {
		return Shared{}, &sh.failures
	}
	out := Shared{Results: sh.results, Capped: sh.capped}
	seen := map[string]bool{}
	for _, r := range out.Results {
		if r.Warning != "" && !seen[r.Warning] {
			seen[r.Warning] = true
			out.Warnings = append(out.Warnings, r.Warning)
		}
	}
	if o.Record != nil && len(out.Results) > 0 {
		out.RecordErr = o.Record(out.Results, plan.Options)
	}
	return out, nil
}

// sharer is the state of one Share.
type sharer struct {
	src     Source
	plan    Plan
	now     time.Time
	limit   int
	rules   bool               // the plan's rules set each link (rulesApply)
	signers map[string]*Signer // by bucket
	results []Result
	walked  int // objects signed under prefixes so far
	capped  bool
	// failures are the targets, and keys under recursive targets, that
	// could not be signed.
	failures ShareError
}

// fail notes that t could not be signed.
func (sh *sharer) fail(t Target, err error) {
	sh.failures.Count++
	if len(sh.failures.Failed) < MaxNamedFailures {
		sh.failures.Failed = append(sh.failures.Failed, &TargetError{Target: t, Err: err})
	}
}

// target signs the links of one target.
func (sh *sharer) target(ctx context.Context, t Target) error {
	if sh.plan.Recursive && t.IsPrefix() {
		if err := checkBucket(t.Bucket); err != nil {
			return err
		}
		return sh.walk(ctx, t)
	}
	if err := sh.plan.Check(t); err != nil {
		return err
	}
	return sh.sign(ctx, t.Bucket, t.Key)
}

// Check tells whether the plan can sign a link for t as it stands (a
// recursive plan's prefixes are checked by listing them): a key rather
// than a prefix for GET and PUT, a valid bucket name and key. Forms call
// it to refuse a target as it is typed, in the words Share would use.
func (p Plan) Check(t Target) error {
	if t.IsPrefix() {
		switch p.Method() {
		case GET:
			return errors.New("this is a prefix, not an object: share it recursively (--recursive) to sign every object under it, or name a key")
		case PUT:
			return errors.New("a PUT link needs an object key, not a prefix: name the key to upload to, or use POST for any key under the prefix")
		}
	}
	req, err := p.Request(t.Bucket, t.Key)
	if err != nil {
		return err
	}
	return checkRequest(&req)
}

// walk signs every object under the prefix t, up to the limit. A key
// that cannot be signed is noted and the walk goes on, so that every
// such key is counted (and the first ones named) in one run.
func (sh *sharer) walk(ctx context.Context, t Target) error {
	if sh.capped {
		return nil
	}
	// The bucket's signer first: a store that cannot sign for it fails
	// the target once, not once per key.
	if _, err := sh.signer(ctx, t.Bucket); err != nil {
		return err
	}
	n := 0
	err := sh.src.Walk(ctx, t.Bucket, t.Key, func(key string, _ int64) error {
		if sh.walked == sh.limit {
			sh.capped = true
			return errStop
		}
		n++
		if err := sh.sign(ctx, t.Bucket, key); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			sh.fail(Target{Bucket: t.Bucket, Key: key}, err)
			return nil
		}
		sh.walked++
		return nil
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	if err != nil {
		return err
	}
	if n == 0 && !sh.capped {
		return errors.New("no objects under this prefix")
	}
	return nil
}

// errStop ends a walk at the limit. Source implementations pass a
// callback's error through, so it is recognised on return.
var errStop = errors.New("limit reached")

// sign signs the link for one key (or POST prefix).
func (sh *sharer) sign(ctx context.Context, bucket, key string) error {
	s, err := sh.signer(ctx, bucket)
	if err != nil {
		return err
	}
	req, err := sh.plan.Request(bucket, key)
	if err != nil {
		return err
	}
	var own map[string]string
	if sh.rules {
		if own, err = sh.plan.applyRule(&req); err != nil {
			return err
		}
	}
	r, err := s.SignAt(req, sh.now)
	if err != nil {
		return err
	}
	r.Options = own
	sh.results = append(sh.results, r)
	return nil
}

// signer returns the signer for bucket, made on first use with the
// bucket's region and the plan's public base URL.
func (sh *sharer) signer(ctx context.Context, bucket string) (*Signer, error) {
	if s, ok := sh.signers[bucket]; ok {
		return s, nil
	}
	st, err := sh.src.SigningStore(ctx, bucket)
	if err != nil {
		return nil, err
	}
	if sh.plan.BaseURL != "" {
		st.PublicBaseURL = sh.plan.BaseURL
	}
	// Buckets of one region share a signer, and so its cached keys.
	for _, s := range sh.signers {
		if s.region == st.Region && s.store.PublicBaseURL == st.PublicBaseURL {
			sh.signers[bucket] = s
			return s, nil
		}
	}
	s, err := NewSigner(st)
	if err != nil {
		return nil, err
	}
	sh.signers[bucket] = s
	return s, nil
}
