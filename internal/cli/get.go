package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/s3model"
)

// getCommand downloads an object to a local file.
func getCommand() *command {
	return &command{
		name:    "get",
		args:    "s3://BUCKET/KEY [DEST]",
		summary: "download an object to a local file",
		about: `
Downloads the object to DEST: a file name, or a directory (an existing one,
or one written with a trailing /) to put it in under the key's base name.
Without DEST, it goes to the current directory under the key's base name.

A file already at the destination is never replaced unless --force is
given. The object is written to a temporary file beside the destination and
renamed once whole, so an interrupted download (Ctrl-C, a store that stops
answering) leaves nothing behind. The progress shows as on put. Prints the
path written.`,
		flags: func(fs *flag.FlagSet) runFunc {
			force := fs.Bool("force", false, "replace a file already at the destination")
			return func(c *call, pos []string) int { return runGet(c, *force, pos) }
		},
		shared: []flagGroup{storeGroup, connGroup},
	}
}

func runGet(c *call, force bool, pos []string) int {
	if len(pos) == 0 {
		return c.usageError("get: name the s3://BUCKET/KEY to download")
	}
	if len(pos) > 2 {
		return c.unexpected(pos[2])
	}
	bucket, key, err := s3model.ParseURI(pos[0])
	if err != nil {
		return fail(c.stderr, fmt.Errorf("get: %s: %s", sanitize.Text(pos[0]), err))
	}
	if key == "" || strings.HasSuffix(key, "/") {
		return fail(c.stderr, fmt.Errorf("get: %s is a prefix: name an object", sanitize.Text(pos[0])))
	}
	dest := ""
	if len(pos) == 2 {
		dest = pos[1]
	}
	dest, err = localDest(dest, keyBase(key))
	if err != nil {
		return fail(c.stderr, fmt.Errorf("get: %w", err))
	}
	cfg, err := c.g.load()
	if err != nil {
		return fail(c.stderr, err)
	}
	warn(c.stderr, cfg.Warnings)
	client, err := s3model.New(cfg.Store)
	if err != nil {
		return fail(c.stderr, fmt.Errorf("get: %w", err))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	m := newMeter(c.stderr)
	started := false
	_, err = client.Download(ctx, bucket, key, dest, s3model.DownloadOptions{Force: force, Progress: func(done, total int64) {
		if !started {
			m.begin(sanitize.Text(filepath.Base(dest)), total)
			started = true
		}
		m.update(done)
	}})
	m.clear()
	switch {
	case errors.Is(err, context.Canceled):
		return fail(c.stderr, errors.New("get: interrupted: nothing was written to "+sanitize.Text(dest)))
	case err != nil:
		return fail(c.stderr, fmt.Errorf("get: %s", sanitize.Text(err.Error())))
	}
	fmt.Fprintln(c.stdout, sanitize.Text(dest))
	return exitOK
}

// localDest is where a download of an object called base goes, given
// the destination typed: the current directory when none, a directory's
// entry when it names one.
func localDest(dest, base string) (string, error) {
	if base == "" || base == "." || base == ".." || strings.ContainsAny(base, `/\`) {
		return "", fmt.Errorf("the key's name %q cannot be a file name: name the destination file", sanitize.Text(base))
	}
	if dest == "" {
		return base, nil
	}
	if strings.HasSuffix(dest, "/") || strings.HasSuffix(dest, string(filepath.Separator)) {
		return filepath.Join(dest, base), nil
	}
	if fi, err := os.Stat(dest); err == nil && fi.IsDir() {
		return filepath.Join(dest, base), nil
	}
	return dest, nil
}
