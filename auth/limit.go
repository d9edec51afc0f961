package auth

import (
	"sync"
	"time"
)

// Limiter bounds failed logins: at most Max failures per key (a user name,
// and separately a client address) within Window; while a key is over the
// limit every attempt is refused without checking the password, until the
// window since its oldest counted failure has passed. A success clears the
// key's failures. The zero value is not usable: call NewLimiter.
type Limiter struct {
	Max    int
	Window time.Duration
	now    func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time
}

// NewLimiter returns a limiter of max failures per window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{Max: max, Window: window, now: time.Now, failures: map[string][]time.Time{}}
}

// Allow reports whether key may try now and, when not, how long until it may.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.prune(key)
	if len(f) < l.Max {
		return true, 0
	}
	return false, f[0].Add(l.Window).Sub(l.now())
}

// Fail counts a failed attempt of key.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures[key] = append(l.prune(key), l.now())
	if len(l.failures) > 100000 { // bound memory under a spray of names
		for k := range l.failures {
			if len(l.prune(k)) == 0 {
				delete(l.failures, k)
			}
		}
	}
}

// Succeed clears key's failures.
func (l *Limiter) Succeed(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

func (l *Limiter) prune(key string) []time.Time {
	f := l.failures[key]
	cut := l.now().Add(-l.Window)
	i := 0
	for i < len(f) && !f[i].After(cut) {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(l.failures, key)
	} else {
		l.failures[key] = f
	}
	return f
}
