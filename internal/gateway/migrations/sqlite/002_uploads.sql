-- Upload requests (drop links, BASE/u/ID) and the files sent through them.
-- files and bytes count the files handed an upload URL (reserved), so that
-- the limits hold under concurrency; done_at is 0 until the gateway has
-- seen the object in the store.
CREATE TABLE upload_requests (
	id            TEXT PRIMARY KEY,
	store         TEXT NOT NULL,
	bucket        TEXT NOT NULL,
	prefix        TEXT NOT NULL,
	max_file_size BIGINT NOT NULL DEFAULT 0,
	max_files     BIGINT NOT NULL DEFAULT 0,
	max_total     BIGINT NOT NULL DEFAULT 0,
	types         TEXT NOT NULL DEFAULT '',
	via           TEXT NOT NULL,
	password_hash TEXT NOT NULL DEFAULT '',
	files         BIGINT NOT NULL DEFAULT 0,
	bytes         BIGINT NOT NULL DEFAULT 0,
	created_at    BIGINT NOT NULL,
	expires_at    BIGINT NOT NULL,
	revoked_at    BIGINT NOT NULL DEFAULT 0,
	token_id      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE upload_files (
	id           TEXT PRIMARY KEY,
	request_id   TEXT NOT NULL,
	object_key   TEXT NOT NULL,
	name         TEXT NOT NULL,
	size         BIGINT NOT NULL,
	content_type TEXT NOT NULL,
	created_at   BIGINT NOT NULL,
	done_at      BIGINT NOT NULL DEFAULT 0,
	client       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX upload_files_request ON upload_files (request_id, created_at);
