package storetest

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/need"
)

func needRun(spec string, scores ...float64) *need.Run {
	r := &need.Run{Spec: spec, SpecVersion: "1", SpecHash: "h-" + spec, SpecYAML: "name: " + spec, Layer: "tracts",
		Inputs: []need.Input{{Role: "indicators", File: "x.csv", Hash: "abc"}}, CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Indicators: []string{"a"}, TopTier: "high"}
	for i, s := range scores {
		r.Areas = append(r.Areas, need.AreaResult{ID: string(rune('A' + i)), Score: need.Num(s), Percentile: need.Num(s * 10), Rank: len(scores) - i,
			Tier: "high", Population: need.NaN, Values: []need.Num{need.Num(s)}, Normalised: []need.Num{need.NaN}, NeighbourShare: need.NaN,
			Flags: map[string]bool{"disadvantaged": s > 1}})
	}
	return r
}

// needSuite checks need-run storage: round trip (NaN kept as missing),
// latest run overall and per layer, listing, and not-found errors.
func needSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	if _, err := s.LatestRun(ctx); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("latest on empty store: %v, want not found", err)
	}
	r1 := needRun("ces4", 1, 2, math.NaN())
	id1, err := s.SaveRun(ctx, r1)
	if err != nil || id1 == 0 || r1.ID != id1 {
		t.Fatalf("save: id %d err %v", id1, err)
	}
	r2 := needRun("cejst", 5)
	r2.Layer = "other"
	id2, err := s.SaveRun(ctx, r2)
	if err != nil || id2 <= id1 {
		t.Fatalf("second save: id %d err %v", id2, err)
	}
	got, err := s.Run(ctx, id1)
	if err != nil {
		t.Fatal(err)
	}
	if got.Spec != "ces4" || got.SpecHash != "h-ces4" || len(got.Areas) != 3 || got.Inputs[0].Hash != "abc" || got.TopTier != "high" || !got.CreatedAt.Equal(r1.CreatedAt) {
		t.Fatalf("round trip: %+v", got)
	}
	if a := got.Areas[1]; a.ID != "B" || a.Score != 2 || a.Rank != 2 || !a.Flags["disadvantaged"] || !a.Normalised[0].Missing() {
		t.Fatalf("area B: %+v", a)
	}
	if !got.Areas[2].Score.Missing() {
		t.Fatalf("NaN score came back as %v", got.Areas[2].Score)
	}
	latest, err := s.LatestRun(ctx)
	if err != nil || latest.ID != id2 {
		t.Fatalf("latest: %v %v", latest, err)
	}
	ll, err := s.LatestRunForLayer(ctx, "tracts")
	if err != nil || ll.ID != id1 {
		t.Fatalf("latest for layer: %v %v", ll, err)
	}
	runs, err := s.Runs(ctx)
	if err != nil || len(runs) != 2 || runs[0].ID != id1 || runs[0].Areas != 3 || runs[1].Spec != "cejst" {
		t.Fatalf("runs: %+v %v", runs, err)
	}
	if _, err := s.Run(ctx, 999); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("missing run: %v", err)
	}
}

// indicatorSuite checks indicator imports: values and margins round trip,
// re-import replaces, periods are separate, metadata upserts.
func indicatorSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	nan := math.NaN()
	set := &need.IndicatorSet{Layer: "tracts", Period: "2019", File: "a.csv", Hash: "h1",
		Meta: []need.IndicatorMeta{{Name: "poverty", Domain: "economic", Direction: "higher", Unit: "%", Source: "ACS", Year: 2019}},
		Values: []need.IndicatorValue{{Area: "1", Indicator: "poverty", Value: 0.2, MOE: 0.05}, {Area: "2", Indicator: "poverty", Value: nan, MOE: nan},
			{Area: "1", Indicator: "income", Value: 50000, MOE: nan}}}
	if _, err := s.SaveIndicators(ctx, set); err != nil {
		t.Fatal(err)
	}
	tab, err := s.Indicators(ctx, "tracts", "2019")
	if err != nil {
		t.Fatal(err)
	}
	pov, err := tab.Numbers("poverty")
	if err != nil || len(tab.Areas) != 2 || pov[0] != 0.2 || !math.IsNaN(pov[1]) {
		t.Fatalf("poverty %v %v areas %v", pov, err, tab.Areas)
	}
	if moe, _ := tab.Numbers("poverty MOE"); moe[0] != 0.05 {
		t.Fatalf("moe %v", moe)
	}
	set.Values = []need.IndicatorValue{{Area: "1", Indicator: "poverty", Value: 0.3, MOE: nan}}
	set.Meta[0].Unit = "share"
	if _, err := s.SaveIndicators(ctx, set); err != nil {
		t.Fatal(err)
	}
	tab, _ = s.Indicators(ctx, "tracts", "2019")
	if pov, _ := tab.Numbers("poverty"); pov[0] != 0.3 {
		t.Fatalf("re-import did not replace: %v", pov)
	}
	if _, err := s.Indicators(ctx, "tracts", "2020"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("other period: %v", err)
	}
	meta, err := s.IndicatorMeta(ctx)
	if err != nil || len(meta) != 1 || meta[0].Unit != "share" || meta[0].Year != 2019 {
		t.Fatalf("meta %+v %v", meta, err)
	}
}
