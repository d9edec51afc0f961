package duckdb

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
)

// TestBulkAndAppenderAgree stores the same awkward line items through the
// read_csv path and the appender path and compares what comes back.
func TestBulkAndAppenderAgree(t *testing.T) {
	names := []string{"Salaries, As-Needed", `Say "hi"`, "two\nlines", " padded ", "", "Ñandú €", "a\r\nb", `\N`, "NULL"}
	var items []budget.LineItem
	for i := 0; i < 300; i++ {
		items = append(items, budget.LineItem{
			Classification: budget.Classification{Department: budget.Code{Code: fmt.Sprintf("%02d", i%7), Name: names[i%len(names)]},
				Account: budget.Code{Code: fmt.Sprintf("%06d", i), Name: names[(i+3)%len(names)]}},
			FiscalYear: budget.FiscalYear{Start: 2021, StartMonth: 7}, Phase: budget.Adopted, Kind: budget.Expenditure,
			AmountCents: int64(i*37 - 5000), Key: fmt.Sprintf("k%d", i), Line: i + 2,
		})
	}
	read := func(threshold int) []budget.LineItem {
		old := bulkThreshold
		bulkThreshold = threshold
		defer func() { bulkThreshold = old }()
		s, err := Open(filepath.Join(t.TempDir(), "b.duckdb"))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		b := &budget.Batch{Jurisdiction: budget.Jurisdiction{ID: "tc", Name: "T"}, Dataset: "tc/x", ContentHash: "h", LineItems: items}
		if _, err := s.ImportBatch(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		got, err := s.LineItems(context.Background(), budget.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	bulk, app := read(1), read(1<<30)
	if len(bulk) != len(items) || len(app) != len(items) {
		t.Fatalf("%d and %d items", len(bulk), len(app))
	}
	for i := range bulk {
		if bulk[i] != app[i] {
			t.Fatalf("bulk %+v\nappender %+v", bulk[i], app[i])
		}
		want := items[bulk[i].Line-2]
		want.Jurisdiction = "tc"
		if bulk[i] != want {
			t.Fatalf("got %+v\nwant %+v", bulk[i], want)
		}
	}
}
