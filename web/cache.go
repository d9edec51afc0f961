package web

import (
	"context"
	"strconv"
	"sync"

	"github.com/budgetlens/budgetlens/office"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/embargo"
)

// cache keeps computed values (analyses, explorations, simplified layers)
// by key. Keys of values read through the public view include the released
// set's version, so a release or hold makes them unreachable at once, and
// every key includes the store's version (scopeOf), so that a change made
// by anyone does too. Two
// requests for a missing key compute it once; an error is not kept.
type cache struct {
	mu      sync.Mutex
	entries map[string]*entry
}

type entry struct {
	done chan struct{}
	val  any
	err  error
}

const cacheMax = 512

func newCache() *cache { return &cache{entries: map[string]*entry{}} }

func (c *cache) get(ctx context.Context, key string, compute func() (any, error)) (any, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		if len(c.entries) >= cacheMax {
			for k := range c.entries { // drop an arbitrary half
				delete(c.entries, k)
				if len(c.entries) < cacheMax/2 {
					break
				}
			}
		}
		e = &entry{done: make(chan struct{})}
		c.entries[key] = e
		c.mu.Unlock()
		e.val, e.err = compute()
		if e.err != nil {
			c.mu.Lock()
			delete(c.entries, key)
			c.mu.Unlock()
		}
		close(e.done)
		return e.val, e.err
	}
	c.mu.Unlock()
	select {
	case <-e.done:
		return e.val, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// scopeOf is the cache-key prefix of what an office reads: "all" for the
// whole store, else "pub:" and the released set's version; then, when the
// store has one (store.Versioner), its version, so that nothing kept is
// served after anyone changed the store (on PostgreSQL other processes
// import, release and hold while the server runs).
func scopeOf(ctx context.Context, o *office.Office) (string, error) {
	scope := "all"
	if e, ok := o.Store.(*embargo.Store); ok {
		v, err := e.Version(ctx)
		if err != nil {
			return "", err
		}
		scope = "pub:" + v
	} else {
		// the whole store: answers show the review's state (the requests'
		// assessment status), which changes with every audited change
		n, err := o.Store.AuditClaimed(ctx)
		if err != nil {
			return "", err
		}
		scope = "all:" + strconv.FormatInt(n, 10)
	}
	if sv, ok := o.Store.(store.Versioner); ok {
		v, err := sv.StoreVersion(ctx)
		if err != nil {
			return "", err
		}
		scope += "@" + v
	}
	return scope, nil
}
