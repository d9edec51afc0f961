package audit

import (
	"encoding/json"
	"testing"
	"time"
)

func chain(n int) []Entry {
	var out []Entry
	at := time.Date(2026, 5, 1, 9, 0, 0, 123456789, time.UTC)
	for i := 0; i < n; i++ {
		e := Entry{At: at.Add(time.Duration(i) * time.Minute), Actor: "ana", Action: "update", Object: "assessment/1",
			Before: json.RawMessage(`{"v": 1}`), After: json.RawMessage(`{"v":2}`)}
		var prev *Entry
		if i > 0 {
			prev = &out[i-1]
		}
		Seal(&e, prev)
		out = append(out, e)
	}
	return out
}

func TestVerify(t *testing.T) {
	good := chain(5)
	if b := Verify(good, 5); b != nil {
		t.Fatalf("good chain: %v", b)
	}
	if Verify(nil, 0) != nil {
		t.Fatal("empty chain is broken")
	}
	cases := []struct {
		name    string
		edit    func([]Entry) []Entry
		minLast int64
		seq     int64
	}{
		{"edited actor", func(e []Entry) []Entry { e[2].Actor = "eve"; return e }, 5, 3},
		{"edited after", func(e []Entry) []Entry { e[1].After = json.RawMessage(`{"v":3}`); return e }, 5, 2},
		{"edited time", func(e []Entry) []Entry { e[4].At = e[4].At.Add(time.Second); return e }, 5, 5},
		{"rehashed row", func(e []Entry) []Entry { e[2].Actor = "eve"; e[2].Hash = e[2].ComputeHash(); return e }, 5, 4},
		{"deleted middle", func(e []Entry) []Entry { return append(e[:2:2], e[3:]...) }, 5, 3},
		{"deleted first", func(e []Entry) []Entry { return e[1:] }, 5, 1},
		{"deleted last", func(e []Entry) []Entry { return e[:4] }, 5, 5},
	}
	for _, c := range cases {
		b := Verify(c.edit(chain(5)), c.minLast)
		if b == nil || b.Seq != c.seq {
			t.Errorf("%s: %v, want entry %d named", c.name, b, c.seq)
		}
	}
	// whitespace in stored JSON does not change the hash
	e := chain(1)
	e[0].Before = json.RawMessage("{ \"v\" :\n 1 }")
	if Verify(e, 1) != nil {
		t.Fatal("reformatted JSON breaks the chain")
	}
}
