package measures

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/budgetlens/budgetlens/internal/hugemem"
)

// MarkRepeats sets or clears FlagRepeat on the requests of parts (in
// ascending month order, consecutive months): a request repeats when an
// earlier request of the same canonical type (canon maps dictionary type
// ids to it) at the same place (PlaceKey, known) was made at most window
// seconds before it; of two made in the same second, the one with the
// larger Seq repeats the other. Requests of the months before from are
// read for their place and time only (the look-back: give the partitions
// of at least the window before from) and keep their flags. It returns the
// months whose flags changed.
//
// Each request becomes a record (place, type and time, its position);
// the records are spread over buckets by a hash of (type, place), each
// bucket sorted on its own (small enough to stay in cache, on every core),
// and each record compared with the one before it. Sorting reads memory
// in order: the table of the last time at each place this replaced read
// it at random, and on a virtual machine a miss of the address cache
// (TLB) costs more than the work (bench/RESULTS.md).
func MarkRepeats(parts []*Partition, from Month, window int64, canon []uint32) []Month {
	// requests of the look-back made more than the window before from
	// cannot make one from on a repeat
	since := from.Start() - window
	// the rows taken from each partition, and where its records start
	rows := make([][]uint32, len(parts))
	cleared := make([]bool, len(parts))
	eachPart(len(parts), func(k int) {
		p := parts[k]
		take := make([]uint32, 0, p.Len())
		for i := range p.Seq {
			if p.Month < from && p.Created[i] < since {
				continue
			}
			if p.Place[i] == 0 {
				// no place: never a repeat
				if p.Month >= from && p.Flags[i]&FlagRepeat != 0 {
					p.Flags[i] ^= FlagRepeat
					cleared[k] = true
				}
				continue
			}
			take = append(take, uint32(i))
		}
		rows[k] = take
	})
	start := make([]int, len(parts)+1)
	for k := range parts {
		start[k+1] = start[k] + len(rows[k])
	}
	n := start[len(parts)]
	base := since
	for _, p := range parts {
		if len(p.Created) > 0 {
			base = min(base, p.Month.Start())
		}
	}
	bits := 0
	for (n>>bits) > 1024 && bits < 20 {
		bits++
	}
	buckets := 1 << bits
	bucketOf := func(place uint64, c uint32) int {
		if bits == 0 {
			return 0
		}
		return int(mix64(place^uint64(c)*0x9e3779b97f4a7c15) >> (64 - bits))
	}
	typeOf := func(p *Partition, i uint32) uint32 {
		c := uint32(p.Type[i])
		if int(p.Type[i]) < len(canon) {
			c = canon[p.Type[i]]
		}
		return c
	}
	// count per partition and bucket, then place each record at its
	// bucket's next free position (partition by partition, so that the
	// positions do not depend on the order the cores ran in)
	counts := make([][]uint32, len(parts))
	eachPart(len(parts), func(k int) {
		p := parts[k]
		c := make([]uint32, buckets)
		for _, i := range rows[k] {
			c[bucketOf(p.Place[i], typeOf(p, i))]++
		}
		counts[k] = c
	})
	bstart := make([]int, buckets+1)
	at := make([][]int, len(parts))
	for k := range parts {
		at[k] = make([]int, buckets)
	}
	pos := 0
	for b := 0; b < buckets; b++ {
		bstart[b] = pos
		for k := range parts {
			at[k][b] = pos
			pos += int(counts[k][b])
		}
	}
	bstart[buckets] = pos
	recs := hugemem.Make[repeatRec](n)
	eachPart(len(parts), func(k int) {
		p := parts[k]
		next := at[k]
		for j, i := range rows[k] {
			c := typeOf(p, i)
			b := bucketOf(p.Place[i], c)
			recs[next[b]] = repeatRec{place: p.Place[i], tc: uint64(c)<<32 | uint64(p.Created[i]-base), ref: uint32(start[k] + j)}
			next[b]++
		}
	})
	// sort each bucket and compare each record with the one before it;
	// rep[ref] is the finding
	rep := make([]bool, n)
	eachPart(buckets, func(b int) {
		bk := recs[bstart[b]:bstart[b+1]]
		slices.SortFunc(bk, func(x, y repeatRec) int {
			switch {
			case x.place != y.place:
				return cmpU64(x.place, y.place)
			case x.tc != y.tc:
				return cmpU64(x.tc, y.tc)
			default:
				return cmpU64(uint64(x.ref), uint64(y.ref))
			}
		})
		for j := 1; j < len(bk); j++ {
			x, y := &bk[j-1], &bk[j]
			if x.place == y.place && x.tc>>32 == y.tc>>32 && int64(uint32(y.tc))-int64(uint32(x.tc)) <= window {
				rep[y.ref] = true
			}
		}
	})
	var changed []Month
	dirty := make([]bool, len(parts))
	eachPart(len(parts), func(k int) {
		p := parts[k]
		if p.Month < from {
			return
		}
		for j, i := range rows[k] {
			if was := p.Flags[i]&FlagRepeat != 0; was != rep[start[k]+j] {
				p.Flags[i] ^= FlagRepeat
				dirty[k] = true
			}
		}
	})
	for k, p := range parts {
		if dirty[k] || cleared[k] {
			changed = append(changed, p.Month)
		}
	}
	return changed
}

// repeatRec is a request in MarkRepeats: its place, its canonical type
// (high 32 bits of tc) and time (seconds since the first month's start,
// low 32 bits), and its position among the requests taken.
type repeatRec struct {
	place uint64
	tc    uint64
	ref   uint32
}

func cmpU64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// eachPart calls fn(0..n-1) on GOMAXPROCS goroutines.
func eachPart(n int, fn func(k int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int(next.Add(1) - 1); k < n; k = int(next.Add(1) - 1) {
				fn(k)
			}
		}()
	}
	wg.Wait()
}

// mix64 spreads the bits of a hash (splitmix64's finaliser).
func mix64(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// Canon maps the dictionary's type ids to canonical type numbers: ids
// naming the same canonical type (an alias) share a number.
func Canon(d *Dictionary, s *Services) []uint32 {
	out := make([]uint32, len(d.Names[NameType]))
	at := map[string]uint32{}
	for id, n := range d.Names[NameType] {
		c := s.Canonical(n)
		k, ok := at[c]
		if !ok {
			k = uint32(len(at))
			at[c] = k
		}
		out[id] = k
	}
	return out
}
