package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
	"github.com/s3share/s3share/ui"
)

// runBrowse opens the browser, at the bucket list or at a positional
// s3://BUCKET/PREFIX/ (which works for keys that may not list buckets).
func runBrowse(args []string, stderr io.Writer) int {
	fs := newFlagSet("s3share", stderr)
	var g globalFlags
	g.register(fs)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) > 1 {
		return fail(stderr, fmt.Errorf("one location at most, got %d: %s", len(pos), strings.Join(pos, " ")))
	}
	store, err := g.store()
	if err != nil {
		return fail(stderr, err)
	}
	start := ui.Location{}
	if len(pos) == 1 {
		if start, err = startLocation(pos[0]); err != nil {
			return fail(stderr, err)
		}
	}
	return browse(store, start, "", stderr)
}

// startLocation turns a positional argument into where the browser opens.
// A key without a trailing slash opens its prefix with that entry selected.
func startLocation(arg string) (ui.Location, error) {
	bucket, key, err := s3model.ParseURI(arg)
	if err != nil {
		return ui.Location{}, err
	}
	return ui.Location{Bucket: bucket, Prefix: key[:strings.LastIndex(key, "/")+1], Select: key[strings.LastIndex(key, "/")+1:]}, nil
}

func browse(store config.Store, start ui.Location, banner string, stderr io.Writer) int {
	client, err := s3model.New(store)
	if err != nil {
		return fail(stderr, err)
	}
	err = ui.Run(ui.Options{Client: client, Start: start, Keys: keymap.Default(), Banner: banner})
	if err != nil && !errors.Is(err, io.EOF) {
		return fail(stderr, err)
	}
	return 0
}
