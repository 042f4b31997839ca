package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/linkcheck"
	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
)

// exitCheck is the exit status of presign --check and shares --check when
// a link does not work.
const exitCheck = 3

// checkWorkers is how many links are checked at once.
const checkWorkers = 8

// printChecks writes one line per link, "✓ s3://b/k  206 · …" or
// "✗ s3://b/k  why", and returns how many failed.
func printChecks(w io.Writer, links []presign.Result, reps []linkcheck.Report) int {
	bad := 0
	for i, r := range reps {
		path := "s3://" + links[i].Bucket + "/" + links[i].Key
		line := r.Line()
		if !r.OK {
			bad++
		}
		// The line starts with its mark; the path goes after it.
		mark, rest := line[:len("✓")], line[len("✓ "):]
		fmt.Fprintf(w, "%s %s %s  %s\n", mark, links[i].Method, sanitize.Text(path), rest)
	}
	return bad
}

// checkSigned checks the links presign just made and prints a line for
// each on stderr; exitCheck when one fails.
func checkSigned(ctx context.Context, stderr io.Writer, st config.Store, src linkcheck.Source, links []presign.Result) int {
	c, err := linkcheck.New(st, src)
	if err != nil {
		return fail(stderr, fmt.Errorf("check: %w", err))
	}
	if bad := printChecks(stderr, links, c.CheckAll(ctx, links, checkWorkers)); bad > 0 {
		fmt.Fprintf(stderr, "s3share: check: %d of %d %s failed\n", bad, len(links), plural(len(links), "link", "links"))
		return exitCheck
	}
	return exitOK
}

// runSharesCheck checks the ledger's active links, soonest to expire
// first, and prints a line (or with -o json an object) for each; it
// exits with exitCheck when one fails. GET links are fetched; of upload
// links, whose form fields and store the ledger does not keep, only the
// expiry is checked.
func runSharesCheck(c *call, output string) int {
	stdout, stderr := c.stdout, c.stderr
	l, path, err := openLedger()
	if err != nil {
		return fail(stderr, err)
	}
	now := time.Now()
	recs, err := collectRecords(stderr, l, path, func(ends time.Time) bool { return ends.After(now) }, func(r ledger.Record) (ledger.Record, bool) {
		return r, r.Active(now)
	})
	if err != nil {
		return fail(stderr, err)
	}
	slices.SortStableFunc(recs, func(a, b ledger.Record) int { return ledger.Compare(a, b, now) })
	links := make([]presign.Result, len(recs))
	for i, r := range recs {
		links[i] = presign.Result{URL: r.URL, Method: presign.Method(r.Method), Bucket: r.Bucket, Key: r.Key, Prefix: r.Prefix,
			ExpiresAt: r.ExpiresAt, EffectiveExpiresAt: r.Ends(), Identity: r.Identity}
	}
	checker, err := linkcheck.New(config.Store{}, nil)
	if err != nil {
		return fail(stderr, err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	reps := checker.CheckAll(ctx, links, checkWorkers)
	bad := 0
	if output == "json" {
		out := make([]checkedLink, len(links))
		for i, r := range reps {
			out[i] = checkedLink{Method: string(links[i].Method), Bucket: links[i].Bucket, Key: links[i].Key,
				Store: recs[i].StoreLabel(), ExpiresAt: links[i].EffectiveExpiresAt.UTC(), Report: r}
			if !r.OK {
				bad++
			}
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fail(stderr, err)
		}
		if _, err := stdout.Write(sanitize.JSON(b.Bytes())); err != nil {
			return fail(stderr, err)
		}
	} else {
		if len(links) == 0 {
			fmt.Fprintln(stdout, "No active links.")
		}
		bad = printChecks(stdout, links, reps)
	}
	if bad > 0 {
		fmt.Fprintf(stderr, "s3share: shares --check: %d of %d %s failed\n", bad, len(links), plural(len(links), "link", "links"))
		return exitCheck
	}
	return exitOK
}

// checkedLink is one link of shares --check -o json.
type checkedLink struct {
	Method    string           `json:"method"`
	Bucket    string           `json:"bucket"`
	Key       string           `json:"key"`
	Store     string           `json:"store"`
	ExpiresAt time.Time        `json:"effective_expires_at"`
	Report    linkcheck.Report `json:"check"`
}

// noteRules says on stderr how many links each [[ui.rules]] rule set.
func noteRules(stderr io.Writer, rules []config.Rule, results []presign.Result) {
	n := map[string]int{}
	for _, r := range results {
		if m := r.Options["rule"]; m != "" {
			n[m]++
		}
	}
	for _, rule := range rules {
		if c := n[rule.Match]; c > 0 {
			fmt.Fprintf(stderr, "s3share: rule %s: %d %s\n", sanitize.Text(rule.String()), c, plural(c, "link", "links"))
		}
	}
}
