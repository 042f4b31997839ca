package s3model

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// decodeError is a listing answer that is not the XML it should be (or
// was cut short).
type decodeError struct{ msg string }

func (e *decodeError) Error() string { return "malformed listing answer: " + e.msg }

// decodeListV2 reads a ListObjectsV2 answer. It walks the document's
// tags once and keeps only what a listing shows: keys, sizes, times,
// ETags, storage classes, common prefixes, IsTruncated and the
// continuation token. Everything else (owners, checksums, namespaces,
// comments) is skipped unread. Keys are URL-decoded when the answer says
// EncodingType url. The tests check it against encoding/xml.
func decodeListV2(doc []byte) (rawPage, error) {
	var (
		p       rawPage
		d       = xmlScanner{b: doc}
		stack   [4][]byte
		depth   int
		urlEnc  bool
		cur     rawObject
		started bool
	)
	for {
		kind, name, err := d.next()
		if err != nil {
			return rawPage{}, err
		}
		switch kind {
		case tagEOF:
			if !started || depth != 0 {
				return rawPage{}, &decodeError{"document ends early"}
			}
			if urlEnc {
				if err := p.urlDecode(); err != nil {
					return rawPage{}, err
				}
			}
			return p, nil
		case tagOpen:
			if depth == 0 {
				if string(name) != "ListBucketResult" {
					return rawPage{}, &decodeError{"root element " + strconv.Quote(string(name))}
				}
				started = true
			}
			if depth < len(stack) {
				stack[depth] = name
			}
			depth++
			if depth == 2 && string(name) == "Contents" {
				cur = rawObject{}
			}
			if depth > len(stack) {
				continue
			}
			// A leaf this decoder wants: read its text.
			var field *string
			var text string
			switch {
			case depth == 2:
				switch string(name) {
				case "IsTruncated", "NextContinuationToken", "EncodingType":
					field = &text
				}
			case depth == 3 && string(stack[1]) == "Contents":
				switch string(name) {
				case "Key", "LastModified", "ETag", "Size", "StorageClass":
					field = &text
				}
			case depth == 3 && string(stack[1]) == "CommonPrefixes" && string(name) == "Prefix":
				field = &text
			}
			if field == nil {
				continue
			}
			t, err := d.text(name)
			if err != nil {
				return rawPage{}, err
			}
			depth--
			if err := p.set(&cur, stack[1], name, t, depth, &urlEnc); err != nil {
				return rawPage{}, err
			}
		case tagEmpty:
			if depth == 0 {
				return rawPage{}, &decodeError{"empty root element"}
			}
		case tagClose:
			if depth == 0 {
				return rawPage{}, &decodeError{"unbalanced </" + string(name) + ">"}
			}
			depth--
			if depth < len(stack) && !bytes.Equal(stack[depth], name) {
				return rawPage{}, &decodeError{"</" + string(name) + "> closes <" + string(stack[depth]) + ">"}
			}
			if depth == 1 && string(name) == "Contents" {
				p.Objects = append(p.Objects, cur)
			}
		}
	}
}

// set stores the text of a leaf element (at depth+1, under parent).
func (p *rawPage) set(cur *rawObject, parent, name []byte, text string, depth int, urlEnc *bool) error {
	if depth == 1 {
		switch string(name) {
		case "IsTruncated":
			p.Truncated = strings.TrimSpace(text) == "true"
		case "NextContinuationToken":
			p.Next = text
		case "EncodingType":
			*urlEnc = strings.TrimSpace(text) == "url"
		}
		return nil
	}
	if string(parent) == "CommonPrefixes" {
		p.Prefixes = append(p.Prefixes, text)
		return nil
	}
	switch string(name) {
	case "Key":
		cur.Key = text
	case "LastModified":
		t, err := parseTime(strings.TrimSpace(text))
		if err != nil {
			return &decodeError{"LastModified " + strconv.Quote(text)}
		}
		cur.Modified = t
	case "ETag":
		cur.ETag = strings.Trim(text, "\"")
	case "Size":
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil {
			return &decodeError{"Size " + strconv.Quote(text)}
		}
		cur.Size = n
	case "StorageClass":
		cur.StorageClass = text
	}
	return nil
}

// parseTime reads an ISO 8601 time as S3 writes it, to Unix milliseconds;
// the common "2006-01-02T15:04:05.000Z" without the general parser.
func parseTime(s string) (int64, error) {
	if len(s) == 24 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' && s[16] == ':' && s[19] == '.' && s[23] == 'Z' {
		n := [7]int{}
		spans := [7][2]int{{0, 4}, {5, 7}, {8, 10}, {11, 13}, {14, 16}, {17, 19}, {20, 23}}
		ok := true
		for i, sp := range spans {
			for _, c := range []byte(s[sp[0]:sp[1]]) {
				if c < '0' || c > '9' {
					ok = false
				}
				n[i] = n[i]*10 + int(c-'0')
			}
		}
		if ok && n[1] >= 1 && n[1] <= 12 && n[2] >= 1 && n[2] <= 31 && n[3] < 24 && n[4] < 60 && n[5] < 61 {
			t := time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], n[6]*int(time.Millisecond), time.UTC)
			return t.UnixMilli(), nil
		}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, err
	}
	return t.Truncate(time.Millisecond).UnixMilli(), nil
}

// urlDecode undoes encoding-type=url on keys and prefixes.
func (p *rawPage) urlDecode() error {
	dec := func(s string) (string, error) {
		if !strings.ContainsAny(s, "%+") {
			return s, nil
		}
		u, err := url.QueryUnescape(s)
		if err != nil {
			return "", &decodeError{"key " + strconv.Quote(s) + " is not URL-encoded"}
		}
		return u, nil
	}
	var err error
	for i := range p.Objects {
		if p.Objects[i].Key, err = dec(p.Objects[i].Key); err != nil {
			return err
		}
	}
	for i := range p.Prefixes {
		if p.Prefixes[i], err = dec(p.Prefixes[i]); err != nil {
			return err
		}
	}
	return nil
}

type tagKind int

const (
	tagEOF tagKind = iota
	tagOpen
	tagClose
	tagEmpty
)

// xmlScanner walks the tags of a document, skipping text, comments,
// processing instructions, declarations and attributes.
type xmlScanner struct {
	b   []byte
	pos int
}

// next returns the next tag.
func (d *xmlScanner) next() (tagKind, []byte, error) {
	for {
		i := bytes.IndexByte(d.b[d.pos:], '<')
		if i < 0 {
			d.pos = len(d.b)
			return tagEOF, nil, nil
		}
		d.pos += i
		rest := d.b[d.pos:]
		switch {
		case bytes.HasPrefix(rest, []byte("<?")):
			if err := d.skipPast("?>"); err != nil {
				return 0, nil, err
			}
			continue
		case bytes.HasPrefix(rest, []byte("<!--")):
			if err := d.skipPast("-->"); err != nil {
				return 0, nil, err
			}
			continue
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			if err := d.skipPast("]]>"); err != nil {
				return 0, nil, err
			}
			continue
		case bytes.HasPrefix(rest, []byte("<!")):
			if err := d.skipPast(">"); err != nil {
				return 0, nil, err
			}
			continue
		}
		end := bytes.IndexByte(rest, '>')
		if end < 0 {
			return 0, nil, &decodeError{"tag not closed"}
		}
		tag := rest[1:end]
		d.pos += end + 1
		kind := tagOpen
		if len(tag) > 0 && tag[0] == '/' {
			kind, tag = tagClose, tag[1:]
		} else if len(tag) > 0 && tag[len(tag)-1] == '/' {
			kind, tag = tagEmpty, tag[:len(tag)-1]
		}
		if j := bytes.IndexAny(tag, " \t\r\n"); j >= 0 {
			tag = tag[:j]
		}
		if j := bytes.IndexByte(tag, ':'); j >= 0 {
			tag = tag[j+1:] // a namespace prefix
		}
		if len(tag) == 0 {
			return 0, nil, &decodeError{"empty tag"}
		}
		return kind, tag, nil
	}
}

func (d *xmlScanner) skipPast(end string) error {
	i := bytes.Index(d.b[d.pos:], []byte(end))
	if i < 0 {
		return &decodeError{"unterminated " + end}
	}
	d.pos += i + len(end)
	return nil
}

// text reads the character data of the element name just opened, up to
// and including its end tag. Markup inside it is refused; comments and
// CDATA sections are allowed.
func (d *xmlScanner) text(name []byte) (string, error) {
	// Most text is plain and followed by its end tag: one copy.
	if i := bytes.IndexByte(d.b[d.pos:], '<'); i >= 0 {
		chunk, rest := d.b[d.pos:d.pos+i], d.b[d.pos+i:]
		if bytes.IndexByte(chunk, '&') < 0 && len(rest) >= len(name)+3 && rest[1] == '/' &&
			bytes.Equal(rest[2:2+len(name)], name) && rest[2+len(name)] == '>' && utf8.Valid(chunk) {
			d.pos += i + len(name) + 3
			return string(chunk), nil
		}
	}
	var sb []byte
	for {
		i := bytes.IndexByte(d.b[d.pos:], '<')
		if i < 0 {
			return "", &decodeError{"<" + string(name) + "> not closed"}
		}
		chunk := d.b[d.pos : d.pos+i]
		d.pos += i
		rest := d.b[d.pos:]
		var err error
		if sb, err = unescape(sb, chunk); err != nil {
			return "", err
		}
		switch {
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			j := bytes.Index(rest, []byte("]]>"))
			if j < 0 {
				return "", &decodeError{"unterminated CDATA"}
			}
			sb = append(sb, rest[len("<![CDATA["):j]...)
			d.pos += j + 3
			continue
		case bytes.HasPrefix(rest, []byte("<!--")):
			if err := d.skipPast("-->"); err != nil {
				return "", err
			}
			continue
		case !bytes.HasPrefix(rest, []byte("</")):
			return "", &decodeError{"markup inside <" + string(name) + ">"}
		}
		kind, tag, err := d.next()
		if err != nil {
			return "", err
		}
		if kind != tagClose || !bytes.Equal(tag, name) {
			return "", &decodeError{"<" + string(name) + "> closed by </" + string(tag) + ">"}
		}
		if !utf8.Valid(sb) {
			return "", &decodeError{"text is not UTF-8"}
		}
		return string(sb), nil
	}
}

// unescape appends s to dst with XML's character and entity references
// replaced.
func unescape(dst, s []byte) ([]byte, error) {
	for {
		i := bytes.IndexByte(s, '&')
		if i < 0 {
			return append(dst, s...), nil
		}
		dst = append(dst, s[:i]...)
		s = s[i:]
		j := bytes.IndexByte(s, ';')
		if j < 0 {
			return nil, &decodeError{"unterminated entity"}
		}
		ent := string(s[1:j])
		s = s[j+1:]
		switch ent {
		case "amp":
			dst = append(dst, '&')
		case "lt":
			dst = append(dst, '<')
		case "gt":
			dst = append(dst, '>')
		case "quot":
			dst = append(dst, '"')
		case "apos":
			dst = append(dst, '\'')
		default:
			var n uint64
			var err error
			switch {
			case strings.HasPrefix(ent, "#x"):
				n, err = strconv.ParseUint(ent[2:], 16, 32)
			case strings.HasPrefix(ent, "#"):
				n, err = strconv.ParseUint(ent[1:], 10, 32)
			default:
				return nil, &decodeError{"unknown entity &" + ent + ";"}
			}
			if err != nil || n > utf8.MaxRune {
				return nil, &decodeError{"bad character reference &" + ent + ";"}
			}
			dst = utf8.AppendRune(dst, rune(n))
		}
	}
}
