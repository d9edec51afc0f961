package render

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/report"
	"github.com/xuri/excelize/v2"
)

// pandasCheck runs scripts/check_workbook.py (pandas and openpyxl, as an
// analyst reads the workbook) on path and fails with what it found. Without
// Debian's python3-pandas and python3-openpyxl the test is skipped with a
// message, but never under CI=true (scripts/test.sh installs them).
func pandasCheck(t *testing.T, path string) {
	t.Helper()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import pandas, openpyxl").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s with pandas and openpyxl is needed (Debian python3-pandas python3-openpyxl; scripts/test.sh installs them): %v", py, err)
		}
		t.Skipf("%s with pandas and openpyxl is not installed (Debian python3-pandas python3-openpyxl): the workbook is not read with pandas", py)
	}
	out, err := exec.Command(py, filepath.Join(fixture.Root(), "scripts", "check_workbook.py"), path).CombinedOutput()
	if err != nil {
		t.Fatalf("pandas reads %s untidily (%v):\n%s", filepath.Base(path), err, out)
	}
}

// TestXLSXTidyInPandas: pandas.read_excel on every sheet gives no empty
// row and no row after the table; int columns load as integers.
func TestXLSXTidyInPandas(t *testing.T) {
	d := sampleDocument(t)
	// an int column with a missing value, and a table without rows
	d.Sections = append(d.Sections, report.Section{ID: "more", Title: "More", Blocks: []report.Block{
		&report.Table{Name: "Counts", Title: "Counts", Columns: []report.Column{{Label: "Area", Kind: report.KindText}, {Label: "Residents", Kind: report.KindInt}},
			Rows: [][]any{{"a", 1200.0}, {"b", nil}, {"c", 5}}},
		&report.Table{Name: "Nothing", Title: "No rows", Columns: []report.Column{{Label: "A", Kind: report.KindText}}},
	}})
	_, xlsx := render(t, d)
	path := filepath.Join(t.TempDir(), "sample.xlsx")
	if err := os.WriteFile(path, xlsx, 0o644); err != nil {
		t.Fatal(err)
	}
	pandasCheck(t, path)
	// the check can fail: a title under the data is found
	bad := filepath.Join(t.TempDir(), "bad.xlsx")
	if err := os.WriteFile(bad, untidy(t, xlsx), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("/usr/bin/python3", filepath.Join(fixture.Root(), "scripts", "check_workbook.py"), bad).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "something lies under it") {
		t.Fatalf("the check passed a workbook with a note under a table: %v\n%s", err, out)
	}
}

// untidy writes a note two rows under the Departments table, as the
// workbook did before it was tidy.
func untidy(t *testing.T, xlsx []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Departments")
	f.SetCellValue("Departments", cell(1, len(rows)+2), "Departments: a title under the data")
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
