package events

import "unicode/utf8"

// idSet is a set of 64-bit hashes of request numbers (open addressing,
// linear probing, at most 70% full): 8 bytes a slot, about 11 bytes per
// request, so a year of MyLA311 (1.5 million requests) takes 17 MB. Two
// different request numbers share a hash with a probability of about
// n^2 / 2^65 (6 in a million for 15 million requests).
type idSet struct {
	slots []uint64
	n     int
}

// add inserts h and reports whether it was new.
func (s *idSet) add(h uint64) bool {
	if h == 0 {
		h = 1 // 0 marks an empty slot
	}
	if 10*(s.n+1) > 7*len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := mix(h) & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			s.n++
			return true
		case h:
			return false
		}
	}
}

func (s *idSet) grow() {
	old := s.slots
	size := max(1024, 2*len(old))
	s.slots, s.n = make([]uint64, size), 0
	for _, h := range old {
		if h != 0 {
			s.add(h)
		}
	}
}

// mix spreads the bits of a hash over the slot index (splitmix64's
// finaliser).
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	return h ^ h>>31
}

// idHash is FNV-1a over a request number.
func idHash(id string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= 1099511628211
	}
	return h
}

func utf8Valid(b []byte) bool { return utf8.Valid(b) }
