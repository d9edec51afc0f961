package need

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// cejstTable writes a CEJST input table of the preset's columns: every
// percentile 0 and every flag 0 except those a row sets, and reads it.
func cejstTable(t *testing.T, spec *Spec, rows []map[string]float64) *Table {
	t.Helper()
	var cols []string
	for _, ind := range spec.Indicators {
		c := ind.Column
		if c == "" {
			c = ind.Name
		}
		cols = append(cols, c)
	}
	var b strings.Builder
	b.WriteString("GEOID10_TRACT,Total population")
	for _, c := range cols {
		b.WriteString(`,"` + c + `"`)
	}
	b.WriteString("\n")
	for i, r := range rows {
		b.WriteString("0600000" + strconv.Itoa(1000+i) + ",100")
		for k := range cols {
			b.WriteString("," + strconv.FormatFloat(r[spec.Indicators[k].Name], 'g', -1, 64))
		}
		b.WriteString("\n")
	}
	p := filepath.Join(t.TempDir(), "cejst.csv")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tab, err := ReadTable(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// TestCEJSTCutOffsAtEquality: CEJST's tests are "at or above" the 90th
// percentile and the 65th (low income) and 50th (adjacency) percentiles of
// low income, and "at or below" the 90th for median home value (the lead
// paint test): a tract exactly at a cut-off meets it, a hair on the wrong
// side does not.
func TestCEJSTCutOffsAtEquality(t *testing.T) {
	spec, err := Preset("cejst")
	if err != nil {
		t.Fatal(err)
	}
	const hair = 1e-9
	rows := []struct {
		name  string
		row   map[string]float64
		flag  string
		want  bool
		score float64
	}{
		{"burden and low income at their cut-offs", map[string]float64{"low_income": 0.65, "pm25": 0.90}, "disadvantaged", true, 1},
		{"low income a hair below 0.65", map[string]float64{"low_income": 0.65 - hair, "pm25": 0.90}, "disadvantaged", false, 0},
		{"burden a hair below 0.90", map[string]float64{"low_income": 0.65, "pm25": 0.90 - hair}, "disadvantaged", false, 0},
		{"lead paint with home value at 0.90", map[string]float64{"low_income": 0.65, "lead_paint": 0.90, "median_home_value": 0.90}, "disadvantaged", true, 1},
		{"lead paint with home value a hair above 0.90", map[string]float64{"low_income": 0.65, "lead_paint": 0.90, "median_home_value": 0.90 + hair}, "disadvantaged", false, 0},
		{"adjacency with low income at 0.50", map[string]float64{"low_income": 0.50, "neighbour_share": 1}, "disadvantaged_with_adjacency", true, 0},
		{"adjacency with low income a hair below 0.50", map[string]float64{"low_income": 0.50 - hair, "neighbour_share": 1}, "disadvantaged_with_adjacency", false, 0},
		{"adjacency with one neighbour short", map[string]float64{"low_income": 0.50, "neighbour_share": 1 - hair}, "disadvantaged_with_adjacency", false, 0},
		{"workforce with 10% without a diploma", map[string]float64{"less_than_high_school": 0.10, "unemployment": 0.90}, "disadvantaged", true, 1},
		{"workforce a hair below 10%", map[string]float64{"less_than_high_school": 0.10 - hair, "unemployment": 0.90}, "disadvantaged", false, 0},
	}
	var in []map[string]float64
	for _, r := range rows {
		in = append(in, r.row)
	}
	res, err := Compute(spec, cejstTable(t, spec, in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		ar := res.Areas[i]
		if ar.Flags[r.flag] != r.want || float64(ar.Score) != r.score {
			t.Errorf("%s: %s = %v with %v categories, want %v with %v", r.name, r.flag, ar.Flags[r.flag], ar.Score, r.want, r.score)
		}
	}
}

// TestThresholdNormalisationAtEquality: the threshold normalisation is 1 at
// or above the threshold (at or below for indicators where lower is need),
// 0 otherwise, and missing stays missing.
func TestThresholdNormalisationAtEquality(t *testing.T) {
	raw := []float64{4.999999, 5, 5.000001, math.NaN()}
	n := Normalisation{Method: "threshold", Threshold: 5}
	for _, tc := range []struct {
		lower bool
		want  []float64
	}{{false, []float64{0, 1, 1, math.NaN()}}, {true, []float64{1, 1, 0, math.NaN()}}} {
		got := Normalise(raw, n, tc.lower)
		for i := range got {
			if !(got[i] == tc.want[i] || math.IsNaN(got[i]) && math.IsNaN(tc.want[i])) {
				t.Errorf("lower=%v: %v, want %v", tc.lower, got, tc.want)
				break
			}
		}
	}
}
