package office

import (
	"sync/atomic"
	"testing"
)

// TestAhead: every result is fn's for its k, whatever order the
// workers finish in; stop ends the workers before the rest is computed.
func TestAhead(t *testing.T) {
	const n = 200
	var calls atomic.Int64
	a := aheadEach(n, func(k int) int {
		calls.Add(1)
		return k * k
	})
	for k := 0; k < n; k++ {
		if got := a.get(k); got != k*k {
			t.Fatalf("get(%d) = %d, want %d", k, got, k*k)
		}
	}
	a.stop()
	if calls.Load() != n {
		t.Fatalf("%d calls, want %d", calls.Load(), n)
	}

	// stopped after the first result: the workers do not go on to the
	// thousands after
	block := make(chan struct{})
	calls.Store(0)
	b := aheadEach(10_000, func(k int) int {
		calls.Add(1)
		if k > 0 {
			<-block
		}
		return k
	})
	if b.get(0) != 0 {
		t.Fatal("get(0) is not 0")
	}
	b.quit.Store(true) // as stop does first: then the workers may go on
	close(block)
	b.stop()
	if c := calls.Load(); c > 10 {
		t.Fatalf("%d calls after stop, want no more than one a worker past the first", c)
	}
}
