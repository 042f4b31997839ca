-- Files sent in parts: upload_id is the store's id of the file's multipart
-- upload ('' for a file sent in one PUT) and part_size the size of its
-- parts. active_at is when the file was last asked for (reserved, a part's
-- URL, a streamed part): a file not received that has been idle too long,
-- or whose request has ended, is swept: its multipart upload aborted and
-- its place given back.
ALTER TABLE upload_files ADD COLUMN upload_id TEXT NOT NULL DEFAULT '';
ALTER TABLE upload_files ADD COLUMN part_size BIGINT NOT NULL DEFAULT 0;
ALTER TABLE upload_files ADD COLUMN active_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX upload_files_pending ON upload_files (done_at, active_at);
