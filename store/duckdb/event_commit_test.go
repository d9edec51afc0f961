package duckdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/events"
	"github.com/budgetlens/budgetlens/measures"
	"github.com/budgetlens/budgetlens/store"
)

// TestLargeCommitCheckpoints: a commit whose months' blobs pass DuckDB's
// checkpoint threshold writes them to the file, not to the write-ahead
// log, and leaves the threshold as it was; a small commit goes to the
// log; both read back.
func TestLargeCommitCheckpoints(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		t.Fatal(err)
	}
	wal := func() int64 {
		fi, err := os.Stat(path + ".wal")
		if os.IsNotExist(err) {
			return 0
		}
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	setting := func() string {
		var v string
		if err := s.db.QueryRowContext(ctx, `SELECT current_setting('checkpoint_threshold')`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	before := setting()
	small := putMonth(t, s, monthOf(measures.Month(2018*12), 1, 1000), true).blobBytes
	if w := wal(); w == 0 {
		t.Errorf("a commit of %d bytes of blobs left no write-ahead log; want it logged", small)
	}
	large := putMonth(t, s, monthOf(measures.Month(2018*12+1), 2000, 1_000_000), true).blobBytes
	if threshold, _ := parseByteSize(before); large < threshold {
		t.Fatalf("the large month's blobs are %d bytes, under the threshold %s: the test needs more", large, before)
	}
	if w := wal(); w != 0 {
		t.Errorf("a commit of %d bytes of blobs left %d bytes of write-ahead log; want a checkpoint", large, w)
	}
	if got := setting(); got != before {
		t.Errorf("checkpoint_threshold is %q after the commit; want %q as before", got, before)
	}
	ps, err := s.EventPartitions(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].Len() != 1000 || ps[1].Len() != 1_000_000 {
		t.Fatalf("read back %d months; want 1,000 and 1,000,000 requests", len(ps))
	}
}

func TestParseByteSize(t *testing.T) {
	for in, want := range map[string]int64{"16.0 MiB": 16 << 20, "1 byte": 1, "0 bytes": 0, "1.5 GiB": 3 << 29, "2 KB": 2000} {
		if got, err := parseByteSize(in); err != nil || got != want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "16 parsecs", "-1 MiB"} {
		if _, err := parseByteSize(in); err == nil {
			t.Errorf("parseByteSize(%q): no error", in)
		}
	}
}

// TestLargeImportHoldsOneThread: a transaction that has fed a large
// import's rows holds DuckDB at one thread until its commit or rollback,
// and two such transactions set it back once both are done.
func TestLargeImportHoldsOneThread(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "t.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.db.ExecContext(ctx, `SET threads = 3`); err != nil {
		t.Fatal(err)
	}
	threads := func() int64 {
		t.Helper()
		var n int64
		if err := s.db.QueryRowContext(ctx, `SELECT current_setting('threads')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	created := time.Date(2018, 1, 1, 8, 0, 0, 0, time.UTC)
	rows := func(from int64, n int) []events.Stored {
		evs := make([]events.Stored, n)
		for i := range evs {
			seq := from + int64(i)
			evs[i] = events.Stored{Seq: seq, Request: events.Request{ID: fmt.Sprintf("1-%d", seq), Type: "Bulky Items", Status: "Open", Created: created}}
		}
		return evs
	}
	insert := func(tx store.EventTx, from int64, n int) {
		t.Helper()
		if err := tx.Insert(ctx, rows(from, n)); err != nil {
			t.Fatal(err)
		}
	}
	// a day's file: DuckDB keeps its threads
	tx, err := s.BeginEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	insert(tx, 1, 10_000)
	if n := threads(); n != 3 {
		t.Fatalf("threads %d while a day's rows are written; want 3", n)
	}
	if _, err := tx.Commit(ctx, nil); err != nil {
		t.Fatal(err)
	}
	// a large file: one thread until the commit
	tx, err = s.BeginEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	insert(tx, 10_001, oneThreadRows/2)
	insert(tx, 10_001+oneThreadRows/2, oneThreadRows/2)
	if n := threads(); n != 1 {
		t.Fatalf("threads %d while a large import writes; want 1", n)
	}
	if _, err := tx.Commit(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if n := threads(); n != 3 {
		t.Fatalf("threads %d after the commit; want 3 as before", n)
	}
	// and until a rollback
	tx, err = s.BeginEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	insert(tx, 1_000_000, oneThreadRows)
	if n := threads(); n != 1 {
		t.Fatalf("threads %d while a large import writes; want 1", n)
	}
	tx.Rollback()
	if n := threads(); n != 3 {
		t.Fatalf("threads %d after a rollback; want 3 as before", n)
	}
	// two holders: the setting comes back when the second lets go
	if err := s.holdOneThread(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.holdOneThread(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.releaseThreads(ctx); err != nil {
		t.Fatal(err)
	}
	if n := threads(); n != 1 {
		t.Fatalf("threads %d with one holder left; want 1", n)
	}
	if err := s.releaseThreads(ctx); err != nil {
		t.Fatal(err)
	}
	if n := threads(); n != 3 {
		t.Fatalf("threads %d after both holders; want 3", n)
	}
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if want := int64(10_000 + oneThreadRows); n != want {
		t.Fatalf("%d requests stored; want %d (the rolled-back import's none)", n, want)
	}
}
