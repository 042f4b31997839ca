-- Shares, admin tokens and the audit trail. Times are Unix milliseconds;
-- 0 means "never" (revoked_at, last_access) or "no limit" (max_downloads).
CREATE TABLE shares (
	id            TEXT PRIMARY KEY,
	store         TEXT NOT NULL,
	bucket        TEXT NOT NULL,
	object_key    TEXT NOT NULL,
	version_id    TEXT NOT NULL DEFAULT '',
	mode          TEXT NOT NULL,
	disposition   TEXT NOT NULL DEFAULT '',
	content_type  TEXT NOT NULL DEFAULT '',
	cache_control TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL DEFAULT '',
	max_downloads INTEGER NOT NULL DEFAULT 0,
	downloads     INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	expires_at    INTEGER NOT NULL,
	revoked_at    INTEGER NOT NULL DEFAULT 0,
	last_access   INTEGER NOT NULL DEFAULT 0,
	token_id      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX shares_expires ON shares (expires_at);
CREATE INDEX shares_scope ON shares (store, bucket, object_key);

CREATE TABLE tokens (
	id           TEXT PRIMARY KEY,
	hash         TEXT NOT NULL UNIQUE,
	scope_store  TEXT NOT NULL DEFAULT '',
	scope_bucket TEXT NOT NULL DEFAULT '',
	scope_prefix TEXT NOT NULL DEFAULT '',
	created_at   INTEGER NOT NULL,
	revoked_at   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE audit (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	share_id   TEXT NOT NULL,
	at         INTEGER NOT NULL,
	client     TEXT NOT NULL,
	user_agent TEXT NOT NULL,
	outcome    TEXT NOT NULL
);
CREATE INDEX audit_share ON audit (share_id, id);
