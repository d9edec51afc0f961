package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/fixture"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/xuri/excelize/v2"
)

// realSeeds returns the head (first lines, cut at a line end) of each real
// CSV export; whole files would make every fuzz step slow.
func realSeeds(t testing.TB) map[string][]byte {
	out := map[string][]byte{}
	for _, rel := range []string{
		"la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv",
		"la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv",
		"la/budget/FY21-22/Budget_Requests_Detail_Sec4_2122_Adopted.csv",
		"la/budget/FY21-22/Performance_Measures_2122_Adopted.csv",
		"la/budget/FY21-22/Positions_2122_Adopted.csv",
		"la/budget/FY21-22/QRY_Department_Name_Text_2122_Adopted.csv",
		"la/budget/FY18-19/pm_new.csv",
		"la/budget/FY17-18/final_actuals_budget_la_2014_2018_wide.csv",
		"oakland/FY22-23__adopted.csv",
	} {
		p := fixture.Data(t, rel)
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if len(data) > 4000 {
			cut := bytes.LastIndexByte(data[:4000], '\n')
			data = data[:cut+1]
		}
		out[filepath.Base(rel)] = data
		// the tail holds the total and blank rows
		full, _ := os.ReadFile(p)
		if len(full) > 3000 {
			hdr := full[:bytes.IndexByte(full, '\n')+1]
			tail := full[len(full)-1500:]
			tail = tail[bytes.IndexByte(tail, '\n')+1:]
			out[filepath.Base(rel)+"#tail"] = append(append([]byte(nil), hdr...), tail...)
		}
	}
	return out
}

// checkBatchOrError asserts the reader's contract: an error is an input
// error or an invalid-code error, never a panic; a batch's line items
// have a phase and a key and amounts within range, every total row
// reconciled equals its exact sum, and no name holds a NUL.
func checkBatchOrError(t *testing.T, b *budget.Batch, err error) {
	if err != nil {
		var ie *budget.InputError
		if !errors.As(err, &ie) && budget.ErrorCode(err) != budget.EINVALID {
			t.Fatalf("error is not an input error: %v", err)
		}
		return
	}
	for _, l := range b.LineItems {
		if l.Phase == "" || l.Key == "" || l.Line < 1 || l.AmountCents > budget.MaxUnits || l.AmountCents < -budget.MaxUnits {
			t.Fatalf("incomplete line item %+v", l)
		}
		if strings.ContainsRune(l.Department.Name+l.Program.Name+l.Fund.Name+l.Account.Name, 0) {
			t.Fatalf("a NUL in a name: %+v", l)
		}
	}
	for _, r := range b.Reconciled {
		if r.TotalCents != r.SumCents {
			t.Fatalf("reconciled %+v", r)
		}
	}
}

// attackSeeds are the amount attacks of issue 14 as seeds.
func attackSeeds() []string {
	head := strings.Join(laHeader, ",") + "\n"
	return []string{head + laRow("02", "92233720368547758.08"), head + laRow("02", "--5") + laRow("03", "-$-5") + laRow("04", "(-5)"),
		head + laRow("02", "9999999999999999.99") + laRow("03", "9999999999999999.99") + laRow("04", "-9999999999999999.99") + ",,,,,,,,,,,,1000.00\n",
		strings.TrimSuffix(head, "\n") + ",2021-22 Adopted\n" + strings.TrimSuffix(laRow("02", "5"), "\n") + ",6\n"}
}

// FuzzCSV feeds CSV readers (detection, every embedded profile) with
// mutations of the real exports, keeping each seed's file name since
// constants come from it.
func FuzzCSV(f *testing.F) {
	for name, data := range realSeeds(f) {
		f.Add(name, data)
	}
	for _, s := range attackSeeds() {
		f.Add("Expenditures_Sec2_for_2122_Adopted.csv", []byte(s))
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if filepath.Base(name) != name || name == "" {
			return
		}
		b, err := CSV(name, data, Options{})
		checkBatchOrError(t, b, err)
	})
}

// csvRecords returns the header and first records of a CSV, at most n.
func csvRecords(t testing.TB, data []byte, n int) [][]string {
	r, err := tabular.NewCSVReader(bytes.NewReader(data), tabular.Options{File: "seed.csv"})
	if err != nil {
		t.Fatal(err)
	}
	recs := [][]string{r.Header().Names}
	for len(recs) < n {
		_, rec, err := r.Read()
		if err != nil {
			break
		}
		recs = append(recs, append([]string(nil), rec...))
	}
	return recs
}

// FuzzXLSX feeds the spreadsheet reader with workbooks built from the real
// exports' first rows, and their mutations.
func FuzzXLSX(f *testing.F) {
	for name, data := range realSeeds(f) {
		if bytes.Contains([]byte(name), []byte("#")) {
			continue
		}
		recs := csvRecords(f, data, 20)
		x := excelize.NewFile()
		for i, r := range recs {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			row := make([]any, len(r))
			for j, v := range r {
				row[j] = v
			}
			x.SetSheetRow("Sheet1", cell, &row)
		}
		var buf bytes.Buffer
		x.Write(&buf)
		f.Add(buf.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := XLSXBytes("Expenditures_Sec2_for_2122_Adopted.xlsx", data, Options{})
		checkBatchOrError(t, b, err)
	})
}

// FuzzFiscalDataPackage mutates the descriptors and data of the FDP
// examples and packages.
func FuzzFiscalDataPackage(f *testing.F) {
	for _, dir := range []string{"fdp/examples/minimal", "fdp/examples/entities-normalized", "fdp/examples/labels-and-hierarchies", "fdp/examples/transform-needed", "fdp/eu-allocations-per-ms-2014-2020", "fdp/al-treasury-spending"} {
		desc, err := os.ReadFile(fixture.Data(f, dir+"/datapackage.json"))
		if err != nil {
			continue
		}
		csvs, _ := filepath.Glob(filepath.Join(filepath.Dir(fixture.Data(f, dir+"/datapackage.json")), "*.csv"))
		more, _ := filepath.Glob(filepath.Join(filepath.Dir(fixture.Data(f, dir+"/datapackage.json")), "data", "*.csv"))
		csvs = append(csvs, more...)
		if len(csvs) == 0 {
			continue
		}
		data, _ := os.ReadFile(csvs[0])
		if len(data) > 3000 {
			data = data[:bytes.LastIndexByte(data[:3000], '\n')+1]
		}
		rel, _ := filepath.Rel(filepath.Dir(fixture.Data(f, dir+"/datapackage.json")), csvs[0])
		f.Add(desc, rel, data)
	}
	f.Add([]byte(`{"name":"p","resources":[{"name":"b","path":"../secret.csv"}],"model":{"measures":{"amount":{"source":"amount"}}}}`), "budget.csv", []byte("amount\n1\n"))
	f.Fuzz(func(t *testing.T, desc []byte, rel string, data []byte) {
		if !filepath.IsLocal(rel) || rel == "" {
			return
		}
		base := t.TempDir()
		os.WriteFile(filepath.Join(base, "secret.csv"), []byte("amount,dept\nSECRET-CONTENT,1\n"), 0o644)
		dir := filepath.Join(base, "pkg")
		os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755)
		os.WriteFile(filepath.Join(dir, rel), data, 0o644)
		os.WriteFile(filepath.Join(dir, "datapackage.json"), desc, 0o644)
		bs, err := FiscalDataPackage(filepath.Join(dir, "datapackage.json"), Options{})
		if err != nil {
			if strings.Contains(err.Error(), "SECRET-CONTENT") {
				t.Fatalf("a file outside the package shows in the error: %v", err)
			}
			checkBatchOrError(t, nil, err)
			return
		}
		for _, b := range bs {
			for _, l := range b.LineItems {
				if strings.Contains(l.Department.Name+l.Department.Code+l.Key, "SECRET") {
					t.Fatalf("a file outside the package was read: %+v", l)
				}
			}
		}
		for _, b := range bs {
			checkBatchOrError(t, b, nil)
		}
	})
}

// FuzzBoston mutates real Boston budget documents (a department with its
// operating and external funds tables, a program with measures). Whatever
// is accepted is consistent: every total row equals the exact sum of its
// rows, every amount is within range, every item has a department and a
// phase; whatever is refused is an input error naming the file.
func FuzzBoston(f *testing.F) {
	for _, rel := range []string{
		"boston/_source/fy19_adopted/json/_departments/education/boston-public-schools.json",
		"boston/_source/fy19_adopted/json/_departments/health-and-human-services/emergency-shelter-commission.json",
		"boston/_source/fy19_adopted/json/_programs/health-and-human-services/boston-centers-for-youth-and-families/administrative-and-policy.json",
	} {
		data, err := os.ReadFile(fixture.Data(f, rel))
		if err != nil {
			continue
		}
		f.Add(data)
	}
	f.Add([]byte(`---
{"section_type":"department","name":"X","department":"X","operating_budget":{"table_type":"Operating Budget","table_header":{"fy-2":"FY16 Actual","fy-1":"FY17 Actual","fy-0":"FY18 Appropriation","fy+1":"FY19 Adopted"},"data":[{"name":"a","line_type":"data","fy-2":"1","fy-1":"2","fy-0":"3","fy+1":"4"},{"name":"Total","line_type":"total","fy-2":"1","fy-1":"2","fy-0":"3","fy+1":"4"}]}}
---`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := bostonBytes("fuzz.json", data, Options{})
		if err != nil {
			if budget.ErrorCode(err) != budget.EINVALID || !strings.Contains(err.Error(), "fuzz.json") {
				t.Fatalf("not an input error naming the file: %v", err)
			}
			return
		}
		for _, r := range b.Reconciled {
			if r.TotalCents != r.SumCents {
				t.Fatalf("reconciled %+v", r)
			}
		}
		for _, l := range b.LineItems {
			if l.Department.Name == "" && l.Department.Code == "" || l.Phase == "" || l.AmountCents > budget.MaxUnits || l.AmountCents < -budget.MaxUnits {
				t.Fatalf("item %+v", l)
			}
		}
	})
}
