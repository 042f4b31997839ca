package s3model

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/minio/minio-go/v7"
)

func TestExplainHints(t *testing.T) {
	urlErr := func(err error) error { return &url.Error{Op: "Get", URL: "https://s3.example.com/", Err: err} }
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"dns", urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "s3.example.invalid", IsNotFound: true}}),
			"list buckets: cannot resolve host s3.example.invalid — check the endpoint's host name"},
		{"refused", urlErr(&net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9}, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}),
			"list buckets: connection refused by 127.0.0.1:9 — is the endpoint right and the server running?"},
		{"unknown CA", urlErr(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}),
			"list buckets: TLS: the server's certificate is signed by an unknown authority — pass --ca-bundle FILE (or set AWS_CA_BUNDLE)"},
		{"wrong host", urlErr(x509.HostnameError{Certificate: &x509.Certificate{}, Host: "10.0.0.1"}),
			"list buckets: TLS: the server's certificate is not valid for 10.0.0.1"},
		{"expired", urlErr(x509.CertificateInvalidError{Reason: x509.Expired}),
			"list buckets: TLS: the server's certificate has expired or is not yet valid"},
		{"plain HTTP server", urlErr(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}),
			"list buckets: TLS: the server does not speak TLS — write the endpoint with http://"},
		{"timeout", urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: timeoutErr{}}),
			"list buckets: no answer in time"},
		{"skew", minio.ErrorResponse{Code: "RequestTimeTooSkewed", Message: "The difference between the request time and the server's time is too large."},
			"this machine's clock is off; sync it"},
		{"403 secret", minio.ErrorResponse{Code: "SignatureDoesNotMatch", StatusCode: 403}, "list buckets: SignatureDoesNotMatch — check the secret key"},
		{"wrong region, server names it", minio.ErrorResponse{Code: "AuthorizationHeaderMalformed", Region: "eu-west-1"},
			"wrong region: it expects eu-west-1; pass --region eu-west-1"},
		{"redirect", minio.ErrorResponse{StatusCode: 301, Code: "PermanentRedirect"}, "the bucket is in another region; pass --region"},
		{"cancelled", fmt.Errorf("x: %w", context.Canceled), "list buckets: x: context canceled"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Explain("list buckets", tt.err)
			if !strings.Contains(got.Error(), tt.want) {
				t.Errorf("Explain = %q\nwant it to contain %q", got, tt.want)
			}
			if !errors.Is(got, tt.err) {
				t.Errorf("Explain does not wrap the original error")
			}
		})
	}
	if Explain("x", nil) != nil {
		t.Error("Explain(nil) != nil")
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }
