-- Every file goes as a multipart upload, so that no object appears in the
-- store unless the gateway completes it: upload_id is the store's id of
-- the upload and part_size the size of its parts. state is pending (parts
-- may come), completing (one call puts it together), cancelled (its abort
-- is still to be done) or done. active_at is when the file was last asked
-- for (reserved, a part's URL, a streamed part's progress): a file not
-- received that has been idle too long, or whose request has ended, is
-- swept: completed when its parts are all there and the request stands,
-- else aborted, and its place given back.
ALTER TABLE upload_files ADD COLUMN upload_id TEXT NOT NULL DEFAULT '';
ALTER TABLE upload_files ADD COLUMN part_size BIGINT NOT NULL DEFAULT 0;
ALTER TABLE upload_files ADD COLUMN active_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE upload_files ADD COLUMN state TEXT NOT NULL DEFAULT 'pending';
CREATE INDEX upload_files_pending ON upload_files (done_at, active_at);

-- The parts that streamed through the gateway whole, with the ETag the
-- store answered: a file of a request streamed through the gateway is put
-- together only from these (a part cut short is not one of them, whatever
-- the store kept of it).
CREATE TABLE upload_parts (
	file_id TEXT NOT NULL,
	part    INTEGER NOT NULL,
	etag    TEXT NOT NULL,
	PRIMARY KEY (file_id, part)
);
