package need

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestXLSXRoundTrip: a run written as XLSX reads back as an indicator table
// (XLSX input) with the same scores; the GeoJSON has one feature per area.
func TestXLSXRoundTrip(t *testing.T) {
	tab, err := ReadTable(writeFile(t, "in.csv", "GEOID,Total Population,a,b\n1,10,1,5\n2,20,2,4\n3,30,3,NA\n"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec := &Spec{Name: "t", Version: "1", Method: "composite", Normalise: Normalisation{Method: "percentile", Scale: 100}, Population: "Total Population",
		Indicators: []IndicatorSpec{{Name: "a"}, {Name: "b"}},
		Components: []Component{{Name: "c", Domains: []Domain{{Name: "d", Indicators: []string{"a", "b"}}}}},
		Tiers:      Tiers{Method: "cuts", On: "score", Cuts: []float64{60}, Labels: []string{"low", "high"}}}
	res, err := Compute(spec, tab, Options{})
	if err != nil {
		t.Fatal(err)
	}
	run := NewRun(res, []Input{{Role: "indicators", File: tab.File, Hash: tab.Hash}}, "l", false)
	path := filepath.Join(t.TempDir(), "out.xlsx")
	if err := WriteFile(path, run, nil); err != nil {
		t.Fatal(err)
	}
	back, err := ReadTable(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := back.Numbers("score")
	if err != nil {
		t.Fatal(err)
	}
	for a := range sc {
		if math.Abs(sc[a]-float64(run.Areas[a].Score)) > 1e-9 {
			t.Fatalf("area %s: %v vs %v", back.Areas[a], sc[a], run.Areas[a].Score)
		}
	}
	var g bytes.Buffer
	if err := WriteGeoJSON(&g, run, nil); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(g.String(), `"type":"Feature"`); n != 3 {
		t.Fatalf("%d features", n)
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "x.txt"), run, nil); err == nil {
		t.Fatal("unknown extension accepted")
	}
	e := Explain(res, 2)
	if !strings.Contains(e.Sentence, "score ") || !strings.Contains(e.Sentence, " 60") {
		t.Fatalf("sentence %q", e.Sentence)
	}
}
