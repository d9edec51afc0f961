package office

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/store"
	"github.com/budgetlens/budgetlens/store/duckdb"
)

func newStore(t *testing.T) store.Store {
	t.Helper()
	s, err := duckdb.Open(filepath.Join(t.TempDir(), "o.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestMapleBay drives the application layer as a front end would, with no
// CLI: the made-up city's profile saved in a store and found again, its
// layers, budget (by columns, with district codes), need index, analysis
// and report document.
func TestMapleBay(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(fixture.Root(), "testdata", "maplebay")
	s := newStore(t)
	p, err := LoadCity(filepath.Join(dir, "maplebay.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := (&Office{Store: s}).SaveCity(ctx, p); err != nil {
		t.Fatal(err)
	}
	o, err := New(ctx, s, nil)
	if err != nil || o.City == nil || o.City.Name != "City of Maple Bay" {
		t.Fatalf("saved profile not found again: %v %+v", err, o)
	}
	for _, l := range []string{"districts", "neighbourhoods"} {
		if _, _, err := o.ImportLayer(ctx, filepath.Join(dir, l+".geojson"), geo.ImportOptions{Layer: l, IDField: "id", PopulationField: "pop"}); err != nil {
			t.Fatal(err)
		}
	}
	batches, err := o.ReadBudget(ImportOptions{FiscalYear: "2024-25", Phase: "adopted",
		Columns: &Columns{Department: "dept", Program: "program", Amount: "amount", Area: "district", Layer: "districts"}}, []string{filepath.Join(dir, "budget.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if batches[0].Jurisdiction.ID != "maplebay" {
		t.Fatalf("jurisdiction %+v: the profile's", batches[0].Jurisdiction)
	}
	if _, err := o.StoreBudget(ctx, batches); err != nil {
		t.Fatal(err)
	}
	spec, err := LoadSpec("", filepath.Join(dir, "need-spec.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.RunIndex(ctx, IndexRunOptions{Spec: spec, Indicators: filepath.Join(dir, "need.csv"), IDColumn: "id", Layer: "neighbourhoods"}); err != nil {
		t.Fatal(err)
	}
	rep, err := o.Check(ctx, "")
	if err != nil || rep.Errors() != 0 {
		t.Fatalf("check: %v %+v", err, rep)
	}
	a, err := o.Analyze(ctx, AnalyzeOptions{FiscalYear: "2024-25", Phase: "adopted", Tiers: 5, Reps: 0})
	if err != nil {
		t.Fatal(err)
	}
	r := a.Result
	// five tiers of residents over the nine neighbourhoods (the need run's
	// small areas), however few districts report them
	if r.Layer.Name != "districts" || r.Tiers != 5 || r.Provenance.Rules != "maplebay" || r.Totals.ByMethod["own_area_codes"] != 844000229 {
		t.Fatalf("analysis: layer %s, %d tiers, rules %s, by method %v", r.Layer.Name, r.Tiers, r.Provenance.Rules, r.Totals.ByMethod)
	}
	if r.Totals.Attributed+r.Totals.Unattributed != r.Totals.PhaseTotal {
		t.Fatalf("totals %+v", r.Totals)
	}
	var pop float64
	for _, tr := range r.TierRows {
		pop += tr.Population
	}
	if pop != r.City.Population || r.Layer.Residents != r.City.Population {
		t.Fatalf("tiers count %v residents, the districts %v, the layer %v", pop, r.City.Population, r.Layer.Residents)
	}
	doc, _, err := o.Report(ctx, ReportOptions{AnalyzeOptions: AnalyzeOptions{FiscalYear: "2024-25", Phase: "adopted", Tiers: 5}})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Jurisdiction != "City of Maple Bay" || len(doc.Caveats) == 0 || !strings.Contains(strings.Join(doc.Caveats, " "), "made up") {
		t.Fatalf("document: %q, caveats %v", doc.Jurisdiction, doc.Caveats)
	}
	if err := doc.Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestNoCityNoRules: without a profile, an analysis needs its layer named
// and places only the rows carrying their own area codes.
func TestNoCityNoRules(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(fixture.Root(), "testdata", "maplebay")
	o := &Office{Store: newStore(t)}
	if _, _, err := o.ImportLayer(ctx, filepath.Join(dir, "districts.geojson"), geo.ImportOptions{Layer: "districts", IDField: "id", PopulationField: "pop"}); err != nil {
		t.Fatal(err)
	}
	bs, err := o.ReadBudget(ImportOptions{FiscalYear: "2024-25", Phase: "adopted", Columns: &Columns{Department: "dept", Amount: "amount"}}, []string{filepath.Join(dir, "budget.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.StoreBudget(ctx, bs); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Analyze(ctx, AnalyzeOptions{FiscalYear: "2024-25", Phase: "adopted"}); budget.ErrorCode(err) != budget.EINVALID || !strings.Contains(err.Error(), "--layer") {
		t.Fatalf("no layer, no profile: %v", err)
	}
	a, err := o.Analyze(ctx, AnalyzeOptions{FiscalYear: "2024-25", Phase: "adopted", Layer: "districts", Tiers: 5})
	if err != nil {
		t.Fatal(err)
	}
	if a.Result.Totals.Attributed != 0 || a.Result.Provenance.Rules != "none" {
		t.Fatalf("without rules and codes nothing is placed: %+v", a.Result.Totals)
	}
}
