package gateway

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/s3model"
)

// TestServeTLSAndShutdown: Serve with a certificate speaks HTTPS, a
// visit's audit row is written by the time a graceful shutdown returns,
// and the shares outlive the server.
func TestServeTLSAndShutdown(t *testing.T) {
	srv := s3test.Start(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "k", []byte("data"), "")
	dir := t.TempDir()
	certFile, keyFile, err := s3test.SelfSigned(dir)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := os.ReadFile(certFile)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	dsn := "sqlite:" + filepath.Join(dir, "gw.db")
	st := openStore(t, dsn)
	client, _ := s3model.New(signingStore(srv))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "https://" + l.Addr().String()
	g, err := New(Config{Store: st, Signing: client, StoreName: "test", PublicURL: base, AdminToken: testAdmin})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- g.Serve(ctx, l, certFile, keyFile, 5*time.Second) }()

	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	sh, err := (&gatewayapi.Client{URL: base, Token: testAdmin, HTTP: c}).Create(ctx, CreateRequest{Bucket: bucket, Key: "k"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Get(sh.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("visit over HTTPS: %d", resp.StatusCode)
	}
	cancel()
	if err := <-served; err != nil {
		t.Fatalf("Serve after shutdown: %v", err)
	}
	ev, err := st.Events(context.Background(), sh.ID, 0)
	if err != nil || len(ev) != 1 || ev[0].Outcome != OutRedirected {
		t.Errorf("audit after shutdown: %+v, %v", ev, err)
	}
	if _, err := c.Get(base + "/healthz"); err == nil {
		t.Error("the server still answers after shutdown")
	}
}
