package store

import (
	"slices"

	"github.com/budgetlens/budgetlens/measures"
)

// A month of stored requests is a base partition (event_partitions) and
// the deltas written since (event_partition_deltas, docs/measures.md):
// both stores read and write them by these rules.

// StoredDelta is one stored delta of a month, decoded.
type StoredDelta struct {
	Rows    *measures.Partition
	Removed []int64
	Sum     *measures.Summary
}

// StoredMonth is a month as stored, decoded: its base (nil when the month
// is kept as deltas only) and its deltas in the order they apply.
type StoredMonth struct {
	Month   measures.Month
	Base    *measures.Partition
	BaseSum *measures.Summary
	Deltas  []StoredDelta
}

// Merge returns the month's requests and summary with every delta
// applied; nil, nil when nothing is stored.
func (m *StoredMonth) Merge() (*measures.Partition, *measures.Summary, error) {
	p, sums := m.Base, []*measures.Summary{m.BaseSum}
	for _, d := range m.Deltas {
		var err error
		if p, err = measures.Apply(p, d.Rows, d.Removed); err != nil {
			return nil, nil, err
		}
		sums = append(sums, d.Sum)
	}
	return p, measures.Merge(1, sums...), nil
}

// MonthState is what one transaction knows of a stored month: the month
// as it was before the transaction wrote it (Pre, PreSum; nil when nothing
// was stored), the rows of its base and deltas, and whether the
// transaction wrote it whole.
type MonthState struct {
	Pre                   *measures.Partition
	PreSum                *measures.Summary
	BaseRows, DeltaRows   int
	Deltas                int
	WroteBase, WroteDelta bool
}

// NewMonthState records a month as read (merged) from its stored form;
// Pre is a copy, so the caller may change the partition it was given.
func NewMonthState(m *StoredMonth, merged *measures.Partition, sum *measures.Summary) *MonthState {
	st := &MonthState{PreSum: sum, Deltas: len(m.Deltas)}
	if merged != nil {
		st.Pre = merged.Clone()
	}
	if m.Base != nil {
		st.BaseRows = m.Base.Len()
	}
	for _, d := range m.Deltas {
		st.DeltaRows += d.Rows.Len()
	}
	return st
}

// Put says how to store p (with summary s) over what st says is stored:
// whole (a new base replacing the month's base and deltas), as a delta
// (rows, removed and the change of summary, replacing any delta this
// transaction wrote for the month), or not at all (nothing changed). A
// month with nothing stored is written whole from measures.FoldRows rows
// (a large import), else as a delta; a month with a base or deltas is
// written as a delta until measures.Fold says to fold.
func (st *MonthState) Put(p *measures.Partition, s *measures.Summary) (whole bool, rows *measures.Partition, removed []int64, sum *measures.Summary) {
	if st.WroteBase {
		return true, nil, nil, nil
	}
	pre := st.Pre
	if p.Len() == 0 && pre != nil {
		return true, nil, nil, nil
	}
	if pre == nil {
		if p.Len() >= measures.FoldRows {
			return true, nil, nil, nil
		}
		if p.Len() == 0 {
			return false, nil, nil, nil
		}
		// every row is new: the delta is p itself
		return false, p, nil, s
	}
	rows, removed, ok := measures.Diff(pre, p)
	if !ok {
		return true, nil, nil, nil
	}
	if rows.Len() == 0 && len(removed) == 0 {
		return false, nil, nil, nil
	}
	if measures.Fold(st.BaseRows, st.DeltaRows+rows.Len(), st.Deltas+1) {
		return true, nil, nil, nil
	}
	sum = s
	if st.PreSum != nil {
		sum = measures.Merge(-1, s, st.PreSum)
	}
	return false, rows, removed, sum
}

// AssembleMonths applies deltas (each a month's, in the order they apply)
// to bases (in month order): the months' requests, in month order,
// including months stored as deltas only.
func AssembleMonths(bases []*measures.Partition, deltas []StoredDelta) ([]*measures.Partition, error) {
	by := map[measures.Month]int{}
	out := slices.Clone(bases)
	for k, p := range out {
		by[p.Month] = k
	}
	for _, d := range deltas {
		m := d.Rows.Month
		k, ok := by[m]
		var base *measures.Partition
		if ok {
			base = out[k]
		}
		p, err := measures.Apply(base, d.Rows, d.Removed)
		if err != nil {
			return nil, err
		}
		if ok {
			out[k] = p
		} else {
			by[m] = len(out)
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *measures.Partition) int { return int(a.Month) - int(b.Month) })
	return out, nil
}

// AssembleSummaries adds the summaries of deltas (any order among months,
// in order within one) to those of bases (month order): one summary a
// month, in month order.
func AssembleSummaries(bases, deltas []*measures.Summary) []*measures.Summary {
	by := map[measures.Month]int{}
	out := slices.Clone(bases)
	for k, s := range out {
		by[s.Month] = k
	}
	for _, d := range deltas {
		if k, ok := by[d.Month]; ok {
			out[k] = measures.Merge(1, out[k], d)
			continue
		}
		by[d.Month] = len(out)
		out = append(out, measures.Merge(1, d))
	}
	slices.SortFunc(out, func(a, b *measures.Summary) int { return int(a.Month) - int(b.Month) })
	return out
}
