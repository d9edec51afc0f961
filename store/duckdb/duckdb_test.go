package duckdb

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"

	"github.com/budgetlens/budgetlens/store/storetest"
)

func TestStoreSuite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		s, err := Open(filepath.Join(t.TempDir(), "test.duckdb"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestMigrationsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.duckdb")
	for i := 0; i < 2; i++ {
		s, err := Open(path)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		var n int
		if err := s.DB().QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
			t.Fatalf("open %d: %d migrations, %v", i, n, err)
		}
		s.Close()
	}
}

// TestNewerStoreRefused: a store file that records a migration this
// binary does not know was written by a newer budgetlens; opening it is
// refused with a message naming the file and the migration, and the file
// is left as it was.
func TestNewerStoreRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newer.duckdb")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO schema_migrations(name) VALUES ('990_future.sql')`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(path)
	if budget.ErrorCode(err) != budget.ECONFLICT || !strings.Contains(err.Error(), "990_future.sql") || !strings.Contains(err.Error(), path) {
		t.Fatalf("opening a newer store: %v", err)
	}
}
