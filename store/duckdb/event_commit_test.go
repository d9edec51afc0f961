package duckdb

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/budgetlens/budgetlens/measures"
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
	put := func(p *measures.Partition) int64 {
		t.Helper()
		tx, err := s.BeginEvents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if err := tx.PutPartition(ctx, p, p.Summary()); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Commit(ctx, nil); err != nil {
			t.Fatal(err)
		}
		return tx.(*eventTx).blobBytes
	}
	small := put(monthOf(measures.Month(2018*12), 1, 1000))
	if w := wal(); w == 0 {
		t.Errorf("a commit of %d bytes of blobs left no write-ahead log; want it logged", small)
	}
	large := put(monthOf(measures.Month(2018*12+1), 2000, 1_000_000))
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
