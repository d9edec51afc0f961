package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/report/pdf"
	"github.com/budgetlens/budgetlens/report/render"
	"github.com/xuri/excelize/v2"
)

var (
	demoOnce sync.Once
	demoDir  string
	demoOut  string
	demoCode int
	demoErr  string
)

// demoArgs keep the tests fast: 50,000 synthetic requests and 99
// bootstrap replicates instead of 1,000,000 and 999.
var demoArgs = []string{"--requests", "50000", "--reps", "99", "--no-serve"}

// sharedDemo runs the demo once for all tests of the package.
func sharedDemo(t *testing.T) string {
	t.Helper()
	demoOnce.Do(func() {
		d, err := os.MkdirTemp("", "budgetlens-demo-test-")
		if err != nil {
			t.Fatal(err)
		}
		demoDir = filepath.Join(d, "budgetlens-demo")
		var out, errb bytes.Buffer
		demoCode = execute(append([]string{"demo", "--dir", demoDir}, demoArgs...), &out, &errb)
		demoOut, demoErr = out.String(), errb.String()
	})
	if demoCode != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", demoCode, demoOut, demoErr)
	}
	return demoDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if demoDir != "" {
		os.RemoveAll(filepath.Dir(demoDir))
	}
	os.Exit(code)
}

// TestDemoEndToEnd: the files exist, the PDF when Chromium exists, the
// headline numbers of the HTML equal those of the XLSX, and the output
// prints the headline and the paths.
func TestDemoEndToEnd(t *testing.T) {
	t.Parallel()
	dir := sharedDemo(t)
	for _, f := range []string{"budgetlens.duckdb", "report.html", "report.xlsx"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Fatalf("%s: %v", f, err)
		}
	}
	if _, err := pdf.FindChromium(); err == nil {
		if st, err := os.Stat(filepath.Join(dir, "report.pdf")); err != nil || st.Size() < 10000 {
			t.Fatalf("chromium is installed but report.pdf is missing or tiny: %v", err)
		}
	} else if !strings.Contains(demoOut, "PDF not written") {
		t.Fatalf("without chromium the demo must say how to get the PDF:\n%s", demoOut)
	}
	for _, want := range []string{"Share of the phase's dollars placed in areas", "wrote " + filepath.Join(dir, "report.html")} {
		if !strings.Contains(demoOut, want) {
			t.Fatalf("demo output lacks %q:\n%s", want, demoOut)
		}
	}
	// issue 13: the demo's figures rest on real data only (the requests
	// are the real MyLA311 requests of three days)
	if strings.Contains(demoOut, "SYNTHETIC") {
		t.Errorf("demo output names SYNTHETIC data:\n%s", demoOut)
	}
	hf, err := os.Open(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	defer hf.Close()
	html, err := render.HeadlineFromHTML(hf)
	if err != nil {
		t.Fatal(err)
	}
	xf, err := os.Open(filepath.Join(dir, "report.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	xl, err := render.HeadlineFromXLSX(xf)
	if err != nil {
		t.Fatal(err)
	}
	if len(html) < 8 || len(html) != len(xl) {
		t.Fatalf("headline figures: %d in HTML, %d in XLSX", len(html), len(xl))
	}
	for k, h := range html {
		x, ok := xl[k]
		if !ok || h.Text != x.Text || (math.Abs(h.Value-x.Value) > 1e-9*math.Max(1, math.Abs(h.Value)) && !(math.IsNaN(h.Value) && math.IsNaN(x.Value))) {
			t.Errorf("%s: HTML %q %v, XLSX %q %v", k, h.Text, h.Value, x.Text, x.Value)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "report.html"))
	for _, want := range []string{"<svg", "Theil", "Budget requests", "sha256", "The headline as weaker evidence is added", "location and service evidence only"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if bytes.Contains(b, []byte("SYNTHETIC")) {
		t.Errorf("report.html names SYNTHETIC data")
	}
}

// dollarCents reads a JSON number of dollars with two decimals as integer cents.
func dollarCents(t *testing.T, n json.Number) int64 {
	t.Helper()
	s := n.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	frac = (frac + "00")[:2]
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("not a dollar amount: %s", n)
	}
	if neg {
		return -(w*100 + f)
	}
	return w*100 + f
}

// TestAnalyzeTotalsMatchPhaseTotal: attributed + unattributed of analyze
// equals the sum of budgetlens totals for the phase, to the cent; the areas
// sum to the placed operating amount, which with the placed capital (measured
// apart) is the attributed amount.
func TestAnalyzeTotalsMatchPhaseTotal(t *testing.T) {
	t.Parallel()
	db := filepath.Join(sharedDemo(t), "budgetlens.duckdb")
	for _, phase := range []string{"adopted", "proposed"} {
		code, out, errOut := run(t, "--db", db, "analyze", "--fy", "2021-22", "--phase", phase, "--layer", "council_districts", "--format", "json", "--reps", "0")
		if code != 0 {
			t.Fatalf("analyze: %d %s", code, errOut)
		}
		var res struct {
			Areas []struct {
				AreaID     string      `json:"area_id"`
				Population float64     `json:"population"`
				Amount     json.Number `json:"amount"`
				PerCapita  *float64    `json:"per_capita"`
				NeedTier   *int        `json:"need_tier"`
				Requests   *int        `json:"service_requests"`
			} `json:"areas"`
			Totals struct {
				Attributed      json.Number `json:"attributed"`
				Unattributed    json.Number `json:"unattributed"`
				PlacedOperating json.Number `json:"placed_operating"`
				PlacedCapital   json.Number `json:"placed_capital"`
			} `json:"totals"`
		}
		dec := json.NewDecoder(strings.NewReader(out))
		dec.UseNumber()
		if err := dec.Decode(&res); err != nil {
			t.Fatal(err)
		}
		if len(res.Areas) != 15 {
			t.Fatalf("%d areas, want the 15 council districts", len(res.Areas))
		}
		var areaSum int64
		for _, a := range res.Areas {
			if a.AreaID == "" || a.Population <= 0 || a.PerCapita == nil || a.NeedTier == nil || *a.NeedTier < 1 || *a.NeedTier > 5 ||
				a.Requests == nil || *a.Requests <= 0 {
				t.Fatalf("area row: %+v", a)
			}
			areaSum += dollarCents(t, a.Amount)
		}
		att, un := dollarCents(t, res.Totals.Attributed), dollarCents(t, res.Totals.Unattributed)
		op, capital := dollarCents(t, res.Totals.PlacedOperating), dollarCents(t, res.Totals.PlacedCapital)
		if areaSum != op || op+capital != att || capital == 0 {
			t.Fatalf("%s: areas sum to %d cents, placed operating %d + capital %d, attributed %d (want the areas' operating dollars, and capital placed: LADOT's Measure M programme)",
				phase, areaSum, op, capital, att)
		}
		code, tot, errOut := run(t, "--db", db, "totals", "--fy", "2021-22", "--phase", phase, "--format", "json")
		if code != 0 {
			t.Fatal(errOut)
		}
		var rows []map[string]any
		dec = json.NewDecoder(strings.NewReader(tot))
		dec.UseNumber()
		if err := dec.Decode(&rows); err != nil {
			t.Fatal(err)
		}
		var phaseTotal int64
		for _, r := range rows {
			n, ok := r["amount"].(json.Number)
			if !ok {
				t.Fatalf("totals row without an amount: %v", r)
			}
			phaseTotal += dollarCents(t, n)
		}
		if att+un != phaseTotal || phaseTotal == 0 {
			t.Fatalf("%s: attributed %d + unattributed %d = %d cents, totals say %d", phase, att, un, att+un, phaseTotal)
		}
		t.Logf("%s: phase total %d cents = %d attributed + %d unattributed", phase, phaseTotal, att, un)
	}
	// table and CSV formats
	code, out, errOut := run(t, "--db", db, "analyze", "--fy", "2021-22", "--phase", "adopted", "--format", "csv", "--reps", "0")
	if code != 0 || !strings.HasPrefix(out, "area_id,name,population,amount,per_capita,need_score,need_tier") || strings.Count(out, "\n") != 16 {
		t.Fatalf("csv: %d\n%s", code, out)
	}
	// one header and one row per area, nothing else, so the file feeds
	// metrics (and Excel, and a GIS join) as it is; the totals go to stderr
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, out)
	}
	for _, row := range rows[1:] {
		if strings.HasPrefix(row[0], "TOTAL") {
			t.Fatalf("csv has a totals row among the areas: %v", row)
		}
	}
	if !strings.Contains(errOut, "totals (dollars): attributed ") {
		t.Fatalf("csv: totals not reported on stderr: %q", errOut)
	}
	csvPath := filepath.Join(t.TempDir(), "areas.csv")
	if err := os.WriteFile(csvPath, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, mout, merr := run(t, "metrics", "--in", csvPath, "--value", "per_capita", "--weight", "population", "--rank-by", "need_score", "--format", "json"); code != 0 || !strings.Contains(mout, `"n": 15`) {
		t.Fatalf("metrics on analyze's CSV: %d %s %s", code, mout, merr)
	}
	code, out, _ = run(t, "--db", db, "analyze", "--fy", "2021-22", "--phase", "adopted", "--reps", "0", "--compare")
	if code != 0 || !strings.Contains(out, "phase total") || !strings.Contains(out, "concentration index") ||
		!strings.Contains(out, "FY2020-21 adopted") || !strings.Contains(out, "FY2021-22 proposed") {
		t.Fatalf("table: %d\n%s", code, out)
	}
}

// TestDemoDeterministic: a second demo run gives the same CSV and the same
// XLSX content.
func TestDemoDeterministic(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs the demo a second time")
	}
	first := sharedDemo(t)
	second := filepath.Join(t.TempDir(), "again")
	code, out, errOut := run(t, append([]string{"demo", "--dir", second, "--no-pdf"}, demoArgs...)...)
	if code != 0 {
		t.Fatalf("second demo: %d %s %s", code, out, errOut)
	}
	a, b := xlsxCells(t, filepath.Join(first, "report.xlsx")), xlsxCells(t, filepath.Join(second, "report.xlsx"))
	if a != b {
		t.Fatal("the two demo runs wrote different XLSX content")
	}
	ha, _ := os.ReadFile(filepath.Join(first, "report.html"))
	hb, _ := os.ReadFile(filepath.Join(second, "report.html"))
	if !bytes.Equal(ha, hb) {
		t.Fatal("the two demo runs wrote different HTML")
	}
	args := []string{"analyze", "--fy", "2021-22", "--phase", "proposed", "--format", "csv", "--reps", "99"}
	_, c1, _ := run(t, append([]string{"--db", filepath.Join(first, "budgetlens.duckdb")}, args...)...)
	_, c2, _ := run(t, append([]string{"--db", filepath.Join(second, "budgetlens.duckdb")}, args...)...)
	if c1 != c2 || c1 == "" {
		t.Fatal("analyze CSV differs between the two demo stores")
	}
}

// xlsxCells returns every cell of every sheet as text.
func xlsxCells(t *testing.T, path string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sb strings.Builder
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		sb.WriteString("## " + sh + "\n")
		for _, r := range rows {
			sb.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return sb.String()
}

// TestAnalyzeSaysWhatIsMissing: on a store with a budget and districts but
// no need run, analyze exits 2 and says how to build one.
func TestAnalyzeSaysWhatIsMissing(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	if code, _, e := run(t, "--db", db, "import", fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv")); code != 0 {
		t.Fatal(e)
	}
	// without a city profile nothing of Los Angeles is assumed: no layer
	code, _, e := run(t, "--db", db, "analyze", "--fy", "2021-22", "--phase", "adopted")
	if code != 2 || !strings.Contains(e, "--layer") || !strings.Contains(e, "profile") {
		t.Fatalf("no profile: %d %s", code, e)
	}
	// with the Los Angeles profile, the lines of its default layer in
	// force during the year are missing
	code, _, e = run(t, "--db", db, "--profile", "la", "analyze", "--fy", "2021-22", "--phase", "adopted")
	if code != 2 || !strings.Contains(e, `no layer "council_districts_2012" (the 2012 lines of layer council_districts, in force during FY2021-22)`) || !strings.Contains(e, "geo import") {
		t.Fatalf("no layer: %d %s", code, e)
	}
	if code, _, e := run(t, "--db", db, "geo", "import", fixture.Data(t, "la/boundaries/council_districts_2025.geojson"), "--layer", "council_districts", "--id-field", "District"); code != 0 {
		t.Fatal(e)
	}
	// no need run and districts without population: refused with the areas
	code, _, e = run(t, "--db", db, "--profile", "la", "analyze", "--fy", "2021-22", "--phase", "adopted")
	if code != 2 || !strings.Contains(e, "index run") || !strings.Contains(e, "no population") || !strings.Contains(e, "council_districts") {
		t.Fatalf("no need run: %d %s", code, e)
	}
	code, _, e = run(t, "--db", db, "report", "--fy", "2021-22", "--out", filepath.Join(t.TempDir(), "r.txt"))
	if code != 2 || !strings.Contains(e, ".html, .pdf or .xlsx") {
		t.Fatalf("bad extension: %d %s", code, e)
	}
}

// TestReportCommand writes the XLSX report of the demo store.
func TestReportCommand(t *testing.T) {
	t.Parallel()
	db := filepath.Join(sharedDemo(t), "budgetlens.duckdb")
	out := filepath.Join(t.TempDir(), "r.xlsx")
	code, stdout, e := run(t, "--db", db, "report", "--fy", "2021-22", "--phase", "proposed", "--reps", "99", "--out", out)
	if code != 0 || !strings.Contains(stdout, "wrote") {
		t.Fatalf("report: %d %s %s", code, stdout, e)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := render.HeadlineFromXLSX(f)
	if err != nil || h["attributed_share"].Text == "" {
		t.Fatalf("headline: %v %v", h, err)
	}
	// the demo stored its analysis with the inputs hash
	code, stdout, e = run(t, "--db", db, "analyze", "--list", "--format", "json")
	if code != 0 || !strings.Contains(stdout, `"phase": "proposed"`) || !strings.Contains(stdout, `"inputs_hash"`) {
		t.Fatalf("analyze --list: %d %s %s", code, stdout, e)
	}
}

// TestAnalyzeHandBuiltStore: a store built with the ordinary commands
// (import, geo import, index run) is analysed with the defaults: embedded
// rules of the Los Angeles profile, the latest need run over a stored tract
// layer, populations from the tracts. The CES 3.0 table is cut to its Los
// Angeles County rows to keep the test fast (every district then has
// residents; a district without any is refused).
func TestAnalyzeHandBuiltStore(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile(fixture.Data(t, "la/need/ces3_results_all_ca_tracts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(src))
	r.LazyQuotes = true
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sub := [][]string{recs[0]}
	for _, rec := range recs[1:] {
		if strings.TrimSpace(rec[2]) == "Los Angeles" {
			sub = append(sub, rec)
		}
	}
	dir := t.TempDir()
	ces := filepath.Join(dir, "ces3_la300.csv")
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.WriteAll(sub)
	if err := os.WriteFile(ces, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "hand.duckdb")
	steps := [][]string{
		{"import", fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv")},
		{"geo", "import", fixture.Data(t, "la/boundaries/council_districts_2025.geojson"), "--layer", "council_districts", "--id-field", "District"},
		{"geo", "import", ces, "--layer", "tracts", "--id-field", "Census Tract", "--population-field", "Total Population"},
		{"index", "run", "--preset", "ces3", "--indicators", ces, "--layer", "tracts"},
	}
	for _, s := range steps {
		if code, _, e := run(t, append([]string{"--db", db}, s...)...); code != 0 {
			t.Fatalf("%v: %s", s, e)
		}
	}
	code, out, e := run(t, "--db", db, "--profile", "la", "analyze", "--fy", "2021-22", "--phase", "adopted", "--format", "json", "--reps", "0")
	if code != 0 {
		t.Fatalf("analyze: %d %s", code, e)
	}
	var res struct {
		Areas []struct {
			Population float64 `json:"population"`
		} `json:"areas"`
		Totals struct {
			PhaseTotal   json.Number `json:"phase_total"`
			Attributed   json.Number `json:"attributed"`
			Unattributed json.Number `json:"unattributed"`
		} `json:"totals"`
		Provenance struct {
			PopSource string `json:"population_source"`
			NeedLayer string `json:"need_layer"`
			Rules     string `json:"rules"`
		} `json:"provenance"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&res); err != nil {
		t.Fatal(err)
	}
	if len(res.Areas) != 15 || res.Provenance.NeedLayer != "tracts" || res.Provenance.Rules != "la_demo" || res.Provenance.PopSource != "need run areas" {
		t.Fatalf("result: %d areas, provenance %+v", len(res.Areas), res.Provenance)
	}
	if dollarCents(t, res.Totals.Attributed)+dollarCents(t, res.Totals.Unattributed) != dollarCents(t, res.Totals.PhaseTotal) {
		t.Fatalf("totals: %+v", res.Totals)
	}
}
