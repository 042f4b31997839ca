package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"

	"github.com/s3share/s3share/internal/sanitize"
	"github.com/s3share/s3share/presign/gatewayapi"
	"github.com/s3share/s3share/presign/ledger"
)

// exitGateway is the exit status of shares when the listing printed but
// a gateway did not say what its upload requests received.
const exitGateway = 4

// Asking the gateways what upload requests received: how many requests
// are in flight at once, and how long one may take, its answer read.
const (
	receivedWorkers = 4
	receivedTimeout = 15 * time.Second
)

// The table shows at most this many cells of an uploader's file name
// (the JSON has it whole) and of the client's address.
const (
	maxNameCells   = 40
	maxClientCells = 45
)

// uploadRef names an upload request at its gateway.
type uploadRef struct{ gateway, id string }

// refOf is the upload request of a ledger record; ok is false for any
// other link, or a record that names no gateway.
func refOf(r *ledger.Record) (uploadRef, bool) {
	if r.Method != ledger.MethodUpload || r.Upload == "" || r.Options["gateway"] == "" {
		return uploadRef{}, false
	}
	return uploadRef{gateway: r.Options["gateway"], id: r.Upload}, true
}

// received is what a gateway said of one upload request.
type received struct {
	upload gatewayapi.Upload
	gone   bool  // the gateway does not know the request (pruned)
	err    error // it did not answer; said once per gateway
}

// askGateways asks each upload request's gateway for the files it
// received: one request per upload request, receivedWorkers at a time.
// A gateway that cannot be reached, or refuses the token, is not asked
// again. What failed is said on stderr once per gateway; ok is false
// then.
func askGateways(ctx context.Context, stderr io.Writer, refs []uploadRef, tokenFile string) (map[uploadRef]*received, bool) {
	out := make(map[uploadRef]*received, len(refs))
	if len(refs) == 0 {
		return out, true
	}
	token, err := readToken(tokenFile)
	if err == nil && token == "" {
		err = errors.New("no gateway admin token: set " + tokenEnv + " or pass --token-file")
	}
	if err != nil {
		fmt.Fprintf(stderr, "s3share: shares: the files upload requests received are not shown: %s (--no-received lists the ledger only)\n", sanitize.Text(err.Error()))
		for _, ref := range refs {
			out[ref] = &received{err: err}
		}
		return out, false
	}
	refs = uniq(refs)
	clients := map[string]*gatewayapi.Client{}
	dead := map[string]error{} // gateways not to ask (again)
	for _, ref := range refs {
		out[ref] = &received{}
		if _, ok := clients[ref.gateway]; ok || dead[ref.gateway] != nil {
			continue
		}
		if clients[ref.gateway], err = gatewayapi.NewClient(ref.gateway, token, receivedTimeout); err != nil {
			dead[ref.gateway] = err
		}
	}
	var mu sync.Mutex
	work := make(chan uploadRef)
	var wg sync.WaitGroup
	for range min(receivedWorkers, len(refs)) {
		wg.Go(func() {
			for ref := range work {
				res := out[ref] // each ref has one worker: no lock needed for res
				mu.Lock()
				cl, skip := clients[ref.gateway], dead[ref.gateway]
				mu.Unlock()
				if skip != nil {
					res.err = skip
					continue
				}
				u, err := cl.ShowUpload(ctx, ref.id)
				var ae *gatewayapi.APIError
				switch {
				case err == nil:
					res.upload = u
				case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
					res.gone = true
				default:
					res.err = err
					if !errors.As(err, &ae) || ae.Status == http.StatusUnauthorized {
						mu.Lock()
						dead[ref.gateway] = err
						mu.Unlock()
					}
				}
			}
		})
	}
	for _, ref := range refs {
		work <- ref
	}
	close(work)
	wg.Wait()

	// One line per gateway that failed, naming its first error.
	failed := map[string][]error{}
	for _, ref := range refs {
		if e := out[ref].err; e != nil {
			failed[ref.gateway] = append(failed[ref.gateway], e)
		}
	}
	gws := make([]string, 0, len(failed))
	for gw := range failed {
		gws = append(gws, gw)
	}
	slices.Sort(gws)
	for _, gw := range gws {
		n := len(failed[gw])
		fmt.Fprintf(stderr, "s3share: shares: gateway %s did not say what arrived: %s; the files of %d upload %s are not shown\n",
			sanitize.Text(gw), sanitize.Text(failed[gw][0].Error()), n, plural(n, "request", "requests"))
	}
	return out, len(failed) == 0
}

// uniq is refs without repeats, in their order.
func uniq(refs []uploadRef) []uploadRef {
	seen := make(map[uploadRef]bool, len(refs))
	out := refs[:0:0]
	for _, r := range refs {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// receivedSummary is what an upload request's row adds after its path:
// how many files arrived, or why that is not known.
func receivedSummary(res *received) string {
	switch {
	case res == nil:
		return ""
	case res.gone:
		return "  (the gateway no longer knows this request)"
	case res.err != nil:
		return "  (files received: unknown, the gateway did not say)"
	}
	n := len(res.upload.Received)
	s := fmt.Sprintf("%d %s received", n, plural(n, "file", "files"))
	if n == 0 {
		s = "no files received"
	}
	if st := res.upload.State; st != "" && st != "active" {
		s = sanitize.Text(st) + "; " + s
	}
	return "  (" + s + ")"
}

// writeReceived writes the files an upload request received, a line
// each, under its row in the table: in the last column (pre is the
// empty cells before it), name, size, client, when and key, aligned
// among the request's files. Every field is the uploader's or the
// gateway's text: escaped, and the name and client cut to a bounded
// width.
func writeReceived(w io.Writer, pre string, files []gatewayapi.ReceivedFile) {
	type line struct{ name, size, client, when, key string }
	lines := make([]line, len(files))
	var wName, wSize, wClient int
	for i, f := range files {
		l := line{
			name:   cut(sanitize.Text(f.Name), maxNameCells),
			size:   humanize.IBytes(uint64(max(0, f.Size))),
			client: cut(sanitize.Text(f.Client), maxClientCells),
			when:   f.At.Local().Format("2006-01-02 15:04:05"),
			key:    sanitize.Text(f.Key),
		}
		if l.name == "" {
			l.name = "-"
		}
		if l.client == "" {
			l.client = "-"
		}
		wName = max(wName, ansi.StringWidth(l.name))
		wSize = max(wSize, len(l.size))
		wClient = max(wClient, ansi.StringWidth(l.client))
		lines[i] = l
	}
	for _, l := range lines {
		fmt.Fprintf(w, "%s  %s  %*s  %s  %s  %s\n", pre, pad(l.name, wName), wSize, l.size, pad(l.client, wClient), l.when, l.key)
	}
}

// cut shortens s to at most n terminal cells, ending it in … when cut.
func cut(s string, n int) string {
	if ansi.StringWidth(s) <= n {
		return s
	}
	return ansi.Truncate(s, n, "…")
}

// pad fills s with spaces to n terminal cells.
func pad(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-ansi.StringWidth(s)))
}
