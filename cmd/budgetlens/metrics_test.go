package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

func refData(t *testing.T, name string) string {
	t.Helper()
	return fixture.Shared(t, filepath.Join("reference", "datasets", name))
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func decodeJSON(t *testing.T, out string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("output is not one JSON object: %v\n%s", err, out)
	}
	return m
}

func closeTo(t *testing.T, m map[string]any, key string, want, tol float64) {
	t.Helper()
	got, ok := m[key].(float64)
	if !ok || math.Abs(got-want) > tol {
		t.Errorf("%s = %v, want %v ± %g", key, m[key], want, tol)
	}
}

func TestMetricsJSONKeys(t *testing.T) {
	t.Parallel()
	in := refData(t, "mexico_mexico.csv")
	code, out, errOut := run(t, "metrics", "--in", in, "--value", "pcgdp1940", "--rank-by", "pcgdp2000", "--group", "hanson98", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m := decodeJSON(t, out)
	for _, k := range []string{"n", "gini", "theil_t", "mld", "cv", "palma", "s80_s20", "atkinson",
		"concentration_index", "concentration_index_se", "concentration_index_ci", "theil_t_between", "theil_t_within"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %q missing", k)
		}
	}
	closeTo(t, m, "n", 32, 0)
	closeTo(t, m, "gini", 0.3537237117345285, 1e-12) // PySAL test_gini
	closeTo(t, m, "theil_t", 0.20894344, 1.5e-7)     // PySAL test_theil
	atk := m["atkinson"].(map[string]any)
	for _, e := range []string{"0.5", "1", "2"} {
		if _, ok := atk[e].(float64); !ok {
			t.Errorf("atkinson[%s] = %v", e, atk[e])
		}
	}
	ci := m["concentration_index_ci"].([]any)
	c := m["concentration_index"].(float64)
	if lo, hi := ci[0].(float64), ci[1].(float64); !(lo < c && c < hi) {
		t.Errorf("interval [%v, %v] does not contain C = %v", lo, hi, c)
	}
	tb, tw := m["theil_t_between"].(float64), m["theil_t_within"].(float64)
	if math.Abs(tb+tw-m["theil_t"].(float64)) > 1e-12 {
		t.Errorf("between %v + within %v != total %v", tb, tw, m["theil_t"])
	}
	// Same seed, same interval.
	_, out2, _ := run(t, "metrics", "--in", in, "--value", "pcgdp1940", "--rank-by", "pcgdp2000", "--format", "json")
	ci2 := decodeJSON(t, out2)["concentration_index_ci"].([]any)
	if ci2[0] != ci[0] || ci2[1] != ci[1] {
		t.Errorf("bootstrap interval not reproducible: %v vs %v", ci, ci2)
	}
}

func TestMetricsWeightedAndFormats(t *testing.T) {
	t.Parallel()
	p := writeTemp(t, "x.csv", "area,spend,pop,income\na,10,100,5\nb,20,50,7\nc,5,200,1\nd,40,80,9\n")
	code, out, errOut := run(t, "metrics", "--in", p, "--value", "spend", "--weight", "pop", "--format", "csv")
	if code != 0 || !strings.HasPrefix(out, "metric,value\n") || !strings.Contains(out, "gini,") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
	code, out, _ = run(t, "metrics", "--in", p, "--value", "spend", "--weight", "pop")
	if code != 0 || !strings.Contains(out, "palma") {
		t.Fatalf("table: exit %d, out %q", code, out)
	}
}

func TestMetricsMissingValue(t *testing.T) {
	t.Parallel()
	p := writeTemp(t, "x.csv", "area,spend\na,10\nb,\nc,abc\nd,4\ne,7\n")
	code, _, errOut := run(t, "metrics", "--in", p, "--value", "spend", "--format", "json")
	if code != 2 || !strings.Contains(errOut, p+":3") || !strings.Contains(errOut, "spend") || !strings.Contains(errOut, "--drop-missing") {
		t.Fatalf("exit %d, stderr %q; want exit 2 naming line 3, the column and --drop-missing", code, errOut)
	}
	code, out, errOut := run(t, "metrics", "--in", p, "--value", "spend", "--format", "json", "--drop-missing")
	if code != 0 {
		t.Fatalf("--drop-missing: exit %d: %s", code, errOut)
	}
	closeTo(t, decodeJSON(t, out), "n", 3, 0)
	code, _, errOut = run(t, "metrics", "--in", p, "--value", "nope")
	if code != 2 || !strings.Contains(errOut, "area, spend") {
		t.Fatalf("unknown column: exit %d, stderr %q", code, errOut)
	}
}

func TestMetricsMoran(t *testing.T) {
	t.Parallel()
	in, gal := refData(t, "stl_stl_hom.txt"), refData(t, "stl_stl.gal")
	code, out, errOut := run(t, "metrics", "moran", "--in", in, "--value", "HR8893", "--weights", gal, "--transform", "r", "--permutations", "999", "--seed", "1", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	m := decodeJSON(t, out)
	for _, k := range []string{"I", "expected", "variance_normal", "variance_random", "z_normal", "p_normal", "p_random", "p_sim"} {
		if _, ok := m[k].(float64); !ok {
			t.Errorf("key %q = %v", k, m[k])
		}
	}
	closeTo(t, m, "I", 0.2436558262177166, 1e-7) // PySAL esda test_moran
	closeTo(t, m, "p_normal_one_sided", 0.00013573931385468807, 1e-9)
	if p := m["p_sim"].(float64); p > 0.01 {
		t.Errorf("p_sim = %v, want <= 0.01 for I far in the tail", p)
	}
}

func TestMetricsLisa(t *testing.T) {
	t.Parallel()
	in, gal := refData(t, "desmith_desmith.txt"), refData(t, "desmith_desmith.gal")
	code, out, errOut := run(t, "metrics", "lisa", "--in", in, "--id", "id", "--value", "z", "--weights", gal, "--permutations", "999", "--seed", "1", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		N     int
		Areas []struct {
			ID      string  `json:"id"`
			LocalI  float64 `json:"local_i"`
			P       float64 `json:"p_value"`
			Cluster string  `json:"cluster"`
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.N != 10 || len(res.Areas) != 10 {
		t.Fatalf("n %d, %d areas", res.N, len(res.Areas))
	}
	// Local I values transcribed from PySAL esda (desmith, row-standardised).
	if math.Abs(res.Areas[6].LocalI-1.1914829813790415) > 1e-9 || res.Areas[6].ID != "7" {
		t.Errorf("area 7: %+v", res.Areas[6])
	}
	code, out, _ = run(t, "metrics", "lisa", "--in", in, "--id", "id", "--value", "z", "--weights", gal, "--format", "csv", "--fdr")
	if code != 0 || len(strings.Split(strings.TrimSpace(out), "\n")) != 11 {
		t.Fatalf("csv: exit %d, out %q", code, out)
	}
}

func TestMetricsBadGAL(t *testing.T) {
	t.Parallel()
	in := writeTemp(t, "x.csv", "id,v\n1,1\n2,2\n3,3\n4,5\n")
	gal := writeTemp(t, "w.gal", "4\n1 1\n2\n2 x\n1\n")
	code, _, errOut := run(t, "metrics", "moran", "--in", in, "--id", "id", "--value", "v", "--weights", gal)
	if code != 2 || !strings.Contains(errOut, gal+":4") {
		t.Fatalf("exit %d, stderr %q; want exit 2 naming line 4", code, errOut)
	}
}
