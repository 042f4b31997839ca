package demo

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7/pkg/signer"
)

const maxPostFields = 20 << 10 // bytes of form fields before the file, as on S3

// postForm is a parsed browser upload form.
type postForm struct {
	fields   map[string]string // lower-case field name → value
	order    []string          // field names as sent (lower-case)
	file     []byte
	filename string
	hasFile  bool
}

type postResponse struct {
	XMLName  xml.Name `xml:"PostResponse"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

func errPolicy(msg string) *s3Error {
	return newError(http.StatusForbidden, "AccessDenied", "Invalid according to Policy: "+msg)
}

func errPostField(msg, field string) *s3Error {
	return errInvalidArgument(msg, field, "")
}

// postObject handles a browser form upload (POST /bucket, multipart/form-data)
// signed with a SigV4 POST policy.
func (s *Server) postObject(w http.ResponseWriter, r *http.Request, bucketName string) *s3Error {
	form, e := readPostForm(r)
	if e != nil {
		return e
	}
	if _, e := s.bucket(bucketName); e != nil {
		return e
	}
	f := form.fields
	policyB64, sig := f["policy"], f["x-amz-signature"]
	switch {
	case sig == "" && f["signature"] != "":
		return errUnsupportedV2()
	case policyB64 == "" && sig == "":
		return errAccessDenied() // an anonymous upload to a private bucket
	case policyB64 == "":
		return errPostField("Bucket POST must contain a field named 'policy'.  If it is specified, please check the order of the fields.", "policy")
	case sig == "":
		return errPostField("Bucket POST must contain a field named 'x-amz-signature'.  If it is specified, please check the order of the fields.", "x-amz-signature")
	case f["x-amz-algorithm"] != algorithmV4:
		return errPostField("Bucket POST must contain a field named 'x-amz-algorithm' set to AWS4-HMAC-SHA256.", "x-amz-algorithm")
	}
	cred, ok := parseCredential(f["x-amz-credential"])
	switch {
	case !ok:
		return errPostField(`Bucket POST must contain a field named 'x-amz-credential' of the form "<YOUR-AKID>/YYYYMMDD/REGION/s3/aws4_request".`, "x-amz-credential")
	case cred.service != "s3" || cred.terminal != "aws4_request":
		return errPostField(fmt.Sprintf("Error parsing the x-amz-credential field; expecting service \"s3\" and terminal \"aws4_request\", got %q and %q.", cred.service, cred.terminal), "x-amz-credential")
	case cred.region != s.Region:
		e := errPostField(fmt.Sprintf("Error parsing the x-amz-credential field; the region '%s' is wrong; expecting '%s'", cred.region, s.Region), "x-amz-credential")
		e.extra = append(e.extra, xmlField{"Region", s.Region})
		return e
	}
	if _, err := time.Parse(amzDateFormat, f["x-amz-date"]); err != nil {
		return errPostField(`Bucket POST must contain a field named 'x-amz-date' in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'".`, "x-amz-date")
	}
	secret, ok := s.secretOf(cred.accessKey)
	if !ok {
		return errInvalidAccessKey(cred.accessKey)
	}
	if e := s.checkToken(f["x-amz-security-token"], cred.accessKey); e != nil {
		return e
	}
	want := signer.PostPresignSignatureV4(policyB64, cred.scopeDate, secret, cred.region)
	if !subtleEqual(want, sig) {
		return newError(http.StatusForbidden, "SignatureDoesNotMatch",
			"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
			xmlField{"AWSAccessKeyId", cred.accessKey}, xmlField{"StringToSign", policyB64}, xmlField{"SignatureProvided", sig})
	}

	pol, e := parsePolicy(policyB64)
	if e != nil {
		return e
	}
	if s.now().After(pol.expiration) {
		return errPolicy("Policy expired.")
	}

	// The bucket is the one in the URL; ${filename} is the uploaded file's name.
	f["bucket"] = bucketName
	if form.hasFile {
		f["key"] = strings.ReplaceAll(f["key"], "${filename}", form.filename)
	}
	covered := map[string]bool{}
	for _, c := range pol.conditions {
		covered[c.field] = true
		if !c.holds(f) {
			return errPolicy("Policy Condition failed: " + c.String())
		}
	}
	var extra []string
	for _, name := range form.order {
		if name == "x-amz-signature" || name == "policy" || name == "file" || strings.HasPrefix(name, "x-ignore-") || covered[name] {
			continue
		}
		extra = append(extra, name)
	}
	if len(extra) > 0 {
		return errPolicy("Extra input fields: " + strings.Join(extra, ", "))
	}

	key := f["key"]
	switch {
	case key == "":
		return errPostField("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", "key")
	case len(key) > 1024:
		return newError(http.StatusBadRequest, "KeyTooLongError", "Your key is too long")
	case !form.hasFile:
		return errPostField("POST requires exactly one file upload per request.", "file")
	}
	size := int64(len(form.file))
	if pol.hasRange && size > pol.maxSize {
		return newError(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size",
			xmlField{"ProposedSize", strconv.FormatInt(size, 10)}, xmlField{"MaxSizeAllowed", strconv.FormatInt(pol.maxSize, 10)})
	}
	if pol.hasRange && size < pol.minSize {
		return newError(http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size",
			xmlField{"ProposedSize", strconv.FormatInt(size, 10)}, xmlField{"MinSizeAllowed", strconv.FormatInt(pol.minSize, 10)})
	}

	meta := map[string]string{}
	headers := map[string]string{}
	for name, v := range f {
		if m, ok := strings.CutPrefix(name, "x-amz-meta-"); ok && m != "" {
			meta[m] = v
		}
	}
	for _, h := range storedHeaders {
		if v, ok := f[strings.ToLower(h)]; ok && v != "" {
			headers[h] = v
		}
	}
	o := newObject(key, form.file, f["content-type"], meta, headers, s.now())
	if e := s.store(bucketName, o); e != nil {
		return e
	}

	location := s.URL + "/" + uriEncode(bucketName+"/"+key, false)
	w.Header().Set("ETag", o.etag)
	w.Header().Set("Location", location)
	if redirect := f["success_action_redirect"]; redirect != "" {
		if u, err := url.Parse(redirect); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			rq := u.Query()
			rq.Set("bucket", bucketName)
			rq.Set("key", key)
			rq.Set("etag", o.etag)
			u.RawQuery = rq.Encode()
			w.Header().Set("Location", u.String())
			w.WriteHeader(http.StatusSeeOther)
			return nil
		}
	}
	switch f["success_action_status"] {
	case "200":
		w.WriteHeader(http.StatusOK)
	case "201":
		return writeXML(w, http.StatusCreated, postResponse{Location: location, Bucket: bucketName, Key: key, ETag: o.etag})
	default:
		w.WriteHeader(http.StatusNoContent)
	}
	return nil
}

// readPostForm reads the form fields up to and including the file; S3
// ignores any field after the file.
func readPostForm(r *http.Request) (*postForm, *s3Error) {
	notForm := newError(http.StatusPreconditionFailed, "PreconditionFailed",
		"At least one of the pre-conditions you specified did not hold",
		xmlField{"Condition", "Bucket POST must be of the enclosure-type multipart/form-data"})
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return nil, notForm
	}
	malformed := newError(http.StatusBadRequest, "MalformedPOSTRequest",
		"The body of your POST request is not well-formed multipart/form-data.")
	mr := multipart.NewReader(r.Body, params["boundary"])
	form := &postForm{fields: map[string]string{}}
	fieldBytes := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, malformed
		}
		name := strings.ToLower(part.FormName())
		if name == "" {
			continue
		}
		if name == "file" {
			data, err := io.ReadAll(io.LimitReader(part, MaxObjectSize+1))
			if err != nil {
				return nil, malformed
			}
			if len(data) > MaxObjectSize {
				return nil, errTooLarge(int64(len(data)))
			}
			form.file, form.filename, form.hasFile = data, path.Base("/"+part.FileName()), true
			if form.filename == "/" {
				form.filename = ""
			}
			return form, nil
		}
		v, err := io.ReadAll(io.LimitReader(part, maxPostFields+1))
		if err != nil {
			return nil, malformed
		}
		if fieldBytes += len(name) + len(v); fieldBytes > maxPostFields {
			return nil, newError(http.StatusBadRequest, "MaxPostPreDataLengthExceeded",
				"Your POST request fields preceding the upload file were too large.")
		}
		if _, dup := form.fields[name]; dup {
			return nil, errPostField("POST requires exactly one value for the field '"+name+"'.", name)
		}
		form.fields[name] = string(v)
		form.order = append(form.order, name)
	}
	return form, nil
}

// policy is a decoded POST policy document.
type policy struct {
	expiration       time.Time
	conditions       []condition
	hasRange         bool
	minSize, maxSize int64
}

type condition struct {
	op    string // "eq" or "starts-with"
	field string // lower-case form field name, without '$'
	value string
}

func (c condition) holds(f map[string]string) bool {
	if c.op == "eq" {
		return f[c.field] == c.value
	}
	return strings.HasPrefix(f[c.field], c.value)
}

func (c condition) String() string {
	return fmt.Sprintf("[%q, %q, %q]", c.op, "$"+c.field, c.value)
}

func parsePolicy(b64 string) (*policy, *s3Error) {
	bad := func(msg string) *s3Error {
		return newError(http.StatusBadRequest, "InvalidPolicyDocument", "Invalid Policy: "+msg)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, bad("Invalid 'Base64' encoding.")
	}
	var doc struct {
		Expiration string            `json:"expiration"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, bad("Invalid JSON.")
	}
	if doc.Expiration == "" {
		return nil, bad("Policy missing expiration.")
	}
	exp, err := time.Parse(time.RFC3339Nano, doc.Expiration)
	if err != nil {
		return nil, bad("Invalid 'expiration' value: '" + doc.Expiration + "'")
	}
	p := &policy{expiration: exp}
	for _, rc := range doc.Conditions {
		var obj map[string]any
		if json.Unmarshal(rc, &obj) == nil {
			for k, v := range obj {
				sv, ok := v.(string)
				if !ok {
					return nil, bad("Invalid Simple-Condition: value must be a string.")
				}
				p.conditions = append(p.conditions, condition{op: "eq", field: strings.ToLower(k), value: sv})
			}
			continue
		}
		var arr []any
		d := json.NewDecoder(bytes.NewReader(rc))
		d.UseNumber()
		if d.Decode(&arr) != nil || len(arr) != 3 {
			return nil, bad("Invalid Condition: " + string(rc))
		}
		op, _ := arr[0].(string)
		switch op = strings.ToLower(op); op {
		case "content-length-range":
			lo, err1 := strconv.ParseInt(fmt.Sprint(arr[1]), 10, 64)
			hi, err2 := strconv.ParseInt(fmt.Sprint(arr[2]), 10, 64)
			if err1 != nil || err2 != nil {
				return nil, bad("Invalid content-length-range: " + string(rc))
			}
			p.hasRange, p.minSize, p.maxSize = true, lo, hi
		case "eq", "starts-with":
			field, ok1 := arr[1].(string)
			value, ok2 := arr[2].(string)
			if !ok1 || !ok2 || !strings.HasPrefix(field, "$") {
				return nil, bad("Invalid Condition: " + string(rc))
			}
			p.conditions = append(p.conditions, condition{op: op, field: strings.ToLower(field[1:]), value: value})
		default:
			return nil, bad("Invalid Condition: unknown operation " + strconv.Quote(op))
		}
	}
	return p, nil
}
