// Package gatewayapi is the share gateway's admin API as a client sees
// it: the JSON it takes and gives, and a Client. The gateway (s3share
// serve) speaks it; the command line and the TUI use it to make, list and
// revoke gateway shares.
package gatewayapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
)

// CreateRequest is a new share: POST /api/v1/shares.
type CreateRequest struct {
	Bucket       string `json:"bucket"`
	Key          string `json:"key"`
	VersionID    string `json:"version_id,omitempty"`
	ExpiresIn    string `json:"expires_in,omitempty"` // a lifetime: 90m, 2d, 4w
	ExpiresAt    string `json:"expires_at,omitempty"` // RFC 3339; wins over ExpiresIn
	MaxDownloads int64  `json:"max_downloads,omitempty"`
	Password     string `json:"password,omitempty"`
	Mode         string `json:"mode,omitempty"`        // redirect (default) or stream
	Disposition  string `json:"disposition,omitempty"` // attachment (default) or inline
	Filename     string `json:"filename,omitempty"`    // default: the key's base name
	ContentType  string `json:"content_type,omitempty"`
	CacheControl string `json:"cache_control,omitempty"`
}

// ExtendRequest is the body of POST /api/v1/shares/ID/extend.
type ExtendRequest struct {
	ExpiresIn string `json:"expires_in,omitempty"`
	ExpiresAt string `json:"expires_at,omitempty"`
}

// Share is a share as the admin API shows it: never its password or
// hash, only whether it has one.
type Share struct {
	ID           string     `json:"id"`
	URL          string     `json:"url"`
	Store        string     `json:"store,omitempty"`
	Bucket       string     `json:"bucket"`
	Key          string     `json:"key"`
	VersionID    string     `json:"version_id,omitempty"`
	Mode         string     `json:"mode"` // redirect or stream
	Disposition  string     `json:"disposition,omitempty"`
	ContentType  string     `json:"content_type,omitempty"`
	CacheControl string     `json:"cache_control,omitempty"`
	Password     bool       `json:"password"`
	MaxDownloads int64      `json:"max_downloads"` // 0 for no limit
	Downloads    int64      `json:"downloads"`
	State        string     `json:"state"` // active, expired, revoked, used up
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    time.Time  `json:"expires_at"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	LastAccess   *time.Time `json:"last_access,omitempty"`
}

// ErrorBody is the body of an API error.
type ErrorBody struct {
	Error string `json:"error"`
}

// Client talks to a gateway's admin API.
type Client struct {
	URL   string // the gateway's base URL
	Token string // an admin token
	HTTP  *http.Client
}

// NewClient makes a client for the gateway at base with token, and
// requests bounded by timeout.
func NewClient(base, token string, timeout time.Duration) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("gateway URL %q: want http(s)://HOST[:PORT]", sanitize.Bounded(base))
	}
	if token == "" {
		return nil, errors.New("no gateway admin token: set S3SHARE_GATEWAY_TOKEN, or give a token file")
	}
	return &Client{URL: strings.TrimRight(u.String(), "/"), Token: token, HTTP: &http.Client{Timeout: timeout}}, nil
}

// Create creates a share.
func (c *Client) Create(ctx context.Context, req CreateRequest) (Share, error) {
	var out Share
	return out, c.do(ctx, http.MethodPost, "/api/v1/shares", req, &out)
}

// Revoke revokes a share.
func (c *Client) Revoke(ctx context.Context, id string) (Share, error) {
	var out Share
	return out, c.do(ctx, http.MethodPost, "/api/v1/shares/"+url.PathEscape(id)+"/revoke", nil, &out)
}

// Extend sets a share's expiry.
func (c *Client) Extend(ctx context.Context, id string, req ExtendRequest) (Share, error) {
	var out Share
	return out, c.do(ctx, http.MethodPost, "/api/v1/shares/"+url.PathEscape(id)+"/extend", req, &out)
}

// Show returns one share.
func (c *Client) Show(ctx context.Context, id string) (Share, error) {
	var out Share
	return out, c.do(ctx, http.MethodGet, "/api/v1/shares/"+url.PathEscape(id), nil, &out)
}

// List returns the shares the token sees.
func (c *Client) List(ctx context.Context) ([]Share, error) {
	var out []Share
	return out, c.do(ctx, http.MethodGet, "/api/v1/shares", nil, &out)
}

// APIError is a gateway's refusal.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("gateway: %s (HTTP %d)", e.Message, e.Status)
}

func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.URL+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("gateway %s: %v", c.URL, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("gateway %s: %v", c.URL, err)
	}
	if resp.StatusCode/100 != 2 {
		var e ErrorBody
		if json.Unmarshal(data, &e) != nil || e.Error == "" {
			e.Error = http.StatusText(resp.StatusCode)
		}
		return &APIError{Status: resp.StatusCode, Message: sanitize.Text(e.Error)}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("gateway %s: the answer is not the JSON expected: %v", c.URL, err)
	}
	return nil
}
