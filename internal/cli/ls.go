package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/s3model"
)

// lsCommand lists a prefix for scripts.
func lsCommand() *command {
	return &command{
		name:    "ls",
		args:    "s3://BUCKET/PREFIX",
		summary: "list the keys under a prefix",
		about: `
Lists the common prefixes (ending in /) and keys directly under PREFIX, or
with --recursive every key under it, one per line in key order, as full
keys. The listing streams: lines appear as the store answers. Key ranges
are listed side by side (the store's list_workers, 8 by default; --workers
sets it for one run, 1 lists one page after another), so a large prefix
lists in a fraction of the time a page-by-page listing takes.

-o json prints one JSON object per line: {"key", "size", "modified",
"etag", "storage_class"} for an object, {"prefix"} for a common prefix.
--count prints only the totals: objects, common prefixes and bytes.

Names are shown with control characters, invalid UTF-8, bidi overrides and
zero-width characters as visible escapes such as \x1b (in JSON, as \u
escapes that decode to the name).

Examples:
  s3share ls s3://logs/2026/
  s3share ls --recursive -o json s3://logs/2026/ | jq -r .key
  s3share ls --recursive --count s3://logs/`,
		flags: func(fs *flag.FlagSet) runFunc {
			var o lsFlags
			o.register(fs)
			return func(c *call, pos []string) int { return runLs(c, &o, pos) }
		},
		shared: []flagGroup{storeGroup, connGroup},
	}
}

type lsFlags struct {
	recursive, count bool
	output           string
	workers          int
}

func (o *lsFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&o.recursive, "recursive", false, "list every key under the prefix, at every depth")
	fs.BoolVar(&o.count, "count", false, "print only the totals: objects, common prefixes and bytes")
	for _, name := range []string{"o", "output"} {
		fs.StringVar(&o.output, name, "text", "output `FORM`: text (one key per line) or json (one JSON object per line)")
	}
	fs.IntVar(&o.workers, "workers", 0, "list `N` key ranges at once (config: list_workers; default 8; 1: one page after another)")
}

// lsObject and lsPrefix are the JSON lines of -o json.
type lsObject struct {
	Key          string `json:"key"`
	Size         int64  `json:"size"`
	Modified     string `json:"modified"`
	ETag         string `json:"etag"`
	StorageClass string `json:"storage_class,omitempty"`
}

type lsPrefix struct {
	Prefix string `json:"prefix"`
}

type lsTotals struct {
	Objects  int64 `json:"objects"`
	Prefixes int64 `json:"prefixes"`
	Bytes    int64 `json:"bytes"`
}

func runLs(c *call, o *lsFlags, pos []string) int {
	stdout, stderr := c.stdout, c.stderr
	switch {
	case len(pos) == 0:
		return c.usageError("ls: name a prefix, s3://BUCKET/PREFIX")
	case len(pos) > 1:
		return c.unexpected(pos[1])
	case o.output != "text" && o.output != "json":
		return c.usageError(fmt.Sprintf("output %q: want text or json", sanitize.Text(o.output)))
	case o.workers < 0 || o.workers > 64:
		return c.usageError("--workers: want a number from 1 to 64")
	}
	bucket, prefix, err := s3model.ParseURI(pos[0])
	if err != nil {
		return c.usageError(fmt.Sprintf("ls: %s: %v", sanitize.Text(pos[0]), err))
	}
	cfg, err := c.g.load()
	if err != nil {
		return fail(stderr, err)
	}
	warn(stderr, cfg.Warnings)
	client, err := s3model.New(cfg.Store)
	if err != nil {
		return fail(stderr, fmt.Errorf("ls: %w", err))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := s3model.ListOptions{Workers: o.workers, Details: o.output == "json" && !o.count}
	if !o.recursive {
		opts.Delimiter = "/"
	}
	err = listTo(ctx, client, bucket, prefix, opts, stdout, o)
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, programName+": ls: interrupted")
		return exitFailed
	}
	if err != nil {
		return fail(stderr, fmt.Errorf("ls: %s", sanitize.Text(err.Error())))
	}
	return exitOK
}

// listTo writes the listing to w as o asks, a page at a time.
func listTo(ctx context.Context, client *s3model.Client, bucket, prefix string, opts s3model.ListOptions, w io.Writer, o *lsFlags) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var tot lsTotals
	var line []byte
	err := client.List(ctx, bucket, prefix, opts).All(func(p s3model.Page) error {
		for _, e := range p.Entries {
			if e.IsPrefix {
				tot.Prefixes++
			} else {
				tot.Objects++
				tot.Bytes += e.Size
			}
			if o.count {
				continue
			}
			key := prefix + e.Name
			if o.output == "text" {
				bw.WriteString(sanitize.Text(key))
				bw.WriteByte('\n')
				continue
			}
			var v any = lsPrefix{Prefix: key}
			if !e.IsPrefix {
				v = lsObject{Key: key, Size: e.Size, Modified: e.ModTime().UTC().Format(time.RFC3339Nano), ETag: e.ETag, StorageClass: e.StorageClass}
			}
			var err error
			if line, err = json.Marshal(v); err != nil {
				return err
			}
			bw.Write(sanitize.JSON(line))
			bw.WriteByte('\n')
		}
		return bw.Flush() // stream: each page as it comes
	})
	if err != nil {
		return err
	}
	if o.count {
		if o.output == "json" {
			b, _ := json.Marshal(tot)
			fmt.Fprintf(bw, "%s\n", b)
		} else {
			fmt.Fprintf(bw, "%d objects, %d prefixes, %d bytes\n", tot.Objects, tot.Prefixes, tot.Bytes)
		}
	}
	return bw.Flush()
}
