package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/s3model"
)

// partEnv is a gateway whose files go in 5 MiB parts.
func partEnv(t *testing.T, dsn string) *env {
	return newEnv(t, nil, dsn, func(c *Config) { c.UploadPartSize = s3model.MinPartSize })
}

// pattern is n bytes that differ from part to part.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>20)
	}
	return b
}

// ticket asks for a file through the page's call.
func ticket(t *testing.T, link, name string, size int64) gatewayapi.FileTicket {
	t.Helper()
	var tk gatewayapi.FileTicket
	if st := postJSON(t, link+"/files", gatewayapi.FileRequest{Name: name, Size: size, Type: "application/octet-stream"}, &tk); st != http.StatusCreated {
		t.Fatalf("ask for %s: HTTP %d", name, st)
	}
	return tk
}

// incomplete lists the multipart uploads under prefix.
func (e *env) incomplete(prefix string) []string {
	e.t.Helper()
	c, err := s3model.New(signingStore(e.s3))
	if err != nil {
		e.t.Fatal(err)
	}
	keys, err := c.Incomplete(context.Background(), e.bucket, prefix)
	if err != nil {
		e.t.Fatal(err)
	}
	return keys
}

// sendPart sends part n of a ticket's file from body.
func sendPart(t *testing.T, tk gatewayapi.FileTicket, body []byte, n int) {
	t.Helper()
	var pt gatewayapi.PartTicket
	if st := postJSON(t, tk.PartsURL+"/"+fmt.Sprint(n), struct{}{}, &pt); st != http.StatusOK {
		t.Fatalf("part %d ticket: HTTP %d", n, st)
	}
	off := int64(n-1) * tk.PartSize
	req, _ := http.NewRequest(pt.Method, pt.URL, bytes.NewReader(body[off:off+pt.Size]))
	for k, v := range pt.Headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("part %d: HTTP %d", n, resp.StatusCode)
	}
}

// TestMultipartUploadRequest: a file bigger than a part goes in parts,
// streamed through the gateway and straight to the store; the gateway
// completes it from the parts the store holds, and it arrives byte-exact
// with no incomplete upload left. Done before every part is there says
// which is missing.
func TestMultipartUploadRequest(t *testing.T) {
	e := partEnv(t, backends[0].dsn(t))
	body := pattern(2*s3model.MinPartSize + 12345)
	for _, via := range []string{"gateway", "direct"} {
		t.Run(via, func(t *testing.T) {
			prefix := "big-" + via + "/"
			e.s3.SetCORS(t, e.bucket, e.url)
			u := e.createUpload(UploadRequest{Prefix: prefix, Via: via})
			tk := ticket(t, u.URL, "dump.bin", int64(len(body)))
			if tk.Parts != 3 || tk.PartSize != s3model.MinPartSize || !strings.HasPrefix(tk.PartsURL, u.URL) {
				t.Fatalf("ticket %+v", tk)
			}
			if keys := e.incomplete(prefix); len(keys) != 1 {
				t.Fatalf("incomplete uploads after the ticket: %q", keys)
			}
			sendPart(t, tk, body, 1)
			var eb gatewayapi.ErrorBody
			if st := postJSON(t, tk.DoneURL, struct{}{}, &eb); st != http.StatusConflict || !strings.Contains(eb.Error, "part 2 of 3") {
				t.Errorf("done with one part: HTTP %d %q", st, eb.Error)
			}
			got, err := gatewayapi.Send(context.Background(), tk, bytes.NewReader(body), gatewayapi.SendOptions{})
			if err != nil {
				t.Fatalf("send: %v\n%s", err, e.log.String())
			}
			if got.Size != int64(len(body)) || got.Key != tk.Key {
				t.Errorf("received %+v", got)
			}
			storeHas(t, e, prefix, tk.Key, body)
			if keys := e.incomplete(prefix); len(keys) != 0 {
				t.Errorf("incomplete uploads left: %q", keys)
			}
			var again gatewayapi.ReceivedFile
			if st := postJSON(t, tk.DoneURL, struct{}{}, &again); st != http.StatusOK || again.ID != got.ID {
				t.Errorf("done again: HTTP %d %+v", st, again)
			}
			// A part of a file received is refused.
			if st := postJSON(t, tk.PartsURL+"/1", struct{}{}, &eb); st != http.StatusConflict {
				t.Errorf("a part after the file: HTTP %d", st)
			}
		})
	}
}

// TestCancelAndSweep: a file given up by the page, one abandoned, and one
// whose link expired mid-upload leave no incomplete upload behind and give
// their places back; a part URL handed out before a cancel no longer
// works, so a file cancelled cannot land; an abandoned file whose parts
// are all there is put together and recorded; a request ended a week ago
// is pruned.
func TestCancelAndSweep(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		e := partEnv(t, dsn)
		ctx := context.Background()
		body := pattern(s3model.MinPartSize + 10)
		u := e.createUpload(UploadRequest{Prefix: "c/", MaxFiles: 2, ExpiresIn: "3h", Via: "direct"})
		counts := func() (int64, int64) {
			got, err := e.store.Upload(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.Files, got.Bytes
		}

		tk := ticket(t, u.URL, "a.bin", int64(len(body)))
		sendPart(t, tk, body, 1)
		var late gatewayapi.PartTicket
		postJSON(t, tk.PartsURL+"/2", struct{}{}, &late)
		resp, err := http.Post(tk.CancelURL, "application/json", nil)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("cancel: %v %v", resp.Status, err)
		}
		resp.Body.Close()
		if keys := e.incomplete("c/"); len(keys) != 0 {
			t.Errorf("after a cancel, incomplete uploads: %q", keys)
		}
		if f, b := counts(); f != 0 || b != 0 {
			t.Errorf("after a cancel, %d files and %d bytes reserved", f, b)
		}
		var eb gatewayapi.ErrorBody
		if st := postJSON(t, tk.DoneURL, struct{}{}, &eb); st != http.StatusConflict || !strings.Contains(eb.Error, "cancelled") {
			t.Errorf("done after the cancel: HTTP %d %q", st, eb.Error)
		}
		cancelled := tk
		// The part URL handed out before the cancel is dead.
		req, _ := http.NewRequest(late.Method, late.URL, bytes.NewReader(body[s3model.MinPartSize:]))
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode == http.StatusOK {
			t.Errorf("a part URL after the cancel: %v %v", resp.Status, err)
		} else {
			resp.Body.Close()
		}

		// Abandoned half-way: nothing asked for an hour.
		tk = ticket(t, u.URL, "b.bin", int64(len(body)))
		sendPart(t, tk, body, 1)
		// Abandoned with every part sent but never confirmed: only the
		// uploader's done says the parts went whole.
		small := []byte("small and sent")
		whole := ticket(t, u.URL, "c.bin", int64(len(small)))
		sendPart(t, whole, small, 1)
		if n, err := e.gw.Sweep(ctx, ""); err != nil || n != 0 {
			t.Errorf("a sweep with nothing idle looked at %d, %v", n, err)
		}
		e.clock.advance(DefaultAbandonAfter + time.Minute)
		// (It also aborts the cancelled file once more, and forgets it.)
		if n, err := e.gw.Sweep(ctx, ""); err != nil || n != 3 {
			t.Errorf("the sweep looked at %d files, %v", n, err)
		}
		if _, err := e.store.UploadFile(ctx, u.ID, cancelled.ID); err != ErrNotFound {
			t.Errorf("the cancelled file is not forgotten: %v", err)
		}
		if keys := e.incomplete("c/"); len(keys) != 0 {
			t.Errorf("after the sweep, incomplete uploads: %q", keys)
		}
		if f, b := counts(); f != 0 || b != 0 {
			t.Errorf("after the sweep, %d files and %d bytes counted", f, b)
		}
		if list, _ := e.store.UploadFiles(ctx, u.ID, 0); len(list) != 0 {
			t.Errorf("received %+v", list)
		}

		// The link expires mid-upload.
		tk = ticket(t, u.URL, "d.bin", int64(len(body)))
		sendPart(t, tk, body, 1)
		e.clock.advance(3 * time.Hour)
		if st := postJSON(t, tk.PartsURL+"/2", struct{}{}, &eb); st != http.StatusGone {
			t.Errorf("a part after the expiry: HTTP %d", st)
		}
		// (It also aborts the two files released an hour ago once more.)
		if n, err := e.gw.Sweep(ctx, ""); err != nil || n != 3 {
			t.Errorf("the sweep after the expiry looked at %d, %v", n, err)
		}
		if keys := e.incomplete("c/"); len(keys) != 0 {
			t.Errorf("after the expiry, incomplete uploads: %q", keys)
		}

		// Pruned a week later, with its files: the objects stay.
		e.clock.advance(DefaultPruneAfter + time.Hour)
		if n, err := e.gw.Prune(ctx); err != nil || n != 1 {
			t.Errorf("pruned %d, %v", n, err)
		}
		if _, err := e.store.Upload(ctx, u.ID); err != ErrNotFound {
			t.Errorf("the pruned request: %v", err)
		}
		if keys := storeHas(t, e, "c/", "", nil); len(keys) != 0 {
			t.Errorf("the store holds %q", keys)
		}
	})
}

// TestDoneAndCancelAtOnce: done and cancel of a whole file at the same
// time, and two dones at once: one outcome wins, and the counts, the
// record and the store agree with it.
func TestDoneAndCancelAtOnce(t *testing.T) {
	e := partEnv(t, backends[0].dsn(t))
	ctx := context.Background()
	body := []byte("a small file, every part sent")
	for round := range 6 {
		prefix := fmt.Sprintf("race%d/", round)
		u := e.createUpload(UploadRequest{Prefix: prefix})
		tk := ticket(t, u.URL, "f.bin", int64(len(body)))
		sendPart(t, tk, body, 1)
		second := tk.CancelURL
		if round%2 == 1 {
			second = tk.DoneURL
		}
		codes := make([]int, 2)
		var wg sync.WaitGroup
		for i, link := range []string{tk.DoneURL, second} {
			wg.Go(func() {
				resp, err := http.Post(link, "application/json", strings.NewReader("{}"))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				codes[i] = resp.StatusCode
			})
		}
		wg.Wait()
		got, _ := e.store.Upload(ctx, u.ID)
		keys := storeHas(t, e, prefix, "", nil)
		received, _ := e.store.UploadFiles(ctx, u.ID, 0)
		switch {
		case round%2 == 1 && (codes[0] != 200 || codes[1] != 200):
			t.Errorf("two dones: HTTP %v", codes)
		case codes[0] == 200 && codes[1] != 200 && codes[1] != http.StatusConflict:
			t.Errorf("done won, cancel says HTTP %d", codes[1])
		case codes[0] == 200 && (got.Files != 1 || len(keys) != 1 || len(received) != 1):
			t.Errorf("done won: %d counted, store %q, received %d", got.Files, keys, len(received))
		case codes[0] != 200 && (codes[1] != http.StatusNoContent || got.Files != 0 || len(keys) != 0 || len(received) != 0):
			t.Errorf("cancel won (HTTP %v): %d counted, store %q, received %d", codes, got.Files, keys, len(received))
		}
		if inc := e.incomplete(prefix); len(inc) != 0 {
			t.Errorf("round %d: incomplete uploads %q", round, inc)
		}
	}
}

// failingAbort is the store with aborts that fail while fail is set.
type failingAbort struct {
	*s3model.Client
	fail atomic.Bool
}

func (f *failingAbort) AbortMultipart(ctx context.Context, bucket, key, id string) error {
	if f.fail.Load() {
		return errors.New("the store is away")
	}
	return f.Client.AbortMultipart(ctx, bucket, key, id)
}

// TestAbortThatFailsIsTriedAgain: a cancel whose abort fails keeps the
// file cancelled, its place taken, until a sweep aborts it: no
// incomplete upload is forgotten.
func TestAbortThatFailsIsTriedAgain(t *testing.T) {
	var store *failingAbort
	e := newEnv(t, nil, backends[0].dsn(t), func(c *Config) {
		store = &failingAbort{Client: c.Signing.(*s3model.Client)}
		c.Signing = store
	})
	ctx := context.Background()
	u := e.createUpload(UploadRequest{Prefix: "away/"})
	tk := ticket(t, u.URL, "a.bin", 3)
	sendPart(t, tk, []byte("abc"), 1)
	store.fail.Store(true)
	if resp, err := http.Post(tk.CancelURL, "application/json", nil); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("cancel: %v", err)
	}
	if got, _ := e.store.Upload(ctx, u.ID); got.Files != 1 || len(e.incomplete("away/")) != 1 {
		t.Fatalf("after a failed abort: %d files reserved, incomplete %q", got.Files, e.incomplete("away/"))
	}
	if f, err := e.store.UploadFile(ctx, u.ID, tk.ID); err != nil || f.State != FileCancelled {
		t.Fatalf("the file: %+v, %v", f, err)
	}
	store.fail.Store(false)
	if n, err := e.gw.Sweep(ctx, ""); err != nil || n != 1 {
		t.Errorf("the sweep looked at %d, %v", n, err)
	}
	if got, _ := e.store.Upload(ctx, u.ID); got.Files != 0 || len(e.incomplete("away/")) != 0 {
		t.Errorf("after the sweep: %d files reserved, incomplete %q", got.Files, e.incomplete("away/"))
	}
}

// TestAppUploadAPI: an app with a token scoped to a prefix asks for the
// tickets of several files at once; the request's rules apply to each
// (no password is asked), the files it sends arrive, and a token scoped
// elsewhere is refused. Revoking the request aborts an upload under way.
func TestAppUploadAPI(t *testing.T) {
	e := partEnv(t, backends[0].dsn(t))
	ctx := context.Background()
	token, tok := NewToken(Scope{Bucket: e.bucket, Prefix: "apps/"})
	other, otok := NewToken(Scope{Bucket: e.bucket, Prefix: "else/"})
	for _, tk := range []Token{tok, otok} {
		if err := e.store.CreateToken(ctx, tk); err != nil {
			t.Fatal(err)
		}
	}
	app, err := gatewayapi.NewClient(e.url, token, 30*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	u, err := app.CreateUpload(ctx, UploadRequest{Bucket: e.bucket, Prefix: "apps/phone-7/", MaxFileSize: 8 << 20, Types: []string{"image/*"}, Password: "not for apps"})
	if err != nil {
		t.Fatal(err)
	}
	photo, big := []byte("\xff\xd8\xff a photo"), pattern(6<<20)
	answers, err := app.RequestFiles(ctx, u.ID, []gatewayapi.FileRequest{
		{Name: "IMG_1.jpg", Size: int64(len(photo)), Type: "image/jpeg"},
		{Name: "notes.txt", Size: 3, Type: "text/plain"},
		{Name: "IMG_2.jpg", Size: 9 << 20, Type: "image/jpeg"},
		{Name: "IMG_3.jpg", Size: int64(len(big)), Type: "image/jpeg"},
	})
	if err != nil || len(answers) != 4 {
		t.Fatalf("answers %+v, %v", answers, err)
	}
	if answers[0].Ticket == nil || answers[1].Status != http.StatusUnsupportedMediaType || answers[2].Status != http.StatusRequestEntityTooLarge || answers[3].Ticket == nil {
		t.Fatalf("answers %+v", answers)
	}
	got, err := gatewayapi.Send(ctx, *answers[0].Ticket, bytes.NewReader(photo), gatewayapi.SendOptions{})
	if err != nil || got.Name != "IMG_1.jpg" || !strings.HasPrefix(got.Key, "apps/phone-7/") {
		t.Fatalf("sent %+v, %v", got, err)
	}
	storeHas(t, e, "apps/", got.Key, photo)

	elsewhere, _ := gatewayapi.NewClient(e.url, other, 30*time.Second)
	if _, err := elsewhere.RequestFiles(ctx, u.ID, []gatewayapi.FileRequest{{Name: "a.jpg", Size: 1}}); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a token scoped elsewhere: %v", err)
	}

	sendPart(t, *answers[3].Ticket, big, 1)
	if keys := e.incomplete("apps/"); len(keys) != 1 {
		t.Fatalf("incomplete uploads: %q", keys)
	}
	r, err := app.RevokeUpload(ctx, u.ID)
	if err != nil || r.State != "revoked" {
		t.Fatalf("revoke: %+v, %v", r, err)
	}
	if keys := e.incomplete("apps/"); len(keys) != 0 {
		t.Errorf("after the revoke, incomplete uploads: %q", keys)
	}
	if len(r.Received) != 1 || r.Received[0].Name != "IMG_1.jpg" {
		t.Errorf("the revoked request shows %+v", r.Received)
	}
	if _, err := app.RequestFiles(ctx, u.ID, []gatewayapi.FileRequest{{Name: "IMG_4.jpg", Size: 1, Type: "image/jpeg"}}); err != nil {
		t.Fatal(err)
	} else if a, _ := app.RequestFiles(ctx, u.ID, []gatewayapi.FileRequest{{Name: "IMG_4.jpg", Size: 1, Type: "image/jpeg"}}); a[0].Status != http.StatusGone {
		t.Errorf("a file for a revoked request: %+v", a)
	}
}

// TestUploadDefaults: the gateway's default way applies to requests that
// choose none, and its part size to their files.
func TestUploadDefaults(t *testing.T) {
	e := newEnv(t, nil, backends[0].dsn(t), func(c *Config) { c.DefaultVia, c.UploadPartSize = ViaDirect, 6<<20 })
	u := e.createUpload(UploadRequest{Prefix: "d/"})
	g := e.createUpload(UploadRequest{Prefix: "g/", Via: "gateway"})
	if u.Via != "direct" || g.Via != "gateway" {
		t.Errorf("ways: %s and %s", u.Via, g.Via)
	}
	if tk := ticket(t, u.URL, "a.bin", 6<<20); tk.Parts != 1 {
		t.Errorf("a file of one part: %+v", tk)
	}
	if tk := ticket(t, u.URL, "empty.bin", 0); tk.Parts != 1 {
		t.Errorf("an empty file: %+v", tk)
	} else if got, err := gatewayapi.Send(context.Background(), tk, bytes.NewReader(nil), gatewayapi.SendOptions{}); err != nil || got.Size != 0 {
		t.Errorf("an empty file sent: %+v, %v", got, err)
	}
	var eb gatewayapi.ErrorBody
	if st := postJSON(t, u.URL+"/files", gatewayapi.FileRequest{Name: "huge.bin", Size: math.MaxInt64 / 2}, &eb); st != http.StatusRequestEntityTooLarge {
		t.Errorf("a file bigger than S3 takes: HTTP %d %q", st, eb.Error)
	}
	if tk := ticket(t, u.URL, "b.bin", 6<<20+1); tk.Parts != 2 || tk.PartSize != 6<<20 {
		t.Errorf("a file of two parts: %+v", tk)
	}
	// A page asks for at most asksPerMinute files a minute.
	one := e.createUpload(UploadRequest{Prefix: "asks/", MaxFiles: 1})
	codes := map[int]int{}
	for range asksPerMinute + 1 {
		codes[postJSON(t, one.URL+"/files", gatewayapi.FileRequest{Name: "a.bin", Size: 1}, &eb)]++
	}
	if codes[http.StatusCreated] != 1 || codes[http.StatusTooManyRequests] < 1 {
		t.Errorf("%d asks in a row: %v", asksPerMinute+1, codes)
	}
	for _, ps := range []int64{1 << 20, 6 << 30} {
		if _, err := New(Config{Store: e.store, Signing: e.gw.cfg.Signing, PublicURL: e.url, UploadPartSize: ps}); err == nil {
			t.Errorf("parts of %d bytes were taken", ps)
		}
	}
}

// slowPart starts a PUT of part 1 of a ticket's file through the gateway
// with the first half of body, and returns the writer of the rest and
// where the status comes (-1 when the request failed).
func slowPart(t *testing.T, tk gatewayapi.FileTicket, body []byte) (*io.PipeWriter, chan int) {
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("PUT", tk.PartsURL+"/1", pr)
	req.ContentLength = int64(len(body))
	status := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			status <- -1
			return
		}
		resp.Body.Close()
		status <- resp.StatusCode
	}()
	if _, err := pw.Write(body[:len(body)/2]); err != nil {
		t.Fatal(err)
	}
	return pw, status
}

// TestCancelCutsAStreamedPart: a part streaming through the gateway when
// its file is cancelled is cut, so nothing of it lands; a part whose
// uploader stops sending is cut after the idle time, and the connection
// is not held.
func TestCancelCutsAStreamedPart(t *testing.T) {
	e := newEnv(t, nil, backends[0].dsn(t), func(c *Config) { c.StreamIdle = 300 * time.Millisecond })
	ctx := context.Background()
	body := pattern(64 << 10)
	u := e.createUpload(UploadRequest{Prefix: "cut/", MaxFiles: 1})
	tk := ticket(t, u.URL, "a.bin", int64(len(body)))
	pw, status := slowPart(t, tk, body)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		e.gw.streams.mu.Lock()
		n := len(e.gw.streams.m[tk.ID])
		e.gw.streams.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the part never started streaming")
		}
	}
	resp, err := http.Post(tk.CancelURL, "application/json", nil)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("cancel: %v %v", resp.Status, err)
	}
	resp.Body.Close()
	pw.Write(body[len(body)/2:])
	pw.Close()
	if code := <-status; code == http.StatusOK {
		t.Error("the part cut by the cancel was taken")
	}
	if keys := e.incomplete("cut/"); len(keys) != 0 {
		t.Errorf("incomplete uploads: %q", keys)
	}
	if got, _ := e.store.Upload(ctx, u.ID); got.Files != 0 {
		t.Errorf("%d files reserved after the cancel", got.Files)
	}

	// Stalled: half the part, then nothing.
	tk = ticket(t, u.URL, "b.bin", int64(len(body)))
	pw, status = slowPart(t, tk, body)
	defer pw.Close()
	select {
	case code := <-status:
		if code == http.StatusOK {
			t.Error("a stalled part was taken")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a stalled part still holds its connection after 30 s (the idle time is 300 ms)")
	}
	if !strings.Contains(e.log.String(), "the upload stalled") {
		t.Errorf("the log does not say the part stalled:\n%s", e.log.String())
	}
	// Whatever the store kept of the part cut short (versitygw keeps it
	// padded to its size), the file is not put together from it.
	var eb gatewayapi.ErrorBody
	if st := postJSON(t, tk.DoneURL, struct{}{}, &eb); st != http.StatusConflict || !strings.Contains(eb.Error, "part 1 of 1 has not arrived") {
		t.Errorf("done after a part cut short: HTTP %d %q", st, eb.Error)
	}
	if keys := storeHas(t, e, "cut/", "", nil); len(keys) != 0 {
		t.Errorf("the store holds %q", keys)
	}
	// Sent whole again, it is.
	sendPart(t, tk, body, 1)
	if st := postJSON(t, tk.DoneURL, struct{}{}, &eb); st != http.StatusOK {
		t.Errorf("done after the part was sent again: HTTP %d %q", st, eb.Error)
	}
	storeHas(t, e, "cut/", tk.Key, body)
}
