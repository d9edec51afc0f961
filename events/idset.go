package events

import (
	"slices"
	"strconv"

	"github.com/budgetlens/budgetlens/internal/hugemem"
)

// IDSet remembers request numbers.
//
// A number that ends in digits (LA's "1-870704814", "SYN-00000001") is
// first kept in a run: the numbers of its prefix in ascending order. A
// file in creation order (the portal's exports: LA's numbers follow
// creation time) brings each prefix's numbers rising, and a number above
// its run's last is new and goes at its end: no look-up, 8 bytes a number,
// memory written in order. A number at or below its run's last is looked
// for there (binary search) and, when absent, kept in the set below with
// the numbers that do not end in digits. A run that gets more such late
// numbers than a quarter of its own is moved into that set and closed (a
// file in no order).
//
// The set keeps numbers exactly (a map of the strings) up to 65,536, then
// by their 64-bit hashes in open-addressing tables (8 to 16 bytes a
// number). Two different numbers share a hash with a probability of about
// n^2/2^65 (3 in a million for 10 million numbers); the second would be
// taken for a repeat. Hashes are kept in 256 tables by their top bits, so
// that the late numbers of a block (AddBlock) are inserted table by table.
type IDSet struct {
	exact  map[string]struct{}
	shards []idSet
	big    bool
	runs   []idRun
	last   int // the run used last
	// hint is the count of numbers expected (Reserve)
	hint int
	// scratch of AddBlock
	late  []int32
	order []int32
	count [shardCount + 1]int32
}

// idRun is the numbers of one prefix seen in ascending order.
type idRun struct {
	prefix string
	width  int // digits when written with leading zeros, else 0
	nums   []int64
	late   int // numbers of the prefix that came at or below the last
	closed bool
}

// exactLimit is the size from which numbers are kept by hash.
const exactLimit = 1 << 16

const shardBits = 8
const shardCount = 1 << shardBits

// maxRuns bounds the prefixes kept in runs (the numbers of others go to
// the set).
const maxRuns = 64

// IDKey is what an IDSet needs of a request number, computed beforehand
// (on the parsing goroutines, say) for AddBlock: its hash (IDHash), the
// number its last digits make (at most 18; -1 when it does not end in a
// digit) and the length of what precedes them.
type IDKey struct {
	Hash uint64
	Num  int64
	Pre  int
}

// KeyOf is id's IDKey.
func KeyOf(id string) IDKey {
	k := IDKey{Hash: idHash(id), Num: -1}
	i := len(id)
	for i > 0 && len(id)-i < 18 && id[i-1] >= '0' && id[i-1] <= '9' {
		i--
	}
	if i == len(id) {
		return k
	}
	n, err := strconv.ParseInt(id[i:], 10, 64)
	if err != nil {
		return k
	}
	k.Num, k.Pre = n, i
	return k
}

// IDHash is the hash an IDSet keeps of a request number (FNV-1a, 64
// bits).
func IDHash(id string) uint64 { return idHash(id) }

func shardOf(h uint64) int { return int(mix(h) >> (64 - shardBits)) }

// Add records id and reports whether it was new.
func (s *IDSet) Add(id string) bool {
	k := KeyOf(id)
	if isNew, ok := s.addRun(id, k); ok {
		return isNew
	}
	return s.addSet(id, k.Hash)
}

// addRun looks id up in its prefix's run: ok is false when the set must
// (a number not ending in digits, below its run's last and not in it, or
// of a closed run or of a prefix past maxRuns).
func (s *IDSet) addRun(id string, k IDKey) (isNew, ok bool) {
	if k.Num < 0 {
		return false, false
	}
	r := s.run(id, k.Pre)
	if r == nil || r.closed {
		return false, false
	}
	if n := len(r.nums); n == 0 || k.Num > r.nums[n-1] {
		if r.nums == nil && s.hint > 0 && len(s.runs) == 1 {
			// the first prefix is likely the file's only one
			r.nums = hugemem.Make[int64](s.hint)[:0]
		}
		r.nums = append(r.nums, k.Num)
		return true, true
	}
	if _, found := slices.BinarySearch(r.nums, k.Num); found {
		return false, true
	}
	r.late++
	return false, false
}

// run returns the run of id's prefix (pre bytes long), made when new; nil
// past maxRuns.
func (s *IDSet) run(id string, pre int) *idRun {
	prefix, width := id[:pre], 0
	if id[pre] == '0' {
		width = len(id) - pre
	}
	if s.last < len(s.runs) {
		if r := &s.runs[s.last]; r.prefix == prefix && r.width == width {
			return r
		}
	}
	for k := range s.runs {
		if r := &s.runs[k]; r.prefix == prefix && r.width == width {
			s.last = k
			return r
		}
	}
	if len(s.runs) >= maxRuns {
		return nil
	}
	s.runs = append(s.runs, idRun{prefix: prefix, width: width})
	s.last = len(s.runs) - 1
	return &s.runs[s.last]
}

// closeRuns moves the runs with too many late numbers into the set.
func (s *IDSet) closeRuns() {
	for k := range s.runs {
		r := &s.runs[k]
		if r.closed || r.late < exactLimit || 4*r.late < len(r.nums) {
			continue
		}
		if s.hint > 0 {
			s.Reserve(s.hint)
		}
		for _, n := range r.nums {
			d := strconv.FormatInt(n, 10)
			for len(d) < r.width {
				d = "0" + d
			}
			id := r.prefix + d
			s.addSet(id, idHash(id))
		}
		r.nums, r.closed = nil, true
	}
}

// addSet records id (of hash h) in the set.
func (s *IDSet) addSet(id string, h uint64) bool {
	if !s.big && !s.addExact(id) {
		return false
	} else if !s.big {
		return true
	}
	return s.shards[shardOf(h)].add(h)
}

// addExact is addSet while numbers are kept exactly; once the limit is
// reached it moves them to the hash tables (s.big) and reports true
// without recording id, for the caller to add it by hash.
func (s *IDSet) addExact(id string) bool {
	if s.exact == nil {
		s.exact = map[string]struct{}{}
	}
	if _, ok := s.exact[id]; ok {
		return false
	}
	if len(s.exact) < exactLimit {
		s.exact[id] = struct{}{}
		return true
	}
	s.big = true
	s.shards = make([]idSet, shardCount)
	for k := range s.exact {
		h := idHash(k)
		s.shards[shardOf(h)].add(h)
	}
	s.exact = nil
	return true
}

// Reserve says about n numbers are coming (an estimate: more are still
// taken). The first run is given room for them; a set that keeps numbers
// by hash is sized for them at once, so that its tables do not grow,
// copying, as they fill (once the set is large, or a run is closed into
// it: Reserve is then called again).
func (s *IDSet) Reserve(n int) {
	s.hint = n
	if n <= exactLimit || !s.big && len(s.exact) < exactLimit && s.openRuns() {
		return
	}
	size := 1024
	for 7*size < 10*(n/shardCount+1) {
		size *= 2
	}
	if s.big && len(s.shards[0].slots) >= size {
		return
	}
	old := s.shards
	s.shards = make([]idSet, shardCount)
	// one block for every table (hugemem: the kernel may map it in huge
	// pages, where tables of their own would each take thousands of
	// small ones, and each look-up a miss of the address cache)
	block := hugemem.Make[uint64](shardCount * size)
	for k := range s.shards {
		s.shards[k].slots = block[k*size : (k+1)*size : (k+1)*size]
	}
	for _, t := range old {
		for _, h := range t.slots {
			if h != 0 {
				s.shards[shardOf(h)].add(h)
			}
		}
	}
	for k := range s.exact {
		h := idHash(k)
		s.shards[shardOf(h)].add(h)
	}
	s.exact, s.big = nil, true
}

// openRuns reports whether numbers may still go to runs (no run closed).
func (s *IDSet) openRuns() bool {
	for k := range s.runs {
		if s.runs[k].closed {
			return false
		}
	}
	return true
}

// AddBlock records ids (with their keys, KeyOf, in file order) and sets
// fresh[i] to whether ids[i] was new: the same as Add on each in turn.
func (s *IDSet) AddBlock(ids []string, keys []IDKey, fresh []bool) {
	// numbers in order are settled in their runs; the others are added
	// to the set after, in file order (a run only grows by numbers above
	// its last, which none of them is, so the order of the two is free)
	late := s.late[:0]
	for i, id := range ids {
		if isNew, ok := s.addRun(id, keys[i]); ok {
			fresh[i] = isNew
			continue
		}
		late = append(late, int32(i))
	}
	s.late = late
	k := 0
	for ; k < len(late) && !s.big; k++ {
		i := late[k]
		fresh[i] = s.addSet(ids[i], keys[i].Hash)
	}
	if k < len(late) {
		s.addHashed(late[k:], keys, fresh)
	}
	s.closeRuns()
}

// addHashed adds the numbers at positions pos (ascending) by hash, table
// by table: a counting sort of the positions by table (stable, so within
// a table they go in in file order).
func (s *IDSet) addHashed(pos []int32, keys []IDKey, fresh []bool) {
	clear(s.count[:])
	for _, i := range pos {
		s.count[shardOf(keys[i].Hash)+1]++
	}
	for k := 1; k <= shardCount; k++ {
		s.count[k] += s.count[k-1]
	}
	if cap(s.order) < len(pos) {
		s.order = make([]int32, len(pos))
	}
	order := s.order[:len(pos)]
	for _, i := range pos {
		k := shardOf(keys[i].Hash)
		order[s.count[k]] = i
		s.count[k]++
	}
	for _, i := range order {
		h := keys[i].Hash
		fresh[i] = s.shards[shardOf(h)].add(h)
	}
}
