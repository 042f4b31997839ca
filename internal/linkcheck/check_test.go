package linkcheck

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/s3test"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/s3model"
)

func serverStore(t *testing.T, endpoint, access, secret, token string) config.Store {
	t.Helper()
	u, err := config.ParseEndpoint(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	return config.Store{
		Name:       "versitygw",
		Endpoint:   u,
		Region:     s3test.Region,
		Addressing: config.AddressingPath,
		Timeout:    10 * time.Second,
		Creds:      config.Credentials{AccessKeyID: access, SecretAccessKey: secret, SessionToken: token},
	}
}

// sign makes a GET link for bucket/key with st, attachment disposition.
func sign(t *testing.T, st config.Store, bucket, key string) presign.Result {
	t.Helper()
	s, err := presign.NewSigner(st)
	if err != nil {
		t.Fatal(err)
	}
	d, err := presign.ContentDisposition(presign.Attachment, key)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Sign(presign.Request{Bucket: bucket, Key: key, ResponseContentDisposition: d})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func check(t *testing.T, st config.Store, r presign.Result) Report {
	t.Helper()
	cl, err := s3model.New(st)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(st, cl)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rep := c.Check(ctx, r)
	t.Logf("check: %s", rep.Line())
	return rep
}

func wantCause(t *testing.T, rep Report, cause Cause, words ...string) {
	t.Helper()
	if rep.OK || rep.Cause != cause {
		t.Fatalf("check = %+v, want cause %q", rep, cause)
	}
	for _, w := range words {
		if !strings.Contains(rep.Why, w) {
			t.Errorf("check says %q, want it to mention %q", rep.Why, w)
		}
	}
}

func TestCheckAgainstVersitygw(t *testing.T) {
	srv := s3test.StartWithUser(t)
	bucket := srv.NewBucket(t)
	srv.Put(t, bucket, "photos/cat.jpg", []byte("0123456789 a cat"), "image/jpeg")
	st := serverStore(t, srv.Endpoint, srv.AccessKey, srv.SecretKey, "")

	t.Run("healthy", func(t *testing.T) {
		rep := check(t, st, sign(t, st, bucket, "photos/cat.jpg"))
		if !rep.OK || rep.Status != http.StatusPartialContent {
			t.Fatalf("check = %+v, want ✓ 206", rep)
		}
		if rep.Size != 16 || rep.ContentType != "image/jpeg" || !strings.HasPrefix(rep.Disposition, `attachment; filename="cat.jpg"`) {
			t.Errorf("check = %+v, want size 16, image/jpeg, attachment cat.jpg", rep)
		}
		if l := rep.Line(); !strings.Contains(l, "16 B") || !strings.Contains(l, "image/jpeg") || !strings.Contains(l, "attachment") {
			t.Errorf("line %q lacks size, type or disposition", l)
		}
	})

	t.Run("no such key", func(t *testing.T) {
		wantCause(t, check(t, st, sign(t, st, bucket, "photos/dog.jpg")), NoSuchKey, "no such key")
	})

	t.Run("user without access", func(t *testing.T) {
		ust := serverStore(t, srv.Endpoint, s3test.UserAccessKey, s3test.UserSecretKey, "")
		wantCause(t, check(t, ust, sign(t, ust, bucket, "photos/cat.jpg")), NoPermission, "s3:GetObject", "****user")
	})

	t.Run("session token", func(t *testing.T) {
		// versitygw runs no STS: any session token is one it does not know.
		tst := serverStore(t, srv.Endpoint, srv.AccessKey, srv.SecretKey, "FwoGZXIvYXdzEBYaDexpired")
		wantCause(t, check(t, tst, sign(t, tst, bucket, "photos/cat.jpg")), TokenInvalid, "session token")
	})

	t.Run("host rewritten by a proxy", func(t *testing.T) {
		// A reverse proxy that sends the origin's host name, as most CDNs
		// do by default: links signed for the proxy's host fail.
		target, _ := url.Parse(srv.Endpoint)
		proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) }})
		defer proxy.Close()
		pst := st
		pst.PublicBaseURL = proxy.URL
		wantCause(t, check(t, pst, sign(t, pst, bucket, "photos/cat.jpg")), HostRewritten, "proxy", proxy.Listener.Addr().String(), srv.Host)

		// The same proxy keeping Host works.
		keep := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target); r.Out.Host = r.In.Host }})
		defer keep.Close()
		pst.PublicBaseURL = keep.URL
		if rep := check(t, pst, sign(t, pst, bucket, "photos/cat.jpg")); !rep.OK {
			t.Errorf("through a proxy that keeps Host: %+v, want ✓", rep)
		}
	})

	t.Run("upload links", func(t *testing.T) {
		s, err := presign.NewSigner(st)
		if err != nil {
			t.Fatal(err)
		}
		put, _ := s.Sign(presign.Request{Method: presign.PUT, Bucket: bucket, Key: "in/a.txt"})
		rep := check(t, st, put)
		if !rep.OK || !strings.Contains(rep.Line(), "bucket exists") || !strings.Contains(rep.Line(), "not checked: write permission") {
			t.Errorf("PUT check = %q, want the bucket checked and write permission not", rep.Line())
		}
		post, _ := s.Sign(presign.Request{Method: presign.POST, Bucket: bucket, Key: "in/", KeyIsPrefix: true, MaxSize: 1 << 20})
		rep = check(t, st, post)
		if !rep.OK || !strings.Contains(rep.Line(), "POST policy fits the bucket and prefix") {
			t.Errorf("POST check = %q, want the policy checked", rep.Line())
		}
		ust := serverStore(t, srv.Endpoint, s3test.UserAccessKey, s3test.UserSecretKey, "")
		us, _ := presign.NewSigner(ust)
		uput, _ := us.Sign(presign.Request{Method: presign.PUT, Bucket: bucket, Key: "in/a.txt"})
		wantCause(t, check(t, ust, uput), NoPermission, "may not reach the bucket")
		nput, _ := s.Sign(presign.Request{Method: presign.PUT, Bucket: "no-such-bucket-here", Key: "a.txt"})
		wantCause(t, check(t, st, nput), NoSuchBucket, "no-such-bucket-here")
	})
}

// awsLike answers every request as AWS S3 does where versitygw cannot
// on cue: a link signed for the wrong region, an expired session token.
func awsLike(t *testing.T, status int, body string, header map[string]string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestCheckAWSAnswers(t *testing.T) {
	t.Run("wrong region", func(t *testing.T) {
		ep := awsLike(t, 400, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AuthorizationQueryParametersError</Code><Message>Error parsing the X-Amz-Credential parameter; the region 'us-east-1' is wrong; expecting 'eu-west-2'</Message><Region>eu-west-2</Region><RequestId>X</RequestId></Error>`,
			map[string]string{"X-Amz-Bucket-Region": "eu-west-2"})
		st := serverStore(t, ep, "AKIAEXAMPLE0001", "secret", "")
		wantCause(t, check(t, st, sign(t, st, "bkt", "a.txt")), WrongRegion, "us-east-1", "eu-west-2", "--region eu-west-2")
	})
	t.Run("wrong region from the header only", func(t *testing.T) {
		ep := awsLike(t, 301, `<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>`,
			map[string]string{"X-Amz-Bucket-Region": "ap-south-1"})
		st := serverStore(t, ep, "AKIAEXAMPLE0001", "secret", "")
		wantCause(t, check(t, st, sign(t, st, "bkt", "a.txt")), WrongRegion, "ap-south-1")
	})
	t.Run("expired token", func(t *testing.T) {
		ep := awsLike(t, 400, `<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>`, nil)
		st := serverStore(t, ep, "ASIAEXAMPLE0001", "secret", "token")
		wantCause(t, check(t, st, sign(t, st, "bkt", "a.txt")), TokenExpired, "session token", "expired")
	})
	t.Run("clock skew", func(t *testing.T) {
		ep := awsLike(t, 403, `<Error><Code>AccessDenied</Code><Message>Request is not valid yet</Message></Error>`, nil)
		st := serverStore(t, ep, "AKIAEXAMPLE0001", "secret", "")
		wantCause(t, check(t, st, sign(t, st, "bkt", "a.txt")), ClockSkew, "clock")
		ep = awsLike(t, 403, `<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message></Error>`, nil)
		st = serverStore(t, ep, "AKIAEXAMPLE0001", "secret", "")
		wantCause(t, check(t, st, sign(t, st, "bkt", "a.txt")), ClockSkew, "clock")
	})
	t.Run("expired link", func(t *testing.T) {
		ep := awsLike(t, 403, `<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>`, nil)
		st := serverStore(t, ep, "AKIAEXAMPLE0001", "secret", "")
		wantCause(t, check(t, st, sign(t, st, "bkt", "a.txt")), LinkExpired, "expired")
	})
	t.Run("hostile error text", func(t *testing.T) {
		ep := awsLike(t, 403, "<Error><Code>Weird\x1b[2J</Code><Message>go\x07 \u202eaway</Message></Error>", nil)
		st := serverStore(t, ep, "AKIAEXAMPLE0001", "secret", "")
		rep := check(t, st, sign(t, st, "bkt", "a.txt"))
		if strings.ContainsAny(rep.Why, "\x1b\x07\u202e") {
			t.Errorf("the store's text reached the report raw: %q", rep.Why)
		}
		ep = awsLike(t, 403, "<Error><Code>Chatty</Code><Message>"+strings.Repeat("blah ", 4000)+"</Message></Error>", nil)
		st = serverStore(t, ep, "AKIAEXAMPLE0001", "secret", "")
		if rep := check(t, st, sign(t, st, "bkt", "a.txt")); len(rep.Why) > 500 {
			t.Errorf("a 20 KB message makes a %d-byte report", len(rep.Why))
		}
	})
	t.Run("refused", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		st := serverStore(t, "http://"+addr, "AKIAEXAMPLE0001", "secret", "")
		wantCause(t, check(t, st, sign(t, st, "bkt", "a.txt")), Refused, "refused")
	})
	t.Run("TLS", func(t *testing.T) {
		srv := httptest.NewUnstartedServer(http.NotFoundHandler())
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
		srv.StartTLS()
		defer srv.Close()
		st := serverStore(t, srv.URL, "AKIAEXAMPLE0001", "secret", "")
		wantCause(t, check(t, st, sign(t, st, "bkt", "a.txt")), TLS, "TLS")
	})
}
