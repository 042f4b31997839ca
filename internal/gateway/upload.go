package gateway

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/s3model"
)

// Via is how the files of an upload request reach the store.
type Via string

const (
	// ViaGateway streams each file through the gateway: it works whatever
	// the bucket's CORS rules say.
	ViaGateway Via = "gateway"
	// ViaDirect has the page PUT each file straight to the store with a
	// presigned URL: the bucket's CORS rules must allow the gateway's
	// origin.
	ViaDirect Via = "direct"
)

// ParseVia reads a Via; "" is ViaGateway (or the gateway's default).
func ParseVia(s string) (Via, error) {
	switch Via(strings.ToLower(strings.TrimSpace(s))) {
	case "", ViaGateway:
		return ViaGateway, nil
	case ViaDirect:
		return ViaDirect, nil
	}
	return "", errors.New("via must be gateway or direct")
}

// Upload is one upload request: a drop link where anyone with it may
// send files under Prefix, within its rules.
type Upload struct {
	ID, Store, Bucket, Prefix string
	MaxFileSize               int64    // 0 for no limit
	MaxFiles                  int64    // 0 for no limit
	MaxTotal                  int64    // bytes, 0 for no limit
	Types                     []string // ".pdf" or "image/png" or "image/*"; none for any
	Via                       Via
	PasswordHash              string
	Files, Bytes              int64 // reserved so far
	CreatedAt, ExpiresAt      time.Time
	RevokedAt                 time.Time
	TokenID                   string
}

// UploadFile is one file sent through an upload request.
type UploadFile struct {
	ID, RequestID, Key, Name string
	Size                     int64
	ContentType              string
	CreatedAt, DoneAt        time.Time // DoneAt is zero until the object was seen in the store
	Client                   string
	// Its multipart upload's id, and the size of every part but the last.
	UploadID string
	PartSize int64
	ActiveAt time.Time // when it was last asked for
	State    FileState
}

// FileState is where a file of an upload request stands.
type FileState string

const (
	FilePending    FileState = "pending"    // its parts may come
	FileCompleting FileState = "completing" // one call is putting it together
	FileCancelled  FileState = "cancelled"  // given up; its abort is still to be done
	FileReceived   FileState = "done"       // received
	// FileReleased is aborted, its place given back; it is aborted once
	// more after a while (a part sent as it was aborted may land), then
	// forgotten.
	FileReleased FileState = "released"
)

// MaxKeyBytes is S3's longest object key.
const MaxKeyBytes = 1024

// maxNameBytes is the longest sanitised file name in a key.
const maxNameBytes = 200

// Refusal is a file an upload request does not take, with the reason the
// page shows.
type Refusal struct {
	Status     int
	Msg        string
	RetryAfter time.Duration // with 429
}

func (e *Refusal) Error() string { return e.Msg }

func refuse(status int, format string, a ...any) error {
	return &Refusal{Status: status, Msg: fmt.Sprintf(format, a...)}
}

// SafeName turns a file name an uploader gave into one safe in a key:
// control, invisible and bidirectional-override characters, path
// separators and invalid UTF-8 become "_", "..", leading dots and spaces
// go, the extension stays, and the result is at most limit bytes (and at
// most 200).
func SafeName(name string, limit int) string {
	limit = min(limit, maxNameBytes)
	var b strings.Builder
	for _, r := range name {
		if unsafeRune(r) {
			b.WriteByte('_')
			continue
		}
		b.WriteRune(r)
	}
	s := b.String()
	for strings.Contains(s, "..") {
		s = strings.ReplaceAll(s, "..", "_")
	}
	s = strings.TrimLeft(s, ". ")
	s = strings.TrimRight(s, ". ")
	if s == "" {
		s = "file"
	}
	ext := path.Ext(s)
	if len(ext) > 16 || ext == "." || len(ext) == len(s) {
		ext = ""
	}
	stem := s[:len(s)-len(ext)]
	if len(stem)+len(ext) > limit {
		keep := limit - len(ext)
		for keep > 0 && !utf8.RuneStart(stem[keep]) {
			keep--
		}
		stem = stem[:max(keep, 0)]
		if stem == "" {
			stem = "file"
		}
	}
	out := stem + ext
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

func unsafeRune(r rune) bool {
	switch {
	case r == utf8.RuneError, r == '/', r == '\\':
		return true
	case unicode.IsControl(r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r), unicode.Is(unicode.Cs, r):
		return true // control, format (bidi overrides, zero-width, BOM), private use
	case unicode.IsSpace(r) && r != ' ':
		return true // tabs, line and paragraph separators
	case !unicode.IsPrint(r) && r != ' ':
		return true
	}
	return false
}

// mediaType is the Content-Type a file is stored with: its extension's
// when the extension has a known one (so that a type rule on extensions
// and one on media types agree, and no .pdf is served as text/html),
// else the one the page gave when it is a valid media type, else
// application/octet-stream.
func mediaType(name, given string) string {
	if t := mime.TypeByExtension(strings.ToLower(path.Ext(name))); t != "" {
		if mt, _, err := mime.ParseMediaType(t); err == nil {
			return mt
		}
	}
	if mt, _, err := mime.ParseMediaType(given); err == nil && strings.Contains(mt, "/") {
		return mt
	}
	return "application/octet-stream"
}

// allowedType reports whether a file of this name and media type passes
// the rule list: an entry ".ext" matches the name's extension, "a/b" the
// media type, "a/*" any media type of a.
func allowedType(types []string, name, mt string) bool {
	if len(types) == 0 {
		return true
	}
	ext := strings.ToLower(path.Ext(name))
	for _, t := range types {
		switch {
		case strings.HasPrefix(t, "."):
			if ext == t {
				return true
			}
		case strings.HasSuffix(t, "/*"):
			if strings.HasPrefix(mt, strings.TrimSuffix(t, "*")) {
				return true
			}
		case mt == t:
			return true
		}
	}
	return false
}

// open says why the link takes no files at now; nil when it does.
func (u *Upload) open(now time.Time) error {
	switch {
	case !u.RevokedAt.IsZero():
		return refuse(http.StatusGone, "this upload link was withdrawn")
	case !u.ExpiresAt.After(now):
		return refuse(http.StatusGone, "this upload link has expired")
	}
	return nil
}

// check applies the rules of one file that need no count: the link still
// stands, the size, the type.
func (u *Upload) check(name string, size int64, mt string, now time.Time) error {
	if err := u.open(now); err != nil {
		return err
	}
	switch {
	case strings.TrimSpace(name) == "":
		return refuse(http.StatusBadRequest, "the file has no name")
	case size < 0:
		return refuse(http.StatusBadRequest, "the file's size is not known")
	case size > MaxObjectSize:
		return refuse(http.StatusRequestEntityTooLarge, "too big: %s; the store takes files up to %s", sizeText(size), sizeText(MaxObjectSize))
	case u.MaxFileSize > 0 && size > u.MaxFileSize:
		return refuse(http.StatusRequestEntityTooLarge, "too big: %s; this link takes files up to %s", sizeText(size), sizeText(u.MaxFileSize))
	case !allowedType(u.Types, name, mt):
		return refuse(http.StatusUnsupportedMediaType, "this type of file is not allowed here (%s); allowed: %s", mt, strings.Join(u.Types, ", "))
	}
	return nil
}

// roomRefusal says which count a reservation that failed ran into.
func (u *Upload) roomRefusal(size int64, now time.Time) error {
	switch {
	case u.open(now) != nil:
		return u.open(now)
	case u.MaxFiles > 0 && u.Files >= u.MaxFiles:
		return refuse(http.StatusConflict, "this link has taken all the files it allows (%d)", u.MaxFiles)
	default:
		return refuse(http.StatusConflict, "this file would go over the total this link takes (%s; %s left)", sizeText(u.MaxTotal), sizeText(max(u.MaxTotal-u.Bytes, 0)))
	}
}

func sizeText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// fileKey is the key of a file: {prefix}{date}/{uuid}-{sanitised name},
// within S3's key limit.
func fileKey(prefix, name string, now time.Time) string {
	head := prefix + now.UTC().Format("2006-01-02") + "/" + uuid.NewString() + "-"
	return head + SafeName(name, MaxKeyBytes-len(head))
}

// UploadRequest is a new upload request as the admin API takes it.
type UploadRequest = gatewayapi.UploadRequest

// asksPerMinute is how many files one client may ask an upload page for
// a minute (as many at once).
const asksPerMinute = 120

// maxPrefixBytes leaves room in a key for the date, the UUID and a name.
const maxPrefixBytes = 700

// CreateUpload makes an upload request for a token with the given scope.
func (g *Gateway) CreateUpload(ctx context.Context, tokenID string, scope Scope, req UploadRequest) (Upload, error) {
	now := g.now()
	if req.Bucket == "" {
		return Upload{}, badRequest("an upload request needs a bucket")
	}
	if req.Prefix != "" && !strings.HasSuffix(req.Prefix, "/") {
		return Upload{}, badRequest("the prefix %q must end in /", req.Prefix)
	}
	if len(req.Prefix) > maxPrefixBytes || !utf8.ValidString(req.Prefix) {
		return Upload{}, badRequest("the prefix must be valid UTF-8 of at most %d bytes", maxPrefixBytes)
	}
	if !scope.Allows(g.cfg.StoreName, req.Bucket, req.Prefix) {
		return Upload{}, &ScopeError{scope}
	}
	if req.MaxFileSize < 0 || req.MaxFiles < 0 || req.MaxTotal < 0 {
		return Upload{}, badRequest("the limits must be 0 (none) or more")
	}
	if req.MaxFileSize > MaxObjectSize {
		return Upload{}, badRequest("the largest file a store takes is %s", sizeText(MaxObjectSize))
	}
	via, err := ParseVia(req.Via)
	if err != nil {
		return Upload{}, badRequest("%v", err)
	}
	if strings.TrimSpace(req.Via) == "" && g.cfg.DefaultVia != "" {
		via = g.cfg.DefaultVia
	}
	var types []string
	for _, t := range req.Types {
		t = strings.ToLower(strings.TrimSpace(t))
		switch {
		case t == "":
			continue
		case strings.HasPrefix(t, ".") && len(t) > 1 && !strings.ContainsAny(t, ",/ "):
		case strings.Count(t, "/") == 1 && !strings.ContainsAny(t, ", ;"):
		default:
			return Upload{}, badRequest("type %q: want an extension such as .pdf or a media type such as image/png or image/*", t)
		}
		types = append(types, t)
	}
	end, err := g.expiry(req.ExpiresAt, req.ExpiresIn, now, g.cfg.DefaultLifetime)
	if err != nil {
		return Upload{}, err
	}
	if _, err := g.signer(ctx, req.Bucket, now); err != nil {
		return Upload{}, &signError{err}
	}
	// A request for a bucket the gateway cannot reach would refuse every
	// file: say so now.
	if hb, ok := g.cfg.Signing.(interface {
		HeadBucket(ctx context.Context, bucket string) error
	}); ok {
		if err := hb.HeadBucket(ctx, req.Bucket); err != nil {
			if se, ok := s3model.AsStoreError(err); ok && se.Status/100 == 4 {
				return Upload{}, badRequest("the gateway cannot use the bucket %q: %s", req.Bucket, se.Code)
			}
			return Upload{}, &signError{err}
		}
	}
	if ok, wait := g.creates.take(tokenID, now); !ok {
		return Upload{}, &RateError{wait}
	}
	u := Upload{
		ID: NewID(), Store: g.cfg.StoreName, Bucket: req.Bucket, Prefix: req.Prefix,
		MaxFileSize: req.MaxFileSize, MaxFiles: req.MaxFiles, MaxTotal: req.MaxTotal, Types: types, Via: via,
		CreatedAt: now.UTC(), ExpiresAt: end, TokenID: tokenID,
	}
	if req.Password != "" {
		if u.PasswordHash, err = HashPassword(req.Password); err != nil {
			return Upload{}, badRequest("password: %v", err)
		}
	}
	if err := g.store.CreateUpload(ctx, &u); err != nil {
		return Upload{}, fmt.Errorf("record the upload request: %w", err)
	}
	g.log.Info("upload request created", "id", u.ID, "bucket", u.Bucket, "prefix", u.Prefix, "via", string(u.Via),
		"expires_at", u.ExpiresAt, "password", u.PasswordHash != "", "token", tokenID)
	return u, nil
}

// ShowUpload returns an upload request the scope covers, with the files
// received.
func (g *Gateway) ShowUpload(ctx context.Context, scope Scope, id string) (Upload, []UploadFile, error) {
	u, err := g.store.Upload(ctx, id)
	if err != nil {
		return Upload{}, nil, err
	}
	if !scope.Allows(u.Store, u.Bucket, u.Prefix) {
		return Upload{}, nil, ErrNotFound
	}
	files, err := g.store.UploadFiles(ctx, id, 10000)
	return u, files, err
}

// UploadURL is the drop link of an upload request.
func (g *Gateway) UploadURL(id string) string { return g.cfg.PublicURL + "/u/" + id }

// RequestFile applies an upload request's rules to one file the page
// asks to send and, when they let it through, reserves its place and says
// where to send it.
func (g *Gateway) RequestFile(ctx context.Context, id string, req gatewayapi.FileRequest, client string) (gatewayapi.FileTicket, error) {
	u, err := g.store.Upload(ctx, id)
	if err != nil {
		return gatewayapi.FileTicket{}, err
	}
	return g.requestFile(ctx, &u, req, client, true)
}

// requestFile is RequestFile for u, asked by the page (fromPage: the
// password and the page's rate apply) or by an app whose token stands
// for them.
func (g *Gateway) requestFile(ctx context.Context, u *Upload, req gatewayapi.FileRequest, client string, fromPage bool) (gatewayapi.FileTicket, error) {
	now := g.now()
	mt := mediaType(req.Name, req.Type)
	if err := u.check(req.Name, req.Size, mt, now); err != nil {
		return gatewayapi.FileTicket{}, err
	}
	// Each file asked for starts a multipart upload: a page (a client
	// address) asks for at most asksPerMinute a minute.
	if fromPage {
		if ok, wait := g.asks.take("client:"+client, now); !ok {
			return gatewayapi.FileTicket{}, &Refusal{Status: http.StatusTooManyRequests, RetryAfter: wait,
				Msg: "too many files asked for at once: wait " + waitText(wait)}
		}
	}
	if u.PasswordHash != "" && fromPage {
		if req.Password == "" {
			return gatewayapi.FileTicket{}, refuse(http.StatusUnauthorized, "this link needs a password: type the one you were given")
		}
		keys := []string{"upload:" + u.ID, "client:" + client}
		if wait := g.fails.blocked(now, keys...); wait > 0 {
			return gatewayapi.FileTicket{}, &Refusal{Status: http.StatusTooManyRequests, RetryAfter: wait,
				Msg: "too many wrong passwords: wait " + waitText(wait)}
		}
		if !CheckPassword(u.PasswordHash, req.Password) {
			g.fails.fail(now, keys...)
			return gatewayapi.FileTicket{}, refuse(http.StatusUnauthorized, "the password is not right")
		}
	}
	f := UploadFile{ID: NewID(), RequestID: u.ID, Key: fileKey(u.Prefix, req.Name, now), Name: req.Name, Size: req.Size,
		ContentType: mt, CreatedAt: now.UTC()}
	ok, err := g.store.ReserveFile(ctx, &f, now)
	if err != nil {
		return gatewayapi.FileTicket{}, err
	}
	if !ok {
		if cur, err := g.store.Upload(ctx, u.ID); err == nil {
			*u = cur
		}
		return gatewayapi.FileTicket{}, u.roomRefusal(req.Size, now)
	}
	// Every file, however small, goes as a multipart upload: no object
	// appears in the store unless the gateway completes it, and aborting
	// it kills every URL handed out for it.
	if err := g.startMultipart(ctx, u, &f, g.partSize(f.Size)); err != nil {
		return gatewayapi.FileTicket{}, err
	}
	base := g.UploadURL(u.ID) + "/files/" + f.ID
	t := gatewayapi.FileTicket{ID: f.ID, Key: f.Key, PartSize: f.PartSize, Parts: f.parts(), PartsURL: base + "/parts",
		DoneURL: base + "/done", CancelURL: base + "/cancel"}
	g.log.Info("upload asked", "id", u.ID, "file", f.ID, "key", f.Key, "size", f.Size, "type", mt, "parts", t.Parts, "client", client)
	return t, nil
}

// uploadURLLifetime is how long a presigned PUT of a part lives: the page
// asks for it when it sends the part.
const uploadURLLifetime = 15 * time.Minute

// signPart signs the PUT of part n of file f. Its Content-Length is
// signed too: the store takes no other size. (A browser sends it by
// itself; a page may not set it.) A part carries no Content-Type: the
// upload was made with it.
func (g *Gateway) signPart(ctx context.Context, u *Upload, f *UploadFile, n int, now time.Time) (presign.Result, error) {
	s, err := g.signer(ctx, u.Bucket, now)
	if err != nil {
		return presign.Result{}, &signError{err}
	}
	life := min(uploadURLLifetime, u.ExpiresAt.Sub(now).Truncate(time.Second)+time.Second)
	return s.SignAt(presign.Request{Method: presign.PUT, Bucket: u.Bucket, Key: f.Key, PartNumber: n, UploadID: f.UploadID,
		Headers: map[string]string{"Content-Length": strconv.FormatInt(f.partLen(n), 10)}, Expires: presign.In(life)}, now)
}

// objectOps is what the gateway does in the store for upload requests
// besides signing: confirm arrivals, drive multipart uploads.
// *s3model.Client is one.
type objectOps interface {
	Stat(ctx context.Context, bucket, key, versionID string) (s3model.Details, error)
	StartMultipart(ctx context.Context, bucket, key, contentType string) (string, error)
	Parts(ctx context.Context, bucket, key, uploadID string) ([]s3model.Part, error)
	CompleteMultipart(ctx context.Context, bucket, key, uploadID string, parts []s3model.Part) (string, error)
	AbortMultipart(ctx context.Context, bucket, key, uploadID string) error
}

// ops is the store's objectOps, or a refusal when the signer is not one.
func (g *Gateway) ops() (objectOps, error) {
	o, ok := g.cfg.Signing.(objectOps)
	if !ok {
		return nil, refuse(http.StatusServiceUnavailable, "this gateway cannot take files")
	}
	return o, nil
}

// FileDone confirms that a file was sent: the gateway completes its
// multipart upload from the parts the store holds, and the object must
// then be in the store with the size announced. It is recorded once;
// asking again, or at the same time, answers the same.
func (g *Gateway) FileDone(ctx context.Context, id, fileID, client string) (UploadFile, error) {
	u, err := g.store.Upload(ctx, id)
	if err != nil {
		return UploadFile{}, err
	}
	f, err := g.store.UploadFile(ctx, id, fileID)
	if err != nil {
		return UploadFile{}, err
	}
	ops, err := g.ops()
	if err != nil {
		return UploadFile{}, err
	}
	switch {
	case !f.DoneAt.IsZero():
		return f, nil
	case f.State == FileCancelled || f.State == FileReleased:
		return UploadFile{}, refuse(http.StatusConflict, "this file was cancelled")
	}
	if err := u.open(g.now()); err != nil {
		return UploadFile{}, err
	}
	// One call puts the file together; another waits for its outcome.
	if err := g.store.MoveFile(ctx, id, fileID, FilePending, FileCompleting, g.now()); err != nil {
		if errors.Is(err, ErrNotFound) {
			return g.awaitFile(ctx, id, fileID)
		}
		return UploadFile{}, err
	}
	// Completing a big file takes the store a while: the uploader going
	// away does not stop it half-way.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), completeTimeout)
	defer cancel()
	if err := g.complete(cctx, ops, &u, &f); err != nil {
		if g.arrived(cctx, ops, &u, &f) != nil {
			// Not there: the file takes parts again.
			if merr := g.store.MoveFile(cctx, id, fileID, FileCompleting, FilePending, g.now()); merr != nil && !errors.Is(merr, ErrNotFound) {
				g.log.Error("upload back to pending", "id", id, "file", fileID, "err", merr)
			}
			return UploadFile{}, err
		}
	} else if err := g.arrived(cctx, ops, &u, &f); err != nil {
		return UploadFile{}, err
	}
	return g.received(cctx, &f, client)
}

// completeTimeout bounds putting a file together and checking it.
const completeTimeout = 5 * time.Minute

// awaitFile waits for another call's outcome on a file being put
// together: received, or back to pending.
func (g *Gateway) awaitFile(ctx context.Context, id, fileID string) (UploadFile, error) {
	ctx, cancel := context.WithTimeout(ctx, completeTimeout)
	defer cancel()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		f, err := g.store.UploadFile(ctx, id, fileID)
		switch {
		case err != nil:
			return UploadFile{}, err
		case !f.DoneAt.IsZero():
			return f, nil
		case f.State == FileCancelled || f.State == FileReleased:
			return UploadFile{}, refuse(http.StatusConflict, "this file was cancelled")
		case f.State != FileCompleting:
			return UploadFile{}, refuse(http.StatusConflict, "the file is not whole yet: send its parts, then say it is done")
		}
		select {
		case <-ctx.Done():
			return UploadFile{}, refuse(http.StatusServiceUnavailable, "the file is still being put together: ask again")
		case <-tick.C:
		}
	}
}

// arrived says whether f is in the store with the size announced.
func (g *Gateway) arrived(ctx context.Context, ops objectOps, u *Upload, f *UploadFile) error {
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	d, err := ops.Stat(sctx, u.Bucket, f.Key, "")
	if err != nil {
		return refuse(http.StatusConflict, "the file has not arrived in the store")
	}
	if d.Size != f.Size {
		g.log.Warn("upload of the wrong size", "id", u.ID, "file", f.ID, "key", f.Key, "announced", f.Size, "stored", d.Size)
		return refuse(http.StatusConflict, "the file in the store has %d bytes, not the %d announced", d.Size, f.Size)
	}
	return nil
}

// received records f as received, by client.
func (g *Gateway) received(ctx context.Context, f *UploadFile, client string) (UploadFile, error) {
	now := g.now()
	if err := g.store.FileDone(ctx, f.RequestID, f.ID, now, client); err != nil {
		if errors.Is(err, ErrNotFound) {
			// Received a moment ago by another call.
			return g.store.UploadFile(ctx, f.RequestID, f.ID)
		}
		return UploadFile{}, err
	}
	f.DoneAt, f.Client, f.State = now.UTC(), client, FileReceived
	g.log.Info("upload received", "id", f.RequestID, "file", f.ID, "key", f.Key, "size", f.Size, "client", client)
	return *f, nil
}

// uploadJSON is an upload request as the admin API shows it.
func (g *Gateway) uploadJSON(u Upload, files []UploadFile) gatewayapi.Upload {
	j := gatewayapi.Upload{ID: u.ID, URL: g.UploadURL(u.ID), Store: u.Store, Bucket: u.Bucket, Prefix: u.Prefix,
		MaxFileSize: u.MaxFileSize, MaxFiles: u.MaxFiles, MaxTotal: u.MaxTotal, Types: u.Types, Via: string(u.Via),
		Password: u.PasswordHash != "", Files: u.Files, Bytes: u.Bytes, State: "active", CreatedAt: u.CreatedAt, ExpiresAt: u.ExpiresAt}
	switch {
	case !u.RevokedAt.IsZero():
		j.State = "revoked"
	case !u.ExpiresAt.After(g.now()):
		j.State = "expired"
	}
	for _, f := range files {
		j.Received = append(j.Received, receivedJSON(f))
	}
	return j
}

func receivedJSON(f UploadFile) gatewayapi.ReceivedFile {
	return gatewayapi.ReceivedFile{ID: f.ID, Name: f.Name, Key: f.Key, Size: f.Size, ContentType: f.ContentType, At: f.DoneAt, Client: f.Client}
}

// limitText writes a size limit for the page.
func limitText(n int64) string {
	if n <= 0 {
		return ""
	}
	return sizeText(n)
}
