package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/store/duckdb"
	"github.com/xuri/excelize/v2"
)

// laStore imports the LA FY2021-22 Sec4 expenditures, requests and
// measures into a fresh store.
func laStore(t *testing.T) string {
	t.Helper()
	db := tempDB(t)
	code, out, errOut := run(t, "--db", db, "import",
		fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv"),
		fixture.Data(t, "la/budget/FY21-22/Budget_Requests_Detail_Sec4_2122_Adopted.csv"),
		fixture.Data(t, "la/budget/FY21-22/Performance_Measures_2122_Adopted.csv"))
	if code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	// not a terminal: no progress bar, one summary line per file
	if strings.Contains(errOut, "reading") || strings.Count(out, "\n") < 3 {
		t.Errorf("stdout %q stderr %q", out, errOut)
	}
	return db
}

func TestInitAndFolderImport(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	if code, out, _ := run(t, "--db", db, "init"); code != 0 || !strings.Contains(out, "store ready") {
		t.Fatalf("init: %d %q", code, out)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatal(err)
	}
	// a folder of exports imports each file
	dir := filepath.Dir(fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv"))
	code, out, errOut := run(t, "--db", db, "import", dir)
	if code != 0 || strings.Count(out, "profile la-") != 10 {
		t.Fatalf("folder import: %d\n%s\n%s", code, out, errOut)
	}
}

func TestLsJSON(t *testing.T) {
	t.Parallel()
	db := laStore(t)
	for _, tc := range []struct {
		what  string
		n     int
		field string
	}{{"departments", 2, "code"}, {"programs", 0, "code"}, {"funds", 0, "code"}, {"accounts", 0, "code"}, {"requests", 216, "adopted"}, {"measures", 1073, "value"}, {"runs", 3, "dataset"}} {
		code, out, errOut := run(t, "--db", db, "ls", tc.what, "--format", "json")
		if code != 0 {
			t.Fatalf("ls %s: %s", tc.what, errOut)
		}
		var rows []map[string]any
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("ls %s: %v", tc.what, err)
		}
		if len(rows) == 0 || (tc.n > 0 && len(rows) != tc.n) {
			t.Errorf("ls %s: %d rows, want %d", tc.what, len(rows), tc.n)
		}
		if _, ok := rows[0][tc.field]; !ok {
			t.Errorf("ls %s: no %q in %v", tc.what, tc.field, rows[0])
		}
	}
	// the Sec4 requests' adopted changes add up to the file's total row
	_, out, _ := run(t, "--db", db, "ls", "requests", "--format", "csv")
	r := csv.NewReader(strings.NewReader(out))
	recs, _ := r.ReadAll()
	var sum int64
	for _, rec := range recs[1:] {
		sum += cents(t, rec[len(rec)-1])
	}
	if sum != 4769493000 {
		t.Errorf("Sec4 requests adopted = %d cents, want 4769493000", sum)
	}
	code, _, errOut := run(t, "--db", db, "totals")
	if code != 2 || !strings.Contains(errOut, "totals needs --fy and --phase (stored: 2019-20 actual, 2020-21 adopted, 2020-21 estimate, 2021-22 adopted, 2021-22 proposed)") {
		t.Errorf("totals without --fy: %d %q", code, errOut)
	}
	if code, _, _ := run(t, "--db", db, "ls", "things"); code != 2 {
		t.Errorf("ls things: exit %d, want 2", code)
	}
}

func cents(t *testing.T, s string) int64 {
	if s == "" {
		return 0
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.ReplaceAll(strings.TrimPrefix(s, "-"), ".", "")
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("not an amount: %q", s)
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

func TestExportFormats(t *testing.T) {
	t.Parallel()
	db := laStore(t)
	dir := t.TempDir()
	// CSV: rows and the adopted total
	p := filepath.Join(dir, "x.csv")
	if code, _, e := run(t, "--db", db, "export", "--fy", "2021-22", "--phase", "adopted", "--out", p); code != 0 {
		t.Fatal(e)
	}
	f, _ := os.Open(p)
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, rec := range recs[1:] {
		sum += cents(t, rec[18])
	}
	if sum != 51586829200 || recs[1][4] != "44" || recs[1][14] != "001010" {
		t.Errorf("CSV export: %d rows summing %d; first %v", len(recs)-1, sum, recs[1])
	}
	n := len(recs) - 1
	// XLSX: same number of rows, codes as text
	px := filepath.Join(dir, "x.xlsx")
	if code, _, e := run(t, "--db", db, "export", "--fy", "2021-22", "--phase", "adopted", "--out", px); code != 0 {
		t.Fatal(e)
	}
	x, err := excelize.OpenFile(px)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("Sheet1")
	x.Close()
	if len(rows)-1 != n || rows[1][14] != "001010" {
		t.Errorf("XLSX export: %d rows, first %v", len(rows)-1, rows[1])
	}
	// Parquet: DuckDB reads it back with the same sum
	pq := filepath.Join(dir, "x.parquet")
	if code, _, e := run(t, "--db", db, "export", "--fy", "2021-22", "--phase", "adopted", "--kind", "expenditure", "--out", pq); code != 0 {
		t.Fatal(e)
	}
	s, err := duckdb.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var cnt int
	var total string
	if err := s.DB().QueryRow(`SELECT count(*), sum(amount)::VARCHAR FROM read_parquet(?)`, pq).Scan(&cnt, &total); err != nil {
		t.Fatal(err)
	}
	if cnt != n || total != "515868292.00" {
		t.Errorf("Parquet export: %d rows summing %s", cnt, total)
	}
	if code, _, _ := run(t, "--db", db, "export", "--out", filepath.Join(dir, "x.txt")); code != 2 {
		t.Errorf("unknown export format: exit %d, want 2", code)
	}
}

// TestNewerVersionSupersedes imports a revised Sec2 file (one amount and
// the total changed) after the original: the totals follow the revision
// and the earlier run stays in the history.
func TestNewerVersionSupersedes(t *testing.T) {
	t.Parallel()
	src := fixture.Data(t, sec2)
	db := tempDB(t)
	run(t, "--db", db, "import", src)
	before := totalsJSON(t, db)
	data, _ := os.ReadFile(src)
	lines := strings.Split(string(data), "\n")
	// line 2: Aging 001010 adopted 758985 -> 758990; total row +5
	if !strings.HasSuffix(lines[1], ",758985\r") || !strings.Contains(lines[6056], ",11480288113") {
		t.Fatalf("fixture changed: %q / %q", lines[1], lines[6056])
	}
	lines[1] = strings.TrimSuffix(lines[1], ",758985\r") + ",758990\r"
	lines[6056] = strings.Replace(lines[6056], ",11480288113", ",11480288118", 1)
	rev := filepath.Join(t.TempDir(), filepath.Base(src))
	os.WriteFile(rev, []byte(strings.Join(lines, "\n")), 0o644)
	code, out, errOut := run(t, "--db", db, "import", rev)
	if code != 0 || !strings.Contains(out, "superseded 5 earlier slice(s)") {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	after := totalsJSON(t, db)
	if after["02"] != "7080696.00" || before["02"] != "7080691.00" {
		t.Errorf("Aging before %s after %s", before["02"], after["02"])
	}
	for k, v := range before {
		if k != "02" && after[k] != v {
			t.Errorf("department %s changed: %s -> %s", k, v, after[k])
		}
	}
	_, runs, _ := run(t, "--db", db, "ls", "runs", "--format", "json")
	var rs []map[string]any
	json.Unmarshal([]byte(runs), &rs)
	if len(rs) != 2 || rs[1]["superseded"].(float64) != 5 {
		t.Errorf("runs %v", rs)
	}
}

// TestCalendarYearJurisdiction: for Madrid (fiscal year = calendar year)
// --fy 2012 with --jurisdiction selects 2012.
func TestCalendarYearJurisdiction(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	if code, _, e := run(t, "--db", db, "import", fixture.Data(t, "fdp/madrid-municipal-gastos/datapackage.json")); code != 0 {
		t.Fatal(e)
	}
	code, out, errOut := run(t, "--db", db, "totals", "--jurisdiction", "madrid-municipal-gastos", "--fy", "2012", "--phase", "adopted", "--format", "csv")
	if code != 0 || strings.Count(out, "\n") < 3 {
		t.Fatalf("%d %q %q", code, out, errOut)
	}
}
