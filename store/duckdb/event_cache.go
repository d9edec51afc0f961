package duckdb

import (
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/budgetlens/budgetlens/measures"
)

// eventCache keeps months of requests and their summaries decoded, as this
// store committed or read them, so that measures computed after an import
// in the same process (the server, a script, the bench) do not read back
// and decode what was just written: for the ten million requests of four
// years that read took most of the measures' time (docs/measures.md,
// "Speed"), and for a day's import the month it touched is read twice.
//
// It is exact, not a guess. While a store is open for writing DuckDB keeps
// every other process out of the file (and open read-only, every writer).
// In this process every Store opened on one file shares one cache (DuckDB
// shares the database too) and every write of the months goes through an
// eventTx, whose Commit puts what it wrote here; a rollback leaves the
// cache as it was. Partitions handed out are shared: callers do not modify
// them (store.EventStore says so).
//
// A Store reads through the cache only once CacheEvents was called (the
// command line does, for every command); tests of the store read the file.
// The partitions kept are bounded by the largest bound given (columns'
// bytes); the summaries (about 90 KB a month) are all kept once read.
type eventCache struct {
	mu    sync.Mutex
	limit int64 // 0: nothing is kept
	refs  int   // the Stores open on the file
	parts map[measures.Month]*measures.Partition
	bytes int64
	// sums holds every stored month's summary when sumsAll is set (they
	// were read whole once, and every commit since put its months).
	sums    map[measures.Month]*measures.Summary
	sumsAll bool
	// gen counts the commits and resets: what a reader read from the
	// store is kept only if none came between its start and its end (it
	// may have read the months as they were before)
	gen uint64
	// times are EventStats' First, Last and AsOf once read, kept by each
	// commit while they can be
	times eventTimes
}

// eventTimes are the stored requests' earliest and latest creation and
// latest time of any kind (store.EventStats' First, Last, AsOf; zero: no
// request). DuckDB answers them from its statistics on a file as opened
// (3 ms for ten million requests), but reads every row once the table
// changed in the process (120-200 ms each, the first time): measures ask
// for AsOf after every import.
type eventTimes struct {
	first, last, asOf time.Time
	ok                bool
}

// txTimes are the times of the rows a transaction wrote, and of the
// versions its updates replaced.
type txTimes struct {
	newFirst, newLast, newAsOf time.Time
	oldFirst, oldLast, oldAsOf time.Time
}

// earlier and later compare times, zero meaning none.
func earlier(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// add takes a row's times into the new (or, old, the replaced) ones.
func (t *txTimes) add(created, closed time.Time, old bool) {
	first, last, asOf := &t.newFirst, &t.newLast, &t.newAsOf
	if old {
		first, last, asOf = &t.oldFirst, &t.oldLast, &t.oldAsOf
	}
	*first, *last = earlier(*first, created), later(*last, created)
	*asOf = later(later(*asOf, created), closed)
}

// follow moves kept times past a commit that wrote tt: a replaced version
// that may have held one of them (as early or as late) makes it unknown,
// else the rows written can only move it.
func (c *eventTimes) follow(tt txTimes) {
	if !c.ok {
		return
	}
	if !tt.oldFirst.IsZero() && !tt.oldFirst.After(c.first) || !tt.oldLast.IsZero() && !tt.oldLast.Before(c.last) ||
		!tt.oldAsOf.IsZero() && !tt.oldAsOf.Before(c.asOf) {
		*c = eventTimes{}
		return
	}
	c.first, c.last, c.asOf = earlier(c.first, tt.newFirst), later(c.last, tt.newLast), later(c.asOf, tt.newAsOf)
}

// storedTimes returns the kept times, if known.
func (c *eventCache) storedTimes() (eventTimes, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.times, c.times.ok && c.limit > 0
}

// keepTimes keeps times read since generation gen.
func (c *eventCache) keepTimes(gen uint64, t eventTimes) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen && c.limit > 0 {
		t.ok = true
		c.times = t
	}
}

// generation is the count of commits and resets so far.
func (c *eventCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// DefaultEventCache is the bound the command line gives CacheEvents: 1
// GiB of columns, about 19 million requests placed in three layers.
const DefaultEventCache = 1 << 30

// caches are the event caches of the files open in this process, by path.
var caches = struct {
	sync.Mutex
	m map[string]*eventCache
}{m: map[string]*eventCache{}}

// openCache returns the cache of the file at path (a new one for an
// in-memory store, which nothing shares).
func openCache(path string) *eventCache {
	if path == "" || path == ":memory:" {
		return &eventCache{refs: 1}
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	caches.Lock()
	defer caches.Unlock()
	c := caches.m[path]
	if c == nil {
		c = &eventCache{}
		caches.m[path] = c
	}
	c.mu.Lock()
	c.refs++
	c.mu.Unlock()
	return c
}

// closeCache lets go of the cache of the file at path.
func closeCache(path string, c *eventCache) {
	caches.Lock()
	defer caches.Unlock()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refs--
	if c.refs > 0 {
		return
	}
	for p, x := range caches.m {
		if x == c {
			delete(caches.m, p)
		}
	}
	c.parts, c.bytes, c.sums, c.sumsAll = nil, 0, nil, false
}

// enable makes the cache keep up to limit bytes of columns (the largest
// bound any Store gave).
func (c *eventCache) enable(limit int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.limit = max(c.limit, limit)
}

// partBytes is the size of a partition's columns.
func partBytes(p *measures.Partition) int64 {
	return int64(p.Len()) * int64(41+5*len(p.Layers))
}

// partitions returns the kept partitions of the months asked for (in
// order, nil where none is kept).
func (c *eventCache) partitions(months []measures.Month) []*measures.Partition {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*measures.Partition, len(months))
	for k, m := range months {
		out[k] = c.parts[m]
	}
	return out
}

// keep adds partitions read from the store since generation gen, as far
// as the bound allows.
func (c *eventCache) keep(gen uint64, ps []*measures.Partition) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	for _, p := range ps {
		if _, ok := c.parts[p.Month]; ok {
			continue
		}
		if b := partBytes(p); c.bytes+b <= c.limit {
			if c.parts == nil {
				c.parts = map[measures.Month]*measures.Partition{}
			}
			c.parts[p.Month], c.bytes = p, c.bytes+b
		}
	}
}

// summaries returns every stored month's summary up to to (0: all), in
// month order, and whether the cache holds them all.
func (c *eventCache) summaries(to measures.Month) ([]*measures.Summary, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.sumsAll {
		return nil, false
	}
	out := make([]*measures.Summary, 0, len(c.sums))
	for m, s := range c.sums {
		if to == 0 || m <= to {
			out = append(out, s)
		}
	}
	sortSummaries(out)
	return out, true
}

// keepSummaries keeps every stored month's summary, read whole since
// generation gen.
func (c *eventCache) keepSummaries(gen uint64, all []*measures.Summary) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || c.limit == 0 {
		return
	}
	c.sums = make(map[measures.Month]*measures.Summary, len(all))
	for _, s := range all {
		c.sums[s.Month] = s
	}
	c.sumsAll = true
}

// written is what one transaction wrote of a month: its partition and
// summary as they now are (an empty partition: the month was emptied).
type written struct {
	p *measures.Partition
	s *measures.Summary
}

// reset empties the cache.
func (c *eventCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.parts, c.bytes, c.sums, c.sumsAll, c.times = nil, 0, nil, false, eventTimes{}
	c.gen++
}

// commit puts a committed transaction's months in the cache, replacing
// what was kept of them, and moves the kept times past its rows.
func (c *eventCache) commit(ws map[measures.Month]written, tt txTimes) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.times.follow(tt)
	for m, w := range ws {
		if old, ok := c.parts[m]; ok {
			c.bytes -= partBytes(old)
			delete(c.parts, m)
		}
		if c.sumsAll {
			delete(c.sums, m)
		}
		if w.p.Len() == 0 {
			continue
		}
		if c.sumsAll && c.limit > 0 {
			c.sums[m] = w.s
		}
		if b := partBytes(w.p); c.bytes+b <= c.limit {
			if c.parts == nil {
				c.parts = map[measures.Month]*measures.Partition{}
			}
			c.parts[m], c.bytes = w.p, c.bytes+b
		}
	}
}

func sortSummaries(ss []*measures.Summary) {
	slices.SortFunc(ss, func(a, b *measures.Summary) int { return int(a.Month) - int(b.Month) })
}
