package metrics

import (
	"encoding/json"
	"math"
	"os"
	"strconv"
	"testing"
)

// healthequalVector checks WHO healthequal's ti/mld on the inputs its tests
// draw from R's generator (regenerated once with Rscript; see
// testdata/healthequal_inputs.json).
func healthequalVector(t *testing.T, v vector) {
	b, err := os.ReadFile("testdata/healthequal_inputs.json")
	if err != nil {
		t.Fatal(err)
	}
	var in struct{ Pop, Est, SE []float64 }
	if err := json.Unmarshal(b, &in); err != nil {
		t.Fatal(err)
	}
	e := decode[map[string]float64](t, v.Expected)
	tol := v.tol(t, "")
	ti := must(SubgroupTheil(in.Est, in.SE, in.Pop))
	near(t, "ti x 1000", 1000*ti.Value, e["ti"], tol)
	near(t, "ti_se", ti.SE, e["ti_se"], tol)
	mld := must(SubgroupMLD(in.Est, in.SE, in.Pop))
	near(t, "mld x 1000", 1000*mld.Value, e["mld"], tol)
	near(t, "mld_se", mld.SE, e["mld_se"], tol)
}

type accessInputs struct {
	IDs        []string   `json:"ids"`
	Access     []float64  `json:"access"`
	Population []float64  `json:"population"`
	Income     []*float64 `json:"income"`
}

func accessibilityConcentration(t *testing.T, v vector) {
	in := decode[accessInputs](t, v.Inputs)
	e := decode[map[string]float64](t, v.Expected)
	tol := v.tol(t, "")
	run := func(label string, drop string) {
		var y, r, w []float64
		lo, hi := math.Inf(1), math.Inf(-1)
		for i, id := range in.IDs {
			if id == drop {
				continue
			}
			lo, hi = math.Min(lo, in.Access[i]), math.Max(hi, in.Access[i])
			if in.Income[i] == nil { // NA income (its population is 0)
				continue
			}
			y = append(y, in.Access[i])
			r = append(r, *in.Income[i])
			w = append(w, in.Population[i])
		}
		c := must(ConcentrationIndex(y, r, w))
		near(t, "standard"+label, c.Index, e["standard"+label], tol)
		er := must(c.Erreygers(lo, hi))
		near(t, "corrected"+label, er.Index, e["corrected"+label], tol)
	}
	run("_5ids", "")
	run("_without_89a88cdb5cfffff", "89a88cdb5cfffff")
}

// accessibilityPalma uses the income cut-offs stated in the vector
// (Hmisc::wtd.quantile over the 898 hexagons: q40 = 1208.6, q90 = 3741.6).
func accessibilityPalma(t *testing.T, v vector) {
	cols := dataset(t, "accessibility_selected_hex_access30.csv", 0)
	params := decode[struct{ IDs []string }](t, v.Params)
	want := map[string]bool{}
	for _, id := range params.IDs {
		want[id] = true
	}
	var x, w, r []float64
	for i, id := range cols["id"] {
		if !want[id] {
			continue
		}
		x = append(x, floats(t, cols["jobs_access_30min"][i:i+1])[0])
		w = append(w, floats(t, cols["population"][i:i+1])[0])
		inc, err := strconv.ParseFloat(cols["income_per_capita"][i], 64)
		if err != nil {
			inc = math.NaN()
		}
		r = append(r, inc)
	}
	if len(x) != len(params.IDs) {
		t.Fatalf("found %d of %d ids", len(x), len(params.IDs))
	}
	got := must(PalmaMeanRatio(x, w, r, 1208.6, 3741.6))
	near(t, "palma (ratio of means)", got, decode[float64](t, v.Expected), v.tol(t, ""))
}
