package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/s3share/s3share/config"
	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/keymap"
	"github.com/s3share/s3share/s3model"
)

// doctorCommand prints every resolved setting with its source, then
// checks the connection: ListBuckets, or HEAD of the bucket given as
// s3://BUCKET. It exits 0 only when the checks pass. It never prints a
// secret key or session token.
func doctorCommand() *command {
	return &command{
		name:    "doctor",
		args:    "[s3://BUCKET]",
		summary: "show the settings in use and where each came from, then test the connection",
		about: `
Prints every setting s3share would use and where it came from (a flag, a
variable, a file and its section, or a default), the access key id with all
but its last 4 characters hidden (never the secret key or session token), the
files it read and any warnings. Then it checks the config file's [keys] and
tries the store: ListBuckets, or HEAD of BUCKET when one is named, and prints
ok or the failure with a hint. It exits 0 only when every check passes.

With a share gateway (--gateway, else the store's [stores.NAME] gateway,
else $S3SHARE_GATEWAY), it also reads BUCKET's CORS rules and says whether
the upload page of a drop link, on the gateway's origin (scheme://host[:port]
of its URL), may PUT files straight to the bucket with a Content-Type
header, as drop links made with --via direct do. When not, it prints the
CORS configuration to put (the bucket's rules and the one to add, as aws
s3api put-bucket-cors takes it). This check informs and does not change the
exit status: drop links stream the files through the gateway by default
(--via gateway), which needs no CORS rule.`,
		flags: func(fs *flag.FlagSet) runFunc {
			gateway := fs.String("gateway", "", "check BUCKET's CORS rules for the share gateway at this `URL` (default: the store's gateway, else $S3SHARE_GATEWAY)")
			return func(cl *call, pos []string) int { return runDoctor(cl, pos, *gateway) }
		},
		shared: []flagGroup{storeGroup, connGroup},
	}
}

// runDoctor checks the store, or the bucket pos names, and that
// bucket's CORS rules for the share gateway.
func runDoctor(cl *call, pos []string, gateway string) int {
	stdout, stderr := cl.stdout, cl.stderr
	if len(pos) > 1 {
		return cl.usageError(fmt.Sprintf("doctor checks one bucket at most, got %d: %s", len(pos), sanitize.Text(strings.Join(pos, " "))))
	}
	bucket := ""
	if len(pos) == 1 {
		b, key, err := parseLocation(pos[0])
		if err != nil {
			return fail(stderr, err)
		}
		if key != "" {
			fmt.Fprintf(stderr, "s3share: doctor checks the bucket only; ignoring %q\n", key)
		}
		bucket = b
	}
	c, err := cl.g.load()
	if err != nil {
		fmt.Fprintln(stdout, "configuration: FAILED")
		var ce *config.ChainError
		if errors.As(err, &ce) {
			printChain(stdout, ce.Chain)
		}
		return fail(stderr, err)
	}
	printConfig(stdout, c)
	fmt.Fprintln(stdout, "check:")
	keysOK := checkKeys(stdout, c.Prefs)
	connOK, answered := checkConnection(stdout, c, bucket)
	if gateway == "" && c.Store.Gateway != nil {
		gateway = c.Store.Gateway.URL
	}
	if gateway == "" {
		gateway = os.Getenv(gatewayEnv)
	}
	if gateway != "" && answered {
		checkGatewayCORS(stdout, c.Store, gateway, bucket)
	}
	if !connOK || !keysOK {
		return exitFailed
	}
	return exitOK
}

// checkKeys applies the config file's [keys] as the browser does, which
// refuses to start when they conflict, and prints the outcome; it
// reports whether they are fine.
func checkKeys(w io.Writer, prefs config.Prefs) bool {
	if _, err := keymap.Apply(prefs.Keys); err != nil {
		fmt.Fprintf(w, "  key bindings: FAILED\n  %s\n  hint: the browser does not start until the config file's [keys] table is fixed\n", sanitize.Text(err.Error()))
		return false
	}
	fmt.Fprintln(w, "  key bindings: ok")
	return true
}

// printConfig writes the settings, files and warnings of c.
func printConfig(w io.Writer, c *config.Config) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "settings:")
	for _, s := range c.Settings {
		src := ""
		if s.Source != "" {
			src = "(from " + s.Source + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Name, s.Value, src)
	}
	tw.Flush()
	printChain(w, c.Chain)
	fmt.Fprintln(tw, "files:")
	for _, f := range c.Files {
		src := ""
		if f.Source != "default" && f.Source != "" {
			src = "  (from " + f.Source + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s%s\n", f.What, f.Path, f.State, src)
	}
	tw.Flush()
	if len(c.Warnings) > 0 {
		fmt.Fprintln(w, "warnings:")
		for _, warn := range c.Warnings {
			fmt.Fprintln(w, "  ! "+warn)
		}
	}
}

// checkConnection tries the store and prints the outcome; it reports
// whether the check passed, and whether the store answered (a refusal
// is an answer; no connection is not).
func checkConnection(w io.Writer, c *config.Config, bucket string) (ok, answered bool) {
	st := c.Store
	client, err := s3model.New(st)
	if err != nil {
		fmt.Fprintf(w, "  connect to %s: FAILED: %s\n", st.Endpoint, sanitize.Text(err.Error()))
		return false, false
	}
	ctx := context.Background() // each request is bounded by --timeout
	var what string
	if bucket == "" {
		what = "ListBuckets on " + st.Endpoint.String()
		var bs []s3model.Bucket
		if bs, err = client.ListBuckets(ctx); err == nil {
			plural := "s"
			if len(bs) == 1 {
				plural = ""
			}
			fmt.Fprintf(w, "  %s: ok (%d bucket%s)\n", what, len(bs), plural)
			return true, true
		}
	} else {
		what = "HEAD s3://" + bucket + " on " + st.Endpoint.String()
		err = client.HeadBucket(ctx, bucket)
		if se, ok := s3model.AsStoreError(err); ok && se.Status != http.StatusNotFound {
			// The answer to a HEAD has no body to say why it failed; the
			// answer to a listing does.
			if _, lerr := client.ListPage(ctx, bucket, "", ""); lerr != nil {
				err = lerr
			}
		}
		if err == nil {
			region, rerr := client.BucketRegion(ctx, bucket)
			if rerr != nil {
				region = "unknown: " + rerr.Error()
			}
			fmt.Fprintf(w, "  %s: ok (region %s)\n", what, sanitize.Text(region))
			return true, true
		}
	}
	fmt.Fprintf(w, "  %s: FAILED\n  %s\n", what, sanitize.Text(err.Error()))
	for _, h := range doctorHints(c, bucket, err) {
		fmt.Fprintln(w, "  hint: "+h)
	}
	_, answered = s3model.AsStoreError(err)
	return false, answered
}

// doctorHints adds what doctor knows beyond the error itself.
func doctorHints(c *config.Config, bucket string, err error) []string {
	st := c.Store
	var hints []string
	resp, ok := s3model.AsStoreError(err)
	if !ok {
		var te *s3model.TimeoutError
		if errors.As(err, &te) {
			hints = append(hints, fmt.Sprintf("no answer within %s (--timeout): is %s right and reachable from here?", te.After, st.Endpoint))
		}
		return hints
	}
	switch {
	case st.Creds.Anonymous():
		hints = append(hints, "no credentials were found, so the request was anonymous: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pick a profile with --profile NAME")
	case !st.Creds.Expires.IsZero() && time.Now().After(st.Creds.Expires):
		hints = append(hints, "the credentials expired at "+st.Creds.Expires.Format(time.RFC3339)+": get fresh ones")
	}
	switch resp.Code {
	case "SignatureDoesNotMatch":
		hints = append(hints, fmt.Sprintf("the secret key comes from %s; the region used for signing is %s (from %s), and some stores also reject a wrong region this way",
			c.Source("secret access key"), st.Region, c.Source("region")))
	case "InvalidAccessKeyId":
		hints = append(hints, "the access key id "+st.Creds.MaskedKeyID()+" comes from "+c.Source("access key id"))
	case "AccessDenied":
		if bucket == "" {
			hints = append(hints, "keys limited to some buckets may not list buckets: try s3share doctor s3://BUCKET")
		}
	case "RequestTimeTooSkewed":
		hints = append(hints, "this machine's time is "+time.Now().UTC().Format(time.RFC3339)+"; signatures are refused when it is more than 15 minutes off")
	}
	return hints
}

// chainOutcome is one step of the credential chain as doctor shows it:
// used (from where, until when), skipped and why, failed and why.
func chainOutcome(st config.ChainStep) string {
	out := st.Outcome
	if st.Why != "" {
		out += ": " + st.Why
	}
	if st.Outcome == "used" {
		if st.Expires.IsZero() {
			out += " (" + expiryNote(st.Expires) + ")"
		} else {
			out += " (" + expiryNote(st.Expires)
			if st.Renewed {
				out += "; renewed before then"
			} else {
				out += "; not renewed: requests and links stop working then"
			}
			out += ")"
		}
	}
	return out
}

// expiryNote is "no expiry" or "expires 2026-11-29T22:00:00Z".
func expiryNote(t time.Time) string {
	if t.IsZero() {
		return "no expiry"
	}
	return "expires " + t.UTC().Format(time.RFC3339)
}

// printChain prints the credential chain Load walked, one step a line.
func printChain(w io.Writer, chain []config.ChainStep) {
	if len(chain) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "credential chain:")
	for i, st := range chain {
		fmt.Fprintf(tw, "  %d. %s\t%s\n", i+1, st.Name, sanitize.Text(chainOutcome(st)))
		// An assumed role: every set of credentials on the way to it.
		for _, h := range st.Via {
			fmt.Fprintf(tw, "\t%s\n", sanitize.Text("via "+h.Source+" ("+expiryNote(h.Expires)+")"))
		}
	}
	tw.Flush()
}
