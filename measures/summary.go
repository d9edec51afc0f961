package measures

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// Summary is what the backlog needs of one month's partition without
// reading its events: for each layer (and citywide), per area, request type
// and synthetic flag, how many of the month's requests closed in each later
// month or are still open, with the sum of their creation times. The open
// backlog at the end of any month M is then the sum, over the partitions of
// months up to M, of the entries not closed by the end of M (Backlog).
type Summary struct {
	Month  Month
	Layers []LayerRef
	// Entries[0] are citywide (Area -1); Entries[l+1] are by Layers[l].
	Entries [][]SummaryEntry
}

// SummaryEntry counts requests of one area, type and flag that closed in
// one month (ClosedIn; OpenMonth while open).
type SummaryEntry struct {
	Area      int32
	Type      uint16
	Synthetic bool
	ClosedIn  Month
	Count     int64
	// CreatedSum is the sum of the requests' creation times, in seconds
	// from the start of the summary's month.
	CreatedSum int64
}

// OpenMonth marks entries of requests still open.
const OpenMonth Month = 1<<31 - 1

// Summary computes the partition's summary. Each request's closing month
// is found once; entries are gathered by a packed key (area, type,
// synthetic, closing month after the partition's) per layer.
func (p *Partition) Summary() *Summary {
	s := &Summary{Month: p.Month, Layers: slices.Clone(p.Layers), Entries: make([][]SummaryEntry, len(p.Layers)+1)}
	start := p.Month.Start()
	n := len(p.Seq)
	// low holds type (16 bits), synthetic (1) and the closing month's
	// offset from the partition's + 1 (0: open), 31 bits; closedIn the
	// closing month (found once a request, the last month found reused).
	low := make([]uint64, n)
	closedIn := make([]Month, n)
	cm, cs, ce := Month(0), int64(0), int64(0)
	for i := 0; i < n; i++ {
		k := uint64(p.Type[i])<<32 | uint64(p.Flags[i]&FlagSynthetic)<<31
		closedIn[i] = OpenMonth
		if c := p.Closed[i]; c != 0 {
			if c < cs || c >= ce || ce == 0 {
				cm = MonthOfUnix(c)
				cs, ce = cm.Start(), cm.End()
			}
			closedIn[i] = cm
			k |= uint64(uint32(int32(cm-p.Month)+1)) & (1<<31 - 1)
		}
		low[i] = k
	}
	at := make(map[uint64]int, 1024)
	wide := map[[2]uint64]int{} // for a layer with 65,535 areas or more
	for l := -1; l < len(p.Layers); l++ {
		clear(at)
		clear(wide)
		list := make([]SummaryEntry, 0, 256)
		for i := 0; i < n; i++ {
			area := int32(-1)
			if l >= 0 {
				area = p.Area[l][i]
			}
			var j int
			var ok bool
			if a := uint64(uint32(area + 1)); a < 1<<16 {
				k := a<<48 | low[i]
				if j, ok = at[k]; !ok {
					j = len(list)
					at[k] = j
				}
			} else {
				k := [2]uint64{a, low[i]}
				if j, ok = wide[k]; !ok {
					j = len(list)
					wide[k] = j
				}
			}
			if !ok {
				list = append(list, SummaryEntry{Area: area, Type: p.Type[i], Synthetic: p.Flags[i]&FlagSynthetic != 0, ClosedIn: closedIn[i]})
			}
			list[j].Count++
			list[j].CreatedSum += p.Created[i] - start
		}
		sortEntries(list)
		s.Entries[l+1] = list
	}
	return s
}

// sortEntries orders entries by area, type, synthetic flag and closing
// month.
func sortEntries(list []SummaryEntry) {
	slices.SortFunc(list, func(a, b SummaryEntry) int {
		switch {
		case a.Area != b.Area:
			return int(a.Area) - int(b.Area)
		case a.Type != b.Type:
			return int(a.Type) - int(b.Type)
		case a.Synthetic != b.Synthetic:
			if a.Synthetic {
				return 1
			}
			return -1
		case a.ClosedIn != b.ClosedIn:
			if a.ClosedIn < b.ClosedIn {
				return -1
			}
			return 1
		}
		return 0
	})
}

// LayerIndex is the position of a layer among the summary's, -1 if absent.
func (s *Summary) LayerIndex(name string) int {
	for l, x := range s.Layers {
		if x.Name == name {
			return l
		}
	}
	return -1
}

const summaryMagic = "BLMS\x01"

// Encode writes the summary in its stored form.
func (s *Summary) Encode() []byte {
	b := []byte(summaryMagic)
	b = binary.AppendVarint(b, int64(s.Month))
	b = binary.AppendUvarint(b, uint64(len(s.Layers)))
	for _, l := range s.Layers {
		b = binary.AppendUvarint(b, uint64(len(l.Name)))
		b = append(b, l.Name...)
		b = binary.AppendUvarint(b, uint64(len(l.Hash)))
		b = append(b, l.Hash...)
	}
	for _, list := range s.Entries {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, e := range list {
			b = binary.AppendVarint(b, int64(e.Area))
			b = binary.AppendUvarint(b, uint64(e.Type))
			f := uint64(0)
			if e.Synthetic {
				f = 1
			}
			b = binary.AppendUvarint(b, f)
			b = binary.AppendVarint(b, int64(e.ClosedIn-s.Month))
			b = binary.AppendUvarint(b, uint64(e.Count))
			b = binary.AppendVarint(b, e.CreatedSum)
		}
	}
	return b
}

// DecodeSummary reads an encoded summary.
func DecodeSummary(b []byte) (*Summary, error) {
	if !strings.HasPrefix(string(b), summaryMagic) {
		return nil, budget.Errorf(budget.EINTERNAL, "measures: a stored event summary is not in format 1 (rebuild it with budgetlens events rebuild)")
	}
	d := &decoder{b: b[len(summaryMagic):]}
	s := &Summary{Month: Month(d.varint())}
	nl64 := d.uvarint()
	nl := int(nl64)
	if d.err != nil || nl64 > 1<<10 {
		return nil, budget.Errorf(budget.EINTERNAL, "measures: an event summary is damaged")
	}
	s.Layers = make([]LayerRef, nl)
	for l := range s.Layers {
		s.Layers[l].Name = string(d.bytes(d.length()))
		s.Layers[l].Hash = string(d.bytes(d.length()))
	}
	s.Entries = make([][]SummaryEntry, nl+1)
	for l := range s.Entries {
		n64 := d.uvarint()
		n := int(n64)
		if d.err != nil || n64 > uint64(len(d.b)) {
			return nil, budget.Errorf(budget.EINTERNAL, "measures: event summary %s is damaged", s.Month)
		}
		list := make([]SummaryEntry, n)
		for i := range list {
			e := &list[i]
			e.Area = int32(d.varint())
			e.Type = uint16(d.uvarint())
			e.Synthetic = d.uvarint() == 1
			e.ClosedIn = s.Month + Month(d.varint())
			e.Count = int64(d.uvarint())
			e.CreatedSum = d.varint()
		}
		s.Entries[l] = list
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, budget.Errorf(budget.EINTERNAL, "measures: event summary %s is damaged", s.Month)
	}
	return s, nil
}
