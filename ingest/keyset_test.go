package ingest

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"
)

// TestKeyCounts counts occurrences against a map, with ids that share
// their first 8 bytes (the table's hash) and ids that differ only there,
// across the table's growth and a reservation.
func TestKeyCounts(t *testing.T) {
	var k keyCounts
	want := map[[16]byte]int32{}
	id := func(i int) [16]byte {
		var x [16]byte
		if i%7 == 0 { // same first 8 bytes, different rest: collide in the table
			binary.LittleEndian.PutUint64(x[8:], uint64(i))
			return x
		}
		s := sha256.Sum256([]byte{byte(i), byte(i >> 8), byte(i >> 16)})
		copy(x[:], s[:16])
		return x
	}
	for i := 0; i < 50_000; i++ {
		if i == 20_000 {
			k.reserve(120_000)
		}
		x := id(i % 30_000) // ids 0..29,999 twice at most
		if got := k.add(x); got != want[x] {
			t.Fatalf("id %d: %d before, want %d", i%30_000, got, want[x])
		}
		want[x]++
	}
	if len(k.ids) != len(want) {
		t.Fatalf("%d distinct ids, want %d", len(k.ids), len(want))
	}
}
