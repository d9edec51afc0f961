package embargo_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/budgetlens/budgetlens/store/embargo"
)

var (
	fy21 = budget.FiscalYear{Start: 2021, StartMonth: 7}
	tc   = budget.Jurisdiction{ID: "tc", Name: "Test City", StartMonth: 7}
)

func item(dept, prog string, ph budget.Phase, cents int64) budget.LineItem {
	return budget.LineItem{Jurisdiction: "tc", Classification: budget.Classification{
		Department: budget.Code{Code: dept, Name: "Dept " + dept}, Program: budget.Code{Code: prog, Name: "Prog " + prog},
		Fund: budget.Code{Code: "100", Name: "General"}, Account: budget.Code{Code: "001", Name: "Salaries"}},
		FiscalYear: fy21, Phase: ph, Kind: budget.Expenditure, AmountCents: cents, Key: budget.NaturalKey(dept, prog)}
}

func cents(n int64) *int64 { return &n }

// build makes a store holding the adopted budget and, when withProposed,
// the proposed one too (with figures that appear nowhere else), a request
// with both changes, one with a proposed change only, and a stored analysis
// of each phase.
func build(t *testing.T, withProposed bool) store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := duckdb.Open(filepath.Join(t.TempDir(), "s.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	items := []budget.LineItem{item("02", "0201", budget.Adopted, 1000), item("03", "0301", budget.Adopted, 2000)}
	if withProposed {
		items = append(items, item("02", "0201", budget.Proposed, 777_777), item("04", "0401", budget.Proposed, 555_555))
	}
	b := &budget.Batch{Jurisdiction: tc, Dataset: "tc/exp", SourceFile: "exp.csv", ContentHash: "h", Profile: "p",
		FiscalYear: fy21, Phase: budget.Adopted, LineItems: items}
	if _, err := s.ImportBatch(ctx, b); err != nil {
		t.Fatal(err)
	}
	reqs := []budget.Request{{Jurisdiction: "tc", FiscalYear: fy21, Description: "both", AdoptedCents: cents(50), Key: "r1", Line: 2}}
	if withProposed {
		reqs[0].ProposedCents = cents(333_333)
		reqs = append(reqs, budget.Request{Jurisdiction: "tc", FiscalYear: fy21, Description: "proposed only", ProposedCents: cents(444_444), Key: "r2", Line: 3})
	}
	rb := &budget.Batch{Jurisdiction: tc, Dataset: "tc/req", SourceFile: "req.csv", ContentHash: "hr", Profile: "p",
		FiscalYear: fy21, Phase: budget.Adopted, Requests: reqs}
	if _, err := s.ImportBatch(ctx, rb); err != nil {
		t.Fatal(err)
	}
	adoptedRes := &analysis.Result{Jurisdiction: "tc", FiscalYear: "FY2021-22", Phase: "adopted", Layer: analysis.LayerInfo{Name: "l", Lines: "l"}}
	if withProposed {
		adoptedRes.Comparisons = []analysis.CompareRow{{FiscalYear: "FY2021-22", Phase: "proposed", PhaseTotal: 1_333_332}}
		if _, err := s.SaveAnalysis(ctx, analysis.NewRecord(&analysis.Result{Jurisdiction: "tc", FiscalYear: "FY2021-22", Phase: "proposed", Layer: analysis.LayerInfo{Name: "l", Lines: "l"}})); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SaveAnalysis(ctx, analysis.NewRecord(adoptedRes)); err != nil {
		t.Fatal(err)
	}
	release(t, s, budget.Adopted, true)
	return s
}

func release(t *testing.T, s store.Store, ph budget.Phase, on bool) {
	t.Helper()
	if err := s.SetPhaseRelease(context.Background(), budget.PhaseRelease{PhaseKey: budget.PhaseKey{Jurisdiction: "tc", FiscalYear: fy21, Phase: ph}, Released: on, By: "test"}); err != nil {
		t.Fatal(err)
	}
}

// reads calls every read method of a store and returns the answers as JSON
// values (import-run ids, hashes and times are left out: they differ between
// two stores even when the data are the same).
func reads(t *testing.T, s store.Store) map[string]any {
	t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	put := func(name string, v any, err error) {
		t.Helper()
		if err != nil {
			out[name] = "error: " + budget.ErrorCode(err) + ": " + err.Error()
			return
		}
		b, _ := json.Marshal(v)
		var x any
		json.Unmarshal(b, &x)
		out[name] = x
	}
	fy := fy21
	for _, f := range []struct {
		name string
		f    budget.Filter
	}{{"all", budget.Filter{}}, {"fy", budget.Filter{FiscalYear: &fy}}, {"proposed", budget.Filter{Phase: budget.Proposed}},
		{"fy proposed", budget.Filter{Jurisdiction: "tc", FiscalYear: &fy, Phase: budget.Proposed, Kind: budget.Expenditure}},
		{"dept 02", budget.Filter{Department: "02"}}, {"adopted", budget.Filter{Phase: budget.Adopted}}} {
		li, err := s.LineItems(ctx, f.f)
		put("items "+f.name, li, err)
		tot, err := s.Totals(ctx, f.f, budget.LevelDepartment)
		put("totals "+f.name, tot, err)
		pt, err := s.PhaseTotal(ctx, f.f)
		put("phase total "+f.name, pt, err)
		rq, err := s.Requests(ctx, f.f)
		put("requests "+f.name, rq, err)
		ms, err := s.Measures(ctx, f.f)
		put("measures "+f.name, ms, err)
	}
	sl, err := s.FiscalYearsPhases(ctx, "")
	put("fiscal years", sl, err)
	runs, err := s.ImportRuns(ctx)
	for i := range runs {
		runs[i].ID, runs[i].ContentHash, runs[i].StartedAt = 0, "", runs[i].StartedAt.AddDate(-3000, 0, 0)
		runs[i].StartedAt = runs[i].StartedAt.Truncate(1 << 62)
	}
	put("import runs", runs, err)
	ps, err := s.PhaseReleases(ctx)
	for i := range ps {
		ps[i].At = ps[i].At.Truncate(1 << 62)
		for j := range ps[i].Slices {
			ps[i].Slices[j].Run = 0
		}
	}
	put("releases", ps, err)
	infos, err := s.Analyses(ctx)
	for i := range infos {
		infos[i].ID, infos[i].InputsHash = 0, ""
	}
	put("analyses", infos, err)
	for _, ph := range []string{"proposed", "adopted"} {
		r, err := s.LatestAnalysis(ctx, "FY2021-22", ph, "l")
		if r != nil {
			r.ID, r.InputsHash = 0, ""
		}
		put("latest "+ph, r, err)
	}
	j, err := s.Jurisdiction(ctx, "tc")
	put("jurisdiction", j, err)
	return out
}

// TestHeldPhaseIsAsNeverImported compares every read of the public view of
// a store whose proposed phase is held with the public view of a store into
// which the proposed phase was never imported: they must be the same. Then
// the proposed phase is released and its figures appear.
func TestHeldPhaseIsAsNeverImported(t *testing.T) {
	held := embargo.Wrap(build(t, true))
	never := embargo.Wrap(build(t, false))
	a, b := reads(t, held), reads(t, never)
	for k := range b {
		if !reflect.DeepEqual(a[k], b[k]) {
			t.Errorf("%s differs:\n held:  %v\n never: %v", k, a[k], b[k])
		}
	}
	// the test can fail: released, the proposed figures are there
	s := build(t, true)
	release(t, s, budget.Proposed, true)
	c := reads(t, embargo.Wrap(s))
	for _, k := range []string{"items fy proposed", "totals all", "phase total all", "requests all", "analyses", "latest proposed", "latest adopted", "releases"} {
		if reflect.DeepEqual(c[k], b[k]) {
			t.Errorf("released: %s is the same as without the proposed phase: %v", k, c[k])
		}
	}
	tot, err := embargo.Wrap(s).PhaseTotal(context.Background(), budget.Filter{})
	if err != nil || tot != 1000+2000+777_777+555_555 {
		t.Fatalf("released total %d, %v", tot, err)
	}
}

func TestWritesRefused(t *testing.T) {
	e := embargo.Wrap(build(t, false))
	ctx := context.Background()
	for name, err := range map[string]error{
		"release": e.SetPhaseRelease(ctx, budget.PhaseRelease{PhaseKey: budget.PhaseKey{Jurisdiction: "tc", FiscalYear: fy21, Phase: budget.Adopted}, By: "x"}),
		"setting": e.SetSetting(ctx, "k", nil),
		"layer":   e.SaveLayer(ctx, nil),
		"dataset": e.SaveDataset(ctx, nil),
	} {
		if budget.ErrorCode(err) != budget.EFORBIDDEN {
			t.Errorf("%s: %v, want forbidden", name, err)
		}
	}
	if _, err := e.ImportBatch(ctx, &budget.Batch{}); budget.ErrorCode(err) != budget.EFORBIDDEN {
		t.Errorf("import: %v", err)
	}
	if _, ok := any(e).(store.ParquetExporter); ok {
		t.Error("the public view must not export Parquet straight from the store")
	}
}

// TestNothingReleased: a store that never recorded a release shows nothing.
func TestNothingReleased(t *testing.T) {
	s := build(t, true)
	release(t, s, budget.Adopted, false)
	e := embargo.Wrap(s)
	ctx := context.Background()
	if n, err := e.PhaseTotal(ctx, budget.Filter{}); n != 0 || err != nil {
		t.Fatalf("total %d %v", n, err)
	}
	if rs, _ := e.Requests(ctx, budget.Filter{}); len(rs) != 0 {
		t.Fatalf("requests %+v", rs)
	}
	if _, err := e.Jurisdiction(ctx, "tc"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("jurisdiction: %v", err)
	}
	if runs, _ := e.ImportRuns(ctx); len(runs) != 0 {
		t.Fatalf("runs %+v", runs)
	}
}

// counting is a store whose release-state reads are counted.
type counting struct {
	store.Store
	reads int
}

func (c *counting) PhaseReleases(ctx context.Context) ([]budget.PhaseRelease, error) {
	c.reads++
	return c.Store.PhaseReleases(ctx)
}

func (c *counting) StoreVersion(ctx context.Context) (string, error) {
	return c.Store.(store.Versioner).StoreVersion(ctx)
}

// TestStateCachedBetweenChanges: over a store with versions, the view reads
// the release state once while nothing changes, again after a release or
// a hold made through the store (by this process or, for PostgreSQL,
// another: see store/postgres's TestEmbargoSeesOtherWriters), and a store
// opened read-only (DuckDB: no writer can change it) is read once.
func TestStateCachedBetweenChanges(t *testing.T) {
	ctx := context.Background()
	c := &counting{Store: build(t, true)}
	e := embargo.Wrap(c)
	for i := 0; i < 3; i++ {
		if n, err := e.PhaseTotal(ctx, budget.Filter{}); err != nil || n != 3000 {
			t.Fatalf("total %d %v", n, err)
		}
	}
	if c.reads != 1 {
		t.Fatalf("%d reads of the release state for three calls without a change, want 1", c.reads)
	}
	release(t, c.Store, budget.Proposed, true)
	if n, _ := e.PhaseTotal(ctx, budget.Filter{}); n != 3000+777_777+555_555 || c.reads != 2 {
		t.Fatalf("after a release: total %d after %d reads, want the proposed phase shown after 2", n, c.reads)
	}
	release(t, c.Store, budget.Proposed, false)
	if n, _ := e.PhaseTotal(ctx, budget.Filter{}); n != 3000 || c.reads != 3 {
		t.Fatalf("after a hold: total %d after %d reads", n, c.reads)
	}

	path := c.Store.(interface{ Path() string }).Path()
	c.Store.Close()
	ro, err := duckdb.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	rc := &counting{Store: ro}
	re := embargo.Wrap(rc)
	for i := 0; i < 3; i++ {
		if n, err := re.PhaseTotal(ctx, budget.Filter{}); err != nil || n != 3000 {
			t.Fatalf("read-only total %d %v", n, err)
		}
	}
	if rc.reads != 1 {
		t.Fatalf("%d reads of a read-only store's release state, want 1", rc.reads)
	}
}
