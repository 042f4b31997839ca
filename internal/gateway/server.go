package gateway

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/s3share/s3share/presign/gatewayapi"
)

// Handler is the gateway's HTTP interface: the short links, the admin
// API, /healthz and /metrics.
func (g *Gateway) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /s/{id}", g.handleVisit) // and HEAD
	mux.HandleFunc("POST /s/{id}", g.handleUnlock)
	mux.HandleFunc("GET /healthz", g.handleHealth)
	mux.HandleFunc("GET /metrics", g.handleMetrics)
	mux.HandleFunc("POST /api/v1/shares", g.api(g.apiCreate))
	mux.HandleFunc("GET /api/v1/shares", g.api(g.apiList))
	mux.HandleFunc("GET /api/v1/shares/{id}", g.api(g.apiShow))
	mux.HandleFunc("GET /api/v1/shares/{id}/audit", g.api(g.apiAudit))
	mux.HandleFunc("POST /api/v1/shares/{id}/extend", g.api(g.apiExtend))
	mux.HandleFunc("POST /api/v1/shares/{id}/revoke", g.api(g.apiRevoke))
	mux.HandleFunc("DELETE /api/v1/shares/{id}", g.api(g.apiRevoke))
	mux.HandleFunc("GET /u/upload.js", g.handleUploadJS)
	mux.HandleFunc("GET /u/{id}", g.handleUploadPage)
	mux.HandleFunc("POST /u/{id}/files", g.handleFileRequest)
	mux.HandleFunc("POST /u/{id}/files/{file}/done", g.handleFileDone)
	mux.HandleFunc("POST /u/{id}/files/{file}/cancel", g.handleFileCancel)
	mux.HandleFunc("POST /u/{id}/files/{file}/parts/{n}", g.handlePartRequest)
	mux.HandleFunc("PUT /u/{id}/files/{file}/parts/{n}", g.handlePartPut)
	mux.HandleFunc("POST /api/v1/uploads", g.api(g.apiCreateUpload))
	mux.HandleFunc("GET /api/v1/uploads/{id}", g.api(g.apiShowUpload))
	mux.HandleFunc("POST /api/v1/uploads/{id}/files", g.api(g.apiRequestFiles))
	mux.HandleFunc("POST /api/v1/uploads/{id}/revoke", g.api(g.apiRevokeUpload))
	mux.HandleFunc("DELETE /api/v1/uploads/{id}", g.api(g.apiRevokeUpload))
	return mux
}

const (
	maxFormBytes = 8 << 10
	maxAPIBytes  = 64 << 10
)

func (g *Gateway) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, "ok\n")
}

func (g *Gateway) handleMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	g.metrics.write(w)
}

// handleVisit is a visit of a short link: a preview for unfurlers and
// HEAD, the password page for a protected share, else the download.
func (g *Gateway) handleVisit(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	defer func() { g.metrics.visit(time.Since(start)) }()
	id := r.PathValue("id")
	client, agent := clientAddr(r, g.cfg.TrustedProxies), r.UserAgent()
	if isPreviewer(r) {
		v, err := g.Preview(r.Context(), id, client, agent)
		if !g.visitErr(w, r, err) {
			return
		}
		if v.Outcome != OutPreview {
			g.refusalPage(w, r, v)
			return
		}
		title := "A shared file"
		if v.Share.PasswordHash != "" {
			title = "A password-protected file"
		}
		g.page(w, r, g.pageTmpl.message, http.StatusOK, pageData{Title: title, Text: "Open this link in a browser to download it.", Preview: true})
		return
	}
	v, err := g.Visit(r.Context(), id, false, "", client, agent)
	if !g.visitErr(w, r, err) {
		return
	}
	g.answer(w, r, v, client, agent)
}

// handleUnlock is the password form sent back.
func (g *Gateway) handleUnlock(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	defer func() { g.metrics.visit(time.Since(start)) }()
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "the form could not be read", http.StatusBadRequest)
		return
	}
	client, agent := clientAddr(r, g.cfg.TrustedProxies), r.UserAgent()
	v, err := g.Visit(r.Context(), r.PathValue("id"), true, r.PostForm.Get("password"), client, agent)
	if !g.visitErr(w, r, err) {
		return
	}
	g.answer(w, r, v, client, agent)
}

// visitErr answers a visit that failed (unknown share, database down)
// and reports whether there was none.
func (g *Gateway) visitErr(w http.ResponseWriter, r *http.Request, err error) bool {
	switch {
	case err == nil:
		return true
	case errors.Is(err, ErrNotFound):
		g.metrics.notFound.Add(1)
		g.page(w, r, g.pageTmpl.message, http.StatusNotFound, pageData{Title: "No such link", Text: "This link does not lead to a shared file. Check that it was copied whole."})
	default:
		g.log.Error("visit failed", "err", err)
		g.page(w, r, g.pageTmpl.message, http.StatusServiceUnavailable, pageData{Title: "The link cannot be opened right now", Text: "Try again in a little while."})
	}
	return false
}

// answer delivers a verdict: the file, the password page, or a refusal.
func (g *Gateway) answer(w http.ResponseWriter, r *http.Request, v Verdict, client, agent string) {
	switch v.Outcome {
	case OutRedirected:
		g.deliver(w, r, v.Share, client, agent)
	case OutPasswordAsked:
		g.page(w, r, g.pageTmpl.password, http.StatusOK, pageData{Title: "This file is protected by a password"})
	case OutWrongPassword:
		g.page(w, r, g.pageTmpl.password, http.StatusUnauthorized, pageData{Title: "This file is protected by a password", Wrong: true})
	default:
		g.refusalPage(w, r, v)
	}
}

// deliver hands out a counted download: a redirect to a fresh presigned
// GET, or the object streamed.
func (g *Gateway) deliver(w http.ResponseWriter, r *http.Request, sh Share, client, agent string) {
	now := g.now()
	if sh.Mode == Stream {
		g.record(&sh, now, client, agent, g.stream(w, r, sh, now))
		return
	}
	res, err := g.sign(r.Context(), &sh, now)
	if err != nil {
		g.log.Error("cannot sign", "id", sh.ID, "err", err)
		g.record(&sh, now, client, agent, OutStoreUnavailable)
		g.refusalPage(w, r, Verdict{Outcome: OutStoreUnavailable, Status: http.StatusServiceUnavailable})
		return
	}
	g.record(&sh, now, client, agent, OutRedirected)
	h := w.Header()
	h.Set("Location", res.URL)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	status := http.StatusFound
	if r.Method == http.MethodPost {
		status = http.StatusSeeOther
	}
	w.WriteHeader(status)
}

// Streaming: the headers passed on from the store, how often a running
// download checks that its share still stands, and how long it may go
// without progress.
var streamHeaders = []string{"Content-Type", "Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified",
	"Content-Disposition", "Cache-Control", "Content-Encoding", "Content-Language", "Expires"}

const (
	streamCheckEvery = 500 * time.Millisecond
	streamIdle       = time.Minute
)

// stream sends the object through the gateway, and cuts it when the
// share is revoked or expires meanwhile.
func (g *Gateway) stream(w http.ResponseWriter, r *http.Request, sh Share, now time.Time) Outcome {
	ctx, cancel := context.WithCancelCause(r.Context())
	defer cancel(nil)
	res, err := g.sign(ctx, &sh, now)
	if err != nil {
		g.log.Error("cannot sign", "id", sh.ID, "err", err)
		g.refusalPage(w, r, Verdict{Outcome: OutStoreUnavailable, Status: http.StatusServiceUnavailable})
		return OutStoreUnavailable
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, res.URL, nil)
	if err != nil {
		g.refusalPage(w, r, Verdict{Outcome: OutStoreUnavailable, Status: http.StatusServiceUnavailable})
		return OutStoreUnavailable
	}
	for _, h := range []string{"Range", "If-Range"} {
		if v := r.Header.Get(h); v != "" {
			req.Header.Set(h, v)
		}
	}
	resp, err := g.client.Do(req)
	if err != nil {
		g.log.Error("store unreachable", "id", sh.ID, "err", err)
		g.refusalPage(w, r, Verdict{Outcome: OutStoreUnavailable, Status: http.StatusBadGateway})
		return OutStoreUnavailable
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK, http.StatusPartialContent, http.StatusRequestedRangeNotSatisfiable:
	case http.StatusNotFound:
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		g.page(w, r, g.pageTmpl.message, http.StatusNotFound, pageData{Title: "The file is gone", Text: "The shared file no longer exists."})
		return OutStoreUnavailable
	default:
		g.log.Error("store refused the download", "id", sh.ID, "status", resp.StatusCode)
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		g.refusalPage(w, r, Verdict{Outcome: OutStoreUnavailable, Status: http.StatusBadGateway})
		return OutStoreUnavailable
	}
	for _, h := range streamHeaders {
		if v := resp.Header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(resp.StatusCode)

	// Watch the share while the bytes flow; a cut also ends a write
	// that waits on a slow client.
	rc := http.NewResponseController(w)
	errCut := errors.New("the share was revoked or expired")
	watchDone := make(chan struct{})
	var watching sync.WaitGroup
	defer watching.Wait() // after close(watchDone): no deadline is set once the handler is done
	defer close(watchDone)
	watching.Add(1)
	go func() {
		defer watching.Done()
		t := time.NewTicker(streamCheckEvery)
		defer t.Stop()
		for {
			select {
			case <-watchDone:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				cur, err := g.store.Share(ctx, sh.ID)
				if errors.Is(err, ErrNotFound) || err == nil && (cur.Revoked() || !cur.ExpiresAt.After(g.now())) {
					cancel(errCut)
					rc.SetWriteDeadline(time.Now())
					return
				}
			}
		}
	}()
	buf := make([]byte, 64<<10)
	idle := time.AfterFunc(streamIdle, func() { cancel(errors.New("the store stopped sending")) })
	defer idle.Stop()
	for {
		n, rerr := resp.Body.Read(buf)
		if n > 0 {
			idle.Reset(streamIdle)
			rc.SetWriteDeadline(time.Now().Add(streamIdle))
			if _, err := w.Write(buf[:n]); err != nil {
				if errors.Is(context.Cause(ctx), errCut) {
					g.log.Info("download cut", "id", sh.ID, "why", errCut.Error())
				}
				return OutStreamCut
			}
			rc.Flush()
		}
		if rerr == io.EOF {
			return OutStreamed
		}
		if rerr != nil {
			if errors.Is(context.Cause(ctx), errCut) {
				g.log.Info("download cut", "id", sh.ID, "why", errCut.Error())
			}
			// Close the connection rather than end the response as if
			// it were whole.
			panic(http.ErrAbortHandler)
		}
	}
}

// Admin API.

// ShareJSON is a share as the admin API shows it.
type ShareJSON = gatewayapi.Share

func (g *Gateway) shareJSON(sh Share) ShareJSON {
	j := ShareJSON{
		ID: sh.ID, URL: g.URL(sh.ID), Store: sh.Store, Bucket: sh.Bucket, Key: sh.Key, VersionID: sh.VersionID,
		Mode: string(sh.Mode), Disposition: sh.Disposition, ContentType: sh.ContentType, CacheControl: sh.CacheControl,
		Password: sh.PasswordHash != "", MaxDownloads: sh.MaxDownloads, Downloads: sh.Downloads,
		CreatedAt: sh.CreatedAt, ExpiresAt: sh.ExpiresAt, State: "active",
	}
	if v, refused := refusal(&sh, g.now()); refused {
		j.State = map[Outcome]string{OutRevoked: "revoked", OutExpired: "expired", OutLimitReached: "used up"}[v.Outcome]
	}
	if sh.Revoked() {
		t := sh.RevokedAt
		j.RevokedAt = &t
	}
	if !sh.LastAccess.IsZero() {
		t := sh.LastAccess
		j.LastAccess = &t
	}
	return j
}

type apiFunc func(r *http.Request, tok Token) (status int, body any, err error)

// api wraps an admin API handler: the bearer token, the body limit, JSON
// out, errors mapped to statuses.
func (g *Gateway) api(f apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		g.metrics.api.Add(1)
		w.Header().Set("Cache-Control", "no-store")
		tok, ok := g.authorize(r)
		if !ok {
			g.metrics.apiDeny.Add(1)
			w.Header().Set("WWW-Authenticate", `Bearer realm="s3share gateway"`)
			writeJSON(w, http.StatusUnauthorized, gatewayapi.ErrorBody{Error: "a valid admin token is needed: Authorization: Bearer TOKEN"})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxAPIBytes)
		status, body, err := f(r, tok)
		if err != nil {
			var re *RequestError
			var se *ScopeError
			var rate *RateError
			var sig *signError
			switch {
			case errors.As(err, &re):
				status = http.StatusBadRequest
			case errors.As(err, &se):
				g.metrics.apiDeny.Add(1)
				status = http.StatusForbidden
			case errors.As(err, &rate):
				status = http.StatusTooManyRequests
				w.Header().Set("Retry-After", strconv.Itoa(int(rate.RetryAfter/time.Second)+1))
			case errors.Is(err, ErrNotFound):
				what := "share"
				if strings.HasPrefix(r.URL.Path, "/api/v1/uploads") {
					what = "upload request"
				}
				status, err = http.StatusNotFound, errors.New("no such "+what)
			case errors.As(err, &sig):
				status = http.StatusServiceUnavailable
				err = fmt.Errorf("the store cannot sign now: %v", sig.err)
			default:
				g.log.Error("admin API", "path", r.URL.Path, "err", err)
				status, err = http.StatusInternalServerError, errors.New("internal error (see the gateway's log)")
			}
			writeJSON(w, status, gatewayapi.ErrorBody{Error: err.Error()})
			return
		}
		writeJSON(w, status, body)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// authorize finds the token of the request's bearer credentials.
func (g *Gateway) authorize(r *http.Request) (Token, bool) {
	auth := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(auth, "Bearer ")
	raw = strings.TrimSpace(raw)
	if !ok || raw == "" {
		return Token{}, false
	}
	h := HashToken(raw)
	if g.admin != "" && subtle.ConstantTimeCompare([]byte(h), []byte(g.admin)) == 1 {
		return Token{ID: ""}, true
	}
	// Looked up by its hash: the token itself is never stored or compared.
	t, err := g.store.TokenByHash(r.Context(), h)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			g.log.Error("token lookup", "err", err)
		}
		return Token{}, false
	}
	return t, true
}

func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return badRequest("the request body is larger than %d bytes", mbe.Limit)
		}
		return badRequest("the request body is not the JSON expected: %v", err)
	}
	return nil
}

func (g *Gateway) apiCreate(r *http.Request, tok Token) (int, any, error) {
	var req CreateRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	sh, err := g.Create(r.Context(), tok.ID, tok.Scope, req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, g.shareJSON(sh), nil
}

func (g *Gateway) apiList(r *http.Request, tok Token) (int, any, error) {
	limit := 1000
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > 100000 {
			return 0, nil, badRequest("limit: want a number from 1 to 100000")
		}
		limit = n
	}
	list, err := g.List(r.Context(), tok.Scope, limit)
	if err != nil {
		return 0, nil, err
	}
	out := make([]ShareJSON, len(list))
	for i, sh := range list {
		out[i] = g.shareJSON(sh)
	}
	return http.StatusOK, out, nil
}

func (g *Gateway) apiShow(r *http.Request, tok Token) (int, any, error) {
	sh, err := g.Show(r.Context(), tok.Scope, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, g.shareJSON(sh), nil
}

func (g *Gateway) apiAudit(r *http.Request, tok Token) (int, any, error) {
	ev, err := g.Events(r.Context(), tok.Scope, r.PathValue("id"), 10000)
	if err != nil {
		return 0, nil, err
	}
	if ev == nil {
		ev = []Event{}
	}
	return http.StatusOK, ev, nil
}

// ExtendRequest is the body of an extend call.
type ExtendRequest = gatewayapi.ExtendRequest

func (g *Gateway) apiExtend(r *http.Request, tok Token) (int, any, error) {
	var req ExtendRequest
	if err := decode(r, &req); err != nil {
		return 0, nil, err
	}
	sh, err := g.Extend(r.Context(), tok.Scope, r.PathValue("id"), req.ExpiresAt, req.ExpiresIn)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, g.shareJSON(sh), nil
}

func (g *Gateway) apiRevoke(r *http.Request, tok Token) (int, any, error) {
	sh, err := g.Revoke(r.Context(), tok.Scope, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, g.shareJSON(sh), nil
}

// Serve runs the gateway on l until ctx ends, then shuts down gracefully
// (requests in flight get up to grace to finish), and flushes the audit
// trail. With certFile and keyFile it serves HTTPS. Expired shares are
// pruned on a timer meanwhile.
func (g *Gateway) Serve(ctx context.Context, l net.Listener, certFile, keyFile string, grace time.Duration) error {
	srv := &http.Server{
		Handler:           g.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
		// No WriteTimeout: a streamed download sets its own deadline
		// for each write.
	}
	pctx, stopPrune := context.WithCancel(ctx)
	defer stopPrune()
	go g.pruneLoop(pctx)
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ServeTLS(l, certFile, keyFile)
		} else {
			errc <- srv.Serve(l)
		}
	}()
	select {
	case err := <-errc:
		g.Close()
		return err
	case <-ctx.Done():
	}
	g.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		srv.Close()
		err = nil
	}
	g.Close()
	return err
}

// pruneLoop prunes ended shares and requests, and sweeps the files not
// received, each on its timer.
func (g *Gateway) pruneLoop(ctx context.Context) {
	prune := time.NewTicker(g.cfg.PruneEvery)
	defer prune.Stop()
	sweep := time.NewTicker(g.cfg.SweepEvery)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-prune.C:
			pctx, cancel := context.WithTimeout(ctx, time.Minute)
			if _, err := g.Prune(pctx); err != nil {
				g.log.Error("prune", "err", err)
			}
			cancel()
		case <-sweep.C:
			sctx, cancel := context.WithTimeout(ctx, time.Minute)
			if _, err := g.Sweep(sctx, ""); err != nil {
				g.log.Error("sweep", "err", err)
			}
			cancel()
		}
	}
}
