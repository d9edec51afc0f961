package measures

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
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
// Requests are visited in order of creation, month by month (a sort of
// packed creation offsets and row numbers: rows are in Seq order, so ties
// keep Seq order), keeping the last time seen at each (type, place) in an
// open-addressing table whose entries older than the window count as
// free, so memory grows with the requests of one window, not with all.
func MarkRepeats(parts []*Partition, from Month, window int64, canon []uint32) []Month {
	// requests of the look-back made more than the window before from
	// cannot make one from on a repeat
	since := from.Start() - window
	orders := make([][]uint64, len(parts))
	most := 0
	for k := range parts {
		most = max(most, parts[k].Len())
	}
	eachPart(len(parts), func(k int) {
		p := parts[k]
		start := p.Month.Start()
		order := make([]uint64, 0, p.Len())
		for i := range p.Seq {
			if p.Month < from && p.Created[i] < since {
				continue
			}
			order = append(order, uint64(p.Created[i]-start)<<32|uint64(i))
		}
		slices.Sort(order)
		orders[k] = order
	})
	// the (type, place) keys are split among the workers by hash: each
	// visits every request in order and keeps the places of its share, in
	// a table sized for its share of a month (about a window's worth) at
	// most 35% full, so that it rarely grows
	workers := max(1, min(runtime.GOMAXPROCS(0), 4))
	dirty := make([][]bool, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			size := 1 << 10
			for 10*most/workers > 35*size/10 && size < 1<<24 {
				size *= 2
			}
			last := newLastSeen(size)
			dirty[w] = make([]bool, len(parts))
			for k, p := range parts {
				for _, o := range orders[k] {
					i := int(uint32(o))
					if p.Place[i] == 0 { // no place: never a repeat (worker 0's)
						if w == 0 && p.Month >= from && p.Flags[i]&FlagRepeat != 0 {
							p.Flags[i] ^= FlagRepeat
							dirty[w][k] = true
						}
						continue
					}
					c := uint32(p.Type[i])
					if int(p.Type[i]) < len(canon) {
						c = canon[p.Type[i]]
					}
					h := mix64(p.Place[i] ^ uint64(c)*0x9e3779b97f4a7c15)
					if int(h>>60)%workers != w {
						continue
					}
					rep := last.see(c, p.Place[i], h, p.Created[i], window)
					if p.Month < from {
						continue
					}
					if was := p.Flags[i]&FlagRepeat != 0; was != rep {
						p.Flags[i] ^= FlagRepeat
						dirty[w][k] = true
					}
				}
			}
		}(w)
	}
	wg.Wait()
	var changed []Month
	for k, p := range parts {
		for w := range dirty {
			if dirty[w][k] {
				changed = append(changed, p.Month)
				break
			}
		}
	}
	return changed
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

// lastSeen is the last creation time at each (type, place): linear
// probing over slots whose place is 0 when never used; a slot whose time
// is more than the window before the time being looked up is expired and
// may be taken (times only grow, so it never matters again).
type lastSeen struct {
	slots []seenSlot
	used  int // slots ever taken (expired ones included)
}

type seenSlot struct {
	place uint64
	typ   uint32
	t     int64
}

func newLastSeen(n int) *lastSeen { return &lastSeen{slots: make([]seenSlot, n)} }

// see records a request of type typ at place at time t and reports whether
// one of the same type and place was seen at most window seconds before.
func (s *lastSeen) see(typ uint32, place, hash uint64, t, window int64) bool {
	if 10*(s.used+1) > 7*len(s.slots) {
		s.rebuild(t, window)
	}
	mask := uint64(len(s.slots) - 1)
	free := -1
	for i := hash & mask; ; i = (i + 1) & mask {
		x := &s.slots[i]
		switch {
		case x.place == 0:
			if free < 0 {
				free = int(i)
				s.used++
			}
			s.slots[free] = seenSlot{place: place, typ: typ, t: t}
			return false
		case x.place == place && x.typ == typ:
			rep := t-x.t <= window
			x.t = t
			return rep
		case free < 0 && t-x.t > window:
			free = int(i)
		}
	}
}

// rebuild keeps the entries still within the window of t, in a table at
// most 35% full.
func (s *lastSeen) rebuild(t, window int64) {
	old := s.slots
	live := 0
	for _, x := range old {
		if x.place != 0 && t-x.t <= window {
			live++
		}
	}
	n := 1 << 10
	for 10*(live+1) > 35*n/10 {
		n *= 2
	}
	s.slots, s.used = make([]seenSlot, n), 0
	mask := uint64(n - 1)
	for _, x := range old {
		if x.place == 0 || t-x.t > window {
			continue
		}
		i := mix64(x.place^uint64(x.typ)*0x9e3779b97f4a7c15) & mask
		for s.slots[i].place != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = x
		s.used++
	}
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
