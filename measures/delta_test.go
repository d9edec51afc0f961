package measures

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestDiffApplyMerge: the delta of a month changed at random (rows
// changed, added, removed), applied to the month as it was, gives the
// month as it is; the summary as it was plus the delta's change of
// summary is the summary of the month as it is.
func TestDiffApplyMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	m := Month(2017*12 + 11)
	layers := []LayerRef{{Name: "a", Hash: "1"}, {Name: "b", Hash: "2"}}
	old := NewPartition(m, layers)
	for s := int64(1); s <= 5000; s += 1 + r.Int64N(3) {
		c := m.Start() + r.Int64N(m.End()-m.Start())
		row := Row{Seq: s, Type: uint16(r.IntN(7)), Created: c, Place: r.Uint64(), Area: []int32{int32(r.IntN(15)), int32(r.IntN(9)) - 1}, How: []uint8{1, 2}}
		if r.IntN(3) > 0 {
			row.Closed = c + r.Int64N(90*86400)
		}
		old.Append(&row)
	}
	for round := 0; round < 20; round++ {
		p := old.Clone()
		for k := 0; k < 50; k++ {
			i := r.IntN(p.Len())
			switch r.IntN(3) {
			case 0:
				p.Closed[i] = p.Created[i] + r.Int64N(86400)
			case 1:
				p.Flags[i] ^= FlagRepeat
			default:
				p.Area[1][i] = int32(r.IntN(9))
			}
		}
		drop := map[int64]bool{}
		for k := 0; k < 30; k++ {
			drop[p.Seq[r.IntN(p.Len())]] = true
		}
		p.Remove(drop)
		var add []Row
		for k := 0; k < 40; k++ {
			c := m.Start() + r.Int64N(m.End()-m.Start())
			add = append(add, Row{Seq: 6000 + int64(round*100+k), Type: 1, Created: c, Area: []int32{0, 0}, How: []uint8{1, 1}})
		}
		p.Update(add)
		rows, removed, ok := Diff(old, p)
		if !ok || rows.Len() == 0 || len(removed) != len(drop) {
			t.Fatalf("round %d: diff of %d rows, %d removed (want %d), ok %v", round, rows.Len(), len(removed), len(drop), ok)
		}
		if rows.Len() > 50+40 {
			t.Fatalf("round %d: %d rows in the delta for at most 90 changed", round, rows.Len())
		}
		enc, err := DecodePartition(rows.Encode())
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeRemoved(EncodeRemoved(removed))
		if err != nil {
			t.Fatal(err)
		}
		got, err := Apply(old, enc, back)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Fatalf("round %d: the month with its delta applied differs from the month changed", round)
		}
		change := Merge(-1, p.Summary(), old.Summary())
		dec, err := DecodeSummary(change.Encode())
		if err != nil {
			t.Fatal(err)
		}
		if sum := Merge(1, old.Summary(), dec); !reflect.DeepEqual(sum, p.Summary()) {
			t.Fatalf("round %d: the summary with the change added differs from the summary of the month changed", round)
		}
		old = p
	}
	// other layers cannot be a delta
	q := old.Clone()
	q.DropLayer("b")
	if _, _, ok := Diff(old, q); ok {
		t.Fatal("a change of layers was taken for a delta")
	}
}

// TestSummaryByHand: the summary of a partition counts, per layer, area,
// type, synthetic flag and closing month, the requests and the sum of
// their creation offsets, as a plain count over the rows says (including
// a layer of more than 65,535 areas and requests closed years later).
func TestSummaryByHand(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	m := Month(2016*12 + 4)
	p := NewPartition(m, []LayerRef{{Name: "small"}, {Name: "blocks"}})
	for s := int64(1); s <= 20000; s++ {
		c := m.Start() + r.Int64N(m.End()-m.Start())
		row := Row{Seq: s, Type: uint16(r.IntN(4)), Created: c, Area: []int32{int32(r.IntN(5)) - 1, int32(r.IntN(200_000))}, How: []uint8{1, 1}}
		if r.IntN(2) == 0 {
			row.Flags = FlagSynthetic
		}
		switch r.IntN(4) {
		case 0:
		case 1:
			row.Closed = c + r.Int64N(5*365*86400)
		default:
			row.Closed = c + r.Int64N(40*86400)
		}
		p.Append(&row)
	}
	s := p.Summary()
	for l := -1; l < len(p.Layers); l++ {
		type key struct {
			area   int32
			typ    uint16
			synth  bool
			closed Month
		}
		want := map[key][2]int64{}
		for i := range p.Seq {
			k := key{-1, p.Type[i], p.Flags[i]&FlagSynthetic != 0, OpenMonth}
			if l >= 0 {
				k.area = p.Area[l][i]
			}
			if p.Closed[i] != 0 {
				k.closed = MonthOfUnix(p.Closed[i])
			}
			v := want[k]
			want[k] = [2]int64{v[0] + 1, v[1] + p.Created[i] - m.Start()}
		}
		got := s.Entries[l+1]
		if len(got) != len(want) {
			t.Fatalf("layer %d: %d entries, want %d", l, len(got), len(want))
		}
		for k, e := range got {
			if k > 0 && compareEntries(got[k-1], e) >= 0 {
				t.Fatalf("layer %d: entries out of order at %d", l, k)
			}
			if v := want[key{e.Area, e.Type, e.Synthetic, e.ClosedIn}]; v[0] != e.Count || v[1] != e.CreatedSum {
				t.Fatalf("layer %d: entry %+v, want count %d and sum %d", l, e, v[0], v[1])
			}
		}
	}
}

// TestMarkRepeatsByHand: over random requests at a few places, a request
// of the months from on repeats exactly when an earlier one (or one of
// the same second with a smaller Seq) of its type was made at its place
// at most the window before; the look-back keeps its flags.
func TestMarkRepeatsByHand(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	first := Month(2019 * 12)
	var parts []*Partition
	seq := int64(0)
	for m := first; m < first+4; m++ {
		p := NewPartition(m, nil)
		for k := 0; k < 3000; k++ {
			seq++
			c := m.Start() + r.Int64N(m.End()-m.Start())
			if k%10 == 0 && k > 0 {
				c = p.Created[k-1] // same second as another
			}
			p.Append(&Row{Seq: seq, Type: uint16(r.IntN(3)), Created: c, Place: uint64(r.IntN(400)), Flags: FlagRepeat * uint8(r.IntN(2))})
		}
		parts = append(parts, p)
	}
	window := int64(30 * 86400)
	before := parts[0].Clone()
	from := first + 1
	MarkRepeats(parts, from, window, []uint32{0, 1, 0}) // types 0 and 2 are one canonical type
	canon := []uint16{0, 1, 0}
	for _, p := range parts[1:] {
		for i := range p.Seq {
			want := false
			for _, q := range parts {
				for j := range q.Seq {
					if p.Place[i] == 0 || q.Place[j] != p.Place[i] || canon[q.Type[j]] != canon[p.Type[i]] || q.Seq[j] == p.Seq[i] {
						continue
					}
					earlier := q.Created[j] < p.Created[i] || q.Created[j] == p.Created[i] && q.Seq[j] < p.Seq[i]
					if earlier && p.Created[i]-q.Created[j] <= window {
						want = true
					}
				}
			}
			if got := p.Flags[i]&FlagRepeat != 0; got != want {
				t.Fatalf("request %d of %s: repeat %v, want %v", p.Seq[i], p.Month, got, want)
			}
		}
	}
	if !reflect.DeepEqual(parts[0].Flags, before.Flags) {
		t.Fatal("the look-back's flags were changed")
	}
}

// TestGrowKeepsRows: Grow makes room in every column without changing a
// row, and rows appended after it read back.
func TestGrowKeepsRows(t *testing.T) {
	layers := []LayerRef{{Name: "a", Hash: "1"}, {Name: "b", Hash: "2"}}
	p, q := NewPartition(2018*12, layers), NewPartition(2018*12, layers)
	row := func(i int) Row {
		return Row{Seq: int64(i + 1), Type: uint16(i % 7), Agency: uint16(i % 3), Source: uint16(i % 5), Status: uint16(i % 2),
			Created: int64(1514764800 + i), Closed: int64(1514764800 + 2*i), Flags: uint8(i % 4), Place: uint64(i) * 2654435761,
			Area: []int32{int32(i % 11), int32(i%13) - 1}, How: []uint8{uint8(i % 3), uint8(i % 2)}}
	}
	for i := 0; i < 1000; i++ {
		r := row(i)
		p.Append(&r)
		q.Append(&r)
		if i == 500 {
			p.Grow(10_000)
			if cap(p.Seq) < 10_501 || cap(p.Place) < 10_501 || cap(p.Area[1]) < 10_501 || cap(p.How[0]) < 10_501 {
				t.Fatalf("after Grow(10000) at 501 rows: capacity %d; want at least 10,501 in every column", cap(p.Seq))
			}
		}
	}
	p.Grow(0)
	if !reflect.DeepEqual(p, q) {
		t.Fatal("a partition grown along the way differs from one that was not")
	}
}
