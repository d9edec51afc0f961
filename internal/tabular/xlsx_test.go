package tabular

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/hostile"
	"github.com/xuri/excelize/v2"
)

func xlsxOf(t testing.TB, data []byte, opt Options) ([]string, []string, error) {
	if opt.File == "" {
		opt.File = "t.xlsx"
	}
	r, err := NewXLSXReader(bytes.NewReader(data), int64(len(data)), opt)
	return readAll(t, r, err)
}

// TestXLSXStoredValues writes a workbook with the number formats city
// workbooks use (excelize, as Excel would store them) and reads the stored
// values back.
func TestXLSXStoredValues(t *testing.T) {
	f := excelize.NewFile()
	style := func(code string) int {
		s, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cols := []struct {
		head  string
		value any
		code  string
		want  string
	}{
		{"Thousands", 1234.56, "#,##0", "1234.56"},
		{"In thousands", 1234567.89, "#,##0,", "1234567.89"},
		{"Currency", 1234567.89, "$#,##0", "1234567.89"},
		{"Accounting", -1234.5, `_($* #,##0.00_);_($* (#,##0.00);_($* "-"??_);_(@_)`, "-1234.5"},
		{"Share", 0.2374, "0%", "0.2374"},
		{"Fund", 100, "0000", "0100"},
		{"Account", 1010, "000000", "001010"},
		{"Date", 44377, "yyyy-mm-dd", "2021-06-30"},
		{"Stamp", 44377.5, "m/d/yy h:mm", "2021-06-30 12:00:00"},
		{"Text", "0100", "@", "0100"},
		{"Flag", true, "General", "TRUE"},
	}
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		f.SetCellValue("Sheet1", cell, c.head)
		cell, _ = excelize.CoordinatesToCellName(i+1, 2)
		f.SetCellValue("Sheet1", cell, c.value)
		f.SetCellStyle("Sheet1", cell, cell, style(c.code))
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	h, rows, err := xlsxOf(t, buf.Bytes(), Options{})
	if err != nil || len(rows) != 1 {
		t.Fatalf("%v %v %v", h, rows, err)
	}
	got := strings.Split(strings.TrimPrefix(rows[0], "2:"), ";")
	for i, c := range cols {
		if h[i] != c.head || got[i] != c.want {
			t.Errorf("%s (%s): %q, want %q", h[i], c.code, got[i], c.want)
		}
	}
}

func TestXLSXFormulas(t *testing.T) {
	withValue := `<row r="1"><c r="A1" t="inlineStr"><is><t>total</t></is></c></row><row r="2"><c r="A2"><f>SUM(B1:B9)</f><v>42</v></c></row>`
	var buf bytes.Buffer
	hostile.WriteZip(&buf, hostile.WorkbookParts(withValue, nil, nil))
	if _, rows, err := xlsxOf(t, buf.Bytes(), Options{}); err != nil || fmt.Sprint(rows) != "[2:42]" {
		t.Fatalf("cached value: %v %v", rows, err)
	}
	buf.Reset()
	hostile.WriteZip(&buf, hostile.WorkbookParts(strings.Replace(withValue, "<v>42</v>", "", 1), nil, nil))
	_, _, err := xlsxOf(t, buf.Bytes(), Options{})
	var ie *budget.InputError
	if !errors.As(err, &ie) || ie.Line != 2 || !strings.Contains(err.Error(), "A2") || !strings.Contains(err.Error(), "formula") {
		t.Fatalf("formula without a value: %v", err)
	}
}

func TestXLSXSharedAndRichStrings(t *testing.T) {
	parts := hostile.WorkbookParts(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row><row r="3"><c r="B3" t="inlineStr"><is><r><t>rich </t></r><r><t>text_x000D_</t></r></is></c></row>`, nil, []string{"Dept Code", "Amount"})
	var buf bytes.Buffer
	hostile.WriteZip(&buf, parts)
	h, rows, err := xlsxOf(t, buf.Bytes(), Options{})
	if err != nil || fmt.Sprint(h) != "[Dept Code  Amount]" || fmt.Sprint(rows) != "[3:;rich text\r]" {
		t.Fatalf("%q %q %v", h, rows, err)
	}
}

// TestXLSXWideRowsAttack: 20,000 rows each with one cell in column XFD
// (100 KB) are refused at the first row, in milliseconds and without
// memory to speak of; the variant with cells at the last allowed column
// stops at the cells limit.
func TestXLSXWideRowsAttack(t *testing.T) {
	var buf bytes.Buffer
	if err := hostile.WideRowsXLSX(&buf, 20000, "XFD"); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	_, _, err := xlsxOf(t, buf.Bytes(), Options{})
	runtime.ReadMemStats(&m1)
	var le *LimitError
	var ie *budget.InputError
	if !errors.As(err, &le) || le.Name != "columns" || !errors.As(err, &ie) || ie.Line != 1 || ie.ColIndex != 16384 {
		t.Fatalf("XFD: %v", err)
	}
	if d, alloc := time.Since(t0), m1.TotalAlloc-m0.TotalAlloc; d > 2*time.Second || alloc > 64<<20 {
		t.Errorf("XFD: %v and %d MB allocated", d, alloc>>20)
	}
	t.Logf("%d KB workbook refused in %v: %v", buf.Len()>>10, time.Since(t0), err)
	buf.Reset()
	hostile.WideRowsXLSX(&buf, 20000, "FAN") // column 4,096
	_, _, err = xlsxOf(t, buf.Bytes(), Options{})
	if !errors.As(err, &le) || le.Name != "cells" {
		t.Fatalf("column FAN: %v", err)
	}
}

// TestXLSXJunkMemberAttack: a 4 MB workbook with a 4 GiB member is
// refused from the archive's directory, before inflating anything.
func TestXLSXJunkMemberAttack(t *testing.T) {
	var buf bytes.Buffer
	if err := hostile.JunkMemberXLSX(&buf, 4<<30); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	_, _, err := xlsxOf(t, buf.Bytes(), Options{})
	var le *LimitError
	if !errors.As(err, &le) || le.Name != "member-bytes" || !strings.Contains(err.Error(), "xl/media/junk.bin") {
		t.Fatalf("junk member: %v", err)
	}
	if time.Since(t0) > time.Second {
		t.Errorf("took %v", time.Since(t0))
	}
	t.Logf("%.1f MB workbook with a 4 GiB member: %v", float64(buf.Len())/1e6, err)
	// raised member-bytes: the ratio limit still refuses the bomb
	_, _, err = xlsxOf(t, buf.Bytes(), Options{Limits: Limits{MemberBytes: 8 << 30, UnzippedBytes: 8 << 30}})
	if !errors.As(err, &le) || le.Name != "ratio" {
		t.Fatalf("ratio: %v", err)
	}
}

func TestXLSXDamaged(t *testing.T) {
	for name, sheet := range map[string]string{
		"rows out of order":  `<row r="5"><c r="A5"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>`,
		"cell twice":         `<row r="1"><c r="B1"><v>1</v></c><c r="B1"><v>2</v></c></row>`,
		"bad shared string":  `<row r="1"><c r="A1" t="s"><v>99</v></c></row>`,
		"deep":               `<row r="1">` + strings.Repeat("<x>", 100) + strings.Repeat("</x>", 100) + `</row>`,
		"cell in other row":  `<row r="1"><c r="A2"><v>1</v></c></row>`,
		"huge column letter": `<row r="1"><c r="ZZZZ1"><v>1</v></c></row>`,
	} {
		var buf bytes.Buffer
		hostile.WriteZip(&buf, hostile.WorkbookParts(sheet, nil, nil))
		_, _, err := xlsxOf(t, buf.Bytes(), Options{})
		var ie *budget.InputError
		if !errors.As(err, &ie) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, _, err := xlsxOf(t, []byte("not a zip"), Options{}); err == nil || !strings.Contains(err.Error(), "save it as .xlsx") {
		t.Errorf("not a zip: %v", err)
	}
}

func TestXLSXSheetChoice(t *testing.T) {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "first")
	f.NewSheet("Data")
	f.SetCellValue("Data", "A1", "second")
	var buf bytes.Buffer
	f.Write(&buf)
	if h, _, err := xlsxOf(t, buf.Bytes(), Options{Sheet: "data"}); err != nil || h[0] != "second" {
		t.Fatalf("sheet Data: %v %v", h, err)
	}
	if _, _, err := xlsxOf(t, buf.Bytes(), Options{Sheet: "Nope"}); err == nil || !strings.Contains(err.Error(), `"Data"`) {
		t.Fatalf("unknown sheet: %v", err)
	}
}

func TestClassifyFormat(t *testing.T) {
	for code, want := range map[string]numKind{
		"General": numPlain, "#,##0": numPlain, "#,##0,": numPlain, "$#,##0": numPlain, "0.0%": numPercent, "0000": numCode,
		"yyyy-mm-dd": numDate, "mmm-yy": numDate, "h:mm": numTime, "[h]:mm:ss": numTime, "@": numText, `"Total "0`: numPlain,
		`[$-409]mmmm d, yyyy`: numDate, `#,##0_);[Red](#,##0)`: numPlain, `0.00E+00`: numPlain,
	} {
		if got := classifyFormat(200, code).kind; got != want {
			t.Errorf("%q: %d, want %d", code, got, want)
		}
	}
	if got := excelDate("60", false, false); got != "1900-02-28" && got != "1900-02-29" {
		t.Errorf("day 60: %s", got)
	}
	if got := excelDate("1", false, false); got != "1900-01-01" {
		t.Errorf("day 1: %s", got)
	}
	if got := excelDate("61", false, false); got != "1900-03-01" {
		t.Errorf("day 61: %s", got)
	}
}

// FuzzXLSX: a workbook's sheet XML mutated; the reader returns rows or an
// input error, never panics, and never returns a row wider than the
// columns limit.
func FuzzXLSX(f *testing.F) {
	f.Add(`<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="s"><v>0</v></c></row><row r="2"><c r="A2" s="1"><v>100</v></c><c r="B2" s="2"><v>44377</v></c></row>`)
	f.Add(`<row r="1"><c r="XFD1"><v>1</v></c></row>`)
	f.Add(`<row><c><v>1</v></c><c><f>A1</f></c></row>`)
	f.Fuzz(func(t *testing.T, sheet string) {
		var buf bytes.Buffer
		hostile.WriteZip(&buf, hostile.WorkbookParts(sheet, []string{"0000", "yyyy-mm-dd"}, []string{"name"}))
		r, err := NewXLSXReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()), Options{File: "f.xlsx", Limits: Limits{Columns: 64}})
		if err != nil {
			var ie *budget.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		for {
			_, cells, err := r.Read()
			if err != nil {
				return
			}
			if len(cells) > 64 {
				t.Fatalf("a row of %d cells", len(cells))
			}
		}
	})
}
