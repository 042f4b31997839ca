package s3model_test

import (
	"encoding/xml"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/s3share/s3share/s3model"
)

type xmlOwner struct {
	ID          string `xml:"ID"`
	DisplayName string `xml:"DisplayName"`
}

type xmlContent struct {
	Key          string    `xml:"Key"`
	LastModified string    `xml:"LastModified"`
	ETag         string    `xml:"ETag"`
	Size         int64     `xml:"Size"`
	Owner        *xmlOwner `xml:"Owner,omitempty"`
	StorageClass string    `xml:"StorageClass"`
}

type xmlResult struct {
	XMLName               xml.Name     `xml:"ListBucketResult"`
	Xmlns                 string       `xml:"xmlns,attr"`
	Name                  string       `xml:"Name"`
	Prefix                string       `xml:"Prefix"`
	EncodingType          string       `xml:"EncodingType,omitempty"`
	IsTruncated           bool         `xml:"IsTruncated"`
	NextContinuationToken string       `xml:"NextContinuationToken,omitempty"`
	Contents              []xmlContent `xml:"Contents"`
	CommonPrefixes        []struct {
		Prefix string `xml:"Prefix"`
	} `xml:"CommonPrefixes"`
}

// TestDecodeListV2 reads documents written by encoding/xml (owners,
// entities, URL-encoded and plain keys) as encoding/xml reads them.
func TestDecodeListV2(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := range 300 {
		var res xmlResult
		res.Xmlns = "http://s3.amazonaws.com/doc/2006-03-01/"
		urlEnc := i%2 == 0
		if urlEnc {
			res.EncodingType = "url"
		}
		res.IsTruncated = r.IntN(2) == 0
		if res.IsTruncated {
			res.NextContinuationToken = "tok&<>" + strings.Repeat("x", r.IntN(9))
		}
		var wantObjs, wantPres []string
		for range r.IntN(20) {
			k := randomPiece(r, 1+r.IntN(4)) + "&<>\"'"
			enc := k
			if urlEnc {
				enc = url.QueryEscape(k)
			} else if strings.ContainsFunc(k, func(c rune) bool { return c < 0x20 || c == 0xfffe || c == 0xffff }) {
				continue // XML cannot carry it unencoded
			}
			c := xmlContent{Key: enc, LastModified: "2026-11-29T10:11:12.345Z", ETag: `"abc"`, Size: int64(r.IntN(1 << 20)), StorageClass: "STANDARD"}
			if r.IntN(2) == 0 {
				c.Owner = &xmlOwner{ID: "id", DisplayName: "<owner>"}
			}
			res.Contents = append(res.Contents, c)
			wantObjs = append(wantObjs, k)
		}
		for range r.IntN(5) {
			p := randomPiece(r, 2) + "/"
			enc := p
			if urlEnc {
				enc = url.QueryEscape(p)
			} else if strings.ContainsFunc(p, func(c rune) bool { return c < 0x20 || c == 0xfffe || c == 0xffff }) {
				continue
			}
			res.CommonPrefixes = append(res.CommonPrefixes, struct {
				Prefix string `xml:"Prefix"`
			}{enc})
			wantPres = append(wantPres, p)
		}
		doc, err := xml.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		doc = append([]byte(xml.Header+"<!-- a comment -->\n"), doc...)
		objs, pres, trunc, next, err := s3model.DecodeListV2(doc)
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if !slices.Equal(objs, wantObjs) || !slices.Equal(pres, wantPres) || trunc != res.IsTruncated || next != res.NextContinuationToken {
			t.Fatalf("%s:\ngot %q %q %v %q\nwant %q %q %v %q", doc, objs, pres, trunc, next, wantObjs, wantPres, res.IsTruncated, res.NextContinuationToken)
		}
		// Cut short anywhere, it is an error, never a panic or a
		// shorter listing taken for whole.
		cut := doc[:r.IntN(len(doc))]
		if o, p, _, _, err := s3model.DecodeListV2(cut); err == nil && (len(o) != len(wantObjs) || len(p) != len(wantPres)) {
			t.Fatalf("%d of %d bytes read as a whole listing", len(cut), len(doc))
		}
	}
}

func FuzzDecodeListV2(f *testing.F) {
	f.Add([]byte(`<ListBucketResult><Contents><Key>a</Key><Size>1</Size></Contents><IsTruncated>false</IsTruncated></ListBucketResult>`))
	f.Add([]byte(`<ListBucketResult><CommonPrefixes><Prefix><![CDATA[x&]]>&amp;</Prefix></CommonPrefixes></ListBucketResult>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		_, _, _, _, _ = s3model.DecodeListV2(doc)
	})
}
