package presign

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strconv"
	"time"

	"github.com/minio/minio-go/v7/pkg/signer"
)

// FilenameVariable in a POST key field is replaced by S3 with the name of
// the uploaded file (AWS S3 and MinIO do this; versitygw 1.8 stores the
// key literally).
const FilenameVariable = "${filename}"

// signPOST builds a POST policy (a JSON document, base64-encoded, whose
// base64 text is the SigV4 string to sign) and the form fields that go
// with it. Every field sent is covered by a condition, as S3 requires.
func (s *Signer) signPOST(res *Result, req *Request, sc *scope, tg *target, t time.Time, region string) error {
	var date [16]byte
	amzDate := string(appendAmzDate(date[:0], t))

	var p bytes.Buffer
	p.WriteString(`{"expiration":`)
	writeJSON(&p, res.ExpiresAt.UTC().Format("2006-01-02T15:04:05.000Z"))
	p.WriteString(`,"conditions":[{"bucket":`)
	writeJSON(&p, req.Bucket)
	p.WriteString(`}`)

	key := req.Key
	if req.KeyIsPrefix {
		key += FilenameVariable
		p.WriteString(`,["starts-with","$key",`)
	} else {
		p.WriteString(`,["eq","$key",`)
	}
	writeJSON(&p, req.Key)
	p.WriteString(`]`)
	fields := []Field{{"key", key}}

	if req.MaxSize > 0 {
		p.WriteString(`,["content-length-range",`)
		p.WriteString(strconv.FormatInt(req.MinSize, 10))
		p.WriteByte(',')
		p.WriteString(strconv.FormatInt(req.MaxSize, 10))
		p.WriteString(`]`)
	}
	if req.ContentType != "" {
		if req.ContentTypePrefix {
			p.WriteString(`,["starts-with","$Content-Type",`)
		} else {
			p.WriteString(`,["eq","$Content-Type",`)
		}
		writeJSON(&p, req.ContentType)
		p.WriteString(`]`)
		fields = append(fields, Field{"Content-Type", req.ContentType})
	}
	names := make([]string, 0, len(req.Headers))
	for k := range req.Headers {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		p.WriteString(`,["eq",`)
		writeJSON(&p, "$"+k)
		p.WriteByte(',')
		writeJSON(&p, req.Headers[k])
		p.WriteString(`]`)
		fields = append(fields, Field{k, req.Headers[k]})
	}

	auth := []Field{
		{"x-amz-algorithm", "AWS4-HMAC-SHA256"},
		{"x-amz-credential", sc.cred},
		{"x-amz-date", amzDate},
	}
	if s.token != "" {
		auth = append(auth, Field{"x-amz-security-token", s.token})
	}
	for _, f := range auth {
		p.WriteString(`,{`)
		writeJSON(&p, f.Name)
		p.WriteByte(':')
		writeJSON(&p, f.Value)
		p.WriteString(`}`)
	}
	p.WriteString(`]}`)

	policy := base64.StdEncoding.EncodeToString(p.Bytes())
	fields = append(fields, auth...)
	fields = append(fields,
		Field{"policy", policy},
		Field{"x-amz-signature", signer.PostPresignSignatureV4(policy, t, s.secret, region)})

	res.Fields = fields
	res.URL = tg.urlPrefix + tg.path
	if tg.path == "" {
		res.URL += "/"
	}
	return nil
}

// writeJSON writes s as a JSON string.
func writeJSON(b *bytes.Buffer, s string) {
	enc, _ := json.Marshal(s) // a string always marshals
	b.Write(enc)
}
