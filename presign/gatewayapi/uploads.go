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

// FileTicket is the answer: where and how to send the file, then POST
// /u/ID/files/FILE/done.
type FileTicket struct {
	ID      string            `json:"id"`
	Key     string            `json:"key"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"`
}
