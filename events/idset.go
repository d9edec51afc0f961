package events

// IDSet remembers request numbers: exactly (a map of the strings) up to
// 65,536, then by their 64-bit hashes in open-addressing tables (8 to 16
// bytes a number: 10 million take about 160 MB at most). Two different
// numbers share a hash with a probability of about n^2/2^65 (3 in a
// million for 10 million numbers); the second would be taken for a repeat.
//
// Hashes are kept in 256 tables by their top bits, so that a block of
// numbers (AddBlock) is inserted table by table: each table is small
// enough to stay in the processor's cache while its part of the block goes
// in, where one large table would miss the cache on nearly every number.
type IDSet struct {
	exact  map[string]struct{}
	shards []idSet
	big    bool
	// scratch of AddBlock
	order []int32
	count [shardCount + 1]int32
}

// exactLimit is the size from which numbers are kept by hash.
const exactLimit = 1 << 16

const shardBits = 8
const shardCount = 1 << shardBits

// IDHash is the hash an IDSet keeps of a request number (FNV-1a, 64
// bits): computed beforehand (on the parsing goroutines, say) for
// AddBlock.
func IDHash(id string) uint64 { return idHash(id) }

func shardOf(h uint64) int { return int(mix(h) >> (64 - shardBits)) }

// Add records id and reports whether it was new.
func (s *IDSet) Add(id string) bool {
	if !s.big && !s.addExact(id) {
		return false
	} else if !s.big {
		return true
	}
	h := idHash(id)
	return s.shards[shardOf(h)].add(h)
}

// addExact is Add while numbers are kept exactly; once the limit is
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

// Reserve makes room for about n numbers at once (an estimate: more are
// still taken), so that the tables do not grow, copying, as they fill.
// It does nothing for a set already large, or for n under the exact
// limit.
func (s *IDSet) Reserve(n int) {
	if n <= exactLimit || s.big {
		return
	}
	size := 1024
	for 7*size < 10*(n/shardCount+1) {
		size *= 2
	}
	s.shards = make([]idSet, shardCount)
	for k := range s.shards {
		s.shards[k].slots = make([]uint64, size)
	}
	s.big = true
	for k := range s.exact {
		h := idHash(k)
		s.shards[shardOf(h)].add(h)
	}
	s.exact = nil
}

// AddBlock records ids (with their IDHash, in file order) and sets
// fresh[i] to whether ids[i] was new: the same as Add on each in turn.
func (s *IDSet) AddBlock(ids []string, hashes []uint64, fresh []bool) {
	i := 0
	for ; i < len(ids) && !s.big; i++ {
		fresh[i] = s.Add(ids[i])
	}
	if i == len(ids) {
		return
	}
	// the rest by table: a counting sort of their positions by table
	// (stable, so within a table they go in in file order)
	hs := hashes[i:]
	clear(s.count[:])
	for _, h := range hs {
		s.count[shardOf(h)+1]++
	}
	for k := 1; k <= shardCount; k++ {
		s.count[k] += s.count[k-1]
	}
	if cap(s.order) < len(hs) {
		s.order = make([]int32, len(hs))
	}
	order := s.order[:len(hs)]
	for j, h := range hs {
		k := shardOf(h)
		order[s.count[k]] = int32(j)
		s.count[k]++
	}
	for _, j := range order {
		h := hs[j]
		fresh[i+int(j)] = s.shards[shardOf(h)].add(h)
	}
}
