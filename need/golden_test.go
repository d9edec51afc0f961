package need

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// rounded re-encodes v as indented JSON with numbers rounded to 10
// significant digits, so golden files do not depend on the last bits of
// floating point (which FMA on some platforms may change).
func rounded(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var g any
	json.Unmarshal(b, &g)
	var walk func(x any) any
	walk = func(x any) any {
		switch x := x.(type) {
		case float64:
			r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 10, 64), 64)
			return r
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
		case map[string]any:
			for k := range x {
				x[k] = walk(x[k])
			}
		}
		return x
	}
	out, _ := json.MarshalIndent(walk(g), "", "  ")
	return append(out, '\n')
}

// golden compares got with testdata/name (rewritten with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./need -run Golden -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; if the change is intended, run go test ./need -run Golden -update\ngot:\n%s", name, got)
	}
}

// TestGoldenExplanations keeps the explanations of a CES 4.0 tract (from
// the published percentiles) and of the two CEJST fixture tracts.
func TestGoldenExplanations(t *testing.T) {
	tab, err := ReadTable(fixture.Data(t, "la/need/ces4_sb535_dac_2022.csv"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := Preset("ces4")
	res, err := Compute(spec, tab, Options{UsePublished: true})
	if err != nil {
		t.Fatal(err)
	}
	a, ok := res.Find("6037204920")
	if !ok {
		t.Fatal("tract 6037204920 missing")
	}
	golden(t, "explain_ces4_6037204920.json", rounded(t, Explain(res, a)))

	ct, err := ReadTable(fixture.Shared(t, "reference/cejst/score_data_initial.csv"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := Preset("cejst")
	cres, err := Compute(cs, ct, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var all []Explanation
	for i := range cres.Areas {
		all = append(all, Explain(cres, i))
	}
	golden(t, "explain_cejst_fixture.json", rounded(t, all))
}
