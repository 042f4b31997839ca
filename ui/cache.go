package ui

import (
	lru "container/list"

	"github.com/s3share/s3share/s3model"
)

// defaultCacheMB is the memory budget of the listings kept for going
// back when the config file's [ui] cache_mb sets none: about two and a
// half million-key prefixes.
const defaultCacheMB = 256

// listingCache keeps the complete listings seen this session within a
// byte budget, evicting the least recently used. The listing just put is
// never evicted, even when it alone is over the budget: it is the one on
// screen. A location evicted is listed again when it is opened.
type listingCache struct {
	budget int64
	used   int64
	byLoc  map[Location]*lru.Element
	lru    *lru.List // of *cachedListing, the most recently used first
}

type cachedListing struct {
	loc  Location
	l    *s3model.Listing
	size int64
}

func newListingCache(budget int64) *listingCache {
	return &listingCache{budget: budget, byLoc: map[Location]*lru.Element{}, lru: lru.New()}
}

// get returns the listing of loc, marking it used.
func (c *listingCache) get(loc Location) (*s3model.Listing, bool) {
	e, ok := c.byLoc[loc]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*cachedListing).l, true
}

// peek returns the listing of loc without marking it used.
func (c *listingCache) peek(loc Location) (*s3model.Listing, bool) {
	e, ok := c.byLoc[loc]
	if !ok {
		return nil, false
	}
	return e.Value.(*cachedListing).l, true
}

// put keeps l as the listing of loc, then evicts the least recently used
// others until the cache is within its budget.
func (c *listingCache) put(loc Location, l *s3model.Listing) {
	c.remove(loc)
	cl := &cachedListing{loc: loc, l: l, size: l.Bytes()}
	c.byLoc[loc] = c.lru.PushFront(cl)
	c.used += cl.size
	for c.used > c.budget {
		last := c.lru.Back()
		if last == nil || last.Value.(*cachedListing).loc == loc {
			break
		}
		c.remove(last.Value.(*cachedListing).loc)
	}
}

// remove forgets the listing of loc.
func (c *listingCache) remove(loc Location) {
	if e, ok := c.byLoc[loc]; ok {
		c.used -= e.Value.(*cachedListing).size
		c.lru.Remove(e)
		delete(c.byLoc, loc)
	}
}

// len is how many listings are kept.
func (c *listingCache) len() int { return len(c.byLoc) }

// cacheBudget is the session's listing cache budget in bytes.
func cacheBudget(s *session) int64 {
	mb := defaultCacheMB
	if s.prefs.CacheSet {
		mb = s.prefs.CacheMB
	}
	return int64(mb) << 20
}
