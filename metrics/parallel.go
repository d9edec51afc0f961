package metrics

import (
	"runtime"
	"sync"
)

// chunkSize is the number of replicates (bootstrap draws or permutations)
// that share one random generator. Chunk k uses PCG(seed, k+1), so the
// replicate values depend only on the seed and never on scheduling or on the
// number of CPUs.
const chunkSize = 64

// forChunks calls fn(lo, hi, rng) for every chunk [lo, hi) of [0, total),
// in parallel over GOMAXPROCS workers. fn must only write results indexed by
// replicate number, so that the outcome is deterministic.
func forChunks(total int, seed uint64, fn func(lo, hi int, rng *fastRand)) {
	nChunks := (total + chunkSize - 1) / chunkSize
	workers := runtime.GOMAXPROCS(0)
	if workers > nChunks {
		workers = nChunks
	}
	if workers <= 1 {
		for k := 0; k < nChunks; k++ {
			lo := k * chunkSize
			fn(lo, min(lo+chunkSize, total), newFastRand(seed, k))
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, nChunks)
	for k := 0; k < nChunks; k++ {
		next <- k
	}
	close(next)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				lo := k * chunkSize
				fn(lo, min(lo+chunkSize, total), newFastRand(seed, k))
			}
		}()
	}
	wg.Wait()
}
