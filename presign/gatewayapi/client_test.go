package gatewayapi

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNewClientRefuses(t *testing.T) {
	for _, tc := range []struct{ url, token, want string }{
		{"ftp://host", "t", "want http(s)"},
		{"http://", "t", "want http(s)"},
		{"https://share.example.com", "", "no gateway admin token"},
	} {
		if _, err := NewClient(tc.url, tc.token, time.Second); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewClient(%q, %q) = %v, want %q", tc.url, tc.token, err, tc.want)
		}
	}
}

// TestClientErrors: a refusal's message comes back sanitized, with its
// status; the token goes in the Authorization header only.
func TestClientErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" || strings.Contains(r.URL.String(), "tok") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"error":"out of scope \u001b[31m"}`))
	}))
	defer srv.Close()
	c, err := NewClient(srv.URL, "tok", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Revoke(context.Background(), "abc")
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusForbidden || strings.Contains(ae.Message, "\x1b") || !strings.Contains(ae.Message, "out of scope") {
		t.Errorf("Revoke: %#v", err)
	}
}
