package gateway

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/s3model"
)

// Files of more than one part. The gateway creates the multipart upload
// when the file is asked for, hands out each part's URL (presigned to the
// store, or the gateway's own when it streams), completes the upload from
// the parts the store holds, and aborts it when the uploader cancels, the
// request ends, or the file is abandoned; the sweep finds those.

const (
	// DefaultUploadPartSize is the size of the parts of a file sent
	// through an upload request; a file no bigger goes in one PUT.
	DefaultUploadPartSize = 32 << 20
	// DefaultAbandonAfter is how long a file not received may go without
	// being asked for before it is swept.
	DefaultAbandonAfter = time.Hour
	// DefaultSweepEvery is how often the sweep runs.
	DefaultSweepEvery = time.Minute
)

// MaxObjectSize is the biggest object S3 takes, and MaxPartSize its
// biggest part.
const (
	MaxObjectSize = 5 << 40
	MaxPartSize   = 5 << 30
)

// partSize is the size of the parts of a file of size bytes: the
// configured one, grown so that no more than s3model.MaxParts are needed.
func (g *Gateway) partSize(size int64) int64 {
	ps := g.cfg.UploadPartSize
	if need := (size + s3model.MaxParts - 1) / s3model.MaxParts; ps < need {
		ps = (need + s3model.MinPartSize - 1) / s3model.MinPartSize * s3model.MinPartSize
	}
	return min(ps, MaxPartSize)
}

// parts is how many parts f goes in: at least one, empty for an empty
// file.
func (f *UploadFile) parts() int {
	if f.PartSize <= 0 {
		return 0
	}
	return max(1, int((f.Size+f.PartSize-1)/f.PartSize))
}

// partLen is the size of part n (from 1) of f.
func (f *UploadFile) partLen(n int) int64 {
	if n < f.parts() {
		return f.PartSize
	}
	return f.Size - int64(n-1)*f.PartSize
}

// startMultipart creates the multipart upload of f, whose place is
// reserved, and records it; on failure the place is given back.
func (g *Gateway) startMultipart(ctx context.Context, u *Upload, f *UploadFile, partSize int64) error {
	ops, err := g.ops()
	if err == nil {
		f.UploadID, err = ops.StartMultipart(ctx, u.Bucket, f.Key, f.ContentType)
		if err != nil {
			g.log.Error("start a multipart upload", "id", u.ID, "file", f.ID, "err", err)
			why := "it did not answer"
			if se, ok := s3model.AsStoreError(err); ok {
				why = "it said " + se.Code
			}
			err = refuse(http.StatusBadGateway, "the store would not start the upload of this file (%s)", why)
		}
	}
	if err == nil {
		f.PartSize = partSize
		if err = g.store.SetMultipart(ctx, u.ID, f.ID, f.UploadID, partSize); err != nil && g.abort(u, f) != nil {
			return err // the sweep aborts it later
		}
	}
	if err != nil {
		f.UploadID = ""
		g.release(u, f, "the upload could not start")
	}
	return err
}

// abort aborts f's multipart upload, with a fresh bounded context; an
// upload the store no longer has counts as aborted.
func (g *Gateway) abort(u *Upload, f *UploadFile) error {
	if f.UploadID == "" {
		return nil
	}
	ops, err := g.ops()
	if err == nil {
		err = ops.AbortMultipart(context.Background(), u.Bucket, f.Key, f.UploadID)
	}
	if se, ok := s3model.AsStoreError(err); ok && se.Code == "NoSuchUpload" {
		err = nil
	}
	if err != nil {
		g.log.Error("abort a multipart upload", "id", u.ID, "file", f.ID, "upload", f.UploadID, "err", err)
	}
	return err
}

// release gives f's place back to its request, with a fresh bounded
// context.
func (g *Gateway) release(u *Upload, f *UploadFile, why string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	switch err := g.store.ReleaseFile(ctx, u.ID, f.ID, g.now()); {
	case err == nil:
		f.State = FileReleased
		g.log.Info("upload released", "id", u.ID, "file", f.ID, "key", f.Key, "why", why)
	case !errors.Is(err, ErrNotFound):
		g.log.Error("give a file's place back", "id", u.ID, "file", f.ID, "err", err)
	}
}

// pendingPart finds file fileID of request id, still taking parts, and
// checks part n: the request must take files still. It notes the file as
// asked for.
func (g *Gateway) pendingPart(ctx context.Context, id, fileID string, n int) (Upload, UploadFile, error) {
	u, err := g.store.Upload(ctx, id)
	if err != nil {
		return Upload{}, UploadFile{}, err
	}
	f, err := g.store.UploadFile(ctx, id, fileID)
	if err != nil {
		return Upload{}, UploadFile{}, err
	}
	now := g.now()
	switch {
	case !f.DoneAt.IsZero():
		return Upload{}, UploadFile{}, refuse(http.StatusConflict, "this file was received already")
	case f.State != FilePending:
		return Upload{}, UploadFile{}, refuse(http.StatusConflict, "this file takes no more parts (%s)", f.State)
	case u.open(now) != nil:
		return Upload{}, UploadFile{}, u.open(now)
	case f.UploadID == "":
		return Upload{}, UploadFile{}, refuse(http.StatusBadRequest, "this file takes no parts")
	case n < 1 || n > f.parts():
		return Upload{}, UploadFile{}, refuse(http.StatusBadRequest, "this file has parts 1 to %d", f.parts())
	}
	if err := g.touch(ctx, &f); err != nil {
		return Upload{}, UploadFile{}, err
	}
	return u, f, nil
}

// touch notes that f, still taking parts, was asked for now.
func (g *Gateway) touch(ctx context.Context, f *UploadFile) error {
	err := g.store.MoveFile(ctx, f.RequestID, f.ID, FilePending, FilePending, g.now())
	if errors.Is(err, ErrNotFound) {
		return refuse(http.StatusConflict, "this file takes no more parts")
	}
	return err
}

// FilePart says where to send part n of a file.
func (g *Gateway) FilePart(ctx context.Context, id, fileID string, n int) (gatewayapi.PartTicket, error) {
	u, f, err := g.pendingPart(ctx, id, fileID, n)
	if err != nil {
		return gatewayapi.PartTicket{}, err
	}
	t := gatewayapi.PartTicket{Part: n, Size: f.partLen(n), Method: http.MethodPut, Headers: map[string]string{}}
	if u.Via == ViaDirect {
		res, err := g.signPart(ctx, &u, &f, n, g.now())
		if err != nil {
			return gatewayapi.PartTicket{}, err
		}
		t.URL = res.URL
	} else {
		t.URL = g.UploadURL(id) + "/files/" + fileID + "/parts/" + strconv.Itoa(n)
	}
	return t, nil
}

// partsReady returns the parts to complete f from, when the store holds
// every one with its size; else a refusal that names the first missing.
func (g *Gateway) partsReady(ctx context.Context, ops objectOps, u *Upload, f *UploadFile) ([]s3model.Part, error) {
	parts, err := ops.Parts(ctx, u.Bucket, f.Key, f.UploadID)
	if err != nil {
		g.log.Warn("list the parts of an upload", "id", u.ID, "file", f.ID, "err", err)
		return nil, refuse(http.StatusBadGateway, "the store did not say which parts it holds")
	}
	have := make(map[int]s3model.Part, len(parts))
	for _, p := range parts {
		have[p.Number] = p
	}
	// Parts streamed through the gateway count only as they streamed
	// whole: a store may keep a part cut short, padded to its size.
	var whole map[int]string
	if u.Via == ViaGateway {
		if whole, err = g.store.PartETags(ctx, f.ID); err != nil {
			return nil, err
		}
	}
	use := make([]s3model.Part, 0, f.parts())
	for n := 1; n <= f.parts(); n++ {
		p, ok := have[n]
		etag, streamed := whole[n]
		switch {
		case !ok, whole != nil && !streamed:
			return nil, refuse(http.StatusConflict, "part %d of %d has not arrived", n, f.parts())
		case p.Size != f.partLen(n):
			return nil, refuse(http.StatusConflict, "part %d has %d bytes, not %d", n, p.Size, f.partLen(n))
		case whole != nil && etag != "" && etag != p.ETag:
			return nil, refuse(http.StatusConflict, "part %d did not arrive whole: send it again", n)
		}
		use = append(use, p)
	}
	return use, nil
}

// complete completes f's multipart upload when every part is there.
func (g *Gateway) complete(ctx context.Context, ops objectOps, u *Upload, f *UploadFile) error {
	parts, err := g.partsReady(ctx, ops, u, f)
	if err != nil {
		return err
	}
	if _, err := ops.CompleteMultipart(ctx, u.Bucket, f.Key, f.UploadID, parts); err != nil {
		g.log.Error("complete an upload", "id", u.ID, "file", f.ID, "err", err)
		return refuse(http.StatusBadGateway, "the store did not put the parts together")
	}
	return nil
}

// CancelFile gives up a file not received: its multipart upload is
// aborted (every URL of its parts stops working) and its place given
// back. A file received, or being put together, is not cancelled.
func (g *Gateway) CancelFile(ctx context.Context, id, fileID string) error {
	u, err := g.store.Upload(ctx, id)
	if err != nil {
		return err
	}
	f, err := g.store.UploadFile(ctx, id, fileID)
	if err != nil {
		return err
	}
	if !f.DoneAt.IsZero() {
		return refuse(http.StatusConflict, "this file was received already")
	}
	// A file being put together is waited for: received, or back to
	// pending and cancelled then.
	for try := 0; ; try++ {
		err := g.store.MoveFile(ctx, id, fileID, FilePending, FileCancelled, g.now())
		if err == nil {
			break
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		if _, err := g.awaitFile(ctx, id, fileID); err == nil {
			return refuse(http.StatusConflict, "this file was received already")
		}
		cur, err := g.store.UploadFile(ctx, id, fileID)
		if err != nil {
			return err
		}
		if cur.State == FileCancelled {
			break
		}
		if try > 0 {
			return refuse(http.StatusConflict, "the file could not be cancelled: try again")
		}
	}
	f.State = FileCancelled
	g.settle(ctx, &u, &f, "cancelled")
	return nil
}

// streams are the parts streaming through this gateway, by file, so that
// a cancel or a revocation cuts them before the upload is aborted.
type streams struct {
	mu sync.Mutex
	m  map[string]map[*stream]struct{}
}

// stream is one part streaming: stop ends it, done closes when it has.
type stream struct {
	stop func(error)
	done chan struct{}
}

// add notes a part of file streaming; call the func returned when it
// ends.
func (s *streams) add(file string, stop func(error)) func() {
	st := &stream{stop: stop, done: make(chan struct{})}
	s.mu.Lock()
	if s.m == nil {
		s.m = map[string]map[*stream]struct{}{}
	}
	if s.m[file] == nil {
		s.m[file] = map[*stream]struct{}{}
	}
	s.m[file][st] = struct{}{}
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.m[file], st)
		if len(s.m[file]) == 0 {
			delete(s.m, file)
		}
		s.mu.Unlock()
		close(st.done)
	}
}

// cut stops the parts of file streaming, and waits (a little) for them
// to end.
func (s *streams) cut(file string, why error) {
	s.mu.Lock()
	var all []*stream
	for st := range s.m[file] {
		all = append(all, st)
	}
	s.mu.Unlock()
	wait := time.After(10 * time.Second)
	for _, st := range all {
		st.stop(why)
		select {
		case <-st.done:
		case <-wait:
			return
		}
	}
}

// settle ends a file not received that nobody is putting together. One
// whose completion went through (the object is there) is recorded.
// Otherwise its parts streaming through this gateway are cut, it is
// aborted and its place given back; a file whose abort fails stays
// cancelled, for the next sweep. It is never completed here: a part cut
// short may be held by the store padded to its size, and only the
// uploader's done says every part went whole. A file released a while
// ago is aborted once more, for a part that landed as it was aborted,
// and forgotten.
func (g *Gateway) settle(ctx context.Context, u *Upload, f *UploadFile, why string) {
	ops, err := g.ops()
	if err != nil {
		return
	}
	now := g.now()
	if f.State == FileReleased {
		if g.abort(u, f) == nil {
			if err := g.store.ForgetFile(ctx, u.ID, f.ID); err != nil && !errors.Is(err, ErrNotFound) {
				g.log.Error("forget a released file", "id", u.ID, "file", f.ID, "err", err)
			}
		}
		return
	}
	if f.State == FileCompleting && g.arrived(ctx, ops, u, f) == nil {
		g.received(ctx, f, "")
		return
	}
	if f.State != FileCancelled {
		if err := g.store.MoveFile(ctx, u.ID, f.ID, f.State, FileCancelled, now); err != nil {
			return // moved on meanwhile: received, or another sweep has it
		}
		f.State = FileCancelled
	}
	g.streams.cut(f.ID, errors.New("the file was "+why))
	if g.abort(u, f) != nil {
		return
	}
	g.release(u, f, why)
}

// Sweep ends the files not received of the request id (of every request
// when id is ""), that were cancelled, abandoned (not asked for in
// AbandonAfter) or whose request expired or was revoked: each is aborted
// and its place given back (see settle). Files released reabortAfter ago
// are aborted once more and forgotten. It says how many it looked at.
func (g *Gateway) Sweep(ctx context.Context, id string) (int, error) {
	now := g.now()
	files, err := g.store.PendingFiles(ctx, id, now.Add(-g.cfg.AbandonAfter), now.Add(-reabortAfter), now, 100)
	if err != nil {
		return 0, err
	}
	uploads := map[string]Upload{}
	for i := range files {
		f := &files[i]
		u, ok := uploads[f.RequestID]
		if !ok {
			if u, err = g.store.Upload(ctx, f.RequestID); err != nil {
				return i, err
			}
			uploads[f.RequestID] = u
		}
		g.settle(ctx, &u, f, "abandoned, cancelled, or the link ended")
	}
	return len(files), nil
}

// RevokeUpload closes an upload request the scope covers: it takes no
// more files, and the uploads under way are aborted.
func (g *Gateway) RevokeUpload(ctx context.Context, scope Scope, id string) (Upload, []UploadFile, error) {
	u, err := g.store.Upload(ctx, id)
	if err != nil {
		return Upload{}, nil, err
	}
	if !scope.Allows(u.Store, u.Bucket, u.Prefix) {
		return Upload{}, nil, ErrNotFound
	}
	if err := g.store.RevokeUpload(ctx, id, g.now()); err != nil {
		return Upload{}, nil, err
	}
	g.log.Info("upload request revoked", "id", id)
	for range 10 { // 100 files a round; what is left, the next sweeps end
		n, err := g.Sweep(ctx, id)
		if err != nil {
			g.log.Error("sweep", "err", err)
		}
		if err != nil || n < 100 {
			break
		}
	}
	return g.ShowUpload(ctx, scope, id)
}

// reabortAfter is when a released file is aborted once more: a part
// still arriving when it was aborted (an uploader that did not stop) may
// have landed since.
const reabortAfter = 2 * time.Minute

// maxFilesAsked is the most files an app asks for in one call: each
// starts a multipart upload.
const maxFilesAsked = 100

// RequestFiles is an app asking, with a token the scope of which covers
// the request, for the tickets of several files: the request's rules
// apply to each, but no password is asked.
func (g *Gateway) RequestFiles(ctx context.Context, scope Scope, id string, files []gatewayapi.FileRequest, client string) ([]gatewayapi.FileAnswer, error) {
	u, err := g.store.Upload(ctx, id)
	if err != nil {
		return nil, err
	}
	if !scope.Allows(u.Store, u.Bucket, u.Prefix) {
		return nil, ErrNotFound
	}
	if len(files) == 0 || len(files) > maxFilesAsked {
		return nil, badRequest("ask for 1 to %d files at once", maxFilesAsked)
	}
	out := make([]gatewayapi.FileAnswer, len(files))
	for i, req := range files {
		out[i].Name = req.Name
		t, err := g.requestFile(ctx, &u, req, client, false)
		var rf *Refusal
		switch {
		case err == nil:
			out[i].Ticket = &t
		case errors.As(err, &rf):
			out[i].Error, out[i].Status = rf.Msg, rf.Status
		default:
			return nil, err
		}
	}
	return out, nil
}
