package office

import (
	"runtime/debug"
	"testing"
)

// gcPercent reads the collector's target.
func gcPercent() int {
	v := debug.SetGCPercent(100)
	debug.SetGCPercent(v)
	return v
}

// TestHoldGC: holds lower the target until the last is released, each
// release counts once, a lower target stays, and GOGC set by the user
// stands.
func TestHoldGC(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	a, b := holdGC(), holdGC()
	if v := gcPercent(); v != gcTarget {
		t.Fatalf("target %d while held; want %d", v, gcTarget)
	}
	a()
	a()
	if v := gcPercent(); v != gcTarget {
		t.Fatalf("target %d with one hold left (a released twice); want %d", v, gcTarget)
	}
	b()
	if v := gcPercent(); v != 100 {
		t.Fatalf("target %d after both holds; want 100 as before", v)
	}
	debug.SetGCPercent(10)
	c := holdGC()
	if v := gcPercent(); v != 10 {
		t.Fatalf("target %d held from 10; want 10 kept", v)
	}
	c()
	debug.SetGCPercent(100)
	t.Setenv("GOGC", "100")
	d := holdGC()
	if v := gcPercent(); v != 100 {
		t.Fatalf("target %d with GOGC set; want the user's 100", v)
	}
	d()
}
