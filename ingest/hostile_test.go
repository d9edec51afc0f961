package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/hostile"
	"github.com/budgetlens/budgetlens/internal/tabular"
	"github.com/xuri/excelize/v2"
)

// laHeader is the LA Open Budget expenditures layout (Sec2).
var laHeader = []string{"Dept Code", "Dept Name", "Org Level 5 Code", "Org Level 5 Name", "Prog Code", "Prog Name", "Fund Code", "Fund Name",
	"Source Fund Code", "Source Fund Name", "Account Code", "Account Name", "2021-22 Adopted"}

func laRow(dept, amount string) string {
	return dept + ",Dept,X,X,0201,Prog,100,General Fund,100,General Fund,001010,Salaries," + amount + "\n"
}

func inputErr(t *testing.T, err error) *budget.InputError {
	t.Helper()
	var ie *budget.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("want an input error, got %v", err)
	}
	return ie
}

// TestAmountAttacks: an amount beyond the range, sign games, a running sum
// that would wrap around with a forged total row: each refused with its
// line and column, none stored.
func TestAmountAttacks(t *testing.T) {
	head := strings.Join(laHeader, ",") + "\n"
	for _, tc := range []struct {
		name, body string
		line       int
		want       error
	}{
		{"beyond int64", laRow("02", "92233720368547758.08"), 2, budget.ErrAmountRange},
		{"beyond the range", laRow("02", "10000000000000000"), 2, budget.ErrAmountRange},
		{"double minus", laRow("02", "1") + laRow("03", "--5"), 3, budget.ErrNotAmount},
		{"minus dollar minus", laRow("02", "-$-5"), 2, budget.ErrNotAmount},
		{"minus in parentheses", laRow("02", "(-5)"), 2, budget.ErrNotAmount},
		{"running sum wraps, forged total", laRow("02", "9999999999999999.99") + laRow("03", "9999999999999999.99") +
			laRow("04", "-9999999999999999.99") + ",,,,,,,,,,,,1000.00\n", 3, budget.ErrAmountRange},
		{"forged total", laRow("02", "5") + laRow("03", "7") + ",,,,,,,,,,,,1000.00\n", 4, nil},
		{"total beyond the range", laRow("02", "5") + ",,,,,,,,,,,,92233720368547758.08\n", 3, budget.ErrAmountRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CSV("Expenditures_Sec2_for_2122_Adopted.csv", []byte(head+tc.body), Options{})
			ie := inputErr(t, err)
			if ie.Line != tc.line || ie.ColIndex != 13 || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("%v: line %d column %d, want line %d column 13 (%v)", err, ie.Line, ie.ColIndex, tc.line, tc.want)
			}
		})
	}
	// one sign is fine however written
	b, err := CSV("Expenditures_Sec2_for_2122_Adopted.csv", []byte(head+laRow("02", "-$5")+laRow("03", "(5)")+laRow("04", "$-5")+laRow("05", "-5")), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range b.LineItems {
		if l.AmountCents != -500 {
			t.Errorf("line %d: %d cents", l.Line, l.AmountCents)
		}
	}
}

// TestDuplicateHeadings: a heading the profile reads, written twice, is
// refused naming both columns (it would pick one silently); a duplicated
// heading nobody reads is harmless.
func TestDuplicateHeadings(t *testing.T) {
	head := strings.Join(laHeader, ",") + ",2021-22 Adopted\n"
	_, err := CSV("Expenditures_Sec2_for_2122_Adopted.csv", []byte(head+strings.TrimSuffix(laRow("02", "5"), "\n")+",6\n"), Options{})
	ie := inputErr(t, err)
	if ie.Line != 1 || !strings.Contains(err.Error(), "columns 13 and 14") {
		t.Fatalf("duplicated amount column: %v", err)
	}
	head = strings.Join(append([]string{"Dept Code"}, laHeader...), ",") + "\n"
	_, err = CSV("Expenditures_Sec2_for_2122_Adopted.csv", []byte(head+"02,"+laRow("02", "5")), Options{})
	if err == nil || !strings.Contains(err.Error(), "columns 1 and 2") {
		t.Fatalf("duplicated code column: %v", err)
	}
}

func TestNULRefused(t *testing.T) {
	head := strings.Join(laHeader, ",") + "\n"
	_, err := CSV("Expenditures_Sec2_for_2122_Adopted.csv", []byte(head+"02,Ag\x00ing,X,X,0201,Prog,100,GF,100,GF,001010,Salaries,5\n"), Options{})
	if ie := inputErr(t, err); ie.Line != 2 || ie.ColIndex != 2 || !strings.Contains(err.Error(), "NUL") {
		t.Fatalf("NUL in a name: %v", err)
	}
	raw := []byte(`{"section_type":"department","name":"Parks\u0000","department":"Parks","operating_budget":null}`)
	if _, err := bostonBytes("b.json", raw, Options{}); err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Fatalf("NUL in Boston JSON: %v", err)
	}
}

// TestDataPackageOutsideFolder: resources outside the package's folder are
// refused before anything is read, and no error quotes a file.
func TestDataPackageOutsideFolder(t *testing.T) {
	base := t.TempDir()
	secret := filepath.Join(base, "secret.csv")
	os.WriteFile(secret, []byte("amount,dept\nTOPSECRET-LINE,x\n"), 0o644)
	pkg := filepath.Join(base, "pkg")
	os.Mkdir(pkg, 0o755)
	os.Symlink(secret, filepath.Join(pkg, "link.csv"))
	for _, path := range []string{"../../../../etc/passwd", "../secret.csv", secret, "link.csv", "https://example.org/budget.csv", "sub/../../secret.csv"} {
		desc := `{"name":"p","resources":[{"name":"budget","path":"` + path + `"}],"model":{"measures":{"amount":{"source":"amount"}},"dimensions":{"dept":{"attributes":{"dept":{"source":"dept"}}}}}}`
		os.WriteFile(filepath.Join(pkg, "datapackage.json"), []byte(desc), 0o644)
		_, err := File(pkg, Options{})
		ie := inputErr(t, err)
		if !strings.Contains(ie.Field, "path") || strings.Contains(err.Error(), "TOPSECRET") || strings.Contains(err.Error(), "root:") {
			t.Errorf("%s: %v", path, err)
		}
	}
}

// TestLALayoutWorkbook: a workbook in the LA expenditures layout with the
// formats city workbooks use imports with totals equal to the stored
// values, to the cent, whatever the display rounds them to.
func TestLALayoutWorkbook(t *testing.T) {
	f := excelize.NewFile()
	title, _ := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	thousands := "#,##0,"
	dollars := "$#,##0"
	code := "0000"
	sThousands, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &thousands})
	sDollars, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &dollars})
	sCode, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	f.SetCellValue("Sheet1", "A1", "City of Los Angeles - Expenditures, 2021-22 Adopted Budget")
	f.SetCellStyle("Sheet1", "A1", "A1", title)
	f.SetCellValue("Sheet1", "A2", "(amounts in dollars)")
	head := make([]any, len(laHeader))
	for i, h := range laHeader {
		head[i] = h
	}
	f.SetSheetRow("Sheet1", "A4", &head)
	amounts := []float64{1234567.89, 1234.56, 0.01, -250000.5, 98765432.1}
	var want int64
	for i, a := range amounts {
		row := []any{2 + i, "Dept", "X", "X", 201, "Prog", 100, "General Fund", 100, "General Fund", 1010, "Salaries", a}
		cell, _ := excelize.CoordinatesToCellName(1, 5+i)
		f.SetSheetRow("Sheet1", cell, &row)
		amt, _ := excelize.CoordinatesToCellName(13, 5+i)
		st := sThousands
		if i%2 == 1 {
			st = sDollars
		}
		f.SetCellStyle("Sheet1", amt, amt, st)
		pc, _ := excelize.CoordinatesToCellName(5, 5+i)
		f.SetCellStyle("Sheet1", pc, pc, sCode)
		c, _, err := ParseCents(strconv.FormatFloat(a, 'f', -1, 64))
		if err != nil {
			t.Fatal(err)
		}
		want += c
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p, err := parseProfile("la-layout.yaml", []byte(`name: la-layout
jurisdiction: {id: la, name: City of Los Angeles, start_month: 7}
header_row: 4
columns:
  department.code: [Dept Code]
  department.name: [Dept Name]
  program.code: [Prog Code]
  fund.code: [Fund Code]
  account.code: [Account Code]
  account.name: [Account Name]
pad: {department.code: 2, account.code: 6}
pivot: '^(?P<fy>\d{4}-\d{2}) (?P<phase>adopted)$'
ignore: [Org Level 5 Code, Org Level 5 Name, Prog Name, Fund Name, Source Fund Code, Source Fund Name]
`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := XLSXBytes("expenditures.xlsx", buf.Bytes(), Options{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	var got int64
	for _, l := range b.LineItems {
		got += l.AmountCents
	}
	if got != want || want != 9975123406 || len(b.LineItems) != 5 {
		t.Fatalf("total %d cents over %d items, want %d", got, len(b.LineItems), want)
	}
	first := b.LineItems[0]
	if first.AmountCents != 123456789 || first.Program.Code != "0201" || first.Account.Code != "001010" || first.Department.Code != "02" || first.Line != 5 {
		t.Errorf("first item %+v", first)
	}
}

// TestXLSXAttacksThroughImport: the workbook attacks reach the importer as
// limit errors naming the file.
func TestXLSXAttacksThroughImport(t *testing.T) {
	var buf bytes.Buffer
	hostile.WideRowsXLSX(&buf, 20000, "XFD")
	_, err := XLSXBytes("wide.xlsx", buf.Bytes(), Options{})
	if ie := inputErr(t, err); ie.File != "wide.xlsx" || !errors.Is(err, tabular.ErrLimit) {
		t.Fatalf("wide rows: %v", err)
	}
	buf.Reset()
	hostile.JunkMemberXLSX(&buf, 4<<30)
	_, err = XLSXBytes("junk.xlsx", buf.Bytes(), Options{})
	if ie := inputErr(t, err); ie.File != "junk.xlsx" || !errors.Is(err, tabular.ErrLimit) {
		t.Fatalf("junk member: %v", err)
	}
}

// TestTwoRowHeader: a budget workbook whose header spans two rows, the
// fiscal year merged over its phases, under a title and a blank row.
func TestTwoRowHeader(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "Budget by department")
	f.SetSheetRow("Sheet1", "A3", &[]any{"Dept Code", "Dept Name", "2021-22", "", "2022-23"})
	f.MergeCell("Sheet1", "C3", "D3")
	f.SetSheetRow("Sheet1", "A4", &[]any{"", "", "Proposed", "Adopted", "Proposed"})
	f.SetSheetRow("Sheet1", "A5", &[]any{"02", "Aging", 10.5, 11, 12})
	var buf bytes.Buffer
	f.Write(&buf)
	p, err := parseProfile("two-rows.yaml", []byte(`name: two-rows
jurisdiction: {id: x, name: X}
header_row: 3
header_rows: 2
columns: {department.code: [Dept Code], department.name: [Dept Name]}
pivot: '^(?P<fy>\d{4}-\d{2}) (?P<phase>proposed|adopted)$'
`))
	if err != nil {
		t.Fatal(err)
	}
	b, err := XLSXBytes("b.xlsx", buf.Bytes(), Options{Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range b.LineItems {
		got = append(got, l.FiscalYear.Label()+" "+string(l.Phase)+" "+FormatCents(l.AmountCents))
	}
	if strings.Join(got, ", ") != "2021-22 proposed 10.50, 2021-22 adopted 11.00, 2022-23 proposed 12.00" || b.LineItems[0].Line != 5 {
		t.Fatalf("%v (line %d)", got, b.LineItems[0].Line)
	}
}

// TestLargeFileAllocatesOnce: a large file's line items are allocated
// about once (reserve, from the share of the file read after the first
// rows), not grown by doubling: the slice's capacity ends within 10% of
// its length, and the rows are those of the file.
func TestLargeFileAllocatesOnce(t *testing.T) {
	p := filepath.Join(t.TempDir(), "Expenditures_Sec2_for_2122_Adopted.csv")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := hostile.LAExpenditures(f, 200_000); err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	bs, err := File(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	items := bs[0].LineItems
	// Everything the read allocated: the items' slice once (and 30% for
	// the rows read before it was reserved and the keys' index), and
	// three times the file for the cells, keys and the reader's blocks. A
	// second reservation (an estimate revised upwards by a few rows) moved
	// the whole slice again and doubled the first term.
	itemBytes := uint64(cap(items)) * uint64(unsafe.Sizeof(items[0]))
	if got, limit := after.TotalAlloc-before.TotalAlloc, itemBytes*13/10+3*uint64(fi.Size()); got > limit {
		t.Errorf("the read allocated %d MB, more than %d MB (line items %d MB, file %d MB): the line items were allocated more than once",
			got>>20, limit>>20, itemBytes>>20, fi.Size()>>20)
	}
	if len(items) != 200_000 || items[199_999].Line != 200_001 || items[199_999].Account.Code != "199999" {
		t.Fatalf("%d items, last %+v", len(items), items[len(items)-1])
	}
	if c := cap(items); c > len(items)*11/10 {
		t.Errorf("capacity %d for %d line items: grown by doubling, not reserved", c, len(items))
	}
}
