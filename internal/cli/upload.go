package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/presign/ledger"
	"github.com/s3share/s3share/s3model"
)

// runUploadRequest is `presign --gateway URL --upload-request
// s3://BUCKET/PREFIX/`: it makes an upload request and prints its link.
func runUploadRequest(c *call, o *presignFlags, pos []string, format, password string) int {
	stderr := c.stderr
	if len(pos) != 1 {
		return c.usageError("presign --upload-request: name one s3://BUCKET/PREFIX/")
	}
	switch {
	case o.method != "" && !strings.EqualFold(o.method, "GET"), o.recursive, o.minSize != "", o.baseURL != "", o.wait, o.check,
		o.maxDownloads != 0, o.mode != "", o.disposition != "", o.filename != "", o.contentType != "", o.cacheControl != "", o.versionID != "":
		return c.usageError("presign --upload-request: takes --max-size, --max-files, --max-total, --types, --via, -e, --password-file and -o")
	}
	bucket, prefix, err := s3model.ParseURI(pos[0])
	if err == nil && prefix != "" && !strings.HasSuffix(prefix, "/") {
		err = fmt.Errorf("an upload request is for a prefix: end it in /")
	}
	if err != nil {
		fmt.Fprintf(stderr, "s3share: %s: %s\n", sanitize.Text(pos[0]), sanitize.Text(err.Error()))
		return exitFailed
	}
	if o.maxFiles < 0 {
		return c.usageError("presign --upload-request: --max-files takes 0 (no limit) or more")
	}
	switch strings.ToLower(o.uploadVia) {
	case "", "gateway", "direct":
	default:
		return c.usageError("presign --upload-request: --via is gateway or direct")
	}
	req := gatewayapi.UploadRequest{Bucket: bucket, Prefix: prefix, MaxFiles: o.maxFiles, Password: password, Via: o.uploadVia}
	for _, sz := range []struct {
		flag, v string
		to      *int64
	}{{"--max-size", o.maxSize, &req.MaxFileSize}, {"--max-total", o.maxTotal, &req.MaxTotal}} {
		if strings.TrimSpace(sz.v) == "" {
			continue
		}
		n, err := presign.ParseSize(sz.v)
		if err != nil {
			return c.usageError("presign --upload-request: " + sz.flag + ": " + err.Error())
		}
		*sz.to = n
	}
	for _, t := range strings.Split(o.types, ",") {
		switch t = strings.TrimSpace(t); {
		case t == "":
		case strings.HasPrefix(t, "."), strings.Count(t, "/") == 1:
			req.Types = append(req.Types, t)
		case !strings.ContainsAny(t, "/ ;,"):
			req.Types = append(req.Types, "."+t) // pdf: the extension, as the TUI takes it
		default:
			return c.usageError(fmt.Sprintf("presign --upload-request: --types %q: want extensions such as .pdf or media types such as image/png or image/*", sanitize.Text(t)))
		}
	}
	if req.ExpiresIn, req.ExpiresAt, err = gatewayExpiry(o.expires); err != nil {
		return fail(stderr, fmt.Errorf("presign: %v", err))
	}
	cl, err := c.gatewayClient(o.gateway, o.tokenFile)
	if err != nil {
		return fail(stderr, fmt.Errorf("presign: %v", err))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	u, err := cl.CreateUpload(ctx, req)
	if err != nil {
		fmt.Fprintf(stderr, "s3share: %s: %s\n", sanitize.Text(pos[0]), sanitize.Text(err.Error()))
		return exitFailed
	}
	if !o.noLedger {
		if err := recordUpload(cl.URL, u); err != nil {
			fmt.Fprintln(stderr, "s3share: warning: upload request not recorded in the ledger: "+sanitize.Text(err.Error()))
		}
	}
	if format == "json" {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(u); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	}
	fmt.Fprintln(c.stdout, sanitize.Text(u.URL))
	return exitOK
}

// recordUpload adds an upload request to the share ledger, with the
// gateway that serves it (so s3share shares asks it for the files
// received).
func recordUpload(gatewayURL string, u gatewayapi.Upload) error {
	l, _, err := openLedger()
	if err != nil {
		return err
	}
	return l.Append(ledger.FromUpload(gatewayURL, u))
}
