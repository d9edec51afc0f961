package measures

import (
	"encoding/binary"
	"slices"
	"strings"

	"github.com/budgetlens/budgetlens/budget"
)

// A month's requests are stored as a base partition and the deltas of the
// imports since (docs/measures.md, "How events are stored"): a delta holds
// the rows an import added to the month or changed in it (whole rows, in
// every layer), the Seq numbers of rows that left the month, and the
// change of the month's summary (counts may be negative). A daily import
// so writes the few rows it touched instead of rewriting months of
// requests; the deltas are folded into a new base when they grow (Fold).

// FoldRows is the fewest rows a month's deltas fold into a base at: below
// it a month is kept as deltas (no base rewritten for a day's requests).
const FoldRows = 100_000

// FoldDeltas is the most deltas a month keeps before they are folded.
const FoldDeltas = 64

// Fold reports whether a month whose base holds baseRows rows and whose
// deltas, with the one about to be written, hold deltaRows rows in
// deltas deltas should be written as a new base instead.
func Fold(baseRows, deltaRows, deltas int) bool {
	return deltaRows >= max(FoldRows, baseRows/2) || deltas > FoldDeltas
}

// Diff returns the rows of p that are new or differ from old (both in Seq
// order, over the same layers) as a partition, and the Seq numbers of old
// that p no longer holds. ok is false when the layers differ (then the
// month must be written whole).
func Diff(old, p *Partition) (rows *Partition, removed []int64, ok bool) {
	if len(old.Layers) != len(p.Layers) {
		return nil, nil, false
	}
	for l := range p.Layers {
		if old.Layers[l] != p.Layers[l] {
			return nil, nil, false
		}
	}
	rows = NewPartition(p.Month, p.Layers)
	i, j := 0, 0
	for j < p.Len() {
		switch {
		case i < old.Len() && old.Seq[i] < p.Seq[j]:
			removed = append(removed, old.Seq[i])
			i++
		case i < old.Len() && old.Seq[i] == p.Seq[j]:
			if !sameRow(old, i, p, j) {
				rows.appendFrom(p, j)
			}
			i++
			j++
		default:
			rows.appendFrom(p, j)
			j++
		}
	}
	for ; i < old.Len(); i++ {
		removed = append(removed, old.Seq[i])
	}
	return rows, removed, true
}

func sameRow(a *Partition, i int, b *Partition, j int) bool {
	if a.Type[i] != b.Type[j] || a.Agency[i] != b.Agency[j] || a.Source[i] != b.Source[j] || a.Status[i] != b.Status[j] ||
		a.Created[i] != b.Created[j] || a.Closed[i] != b.Closed[j] || a.Flags[i] != b.Flags[j] || a.Place[i] != b.Place[j] {
		return false
	}
	for l := range a.Layers {
		if a.Area[l][i] != b.Area[l][j] || a.How[l][i] != b.How[l][j] {
			return false
		}
	}
	return true
}

// appendFrom appends row j of q (same layers).
func (p *Partition) appendFrom(q *Partition, j int) {
	p.Seq = append(p.Seq, q.Seq[j])
	p.Type = append(p.Type, q.Type[j])
	p.Agency = append(p.Agency, q.Agency[j])
	p.Source = append(p.Source, q.Source[j])
	p.Status = append(p.Status, q.Status[j])
	p.Created = append(p.Created, q.Created[j])
	p.Closed = append(p.Closed, q.Closed[j])
	p.Flags = append(p.Flags, q.Flags[j])
	p.Place = append(p.Place, q.Place[j])
	for l := range p.Layers {
		p.Area[l] = append(p.Area[l], q.Area[l][j])
		p.How[l] = append(p.How[l], q.How[l][j])
	}
}

// Apply returns base with a delta applied: the rows of removed dropped,
// the rows of d replacing those of the same Seq or added, in Seq order.
// base may be nil (a month stored as deltas only: then d itself may be
// returned). The layers of d must be base's.
func Apply(base, d *Partition, removed []int64) (*Partition, error) {
	if base == nil {
		if len(removed) == 0 {
			return d, nil // d itself: the caller owns the decoded delta
		}
		base = NewPartition(d.Month, d.Layers)
	}
	if len(base.Layers) != len(d.Layers) {
		return nil, budget.Errorf(budget.EINTERNAL, "measures: the stored changes of %s are placed in other layers than its requests; run budgetlens events place", d.Month)
	}
	for l := range d.Layers {
		if base.Layers[l] != d.Layers[l] {
			return nil, budget.Errorf(budget.EINTERNAL, "measures: the stored changes of %s are placed in other layers than its requests; run budgetlens events place", d.Month)
		}
	}
	slices.Sort(removed)
	out := NewPartition(base.Month, base.Layers)
	n := base.Len() + d.Len()
	out.Seq, out.Created, out.Closed, out.Place = make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n), make([]uint64, 0, n)
	out.Type, out.Agency, out.Source, out.Status = make([]uint16, 0, n), make([]uint16, 0, n), make([]uint16, 0, n), make([]uint16, 0, n)
	out.Flags = make([]uint8, 0, n)
	for l := range out.Layers {
		out.Area[l], out.How[l] = make([]int32, 0, n), make([]uint8, 0, n)
	}
	i, j, r := 0, 0, 0
	for i < base.Len() || j < d.Len() {
		if j < d.Len() && (i >= base.Len() || d.Seq[j] <= base.Seq[i]) {
			if i < base.Len() && d.Seq[j] == base.Seq[i] {
				i++
			}
			out.appendFrom(d, j)
			j++
			continue
		}
		s := base.Seq[i]
		for r < len(removed) && removed[r] < s {
			r++
		}
		if r < len(removed) && removed[r] == s {
			i++
			continue
		}
		out.appendFrom(base, i)
		i++
	}
	return out, nil
}

// Clone returns a copy of p.
func (p *Partition) Clone() *Partition {
	q := &Partition{Month: p.Month, Layers: slices.Clone(p.Layers), Seq: slices.Clone(p.Seq),
		Type: slices.Clone(p.Type), Agency: slices.Clone(p.Agency), Source: slices.Clone(p.Source), Status: slices.Clone(p.Status),
		Created: slices.Clone(p.Created), Closed: slices.Clone(p.Closed), Flags: slices.Clone(p.Flags), Place: slices.Clone(p.Place),
		Area: make([][]int32, len(p.Area)), How: make([][]uint8, len(p.How))}
	for l := range p.Area {
		q.Area[l], q.How[l] = slices.Clone(p.Area[l]), slices.Clone(p.How[l])
	}
	return q
}

// Merge returns the sum of summaries of one month (a base and the changes
// of its deltas, any of them nil): counts and creation sums add up by
// area, type, flag and closing month; entries that come to nothing are
// dropped. sign -1 subtracts the summaries after the first.
func Merge(sign int64, sums ...*Summary) *Summary {
	var out *Summary
	for _, s := range sums {
		if s == nil {
			continue
		}
		if out == nil {
			out = &Summary{Month: s.Month, Layers: slices.Clone(s.Layers), Entries: make([][]SummaryEntry, len(s.Entries))}
			for l := range s.Entries {
				out.Entries[l] = slices.Clone(s.Entries[l])
			}
			continue
		}
		for l := range out.Entries {
			if l >= len(s.Entries) {
				break
			}
			out.Entries[l] = mergeEntries(out.Entries[l], s.Entries[l], sign)
		}
	}
	return out
}

// mergeEntries adds b (times sign) to a; both sorted as Summary sorts.
func mergeEntries(a, b []SummaryEntry, sign int64) []SummaryEntry {
	out := make([]SummaryEntry, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var c int
		switch {
		case i >= len(a):
			c = 1
		case j >= len(b):
			c = -1
		default:
			c = compareEntries(a[i], b[j])
		}
		switch {
		case c < 0:
			out = append(out, a[i])
			i++
		case c > 0:
			e := b[j]
			e.Count, e.CreatedSum = sign*e.Count, sign*e.CreatedSum
			out = append(out, e)
			j++
		default:
			e := a[i]
			e.Count += sign * b[j].Count
			e.CreatedSum += sign * b[j].CreatedSum
			out = append(out, e)
			i++
			j++
		}
		if k := len(out) - 1; out[k].Count == 0 && out[k].CreatedSum == 0 {
			out = out[:k]
		}
	}
	return out
}

func compareEntries(a, b SummaryEntry) int {
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
}

const removedMagic = "BLMR\x01"

// EncodeRemoved writes the Seq numbers of a delta's removed rows.
func EncodeRemoved(seqs []int64) []byte {
	s := slices.Clone(seqs)
	slices.Sort(s)
	b := []byte(removedMagic)
	b = binary.AppendUvarint(b, uint64(len(s)))
	prev := int64(0)
	for _, v := range s {
		b = binary.AppendVarint(b, v-prev)
		prev = v
	}
	return b
}

// DecodeRemoved reads EncodeRemoved's bytes.
func DecodeRemoved(b []byte) ([]int64, error) {
	if !strings.HasPrefix(string(b), removedMagic) {
		return nil, budget.Errorf(budget.EINTERNAL, "measures: a stored list of removed requests is not in format 1")
	}
	d := &decoder{b: b[len(removedMagic):]}
	n64 := d.uvarint()
	if d.err != nil || n64 > uint64(len(d.b)) {
		return nil, budget.Errorf(budget.EINTERNAL, "measures: a stored list of removed requests is damaged")
	}
	out := make([]int64, n64)
	prev := int64(0)
	for i := range out {
		prev += d.varint()
		out[i] = prev
	}
	if d.err != nil || len(d.b) != 0 {
		return nil, budget.Errorf(budget.EINTERNAL, "measures: a stored list of removed requests is damaged")
	}
	return out, nil
}
