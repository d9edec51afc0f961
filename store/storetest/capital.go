package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/capital"
	"github.com/budgetlens/budgetlens/capital/projects"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/paulmach/orb"
)

// testPlan has every kind of place and per-year costs.
func testPlan(name string) *projects.Plan {
	return &projects.Plan{Name: name, Source: "cip.csv", SHA256: "feed", Years: []string{"FY19", "FY20-23"}, AreaLayer: "wards",
		Mapping: projects.Mapping{Years: []string{"FY19", "FY20-23"}, Area: "Wards", AreaLayer: "wards", Citywide: []string{"Citywide"}, Units: 1000},
		Columns: []string{"Dept", "Score"},
		Skipped: []projects.Skipped{{Line: 8, ID: "P7", Name: "No estimate", Reason: "no cost"}},
		Projects: []projects.Project{
			{ID: "P1", Line: 2, Name: "Library roof", Category: "Buildings", Cost: []int64{100_00, 250_000_00}, Attrs: map[string]string{"Dept": "Library", "Score": "7"},
				Place: projects.Place{Kind: projects.PlaceAreas, Areas: []string{"3", "12"}, Text: "3, 12"}},
			{ID: "P2", Line: 3, Name: "Bike lane", Cost: []int64{0, 1_234_567_89}, Attrs: map[string]string{},
				Place: projects.Place{Kind: projects.PlaceGeometry, Geometry: orb.MultiLineString{{{-71.1, 42.3}, {-71.05, 42.35}}}}},
			{ID: "P3", Line: 4, Name: "Park", Cost: []int64{5, 6}, Attrs: map[string]string{"Score": "1.5"},
				Place: projects.Place{Kind: projects.PlaceGeometry, Geometry: orb.Polygon{{{-71, 42}, {-70.9, 42}, {-70.9, 42.1}, {-71, 42}}}}},
			{ID: "P4", Line: 5, Name: "Point", Cost: []int64{1, 0}, Attrs: map[string]string{},
				Place: projects.Place{Kind: projects.PlaceGeometry, Geometry: orb.Point{-71.06, 42.36}}},
			{ID: "P5", Line: 6, Name: "Radio system", Cost: []int64{9_000_000_00, 0}, Attrs: map[string]string{},
				Place: projects.Place{Kind: projects.PlaceCitywide, Text: "Citywide"}},
			{ID: "P6", Line: 7, Name: "Study", Cost: []int64{0, 0}, Attrs: map[string]string{},
				Place: projects.Place{Kind: projects.PlaceNone, Text: "Various"}},
		}}
}

// testScenario solves a small model of the plan.
func testScenario(t *testing.T, plan, name string, budgetCents int64) *projects.Scenario {
	t.Helper()
	m := &capital.Model{Name: plan, Budgets: []capital.Budget{{Cents: budgetCents}}, Projects: []capital.Project{
		{ID: "P1", Cost: []int64{250_100_00}, Benefit: 7, Areas: []capital.Share{{Area: "3", Fraction: 0.5}, {Area: "12", Fraction: 0.5}}},
		{ID: "P2", Cost: []int64{1_234_567_89}, Benefit: 2},
		{ID: "P5", Cost: []int64{9_000_000_00}, Benefit: 9, HighNeedShare: 0.25},
	}}
	res, err := capital.Solve(context.Background(), m, capital.Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	return &projects.Scenario{Plan: plan, Name: name, By: "analyst", Note: "test", Settings: []string{"budget " + budget.FormatUnits(budgetCents, 2)},
		Model: m, Result: res, Equity: projects.Equity{Layer: "wards", Tiers: 5, PlacedCents: 250_100_00, TopTierDollarShare: 0.5, PerResident: []float64{1, 2, 3, 4, 5}, Valid: true, Concentration: 0.12}}
}

// capitalSuite checks the capital plans, their scenarios and release state.
func capitalSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	if _, err := s.CapitalPlan(ctx, "cip"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("missing plan: %v, want not_found", err)
	}
	if ps, err := s.CapitalPlans(ctx); err != nil || ps == nil || len(ps) != 0 {
		t.Fatalf("no plans: %v %v, want an empty list", ps, err)
	}
	p := testPlan("cip")
	before := time.Now().UTC().Add(-time.Minute)
	if err := s.SaveCapitalPlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	if p.Imported.Before(before) {
		t.Fatalf("Imported not set: %v", p.Imported)
	}
	got, err := s.CapitalPlan(ctx, "cip")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Imported.Equal(p.Imported) {
		t.Errorf("imported %v, want %v", got.Imported, p.Imported)
	}
	got.Imported = p.Imported
	if !reflect.DeepEqual(got, p) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, p)
	}
	// a refused save (two projects with one id) leaves the plan as it was
	bad := testPlan("cip")
	bad.Projects[1].ID = "P1"
	if err := s.SaveCapitalPlan(ctx, bad); budget.ErrorCode(err) != budget.EINVALID {
		t.Fatalf("duplicate ids: %v, want invalid", err)
	}
	if again, err := s.CapitalPlan(ctx, "cip"); err != nil || len(again.Projects) != 6 || again.Projects[1].ID != "P2" {
		t.Fatalf("after a refused save: %v", err)
	}
	ps, err := s.CapitalPlans(ctx)
	if err != nil || len(ps) != 1 {
		t.Fatalf("plans: %v %v", ps, err)
	}
	if pi := ps[0]; pi.Name != "cip" || pi.Projects != 6 || pi.TotalCents != p.Total() || pi.Released || pi.Scenarios != 0 || !reflect.DeepEqual(pi.Years, p.Years) || pi.AreaLayer != "wards" || pi.Skipped != 1 {
		t.Fatalf("plan info %+v (total want %d)", pi, p.Total())
	}
	scenarioChecks(t, s)
	releaseChecks(t, s)
	if err := s.DeleteCapitalPlan(ctx, "cip"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCapitalPlan(ctx, "cip"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("delete twice: %v", err)
	}
	if ps, _ := s.CapitalPlans(ctx); len(ps) != 0 {
		t.Fatalf("after delete: %v", ps)
	}
}

func scenarioChecks(t *testing.T, s Store) {
	ctx := context.Background()
	if err := s.SaveCapitalScenario(ctx, testScenario(t, "nope", "a", 1)); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("scenario of a missing plan: %v", err)
	}
	noBy := testScenario(t, "cip", "a", 1)
	noBy.By = ""
	if err := s.SaveCapitalScenario(ctx, noBy); budget.ErrorCode(err) != budget.EINVALID {
		t.Fatalf("scenario without By: %v", err)
	}
	a := testScenario(t, "cip", "tight", 300_000_00)
	b := testScenario(t, "cip", "loose", 20_000_000_00)
	for _, sc := range []*projects.Scenario{a, b} {
		if err := s.SaveCapitalScenario(ctx, sc); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.CapitalScenario(ctx, "cip", "tight")
	if err != nil {
		t.Fatal(err)
	}
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(a)
	if string(gj) != string(wj) {
		t.Fatalf("scenario round trip:\n got %s\nwant %s", gj, wj)
	}
	if _, err := s.CapitalScenario(ctx, "cip", "none"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("missing scenario: %v", err)
	}
	// replacing keeps one, in its old place
	a2 := testScenario(t, "cip", "tight", 400_000_00)
	if err := s.SaveCapitalScenario(ctx, a2); err != nil {
		t.Fatal(err)
	}
	list, err := s.CapitalScenarios(ctx, "cip")
	if err != nil || len(list) != 2 || list[0].Name != "loose" || list[1].Name != "tight" {
		t.Fatalf("scenarios (oldest first, a replaced one is newest): %+v %v", list, err)
	}
	if list[1].Settings[0] != a2.Settings[0] || list[1].Objective != a2.Result.Objective || list[1].Equity.PerResident[4] != 5 {
		t.Fatalf("scenario info %+v", list[1])
	}
	if _, err := s.CapitalScenarios(ctx, "nope"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("scenarios of a missing plan: %v", err)
	}
	if err := s.DeleteCapitalScenario(ctx, "cip", "loose"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCapitalScenario(ctx, "cip", "loose"); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("delete twice: %v", err)
	}
	if ps, _ := s.CapitalPlans(ctx); ps[0].Scenarios != 1 {
		t.Fatalf("scenario count %d, want 1", ps[0].Scenarios)
	}
}

func releaseChecks(t *testing.T, s Store) {
	ctx := context.Background()
	if err := s.SetCapitalRelease(ctx, projects.Release{Plan: "nope", Released: true, By: "x"}); budget.ErrorCode(err) != budget.ENOTFOUND {
		t.Fatalf("release of a missing plan: %v", err)
	}
	if err := s.SetCapitalRelease(ctx, projects.Release{Plan: "cip", Released: true}); budget.ErrorCode(err) != budget.EINVALID {
		t.Fatalf("release without By: %v", err)
	}
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	if err := s.SetCapitalRelease(ctx, projects.Release{Plan: "cip", Released: true, By: "clerk", Note: "council vote", At: at}); err != nil {
		t.Fatal(err)
	}
	if ps, _ := s.CapitalPlans(ctx); !ps[0].Released {
		t.Fatal("released plan listed as held")
	}
	log, err := s.CapitalReleaseLog(ctx)
	if err != nil || len(log) != 1 || !log[0].At.Equal(at) || log[0].By != "clerk" || log[0].Note != "council vote" || !log[0].Released {
		t.Fatalf("log %+v %v", log, err)
	}
	// importing the plan again replaces its scenarios and holds it
	if err := s.SaveCapitalPlan(ctx, testPlan("cip")); err != nil {
		t.Fatal(err)
	}
	ps, _ := s.CapitalPlans(ctx)
	if ps[0].Released || ps[0].Scenarios != 0 {
		t.Fatalf("after import again: %+v, want held and no scenarios", ps[0])
	}
	if log, _ := s.CapitalReleaseLog(ctx); len(log) != 2 || log[1].Released {
		t.Fatalf("log after import again: %+v", log)
	}
}

// geoTableSuite checks that a layer of areas without boundaries
// round-trips: no shapes, no points, NoGeometry kept (also in listings).
func geoTableSuite(t *testing.T, newStore Factory) {
	ctx := context.Background()
	s := newStore(t)
	defer s.Close()
	l := &geo.Layer{Name: "wards", Source: "wards.csv", SourceHash: "beef", NoGeometry: true}
	for i, id := range []string{"1", "2", "22"} {
		l.Areas = append(l.Areas, geo.Area{ID: id, Name: "Ward " + id, Population: float64(1000 * (i + 1)), Attrs: map[string]string{"income": "50000"}, Props: map[string]any{"income": "50000"}})
	}
	if err := s.SaveLayer(ctx, l); err != nil {
		t.Fatal(err)
	}
	got, err := s.Layer(ctx, "wards")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, l) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, l)
	}
	infos, err := s.Layers(ctx)
	if err != nil || len(infos) != 1 || !infos[0].NoGeometry || infos[0].Population != 6000 {
		t.Fatalf("layers %+v %v", infos, err)
	}
}
