package main

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

// TestIndexCES4 runs the documented check: every tract's score within 0.01
// of the published CES 4.0 score; then explain, sensitivity, runs.
func TestIndexCES4(t *testing.T) {
	t.Parallel()
	in := fixture.Data(t, "la/need/ces4_sb535_dac_2022.csv")
	db := tempDB(t)
	out := filepath.Join(t.TempDir(), "ces4.csv")
	code, stdout, stderr := run(t, "--db", db, "index", "run", "--preset", "ces4", "--indicators", in, "--use-published-percentiles", "--out", out)
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "run 1: ces4") {
		t.Fatalf("stdout %q", stdout)
	}
	oc, orows := fixture.ReadCSV(t, out)
	for _, c := range []string{"area_id", "score", "pollution_burden_score", "pop_char_score"} {
		if _, ok := oc[c]; !ok {
			t.Fatalf("output has no %s column", c)
		}
	}
	score := map[string]string{}
	for _, r := range orows {
		score[r[oc["area_id"]]] = r[oc["score"]]
	}
	pc, prows := fixture.ReadCSV(t, in)
	for _, r := range prows {
		got, err1 := strconv.ParseFloat(score["0"+r[pc["Census Tract"]]], 64) // tract GEOIDs come out with their 11 digits
		want, err2 := strconv.ParseFloat(r[pc["CES 4.0 Score"]], 64)
		if err1 != nil || err2 != nil || math.Abs(got-want) > 0.01 {
			t.Fatalf("tract %s: score %q, published %q", r[pc["Census Tract"]], score[r[pc["Census Tract"]]], r[pc["CES 4.0 Score"]])
		}
	}
	code, stdout, _ = run(t, "--db", db, "index", "explain", "--area", "6037204920")
	if code != 0 || !strings.Contains(stdout, "6037204920: SB 535 disadvantaged") || !strings.Contains(stdout, "pollution_burden 9.48 x pop_char 8.69") {
		t.Fatalf("explain: %d %q", code, stdout)
	}
	if code, _, stderr = run(t, "--db", db, "index", "run", "--preset", "cejst", "--indicators", fixture.Shared(t, "reference/cejst/score_data_initial.csv")); code != 0 {
		t.Fatalf("cejst run: %s", stderr)
	}
	code, stdout, stderr = run(t, "--db", db, "index", "sensitivity", "--runs", "1000", "--show", "5")
	if !strings.Contains(stderr, "analysing run 1 (ces4)") {
		t.Fatalf("sensitivity after a thresholds run: %q", stderr)
	}
	if code != 0 || !strings.Contains(stdout, "1000 Monte Carlo runs") || !strings.Contains(stdout, "rank 5-95%") || !strings.Contains(stdout, "share of rank variance") {
		t.Fatalf("sensitivity: %d %q %s", code, stdout, stderr)
	}
	code, stdout, stderr = run(t, "--db", db, "index", "explain", "--area", "6037204920")
	if code != 0 || !strings.Contains(stderr, "explaining run 1 (ces4)") || !strings.Contains(stdout, "6037204920: SB 535 disadvantaged") {
		t.Fatalf("explain after a cejst run: %d %q %q", code, stdout, stderr)
	}
	code, stdout, _ = run(t, "--db", db, "index", "explain", "--area", "999")
	if code == 0 {
		t.Fatalf("unknown area accepted: %q", stdout)
	}
	code, stdout, _ = run(t, "--db", db, "index", "runs", "--format", "csv")
	if code != 0 || !strings.Contains(stdout, "1,ces4,4.0,") || !strings.Contains(stdout, "2,cejst,1.0,") {
		t.Fatalf("runs: %q", stdout)
	}
}

// TestIndexCEJST: every flag equals the fixture's.
func TestIndexCEJST(t *testing.T) {
	t.Parallel()
	in := fixture.Shared(t, "reference/cejst/score_data_initial.csv")
	out := filepath.Join(t.TempDir(), "cejst.csv")
	code, _, stderr := run(t, "--db", tempDB(t), "index", "run", "--preset", "cejst", "--indicators", in, "--out", out)
	if code != 0 {
		t.Fatalf("code %d: %s", code, stderr)
	}
	oc, orows := fixture.ReadCSV(t, out)
	fc, frows := fixture.ReadCSV(t, in)
	pairs := map[string]string{
		"disadvantaged": "Definition N (communities)", "disadvantaged_with_adjacency": "Definition N community, including adjacency index tracts",
		"climate": "Climate Factor (Definition N)", "energy": "Energy Factor (Definition N)", "transportation": "Transportation Factor (Definition N)",
		"housing": "Housing Factor (Definition N)", "legacy_pollution": "Pollution Factor (Definition N)", "water": "Water Factor (Definition N)",
		"health": "Health Factor (Definition N)", "workforce": "Workforce Factor (Definition N)",
	}
	for i := range frows {
		if orows[i][oc["area_id"]] != frows[i][fc["GEOID10_TRACT"]] {
			t.Fatalf("row %d: %s vs %s", i, orows[i][oc["area_id"]], frows[i][fc["GEOID10_TRACT"]])
		}
		for o, f := range pairs {
			if got, want := orows[i][oc[o]], strings.ToLower(frows[i][fc[f]]); got != want {
				t.Errorf("tract %s %s: %s, fixture %s", orows[i][0], o, got, want)
			}
		}
	}
}

// TestIndexCES3 recomputes CES 3.0 from raw values and reports the match.
func TestIndexCES3(t *testing.T) {
	t.Parallel()
	in := fixture.Data(t, "la/need/ces3_results_all_ca_tracts.csv")
	out := filepath.Join(t.TempDir(), "ces3.xlsx")
	db := tempDB(t)
	code, stdout, stderr := run(t, "--db", db, "index", "run", "--preset", "ces3", "--indicators", in, "--out", out, "--layer", "tracts2010")
	if code != 0 || !strings.Contains(stdout, "8035 areas") {
		t.Fatalf("code %d: %s %s", code, stdout, stderr)
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() < 100000 {
		t.Fatalf("xlsx: %v", err)
	}
	// a second run over the same tracts with another preset, then compare
	code, _, stderr = run(t, "--db", db, "index", "run", "--preset", "percentile-average", "--indicators", in, "--out", filepath.Join(t.TempDir(), "pa.geojson"))
	if code != 0 {
		t.Fatalf("percentile-average: %s", stderr)
	}
	code, stdout, _ = run(t, "--db", db, "index", "compare", "1", "2")
	if code != 0 || !strings.Contains(stdout, "8035 areas in both") || !strings.Contains(stdout, "Spearman") {
		t.Fatalf("compare: %q", stdout)
	}
	code, stdout, _ = run(t, "--db", db, "index", "compare", "1", "2", "--area", "6037204920")
	if code != 0 || !strings.Contains(stdout, "run 1 (ces3 3.0): 06037204920: SB 535") || !strings.Contains(stdout, "run 2 (percentile-average 1): 06037204920:") || !strings.Contains(stdout, "normalised A") {
		t.Fatalf("compare --area: %q", stdout)
	}
}

func TestIndexBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("Census Tract,Ozone\n1,0.05\n2,high\n"), 0o644)
	spec := filepath.Join(dir, "s.yaml")
	os.WriteFile(spec, []byte("name: s\nversion: '1'\nmethod: composite\nnormalise: {method: percentile}\nindicators: [{name: Ozone}]\ncomponents: [{name: c, domains: [{name: d, indicators: [Ozone]}]}]\n"), 0o644)
	code, _, stderr := run(t, "--db", tempDB(t), "index", "run", "--spec", spec, "--indicators", bad)
	if code != 2 || !strings.Contains(stderr, "bad.csv:3:2") || !strings.Contains(stderr, `"high"`) {
		t.Fatalf("code %d stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "--db", tempDB(t), "index", "run", "--preset", "nope", "--indicators", bad)
	if code != 2 || !strings.Contains(stderr, "ces4") {
		t.Fatalf("unknown preset: %d %q", code, stderr)
	}
	empty := tempDB(t)
	run(t, "--db", empty, "init")
	code, _, stderr = run(t, "--db", empty, "index", "explain", "--area", "1")
	if code == 0 || !strings.Contains(stderr, "no need-index run") {
		t.Fatalf("explain without runs: %d %q", code, stderr)
	}
}

// TestIndexImportRoundTrip: indicators imported into the store give the
// same index as the file itself.
func TestIndexImportRoundTrip(t *testing.T) {
	t.Parallel()
	in := fixture.Data(t, "la/need/ces4_sb535_dac_2022.csv")
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	meta := filepath.Join(dir, "meta.csv")
	os.WriteFile(meta, []byte("indicator,domain,direction,unit,source,year\nOzone,exposures,higher,ppm,CARB,2019\nPoverty,socioeconomic,higher,%,ACS,2019\n"), 0o644)
	code, stdout, stderr := run(t, "--db", db, "index", "import", in, "--layer", "tracts2010", "--period", "ces4", "--meta", meta)
	if code != 0 || !strings.Contains(stdout, "2284 areas") {
		t.Fatalf("import: %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr = run(t, "--db", db, "index", "run", "--preset", "ces4", "--layer", "tracts2010", "--period", "ces4", "--use-published-percentiles"); code != 0 {
		t.Fatalf("run from store: %s", stderr)
	}
	if code, _, stderr = run(t, "--db", db, "index", "run", "--preset", "ces4", "--indicators", in, "--use-published-percentiles"); code != 0 {
		t.Fatalf("run from file: %s", stderr)
	}
	code, stdout, _ = run(t, "--db", db, "index", "compare", "1", "2", "--format", "json")
	if code != 0 || !strings.Contains(stdout, `"common_areas": 2284`) || !strings.Contains(stdout, `"spearman_rho": 1,`) || !strings.Contains(stdout, `"tier_moves": null`) {
		t.Fatalf("compare: %q", stdout)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("GEOID,poverty\n1,0.2\n2,x\n"), 0o644)
	code, _, stderr = run(t, "--db", db, "index", "import", bad, "--layer", "t", "--columns", "poverty")
	if code != 2 || !strings.Contains(stderr, "bad.csv:3:2") {
		t.Fatalf("bad import: %d %q", code, stderr)
	}
}

// TestIndexCEJSTNeighbours: --neighbours builds the adjacency from polygons
// and the run records the polygons' hash; without a burden input every
// tract keeps its flags and the neighbour share is computed.
func TestIndexCEJSTNeighbours(t *testing.T) {
	t.Parallel()
	poly := fixture.Shared(t, "reference/cejst/us.geojson")
	dir := t.TempDir()
	// one tract of us.geojson with the fixture's second tract's inputs
	in := fixture.Shared(t, "reference/cejst/score_data_initial.csv")
	b, _ := os.ReadFile(in)
	lines := strings.SplitN(string(b), "\n", 4)
	row := strings.Replace(lines[2], "01073001400", "24027603004", 1)
	f := filepath.Join(dir, "one.csv")
	os.WriteFile(f, []byte(lines[0]+"\n"+row+"\n"), 0o644)
	db := tempDB(t)
	code, _, stderr := run(t, "--db", db, "index", "run", "--preset", "cejst", "--indicators", f, "--neighbours", poly, "--neighbour-id", "GEOID10", "--out", filepath.Join(dir, "o.geojson"))
	if code != 0 {
		t.Fatalf("%d %s", code, stderr)
	}
	code, stdout, _ := run(t, "--db", db, "index", "runs", "--format", "json")
	if code != 0 || !strings.Contains(stdout, `"spec": "cejst"`) {
		t.Fatalf("runs %q", stdout)
	}
	g, err := os.ReadFile(filepath.Join(dir, "o.geojson"))
	if err != nil || !strings.Contains(string(g), `"MultiPolygon"`) || !strings.Contains(string(g), `"disadvantaged":true`) {
		t.Fatalf("geojson: %v %.300s", err, g)
	}
}
