package measures

import (
	"math/rand/v2"
	"testing"
)

// daily-scale: five months of 210,000 requests, the last two touched
func benchParts(months, per int) []*Partition {
	r := rand.New(rand.NewPCG(1, 2))
	var parts []*Partition
	first := Month(2017*12 + 8)
	for k := 0; k < months; k++ {
		m := first + Month(k)
		p := NewPartition(m, []LayerRef{{Name: "a"}})
		span := (m + 1).Start() - m.Start()
		for i := 0; i < per; i++ {
			row := Row{Seq: int64(k*per + i + 1), Created: m.Start() + r.Int64N(span), Type: uint16(1 + r.IntN(40)), Place: r.Uint64() | 1, Area: []int32{1}, How: []uint8{1}}
			p.Append(&row)
		}
		parts = append(parts, p)
	}
	return parts
}

func BenchmarkMarkRepeatsDaily(b *testing.B) {
	parts := benchParts(5, 210000)
	canon := make([]uint32, 64)
	for i := range canon {
		canon[i] = uint32(i)
	}
	b.ResetTimer()
	for b.Loop() {
		MarkRepeats(parts, parts[3].Month, 30*86400, canon)
	}
}
