package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

// laNames are words of the Los Angeles demo that must never show up in
// another city's output.
var laNames = []string{"Los Angeles", "council_districts", "neighborhood_councils", "la_demo", "LADOT", "MyLA311", "CalEnviroScreen"}

func noLANames(t *testing.T, step, out string) {
	t.Helper()
	for _, n := range laNames {
		if strings.Contains(out, n) {
			t.Errorf("%s: output names %q:\n%s", step, n, out)
		}
	}
}

// fileSums sums budget.csv's amounts by district, in cents.
func fileSums(t *testing.T, path string) map[string]int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range recs[1:] {
		if r[3] != "" {
			out[r[3]] += cents(t, r[2])
		}
	}
	return out
}

// TestOwnCityByFlags is the check: a made-up city of three
// districts (a GeoJSON with a population property and a CSV budget with a
// district column), imported by flags and analysed without a need index and
// without a profile: each district's dollars equal the file's sum for it, to
// the cent, with dollars per resident and the city average, and nothing of
// Los Angeles in the output.
func TestOwnCityByFlags(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(fixture.Root(), "testdata", "maplebay")
	db := tempDB(t)
	steps := [][]string{
		{"geo", "import", "--layer", "districts", filepath.Join(dir, "districts.geojson"), "--id-field", "id", "--population-field", "pop"},
		{"import", filepath.Join(dir, "budget.csv"), "--fy", "2024-25", "--phase", "adopted", "--department", "dept", "--amount", "amount", "--area", "district", "--layer", "districts"},
	}
	for _, s := range steps {
		code, out, e := run(t, append([]string{"--db", db}, s...)...)
		if code != 0 {
			t.Fatalf("%v: %d %s", s, code, e)
		}
		noLANames(t, s[0], out+e)
	}
	code, out, e := run(t, "--db", db, "analyze", "--fy", "2024-25", "--phase", "adopted", "--layer", "districts", "--format", "json")
	if code != 0 {
		t.Fatalf("analyze: %d %s", code, e)
	}
	noLANames(t, "analyze", out+e)
	var res struct {
		Areas []struct {
			AreaID     string      `json:"area_id"`
			Population float64     `json:"population"`
			Amount     json.Number `json:"amount"`
			PerCapita  float64     `json:"per_capita"`
		} `json:"areas"`
		City struct {
			Population float64     `json:"population"`
			Amount     json.Number `json:"amount"`
			PerCapita  float64     `json:"per_capita"`
		} `json:"city"`
		Totals struct {
			ByMethod map[string]json.Number `json:"by_method"`
		} `json:"totals"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&res); err != nil {
		t.Fatal(err)
	}
	want := fileSums(t, filepath.Join(dir, "budget.csv"))
	if len(res.Areas) != 3 {
		t.Fatalf("%d areas", len(res.Areas))
	}
	var placed int64
	for _, a := range res.Areas {
		got := dollarCents(t, a.Amount)
		if got != want[a.AreaID] {
			t.Errorf("district %s: %d cents, the file sums to %d", a.AreaID, got, want[a.AreaID])
		}
		if pc := float64(got) / 100 / a.Population; a.Population <= 0 || abs(a.PerCapita-pc) > 1e-9 {
			t.Errorf("district %s: per resident %v, want %v", a.AreaID, a.PerCapita, pc)
		}
		placed += got
	}
	if dollarCents(t, res.City.Amount) != placed || res.City.Population != 37900 || abs(res.City.PerCapita-float64(placed)/100/37900) > 1e-9 {
		t.Errorf("city row %+v, placed %d", res.City, placed)
	}
	if dollarCents(t, res.Totals.ByMethod["own_area_codes"]) != placed {
		t.Errorf("placed by own area codes: %v", res.Totals.ByMethod)
	}
	// the table shows the city total and average as rows
	code, out, e = run(t, "--db", db, "analyze", "--fy", "2024-25", "--phase", "adopted", "--layer", "districts")
	if code != 0 || !strings.Contains(out, "city total") || !strings.Contains(out, "city average") || !strings.Contains(out, "no need run") {
		t.Fatalf("table: %d %s %s", code, out, e)
	}
	noLANames(t, "analyze table", out+e)
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// TestOwnCityFromProfile builds the made-up city from its profile and files
// under testdata/: profile check and save, layers, budget by flags, need
// index over the neighbourhoods, check, analyze (need tiers, never more
// than the three districts allow) and the report, with nothing of Los
// Angeles on the path or in any output.
func TestOwnCityFromProfile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(fixture.Root(), "testdata", "maplebay")
	db := tempDB(t)
	html := filepath.Join(t.TempDir(), "report.html")
	steps := [][]string{
		{"profile", "check", filepath.Join(dir, "maplebay.yaml")},
		{"profile", "save", filepath.Join(dir, "maplebay.yaml")},
		{"geo", "import", "--layer", "districts", filepath.Join(dir, "districts.geojson"), "--id-field", "id", "--population-field", "pop"},
		{"geo", "import", "--layer", "neighbourhoods", filepath.Join(dir, "neighbourhoods.geojson"), "--id-field", "id", "--population-field", "pop"},
		{"import", filepath.Join(dir, "budget.csv"), "--fy", "2024-25", "--phase", "adopted", "--department", "dept", "--program", "program", "--amount", "amount", "--area", "district", "--layer", "districts"},
		{"index", "run", "--spec", filepath.Join(dir, "need-spec.yaml"), "--indicators", filepath.Join(dir, "need.csv"), "--id-column", "id", "--layer", "neighbourhoods"},
		{"check"},
		{"analyze", "--fy", "2024-25", "--phase", "adopted", "--reps", "99"},
		{"report", "--fy", "2024-25", "--phase", "adopted", "--reps", "99", "--out", html},
	}
	var analyzed string
	for _, s := range steps {
		code, out, e := run(t, append([]string{"--db", db}, s...)...)
		if code != 0 {
			t.Fatalf("%v: %d %s %s", s, code, out, e)
		}
		noLANames(t, strings.Join(s[:1], " "), out+e)
		if s[0] == "analyze" {
			analyzed = out
		}
	}
	if !strings.Contains(analyzed, "rules maplebay") || !strings.Contains(analyzed, "need run 1") || !strings.Contains(analyzed, "city average") {
		t.Fatalf("analyze:\n%s", analyzed)
	}
	code, out, e := run(t, "--db", db, "analyze", "--fy", "2024-25", "--phase", "adopted", "--format", "json", "--reps", "0")
	if code != 0 {
		t.Fatal(e)
	}
	var res struct {
		Tiers  int `json:"tiers"`
		Totals struct {
			PhaseTotal   json.Number `json:"phase_total"`
			Attributed   json.Number `json:"attributed"`
			Unattributed json.Number `json:"unattributed"`
		} `json:"totals"`
		Areas []struct {
			NeedTier int `json:"need_tier"`
		} `json:"areas"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&res); err != nil {
		t.Fatal(err)
	}
	if res.Tiers != 5 || len(res.Areas) != 3 {
		t.Fatalf("tiers %d, areas %d: five tiers of residents over the nine neighbourhoods, however few districts", res.Tiers, len(res.Areas))
	}
	if dollarCents(t, res.Totals.Attributed)+dollarCents(t, res.Totals.Unattributed) != dollarCents(t, res.Totals.PhaseTotal) || dollarCents(t, res.Totals.PhaseTotal) != 3159000229 {
		t.Fatalf("totals %+v", res.Totals)
	}
	b, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	noLANames(t, "report.html", string(b))
	if !strings.Contains(string(b), "City of Maple Bay") {
		t.Fatalf("report lacks the city's name")
	}
}

// TestCheckFindsWhatWouldMakeNumbersWrong: a district without population,
// budget rows coded with a district the layer does not have, and a need run
// covering part of the layer are reported; analyze refuses the district
// without population, listing it.
func TestCheckFindsWhatWouldMakeNumbersWrong(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(fixture.Root(), "testdata", "maplebay", "districts.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	// district 3 loses its population
	broken := strings.Replace(string(src), `"pop": 11400`, `"pop": 0`, 1)
	if broken == string(src) {
		t.Fatal("fixture changed: no district of 11400 residents")
	}
	districts := writeFile(t, dir, "districts.geojson", broken)
	budgetCSV := writeFile(t, dir, "budget.csv", "dept,amount,district\nParks,100.00,1\nParks,50.00,7\n")
	need := writeFile(t, dir, "need.csv", "id,population,poverty_rate,asthma_rate,unemployment_rate\n1,10,1,1,1\n2,10,2,2,2\n")
	db := tempDB(t)
	for _, s := range [][]string{
		{"geo", "import", "--layer", "districts", districts, "--id-field", "id", "--population-field", "pop"},
		{"import", budgetCSV, "--fy", "2024-25", "--phase", "adopted", "--department", "dept", "--amount", "amount", "--area", "district", "--layer", "districts"},
		{"index", "run", "--spec", filepath.Join(fixture.Root(), "testdata", "maplebay", "need-spec.yaml"), "--indicators", need, "--id-column", "id", "--layer", "districts"},
	} {
		if code, _, e := run(t, append([]string{"--db", db}, s...)...); code != 0 {
			t.Fatalf("%v: %s", s, e)
		}
	}
	code, out, e := run(t, "--db", db, "check", "--format", "json")
	if code != 2 {
		t.Fatalf("check: exit %d, want 2\n%s\n%s", code, out, e)
	}
	var rep struct {
		Findings []struct {
			Kind  string   `json:"kind"`
			Items []string `json:"items"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	kinds := map[string][]string{}
	for _, f := range rep.Findings {
		kinds[f.Kind] = append(kinds[f.Kind], f.Items...)
	}
	if strings.Join(kinds["population"], ",") != "3" || !strings.Contains(strings.Join(kinds["unmatched_ids"], ","), "7 (50.00)") || strings.Join(kinds["partial_need_run"], ",") != "3" {
		t.Fatalf("findings: %v", kinds)
	}
	code, _, e = run(t, "--db", db, "analyze", "--fy", "2024-25", "--phase", "adopted", "--layer", "districts")
	if code != 2 || !strings.Contains(e, "no population") || !strings.Contains(e, ": 3;") {
		t.Fatalf("analyze with a district of no population: %d %s", code, e)
	}
}

// TestProfileTemplates: profile init writes a profile that profile check
// accepts; a broken copy is refused with its line; rules init writes rules
// that analyze --rules reads; a template never replaces a file.
func TestProfileTemplates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "city.yaml")
	if code, _, e := run(t, "profile", "init", "--out", p); code != 0 {
		t.Fatal(e)
	}
	if code, out, e := run(t, "profile", "check", p); code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("check of the template: %d %s %s", code, out, e)
	}
	b, _ := os.ReadFile(p)
	lines := strings.Split(string(b), "\n")
	n := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "fiscal_year_start:") {
			n = i
		}
	}
	lines[n] = "fiscal_year_start: July"
	bad := writeFile(t, dir, "bad.yaml", strings.Join(lines, "\n"))
	code, _, e := run(t, "profile", "check", bad)
	if code != 2 || !strings.Contains(e, bad+":"+strconv.Itoa(n+1)+":") {
		t.Fatalf("broken copy: %d %s (want line %d)", code, e, n+1)
	}
	if code, _, e := run(t, "profile", "init", "--out", p); code != 2 || !strings.Contains(e, "exists") {
		t.Fatalf("init over a file: %d %s", code, e)
	}
	r := filepath.Join(dir, "rules.yaml")
	if code, _, e := run(t, "rules", "init", "--out", r); code != 0 {
		t.Fatal(e)
	}
	mb := filepath.Join(fixture.Root(), "testdata", "maplebay")
	db := tempDB(t)
	for _, s := range [][]string{
		{"geo", "import", "--layer", "districts", filepath.Join(mb, "districts.geojson"), "--id-field", "id", "--population-field", "pop"},
		{"import", filepath.Join(mb, "budget.csv"), "--fy", "2024-25", "--phase", "adopted", "--department", "dept", "--amount", "amount"},
		{"analyze", "--fy", "2024-25", "--phase", "adopted", "--layer", "districts", "--rules", r},
	} {
		if code, out, e := run(t, append([]string{"--db", db}, s...)...); code != 0 || (s[0] == "analyze" && !strings.Contains(out, "rules my-city")) {
			t.Fatalf("%v: %d %s %s", s, code, out, e)
		}
	}
}
