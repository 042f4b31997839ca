package gateway

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// failures counts wrong passwords per key (a share, a client address) in
// fixed windows: after max failures within window, the key is refused
// until the window ends. It is kept in memory: gateways on one database
// each count their own.
type failures struct {
	max    int
	window time.Duration

	mu    sync.Mutex
	keys  map[string]*failWindow
	swept time.Time
}

type failWindow struct {
	start time.Time
	n     int
}

func newFailures(max int, window time.Duration) *failures {
	return &failures{max: max, window: window, keys: map[string]*failWindow{}}
}

// blocked says how long the keys are still refused; 0 when none is.
func (f *failures) blocked(now time.Time, keys ...string) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		w := f.keys[k]
		if w == nil || now.Sub(w.start) >= f.window || w.n < f.max {
			continue
		}
		wait = max(wait, w.start.Add(f.window).Sub(now))
	}
	return wait
}

// fail counts a wrong password against each key.
func (f *failures) fail(now time.Time, keys ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if now.Sub(f.swept) > f.window {
		for k, w := range f.keys {
			if now.Sub(w.start) >= f.window {
				delete(f.keys, k)
			}
		}
		f.swept = now
	}
	for _, k := range keys {
		w := f.keys[k]
		if w == nil || now.Sub(w.start) >= f.window {
			w = &failWindow{start: now}
			f.keys[k] = w
		}
		w.n++
	}
}

// buckets is a token bucket per key: rate tokens a second, at most burst.
type buckets struct {
	rate  float64
	burst float64

	mu   sync.Mutex
	keys map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newBuckets(perMinute, burst int) *buckets {
	return &buckets{rate: float64(perMinute) / 60, burst: float64(burst), keys: map[string]*bucket{}}
}

// take takes one token for key; when none is left it says how long until
// one is.
func (b *buckets) take(key string, now time.Time) (bool, time.Duration) {
	if b.rate <= 0 {
		return true, 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	k := b.keys[key]
	if k == nil {
		k = &bucket{tokens: b.burst, last: now}
		b.keys[key] = k
	}
	k.tokens = min(b.burst, k.tokens+now.Sub(k.last).Seconds()*b.rate)
	k.last = now
	if k.tokens >= 1 {
		k.tokens--
		return true, 0
	}
	return false, time.Duration((1 - k.tokens) / b.rate * float64(time.Second))
}

// ParseProxies reads trusted proxy addresses and networks (CIDR).
func ParseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, err
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// clientAddr is the address of the client of r. X-Forwarded-For is
// believed only when the connection comes from a trusted proxy, and then
// only up to the first address that is not one (read from the right: the
// addresses before it could be made up by the client).
func clientAddr(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap()
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if !isTrusted(addr) {
		return addr.String()
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		addr = a.Unmap()
		if !isTrusted(addr) {
			break
		}
	}
	return addr.String()
}
