package measures

import "slices"

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
// Requests are visited in order of creation, month by month, keeping the
// last time seen at each (type, place) and forgetting those older than the
// window, so memory grows with the requests of one window, not with all.
func MarkRepeats(parts []*Partition, from Month, window int64, canon []uint32) []Month {
	type k struct {
		typ   uint32
		place uint64
	}
	last := map[k]int64{}
	var changed []Month
	var order []int
	swept := int64(0)
	for _, p := range parts {
		order = order[:0]
		for i := range p.Seq {
			order = append(order, i)
		}
		slices.SortFunc(order, func(a, b int) int {
			switch {
			case p.Created[a] != p.Created[b]:
				if p.Created[a] < p.Created[b] {
					return -1
				}
				return 1
			case p.Seq[a] < p.Seq[b]:
				return -1
			case p.Seq[a] > p.Seq[b]:
				return 1
			}
			return 0
		})
		dirty := false
		for _, i := range order {
			rep := false
			if p.Place[i] != 0 {
				c := uint32(p.Type[i])
				if int(p.Type[i]) < len(canon) {
					c = canon[p.Type[i]]
				}
				key := k{c, p.Place[i]}
				prev, ok := last[key]
				rep = ok && p.Created[i]-prev <= window
				last[key] = p.Created[i]
			}
			if p.Month < from {
				continue
			}
			if was := p.Flags[i]&FlagRepeat != 0; was != rep {
				p.Flags[i] ^= FlagRepeat
				dirty = true
			}
		}
		if dirty {
			changed = append(changed, p.Month)
		}
		if end := p.Month.End(); end-swept > window {
			for key, t := range last {
				if end-t > window {
					delete(last, key)
				}
			}
			swept = end
		}
	}
	return changed
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
