package demo

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"strconv"
)

// s3Error is an error answered the way S3 answers it: a status code and an
// XML <Error> document with a code, a message and optional extra elements.
type s3Error struct {
	status  int
	code    string
	message string
	extra   []xmlField // extra elements, in order (Region, StringToSign, …)
	header  http.Header
}

type xmlField struct{ name, value string }

func (e *s3Error) Error() string { return e.code + ": " + e.message }

func newError(status int, code, message string, extra ...xmlField) *s3Error {
	return &s3Error{status: status, code: code, message: message, extra: extra}
}

func errAccessDenied() *s3Error {
	return newError(http.StatusForbidden, "AccessDenied", "Access Denied")
}

func errNoSuchBucket(name string) *s3Error {
	return newError(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", xmlField{"BucketName", name})
}

func errNoSuchKey(key string) *s3Error {
	return newError(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", xmlField{"Key", key})
}

func errInvalidArgument(message, name, value string) *s3Error {
	return newError(http.StatusBadRequest, "InvalidArgument", message,
		xmlField{"ArgumentName", name}, xmlField{"ArgumentValue", value})
}

func errNotImplemented(what string) *s3Error {
	return newError(http.StatusNotImplemented, "NotImplemented",
		"A header or query you provided implies functionality that is not implemented: "+what+" is not supported by the s3share demo endpoint.")
}

func errMalformedAuth(detail string) *s3Error {
	return newError(http.StatusBadRequest, "AuthorizationHeaderMalformed", "The authorization header is malformed; "+detail)
}

func errQueryAuth(message string) *s3Error {
	return newError(http.StatusBadRequest, "AuthorizationQueryParametersError", message)
}

// writeError sends e as S3 does. HEAD answers carry no body.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, e *s3Error) {
	for k, vs := range e.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if r.Method == http.MethodHead || e.status == http.StatusNotModified {
		w.WriteHeader(e.status)
		return
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<Error>")
	writeElem(&b, "Code", e.code)
	writeElem(&b, "Message", e.message)
	for _, f := range e.extra {
		writeElem(&b, f.name, f.value)
	}
	writeElem(&b, "Resource", r.URL.Path)
	writeElem(&b, "RequestId", w.Header().Get("x-amz-request-id"))
	writeElem(&b, "HostId", w.Header().Get("x-amz-id-2"))
	b.WriteString("</Error>")
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(e.status)
	_, _ = w.Write(b.Bytes())
}

func writeElem(b *bytes.Buffer, name, value string) {
	b.WriteString("<" + name + ">")
	_ = xml.EscapeText(b, []byte(value))
	b.WriteString("</" + name + ">")
}
