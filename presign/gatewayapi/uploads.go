package gatewayapi

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// UploadRequest is a new upload request (a drop link, BASE/u/ID): POST
// /api/v1/uploads. Zero limits mean none.
type UploadRequest struct {
	Bucket      string   `json:"bucket"`
	Prefix      string   `json:"prefix"` // "" or ending in /
	MaxFileSize int64    `json:"max_file_size,omitempty"`
	MaxFiles    int64    `json:"max_files,omitempty"`
	MaxTotal    int64    `json:"max_total_bytes,omitempty"`
	Types       []string `json:"types,omitempty"` // extensions (.pdf) or media types (image/png, image/*)
	ExpiresIn   string   `json:"expires_in,omitempty"`
	ExpiresAt   string   `json:"expires_at,omitempty"`
	Password    string   `json:"password,omitempty"`
	Via         string   `json:"via,omitempty"` // gateway (default): streamed through it; direct: the page PUTs to the store
}

// Upload is an upload request as the admin API shows it.
type Upload struct {
	ID          string         `json:"id"`
	URL         string         `json:"url"`
	Store       string         `json:"store,omitempty"`
	Bucket      string         `json:"bucket"`
	Prefix      string         `json:"prefix"`
	MaxFileSize int64          `json:"max_file_size"`
	MaxFiles    int64          `json:"max_files"`
	MaxTotal    int64          `json:"max_total_bytes"`
	Types       []string       `json:"types,omitempty"`
	Via         string         `json:"via"`
	Password    bool           `json:"password"`
	Files       int64          `json:"files"` // files handed an upload URL
	Bytes       int64          `json:"bytes"`
	State       string         `json:"state"` // active, expired
	CreatedAt   time.Time      `json:"created_at"`
	ExpiresAt   time.Time      `json:"expires_at"`
	Received    []ReceivedFile `json:"received,omitempty"`
}

// ReceivedFile is one file that arrived through an upload request.
type ReceivedFile struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"` // as the uploader named it
	Key         string    `json:"key"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	At          time.Time `json:"at"`
	Client      string    `json:"client"`
}

// CreateUpload creates an upload request.
func (c *Client) CreateUpload(ctx context.Context, req UploadRequest) (Upload, error) {
	var out Upload
	return out, c.do(ctx, http.MethodPost, "/api/v1/uploads", req, &out)
}

// ShowUpload returns an upload request with the files received.
func (c *Client) ShowUpload(ctx context.Context, id string) (Upload, error) {
	var out Upload
	return out, c.do(ctx, http.MethodGet, "/api/v1/uploads/"+url.PathEscape(id), nil, &out)
}

// FileRequest is what the upload page asks for one file: POST
// /u/ID/files.
type FileRequest struct {
	Name     string `json:"name"`
	Size     int64  `json:"size"`
	Type     string `json:"type"`
	Password string `json:"password,omitempty"`
}

// FileTicket is the answer: the file goes as a multipart upload of Parts
// parts of PartSize bytes (the last one smaller; an empty file is one
// empty part). POST PartsURL + "/N" for part N's PartTicket and send the
// part there; when every part is sent, POST DoneURL: the gateway puts
// the file together, checks the store and records it. POST CancelURL to
// give up: the upload is aborted (every part URL stops working) and the
// file's place given back.
type FileTicket struct {
	ID        string `json:"id"`
	Key       string `json:"key"`
	PartSize  int64  `json:"part_size"`
	Parts     int    `json:"parts"`
	PartsURL  string `json:"parts_url"`
	DoneURL   string `json:"done_url"`
	CancelURL string `json:"cancel_url"`
}

// PartTicket is where and how to send one part of a file.
type PartTicket struct {
	Part    int               `json:"part"`
	Size    int64             `json:"size"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
}

// FilesRequest is an app asking, with a token whose scope covers the
// upload request, for the tickets of several files at once: POST
// /api/v1/uploads/ID/files. No password is asked.
type FilesRequest struct {
	Files []FileRequest `json:"files"`
}

// FileAnswer is the answer for one file of a FilesRequest: a ticket, or
// why the file is refused (the rules of the request apply).
type FileAnswer struct {
	Name   string      `json:"name"`
	Ticket *FileTicket `json:"ticket,omitempty"`
	Error  string      `json:"error,omitempty"`
	Status int         `json:"status,omitempty"`
}

// RequestFiles asks for the tickets of files for an upload request, in
// the order given.
func (c *Client) RequestFiles(ctx context.Context, id string, files []FileRequest) ([]FileAnswer, error) {
	var out struct {
		Files []FileAnswer `json:"files"`
	}
	err := c.do(ctx, http.MethodPost, "/api/v1/uploads/"+url.PathEscape(id)+"/files", FilesRequest{Files: files}, &out)
	return out.Files, err
}

// RevokeUpload closes an upload request: it takes no more files, and the
// uploads under way are aborted.
func (c *Client) RevokeUpload(ctx context.Context, id string) (Upload, error) {
	var out Upload
	return out, c.do(ctx, http.MethodPost, "/api/v1/uploads/"+url.PathEscape(id)+"/revoke", nil, &out)
}
