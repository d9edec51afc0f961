package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/budgetlens/budgetlens/analysis"
	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/city"
	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/ingest"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/need"
)

// LAFiles are the real LA FY2021-22 budget files FillLA imports (all ten
// shipped exports).
func LAFiles(tb testing.TB) []string {
	tb.Helper()
	dir := filepath.Dir(fixture.Data(tb, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv"))
	files, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no LA budget files in %s: %v", dir, err)
	}
	return files
}

// LABatches reads the LA FY2021-22 files into batches.
func LABatches(tb testing.TB) []*budget.Batch {
	tb.Helper()
	var out []*budget.Batch
	for _, f := range LAFiles(tb) {
		bs, err := ingest.File(f, ingest.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, bs...)
	}
	return out
}

// FillLA builds a store the way an LA analyst would, from the real files
// shipped in testdata: the ten FY2021-22 budget exports, then a second
// publication of the Sec2 expenditures (its last line item dropped: a new
// version that supersedes the first), the 2025 council districts and
// neighbourhood councils (the districts saved twice: a replaced layer),
// the CES 3.0 tracts of the city as points, CES 3.0 recomputed as a need
// run, two ACS indicator imports, the ACS population groups, and an
// analysis of the proposed budget by council district (19 replicates, to
// stay quick). It returns the analysis.
func FillLA(t testing.TB, s Store) *analysis.Record {
	t.Helper()
	ctx := context.Background()
	for _, b := range LABatches(t) {
		if _, err := s.ImportBatch(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	importSecondSec2(t, s)
	cd, nc, tracts := laLayers(t)
	for _, l := range []*geo.Layer{cd, nc, cd, tracts} {
		if err := s.SaveLayer(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	run := laNeedRun(t, tracts)
	if _, err := s.SaveRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	laIndicators(t, s)
	groups, err := analysis.ReadGroupCounts(fixture.Data(t, "la/acs/acs2019_race_poverty_gini_all_ca_tracts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	gb, err := json.Marshal(groups)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveDataset(ctx, &analysis.Dataset{Kind: "groups", Name: "acs", Source: filepath.Base(groups.Source), SHA256: groups.Hash, Body: gb}); err != nil {
		t.Fatal(err)
	}
	rec := AnalyzeLA(t, s, groups)
	if _, err := s.SaveAnalysis(ctx, rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// importSecondSec2 imports the Sec2 expenditures again without their last
// data line: a new version of the dataset.
func importSecondSec2(t testing.TB, s Store) {
	t.Helper()
	src := fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	trimmed := bytes.TrimRight(data, "\r\n")
	trimmed = trimmed[:bytes.LastIndexByte(trimmed, '\n')+1]
	p := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(p, trimmed, 0o644); err != nil {
		t.Fatal(err)
	}
	bs, err := ingest.File(p, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		run, err := s.ImportBatch(context.Background(), b)
		if err != nil {
			t.Fatal(err)
		}
		if run.Superseded == 0 {
			t.Fatalf("the second Sec2 publication superseded nothing: %+v", run)
		}
	}
}

// laLayers reads the council districts, the neighbourhood councils and the
// CES 3.0 tracts of the city (points).
func laLayers(t testing.TB) (cd, nc, tracts *geo.Layer) {
	t.Helper()
	var err error
	if cd, _, err = geo.ReadFile(fixture.Data(t, "la/boundaries/council_districts_2025.geojson"), geo.ImportOptions{Layer: "council_districts", IDField: "District", NameField: "District_Name"}); err != nil {
		t.Fatal(err)
	}
	if nc, _, err = geo.ReadFile(fixture.Data(t, "la/boundaries/neighborhood_councils_2025.geojson"), geo.ImportOptions{Layer: "neighborhood_councils", IDField: "Name", NameField: "Name"}); err != nil {
		t.Fatal(err)
	}
	ces, err := need.ReadTable(fixture.Data(t, "la/need/ces3_results_all_ca_tracts.csv"), need.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	county, err := analysis.TractPointsTable(ces, "tracts", "Los Angeles")
	if err != nil {
		t.Fatal(err)
	}
	return cd, nc, analysis.Within(county, geo.NewIndex(cd), "tracts")
}

// laNeedRun recomputes CES 3.0 statewide and keeps the city's tracts.
func laNeedRun(t testing.TB, tracts *geo.Layer) *need.Run {
	t.Helper()
	path := fixture.Data(t, "la/need/ces3_results_all_ca_tracts.csv")
	ces, err := need.ReadTable(path, need.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := need.Preset("ces3")
	if err != nil {
		t.Fatal(err)
	}
	res, err := need.Compute(spec, ces, need.Options{})
	if err != nil {
		t.Fatal(err)
	}
	run := need.NewRun(res, []need.Input{{Role: "indicators", File: filepath.Base(path), Hash: ces.Hash}}, "tracts", false)
	in := map[string]bool{}
	for _, a := range tracts.Areas {
		in[a.ID] = true
	}
	kept := run.Areas[:0]
	for _, a := range run.Areas {
		if in[a.ID] {
			kept = append(kept, a)
		}
	}
	run.Areas = kept
	return run
}

// laIndicators imports ACS 2015-19 poverty, inequality and shares for
// California's tracts, then re-imports two of its columns (a partial
// replacement, as a corrected release would be).
func laIndicators(t testing.TB, s Store) {
	t.Helper()
	path := fixture.Data(t, "la/acs/acs2019_race_poverty_gini_all_ca_tracts.csv")
	tab, err := need.ReadTable(path, need.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, cols := range [][]string{{"Total", "Poverty", "Inequality", "pLatine", "pBlack"}, {"Poverty", "Inequality"}} {
		set, _, err := need.IndicatorSetFromTable(tab, "tracts", "2015-2019", cols)
		if err != nil {
			t.Fatal(err)
		}
		set.File, set.Hash = filepath.Base(path), tab.Hash
		set.Meta = []need.IndicatorMeta{{Name: "Poverty", Domain: "economic", Direction: "higher", Unit: "people", Source: "ACS 2015-19", Year: 2019}}
		if _, err := s.SaveIndicators(context.Background(), set); err != nil {
			t.Fatal(err)
		}
	}
}

// AnalyzeLA analyses the stored FY2021-22 proposed budget by council
// district with the stored need run, through the store reads the CLI's
// analyze uses.
func AnalyzeLA(t testing.TB, s Store, groups *analysis.GroupCounts) *analysis.Record {
	t.Helper()
	in, err := AnalysisInput(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	in.Groups = groups
	res, err := analysis.Analyze(in)
	if err != nil {
		t.Fatal(err)
	}
	return analysis.NewRecord(res)
}

// AnalysisInput reads what an analysis of LA's FY2021-22 proposed budget
// by council district needs, as the CLI's analyze does: the fiscal years,
// the layer, the latest need run and its tracts, the line items, the phase
// total, the requests and the import runs.
func AnalysisInput(ctx context.Context, s Store) (*analysis.Input, error) {
	fy := budget.FiscalYear{Start: 2021, StartMonth: 7}
	if _, err := s.FiscalYearsPhases(ctx, "la"); err != nil {
		return nil, err
	}
	layer, err := s.Layer(ctx, "council_districts")
	if err != nil {
		return nil, err
	}
	run, err := s.LatestRunForLayer(ctx, "tracts")
	if err != nil {
		return nil, err
	}
	small, err := s.Layer(ctx, run.Layer)
	if err != nil {
		return nil, err
	}
	la, err := city.Builtin("la")
	if err != nil {
		return nil, err
	}
	rules := la.Rules()
	f := budget.Filter{Jurisdiction: "la", FiscalYear: &fy, Phase: budget.Proposed, Kind: budget.Expenditure}
	items, err := s.LineItems(ctx, f)
	if err != nil {
		return nil, err
	}
	total, err := s.PhaseTotal(ctx, f)
	if err != nil {
		return nil, err
	}
	reqs, err := s.Requests(ctx, budget.Filter{Jurisdiction: "la", FiscalYear: &fy})
	if err != nil {
		return nil, err
	}
	if _, err := s.ImportRuns(ctx); err != nil {
		return nil, err
	}
	return &analysis.Input{Jurisdiction: "la", FiscalYear: fy, Phase: budget.Proposed, Items: items, PhaseTotal: total, Requests: reqs,
		Layer: layer, Run: run, Small: small, Rules: rules, Tiers: 5, Perms: 19, Seed: analysis.DefaultSeed}, nil
}
