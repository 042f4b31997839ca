package demo

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Multipart uploads, kept in memory like objects. An upload holds at most
// MaxObjectSize bytes of parts; the server holds at most Options.MaxUploads
// incomplete uploads and Options.MaxUploadBytes bytes of their parts, so
// abandoned uploads cannot grow without bound.

const (
	// DefaultMaxUploads is how many incomplete multipart uploads the
	// endpoint holds when Options.MaxUploads is 0.
	DefaultMaxUploads = 1000
	// DefaultMaxUploadBytes is how many bytes of parts of incomplete
	// uploads the endpoint holds when Options.MaxUploadBytes is 0.
	DefaultMaxUploadBytes = 256 << 20

	minPartSize    = 5 << 20 // all parts but the last, as on S3
	maxPartNumber  = 10000
	defaultMaxList = 1000
)

// mpUpload is one incomplete multipart upload. Its fields are guarded by
// Server.upMu; a part's data is never changed once stored.
type mpUpload struct {
	id, bucket, key string
	initiated       time.Time
	contentType     string
	meta, headers   map[string]string
	parts           map[int]*mpPart
	size            int64 // bytes held in parts
}

type mpPart struct {
	data    []byte
	md5     [md5.Size]byte
	etag    string // quoted hex MD5
	modTime time.Time
}

func errNoSuchUpload(id string) *s3Error {
	return newError(http.StatusNotFound, "NoSuchUpload",
		"The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
		xmlField{"UploadId", id})
}

func errMalformedXML() *s3Error {
	return newError(http.StatusBadRequest, "MalformedXML",
		"The XML you provided was not well-formed or did not validate against our published schema")
}

// errTooManyUploads says the endpoint holds all the incomplete uploads it
// keeps in memory.
func errTooManyUploads(what string) *s3Error {
	return newError(http.StatusBadRequest, "TooManyUploads",
		"The s3share demo endpoint keeps incomplete multipart uploads in memory and holds "+what+
			": complete or abort some (ListMultipartUploads shows them), or restart the demo.")
}

// newUploadID makes an upload ID that sorts in creation order: a sequence
// number, then random bytes so that IDs cannot be guessed.
func (s *Server) newUploadID() string {
	var r [12]byte
	_, _ = rand.Read(r[:])
	s.uploadSeq++
	return fmt.Sprintf("%016x", s.uploadSeq) + hex.EncodeToString(r[:])
}

// serveMultipart routes the requests on an object that carry ?uploads or
// ?uploadId.
func (s *Server) serveMultipart(w http.ResponseWriter, r *http.Request, q url.Values, bucketName, key string, body []byte) *s3Error {
	if !q.Has("uploadId") {
		if r.Method != http.MethodPost {
			return errMethodNotAllowed(r.Method, "OBJECT")
		}
		return s.createMultipart(w, r, bucketName, key)
	}
	id := q.Get("uploadId")
	switch r.Method {
	case http.MethodPut:
		if r.Header.Get("X-Amz-Copy-Source") != "" {
			return errNotImplemented("UploadPartCopy")
		}
		return s.uploadPart(w, q, bucketName, key, id, body)
	case http.MethodGet:
		return s.listParts(w, q, bucketName, key, id)
	case http.MethodPost:
		return s.completeMultipart(w, r, bucketName, key, id, body)
	case http.MethodDelete:
		return s.abortMultipart(w, bucketName, key, id)
	default:
		return errMethodNotAllowed(r.Method, "OBJECT")
	}
}

type initiateResult struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	Xmlns    string   `xml:"xmlns,attr"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

// createMultipart is CreateMultipartUpload: the object's Content-Type,
// metadata and stored headers are taken now and given to it on completion.
func (s *Server) createMultipart(w http.ResponseWriter, r *http.Request, bucketName, key string) *s3Error {
	meta, headers, e := objectAttrs(r)
	if e != nil {
		return e
	}
	u := &mpUpload{bucket: bucketName, key: key, initiated: s.now(), contentType: r.Header.Get("Content-Type"),
		meta: meta, headers: headers, parts: make(map[int]*mpPart)}
	// s.mu before s.upMu, as deleteBucket takes them.
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.buckets[bucketName]; !ok {
		return errNoSuchBucket(bucketName)
	}
	s.upMu.Lock()
	if len(s.uploads) >= s.maxUploads {
		s.upMu.Unlock()
		return errTooManyUploads(strconv.Itoa(s.maxUploads) + " already")
	}
	u.id = s.newUploadID()
	s.uploads[u.id] = u
	s.upMu.Unlock()
	return writeXML(w, http.StatusOK, initiateResult{Xmlns: s3Namespace, Bucket: bucketName, Key: key, UploadID: u.id})
}

// uploadLocked finds an upload of bucket/key; s.upMu must be held.
func (s *Server) uploadLocked(bucketName, key, id string) (*mpUpload, *s3Error) {
	u, ok := s.uploads[id]
	if !ok || u.bucket != bucketName || u.key != key {
		return nil, errNoSuchUpload(id)
	}
	return u, nil
}

func parsePartNumber(v string) (int, *s3Error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxPartNumber {
		return 0, errInvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", v)
	}
	return n, nil
}

// uploadPart is UploadPart. A part sent again replaces the one before.
func (s *Server) uploadPart(w http.ResponseWriter, q url.Values, bucketName, key, id string, body []byte) *s3Error {
	n, e := parsePartNumber(q.Get("partNumber"))
	if e != nil {
		return e
	}
	p := &mpPart{data: body, md5: md5.Sum(body), modTime: s.now().UTC().Truncate(time.Second)}
	p.etag = `"` + hex.EncodeToString(p.md5[:]) + `"`
	size := int64(len(body))
	s.upMu.Lock()
	defer s.upMu.Unlock()
	u, e := s.uploadLocked(bucketName, key, id)
	if e != nil {
		return e
	}
	var old int64
	if prev, ok := u.parts[n]; ok {
		old = int64(len(prev.data))
	}
	if held := u.size - old + size; held > s.maxObject {
		return newError(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size",
			xmlField{"ProposedSize", strconv.FormatInt(held, 10)}, xmlField{"MaxSizeAllowed", strconv.FormatInt(s.maxObject, 10)})
	}
	if total := s.uploadBytes - old + size; total > s.maxUploadBytes {
		return errTooManyUploads(fmt.Sprintf("%d MiB of their parts already", s.maxUploadBytes>>20))
	}
	u.parts[n] = p
	u.size += size - old
	s.uploadBytes += size - old
	w.Header().Set("ETag", p.etag)
	w.WriteHeader(http.StatusOK)
	return nil
}

type listPartsResult struct {
	XMLName              xml.Name    `xml:"ListPartsResult"`
	Xmlns                string      `xml:"xmlns,attr"`
	Bucket               string      `xml:"Bucket"`
	Key                  string      `xml:"Key"`
	UploadID             string      `xml:"UploadId"`
	Initiator            *owner      `xml:"Initiator"`
	Owner                *owner      `xml:"Owner"`
	StorageClass         string      `xml:"StorageClass"`
	PartNumberMarker     int         `xml:"PartNumberMarker"`
	NextPartNumberMarker int         `xml:"NextPartNumberMarker"`
	MaxParts             int         `xml:"MaxParts"`
	IsTruncated          bool        `xml:"IsTruncated"`
	Parts                []partEntry `xml:"Part"`
}

type partEntry struct {
	PartNumber   int    `xml:"PartNumber"`
	LastModified string `xml:"LastModified"`
	ETag         string `xml:"ETag"`
	Size         int    `xml:"Size"`
}

// parseMax reads a max-parts or max-uploads argument: 1000 when absent,
// at most 1000.
func parseMax(q url.Values, name string) (int, *s3Error) {
	v := q.Get(name)
	if v == "" {
		return defaultMaxList, nil
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < 0 {
		return 0, errInvalidArgument("Argument "+name+" must be an integer between 0 and 2147483647", name, v)
	}
	return int(min(n, defaultMaxList)), nil
}

// listParts is ListParts, paged by max-parts and part-number-marker.
func (s *Server) listParts(w http.ResponseWriter, q url.Values, bucketName, key, id string) *s3Error {
	maxParts, e := parseMax(q, "max-parts")
	if e != nil {
		return e
	}
	marker := 0
	if v := q.Get("part-number-marker"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return errInvalidArgument("Argument part-number-marker must be an integer between 0 and 2147483647", "part-number-marker", v)
		}
		marker = n
	}
	res := listPartsResult{Xmlns: s3Namespace, Bucket: bucketName, Key: key, UploadID: id, Initiator: demoOwner, Owner: demoOwner,
		StorageClass: storageStandard, PartNumberMarker: marker, MaxParts: maxParts}
	s.upMu.Lock()
	u, e := s.uploadLocked(bucketName, key, id)
	if e != nil {
		s.upMu.Unlock()
		return e
	}
	nums := make([]int, 0, len(u.parts))
	for n := range u.parts {
		if n > marker {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	if len(nums) > maxParts {
		nums, res.IsTruncated = nums[:maxParts], true
	}
	for _, n := range nums {
		p := u.parts[n]
		res.Parts = append(res.Parts, partEntry{PartNumber: n, LastModified: xmlTime(p.modTime), ETag: p.etag, Size: len(p.data)})
	}
	s.upMu.Unlock()
	if len(nums) > 0 {
		res.NextPartNumberMarker = nums[len(nums)-1]
	}
	return writeXML(w, http.StatusOK, res)
}

type completeRequest struct {
	Parts []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	} `xml:"Part"`
}

type completeResult struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	Xmlns    string   `xml:"xmlns,attr"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

// completeMultipart is CompleteMultipartUpload: the parts listed, in
// ascending order, each with the ETag it was given, all but the last at
// least 5 MiB, make the object, whose ETag is the MD5 of the parts' MD5s
// followed by "-" and their count. Parts not listed are dropped.
func (s *Server) completeMultipart(w http.ResponseWriter, r *http.Request, bucketName, key, id string, body []byte) *s3Error {
	var req completeRequest
	if err := xml.Unmarshal(body, &req); err != nil || len(req.Parts) == 0 {
		return errMalformedXML()
	}
	u, parts, e := s.takeUpload(bucketName, key, id, req)
	if e != nil {
		return e
	}
	size := 0
	for _, p := range parts {
		size += len(p.data)
	}
	data := make([]byte, 0, size)
	sums := make([]byte, 0, len(parts)*md5.Size)
	for _, p := range parts {
		data = append(data, p.data...)
		sums = append(sums, p.md5[:]...)
	}
	sum := md5.Sum(sums)
	o := newObject(key, data, u.contentType, u.meta, u.headers, s.now())
	o.etag = `"` + hex.EncodeToString(sum[:]) + "-" + strconv.Itoa(len(parts)) + `"`
	if e := s.store(bucketName, o); e != nil {
		return e
	}
	loc := url.URL{Scheme: "http", Host: r.Host, Path: "/" + bucketName + "/" + key}
	return writeXML(w, http.StatusOK, completeResult{Xmlns: s3Namespace, Location: loc.String(), Bucket: bucketName, Key: key, ETag: o.etag})
}

// takeUpload checks the parts a completion lists and, when they are
// right, removes the upload: a part still arriving then finds no upload.
// A refused completion leaves the upload as it was.
func (s *Server) takeUpload(bucketName, key, id string, req completeRequest) (*mpUpload, []*mpPart, *s3Error) {
	s.upMu.Lock()
	defer s.upMu.Unlock()
	u, e := s.uploadLocked(bucketName, key, id)
	if e != nil {
		return nil, nil, e
	}
	parts := make([]*mpPart, len(req.Parts))
	prev := 0
	for i, want := range req.Parts {
		if want.PartNumber <= prev {
			return nil, nil, newError(http.StatusBadRequest, "InvalidPartOrder",
				"The list of parts was not in ascending order. The parts list must be specified in order by part number.",
				xmlField{"UploadId", id})
		}
		prev = want.PartNumber
		p, ok := u.parts[want.PartNumber]
		if !ok || strings.Trim(p.etag, `"`) != strings.Trim(strings.TrimSpace(want.ETag), `"`) {
			return nil, nil, newError(http.StatusBadRequest, "InvalidPart",
				"One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
				xmlField{"UploadId", id}, xmlField{"PartNumber", strconv.Itoa(want.PartNumber)}, xmlField{"ETag", want.ETag})
		}
		if i < len(req.Parts)-1 && len(p.data) < minPartSize {
			return nil, nil, newError(http.StatusBadRequest, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size",
				xmlField{"ProposedSize", strconv.Itoa(len(p.data))}, xmlField{"MinSizeAllowed", strconv.Itoa(minPartSize)},
				xmlField{"PartNumber", strconv.Itoa(want.PartNumber)}, xmlField{"ETag", p.etag})
		}
		parts[i] = p
	}
	delete(s.uploads, id)
	s.uploadBytes -= u.size
	return u, parts, nil
}

// abortMultipart is AbortMultipartUpload: the upload and its parts go.
func (s *Server) abortMultipart(w http.ResponseWriter, bucketName, key, id string) *s3Error {
	s.upMu.Lock()
	u, e := s.uploadLocked(bucketName, key, id)
	if e == nil {
		delete(s.uploads, id)
		s.uploadBytes -= u.size
	}
	s.upMu.Unlock()
	if e != nil {
		return e
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// dropUploadsLocked removes the uploads of a deleted bucket; s.mu must be
// held (it is taken before s.upMu).
func (s *Server) dropUploadsLocked(bucketName string) {
	s.upMu.Lock()
	defer s.upMu.Unlock()
	for id, u := range s.uploads {
		if u.bucket == bucketName {
			delete(s.uploads, id)
			s.uploadBytes -= u.size
		}
	}
}

type listUploadsResult struct {
	XMLName            xml.Name       `xml:"ListMultipartUploadsResult"`
	Xmlns              string         `xml:"xmlns,attr"`
	Bucket             string         `xml:"Bucket"`
	KeyMarker          string         `xml:"KeyMarker"`
	UploadIDMarker     string         `xml:"UploadIdMarker"`
	NextKeyMarker      string         `xml:"NextKeyMarker,omitempty"`
	NextUploadIDMarker string         `xml:"NextUploadIdMarker,omitempty"`
	Delimiter          string         `xml:"Delimiter,omitempty"`
	Prefix             string         `xml:"Prefix"`
	EncodingType       string         `xml:"EncodingType,omitempty"`
	MaxUploads         int            `xml:"MaxUploads"`
	IsTruncated        bool           `xml:"IsTruncated"`
	Uploads            []uploadEntry  `xml:"Upload"`
	CommonPrefixes     []commonPrefix `xml:"CommonPrefixes"`
}

type uploadEntry struct {
	Key          string `xml:"Key"`
	UploadID     string `xml:"UploadId"`
	Initiator    *owner `xml:"Initiator"`
	Owner        *owner `xml:"Owner"`
	StorageClass string `xml:"StorageClass"`
	Initiated    string `xml:"Initiated"`
}

// listUploads is ListMultipartUploads: by key, then by upload ID (which is
// creation order), after key-marker (and upload-id-marker), rolled up at
// the delimiter.
func (s *Server) listUploads(w http.ResponseWriter, q url.Values, b *bucket) *s3Error {
	args, e := parseListArgs(q)
	if e != nil {
		return e
	}
	maxUploads, e := parseMax(q, "max-uploads")
	if e != nil {
		return e
	}
	keyMarker, idMarker := q.Get("key-marker"), q.Get("upload-id-marker")
	res := listUploadsResult{Xmlns: s3Namespace, Bucket: b.name, KeyMarker: args.enc(keyMarker), UploadIDMarker: idMarker,
		Delimiter: args.enc(args.delimiter), Prefix: args.enc(args.prefix), EncodingType: args.encoding, MaxUploads: maxUploads}
	s.upMu.Lock()
	var ups []uploadEntry
	for _, u := range s.uploads {
		if u.bucket == b.name && strings.HasPrefix(u.key, args.prefix) &&
			(u.key > keyMarker || u.key == keyMarker && idMarker != "" && u.id > idMarker) {
			ups = append(ups, uploadEntry{Key: u.key, UploadID: u.id, Initiated: xmlTime(u.initiated)})
		}
	}
	s.upMu.Unlock()
	slices.SortFunc(ups, func(x, y uploadEntry) int {
		if c := strings.Compare(x.Key, y.Key); c != 0 {
			return c
		}
		return strings.Compare(x.UploadID, y.UploadID)
	})
	count := 0
	var lastKey, lastID string
	for _, u := range ups {
		cp := ""
		if args.delimiter != "" {
			if j := strings.Index(u.Key[len(args.prefix):], args.delimiter); j >= 0 {
				cp = u.Key[:len(args.prefix)+j+len(args.delimiter)]
			}
		}
		if cp != "" && (cp == lastKey && lastID == "" || cp <= keyMarker) {
			continue // rolled up into a prefix already given
		}
		if count == maxUploads {
			res.IsTruncated = true
			break
		}
		count++
		if cp != "" {
			res.CommonPrefixes = append(res.CommonPrefixes, commonPrefix{Prefix: args.enc(cp)})
			lastKey, lastID = cp, ""
			continue
		}
		lastKey, lastID = u.Key, u.UploadID
		u.Key, u.Initiator, u.Owner, u.StorageClass = args.enc(u.Key), demoOwner, demoOwner, storageStandard
		res.Uploads = append(res.Uploads, u)
	}
	if res.IsTruncated {
		res.NextKeyMarker, res.NextUploadIDMarker = args.enc(lastKey), lastID
	}
	return writeXML(w, http.StatusOK, res)
}
