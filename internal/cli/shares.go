package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
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
that signed it is disabled or rotated. Forgetting it here does not stop it.`

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
			var output string
			for _, name := range []string{"o", "output"} {
				fs.StringVar(&output, name, "table", "output `FORM`: table, or json (a JSON array with every detail)")
			}
			return func(c *call, pos []string) int {
				if len(pos) > 0 {
					return c.usageError(fmt.Sprintf("shares: unknown argument %q", pos[0]))
				}
				return runShares(c, *all, output)
			}
		},
		sub: []*command{{
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

// runShares lists the active links, or with all every link.
func runShares(c *call, all bool, output string) int {
	stdout, stderr := c.stdout, c.stderr
	output = strings.ToLower(output)
	if output != "table" && output != "json" {
		return fail(stderr, fmt.Errorf("shares: output %q: want table or json", sanitize.Text(output)))
	}
	l, path, err := openLedger()
	if err != nil {
		return fail(stderr, err)
	}
	now := time.Now()
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
		if active := r.Active(now); active || all {
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
		if all {
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
