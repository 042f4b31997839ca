package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/ledger"
)

// sharesAbout is what the help of shares and of shares prune says about
// the ledger.
const sharesAbout = `
The share ledger is $XDG_STATE_HOME/s3share/shares.jsonl, by default
~/.local/state/s3share/shares.jsonl, readable only by you.

A link cannot be revoked: it works until it expires, or until the access key
that signed it is disabled or rotated. Forgetting it here does not stop it.
Links of a share gateway (s3share presign --gateway) can be: s3share shares
revoke ID.`

// sharesCommand lists the links recorded in the share ledger; its
// subcommand prune forgets the expired ones.
func sharesCommand() *command {
	return &command{
		name:    "shares",
		summary: "list the links made so far (shares prune: forget expired ones)",
		about: `
Lists the links recorded in the share ledger: the active ones, or with --all
the expired ones too.
` + sharesAbout,
		flags: func(fs *flag.FlagSet) runFunc {
			all := fs.Bool("all", false, "include expired links")
			sortBy := fs.String("sort", "expires", "order of the table: `expires` (soonest to expire first) or made (newest first)")
			check := fs.Bool("check", false, "test each active link: fetch GET links (one byte) and say whether they work and, if not, why (exit status 3 when one fails)")
			var output string
			for _, name := range []string{"o", "output"} {
				fs.StringVar(&output, name, "table", "output `FORM`: table, or json (a JSON array with every detail)")
			}
			return func(c *call, pos []string) int {
				if len(pos) > 0 {
					return c.usageError(fmt.Sprintf("shares: unknown argument %q", pos[0]))
				}
				order, err := ledger.ParseOrder(*sortBy)
				if err != nil {
					return c.usageError("shares: " + err.Error())
				}
				output := strings.ToLower(output)
				if output != "table" && output != "json" {
					return c.usageError(fmt.Sprintf("shares: output %q: want table or json", sanitize.Text(output)))
				}
				if *check {
					return runSharesCheck(c, output)
				}
				return runShares(c, *all, output, order)
			}
		},
		sub: []*command{sharesRevokeCommand(), {
			name:    "prune",
			summary: "forget the expired links",
			about: `
Removes the expired links from the share ledger.
` + sharesAbout,
			flags: func(fs *flag.FlagSet) runFunc {
				return func(c *call, pos []string) int {
					if len(pos) > 0 {
						return c.usageError(fmt.Sprintf("shares prune: unknown argument %q", pos[0]))
					}
					return runSharesPrune(c)
				}
			},
		}},
	}
}

// openLedger opens the share ledger at its usual place.
func openLedger() (*ledger.Ledger, string, error) {
	path, err := ledger.DefaultPath(os.Getenv)
	if err != nil {
		return nil, "", err
	}
	l, err := ledger.Open(path)
	return l, path, err
}

// runSharesPrune forgets the expired links.
func runSharesPrune(c *call) int {
	l, path, err := openLedger()
	if err != nil {
		return fail(c.stderr, err)
	}
	n, warns, err := l.Prune(time.Now())
	if err != nil {
		return fail(c.stderr, err)
	}
	for _, w := range warns {
		fmt.Fprintf(c.stderr, "s3share: warning: %s: dropped %s\n", path, w)
	}
	fmt.Fprintf(c.stdout, "removed %d expired %s from %s\n", n, plural(n, "link", "links"), path)
	return exitOK
}

// runShares lists the active links, or with all every link, in order;
// the table folds the links of each batch into one row. output is table
// or json.
func runShares(c *call, all bool, output string, order ledger.Order) int {
	stdout, stderr := c.stdout, c.stderr
	l, path, err := openLedger()
	if err != nil {
		return fail(stderr, err)
	}
	now := time.Now()
	// The ledger is read one record at a time, and without --all the
	// expired records are skipped undecoded: a long ledger costs the
	// memory of the links listed. JSON streams out in the order the links
	// were recorded; the table lists them as the TUI's ledger view does
	// (ledger.Compare: soonest to expire first), so it collects them.
	var keep func(time.Time) bool
	if !all {
		keep = func(ends time.Time) bool { return ends.After(now) }
	}
	if output == "json" {
		return sharesJSON(c, l, path, keep, all, now)
	}
	recs, err := collectRecords(stderr, l, path, keep, func(r ledger.Record) (ledger.Record, bool) {
		// The table needs neither the link nor its options: keep what it
		// shows, so a long ledger lists in little memory.
		r.URL, r.Options = "", nil
		return r, all || r.Active(now)
	})
	if err != nil {
		return fail(stderr, err)
	}
	slices.SortStableFunc(recs, func(a, b ledger.Record) int { return order.Compare(a, b, now) })
	out := bufio.NewWriter(stdout)
	switch {
	case len(recs) == 0 && all:
		fmt.Fprintln(out, "No links recorded.")
	case len(recs) == 0:
		fmt.Fprintln(out, "No active links. (s3share shares --all lists expired ones too.)")
	default:
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REMAINING\tMETHOD\tSTORE\tPATH")
		for _, row := range ledger.Fold(len(recs), func(i int) *ledger.Record { return &recs[i] }) {
			r := &recs[row.Index]
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", remaining(r.Ends().Sub(now)), sanitize.Text(r.Method), sanitize.Text(r.StoreLabel()), sanitize.Text(row.Path(r)))
		}
		err = tw.Flush()
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

// collectRecords reads the ledger's records, those whose end keep
// takes (all for nil), and gathers those pick accepts, as pick returns
// them; the file's warnings go to stderr.
func collectRecords(stderr io.Writer, l *ledger.Ledger, path string, keep func(time.Time) bool, pick func(ledger.Record) (ledger.Record, bool)) ([]ledger.Record, error) {
	var recs []ledger.Record
	warns, err := l.Scan(keep, func(r ledger.Record) error {
		if r, ok := pick(r); ok {
			recs = append(recs, r)
		}
		return nil
	})
	warnLedger(stderr, path, warns)
	return recs, err
}

// warnLedger prints the ledger file's warnings (lines it could not read).
func warnLedger(stderr io.Writer, path string, warns []ledger.Warning) {
	for _, w := range warns {
		fmt.Fprintf(stderr, "s3share: warning: %s: %s\n", path, w)
	}
}

// sharesJSON streams the listed links as a JSON array, as they are read.
func sharesJSON(c *call, l *ledger.Ledger, path string, keep func(time.Time) bool, all bool, now time.Time) int {
	out := bufio.NewWriter(c.stdout)
	n := 0
	warns, err := l.Scan(keep, func(r ledger.Record) error {
		active := r.Active(now)
		if !active && !all {
			return nil
		}
		n++
		return writeListed(out, n == 1, r, active)
	})
	warnLedger(c.stderr, path, warns)
	if err != nil {
		return fail(c.stderr, err)
	}
	if n == 0 {
		out.WriteString("[]\n")
	} else {
		out.WriteString("\n]\n")
	}
	if err := out.Flush(); err != nil {
		return fail(c.stderr, err)
	}
	return exitOK
}

// writeListed writes one record of `shares -o json`'s array, as it is
// read: its fields and "active", indented, with no terminal control raw.
func writeListed(w *bufio.Writer, first bool, r ledger.Record, active bool) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // a URL's & stays &
	if err := enc.Encode(struct {
		ledger.Record
		Active bool `json:"active"`
	}{r, active}); err != nil {
		return err
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, sanitize.JSON(bytes.TrimSpace(b.Bytes())), "  ", "  "); err != nil {
		return err
	}
	if first {
		w.WriteString("[\n  ")
	} else {
		w.WriteString(",\n  ")
	}
	_, err := w.Write(ind.Bytes())
	return err
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
