package gateway

import (
	"context"
	"database/sql"
	"math"
	"strings"
	"time"
)

// The upload requests' part of the Store, on database/sql.

const uploadCols = "id, store, bucket, prefix, max_file_size, max_files, max_total, types, via, password_hash, files, bytes, created_at, expires_at, revoked_at, token_id"

const fileCols = "id, request_id, object_key, name, size, content_type, created_at, done_at, client, upload_id, part_size, active_at, state"

func (s *sqlStore) CreateUpload(ctx context.Context, u *Upload) error {
	_, err := s.w.ExecContext(ctx, s.d.bind("INSERT INTO upload_requests ("+uploadCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
		u.ID, u.Store, u.Bucket, u.Prefix, u.MaxFileSize, u.MaxFiles, u.MaxTotal, strings.Join(u.Types, ","), string(u.Via), u.PasswordHash,
		u.Files, u.Bytes, millis(u.CreatedAt), millis(u.ExpiresAt), millis(u.RevokedAt), u.TokenID)
	return err
}

func (s *sqlStore) Upload(ctx context.Context, id string) (Upload, error) {
	rows, err := s.r.QueryContext(ctx, s.d.bind("SELECT "+uploadCols+" FROM upload_requests WHERE id = ?"), id)
	if err != nil {
		return Upload{}, err
	}
	var u Upload
	found := false
	for rows.Next() {
		var types, via string
		var created, expires, revoked int64
		if err := rows.Scan(&u.ID, &u.Store, &u.Bucket, &u.Prefix, &u.MaxFileSize, &u.MaxFiles, &u.MaxTotal, &types, &via, &u.PasswordHash,
			&u.Files, &u.Bytes, &created, &expires, &revoked, &u.TokenID); err != nil {
			rows.Close()
			return Upload{}, err
		}
		if types != "" {
			u.Types = strings.Split(types, ",")
		}
		u.Via = Via(via)
		u.CreatedAt, u.ExpiresAt, u.RevokedAt = fromMillis(created), fromMillis(expires), fromMillis(revoked)
		found = true
	}
	if err := closeRows(rows); err != nil {
		return Upload{}, err
	}
	if !found {
		return Upload{}, ErrNotFound
	}
	return u, nil
}

func (s *sqlStore) ReserveFile(ctx context.Context, f *UploadFile, now time.Time) (bool, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	// One conditional UPDATE takes the count and the bytes: two pages
	// asking at once cannot both pass the last free place.
	res, err := tx.ExecContext(ctx, s.d.bind(`UPDATE upload_requests SET files = files + 1, bytes = bytes + ?
WHERE id = ? AND revoked_at = 0 AND expires_at > ? AND (max_files = 0 OR files < max_files) AND (max_total = 0 OR bytes + ? <= max_total)
AND bytes <= ?`),
		f.Size, f.RequestID, millis(now), f.Size, math.MaxInt64-f.Size)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, s.d.bind("INSERT INTO upload_files ("+fileCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
		f.ID, f.RequestID, f.Key, f.Name, f.Size, f.ContentType, millis(f.CreatedAt), millis(f.DoneAt), f.Client,
		f.UploadID, f.PartSize, millis(f.CreatedAt), string(FilePending)); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

func scanFiles(rows *sql.Rows, err error) ([]UploadFile, error) {
	if err != nil {
		return nil, err
	}
	var out []UploadFile
	for rows.Next() {
		var f UploadFile
		var created, done, active int64
		var state string
		if err := rows.Scan(&f.ID, &f.RequestID, &f.Key, &f.Name, &f.Size, &f.ContentType, &created, &done, &f.Client,
			&f.UploadID, &f.PartSize, &active, &state); err != nil {
			rows.Close()
			return nil, err
		}
		f.CreatedAt, f.DoneAt, f.ActiveAt, f.State = fromMillis(created), fromMillis(done), fromMillis(active), FileState(state)
		out = append(out, f)
	}
	return out, closeRows(rows)
}

func (s *sqlStore) UploadFile(ctx context.Context, requestID, id string) (UploadFile, error) {
	list, err := scanFiles(s.r.QueryContext(ctx, s.d.bind("SELECT "+fileCols+" FROM upload_files WHERE id = ? AND request_id = ?"), id, requestID))
	if err != nil {
		return UploadFile{}, err
	}
	if len(list) == 0 {
		return UploadFile{}, ErrNotFound
	}
	return list[0], nil
}

func (s *sqlStore) FileDone(ctx context.Context, requestID, id string, at time.Time, client string) error {
	return changed(s.w.ExecContext(ctx, s.d.bind("UPDATE upload_files SET done_at = ?, client = ?, state = ? WHERE id = ? AND request_id = ? AND done_at = 0"),
		millis(at), client, string(FileReceived), id, requestID))
}

func (s *sqlStore) UploadFiles(ctx context.Context, requestID string, limit int) ([]UploadFile, error) {
	if limit <= 0 {
		limit = 1000
	}
	return scanFiles(s.r.QueryContext(ctx, s.d.bind("SELECT "+fileCols+" FROM upload_files WHERE request_id = ? AND done_at <> 0 ORDER BY done_at, id LIMIT ?"), requestID, limit))
}

func (s *sqlStore) SetMultipart(ctx context.Context, requestID, id, uploadID string, partSize int64) error {
	return changed(s.w.ExecContext(ctx, s.d.bind("UPDATE upload_files SET upload_id = ?, part_size = ? WHERE id = ? AND request_id = ? AND done_at = 0"),
		uploadID, partSize, id, requestID))
}

func (s *sqlStore) MoveFile(ctx context.Context, requestID, id string, from, to FileState, at time.Time) error {
	return changed(s.w.ExecContext(ctx, s.d.bind("UPDATE upload_files SET state = ?, active_at = ? WHERE id = ? AND request_id = ? AND done_at = 0 AND state = ?"),
		string(to), millis(at), id, requestID, string(from)))
}

func (s *sqlStore) ReleaseFile(ctx context.Context, requestID, id string, at time.Time) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The file is released once, while it is not received, and its count
	// and bytes with it: a release that races a confirmation gives
	// nothing back.
	var size int64
	found := false
	rows, err := tx.QueryContext(ctx, s.d.bind("UPDATE upload_files SET state = ?, active_at = ? WHERE id = ? AND request_id = ? AND done_at = 0 AND state <> ? RETURNING size"),
		string(FileReleased), millis(at), id, requestID, string(FileReleased))
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := rows.Scan(&size); err != nil {
			rows.Close()
			return err
		}
		found = true
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	if !found {
		return ErrNotFound
	}
	if err := changed(tx.ExecContext(ctx, s.d.bind("UPDATE upload_requests SET files = files - 1, bytes = bytes - ? WHERE id = ?"), size, requestID)); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *sqlStore) ForgetFile(ctx context.Context, requestID, id string) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := changed(tx.ExecContext(ctx, s.d.bind("DELETE FROM upload_files WHERE id = ? AND request_id = ? AND state = ?"), id, requestID, string(FileReleased))); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.d.bind("DELETE FROM upload_parts WHERE file_id = ?"), id); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *sqlStore) SetPart(ctx context.Context, fileID string, n int, etag string) error {
	_, err := s.w.ExecContext(ctx, s.d.bind("INSERT INTO upload_parts (file_id, part, etag) VALUES (?, ?, ?) ON CONFLICT (file_id, part) DO UPDATE SET etag = excluded.etag"),
		fileID, n, etag)
	return err
}

func (s *sqlStore) PartETags(ctx context.Context, fileID string) (map[int]string, error) {
	rows, err := s.r.QueryContext(ctx, s.d.bind("SELECT part, etag FROM upload_parts WHERE file_id = ?"), fileID)
	if err != nil {
		return nil, err
	}
	out := map[int]string{}
	for rows.Next() {
		var n int
		var etag string
		if err := rows.Scan(&n, &etag); err != nil {
			rows.Close()
			return nil, err
		}
		out[n] = etag
	}
	return out, closeRows(rows)
}

func (s *sqlStore) PendingFiles(ctx context.Context, requestID string, idleBefore, releasedBefore, now time.Time, limit int) ([]UploadFile, error) {
	cols := "f." + strings.ReplaceAll(fileCols, ", ", ", f.")
	return scanFiles(s.r.QueryContext(ctx, s.d.bind("SELECT "+cols+` FROM upload_files f JOIN upload_requests r ON r.id = f.request_id
WHERE f.done_at = 0 AND (? = '' OR f.request_id = ?) AND (
	(f.state = ? AND f.active_at < ?)
	OR (f.state <> ? AND (f.state = ? OR f.active_at < ? OR r.expires_at <= ? OR r.revoked_at <> 0)))
ORDER BY f.active_at, f.id LIMIT ?`),
		requestID, requestID, string(FileReleased), millis(releasedBefore),
		string(FileReleased), string(FileCancelled), millis(idleBefore), millis(now), limit))
}

func (s *sqlStore) RevokeUpload(ctx context.Context, id string, at time.Time) error {
	return changed(s.w.ExecContext(ctx, s.d.bind("UPDATE upload_requests SET revoked_at = CASE WHEN revoked_at = 0 THEN ? ELSE revoked_at END WHERE id = ?"), millis(at), id))
}
