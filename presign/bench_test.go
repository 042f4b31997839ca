package presign

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/s3share/s3share/config"
)

// The three benchmarks below run side by side (go test -bench . ./presign)
// and sign the same 1024 keys for the same bucket, one URL per op:
//
//   - BenchmarkPresignGET: this package's Signer, reused.
//   - BenchmarkMinioPresignedGetObject: minio-go's Client.PresignedGetObject
//     with Region set, so it never asks the store for the bucket location.
//   - BenchmarkSigV4Floor: the least work a SigV4 URL needs: SHA-256 of a
//     ready canonical request plus one HMAC-SHA256 under a signing key
//     cached for the day.

const benchBucket = "photos-archive"

var benchKeys = func() []string {
	keys := make([]string, 1024)
	for i := range keys {
		keys[i] = fmt.Sprintf("albums/2026/summer holiday/IMG_%05d.jpg", i)
	}
	return keys
}()

func benchStore(b *testing.B) config.Store {
	return testStore(b, "http://127.0.0.1:9", config.AddressingPath, "")
}

func BenchmarkPresignGET(b *testing.B) { benchSign(b, false) }

// benchSign signs GET links for 1024 keys in turn with one Signer.
func benchSign(b *testing.B, viaMinio bool) {
	s := newTestSigner(b, benchStore(b))
	s.viaMinio = viaMinio
	req := Request{Bucket: benchBucket, Expires: In(time.Hour)}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req.Key = benchKeys[i&1023]
		i++
		if _, err := s.Sign(req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPresignGETMinioSigner is the engine computing each signature
// with minio-go's PostPresignSignatureV4, which derives the signing key
// anew for every URL.
func BenchmarkPresignGETMinioSigner(b *testing.B) { benchSign(b, true) }

func BenchmarkMinioPresignedGetObject(b *testing.B) {
	st := benchStore(b)
	c, err := minio.New(st.Endpoint.Host, &minio.Options{
		Creds:        credentials.NewStaticV4(st.Creds.AccessKeyID, st.Creds.SecretAccessKey, ""),
		Region:       st.Region,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := c.PresignedGetObject(ctx, benchBucket, benchKeys[i&1023], time.Hour, nil); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func BenchmarkSigV4Floor(b *testing.B) {
	st := benchStore(b)
	now := time.Now().UTC()
	date := now.Format("20060102")
	scope := date + "/" + st.Region + "/s3/aws4_request"
	amzDate := now.Format("20060102T150405Z")
	canon := make([][]byte, len(benchKeys))
	for i, k := range benchKeys {
		canon[i] = []byte("GET\n/" + benchBucket + "/" + string(appendPath(nil, k)) + "\n" +
			"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=" + queryEscape(st.Creds.AccessKeyID+"/"+scope) +
			"&X-Amz-Date=" + amzDate + "&X-Amz-Expires=3600&X-Amz-SignedHeaders=host\n" +
			"host:" + st.Endpoint.Host + "\n\nhost\nUNSIGNED-PAYLOAD")
	}
	mac := func(key []byte, data string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(data))
		return h.Sum(nil)
	}
	signingKey := mac(mac(mac(mac([]byte("AWS4"+st.Creds.SecretAccessKey), date), st.Region), "s3"), "aws4_request")
	stsPrefix := []byte("AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n")
	var hexSum [64]byte
	var sig [64]byte
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sum := sha256.Sum256(canon[i&1023])
		i++
		hex.Encode(hexSum[:], sum[:])
		h := hmac.New(sha256.New, signingKey)
		h.Write(stsPrefix)
		h.Write(hexSum[:])
		hex.Encode(sig[:], h.Sum(nil))
	}
}

// BenchmarkPresignPOST is for reference: POST policies are built one at a
// time, not in batches.
func BenchmarkPresignPOST(b *testing.B) {
	s := newTestSigner(b, benchStore(b))
	req := Request{Method: POST, Bucket: benchBucket, Key: "uploads/", KeyIsPrefix: true, MaxSize: 10 << 20, Expires: In(time.Hour)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Sign(req); err != nil {
			b.Fatal(err)
		}
	}
}
