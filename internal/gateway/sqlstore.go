package gateway

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // the "sqlite" database/sql driver, pure Go
)

//go:embed migrations
var migrations embed.FS

// OpenStore opens (creating it and migrating its schema when needed) the
// database dsn names: "sqlite:PATH" (or a plain path) for an SQLite file,
// "postgres://…" or "postgresql://…" for PostgreSQL.
func OpenStore(ctx context.Context, dsn string) (Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return openPostgres(ctx, dsn)
	case strings.HasPrefix(dsn, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"))
	case strings.Contains(dsn, "://"):
		return nil, fmt.Errorf("database %q: use sqlite:PATH or postgres://…", RedactDSN(dsn))
	}
	return openSQLite(ctx, dsn)
}

// RedactDSN hides the password of a database URL, for messages.
func RedactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

// dialect is what differs between SQLite and PostgreSQL, in one place.
type dialect struct {
	name string
	// dollar turns ? placeholders into $1, $2, … (PostgreSQL).
	dollar bool
	// lock is run first in the migration transaction, so that two
	// gateways starting at once do not both migrate.
	lock string
}

var (
	sqliteDialect   = dialect{name: "sqlite"}
	postgresDialect = dialect{name: "postgres", dollar: true, lock: "SELECT pg_advisory_xact_lock(7305123815)"}
)

// bind writes a query with ? placeholders for the dialect.
func (d dialect) bind(q string) string {
	if !d.dollar {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// sqlStore is the Store on database/sql, for both dialects.
type sqlStore struct {
	d dialect
	w *sql.DB // writes: for SQLite, one connection
	r *sql.DB // reads: for SQLite a pool of its own, for PostgreSQL w

	take, takeAny, get *sql.Stmt

	// takes, for SQLite, feeds the group committer: the downloads asked
	// for at once are counted in one transaction (see committer).
	takes  chan takeReq
	closed chan struct{}

	stop func() // stops the background goroutines; nil for none
}

// takeReq is one TakeDownload waiting for the group committer.
type takeReq struct {
	id           string
	now          int64
	withPassword bool
	res          chan takeRes
}

type takeRes struct {
	sh  Share
	ok  bool
	err error
}

// maxGroup is the most downloads counted in one SQLite transaction.
const maxGroup = 64

const shareCols = "id, store, bucket, object_key, version_id, mode, disposition, content_type, cache_control, password_hash, max_downloads, downloads, created_at, expires_at, revoked_at, last_access, token_id"

const takeSQL = `UPDATE shares SET downloads = downloads + 1, last_access = ?
WHERE id = ? AND revoked_at = 0 AND expires_at > ? AND (max_downloads = 0 OR downloads < max_downloads)`

// openSQLite opens an SQLite file in WAL mode with synchronous=NORMAL:
// one writer connection (SQLite takes one writer at a time anyway, and
// queueing in Go is cheaper than busy retries), a small pool of readers,
// and checkpoints run in the background rather than by the commit that
// happens to cross the threshold.
func openSQLite(ctx context.Context, file string) (Store, error) {
	if file == "" {
		return nil, errors.New("database: sqlite: needs a file path")
	}
	base := "file:" + (&url.URL{Path: file}).EscapedPath() + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	w, err := sql.Open("sqlite", base+"&_pragma=wal_autocheckpoint(0)")
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", base)
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	s := &sqlStore{d: sqliteDialect, w: w, r: r}
	if err := s.init(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("database %s: %w", file, err)
	}
	cctx, cancel := context.WithCancel(context.Background())
	done, committed := make(chan struct{}), make(chan struct{})
	s.takes, s.closed = make(chan takeReq), make(chan struct{})
	go s.checkpoints(cctx, done)
	go s.committer(committed)
	var once sync.Once
	s.stop = func() { once.Do(func() { cancel(); close(s.closed); <-done; <-committed }) }
	return s, nil
}

// checkpoints copies the WAL back into the database file every second,
// off the request path. PASSIVE never waits for readers or the writer.
func (s *sqlStore) checkpoints(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			rows, err := s.r.QueryContext(cctx, "PRAGMA wal_checkpoint(PASSIVE)")
			if err == nil {
				drain(rows)
			}
			cancel()
		}
	}
}

// drain reads rows to the end and closes them: with SQLite an unfinished
// statement keeps its read snapshot, and the WAL can then never be
// checkpointed.
func drain(rows *sql.Rows) error {
	for rows.Next() {
	}
	return closeRows(rows)
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// openPostgres opens a PostgreSQL database through pgx, a pool of 16.
func openPostgres(ctx context.Context, dsn string) (Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("database %s: %v", RedactDSN(dsn), err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &sqlStore{d: postgresDialect, w: db, r: db}
	if err := s.init(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database %s: %w", RedactDSN(dsn), err)
	}
	return s, nil
}

// init migrates the schema and prepares the statements of each visit.
func (s *sqlStore) init(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := migrate(ctx, s.w, s.d); err != nil {
		return err
	}
	var err error
	ret := " RETURNING " + shareCols
	if s.take, err = s.w.PrepareContext(ctx, s.d.bind(takeSQL+" AND password_hash = ''"+ret)); err != nil {
		return err
	}
	if s.takeAny, err = s.w.PrepareContext(ctx, s.d.bind(takeSQL+ret)); err != nil {
		return err
	}
	s.get, err = s.r.PrepareContext(ctx, s.d.bind("SELECT "+shareCols+" FROM shares WHERE id = ?"))
	return err
}

// migrate applies the numbered migrations of the dialect that the
// database has not seen, in one transaction, and records each.
func migrate(ctx context.Context, db *sql.DB, d dialect) error {
	dir := path.Join("migrations", d.name)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return err
	}
	type step struct {
		version int
		file    string
	}
	var steps []step
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return fmt.Errorf("migration %s: not named NNN_what.sql", e.Name())
		}
		steps = append(steps, step{v, e.Name()})
	}
	slices.SortFunc(steps, func(a, b step) int { return a.version - b.version })

	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %v", err)
	}
	defer tx.Rollback()
	if d.lock != "" {
		if _, err := tx.ExecContext(ctx, d.lock); err != nil {
			return fmt.Errorf("migrate: %v", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"); err != nil {
		return fmt.Errorf("migrate: %v", err)
	}
	var have int
	rows, err := tx.QueryContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
	if err != nil {
		return fmt.Errorf("migrate: %v", err)
	}
	for rows.Next() {
		if err := rows.Scan(&have); err != nil {
			rows.Close()
			return fmt.Errorf("migrate: %v", err)
		}
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("migrate: %v", err)
	}
	if last := steps[len(steps)-1].version; have > last {
		return fmt.Errorf("the database has schema version %d, newer than this s3share knows (%d): use a newer s3share", have, last)
	}
	for _, st := range steps {
		if st.version <= have {
			continue
		}
		body, err := migrations.ReadFile(path.Join(dir, st.file))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migration %s: %v", st.file, err)
		}
		if _, err := tx.ExecContext(ctx, d.bind("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"), st.version, time.Now().UnixMilli()); err != nil {
			return fmt.Errorf("migration %s: %v", st.file, err)
		}
	}
	return tx.Commit()
}

func (s *sqlStore) Close() error {
	if s.stop != nil {
		s.stop()
	}
	for _, st := range []*sql.Stmt{s.take, s.takeAny, s.get} {
		if st != nil {
			st.Close()
		}
	}
	err := s.w.Close()
	if s.r != s.w {
		if rerr := s.r.Close(); err == nil {
			err = rerr
		}
	}
	return err
}

func (s *sqlStore) CreateShare(ctx context.Context, sh *Share) error {
	_, err := s.w.ExecContext(ctx, s.d.bind("INSERT INTO shares ("+shareCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
		sh.ID, sh.Store, sh.Bucket, sh.Key, sh.VersionID, string(sh.Mode), sh.Disposition, sh.ContentType, sh.CacheControl, sh.PasswordHash,
		sh.MaxDownloads, sh.Downloads, millis(sh.CreatedAt), millis(sh.ExpiresAt), millis(sh.RevokedAt), millis(sh.LastAccess), sh.TokenID)
	return err
}

// scanShares reads every row as a share, and closes the rows.
func scanShares(rows *sql.Rows, err error) ([]Share, error) {
	if err != nil {
		return nil, err
	}
	var out []Share
	for rows.Next() {
		var sh Share
		var mode string
		var created, expires, revoked, last int64
		if err := rows.Scan(&sh.ID, &sh.Store, &sh.Bucket, &sh.Key, &sh.VersionID, &mode, &sh.Disposition, &sh.ContentType, &sh.CacheControl, &sh.PasswordHash,
			&sh.MaxDownloads, &sh.Downloads, &created, &expires, &revoked, &last, &sh.TokenID); err != nil {
			rows.Close()
			return nil, err
		}
		sh.Mode = Mode(mode)
		sh.CreatedAt, sh.ExpiresAt, sh.RevokedAt, sh.LastAccess = fromMillis(created), fromMillis(expires), fromMillis(revoked), fromMillis(last)
		out = append(out, sh)
	}
	return out, closeRows(rows)
}

// one reads the single share of rows, ok false when there is none.
func one(rows *sql.Rows, err error) (Share, bool, error) {
	list, err := scanShares(rows, err)
	if err != nil || len(list) == 0 {
		return Share{}, false, err
	}
	return list[0], true, nil
}

func (s *sqlStore) Share(ctx context.Context, id string) (Share, error) {
	sh, ok, err := one(s.get.QueryContext(ctx, id))
	if err == nil && !ok {
		err = ErrNotFound
	}
	return sh, err
}

func (s *sqlStore) TakeDownload(ctx context.Context, id string, now time.Time, withPassword bool) (Share, bool, error) {
	if s.takes == nil {
		ms := now.UnixMilli()
		return one(s.takeStmt(withPassword).QueryContext(ctx, ms, id, ms))
	}
	r := takeReq{id: id, now: now.UnixMilli(), withPassword: withPassword, res: make(chan takeRes, 1)}
	select {
	case s.takes <- r:
	case <-s.closed:
		return Share{}, false, errors.New("the database is closed")
	case <-ctx.Done():
		return Share{}, false, ctx.Err()
	}
	// Once queued the answer always comes: the count may be taken.
	res := <-r.res
	return res.sh, res.ok, res.err
}

func (s *sqlStore) takeStmt(withPassword bool) *sql.Stmt {
	if withPassword {
		return s.takeAny
	}
	return s.take
}

// committer counts the downloads of SQLite visits: it takes the ones
// waiting and counts them in one transaction, so that visits arriving
// together share one commit (one WAL write) instead of queueing for one
// each. Each visit is answered after the commit, so a download handed out
// is never lost in a crash.
func (s *sqlStore) committer(done chan<- struct{}) {
	defer close(done)
	batch := make([]takeReq, 0, maxGroup)
	for {
		select {
		case <-s.closed:
			return
		case r := <-s.takes:
			batch = append(batch[:0], r)
		}
	more:
		for len(batch) < maxGroup {
			select {
			case r := <-s.takes:
				batch = append(batch, r)
			default:
				break more
			}
		}
		res, err := s.takeGroup(batch)
		for i, r := range batch {
			if err != nil {
				r.res <- takeRes{err: err}
			} else {
				r.res <- res[i]
			}
		}
	}
}

// takeGroup counts a group of downloads in one transaction.
func (s *sqlStore) takeGroup(batch []takeReq) ([]takeRes, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	take, takeAny := tx.StmtContext(ctx, s.take), tx.StmtContext(ctx, s.takeAny)
	res := make([]takeRes, len(batch))
	for i, r := range batch {
		st := take
		if r.withPassword {
			st = takeAny
		}
		sh, ok, err := one(st.QueryContext(ctx, r.now, r.id, r.now))
		if err != nil {
			return nil, err
		}
		res[i] = takeRes{sh: sh, ok: ok}
	}
	return res, tx.Commit()
}

// likePrefix is a LIKE pattern matching what starts with p.
func likePrefix(p string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(p) + "%"
}

func (s *sqlStore) Shares(ctx context.Context, sc Scope, limit int) ([]Share, error) {
	if limit <= 0 {
		limit = 1000
	}
	q := "SELECT " + shareCols + ` FROM shares WHERE (? = '' OR store = ?) AND (? = '' OR bucket = ?) AND object_key LIKE ? ESCAPE '\' ORDER BY created_at DESC, id LIMIT ?`
	return scanShares(s.r.QueryContext(ctx, s.d.bind(q), sc.Store, sc.Store, sc.Bucket, sc.Bucket, likePrefix(sc.Prefix), limit))
}

// changed turns an UPDATE that touched no row into ErrNotFound.
func changed(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = ErrNotFound
	}
	return err
}

func (s *sqlStore) Extend(ctx context.Context, id string, expires time.Time) error {
	return changed(s.w.ExecContext(ctx, s.d.bind("UPDATE shares SET expires_at = ? WHERE id = ?"), millis(expires), id))
}

func (s *sqlStore) Revoke(ctx context.Context, id string, at time.Time) error {
	return changed(s.w.ExecContext(ctx, s.d.bind("UPDATE shares SET revoked_at = CASE WHEN revoked_at = 0 THEN ? ELSE revoked_at END WHERE id = ?"), millis(at), id))
}

func (s *sqlStore) AddEvents(ctx context.Context, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Many rows per INSERT: one statement per batch of up to 100.
	for len(events) > 0 {
		n := min(len(events), 100)
		var b strings.Builder
		b.WriteString("INSERT INTO audit (share_id, at, client, user_agent, outcome) VALUES ")
		args := make([]any, 0, n*5)
		for i, e := range events[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?, ?)")
			args = append(args, e.ShareID, millis(e.At), e.Client, e.UserAgent, string(e.Outcome))
		}
		if _, err := tx.ExecContext(ctx, s.d.bind(b.String()), args...); err != nil {
			return err
		}
		events = events[n:]
	}
	return tx.Commit()
}

func (s *sqlStore) Events(ctx context.Context, shareID string, limit int) ([]Event, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.r.QueryContext(ctx, s.d.bind("SELECT at, client, user_agent, outcome FROM audit WHERE share_id = ? ORDER BY id LIMIT ?"), shareID, limit)
	if err != nil {
		return nil, err
	}
	var out []Event
	for rows.Next() {
		e := Event{ShareID: shareID}
		var at int64
		var outcome string
		if err := rows.Scan(&at, &e.Client, &e.UserAgent, &outcome); err != nil {
			rows.Close()
			return nil, err
		}
		e.At, e.Outcome = fromMillis(at), Outcome(outcome)
		out = append(out, e)
	}
	return out, closeRows(rows)
}

func (s *sqlStore) CreateToken(ctx context.Context, t Token) error {
	_, err := s.w.ExecContext(ctx, s.d.bind("INSERT INTO tokens (id, hash, scope_store, scope_bucket, scope_prefix, created_at) VALUES (?, ?, ?, ?, ?, ?)"),
		t.ID, t.Hash, t.Scope.Store, t.Scope.Bucket, t.Scope.Prefix, millis(t.CreatedAt))
	return err
}

func (s *sqlStore) TokenByHash(ctx context.Context, hash string) (Token, error) {
	rows, err := s.r.QueryContext(ctx, s.d.bind("SELECT id, hash, scope_store, scope_bucket, scope_prefix, created_at FROM tokens WHERE hash = ? AND revoked_at = 0"), hash)
	if err != nil {
		return Token{}, err
	}
	var t Token
	found := false
	for rows.Next() {
		var created int64
		if err := rows.Scan(&t.ID, &t.Hash, &t.Scope.Store, &t.Scope.Bucket, &t.Scope.Prefix, &created); err != nil {
			rows.Close()
			return Token{}, err
		}
		t.CreatedAt, found = fromMillis(created), true
	}
	if err := closeRows(rows); err != nil {
		return Token{}, err
	}
	if !found {
		return Token{}, ErrNotFound
	}
	return t, nil
}

func (s *sqlStore) Prune(ctx context.Context, before time.Time) (int64, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	ms := millis(before)
	const gone = "(expires_at < ? OR (revoked_at <> 0 AND revoked_at < ?))"
	if _, err := tx.ExecContext(ctx, s.d.bind("DELETE FROM audit WHERE share_id IN (SELECT id FROM shares WHERE "+gone+")"), ms, ms); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, s.d.bind("DELETE FROM shares WHERE "+gone), ms, ms)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	// Upload requests go the same way, with the files they received:
	// the objects stay in the store.
	const over = "(expires_at < ? OR (revoked_at <> 0 AND revoked_at < ?))"
	if _, err := tx.ExecContext(ctx, s.d.bind("DELETE FROM upload_parts WHERE file_id IN (SELECT id FROM upload_files WHERE request_id IN (SELECT id FROM upload_requests WHERE "+over+"))"), ms, ms); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, s.d.bind("DELETE FROM upload_files WHERE request_id IN (SELECT id FROM upload_requests WHERE "+over+")"), ms, ms); err != nil {
		return 0, err
	}
	res, err = tx.ExecContext(ctx, s.d.bind("DELETE FROM upload_requests WHERE "+over), ms, ms)
	if err != nil {
		return 0, err
	}
	m, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return n + m, tx.Commit()
}
