// Package presign turns (bucket, key, options) into links that work for
// anyone holding them: GET downloads with response overrides, PUT uploads
// with signed headers, and POST form uploads under a policy. It also
// parses expiries, builds safe Content-Disposition values, and writes the
// curl and JSON forms of a link. The share ledger lives in presign/ledger.
//
// # Offline and fast
//
// Signing makes no network call. The region comes from the store (or from
// Request.Region when a bucket's region was resolved elsewhere), the time
// from the local clock. A Signer caches the credential scope and the SigV4
// signing key per day and region, and the host and path per bucket; the
// canonical request is built in a reused buffer, so a GET or PUT link
// costs one SHA-256, one HMAC-SHA256 (crypto/hmac, with the key's padded
// state kept) and one allocation. Tests hold every URL to what minio-go's
// signer.PreSignV4 makes and every signature to its
// PostPresignSignatureV4, which signs POST policies directly.
//
// # Lifetimes
//
// A SigV4 link lives at most 7 days. A link also dies with the credentials
// that signed it: temporary (session) credentials cut it short, and
// Result.EffectiveExpiresAt says when. A presigned link cannot be revoked
// on its own: until it expires, the only way to stop it is to rotate or
// disable the access key that signed it (or, for temporary credentials,
// revoke the session), which stops every link that key signed.
//
// # Public base URLs (CDNs and proxies)
//
// When a store has a PublicBaseURL, links are emitted as that URL's scheme,
// host and path prefix followed by the object path, and are signed for the
// public host: the Host header in the signature is the public host, and
// the canonical path is the path without the base URL's prefix (the path
// the S3 endpoint receives). Such links verify when the proxy or CDN
//
//   - forwards the request's original Host header to the S3 endpoint
//     (nginx: proxy_set_header Host $host), and the endpoint accepts it
//     (MinIO, Ceph RGW, versitygw and Garage check the signature against
//     whatever Host arrives; with virtual-host addressing the endpoint must
//     also know the public host as its domain or as a bucket CNAME);
//   - passes the query string through unchanged, byte for byte (no
//     re-encoding of %20 or reordering; a CDN cache key may ignore it);
//   - strips the base URL's path prefix, if any, before forwarding.
//
// They do not verify behind a CDN that rewrites Host to the origin's name
// (Amazon CloudFront in front of an S3 origin, and most CDNs' default
// "origin host header"), that drops or reorders the query string, or that
// signs its own origin requests (CloudFront OAC, R2 custom domains with
// their own auth): there the link must be signed for the origin host,
// that is, made without a public base URL, or the CDN must use its own
// signed-URL scheme.
package presign
