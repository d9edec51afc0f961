package postgres

import (
	"context"
	"flag"
	"math"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/need"
	"github.com/budgetlens/budgetlens/store/postgres/pgtest"
	"github.com/budgetlens/budgetlens/store/storecopy"
	"github.com/budgetlens/budgetlens/store/storetest"
	"github.com/paulmach/orb"
)

var soak = flag.Duration("soak", 5*time.Second, "how long TestManyClients keeps its 50 clients working (the issue's full run: -soak 60s)")

// TestManyClients: 50 clients, each with its own connection pool, import
// (ten clients, two per dataset, superseding each other's versions),
// do the reads of an analysis, and read totals and listings at once on a
// store built from the real LA files. No client may see an error, no
// dataset may end with two current versions of a slice, and the current
// figures must equal those of the same final imports run one after the
// other.
func TestManyClients(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), *soak+5*time.Minute) // a hang fails, it does not wait for ever
	defer cancel()
	u := pgtest.URL(t)
	s := open1(t, u, Options{})
	storetest.FillLA(t, s)
	base := mustRead(t, fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv"))[0]
	versions, final := storetest.LoadVersions(base)
	datasets := []string{"la/load/a", "la/load/b", "la/load/c", "la/load/d", "la/load/e"}
	start := time.Now()
	res := storetest.Load(ctx, storetest.LoadOptions{
		Open:     func() (storetest.Store, error) { return Open(ctx, u, Options{MaxConns: 2}) },
		Clients:  50,
		Duration: *soak,
		Datasets: datasets, Versions: versions, Final: final,
	})
	t.Logf("50 clients for %v (ran %v): %d imports (%d unchanged), %d analysis reads, %d reads, slowest read %v",
		*soak, time.Since(start).Round(time.Millisecond), res.Imports, res.Unchanged, res.Analyses, res.Reads, res.SlowestRead.Round(time.Millisecond))
	for _, err := range res.Errors {
		t.Error(err)
	}
	if res.Imports < 10 || res.Analyses == 0 || res.Reads == 0 {
		t.Fatalf("too little work done: %+v", res)
	}
	var doubled int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM budget_slices WHERE superseded_by IS NULL
		GROUP BY jurisdiction, dataset, kind, fy_start, phase HAVING count(*) > 1) d`).Scan(&doubled); err != nil || doubled != 0 {
		t.Fatalf("%d slices with more than one current version (%v)", doubled, err)
	}

	serial := open1(t, pgtest.URL(t), Options{})
	storetest.FillLA(t, serial)
	for _, ds := range datasets {
		if _, err := serial.ImportBatch(ctx, final(ds)); err != nil {
			t.Fatal(err)
		}
	}
	got, err := storecopy.Take(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	want, err := storecopy.Take(ctx, serial)
	if err != nil {
		t.Fatal(err)
	}
	if got.Current != want.Current || !reflect.DeepEqual(got.Totals, want.Totals) {
		t.Fatalf("after the clients the current figures differ from a serial run: %v", got.Diff(want))
	}
	fy := budget.FiscalYear{Start: 2021, StartMonth: 7}
	n, _ := s.PhaseTotal(ctx, budget.Filter{Jurisdiction: "la", FiscalYear: &fy, Phase: budget.Adopted, Kind: budget.Expenditure})
	t.Logf("FY2021-22 adopted expenditure after the clients and serially: %d cents", n)
}

// TestReadsDoNotWaitForImports holds the lock of one dataset as a long
// import would: an import of that dataset waits, an import of another
// dataset goes on, and reads answer at once with the figures as they were.
func TestReadsDoNotWaitForImports(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	s := open1(t, u, Options{})
	fy := budget.FiscalYear{Start: 2021, StartMonth: 7}
	mk := func(ds, hash string, cents int64) *budget.Batch {
		return &budget.Batch{Jurisdiction: budget.Jurisdiction{ID: "tc", Name: "T"}, Dataset: ds, SourceFile: ds + ".csv", ContentHash: hash,
			LineItems: []budget.LineItem{{FiscalYear: fy, Phase: budget.Adopted, Kind: budget.Expenditure, AmountCents: cents, Key: "k", Line: 2}}}
	}
	if _, err := s.ImportBatch(ctx, mk("tc/a", "a1", 100)); err != nil {
		t.Fatal(err)
	}
	holder, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback(ctx)
	if err := lockImport(ctx, holder, mk("tc/a", "a2", 0)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := s.ImportBatch(ctx, mk("tc/a", "a2", 250)); done <- err }()
	select {
	case err := <-done:
		t.Fatalf("the import of a locked dataset did not wait: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if _, err := s.ImportBatch(ctx, mk("tc/b", "b1", 7)); err != nil {
		t.Fatalf("an import of another dataset: %v", err)
	}
	rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	n, err := s.PhaseTotal(rctx, budget.Filter{Jurisdiction: "tc"})
	if err != nil || n != 107 {
		t.Fatalf("a read while an import waits: %d %v, want 107 at once", n, err)
	}
	if _, err := s.LineItems(rctx, budget.Filter{Jurisdiction: "tc"}); err != nil {
		t.Fatalf("listing while an import waits: %v", err)
	}
	holder.Rollback(ctx)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n, _ := s.PhaseTotal(ctx, budget.Filter{Jurisdiction: "tc"}); n != 257 {
		t.Fatalf("after the lock: %d, want 257", n)
	}
}

// TestConcurrentSavesOfOneLayerAndIndicators: clients saving the same
// layer, or the same indicators, at once each succeed in turn and leave
// one copy, not a key error or doubled values.
func TestConcurrentSavesOfOneLayerAndIndicators(t *testing.T) {
	ctx := context.Background()
	u := pgtest.URL(t)
	s := open1(t, u, Options{})
	l := &geo.Layer{Name: "cd", Source: "cd.geojson", Areas: []geo.Area{{ID: "1", Name: "one", Geom: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}}}}
	set := &need.IndicatorSet{Layer: "tracts", Period: "2019", File: "a.csv", Hash: "h",
		Values: []need.IndicatorValue{{Area: "1", Indicator: "poverty", Value: 0.2, MOE: math.NaN()}}}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Add(2)
		go func() { defer wg.Done(); errs <- s.SaveLayer(ctx, l) }()
		go func() { defer wg.Done(); _, err := s.SaveIndicators(ctx, set); errs <- err }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var areas, values int
	s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM geo_areas), (SELECT count(*) FROM need_indicator_values)`).Scan(&areas, &values)
	if areas != 1 || values != 1 {
		t.Fatalf("%d areas and %d values after concurrent saves, want 1 and 1", areas, values)
	}
}
