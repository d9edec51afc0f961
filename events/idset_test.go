package events

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// idFiles are request numbers as files bring them: in creation order
// (rising within each prefix, with repeats and a few late ones), in no
// order, and numbers of several kinds at once.
func idFiles(r *rand.Rand) map[string][]string {
	out := map[string][]string{}
	// rising, as the portal's exports: LA's "1-" numbers, repeats of
	// recent rows (a request updated twice in one export) and now and
	// then an older number
	var rising []string
	next := 870_000_000
	for i := 0; i < 300_000; i++ {
		switch {
		case i > 0 && r.IntN(10) == 0:
			rising = append(rising, rising[max(0, i-1-r.IntN(50))])
		case i > 0 && r.IntN(100) == 0:
			rising = append(rising, fmt.Sprintf("1-%d", 869_000_000+r.IntN(next-869_000_000)))
		default:
			next += 1 + r.IntN(400)
			rising = append(rising, fmt.Sprintf("1-%d", next))
		}
	}
	out["rising"] = rising
	// in no order, written with leading zeros: the run is closed into the
	// set (its numbers written back as they were)
	var shuffled []string
	for i := 0; i < 300_000; i++ {
		if i > 0 && r.IntN(10) == 0 {
			shuffled = append(shuffled, shuffled[r.IntN(i)])
		} else {
			shuffled = append(shuffled, fmt.Sprintf("1-%09d", r.IntN(100_000_000)))
		}
	}
	out["shuffled"] = shuffled
	// several prefixes, zero-padded and not (SYN-0007 and SYN-7 are two
	// numbers), numbers that do not end in digits, more than 18 digits
	var mixed []string
	for i := 0; i < 200_000; i++ {
		n := i/3 + r.IntN(3)
		var id string
		switch r.IntN(6) {
		case 0:
			id = fmt.Sprintf("SYN-%08d", n)
		case 1:
			id = fmt.Sprintf("SYN-%d", n)
		case 2:
			id = fmt.Sprintf("CASE-%d-A", r.IntN(50_000))
		case 3:
			id = fmt.Sprintf("%d", n)
		case 4:
			id = fmt.Sprintf("X%d-%d", r.IntN(100), n)
		default:
			id = fmt.Sprintf("9999%020d", n)
		}
		mixed = append(mixed, id)
	}
	out["mixed"] = mixed
	return out
}

// TestIDSetIsExact: Add and AddBlock (in blocks of any size, told the
// count after the first block as an import is) say new or repeated for
// every number exactly as a map of the strings does, whatever the
// order the numbers come in.
func TestIDSetIsExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for name, ids := range idFiles(r) {
		t.Run(name, func(t *testing.T) {
			seen := map[string]bool{}
			want := make([]bool, len(ids))
			for i, id := range ids {
				want[i] = !seen[id]
				seen[id] = true
			}
			var one, blocks, reserved IDSet
			for i, id := range ids {
				if got := one.Add(id); got != want[i] {
					t.Fatalf("number %d (%s): Add says new=%v, want %v", i, id, got, want[i])
				}
			}
			got := make([]bool, len(ids))
			got2 := make([]bool, len(ids))
			for start := 0; start < len(ids); {
				n := min(len(ids)-start, 1+r.IntN(30_000))
				keys := make([]IDKey, n)
				for k := range keys {
					keys[k] = KeyOf(ids[start+k])
				}
				blocks.AddBlock(ids[start:start+n], keys, got[start:start+n])
				reserved.AddBlock(ids[start:start+n], keys, got2[start:start+n])
				if start == 0 {
					reserved.Reserve(len(ids))
				}
				start += n
			}
			repeats := 0
			for i := range ids {
				if got[i] != want[i] {
					t.Fatalf("number %d (%s): AddBlock says new=%v, want %v", i, ids[i], got[i], want[i])
				}
				if got2[i] != want[i] {
					t.Fatalf("number %d (%s): after Reserve AddBlock says new=%v, want %v", i, ids[i], got2[i], want[i])
				}
				if !want[i] {
					repeats++
				}
			}
			if repeats < 10_000 {
				t.Fatalf("%d repeats: the test did not reach what it tests", repeats)
			}
			// what each file is for
			switch name {
			case "rising":
				if len(blocks.runs) != 1 || blocks.runs[0].closed || blocks.runs[0].late == 0 || blocks.big {
					t.Fatalf("rising numbers: runs %+v, by hash %v; want one open run with late numbers, kept exactly", blocks.runs, blocks.big)
				}
			case "shuffled":
				if len(blocks.runs) != 1 || !blocks.runs[0].closed || !blocks.big {
					t.Fatalf("numbers in no order: runs %d, the first closed %v, by hash %v: want it closed into the set by hash", len(blocks.runs), blocks.runs[0].closed, blocks.big)
				}
			case "mixed":
				if len(blocks.runs) < 4 {
					t.Fatalf("mixed numbers: %d runs, want one per prefix and width", len(blocks.runs))
				}
			}
		})
	}
}

// TestKeyOf splits request numbers as the store does (the last run of at
// most 18 digits).
func TestKeyOf(t *testing.T) {
	for _, c := range []struct {
		id       string
		num      int64
		pre      int
		numbered bool
	}{
		{"1-870704814", 870704814, 2, true},
		{"SYN-00000001", 1, 4, true},
		{"12345", 12345, 0, true},
		{"CASE-7-A", -1, 0, false},
		{"", -1, 0, false},
		{"1234567890123456789012", 567890123456789012, 4, true},
	} {
		k := KeyOf(c.id)
		if k.Hash != IDHash(c.id) || (k.Num >= 0) != c.numbered || c.numbered && (k.Num != c.num || k.Pre != c.pre) {
			t.Errorf("KeyOf(%q) = %+v, want number %d after %d bytes", c.id, k, c.num, c.pre)
		}
	}
}
