package events

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestIDSetAddBlockIsAdd: adding blocks of numbers (by table, past the
// exact limit) says new or repeated for every number exactly as adding
// them one by one does, repeats within a block included.
func TestIDSetAddBlockIsAdd(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ids := make([]string, 300_000)
	for i := range ids {
		if i > 0 && r.IntN(10) == 0 {
			ids[i] = ids[r.IntN(i)] // a repeat of an earlier number
		} else {
			ids[i] = fmt.Sprintf("1-%09d", r.IntN(1<<30))
		}
	}
	// reserved is told the count after its first block (as an import
	// does), while it still keeps numbers exactly
	var one, blocks, reserved IDSet
	want := make([]bool, len(ids))
	for i, id := range ids {
		want[i] = one.Add(id)
	}
	got := make([]bool, len(ids))
	got2 := make([]bool, len(ids))
	for start := 0; start < len(ids); {
		n := min(len(ids)-start, 1+r.IntN(30_000))
		hs := make([]uint64, n)
		for k := range hs {
			hs[k] = IDHash(ids[start+k])
		}
		blocks.AddBlock(ids[start:start+n], hs, got[start:start+n])
		reserved.AddBlock(ids[start:start+n], hs, got2[start:start+n])
		if start == 0 {
			reserved.Reserve(len(ids))
		}
		start += n
	}
	repeats := 0
	for i := range ids {
		if got[i] != want[i] {
			t.Fatalf("number %d (%s): AddBlock says new=%v, Add says %v", i, ids[i], got[i], want[i])
		}
		if got2[i] != want[i] {
			t.Fatalf("number %d (%s): after Reserve AddBlock says new=%v, Add says %v", i, ids[i], got2[i], want[i])
		}
		if !want[i] {
			repeats++
		}
	}
	if repeats < 20_000 || !blocks.big {
		t.Fatalf("%d repeats, by hash %v: the test did not reach what it tests", repeats, blocks.big)
	}
}
