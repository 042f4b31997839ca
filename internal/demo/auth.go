package demo

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7/pkg/signer"
)

const (
	algorithmV4              = "AWS4-HMAC-SHA256"
	unsignedPayload          = "UNSIGNED-PAYLOAD"
	streamingPayload         = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	streamingPayloadTrailer  = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	streamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	emptySHA256              = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	amzDateFormat            = "20060102T150405Z"
	scopeDateFormat          = "20060102"
	maxPresignExpiry         = 7 * 24 * 60 * 60 // seconds; AWS's limit for SigV4 links
	maxClockSkew             = 15 * time.Minute
)

// MaxObjectSize is the biggest object the demo endpoint takes, in one PUT
// or from the parts of a multipart upload: it keeps objects in memory.
const MaxObjectSize = 64 << 20

// authInfo is what a verified request was signed with; the payload of a
// streaming upload is verified against it later.
type authInfo struct {
	presigned bool
	secret    string // the secret key of the access key that signed
	amzDate   string // X-Amz-Date as sent
	scope     string // date/region/s3/aws4_request
	scopeDate time.Time
	region    string
	signature string // the verified (seed) signature
	payload   string // x-amz-content-sha256 as signed
}

// credential is a parsed "AKID/YYYYMMDD/REGION/s3/aws4_request".
type credential struct {
	accessKey, date, region, service, terminal string
	scopeDate                                  time.Time
}

func parseCredential(v string) (credential, bool) {
	parts := strings.Split(v, "/")
	if len(parts) != 5 || parts[0] == "" {
		return credential{}, false
	}
	d, err := time.Parse(scopeDateFormat, parts[1])
	if err != nil {
		return credential{}, false
	}
	return credential{parts[0], parts[1], parts[2], parts[3], parts[4], d}, true
}

func (c credential) scope() string {
	return c.date + "/" + c.region + "/" + c.service + "/" + c.terminal
}

// authenticate checks a request's SigV4 signature (Authorization header or
// presigned query). globalOp marks ListBuckets and GetBucketLocation, which
// AWS accepts when signed for us-east-1 whatever the bucket's region.
func (s *Server) authenticate(r *http.Request, q url.Values, globalOp bool) (*authInfo, *s3Error) {
	hasHeader := r.Header.Get("Authorization") != ""
	hasQuery := q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature")
	switch {
	case hasHeader && hasQuery:
		return nil, errInvalidArgument("Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
			"Authorization", r.Header.Get("Authorization"))
	case hasHeader:
		return s.verifyHeaderAuth(r, q, globalOp, "s3", "")
	case hasQuery:
		return s.verifyQueryAuth(r, q, globalOp)
	case q.Has("Signature") || q.Has("AWSAccessKeyId"):
		return nil, errUnsupportedV2()
	default:
		return nil, errAccessDenied()
	}
}

func errUnsupportedV2() *s3Error {
	return newError(http.StatusBadRequest, "InvalidRequest",
		"The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
}

func errInvalidAccessKey(ak string) *s3Error {
	return newError(http.StatusForbidden, "InvalidAccessKeyId",
		"The AWS Access Key Id you provided does not exist in our records.", xmlField{"AWSAccessKeyId", ak})
}

func (s *Server) regionAllowed(region string, globalOp bool) bool {
	return region == s.Region || (globalOp && region == "us-east-1")
}

// verifyHeaderAuth checks an Authorization header signed for service: s3
// in the endpoint's region, or sts (in any region). bodyHash, when not "",
// is the payload hash signed when no x-amz-content-sha256 header is sent,
// as STS clients do.
func (s *Server) verifyHeaderAuth(r *http.Request, q url.Values, globalOp bool, service, bodyHash string) (*authInfo, *s3Error) {
	h := r.Header.Get("Authorization")
	rest, ok := strings.CutPrefix(h, algorithmV4+" ")
	if !ok {
		if strings.HasPrefix(h, "AWS ") {
			return nil, errUnsupportedV2()
		}
		return nil, errInvalidArgument("Unsupported Authorization Type", "Authorization", h)
	}
	fields := make(map[string]string, 3)
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	credStr, signedHeaders, sig := fields["Credential"], fields["SignedHeaders"], fields["Signature"]
	if credStr == "" || signedHeaders == "" || sig == "" {
		return nil, errMalformedAuth("the authorization header requires three components: Credential, SignedHeaders, and Signature.")
	}
	cred, ok := parseCredential(credStr)
	if !ok {
		return nil, errMalformedAuth(`the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`)
	}
	if cred.service != service {
		return nil, errMalformedAuth(fmt.Sprintf("incorrect service %q. This endpoint belongs to %q.", cred.service, service))
	}
	if cred.terminal != "aws4_request" {
		return nil, errMalformedAuth(fmt.Sprintf("incorrect terminal %q. This endpoint uses \"aws4_request\".", cred.terminal))
	}
	if service == "s3" && !s.regionAllowed(cred.region, globalOp) {
		e := errMalformedAuth(fmt.Sprintf("the region '%s' is wrong; expecting '%s'", cred.region, s.Region))
		e.extra = append(e.extra, xmlField{"Region", s.Region})
		return nil, e
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return nil, newError(http.StatusForbidden, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
	}
	if t.Format(scopeDateFormat) != cred.date {
		return nil, errMalformedAuth("Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	secret, ok := s.secretOf(cred.accessKey)
	if !ok {
		return nil, errInvalidAccessKey(cred.accessKey)
	}
	now := s.now()
	if d := now.Sub(t); d > maxClockSkew || d < -maxClockSkew {
		return nil, newError(http.StatusForbidden, "RequestTimeTooSkewed",
			"The difference between the request time and the current time is too large.",
			xmlField{"RequestTime", amzDate},
			xmlField{"ServerTime", now.UTC().Format(time.RFC3339)},
			xmlField{"MaxAllowedSkewMilliseconds", strconv.Itoa(int(maxClockSkew / time.Millisecond))})
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if payload == "" {
		payload = bodyHash
	}
	if payload == "" {
		return nil, newError(http.StatusBadRequest, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
	}
	if e := checkPayloadMode(payload); e != nil {
		return nil, e
	}
	if e := s.checkToken(r.Header.Get("X-Amz-Security-Token"), cred.accessKey); e != nil {
		return nil, e
	}
	a := &authInfo{secret: secret, amzDate: amzDate, scope: cred.scope(), scopeDate: cred.scopeDate, region: cred.region, payload: payload}
	if e := s.verifySignature(r, q, a, cred.accessKey, signedHeaders, sig, ""); e != nil {
		return nil, e
	}
	return a, nil
}

func (s *Server) verifyQueryAuth(r *http.Request, q url.Values, globalOp bool) (*authInfo, *s3Error) {
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"} {
		if q.Get(k) == "" {
			return nil, errQueryAuth("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
		}
	}
	if q.Get("X-Amz-Algorithm") != algorithmV4 {
		return nil, errQueryAuth(`X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"`)
	}
	cred, ok := parseCredential(q.Get("X-Amz-Credential"))
	if !ok {
		return nil, errQueryAuth(`Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".`)
	}
	if cred.service != "s3" {
		return nil, errQueryAuth(fmt.Sprintf("Error parsing the X-Amz-Credential parameter; incorrect service %q. This endpoint belongs to \"s3\".", cred.service))
	}
	if cred.terminal != "aws4_request" {
		return nil, errQueryAuth(fmt.Sprintf("Error parsing the X-Amz-Credential parameter; incorrect terminal %q. This endpoint uses \"aws4_request\".", cred.terminal))
	}
	if !s.regionAllowed(cred.region, globalOp) {
		e := errQueryAuth(fmt.Sprintf("Error parsing the X-Amz-Credential parameter; the region '%s' is wrong; expecting '%s'", cred.region, s.Region))
		e.extra = append(e.extra, xmlField{"Region", s.Region})
		return nil, e
	}
	amzDate := q.Get("X-Amz-Date")
	t, err := time.Parse(amzDateFormat, amzDate)
	if err != nil {
		return nil, errQueryAuth(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`)
	}
	if t.Format(scopeDateFormat) != cred.date {
		return nil, errQueryAuth("Error parsing the X-Amz-Credential parameter; Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	expires, err := strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
	switch {
	case err != nil:
		return nil, errQueryAuth("X-Amz-Expires should be a number")
	case expires < 0:
		return nil, errQueryAuth("X-Amz-Expires must be non-negative")
	case expires > maxPresignExpiry:
		return nil, errQueryAuth("X-Amz-Expires must be less than a week (in seconds) that is 604800")
	}
	secret, ok := s.secretOf(cred.accessKey)
	if !ok {
		return nil, errInvalidAccessKey(cred.accessKey)
	}
	now := s.now()
	if t.Sub(now) > maxClockSkew {
		return nil, newError(http.StatusForbidden, "AccessDenied", "Request is not valid yet",
			xmlField{"X-Amz-Date", amzDate}, xmlField{"ServerTime", now.UTC().Format(time.RFC3339)})
	}
	if exp := t.Add(time.Duration(expires) * time.Second); now.After(exp) {
		return nil, newError(http.StatusForbidden, "AccessDenied", "Request has expired",
			xmlField{"X-Amz-Expires", strconv.FormatInt(expires, 10)},
			xmlField{"Expires", exp.UTC().Format(time.RFC3339)},
			xmlField{"ServerTime", now.UTC().Format(time.RFC3339)})
	}
	payload := unsignedPayload
	if v := q.Get("X-Amz-Content-Sha256"); v != "" {
		payload = v
	}
	if e := checkPayloadMode(payload); e != nil {
		return nil, e
	}
	if payload != unsignedPayload && !isHexSHA256(payload) {
		return nil, errNotImplemented("a streaming payload on a presigned request")
	}
	if e := s.checkToken(q.Get("X-Amz-Security-Token"), cred.accessKey); e != nil {
		return nil, e
	}
	a := &authInfo{secret: secret, presigned: true, amzDate: amzDate, scope: cred.scope(), scopeDate: cred.scopeDate, region: cred.region, payload: payload}
	if e := s.verifySignature(r, q, a, cred.accessKey, q.Get("X-Amz-SignedHeaders"), q.Get("X-Amz-Signature"), "X-Amz-Signature"); e != nil {
		return nil, e
	}
	return a, nil
}

// checkToken compares a session token with the one the server expects.
func (s *Server) checkToken(token, accessKey string) *s3Error {
	want := s.SessionToken
	if accessKey != s.AccessKey {
		want = "" // the extra keys are long-lived
		if k, ok := s.issuedOf(accessKey); ok {
			want = k.token // the STS's are not
		}
	}
	switch {
	case want == "" && token == "":
		return nil
	case want != "" && token == "":
		return errInvalidAccessKey(accessKey)
	case want != "" && subtleEqual(token, want):
		return nil
	default:
		return newError(http.StatusBadRequest, "InvalidToken", "The provided token is malformed or otherwise invalid.")
	}
}

func subtleEqual(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

func checkPayloadMode(p string) *s3Error {
	switch {
	case p == unsignedPayload, p == streamingPayload, p == streamingPayloadTrailer, p == streamingUnsignedTrailer, isHexSHA256(p):
		return nil
	case strings.HasPrefix(p, "STREAMING-AWS4-ECDSA"):
		return errNotImplemented("SigV4a (ECDSA) streaming payloads")
	default:
		return errInvalidArgument("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.",
			"x-amz-content-sha256", p)
	}
}

func isHexSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// verifySignature rebuilds the canonical request and compares signatures.
func (s *Server) verifySignature(r *http.Request, q url.Values, a *authInfo, accessKey, signedHeaders, sig, skipQuery string) *s3Error {
	names := strings.Split(signedHeaders, ";")
	if !slices.Contains(names, "host") {
		if a.presigned {
			return errQueryAuth("Query-string authentication requires the Host header to be signed: X-Amz-SignedHeaders must include host")
		}
		return errMalformedAuth("SignedHeaders must include host")
	}
	var unsigned []string
	for k := range r.Header {
		lk := strings.ToLower(k)
		if strings.HasPrefix(lk, "x-amz-") && !slices.Contains(names, lk) {
			unsigned = append(unsigned, lk)
		}
	}
	if len(unsigned) > 0 {
		slices.Sort(unsigned)
		return newError(http.StatusForbidden, "AccessDenied", "There were headers present in the request which were not signed",
			xmlField{"HeadersNotSigned", strings.Join(unsigned, ", ")})
	}
	canonical := canonicalRequest(r, q, names, signedHeaders, a.payload, skipQuery)
	sts := stringToSign(a.amzDate, a.scope, canonical)
	want := s.sign(sts, a)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return errSignatureMismatch(accessKey, sts, sig, canonical)
	}
	a.signature = want
	return nil
}

func errSignatureMismatch(accessKey, sts, sig, canonical string) *s3Error {
	return newError(http.StatusForbidden, "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		xmlField{"AWSAccessKeyId", accessKey},
		xmlField{"StringToSign", sts},
		xmlField{"SignatureProvided", sig},
		xmlField{"StringToSignBytes", spacedHex(sts)},
		xmlField{"CanonicalRequest", canonical},
		xmlField{"CanonicalRequestBytes", spacedHex(canonical)})
}

func spacedHex(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%02x", s[i])
	}
	return b.String()
}

// sign is hex(HMAC(signingKey(secret, scope date, region, "s3"), sts)).
func (s *Server) sign(sts string, a *authInfo) string {
	if parts := strings.Split(a.scope, "/"); len(parts) == 4 && parts[2] != "s3" {
		return signForService(sts, a.scopeDate, a.secret, a.region, parts[2])
	}
	return signer.PostPresignSignatureV4(sts, a.scopeDate, a.secret, a.region)
}

func stringToSign(amzDate, scope, canonical string) string {
	sum := sha256.Sum256([]byte(canonical))
	return algorithmV4 + "\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
}

// canonicalRequest follows the SigV4 rules for S3: the path is URI-encoded
// once ('/' kept), the query sorted and RFC 3986 encoded, the signed headers
// trimmed with inner spaces collapsed.
func canonicalRequest(r *http.Request, q url.Values, names []string, signedHeaders, payload, skipQuery string) string {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	path := r.URL.Path
	if path == "" {
		path = "/"
	}
	b.WriteString(uriEncode(path, false))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(q, skipQuery))
	b.WriteByte('\n')
	for _, name := range names {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(headerValue(r, name))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(signedHeaders)
	b.WriteByte('\n')
	b.WriteString(payload)
	return b.String()
}

func headerValue(r *http.Request, name string) string {
	switch name {
	case "host":
		return r.Host
	case "content-length":
		if r.Header.Get("Content-Length") == "" && r.ContentLength >= 0 {
			return strconv.FormatInt(r.ContentLength, 10)
		}
	case "transfer-encoding":
		if len(r.TransferEncoding) > 0 {
			return strings.Join(r.TransferEncoding, ",")
		}
	}
	vals := r.Header.Values(name)
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(out, ",")
}

func canonicalQuery(q url.Values, skip string) string {
	type pair struct{ k, v string }
	var pairs []pair
	for k, vs := range q {
		if k == skip {
			continue
		}
		ek := uriEncode(k, true)
		for _, v := range vs {
			pairs = append(pairs, pair{ek, uriEncode(v, true)})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.k, b.k); c != 0 {
			return c
		}
		return strings.Compare(a.v, b.v)
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

// uriEncode encodes every byte but the RFC 3986 unreserved characters
// (and '/', unless encodeSlash), with upper-case hex.
func uriEncode(s string, encodeSlash bool) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~', c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}

// readBody reads the request body and checks it against the signed payload
// hash, decoding aws-chunked uploads and verifying their chunk signatures.
func (s *Server) readBody(r *http.Request, a *authInfo) ([]byte, *s3Error) {
	if r.Body == nil || r.Body == http.NoBody {
		if isHexSHA256(a.payload) && a.payload != emptySHA256 {
			return nil, errContentSHA256Mismatch(a.payload, emptySHA256)
		}
		return nil, nil
	}
	switch a.payload {
	case streamingPayload, streamingPayloadTrailer, streamingUnsignedTrailer:
		return s.readChunked(r, a)
	}
	if r.ContentLength > MaxObjectSize {
		return nil, errTooLarge(r.ContentLength)
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxObjectSize+1))
	if err != nil {
		return nil, newError(http.StatusBadRequest, "IncompleteBody", "The request body could not be read: "+err.Error())
	}
	if len(data) > MaxObjectSize {
		return nil, errTooLarge(int64(len(data)))
	}
	if isHexSHA256(a.payload) {
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != a.payload {
			return nil, errContentSHA256Mismatch(a.payload, got)
		}
	}
	return data, nil
}

func errContentSHA256Mismatch(client, server string) *s3Error {
	return newError(http.StatusBadRequest, "XAmzContentSHA256Mismatch",
		"The provided 'x-amz-content-sha256' header does not match what was computed.",
		xmlField{"ClientComputedContentSHA256", client}, xmlField{"S3ComputedContentSHA256", server})
}

func errTooLarge(size int64) *s3Error {
	return newError(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size",
		xmlField{"ProposedSize", strconv.FormatInt(size, 10)}, xmlField{"MaxSizeAllowed", strconv.Itoa(MaxObjectSize)})
}

var errBadChunk = errors.New("malformed aws-chunked body")

// readChunked decodes an aws-chunked body:
//
//	hex-size;chunk-signature=SIG\r\n DATA \r\n … 0;chunk-signature=SIG\r\n [trailers] \r\n
//
// Each chunk signature chains from the previous one, starting with the
// request's seed signature; the unsigned-trailer form has no signatures.
func (s *Server) readChunked(r *http.Request, a *authInfo) ([]byte, *s3Error) {
	decoded, err := strconv.ParseInt(r.Header.Get("X-Amz-Decoded-Content-Length"), 10, 64)
	if err != nil || decoded < 0 {
		return nil, newError(http.StatusLengthRequired, "MissingContentLength",
			"You must provide the x-amz-decoded-content-length header with an aws-chunked body.")
	}
	if decoded > MaxObjectSize {
		return nil, errTooLarge(decoded)
	}
	signed := a.payload != streamingUnsignedTrailer
	trailer := a.payload != streamingPayload
	br := bufio.NewReaderSize(io.LimitReader(r.Body, 2*MaxObjectSize), 64<<10)
	out := make([]byte, 0, decoded)
	prev := a.signature
	incomplete := func(msg string) *s3Error {
		return newError(http.StatusBadRequest, "IncompleteBody", "The aws-chunked body is malformed: "+msg)
	}
	for {
		line, err := readLine(br)
		if err != nil {
			return nil, incomplete("missing chunk header")
		}
		sizeStr, ext, _ := strings.Cut(line, ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeStr), 16, 64)
		if err != nil || size < 0 || int64(len(out))+size > decoded {
			return nil, incomplete("bad chunk size " + strconv.Quote(sizeStr))
		}
		chunk := make([]byte, size)
		if _, err := io.ReadFull(br, chunk); err != nil {
			return nil, incomplete("chunk shorter than its size")
		}
		if signed {
			got, ok := strings.CutPrefix(ext, "chunk-signature=")
			if !ok {
				return nil, incomplete("chunk without chunk-signature")
			}
			sum := sha256.Sum256(chunk)
			sts := "AWS4-HMAC-SHA256-PAYLOAD\n" + a.amzDate + "\n" + a.scope + "\n" + prev + "\n" + emptySHA256 + "\n" + hex.EncodeToString(sum[:])
			want := s.sign(sts, a)
			if !hmac.Equal([]byte(want), []byte(got)) {
				return nil, newError(http.StatusForbidden, "SignatureDoesNotMatch",
					"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
					xmlField{"StringToSign", sts}, xmlField{"SignatureProvided", got})
			}
			prev = want
		}
		out = append(out, chunk...)
		if size == 0 {
			break
		}
		if crlf, err := readLine(br); err != nil || crlf != "" {
			return nil, incomplete("chunk data not followed by CRLF")
		}
	}
	if int64(len(out)) != decoded {
		return nil, incomplete(fmt.Sprintf("decoded %d bytes, x-amz-decoded-content-length says %d", len(out), decoded))
	}
	if !trailer {
		return out, nil
	}
	// Trailers: "name:value" lines, then (signed form) x-amz-trailer-signature.
	rest, _ := io.ReadAll(io.LimitReader(br, 16<<10))
	var canon bytes.Buffer
	var trailerSig string
	for l := range strings.SplitSeq(string(rest), "\n") {
		l = strings.TrimRight(l, "\r")
		if l == "" {
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return nil, incomplete("bad trailer line")
		}
		if strings.EqualFold(name, "x-amz-trailer-signature") {
			trailerSig = value
			continue
		}
		canon.WriteString(strings.ToLower(name) + ":" + value + "\n")
	}
	if signed {
		sum := sha256.Sum256(canon.Bytes())
		sts := "AWS4-HMAC-SHA256-TRAILER\n" + a.amzDate + "\n" + a.scope + "\n" + prev + "\n" + hex.EncodeToString(sum[:])
		if want := s.sign(sts, a); !hmac.Equal([]byte(want), []byte(trailerSig)) {
			return nil, newError(http.StatusForbidden, "SignatureDoesNotMatch",
				"The trailer signature we calculated does not match the signature you provided.",
				xmlField{"StringToSign", sts}, xmlField{"SignatureProvided", trailerSig})
		}
	}
	return out, nil
}

// readLine reads one line of at most 4 KiB without its CRLF.
func readLine(br *bufio.Reader) (string, error) {
	var b []byte
	for {
		part, isPrefix, err := br.ReadLine()
		if err != nil {
			return "", err
		}
		b = append(b, part...)
		if len(b) > 4096 {
			return "", errBadChunk
		}
		if !isPrefix {
			return string(b), nil
		}
	}
}

// secretOf returns the secret key of accessKey, the endpoint's own or
// one of its extra keys.
func (s *Server) secretOf(accessKey string) (string, bool) {
	if accessKey == s.AccessKey {
		return s.SecretKey, true
	}
	if secret, ok := s.extraKeys[accessKey]; ok {
		return secret, true
	}
	k, ok := s.issuedOf(accessKey)
	return k.secret, ok
}
