package need

import (
	"math"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/geo"
	"github.com/budgetlens/budgetlens/internal/fixture"
)

// cejstColumns maps the preset's flags to the fixture's expected columns.
var cejstColumns = map[string]string{
	"climate":                      "Climate Factor (Definition N)",
	"energy":                       "Energy Factor (Definition N)",
	"transportation":               "Transportation Factor (Definition N)",
	"housing":                      "Housing Factor (Definition N)",
	"legacy_pollution":             "Pollution Factor (Definition N)",
	"water":                        "Water Factor (Definition N)",
	"health":                       "Health Factor (Definition N)",
	"workforce":                    "Workforce Factor (Definition N)",
	"disadvantaged":                "Definition N (communities)",
	"low_income":                   "Is low income (imputed and adjusted)?",
	"low_income_adjacency":         "Meets the less stringent low income criterion for the adjacency index?",
	"disadvantaged_with_adjacency": "Definition N community, including adjacency index tracts",
}

// TestCEJSTFixture: every flag equals CEJST's own output for the fixture
// tracts (categories, low-income tests, designation before and after the
// adjacency rule), and the category count equals "Total categories
// exceeded".
func TestCEJSTFixture(t *testing.T) {
	tab, err := ReadTable(fixture.Shared(t, "reference/cejst/score_data_initial.csv"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := Preset("cejst")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Compute(spec, tab, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for flag, col := range cejstColumns {
		want, err := tab.Text(col)
		if err != nil {
			t.Fatal(err)
		}
		for a, ar := range res.Areas {
			w := strings.EqualFold(want[a], "true")
			if ar.Flags[flag] != w {
				t.Errorf("tract %s %s: got %v, fixture %v", ar.ID, flag, ar.Flags[flag], w)
			}
			checked++
		}
	}
	total, _ := tab.Numbers("Total categories exceeded")
	for a, ar := range res.Areas {
		if float64(ar.Score) != total[a] {
			t.Errorf("tract %s: %v categories, fixture %v", ar.ID, ar.Score, total[a])
		}
	}
	if checked != 2*len(cejstColumns) {
		t.Fatalf("checked %d flags", checked)
	}
	// one tract is designated only through a category; the explanation says why
	e := Explain(res, 1)
	if !strings.Contains(e.Sentence, "disadvantaged") || !strings.Contains(e.Sentence, ">= 0.65") {
		t.Errorf("explanation: %q", e.Sentence)
	}
}

// TestCEJSTAdjacencyPolygons: with neighbours from the fixture polygons
// (geo.Adjacency, queen contiguity), the one tract not included but
// surrounded by included tracts becomes disadvantaged through the adjacency
// rule, and no other tract changes.
func TestCEJSTAdjacencyPolygons(t *testing.T) {
	scores, err := ReadTable(fixture.Shared(t, "reference/cejst/scores.csv"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	layer, _, err := geo.ReadFile(fixture.Shared(t, "reference/cejst/us.geojson"), geo.ImportOptions{IDField: "GEOID10"})
	if err != nil {
		t.Fatal(err)
	}
	included, _ := scores.Text("included")
	base := make([]bool, len(layer.Areas))
	for a, id := range scores.Areas {
		i, ok := layer.Index(id)
		if !ok {
			t.Fatalf("tract %s not in us.geojson", id)
		}
		base[i] = included[a] == "True"
	}
	adj := geo.Adjacency(layer, geo.Queen)
	gate := make([]bool, len(base))
	for i := range gate {
		gate[i] = true // the fixture has no income; every tract passes the gate
	}
	share, final := AdjacencyRule(base, gate, adj, 1.0)
	changed := 0
	for i, a := range layer.Areas {
		if final[i] != base[i] {
			changed++
			if a.ID != "24027603004" {
				t.Errorf("tract %s changed by adjacency (share %.3f)", a.ID, share[i])
			}
		}
	}
	i, _ := layer.Index("24027603004")
	if !final[i] || share[i] != 1 || changed != 1 {
		t.Fatalf("24027603004: share %.3f final %v; %d changed", share[i], final[i], changed)
	}
	if n := len(adj[i]); n < 3 {
		t.Fatalf("24027603004 has %d neighbours", n)
	}
}

// TestCEJSTDropFromPercentile: tracts removed from ranking (missing
// values) get no percentile and do not count in the denominator; the
// others are ranked rank/n with average ties, as CEJST's percentile does.
func TestCEJSTDropFromPercentile(t *testing.T) {
	tab, err := ReadTable(fixture.Shared(t, "reference/cejst/test_drop_tracts_from_percentile.csv"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := tab.Numbers("to_rank")
	if err != nil {
		t.Fatal(err)
	}
	full := Percentile(v, PercentileOptions{})
	for a := range v {
		if math.Abs(full[a]-v[a]/100) > 1e-12 {
			t.Fatalf("value %v: percentile %v", v[a], full[a])
		}
	}
	drop := map[string]bool{"1": true, "2": true, "50": true, "100": true}
	w := append([]float64(nil), v...)
	for a, id := range tab.Areas {
		if drop[id] {
			w[a] = math.NaN()
		}
	}
	p := Percentile(w, PercentileOptions{})
	for a, id := range tab.Areas {
		if drop[id] {
			if !math.IsNaN(p[a]) {
				t.Errorf("dropped tract %s ranked %v", id, p[a])
			}
			continue
		}
		below := 0
		for b := range v {
			if !drop[tab.Areas[b]] && v[b] <= v[a] {
				below++
			}
		}
		if want := float64(below) / 96; math.Abs(p[a]-want) > 1e-12 {
			t.Errorf("tract %s: %v, want %v", id, p[a], want)
		}
	}
}

func TestCEJSTSentences(t *testing.T) {
	tab, err := ReadTable(fixture.Shared(t, "reference/cejst/score_data_initial.csv"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := Preset("cejst")
	res, err := Compute(spec, tab, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"01073001100: not disadvantaged: ",
		"01073001400: disadvantaged: climate (building loss percentile 0.92 >= 0.90 and low income percentile 0.79 >= 0.65)",
	}
	for a := range res.Areas {
		s := Explain(res, a).Sentence
		t.Log(s)
		if !strings.HasPrefix(s, want[a]) {
			t.Errorf("sentence %q, want prefix %q", s, want[a])
		}
	}
	if s := Explain(res, 0).Sentence; !strings.Contains(s, "legacy_pollution: rmp percentile 0.90 >= 0.90 but low income percentile 0.61 < 0.65") {
		t.Errorf("missed category not explained: %q", s)
	}
}
