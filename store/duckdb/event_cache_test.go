package duckdb

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/measures"
)

// monthOf makes a month of n requests numbered from seq.
func monthOf(m measures.Month, seq int64, n int) *measures.Partition {
	p := measures.NewPartition(m, []measures.LayerRef{{Name: "districts", Hash: "h"}})
	for i := 0; i < n; i++ {
		r := measures.Row{Seq: seq + int64(i), Type: uint16(i % 3), Created: m.Start() + int64(i)*60, Place: uint64(i), Area: []int32{int32(i % 4)}, How: []uint8{1}}
		p.Append(&r)
	}
	return p
}

// putMonth writes p with its summary in one events transaction of s,
// committed or rolled back, and returns the transaction.
func putMonth(t *testing.T, s *Store, p *measures.Partition, commit bool) *eventTx {
	t.Helper()
	ctx := context.Background()
	tx, err := s.BeginEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := tx.PutPartition(ctx, p, p.Summary()); err != nil {
		t.Fatal(err)
	}
	if commit {
		if _, err := tx.Commit(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	return tx.(*eventTx)
}

// twoStores opens two Stores on one new file: a keeps months decoded
// (CacheEvents), b reads the file.
func twoStores(t *testing.T) (a, b *Store) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.duckdb")
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	a.CacheEvents(DefaultEventCache)
	if b, err = Open(path); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b
}

// TestEventCacheFollowsEveryWrite: a store that keeps months decoded
// answers from what it kept (the very partition its import wrote), and
// answers what another Store on the same file committed, not what a
// rolled-back transaction wrote; a month emptied is gone.
func TestEventCacheFollowsEveryWrite(t *testing.T) {
	ctx := context.Background()
	a, b := twoStores(t)
	m := measures.Month(2018 * 12)
	read := func(step string, want *measures.Partition) {
		t.Helper()
		for _, s := range []*Store{a, b} {
			ps, err := s.EventPartitions(ctx, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			sums, err := s.EventSummaries(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			if want == nil {
				if len(ps) != 0 || len(sums) != 0 {
					t.Fatalf("%s: %d months, %d summaries; want none", step, len(ps), len(sums))
				}
				continue
			}
			if len(ps) != 1 || !bytes.Equal(ps[0].Encode(), want.Encode()) || len(sums) != 1 || !bytes.Equal(sums[0].Encode(), want.Summary().Encode()) {
				t.Fatalf("%s: the month read (cached %v) is not the one last committed", step, s == a)
			}
		}
	}
	p1 := monthOf(m, 1, 50)
	putMonth(t, a, p1, true)
	if ps, _ := a.EventPartitions(ctx, 0, 0); len(ps) != 1 || ps[0] != p1 {
		t.Fatal("the store does not answer from the month its commit kept")
	}
	read("first commit", p1)
	p2 := monthOf(m, 1, 70) // through the other Store, which keeps nothing
	putMonth(t, b, p2, true)
	read("a commit through another Store", p2)
	putMonth(t, a, monthOf(m, 1, 90), false)
	read("a rollback", p2)
	putMonth(t, b, monthOf(m, 1, 0), true)
	read("the month emptied", nil)
}

// TestEventCacheKeepsNothingStale: what a reader read is not kept when a
// commit came while it read (it may hold the months as they were before),
// nor beyond the bound; a reset empties the cache.
func TestEventCacheKeepsNothingStale(t *testing.T) {
	m := measures.Month(2018 * 12)
	p := monthOf(m, 1, 100)
	c := &eventCache{refs: 1}
	c.keep(c.generation(), []*measures.Partition{p})
	if got := c.partitions([]measures.Month{m}); got[0] != nil {
		t.Fatal("kept a month without a bound given (CacheEvents not called)")
	}
	c.enable(partBytes(p) * 3 / 2)
	gen := c.generation()
	c.commit(map[measures.Month]written{m + 1: {monthOf(m+1, 200, 10), nil}}, txTimes{})
	c.keep(gen, []*measures.Partition{p})
	c.keepSummaries(gen, []*measures.Summary{p.Summary()})
	if got := c.partitions([]measures.Month{m}); got[0] != nil {
		t.Fatal("kept a month read across a commit")
	}
	if _, ok := c.summaries(0); ok {
		t.Fatal("kept summaries read across a commit")
	}
	c.keep(c.generation(), []*measures.Partition{p, monthOf(m+2, 300, 100)})
	if got := c.partitions([]measures.Month{m, m + 2}); got[0] != p || got[1] != nil {
		t.Fatalf("kept %v, want the first month only (the bound is a month and a half; the month committed holds a tenth)", got)
	}
	c.keepSummaries(c.generation(), []*measures.Summary{p.Summary(), monthOf(m+2, 300, 5).Summary()})
	if s, ok := c.summaries(m + 1); !ok || len(s) != 1 || s[0].Month != m {
		t.Fatalf("summaries up to %s: %v %v", m+1, s, ok)
	}
	c.reset()
	if got := c.partitions([]measures.Month{m}); got[0] != nil || c.bytes != 0 {
		t.Fatal("a reset left months")
	}
	if _, ok := c.summaries(0); ok {
		t.Fatal("a reset left summaries")
	}
}

// TestEventTimesFollowEveryWrite: the earliest and latest creation and the
// latest time a store keeps for EventStats stay those of the rows stored
// through inserts, an update that takes the latest time away (a request
// reopened), one that moves the earliest creation later, and writes
// through another Store on the file.
func TestEventTimesFollowEveryWrite(t *testing.T) {
	ctx := context.Background()
	a, b := twoStores(t)
	at := func(s string) time.Time {
		v, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	req := func(seq int64, created, closed string) events.Stored {
		e := events.Stored{Seq: seq, Request: events.Request{ID: fmt.Sprintf("1-%d", 1000+seq), Type: "Bulky Items", Status: "Open", Created: at(created)}}
		if closed != "" {
			e.Closed, e.Status = at(closed), "Closed"
		}
		return e
	}
	write := func(s *Store, ins, upd []events.Stored) {
		t.Helper()
		tx, err := s.BeginEvents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := tx.Insert(ctx, ins); err != nil {
			t.Fatal(err)
		}
		if err := tx.Update(ctx, upd); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Commit(ctx, nil); err != nil {
			t.Fatal(err)
		}
	}
	same := func(step string, first, last, asOf string) {
		t.Helper()
		for _, s := range []*Store{a, b} {
			st, err := s.EventStats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !st.First.Equal(at(first)) || !st.Last.Equal(at(last)) || !st.AsOf.Equal(at(asOf)) {
				t.Fatalf("%s (kept %v): first %s last %s as of %s; want %s, %s, %s", step, s == a, st.First, st.Last, st.AsOf, first, last, asOf)
			}
		}
		if _, ok := a.cache.storedTimes(); !ok {
			t.Logf("%s: the times are read again", step)
		}
	}
	write(a, []events.Stored{req(1, "2018-01-01 08:00:00", "2018-01-02 00:00:00"), req(2, "2018-01-05 08:00:00", ""), req(3, "2018-02-01 08:00:00", "2018-03-01 00:00:00")}, nil)
	same("first import", "2018-01-01 08:00:00", "2018-02-01 08:00:00", "2018-03-01 00:00:00")
	write(a, []events.Stored{req(4, "2018-02-10 08:00:00", "")}, []events.Stored{req(2, "2018-01-05 08:00:00", "2018-02-20 00:00:00")})
	same("a request added, one closed", "2018-01-01 08:00:00", "2018-02-10 08:00:00", "2018-03-01 00:00:00")
	write(a, nil, []events.Stored{req(3, "2018-02-01 08:00:00", "")}) // reopened: its closing was the latest time
	same("the latest closing undone", "2018-01-01 08:00:00", "2018-02-10 08:00:00", "2018-02-20 00:00:00")
	write(a, nil, []events.Stored{req(1, "2018-01-04 08:00:00", "2018-01-05 00:00:00")}) // the earliest, made later
	same("the earliest moved", "2018-01-04 08:00:00", "2018-02-10 08:00:00", "2018-02-20 00:00:00")
	write(a, nil, []events.Stored{req(4, "2018-02-09 08:00:00", "")}) // the latest creation, made earlier
	same("the latest creation moved", "2018-01-04 08:00:00", "2018-02-09 08:00:00", "2018-02-20 00:00:00")
	write(b, []events.Stored{req(5, "2017-12-31 23:00:00", "2018-04-01 00:00:00")}, nil)
	same("through another Store", "2017-12-31 23:00:00", "2018-02-09 08:00:00", "2018-04-01 00:00:00")
	write(a, []events.Stored{req(6, "2018-03-05 08:00:00", "")}, nil)
	if _, ok := a.cache.storedTimes(); !ok {
		t.Fatal("a write that adds a request only made the kept times unknown")
	}
	same("a later request", "2017-12-31 23:00:00", "2018-03-05 08:00:00", "2018-04-01 00:00:00")
}
