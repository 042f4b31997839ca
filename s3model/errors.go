package s3model

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	"github.com/minio/minio-go/v7"
)

// explained is an error rewritten into one line with a hint. It unwraps
// to the original error, so callers can still test it with errors.As.
type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

// Explain turns a store error into one line saying what failed and, where
// it can tell, what to do about it: wrong credentials or region, clock
// skew, expired tokens, refused connections, unknown hosts, TLS trouble,
// timeouts, a busy or failing server, cut connections. The result wraps
// err.
func Explain(what string, err error) error {
	if err == nil {
		return nil
	}
	// The caller gave up: nothing to explain. (A deadline is explained:
	// net/http's own timeouts also count as context.DeadlineExceeded.)
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return &explained{msg: oneLine(what + ": " + hint(err)), err: err}
}

// oneLine folds line breaks and tabs (an HTML error page, say) into spaces.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// hint describes err in words and says what to do.
func hint(err error) string {
	var te *TimeoutError
	if errors.As(err, &te) {
		return te.Error() + " — the server is down, overloaded or unreachable; try again, or allow it longer with --timeout"
	}
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		return hintFor(resp)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		if dnsErr.IsNotFound {
			return fmt.Sprintf("cannot resolve host %s — check the endpoint's host name", dnsErr.Name)
		}
		return fmt.Sprintf("cannot resolve host %s (%s) — check the endpoint's host name and this machine's DNS", dnsErr.Name, dnsErr.Err)
	}
	var unknownCA x509.UnknownAuthorityError
	if errors.As(err, &unknownCA) {
		return "TLS: the server's certificate is signed by an unknown authority — pass --ca-bundle FILE (or set AWS_CA_BUNDLE) with that authority's certificate, or --insecure to skip the check"
	}
	var badHost x509.HostnameError
	if errors.As(err, &badHost) {
		return fmt.Sprintf("TLS: the server's certificate is not valid for %s — check the endpoint's host name, or pass --insecure to skip the check", badHost.Host)
	}
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) {
		if invalid.Reason == x509.Expired {
			return "TLS: the server's certificate has expired or is not yet valid — check this machine's clock, or renew the certificate"
		}
		return "TLS: the server's certificate is not valid (" + invalid.Error() + ") — pass --ca-bundle FILE or --insecure"
	}
	var record tls.RecordHeaderError
	if errors.As(err, &record) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client") {
		return "TLS: the server does not speak TLS — write the endpoint with http:// instead of https://"
	}
	var opErr *net.OpError
	isOp := errors.As(err, &opErr)
	if errors.Is(err, syscall.ECONNREFUSED) || isOp && strings.Contains(opErr.Err.Error(), "connection refused") {
		addr := ""
		if opErr != nil && opErr.Addr != nil {
			addr = " by " + opErr.Addr.String()
		}
		return "connection refused" + addr + " — is the endpoint right and the server running?"
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return "no answer in time (" + withoutURL(err) + ") — is the endpoint right and reachable from here? (--timeout sets how long to wait)"
	}
	if strings.Contains(err.Error(), "malformed HTTP response") {
		return "the server's answer is not HTTP — is the endpoint's port right? (an https:// port needs https://)"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || strings.Contains(err.Error(), "Connection closed by foreign host") {
		detail := withoutURL(err)
		if strings.Contains(detail, "Connection closed by foreign host") {
			detail = "closed by the server" // minio-go's wording, which repeats the URL
		}
		return "the connection broke before the answer was complete (" + detail + ") — try again; if it keeps happening, check the network or a proxy between here and the server"
	}
	return err.Error()
}

// withoutURL is err's message without the request URL net/http puts
// first ("Get \"https://…\": …"), which is long and says nothing new.
func withoutURL(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

func hintFor(r minio.ErrorResponse) string {
	msg := r.Code
	if r.Message != "" {
		msg += ": " + r.Message
	}
	switch r.Code {
	case "AccessDenied":
		return msg + " — the credentials may not do this; a bucket you can read can be opened directly as s3://BUCKET/"
	case "SignatureDoesNotMatch":
		return msg + " — check the secret key"
	case "InvalidAccessKeyId":
		return msg + " — check the access key id"
	case "RequestTimeTooSkewed":
		return msg + " — this machine's clock is off; sync it (S3 refuses requests more than 15 minutes off the server's time)"
	case "NoSuchBucket":
		return msg + " — check the bucket name"
	case "ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired":
		return msg + " — the session token has expired; get fresh credentials"
	case "InvalidToken":
		return msg + " — the session token does not fit these keys; get fresh temporary credentials, or unset AWS_SESSION_TOKEN for permanent keys"
	case "SlowDown", "SlowDownRead", "SlowDownWrite", "ServiceUnavailable", "Throttling", "ThrottlingException", "RequestLimitExceeded", "RequestThrottled", "TooManyRequests":
		return msg + busyHint
	case "InternalError":
		return msg + failingHint
	case "InvalidRegion", "IllegalLocationConstraintException":
		return msg + regionHint(r)
	}
	if r.StatusCode == http.StatusMovedPermanently || r.Code == "PermanentRedirect" || r.Code == "AuthorizationHeaderMalformed" {
		return msg + regionHint(r)
	}
	switch r.StatusCode {
	case http.StatusServiceUnavailable, http.StatusTooManyRequests:
		return msg + busyHint
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return msg + failingHint
	}
	return msg
}

// Hints for answers that are retried before they are reported.
var (
	busyHint    = fmt.Sprintf(" — the server is overloaded and asks to slow down; still so after %d tries: wait a minute and try again", MaxAttempts)
	failingHint = fmt.Sprintf(" — the server failed; still so after %d tries: try again later, and check the server's logs if it persists", MaxAttempts)
)

// regionHint tells which region to pass, when the server said.
func regionHint(r minio.ErrorResponse) string {
	if r.Region != "" {
		return " — wrong region: it expects " + r.Region + "; pass --region " + r.Region
	}
	return " — the bucket is in another region; pass --region"
}

// StoreError is what a store said when it refused a request.
type StoreError struct {
	Code   string // the S3 error code: NoSuchKey, AccessDenied, …
	Status int    // the HTTP status
	Region string // the bucket's region, when the store named it
}

// AsStoreError returns the store's answer inside err, if err holds one.
func AsStoreError(err error) (StoreError, bool) {
	var r minio.ErrorResponse
	if !errors.As(err, &r) {
		return StoreError{}, false
	}
	return StoreError{Code: r.Code, Status: r.StatusCode, Region: r.Region}, true
}
