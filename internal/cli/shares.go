package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
)

const sharesUsage = `Usage: s3share shares [--all] [-o table|json]
       s3share shares prune

Lists the links recorded in the share ledger ($XDG_STATE_HOME/s3share/shares.jsonl,
default ~/.local/state/s3share/shares.jsonl): the active ones, or with --all the
expired ones too. prune forgets the expired ones.

A link cannot be revoked: it works until it expires, or until the access key that
signed it is disabled or rotated. Forgetting it here does not stop it.
`

func runShares(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("s3share shares", stderr)
	fs.Usage = func() { fmt.Fprint(stderr, sharesUsage) }
	all := fs.Bool("all", false, "include expired links")
	var output string
	for _, name := range []string{"o", "output"} {
		fs.StringVar(&output, name, "table", "table or json")
	}
	pos, err := parseArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	prune := false
	switch {
	case len(pos) == 1 && pos[0] == "prune":
		prune = true
	case len(pos) > 0:
		fmt.Fprint(stderr, sharesUsage)
		return fail(stderr, fmt.Errorf("shares: unknown argument %q", sanitize.Text(pos[0])))
	}
	output = strings.ToLower(output)
	if output != "table" && output != "json" {
		return fail(stderr, fmt.Errorf("shares: output %q: want table or json", sanitize.Text(output)))
	}

	path, err := ledger.DefaultPath(os.Getenv)
	if err != nil {
		return fail(stderr, err)
	}
	l, err := ledger.Open(path)
	if err != nil {
		return fail(stderr, err)
	}
	now := time.Now()
	if prune {
		n, warns, err := l.Prune(now)
		if err != nil {
			return fail(stderr, err)
		}
		for _, w := range warns {
			fmt.Fprintf(stderr, "s3share: warning: %s: dropped %s\n", path, w)
		}
		fmt.Fprintf(stdout, "removed %d expired %s from %s\n", n, plural(n, "link", "links"), path)
		return 0
	}

	recs, warns, err := l.Load()
	if err != nil {
		return fail(stderr, err)
	}
	for _, w := range warns {
		fmt.Fprintf(stderr, "s3share: warning: %s: %s\n", path, w)
	}
	type listed struct {
		ledger.Record
		Active bool `json:"active"`
	}
	shown := []listed{}
	for _, r := range recs {
		if active := r.Active(now); active || *all {
			shown = append(shown, listed{r, active})
		}
	}
	if output == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(shown); err != nil {
			return fail(stderr, err)
		}
		return 0
	}
	if len(shown) == 0 {
		if *all {
			fmt.Fprintln(stdout, "No links recorded.")
		} else {
			fmt.Fprintln(stdout, "No active links. (s3share shares --all lists expired ones too.)")
		}
		return 0
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REMAINING\tMETHOD\tPATH")
	for _, s := range shown {
		path := s.S3Path()
		if s.Prefix {
			path += "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", remaining(s.Ends().Sub(now)), sanitize.Text(s.Method), sanitize.Text(path))
	}
	if err := tw.Flush(); err != nil {
		return fail(stderr, err)
	}
	return 0
}

// remaining shows a lifetime in its two largest units: 6d23h, 59m12s, 8s;
// "expired" once it is over.
func remaining(d time.Duration) string {
	if d < time.Second {
		return "expired"
	}
	var unit time.Duration
	switch {
	case d >= 24*time.Hour:
		unit = time.Hour
	case d >= time.Hour:
		unit = time.Minute
	default:
		unit = time.Second
	}
	return presign.FormatDuration(d.Truncate(unit))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
