package storecopy_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/budgetlens/budgetlens/store/postgres"
	"github.com/budgetlens/budgetlens/store/postgres/pgtest"
	"github.com/budgetlens/budgetlens/store/storecopy"
	"github.com/budgetlens/budgetlens/store/storetest"
)

// TestLADuckDBToPostgresAndBack builds a DuckDB store from the real LA
// files (storetest.FillLA: ten budget exports and a superseding
// publication, three layers, a CES 3.0 run, ACS indicators, an analysis),
// copies it into PostgreSQL and from there into a new DuckDB file, and
// requires all three to hold the same: import runs, budget history,
// current line items and totals, layers, indicators, need runs, analyses
// and datasets.
func TestLADuckDBToPostgresAndBack(t *testing.T) {
	ctx := context.Background()
	pgURL := pgtest.URL(t)
	src, err := duckdb.Open(filepath.Join(t.TempDir(), "la.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	start := time.Now()
	storetest.FillLA(t, src)
	t.Logf("built the LA DuckDB store in %v", time.Since(start))
	want, err := storecopy.Take(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := postgres.Open(ctx, pgURL, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	start = time.Now()
	sum, err := storecopy.Copy(ctx, pg, src, storecopy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("DuckDB -> PostgreSQL in %v: %+v", time.Since(start), sum)
	back, err := duckdb.Open(filepath.Join(t.TempDir(), "back.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	start = time.Now()
	if _, err := storecopy.Copy(ctx, back, pg, storecopy.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL -> DuckDB in %v", time.Since(start))
	for name, s := range map[string]storetest.Store{"PostgreSQL": pg, "DuckDB copied back": back} {
		got, err := storecopy.Take(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if diff := want.Diff(got); len(diff) > 0 {
			t.Errorf("%s differs from the source in: %v", name, diff)
		}
	}
	if len(want.Totals) == 0 || sum.BudgetRuns < 11 || sum.Layers != 3 || sum.NeedRuns != 1 || sum.Analyses != 1 {
		t.Fatalf("the source was not what FillLA promises: totals %v, summary %+v", want.Totals, sum)
	}
	t.Logf("totals: %v", want.Totals)
}
