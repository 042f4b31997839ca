package presign

import "time"

const upperHex = "0123456789ABCDEF"

// unreserved reports the RFC 3986 unreserved characters, the only bytes
// SigV4 leaves unencoded (A-Z a-z 0-9 - . _ ~).
func unreserved(c byte) bool {
	switch {
	case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		return true
	case c == '-' || c == '.' || c == '_' || c == '~':
		return true
	}
	return false
}

// appendPath appends the SigV4 canonical form of an object path: every
// byte but the unreserved ones and '/' as %XX with upper-case hex. For
// valid UTF-8 it is exactly what minio-go's s3utils.EncodePath returns
// (the tests hold it to that); it exists because EncodePath runs a
// regular expression and allocates per escaped byte, which shows in batch
// signing. Callers reject invalid UTF-8 first.
func appendPath(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || c == '/' {
			b = append(b, c)
			continue
		}
		b = append(b, '%', upperHex[c>>4], upperHex[c&15])
	}
	return b
}

// appendQuery appends s encoded for a SigV4 canonical query string: RFC
// 3986 percent-encoding of everything but the unreserved characters, so
// a space is %20 and '/' is %2F.
func appendQuery(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', upperHex[c>>4], upperHex[c&15])
	}
	return b
}

// queryEscape returns s encoded as appendQuery does.
func queryEscape(s string) string {
	return string(appendQuery(make([]byte, 0, len(s)+16), s))
}

// appendAmzDate appends t (UTC) as 20060102T150405Z without going through
// time.Format.
func appendAmzDate(b []byte, t time.Time) []byte {
	b = appendYMD(b, t)
	h, m, s := t.Clock()
	b = append(b, 'T')
	b = append2(b, h)
	b = append2(b, m)
	b = append2(b, s)
	return append(b, 'Z')
}

// appendYMD appends t's date as 20060102.
func appendYMD(b []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	b = append(b, byte('0'+y/1000%10), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	b = append2(b, int(mo))
	return append2(b, d)
}

func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}
