package gateway

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/s3share/s3share/internal/touch"
	"github.com/s3share/s3share/presign/gatewayapi"
)

//go:embed pages/upload.js
var uploadJS []byte

// uploadPageData fills the upload page.
type uploadPageData struct {
	pageData
	ID       string
	Password bool
	MaxSize  string
	MaxFiles int64
	MaxTotal string
	Until    string // when the link closes, in UTC
	Types    string // for the file input's accept attribute and the rules line
}

// handleUploadPage is the drop link's page.
func (g *Gateway) handleUploadPage(w http.ResponseWriter, r *http.Request) {
	u, err := g.store.Upload(r.Context(), r.PathValue("id"))
	switch {
	case errors.Is(err, ErrNotFound):
		g.page(w, r, g.pageTmpl.message, http.StatusNotFound, pageData{Title: "No such link", Text: "This link does not lead to an upload request. Check that it was copied whole."})
		return
	case err != nil:
		g.log.Error("upload page", "err", err)
		g.page(w, r, g.pageTmpl.message, http.StatusServiceUnavailable, pageData{Title: "The link cannot be opened right now", Text: "Try again in a little while."})
		return
	}
	if err := u.open(g.now()); err != nil {
		g.page(w, r, g.pageTmpl.message, http.StatusGone, pageData{Title: "Link not available", Text: "Uploads are closed: " + err.Error() + ". Ask whoever sent it for a new one."})
		return
	}
	d := uploadPageData{pageData: pageData{Title: "Send files"}, ID: u.ID, Password: u.PasswordHash != "",
		MaxSize: limitText(u.MaxFileSize), MaxFiles: u.MaxFiles, MaxTotal: limitText(u.MaxTotal),
		Until: u.ExpiresAt.UTC().Format("2 January 2006, 15:04 UTC"), Types: strings.Join(u.Types, ",")}
	var b bytes.Buffer
	if err := g.pageTmpl.upload.ExecuteTemplate(&b, "layout", d); err != nil {
		g.log.Error("page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	setPageHeaders(w.Header())
	connect := "'self'"
	if u.Via == ViaDirect {
		// The page PUTs to the store: allow its origin, and only it.
		if res, err := g.signPart(r.Context(), &u, &UploadFile{Key: u.Prefix + "x", UploadID: "x", PartSize: 1, Size: 1}, 1, g.now()); err == nil {
			if o, err := url.Parse(res.URL); err == nil {
				connect += " " + o.Scheme + "://" + o.Host
			}
		}
	}
	w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src "+connect+"; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(b.Bytes())
	}
}

func (g *Gateway) handleUploadJS(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(uploadJS)
}

// uploadErr answers a call of the upload page that failed, as JSON.
func (g *Gateway) uploadErr(w http.ResponseWriter, err error) {
	var rf *Refusal
	var sig *signError
	status := http.StatusInternalServerError
	switch {
	case errors.As(err, &rf):
		status = rf.Status
		if rf.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int(rf.RetryAfter.Round(time.Second)/time.Second)+1))
		}
	case errors.Is(err, ErrNotFound):
		status, err = http.StatusNotFound, errors.New("no such upload link or file")
	case errors.As(err, &sig):
		status, err = http.StatusServiceUnavailable, errors.New("the store cannot take files right now")
	default:
		g.log.Error("upload", "err", err)
		err = errors.New("internal error")
	}
	writeJSON(w, status, gatewayapi.ErrorBody{Error: err.Error()})
}

// handleFileRequest is the page asking to send one file.
func (g *Gateway) handleFileRequest(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	var req gatewayapi.FileRequest
	if err := decode(r, &req); err != nil {
		g.uploadErr(w, refuse(http.StatusBadRequest, "%v", err))
		return
	}
	t, err := g.RequestFile(r.Context(), r.PathValue("id"), req, clientAddr(r, g.cfg.TrustedProxies))
	g.reply(w, http.StatusCreated, t, err)
}

// handleFileDone is the page saying a file was sent.
func (g *Gateway) handleFileDone(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	f, err := g.FileDone(r.Context(), r.PathValue("id"), r.PathValue("file"), clientAddr(r, g.cfg.TrustedProxies))
	g.reply(w, http.StatusOK, receivedJSON(f), err)
}

// handlePartPut streams one part of a file through the gateway.
func (g *Gateway) handlePartPut(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	n, err := partNumber(r)
	if err != nil {
		g.uploadErr(w, err)
		return
	}
	u, f, err := g.pendingPart(r.Context(), r.PathValue("id"), r.PathValue("file"), n)
	if err != nil {
		g.uploadErr(w, err)
		return
	}
	g.streamUp(w, r, &u, &f, n)
}

// streamUp sends the body of r to the store as part n of file f:
// exactly the bytes announced, bounded by progress rather than by the
// length of the whole. The file is noted as asked for as the bytes come
// (at most once a minute), so that the sweep leaves a slow part alone.
func (g *Gateway) streamUp(w http.ResponseWriter, r *http.Request, u *Upload, f *UploadFile, n int) {
	size := f.partLen(n)
	if r.ContentLength != size {
		g.uploadErr(w, refuse(http.StatusBadRequest, "the part must be the %d bytes announced", size))
		return
	}
	res, err := g.signPart(r.Context(), u, f, n, g.now())
	if err != nil {
		g.uploadErr(w, err)
		return
	}
	// The server's read timeout is for requests of a few kilobytes: a
	// streamed part is bounded by progress instead. Stopping it ends the
	// read of the body too: a request to the store waits on that.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	ctx, cancel := context.WithCancelCause(r.Context())
	defer cancel(nil)
	stop := func(why error) {
		cancel(why)
		rc.SetReadDeadline(time.Now())
	}
	idle := time.AfterFunc(g.cfg.StreamIdle, func() { stop(errors.New("the upload stalled")) })
	defer idle.Stop()
	// A cancel cuts the part; one that came just before this part was
	// noted is seen here.
	defer g.streams.add(f.ID, stop)()
	if cur, err := g.store.UploadFile(ctx, u.ID, f.ID); err != nil || cur.State != FilePending {
		g.uploadErr(w, refuse(http.StatusConflict, "this file takes no more parts"))
		return
	}
	var touched atomic.Int64
	touched.Store(time.Now().UnixNano())
	progress := func() {
		idle.Reset(g.cfg.StreamIdle)
		if now := time.Now(); now.UnixNano()-touched.Load() > int64(time.Minute) {
			touched.Store(now.UnixNano())
			go g.touch(context.WithoutCancel(ctx), f)
		}
	}
	body := &touch.Reader{R: http.MaxBytesReader(w, r.Body, size), Touch: progress}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, res.URL, body)
	if err != nil {
		g.uploadErr(w, err)
		return
	}
	req.ContentLength = size
	if size == 0 {
		req.Body = http.NoBody
	}
	resp, err := g.client.Do(req)
	if err != nil {
		g.log.Error("streamed upload", "id", u.ID, "file", f.ID, "part", n, "err", err, "cause", context.Cause(ctx))
		g.uploadErr(w, refuse(http.StatusBadGateway, "the upload did not reach the store"))
		return
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		g.log.Error("the store refused a streamed upload", "id", u.ID, "file", f.ID, "part", n, "status", resp.StatusCode, "body", string(msg))
		g.uploadErr(w, refuse(http.StatusBadGateway, "the store refused the part (HTTP %d)", resp.StatusCode))
		return
	}
	// Whole: the store took every byte announced. Completing goes by this.
	if err := g.store.SetPart(context.WithoutCancel(ctx), f.ID, n, strings.Trim(resp.Header.Get("ETag"), `"`)); err != nil {
		g.uploadErr(w, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// partNumber is the part number in the path of r.
func partNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		return 0, refuse(http.StatusBadRequest, "no such part")
	}
	return n, nil
}

// handlePartRequest is the page asking where to send part n of a file.
func (g *Gateway) handlePartRequest(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	n, err := partNumber(r)
	var t gatewayapi.PartTicket
	if err == nil {
		t, err = g.FilePart(r.Context(), r.PathValue("id"), r.PathValue("file"), n)
	}
	g.reply(w, http.StatusOK, t, err)
}

// handleFileCancel is the page giving a file up.
func (g *Gateway) handleFileCancel(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	err := g.CancelFile(r.Context(), r.PathValue("id"), r.PathValue("file"))
	g.reply(w, http.StatusNoContent, nil, err)
}

// reply ends a call of the upload page: out as JSON with status (none
// when nil), or the error.
func (g *Gateway) reply(w http.ResponseWriter, status int, out any, err error) {
	switch {
	case err != nil:
		g.uploadErr(w, err)
	case out == nil:
		w.WriteHeader(status)
	default:
		writeJSON(w, status, out)
	}
}

// Admin API of upload requests.

func (g *Gateway) apiCreateUpload(r *http.Request, tok Token) (int, any, error) {
	var req UploadRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	u, err := g.CreateUpload(r.Context(), tok.ID, tok.Scope, req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, g.uploadJSON(u, nil), nil
}

func (g *Gateway) apiShowUpload(r *http.Request, tok Token) (int, any, error) {
	u, files, err := g.ShowUpload(r.Context(), tok.Scope, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, g.uploadJSON(u, files), nil
}

func (g *Gateway) apiRevokeUpload(r *http.Request, tok Token) (int, any, error) {
	u, files, err := g.RevokeUpload(r.Context(), tok.Scope, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, g.uploadJSON(u, files), nil
}

func (g *Gateway) apiRequestFiles(r *http.Request, tok Token) (int, any, error) {
	var req gatewayapi.FilesRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	files, err := g.RequestFiles(r.Context(), tok.Scope, r.PathValue("id"), req.Files, clientAddr(r, g.cfg.TrustedProxies))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"files": files}, nil
}
