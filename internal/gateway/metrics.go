package gateway

import (
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// metrics are the gateway's counters, written in the Prometheus text
// format at /metrics.
type metrics struct {
	mu       sync.Mutex
	outcomes map[Outcome]*atomic.Int64
	notFound atomic.Int64
	created  atomic.Int64
	revoked  atomic.Int64
	api      atomic.Int64
	apiDeny  atomic.Int64
	dropped  atomic.Int64 // audit events dropped: the queue was full
	pruned   atomic.Int64
	// visit latency histogram, seconds
	bounds []float64
	counts []atomic.Int64 // one per bound, plus +Inf
	sumNs  atomic.Int64
}

func newMetrics() *metrics {
	b := []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1}
	return &metrics{outcomes: map[Outcome]*atomic.Int64{}, bounds: b, counts: make([]atomic.Int64, len(b)+1)}
}

func (m *metrics) outcome(o Outcome) {
	m.mu.Lock()
	c := m.outcomes[o]
	if c == nil {
		c = new(atomic.Int64)
		m.outcomes[o] = c
	}
	m.mu.Unlock()
	c.Add(1)
}

func (m *metrics) visit(d time.Duration) {
	s := d.Seconds()
	i, _ := slices.BinarySearch(m.bounds, s)
	m.counts[i].Add(1)
	m.sumNs.Add(int64(d))
}

func (m *metrics) write(w io.Writer) {
	fmt.Fprintln(w, "# HELP s3share_gateway_visits_total Visits of share links, by outcome.")
	fmt.Fprintln(w, "# TYPE s3share_gateway_visits_total counter")
	m.mu.Lock()
	names := make([]Outcome, 0, len(m.outcomes))
	for o := range m.outcomes {
		names = append(names, o)
	}
	m.mu.Unlock()
	slices.Sort(names)
	for _, o := range names {
		m.mu.Lock()
		c := m.outcomes[o]
		m.mu.Unlock()
		fmt.Fprintf(w, "s3share_gateway_visits_total{outcome=%q} %d\n", string(o), c.Load())
	}
	fmt.Fprintf(w, "s3share_gateway_visits_total{outcome=\"not found\"} %d\n", m.notFound.Load())
	for _, c := range []struct {
		name, help string
		v          *atomic.Int64
	}{
		{"s3share_gateway_shares_created_total", "Shares created through the admin API.", &m.created},
		{"s3share_gateway_shares_revoked_total", "Shares revoked through the admin API.", &m.revoked},
		{"s3share_gateway_shares_pruned_total", "Expired or revoked shares deleted by pruning.", &m.pruned},
		{"s3share_gateway_api_requests_total", "Admin API requests.", &m.api},
		{"s3share_gateway_api_refused_total", "Admin API requests refused for their token.", &m.apiDeny},
		{"s3share_gateway_audit_dropped_total", "Audit events dropped because the queue was full.", &m.dropped},
	} {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", c.name, c.help, c.name, c.name, c.v.Load())
	}
	fmt.Fprintln(w, "# HELP s3share_gateway_visit_seconds Time to answer a share link visit.")
	fmt.Fprintln(w, "# TYPE s3share_gateway_visit_seconds histogram")
	var cum int64
	for i, b := range m.bounds {
		cum += m.counts[i].Load()
		fmt.Fprintf(w, "s3share_gateway_visit_seconds_bucket{le=\"%g\"} %d\n", b, cum)
	}
	cum += m.counts[len(m.bounds)].Load()
	fmt.Fprintf(w, "s3share_gateway_visit_seconds_bucket{le=\"+Inf\"} %d\n", cum)
	fmt.Fprintf(w, "s3share_gateway_visit_seconds_sum %g\n", time.Duration(m.sumNs.Load()).Seconds())
	fmt.Fprintf(w, "s3share_gateway_visit_seconds_count %d\n", cum)
}
