package events

// IDSet remembers request numbers: exactly (a map of the strings) up to
// 65,536, then by their 64-bit hashes in an open-addressing table (8 to
// 16 bytes a number: 10 million take about 160 MB at most). Two different
// numbers share a hash with a probability of about n^2/2^65 (3 in a
// million for 10 million numbers); the second would be taken for a repeat.
type IDSet struct {
	exact map[string]struct{}
	set   idSet
	big   bool
}

// exactLimit is the size from which numbers are kept by hash.
const exactLimit = 1 << 16

// Add records id and reports whether it was new.
func (s *IDSet) Add(id string) bool {
	if !s.big {
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
		for k := range s.exact {
			s.set.add(idHash(k))
		}
		s.exact = nil
	}
	return s.set.add(idHash(id))
}
