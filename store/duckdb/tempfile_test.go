package duckdb

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
)

// TestImportTempFiles: the bulk import's temporary file is written beside
// the store and removed; one left by a killed process is swept at the
// next Open; nothing goes to the system's temporary directory.
func TestImportTempFiles(t *testing.T) {
	old := bulkThreshold
	bulkThreshold = 1
	defer func() { bulkThreshold = old }()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := t.TempDir()
	path := filepath.Join(dir, "b[1].duckdb")
	stale := filepath.Join(dir, ".b[1].duckdb.import-123.csv")
	os.WriteFile(stale, []byte("left by a killed import"), 0o644)
	other := filepath.Join(dir, ".other.duckdb.import-1.csv")
	os.WriteFile(other, []byte("another store's"), 0o644)
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the stale file survived Open: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another store's file was removed: %v", err)
	}
	var created []string
	s.onTemp = func(name string) { created = append(created, name) }
	var items []budget.LineItem
	for i := 0; i < 10; i++ {
		items = append(items, budget.LineItem{Classification: budget.Classification{Department: budget.Code{Code: fmt.Sprint(i)}},
			FiscalYear: budget.FiscalYear{Start: 2021, StartMonth: 7}, Phase: budget.Adopted, Kind: budget.Expenditure, AmountCents: 100, Key: fmt.Sprint("k", i), Line: i + 2})
	}
	b := &budget.Batch{Jurisdiction: budget.Jurisdiction{ID: "tc", Name: "T"}, Dataset: "tc/x", ContentHash: "h", LineItems: items}
	if _, err := s.ImportBatch(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if len(created) != 1 || filepath.Dir(created[0]) != dir || !strings.HasPrefix(filepath.Base(created[0]), ".b[1].duckdb.import-") {
		t.Fatalf("temporary files %v", created)
	}
	if _, err := os.Stat(created[0]); !os.IsNotExist(err) {
		t.Errorf("the temporary file is still there: %v", err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("files in the temporary directory: %v", left)
	}
}
