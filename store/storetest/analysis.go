package storetest

import (
	"context"
	"math"
	"testing"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
)

// analysisSuite checks analysis storage: round trip of a result (exact
// dollars, NaN kept as missing), latest per key, listing, datasets replaced
// by kind and name, and not-found errors.
func analysisSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	if _, err := s.Analysis(ctx, 1); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("missing analysis: %v, want not found", err)
	}
	mk := func(phase string, amt int64) *analysis.Record {
		r := &analysis.Result{FiscalYear: "2021-22", Phase: phase, Layer: analysis.LayerInfo{Name: "council_districts", Lines: "council_districts"}, Tiers: 5,
			Totals:     analysis.Totals{PhaseTotal: analysis.Dollars(amt + 1), Attributed: analysis.Dollars(amt), Unattributed: 1},
			Areas:      []analysis.AreaRow{{AreaID: "1", Amount: analysis.Dollars(amt), PerCapita: analysis.Num(math.NaN()), NeedTier: 5}},
			Provenance: analysis.Provenance{Version: budget.Version, NeedRun: 3}}
		return analysis.NewRecord(r)
	}
	a := mk("proposed", 123456789)
	id1, err := s.SaveAnalysis(ctx, a)
	if err != nil || id1 == 0 || a.ID != id1 {
		t.Fatalf("save: %d %v", id1, err)
	}
	id2, err := s.SaveAnalysis(ctx, mk("proposed", 5))
	if err != nil || id2 <= id1 {
		t.Fatalf("second save: %d %v", id2, err)
	}
	if _, err := s.SaveAnalysis(ctx, mk("adopted", 7)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Analysis(ctx, id1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Result.Totals.Attributed != 123456789 || got.Result.Areas[0].Amount != 123456789 || !got.Result.Areas[0].PerCapita.Missing() ||
		got.NeedRun != 3 || got.InputsHash != a.InputsHash || got.InputsHash == "" {
		t.Fatalf("round trip: %+v %+v", got, got.Result)
	}
	latest, err := s.LatestAnalysis(ctx, "2021-22", "proposed", "council_districts")
	if err != nil || latest.ID != id2 || latest.Result.Totals.Attributed != 5 {
		t.Fatalf("latest: %+v %v", latest, err)
	}
	if _, err := s.LatestAnalysis(ctx, "2021-22", "actual", "council_districts"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("latest missing: %v", err)
	}
	list, err := s.Analyses(ctx)
	if err != nil || len(list) != 3 || list[0].ID != id1 || list[2].Phase != "adopted" {
		t.Fatalf("list: %+v %v", list, err)
	}
	ids := []string{"1", "2"}
	d, err := analysis.DemandDataset("council_districts", ids, map[string][]float64{"Bulky Items": {3, 0}}, "x.csv", "h1", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDataset(ctx, d); err != nil {
		t.Fatal(err)
	}
	d2, _ := analysis.DemandDataset("council_districts", ids, map[string][]float64{"Bulky Items": {1, 2}}, "y.csv", "h2", false)
	if err := s.SaveDataset(ctx, d2); err != nil {
		t.Fatal(err)
	}
	back, err := s.Dataset(ctx, "demand", "council_districts")
	if err != nil || back.SHA256 != "h2" || back.Synthetic {
		t.Fatalf("dataset: %+v %v", back, err)
	}
	dm, err := back.Demand(ids)
	if err != nil || dm["Bulky Items"][0] != 1 || dm["Bulky Items"][1] != 2 {
		t.Fatalf("demand: %v %v", dm, err)
	}
	if _, err := s.Dataset(ctx, "demand", "tracts"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("missing dataset: %v", err)
	}
	if err := s.SaveDataset(ctx, &analysis.Dataset{}); budget.ErrorCode(err) != budget.EINVALID {
		t.Fatalf("empty dataset: %v", err)
	}
}
