package gateway

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The store suite runs on SQLite and on PostgreSQL.

func newShare(bucket, key string, max int64, expires time.Time) *Share {
	return &Share{ID: NewID(), Store: "s", Bucket: bucket, Key: key, Mode: Redirect, MaxDownloads: max,
		CreatedAt: time.Now().UTC().Truncate(time.Millisecond), ExpiresAt: expires.UTC().Truncate(time.Millisecond)}
}

func TestStoreShares(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := openStore(t, dsn)
		now := time.Now()
		a := newShare("b1", "dir/a.txt", 2, now.Add(time.Hour))
		a.Disposition, a.ContentType, a.CacheControl, a.VersionID = `attachment; filename="a.txt"`, "text/plain", "no-cache", "v1"
		b := newShare("b1", "other/b_%.txt", 0, now.Add(time.Hour))
		b.PasswordHash = "$argon2id$x"
		c := newShare("b2", "dir/c.txt", 0, now.Add(time.Hour))
		for _, s := range []*Share{a, b, c} {
			if err := st.CreateShare(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		got, err := st.Share(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != *a {
			t.Errorf("Share = %+v, want %+v", got, *a)
		}
		if _, err := st.Share(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Share(nope) = %v, want ErrNotFound", err)
		}

		for _, tc := range []struct {
			scope Scope
			want  int
		}{
			{Scope{}, 3}, {Scope{Bucket: "b1"}, 2}, {Scope{Bucket: "b1", Prefix: "dir/"}, 1},
			{Scope{Bucket: "b1", Prefix: "other/b_%"}, 1}, {Scope{Bucket: "b1", Prefix: "other/b__"}, 0},
			{Scope{Store: "x"}, 0}, {Scope{Store: "s", Prefix: "dir/"}, 2},
		} {
			list, err := st.Shares(ctx, tc.scope, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != tc.want {
				t.Errorf("Shares(%+v) = %d shares, want %d", tc.scope, len(list), tc.want)
			}
		}

		// Counting: a password share is taken only with its password.
		if _, ok, err := st.TakeDownload(ctx, b.ID, now, false); ok || err != nil {
			t.Errorf("TakeDownload(password share, no password) = %v, %v", ok, err)
		}
		if s, ok, err := st.TakeDownload(ctx, b.ID, now, true); !ok || err != nil || s.Downloads != 1 {
			t.Errorf("TakeDownload(password share, password) = %d, %v, %v", s.Downloads, ok, err)
		}
		for i := 1; i <= 3; i++ {
			s, ok, err := st.TakeDownload(ctx, a.ID, now, false)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (i <= 2) || ok && (s.Downloads != int64(i) || s.LastAccess.UnixMilli() != now.UnixMilli()) {
				t.Errorf("take %d: ok %v, downloads %d, last access %v", i, ok, s.Downloads, s.LastAccess)
			}
		}
		// Expired, revoked.
		if _, ok, _ := st.TakeDownload(ctx, c.ID, now.Add(2*time.Hour), false); ok {
			t.Error("an expired share was counted")
		}
		if err := st.Revoke(ctx, c.ID, now); err != nil {
			t.Fatal(err)
		}
		if err := st.Revoke(ctx, c.ID, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Share(ctx, c.ID); got.RevokedAt.UnixMilli() != now.UnixMilli() {
			t.Errorf("revoked at %v, want the first revocation %v", got.RevokedAt, now)
		}
		if _, ok, _ := st.TakeDownload(ctx, c.ID, now, false); ok {
			t.Error("a revoked share was counted")
		}
		if err := st.Revoke(ctx, "nope", now); !errors.Is(err, ErrNotFound) {
			t.Errorf("Revoke(nope) = %v", err)
		}
		// Extend.
		later := now.Add(48 * time.Hour)
		if err := st.Extend(ctx, b.ID, later); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Share(ctx, b.ID); got.ExpiresAt.UnixMilli() != later.UnixMilli() {
			t.Errorf("extended to %v, want %v", got.ExpiresAt, later)
		}
		if err := st.Extend(ctx, "nope", later); !errors.Is(err, ErrNotFound) {
			t.Errorf("Extend(nope) = %v", err)
		}

		// Audit trail.
		ev := []Event{{ShareID: a.ID, At: now, Client: "192.0.2.1", UserAgent: "curl/8", Outcome: OutRedirected}}
		for i := 0; i < 250; i++ {
			ev = append(ev, Event{ShareID: b.ID, At: now, Client: "::1", UserAgent: "x", Outcome: OutWrongPassword})
		}
		if err := st.AddEvents(ctx, ev); err != nil {
			t.Fatal(err)
		}
		got1, err := st.Events(ctx, a.ID, 0)
		if err != nil || len(got1) != 1 || got1[0].Client != "192.0.2.1" || got1[0].Outcome != OutRedirected || got1[0].UserAgent != "curl/8" {
			t.Errorf("Events(a) = %+v, %v", got1, err)
		}
		if got2, _ := st.Events(ctx, b.ID, 0); len(got2) != 250 {
			t.Errorf("Events(b) = %d events, want 250", len(got2))
		}

		// Prune: c was revoked at now; a and b live on.
		n, err := st.Prune(ctx, now.Add(time.Second))
		if err != nil || n != 1 {
			t.Errorf("Prune = %d, %v; want 1", n, err)
		}
		if _, err := st.Share(ctx, c.ID); !errors.Is(err, ErrNotFound) {
			t.Error("the pruned share is still there")
		}
		if n, _ := st.Prune(ctx, now.Add(3*time.Hour)); n != 1 { // a expires after an hour; b was extended
			t.Errorf("second Prune = %d, want 1", n)
		}
		if ev, _ := st.Events(ctx, a.ID, 0); len(ev) != 0 {
			t.Error("a pruned share's audit trail is still there")
		}
	})
}

func TestStoreTokens(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := openStore(t, dsn)
		token, tok := NewToken(Scope{Bucket: "b", Prefix: "p/"})
		tok.CreatedAt = time.Now()
		if err := st.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		got, err := st.TokenByHash(ctx, HashToken(token))
		if err != nil || got.ID != tok.ID || got.Scope != tok.Scope {
			t.Errorf("TokenByHash = %+v, %v", got, err)
		}
		if _, err := st.TokenByHash(ctx, HashToken(token+"x")); !errors.Is(err, ErrNotFound) {
			t.Errorf("a wrong token was found: %v", err)
		}
	})
}

// TestStoreCountsHoldUnderConcurrency: 50 takes at once on a max-5 share
// count exactly 5, through two stores on one database.
func TestStoreCountsHoldUnderConcurrency(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st1, st2 := openStore(t, dsn), openStore(t, dsn)
		sh := newShare("b", "k", 5, time.Now().Add(time.Hour))
		if err := st1.CreateShare(ctx, sh); err != nil {
			t.Fatal(err)
		}
		var ok atomic.Int64
		var wg sync.WaitGroup
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st := st1
				if i%2 == 1 {
					st = st2
				}
				_, took, err := st.TakeDownload(ctx, sh.ID, time.Now(), false)
				if err != nil {
					t.Error(err)
				}
				if took {
					ok.Add(1)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 5 {
			t.Errorf("%d downloads counted, want 5", ok.Load())
		}
		if got, _ := st1.Share(ctx, sh.ID); got.Downloads != 5 {
			t.Errorf("stored downloads = %d", got.Downloads)
		}
	})
}

// TestStoreMigratesOnce: opening a database again finds it migrated, and
// a database newer than this s3share is refused.
func TestStoreMigratesOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st := openStore(t, dsn)
		sh := newShare("b", "k", 0, time.Now().Add(time.Hour))
		if err := st.CreateShare(ctx, sh); err != nil {
			t.Fatal(err)
		}
		st.Close()
		st = openStore(t, dsn)
		if _, err := st.Share(ctx, sh.ID); err != nil {
			t.Fatalf("after reopening: %v", err)
		}
		s := st.(*sqlStore)
		if _, err := s.w.ExecContext(ctx, s.d.bind("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"), 999, 0); err != nil {
			t.Fatal(err)
		}
		st.Close()
		if _, err := OpenStore(ctx, dsn); err == nil || !strings.Contains(err.Error(), "newer than this s3share") {
			t.Errorf("a newer schema was not refused: %v", err)
		}
	})
}

// TestSQLiteWALIsCheckpointed: the background checkpoints keep the WAL
// from growing with the visits (an undrained RETURNING statement would
// hold a read snapshot and stop them).
func TestSQLiteWALIsCheckpointed(t *testing.T) {
	dir := t.TempDir()
	st := openStore(t, "sqlite:"+filepath.Join(dir, "gw.db"))
	ctx := context.Background()
	sh := newShare("b", "k", 0, time.Now().Add(time.Hour))
	if err := st.CreateShare(ctx, sh); err != nil {
		t.Fatal(err)
	}
	var biggest int64
	for round := 0; round < 3; round++ {
		for i := 0; i < 500; i++ {
			if _, ok, err := st.TakeDownload(ctx, sh.ID, time.Now(), false); !ok || err != nil {
				t.Fatal(ok, err)
			}
		}
		time.Sleep(1200 * time.Millisecond) // a checkpoint runs every second
		if fi, err := os.Stat(filepath.Join(dir, "gw.db-wal")); err == nil {
			biggest = max(biggest, fi.Size())
		}
	}
	// 1,500 commits of a 4 KiB page each make 6 MB unchecked;
	// checkpointed, the WAL is reused from its start and stays near the
	// 2 MB one round needs.
	t.Logf("largest WAL: %d bytes", biggest)
	if biggest > 4<<20 {
		t.Errorf("the WAL grew to %d bytes: it is not being checkpointed", biggest)
	}
	if got, _ := st.Share(ctx, sh.ID); got.Downloads != 1500 {
		t.Errorf("%d downloads counted, want 1500", got.Downloads)
	}
}
