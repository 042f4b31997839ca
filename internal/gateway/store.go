package gateway

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Mode is how a visit delivers a share's object.
type Mode string

const (
	// Redirect answers a visit with a freshly presigned GET that lives a
	// few seconds: the store serves the bytes, and the URL handed out can
	// be reused until it expires.
	Redirect Mode = "redirect"
	// Stream sends the object through the gateway: every download counts,
	// and a revocation cuts a running download.
	Stream Mode = "stream"
)

// ParseMode reads a mode; "" is Redirect.
func ParseMode(s string) (Mode, error) {
	switch Mode(strings.ToLower(strings.TrimSpace(s))) {
	case "", Redirect:
		return Redirect, nil
	case Stream:
		return Stream, nil
	}
	return "", errors.New("mode must be redirect or stream")
}

// Share is one share record.
type Share struct {
	ID           string
	Store        string // the name of the store that signs
	Bucket, Key  string
	VersionID    string
	Mode         Mode
	Disposition  string // the Content-Disposition header value; "" for none
	ContentType  string // response Content-Type override
	CacheControl string // response Cache-Control override
	// PasswordHash is the argon2id hash (PHC string) of the share's
	// password; "" for none. It never leaves the gateway.
	PasswordHash string
	MaxDownloads int64 // 0 for no limit
	Downloads    int64
	CreatedAt    time.Time
	ExpiresAt    time.Time
	RevokedAt    time.Time // zero when not revoked
	LastAccess   time.Time // zero when never visited
	TokenID      string    // the admin token that made it; "" for the server's own
}

// Revoked reports whether the share was revoked.
func (s *Share) Revoked() bool { return !s.RevokedAt.IsZero() }

// Token is an admin API token as stored: its hash, never the token.
type Token struct {
	ID        string
	Hash      string // hex SHA-256 of the token
	Scope     Scope
	CreatedAt time.Time
	RevokedAt time.Time
}

// Scope limits what a token can see and share: a store, a bucket, a key
// prefix. An empty field allows any.
type Scope struct {
	Store, Bucket, Prefix string
}

// Allows reports whether the scope covers the object store/bucket/key.
func (s Scope) Allows(store, bucket, key string) bool {
	return (s.Store == "" || s.Store == store) &&
		(s.Bucket == "" || s.Bucket == bucket) &&
		strings.HasPrefix(key, s.Prefix)
}

// String writes the scope as s3://bucket/prefix, with the store before it.
func (s Scope) String() string {
	if s == (Scope{}) {
		return "everything"
	}
	out := ""
	if s.Store != "" {
		out = "store " + s.Store
	}
	if s.Bucket != "" {
		if out != "" {
			out += ", "
		}
		out += "s3://" + s.Bucket + "/" + s.Prefix
	}
	return out
}

// Outcome is what became of one visit, as the audit trail records it.
type Outcome string

const (
	OutRedirected       Outcome = "redirected"
	OutStreamed         Outcome = "streamed"
	OutStreamCut        Outcome = "stream cut"
	OutPreview          Outcome = "preview"
	OutPasswordAsked    Outcome = "password asked"
	OutWrongPassword    Outcome = "wrong password"
	OutRateLimited      Outcome = "rate limited"
	OutLimitReached     Outcome = "limit reached"
	OutExpired          Outcome = "expired"
	OutRevoked          Outcome = "revoked"
	OutStoreUnavailable Outcome = "store unavailable"
)

// Event is one row of a share's audit trail.
type Event struct {
	ShareID   string    `json:"-"`
	At        time.Time `json:"at"`
	Client    string    `json:"client"`
	UserAgent string    `json:"user_agent"`
	Outcome   Outcome   `json:"outcome"`
}

// ErrNotFound is a share or token that does not exist.
var ErrNotFound = errors.New("not found")

// Store keeps shares, tokens and the audit trail. OpenStore returns the
// SQLite or PostgreSQL one; both pass the same tests.
type Store interface {
	// CreateShare records a new share.
	CreateShare(ctx context.Context, s *Share) error
	// Share returns one share, or ErrNotFound.
	Share(ctx context.Context, id string) (Share, error)
	// TakeDownload counts one download of the share, atomically, when it
	// is neither revoked nor expired at now, has downloads left, and
	// (unless withPassword) has no password; it returns the share as
	// counted. ok is false when nothing was counted.
	TakeDownload(ctx context.Context, id string, now time.Time, withPassword bool) (s Share, ok bool, err error)
	// Shares lists the shares the scope covers, newest first, at most limit.
	Shares(ctx context.Context, scope Scope, limit int) ([]Share, error)
	// Extend sets a share's expiry. ErrNotFound when it does not exist.
	Extend(ctx context.Context, id string, expires time.Time) error
	// Revoke marks a share revoked at the time given (a share revoked
	// before keeps its first time). ErrNotFound when it does not exist.
	Revoke(ctx context.Context, id string, at time.Time) error
	// AddEvents appends audit events.
	AddEvents(ctx context.Context, events []Event) error
	// Events returns a share's audit trail, oldest first, at most limit.
	Events(ctx context.Context, shareID string, limit int) ([]Event, error)
	// CreateToken records an admin token (its hash).
	CreateToken(ctx context.Context, t Token) error
	// TokenByHash finds a token that is not revoked, or ErrNotFound.
	TokenByHash(ctx context.Context, hash string) (Token, error)
	// Prune deletes the shares and upload requests that expired, or were
	// revoked, before the time given, with their audit trails and files
	// received, and says how many.
	Prune(ctx context.Context, before time.Time) (int64, error)
	// CreateUpload records a new upload request.
	CreateUpload(ctx context.Context, u *Upload) error
	// Upload returns one upload request, or ErrNotFound.
	Upload(ctx context.Context, id string) (Upload, error)
	// ReserveFile records a file about to be sent through an upload
	// request, atomically counting it and its size against the request's
	// limits, when the request is neither revoked nor expired at now and
	// has room. ok is false when nothing was recorded.
	ReserveFile(ctx context.Context, f *UploadFile, now time.Time) (ok bool, err error)
	// UploadFile returns one file of an upload request, or ErrNotFound.
	UploadFile(ctx context.Context, requestID, id string) (UploadFile, error)
	// FileDone marks a file received; ErrNotFound when it does not exist
	// or was marked before.
	FileDone(ctx context.Context, requestID, id string, at time.Time, client string) error
	// UploadFiles lists the files received through a request, oldest
	// first, at most limit.
	UploadFiles(ctx context.Context, requestID string, limit int) ([]UploadFile, error)
	// SetMultipart records the multipart upload a file is sent in.
	SetMultipart(ctx context.Context, requestID, id, uploadID string, partSize int64) error
	// MoveFile moves a file not received from state from to state to,
	// noting at as when it was last asked for; ErrNotFound when there is
	// no such file in state from. (from and to the same only notes at.)
	MoveFile(ctx context.Context, requestID, id string, from, to FileState, at time.Time) error
	// ReleaseFile gives the place and bytes of a file not received back
	// to its request, and marks it released at at; ErrNotFound when there
	// is no such file, or it was received or released.
	ReleaseFile(ctx context.Context, requestID, id string, at time.Time) error
	// ForgetFile deletes a released file and its parts; ErrNotFound when
	// there is no such released file.
	ForgetFile(ctx context.Context, requestID, id string) error
	// SetPart records that part n of a file streamed through whole, and
	// the ETag the store gave it.
	SetPart(ctx context.Context, fileID string, n int, etag string) error
	// PartETags returns the parts of a file that streamed through whole.
	PartETags(ctx context.Context, fileID string) (map[int]string, error)
	// PendingFiles lists files not received of the request (of every
	// request when requestID is "") that are released since before
	// releasedBefore, or cancelled, or last asked for before idleBefore,
	// or whose request is revoked or expired at now; longest idle first,
	// at most limit.
	PendingFiles(ctx context.Context, requestID string, idleBefore, releasedBefore, now time.Time, limit int) ([]UploadFile, error)
	// RevokeUpload closes an upload request at the time given (one closed
	// before keeps its first time); ErrNotFound when it does not exist.
	RevokeUpload(ctx context.Context, id string, at time.Time) error
	// Close closes the database.
	Close() error
}

// millis is a time as stored: Unix milliseconds, 0 for the zero time.
func millis(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMillis reads a stored time.
func fromMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}
