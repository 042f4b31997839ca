package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign"
	"github.com/s3share/s3share/presign/gatewayapi"
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

An upload request (s3share presign --gateway URL --upload-request) is a row
of method UPLOAD for its prefix, and under it the files it received, asked
of its gateway: name, size, client address, when, and key (-o json: in
"received"). The admin token is $S3SHARE_GATEWAY_TOKEN or --token-file. A
gateway that does not answer is named once on stderr; the listing still
prints, and the exit status is 4. --no-received lists the ledger alone,
with no network.
` + sharesAbout,
		flags: func(fs *flag.FlagSet) runFunc {
			all := fs.Bool("all", false, "include expired links")
			sortBy := fs.String("sort", "expires", "order of the table: `expires` (soonest to expire first) or made (newest first)")
			check := fs.Bool("check", false, "test each active link: fetch GET links (one byte) and say whether they work and, if not, why (exit status 3 when one fails)")
			noReceived := fs.Bool("no-received", false, "do not ask the gateways what upload requests received: list the ledger only")
			tokenFile := fs.String("token-file", "", "read the gateways' admin token from this `FILE` instead of $S3SHARE_GATEWAY_TOKEN")
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
				return runShares(c, sharesList{all: *all, output: output, order: order, received: !*noReceived, tokenFile: *tokenFile})
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

// sharesList is how shares lists the ledger.
type sharesList struct {
	all    bool         // the expired links too
	output string       // table or json
	order  ledger.Order // the table's order
	// received asks the gateways for the files upload requests
	// received, with the admin token of tokenFile or the environment.
	received  bool
	tokenFile string
}

// runShares lists the active links, or with all every link, in order;
// the table folds the links of each batch into one row. Upload requests
// come with the files they received, asked of their gateways; when one
// does not answer the listing still prints, and exits with exitGateway.
func runShares(c *call, o sharesList) int {
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
	if !o.all {
		keep = func(ends time.Time) bool { return ends.After(now) }
	}
	listed := func(r *ledger.Record) bool { return o.all || r.Active(now) }
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if o.output == "json" {
		var refs []uploadRef
		if o.received {
			// A first pass finds the upload requests, so their gateways
			// are asked before the array streams out.
			recs, err := collectRecords(io.Discard, l, path, keep, func(r ledger.Record) (ledger.Record, bool) {
				_, ok := refOf(&r)
				return r, ok && listed(&r)
			})
			if err != nil {
				return fail(stderr, err)
			}
			refs = uploadRefs(recs)
		}
		got, answered := askGateways(ctx, stderr, refs, o.tokenFile)
		code := sharesJSON(c, l, path, keep, o.all, now, got)
		if code == exitOK && !answered {
			code = exitGateway
		}
		return code
	}
	recs, err := collectRecords(stderr, l, path, keep, func(r ledger.Record) (ledger.Record, bool) {
		// The table needs neither the link nor its options: keep what it
		// shows, so a long ledger lists in little memory. An upload
		// request keeps its gateway, to ask it what arrived.
		gw := ""
		if r.Method == ledger.MethodUpload {
			gw = r.Options["gateway"]
		}
		r.URL, r.Options = "", nil
		if gw != "" {
			r.Options = map[string]string{"gateway": gw}
		}
		return r, listed(&r)
	})
	if err != nil {
		return fail(stderr, err)
	}
	slices.SortStableFunc(recs, func(a, b ledger.Record) int { return o.order.Compare(a, b, now) })
	var got map[uploadRef]*received
	answered := true
	if o.received {
		got, answered = askGateways(ctx, stderr, uploadRefs(recs), o.tokenFile)
	}
	out := bufio.NewWriter(stdout)
	switch {
	case len(recs) == 0 && o.all:
		fmt.Fprintln(out, "No links recorded.")
	case len(recs) == 0:
		fmt.Fprintln(out, "No active links. (s3share shares --all lists expired ones too.)")
	default:
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "REMAINING\tMETHOD\tSTORE\tPATH")
		for _, row := range ledger.Fold(len(recs), func(i int) *ledger.Record { return &recs[i] }) {
			r := &recs[row.Index]
			var res *received
			if ref, ok := refOf(r); ok {
				res = got[ref]
			}
			left := remaining(r.Ends().Sub(now))
			if res != nil && res.err == nil && res.upload.State == "revoked" {
				left = "revoked" // by its gateway: it takes no more files
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s%s\n", left, sanitize.Text(r.Method), sanitize.Text(r.StoreLabel()), sanitize.Text(row.Path(r)), receivedSummary(res))
			if res != nil && res.err == nil {
				// In the last column: its width does not widen the table's.
				writeReceived(tw, "\t\t\t", res.upload.Received)
			}
		}
		err = tw.Flush()
	}
	if err == nil {
		err = out.Flush()
	}
	if err != nil {
		return fail(stderr, err)
	}
	if !answered {
		return exitGateway
	}
	return exitOK
}

// uploadRefs are the upload requests among recs.
func uploadRefs(recs []ledger.Record) []uploadRef {
	var refs []uploadRef
	for i := range recs {
		if ref, ok := refOf(&recs[i]); ok {
			refs = append(refs, ref)
		}
	}
	return refs
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

// sharesJSON streams the listed links as a JSON array, as they are read;
// an upload request carries what its gateway said (got).
func sharesJSON(c *call, l *ledger.Ledger, path string, keep func(time.Time) bool, all bool, now time.Time, got map[uploadRef]*received) int {
	out := bufio.NewWriter(c.stdout)
	n := 0
	warns, err := l.Scan(keep, func(r ledger.Record) error {
		active := r.Active(now)
		if !active && !all {
			return nil
		}
		n++
		var res *received
		if ref, ok := refOf(&r); ok {
			res = got[ref]
		}
		return writeListed(out, n == 1, r, active, res)
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

// listedJSON is one record of `shares -o json`'s array: its fields,
// "active", and for an upload request what its gateway said: "received"
// (the files, [] for none) and "gateway_state", or "received_error".
type listedJSON struct {
	ledger.Record
	Active        bool                       `json:"active"`
	Received      *[]gatewayapi.ReceivedFile `json:"received,omitempty"`
	GatewayState  string                     `json:"gateway_state,omitempty"`
	ReceivedError string                     `json:"received_error,omitempty"`
}

// writeListed writes one record of `shares -o json`'s array, as it is
// read, indented, with no terminal control raw.
func writeListed(w *bufio.Writer, first bool, r ledger.Record, active bool, res *received) error {
	v := listedJSON{Record: r, Active: active}
	switch {
	case res == nil:
	case res.gone:
		v.ReceivedError = "the gateway no longer knows this request"
	case res.err != nil:
		v.ReceivedError = res.err.Error()
	default:
		files := res.upload.Received
		if files == nil {
			files = []gatewayapi.ReceivedFile{}
		}
		v.Received, v.GatewayState = &files, res.upload.State
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // a URL's & stays &
	if err := enc.Encode(v); err != nil {
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
