package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/s3share/s3share/internal/linkcheck"
	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign"
)

// waitUploads blocks until each upload link's upload arrives and prints
// its details on stdout, a line each ("uploaded s3://b/k · 12 B · …") or
// with -o json a JSON object each, one per line. It fails when a link
// expires first, or when ctx ends (Ctrl-C).
func waitUploads(ctx context.Context, stdout, stderr io.Writer, src linkcheck.WatchSource, links []presign.Result, format presign.Format) int {
	for _, r := range links {
		fmt.Fprintf(stderr, "s3share: waiting for the upload to %s (until %s; Ctrl-C stops)\n",
			sanitize.Text(r.Target()), r.EffectiveExpiresAt.UTC().Format(time.RFC3339))
		up, err := linkcheck.Watch(ctx, src, r, linkcheck.WatchOptions{})
		switch {
		case errors.Is(err, linkcheck.ErrExpired):
			return fail(stderr, fmt.Errorf("presign --wait: %s: the link expired at %s and nothing was uploaded", sanitize.Text(r.Target()), r.EffectiveExpiresAt.UTC().Format(time.RFC3339)))
		case ctx.Err() != nil:
			return fail(stderr, errors.New("presign --wait: stopped waiting"))
		case err != nil:
			return fail(stderr, fmt.Errorf("presign --wait: %s: %s", sanitize.Text(r.Target()), sanitize.Text(err.Error())))
		}
		if format == presign.FormatJSON {
			b, err := json.Marshal(struct {
				Bucket string `json:"bucket"`
				linkcheck.Upload
			}{r.Bucket, up})
			if err != nil {
				return fail(stderr, err)
			}
			fmt.Fprintf(stdout, "%s\n", sanitize.JSON(b))
		} else {
			fmt.Fprintln(stdout, "uploaded "+up.Line(r.Bucket))
		}
	}
	return exitOK
}
