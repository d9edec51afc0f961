package storetest

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/budgetlens/budgetlens/measures"
)

// partitionDeltasSuite checks how months are written: a large month
// whole, small changes as deltas over it (rows changed, added and moved
// out, across several transactions, one rolled back), a month kept as
// deltas only, the fold into a new base once the deltas grow, and a change
// of layers written whole. After every step the months and summaries
// read back (in and out of a transaction) equal the partitions written
// and their summaries computed afresh.
func partitionDeltasSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	r := rand.New(rand.NewPCG(7, 8))
	layers := []measures.LayerRef{{Name: "districts", Hash: "h1"}, {Name: "councils", Hash: "h2"}}
	big, small := measures.Month(2018*12), measures.Month(2018*12+1)
	seq := int64(0)
	row := func(m measures.Month) measures.Row {
		seq++
		c := m.Start() + r.Int64N(m.End()-m.Start())
		row := measures.Row{Seq: seq, Type: uint16(r.IntN(5)), Source: 1, Created: c, Place: r.Uint64(), Flags: measures.FlagSynthetic,
			Area: []int32{int32(r.IntN(15)), int32(r.IntN(99)) - 1}, How: []uint8{1, 1}}
		if r.IntN(4) > 0 {
			row.Closed = c + r.Int64N(40*86400)
		}
		return row
	}
	want := map[measures.Month]*measures.Partition{big: measures.NewPartition(big, layers), small: measures.NewPartition(small, layers)}
	for i := 0; i < measures.FoldRows+10; i++ {
		x := row(big)
		want[big].Append(&x)
	}
	put := func(commit bool, change func(m measures.Month, p *measures.Partition) *measures.Partition) {
		t.Helper()
		tx, err := s.BeginEvents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for _, m := range []measures.Month{big, small} {
			p, err := tx.Partition(ctx, m)
			if err != nil {
				t.Fatal(err)
			}
			if p == nil {
				p = measures.NewPartition(m, layers)
			}
			p = change(m, p)
			if err := tx.PutPartition(ctx, p, p.Summary()); err != nil {
				t.Fatal(err)
			}
			if got, err := tx.Partition(ctx, m); err != nil || (p.Len() > 0 || got != nil) && !reflect.DeepEqual(got, p) {
				t.Fatalf("%s read back within the transaction: %v", m, err)
			}
			if commit {
				want[m] = p.Clone()
			}
		}
		if commit {
			if _, err := tx.Commit(ctx, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	check := func(step string) {
		t.Helper()
		parts, err := s.EventPartitions(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		sums, err := s.EventSummaries(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var wp []*measures.Partition
		for _, m := range []measures.Month{big, small} {
			if want[m].Len() > 0 {
				wp = append(wp, want[m])
			}
		}
		if len(parts) != len(wp) || len(sums) != len(wp) {
			t.Fatalf("%s: %d months and %d summaries read back, want %d", step, len(parts), len(sums), len(wp))
		}
		for k := range wp {
			if !reflect.DeepEqual(parts[k], wp[k]) {
				t.Fatalf("%s: month %s read back differs (%d rows, want %d)", step, wp[k].Month, parts[k].Len(), wp[k].Len())
			}
			if !reflect.DeepEqual(sums[k], wp[k].Summary()) {
				t.Fatalf("%s: the summary of %s read back differs from the summary of its requests", step, wp[k].Month)
			}
		}
	}
	// the large month whole, the small one as a delta
	put(true, func(m measures.Month, p *measures.Partition) *measures.Partition {
		if m == big {
			return want[big].Clone()
		}
		for i := 0; i < 50; i++ {
			x := row(small)
			p.Append(&x)
		}
		return p
	})
	check("first write")
	// deltas: close some, change a place, move one out of each month, add
	for step := 0; step < 3; step++ {
		put(step != 1, func(m measures.Month, p *measures.Partition) *measures.Partition {
			for k := 0; k < 20; k++ {
				i := r.IntN(p.Len())
				p.Closed[i] = p.Created[i] + 3600
				p.Flags[i] ^= measures.FlagRepeat
				p.Area[1][r.IntN(p.Len())] = -1
			}
			p.Remove(map[int64]bool{p.Seq[r.IntN(p.Len())]: true})
			for k := 0; k < 10; k++ {
				x := row(m)
				p.Append(&x)
			}
			return p
		})
		check("a delta")
	}
	// deltas that grow past the fold, then a change of layers: written whole
	put(true, func(m measures.Month, p *measures.Partition) *measures.Partition {
		if m == small {
			for i := 0; i < measures.FoldRows; i++ {
				x := row(small)
				p.Append(&x)
			}
		}
		return p
	})
	check("a fold")
	put(true, func(m measures.Month, p *measures.Partition) *measures.Partition {
		p.DropLayer("councils")
		return p
	})
	check("other layers")
}
