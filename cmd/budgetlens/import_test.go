package main

import (
	"encoding/csv"
	"encoding/json"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

const sec2 = "la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv"

type deptTotal struct {
	Department     string          `json:"department"`
	DepartmentCode string          `json:"department_code"`
	Amount         json.RawMessage `json:"amount"`
}

// totalsJSON runs the checked command and returns code -> amount text.
func totalsJSON(t *testing.T, db string, args ...string) map[string]string {
	t.Helper()
	base := []string{"--db", db, "totals", "--fy", "2021-22", "--phase", "adopted", "--by", "department", "--format", "json"}
	code, out, errOut := run(t, append(base, args...)...)
	if code != 0 {
		t.Fatalf("totals: exit %d: %s", code, errOut)
	}
	var rows []deptTotal
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("totals JSON: %v\n%s", err, out)
	}
	m := map[string]string{}
	for _, r := range rows {
		if r.Department == "" || r.DepartmentCode == "" {
			t.Errorf("row without department name or code: %+v", r)
		}
		m[r.DepartmentCode] = string(r.Amount)
	}
	return m
}

// csvSums sums one column per department code straight from the CSV with
// math/big, independently of the ingest package: rows whose department
// code is empty (the total and blank rows) are skipped, empty cells add
// nothing.
func csvSums(t *testing.T, path, deptCol, amountCol string) map[string]*big.Rat {
	t.Helper()
	return csvSumsWhere(t, path, deptCol, amountCol, "", "")
}

// csvSumsWhere is csvSums over the rows whose column whereCol equals
// whereVal (all rows when whereCol is ""). "NA" cells add nothing.
func csvSumsWhere(t *testing.T, path, deptCol, amountCol, whereCol, whereVal string) map[string]*big.Rat {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	hdr := recs[0]
	di, ai, wi := -1, -1, -1
	for i, h := range hdr {
		h = strings.TrimPrefix(h, "\ufeff")
		if h == deptCol {
			di = i
		}
		if h == whereCol {
			wi = i
		}
		if h == amountCol {
			ai = i
		}
	}
	if di < 0 || ai < 0 {
		t.Fatalf("%s: columns %q/%q not found in %v", path, deptCol, amountCol, hdr)
	}
	out := map[string]*big.Rat{}
	for _, rec := range recs[1:] {
		if len(rec) <= ai || rec[di] == "" || rec[ai] == "" || rec[ai] == "NA" {
			continue
		}
		if wi >= 0 && rec[wi] != whereVal {
			continue
		}
		v, ok := new(big.Rat).SetString(strings.TrimPrefix(rec[ai], "$"))
		if !ok {
			t.Fatalf("%s: cannot read %q", path, rec[ai])
		}
		k := strings.TrimSpace(rec[di]) // budgetlens trims cells
		if out[k] == nil {
			out[k] = new(big.Rat)
		}
		out[k].Add(out[k], v)
	}
	return out
}

func TestTotalsMatchCSVSec2(t *testing.T) {
	t.Parallel()
	path := fixture.Data(t, sec2)
	db := tempDB(t)
	if code, _, errOut := run(t, "--db", db, "import", path); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errOut)
	}
	got := totalsJSON(t, db)
	want := csvSums(t, path, "Dept Code", "2021-22 Adopted")
	if len(got) != len(want) {
		t.Errorf("%d departments, want %d", len(got), len(want))
	}
	grand := new(big.Rat)
	for code, w := range want {
		grand.Add(grand, w)
		if got[code] != w.FloatString(2) {
			t.Errorf("department %s: totals %s, CSV %s", code, got[code], w.FloatString(2))
		}
	}
	if grand.FloatString(0) != "11480288113" {
		t.Errorf("grand total %s, want the file's total row 11480288113", grand.FloatString(0))
	}
	// FY2021-22 spelled the other way gives the same answer
	code, out1, _ := run(t, "--db", db, "totals", "--fy", "FY2021-22", "--phase", "adopted", "--format", "json")
	_, out2, _ := run(t, "--db", db, "totals", "--fy", "2021-22", "--phase", "adopted", "--format", "json")
	if code != 0 || out1 != out2 {
		t.Errorf("--fy FY2021-22 differs from 2021-22")
	}
}

func TestReimportIsNoOp(t *testing.T) {
	t.Parallel()
	path := fixture.Data(t, sec2)
	db := tempDB(t)
	run(t, "--db", db, "import", path)
	before := totalsJSON(t, db)
	code, out, errOut := run(t, "--db", db, "import", path)
	if code != 0 || !strings.Contains(out, "unchanged") {
		t.Fatalf("second import: exit %d, %q %q", code, out, errOut)
	}
	after := totalsJSON(t, db)
	if len(before) == 0 || !equalMaps(before, after) {
		t.Fatalf("totals changed on re-import")
	}
	_, runs, _ := run(t, "--db", db, "ls", "runs", "--format", "json")
	var rs []map[string]any
	json.Unmarshal([]byte(runs), &rs)
	if len(rs) != 1 {
		t.Fatalf("%d import runs after importing the same file twice, want 1", len(rs))
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// brokenCopy writes a copy of src with line n's cell in column col replaced.
func brokenCopy(t *testing.T, src string, line, col int, value string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	r := csv.NewReader(strings.NewReader(lines[line-1]))
	rec, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	rec[col-1] = value
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.UseCRLF = strings.HasSuffix(lines[line-1], "\r")
	w.Write(rec)
	w.Flush()
	lines[line-1] = strings.TrimRight(b.String(), "\n")
	out := filepath.Join(t.TempDir(), "broken.csv")
	if err := os.WriteFile(out, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestBrokenAmountFailsAndLeavesStore(t *testing.T) {
	t.Parallel()
	path := fixture.Data(t, sec2)
	db := tempDB(t)
	// Sec4 first, so the store is not empty when the broken import fails.
	run(t, "--db", db, "import", fixture.Data(t, "la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv"))
	before := totalsJSON(t, db)
	broken := brokenCopy(t, path, 1234, 17, "12x4")
	code, _, errOut := run(t, "--db", db, "import", broken)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	for _, want := range []string{"broken.csv:1234:17", "line 1234", `column 17 "2021-22 Adopted"`, `"12x4"`} {
		if !strings.Contains(errOut, want) {
			t.Errorf("error %q does not contain %q", errOut, want)
		}
	}
	if after := totalsJSON(t, db); !equalMaps(before, after) {
		t.Errorf("totals changed after a failed import")
	}
}
