package demo

// The demo endpoint also answers AWS STS, at its own URL
// (AWS_ENDPOINT_URL_STS=http://127.0.0.1:PORT), so that role profiles can
// be tried against it with no AWS account:
//
//   - AssumeRole, signed (SigV4, service sts, any region) with one of the
//     endpoint's keys or with credentials it issued before (chained roles).
//     With SerialNumber, any 6-digit TokenCode passes.
//   - AssumeRoleWithWebIdentity, unsigned: the demo trusts every identity
//     provider, so any non-empty token passes.
//
// Both hand out temporary credentials (an access key id, a secret key and
// a session token) that the endpoint accepts until they expire, for
// requests and links alike. Errors are STS's XML errors.

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// issuedKey is a set of temporary credentials the STS handed out.
type issuedKey struct {
	secret, token string
	expires       time.Time
}

// isSTS reports whether r is an STS request: a form POSTed to "/".
func isSTS(r *http.Request, bucket, key string) bool {
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return r.Method == http.MethodPost && bucket == "" && key == "" && strings.TrimSpace(ct) == "application/x-www-form-urlencoded"
}

// stsError is an error in STS's form.
type stsError struct {
	status        int
	code, message string
}

var mfaCodeRE = regexp.MustCompile(`^[0-9]{6}$`)

// serveSTS answers an STS request.
func (s *Server) serveSTS(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		s.writeSTSError(w, stsError{http.StatusBadRequest, "InvalidInput", "the request body could not be read"})
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		s.writeSTSError(w, stsError{http.StatusBadRequest, "MalformedInput", "the request body is not a form"})
		return
	}
	action := form.Get("Action")
	switch action {
	case "AssumeRole":
		if e := s.verifySTSAuth(r, body); e != nil {
			s.writeSTSError(w, stsError{e.status, e.code, e.message})
			return
		}
		if serial := form.Get("SerialNumber"); serial != "" && !mfaCodeRE.MatchString(form.Get("TokenCode")) {
			s.writeSTSError(w, stsError{http.StatusForbidden, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code."})
			return
		}
	case "AssumeRoleWithWebIdentity":
		if form.Get("WebIdentityToken") == "" {
			s.writeSTSError(w, stsError{http.StatusBadRequest, "InvalidIdentityToken", "the web identity token is empty"})
			return
		}
	default:
		s.writeSTSError(w, stsError{http.StatusBadRequest, "InvalidAction", fmt.Sprintf("the demo's STS answers AssumeRole and AssumeRoleWithWebIdentity, not %q", action)})
		return
	}
	role, session := form.Get("RoleArn"), form.Get("RoleSessionName")
	if !strings.HasPrefix(role, "arn:") || session == "" {
		s.writeSTSError(w, stsError{http.StatusBadRequest, "ValidationError", "RoleArn and RoleSessionName are required"})
		return
	}
	ttl := time.Hour
	if v := form.Get("DurationSeconds"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 900 || n > 43200 {
			s.writeSTSError(w, stsError{http.StatusBadRequest, "ValidationError", "DurationSeconds must be from 900 to 43200"})
			return
		}
		ttl = time.Duration(n) * time.Second
	}
	id, k := s.issue(ttl)
	type creds struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	type user struct{ Arn, AssumedRoleId string }
	type result struct {
		XMLName         xml.Name // ACTIONResult
		Credentials     creds
		AssumedRoleUser user
	}
	name := role[strings.LastIndex(role, "/")+1:]
	out := struct {
		XMLName xml.Name
		Xmlns   string `xml:"xmlns,attr"`
		Result  result
		Meta    struct{ RequestId string } `xml:"ResponseMetadata"`
	}{XMLName: xml.Name{Local: action + "Response"}, Xmlns: "https://sts.amazonaws.com/doc/2011-06-15/"}
	out.Result = result{
		XMLName:         xml.Name{Local: action + "Result"},
		Credentials:     creds{id, k.secret, k.token, k.expires.UTC().Format(time.RFC3339)},
		AssumedRoleUser: user{"arn:aws:sts::000000000000:assumed-role/" + name + "/" + session, "AROADEMO:" + session},
	}
	out.Meta.RequestId = w.Header().Get("x-amz-request-id")
	b, err := xml.Marshal(out)
	if err != nil {
		s.writeSTSError(w, stsError{http.StatusInternalServerError, "InternalFailure", err.Error()})
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	_, _ = w.Write(append([]byte(xml.Header), b...))
}

// verifySTSAuth checks the SigV4 signature of an STS request and that the
// body is what was signed.
func (s *Server) verifySTSAuth(r *http.Request, body []byte) *s3Error {
	sum := sha256.Sum256(body)
	bodyHash := hex.EncodeToString(sum[:])
	a, e := s.verifyHeaderAuth(r, url.Values{}, false, "sts", bodyHash)
	if e != nil {
		return e
	}
	if isHexSHA256(a.payload) && a.payload != bodyHash {
		return errContentSHA256Mismatch(a.payload, bodyHash)
	}
	return nil
}

// signForService is the SigV4 signature of the string to sign sts for a
// service other than s3 (minio-go's helper derives the key for s3 only).
func signForService(sts string, date time.Time, secret, region, service string) string {
	mac := func(key []byte, data string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(data))
		return h.Sum(nil)
	}
	k := mac([]byte("AWS4"+secret), date.Format(scopeDateFormat))
	for _, part := range []string{region, service, "aws4_request"} {
		k = mac(k, part)
	}
	return hex.EncodeToString(mac(k, sts))
}

// issue makes temporary credentials that live for ttl. Their secret key
// and session token are written like the test suite's secrets, so that
// its check of all test output finds them too.
func (s *Server) issue(ttl time.Duration) (string, issuedKey) {
	n := func() uint64 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		return binary.BigEndian.Uint64(b[:])
	}
	id := fmt.Sprintf("ASIADEMO%012X", n()>>16)
	k := issuedKey{
		secret:  fmt.Sprintf("DEMOsecretKEYvalue0000%020d", n()),
		token:   fmt.Sprintf("DEMOsessionTOKENvalue0000%020d%020d", n(), n()),
		expires: s.now().Add(ttl).Truncate(time.Second),
	}
	s.issuedMu.Lock()
	defer s.issuedMu.Unlock()
	if s.issued == nil {
		s.issued = map[string]issuedKey{}
	}
	for old, ok := range s.issued {
		if !ok.expires.After(s.now()) {
			delete(s.issued, old)
		}
	}
	s.issued[id] = k
	return id, k
}

// issuedOf returns the temporary credentials of accessKey that have not
// expired.
func (s *Server) issuedOf(accessKey string) (issuedKey, bool) {
	s.issuedMu.Lock()
	defer s.issuedMu.Unlock()
	k, ok := s.issued[accessKey]
	if !ok || !k.expires.After(s.now()) {
		return issuedKey{}, false
	}
	return k, true
}

// writeSTSError writes e as STS does.
func (s *Server) writeSTSError(w http.ResponseWriter, e stsError) {
	type detail struct{ Type, Code, Message string }
	out := struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		Xmlns     string   `xml:"xmlns,attr"`
		Error     detail
		RequestId string
	}{Xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", Error: detail{"Sender", e.code, e.message}, RequestId: w.Header().Get("x-amz-request-id")}
	b, _ := xml.Marshal(out)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.status)
	_, _ = w.Write(append([]byte(xml.Header), b...))
}
