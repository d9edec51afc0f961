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

type summaryKey struct {
	area     int32
	typ      uint16
	synth    bool
	closedIn Month
}

// Summary computes the partition's summary.
func (p *Partition) Summary() *Summary {
	s := &Summary{Month: p.Month, Layers: slices.Clone(p.Layers), Entries: make([][]SummaryEntry, len(p.Layers)+1)}
	start := p.Month.Start()
	for l := -1; l < len(p.Layers); l++ {
		acc := map[summaryKey]*SummaryEntry{}
		for i := range p.Seq {
			k := summaryKey{area: -1, typ: p.Type[i], synth: p.Flags[i]&FlagSynthetic != 0, closedIn: OpenMonth}
			if l >= 0 {
				k.area = p.Area[l][i]
			}
			if p.Closed[i] != 0 {
				k.closedIn = MonthOfUnix(p.Closed[i])
			}
			e := acc[k]
			if e == nil {
				e = &SummaryEntry{Area: k.area, Type: k.typ, Synthetic: k.synth, ClosedIn: k.closedIn}
				acc[k] = e
			}
			e.Count++
			e.CreatedSum += p.Created[i] - start
		}
		list := make([]SummaryEntry, 0, len(acc))
		for _, e := range acc {
			list = append(list, *e)
		}
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
		s.Entries[l+1] = list
	}
	return s
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
