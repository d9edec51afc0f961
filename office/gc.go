package office

import (
	"os"
	"runtime/debug"
	"sync"
)

// largeImport is the number of rows (by the file's size) from which an
// events import holds the collector's target low (holdGC).
const largeImport = 1_000_000

// gcTarget is the collector's target (GOGC, percent of the live heap)
// while a large import runs: see holdGC.
const gcTarget = 25

// gcHold counts the holders of the lower target and keeps the target
// they replaced.
var gcHold struct {
	sync.Mutex
	n   int
	was int
}

// holdGC lowers the garbage collector's target to gcTarget until the
// returned function is called (each hold once; the last restores the
// target there was). Unless GOGC is set: then the user's choice stands.
//
// Why: a large import's heap is mostly months' columns of numbers, which
// the collector does not scan, so a collection costs little (20-60 ms of
// CPU for ten million requests), while the default target lets the heap
// grow to twice what is live before one. On a virtual machine where a
// page's first write costs microseconds, that headroom is time as well
// as memory: ten million requests imported and measured took 27.6 s and
// 2,106 MB with the default, 23.7 s and 1,712 MB with 25
// (bench/RESULTS.md, 2026-12-05 11:45-12:40). Not for the whole program: the
// demo, whose heap is pointers, took 20-40% more CPU with 25.
func holdGC() (release func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	gcHold.Lock()
	defer gcHold.Unlock()
	if gcHold.n == 0 {
		gcHold.was = debug.SetGCPercent(gcTarget)
		if gcHold.was < gcTarget { // off (-1) or lower already
			debug.SetGCPercent(gcHold.was)
		}
	}
	gcHold.n++
	return sync.OnceFunc(func() {
		gcHold.Lock()
		defer gcHold.Unlock()
		if gcHold.n--; gcHold.n == 0 {
			debug.SetGCPercent(gcHold.was)
		}
	})
}
