package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/budgetlens/budgetlens/budget"
	"github.com/budgetlens/budgetlens/internal/hostile"
)

// readAll reads a table: header names and rows (as "line:cell;cell").
func readAll(t testing.TB, r *Reader, err error) ([]string, []string, error) {
	t.Helper()
	if err != nil {
		return nil, nil, err
	}
	var rows []string
	for {
		line, cells, err := r.Read()
		if err == io.EOF {
			return r.Header().Names, rows, nil
		}
		if err != nil {
			return r.Header().Names, rows, err
		}
		rows = append(rows, fmt.Sprintf("%d:%s", line, strings.Join(cells, ";")))
	}
}

func csvOf(t testing.TB, text string, opt Options) ([]string, []string, error) {
	if opt.File == "" {
		opt.File = "t.csv"
	}
	r, err := NewCSVReader(strings.NewReader(text), opt)
	return readAll(t, r, err)
}

func TestReaderEncodings(t *testing.T) {
	want := "[id name] [2:1;Zoë – café]"
	utf8Text := "id,name\n1,Zoë – café\n"
	cp := []byte("id,name\n1,Zo\xeb \x96 caf\xe9\n")
	var le, be bytes.Buffer
	le.Write([]byte{0xFF, 0xFE})
	be.Write([]byte{0xFE, 0xFF})
	for _, u := range utf16.Encode([]rune(utf8Text)) {
		le.Write([]byte{byte(u), byte(u >> 8)})
		be.Write([]byte{byte(u >> 8), byte(u)})
	}
	for name, in := range map[string]string{"utf-8": utf8Text, "bom": "\xef\xbb\xbf" + utf8Text, "windows-1252": string(cp), "utf-16le": le.String(), "utf-16be": be.String()} {
		h, rows, err := csvOf(t, in, Options{})
		if got := fmt.Sprint(h, rows); err != nil || got != want {
			t.Errorf("%s: %s %v, want %s", name, got, err, want)
		}
	}
}

func TestReaderDelimiters(t *testing.T) {
	for _, in := range []string{"id;name\n1;a\n", "id\tname\n1\ta\n", "id|name\n1|a\n"} {
		h, rows, err := csvOf(t, in, Options{})
		if err != nil || fmt.Sprint(h, rows) != "[id name] [2:1;a]" {
			t.Errorf("%q: %v %v %v", in, h, rows, err)
		}
	}
	h, _, _ := csvOf(t, "id;name\n", Options{Delimiter: ','})
	if len(h) != 1 {
		t.Errorf("an explicit delimiter wins: %v", h)
	}
}

func TestReaderHeaderRows(t *testing.T) {
	text := "City of Example, Adopted Budget\n($ in dollars)\n\nDept,2021-22,,2022-23\n,Proposed,Adopted,Proposed\n10,1,2,3\n"
	h, rows, err := csvOf(t, text, Options{HeaderRow: 4, HeaderRows: 2})
	if err != nil || fmt.Sprint(h) != "[Dept 2021-22 Proposed 2021-22 Adopted 2022-23 Proposed]" || fmt.Sprint(rows) != "[6:10;1;2;3]" {
		t.Fatalf("header %q rows %v %v", h, rows, err)
	}
	h2, _, err := csvOf(t, text, Options{SkipRows: 3, HeaderRows: 2})
	if err != nil || fmt.Sprint(h2) != fmt.Sprint(h) {
		t.Fatalf("skip_rows 3 is header_row 4: %q %v", h2, err)
	}
	if _, _, err := csvOf(t, text, Options{SkipRows: 1, HeaderRow: 4}); err == nil {
		t.Fatal("header_row and skip_rows that disagree are refused")
	}
	if _, _, err := csvOf(t, text, Options{HeaderRow: 3}); err == nil || !strings.Contains(err.Error(), "row is empty") {
		t.Fatalf("an empty header row: %v", err)
	}
}

func TestReaderBeyondHeaderAndDuplicates(t *testing.T) {
	if _, rows, err := csvOf(t, "a,b\n1,2,,\n", Options{}); err != nil || fmt.Sprint(rows) != "[2:1;2]" {
		t.Errorf("empty cells beyond the header are fine: %v %v", rows, err)
	}
	_, _, err := csvOf(t, "a,b\n1,2,lost\n", Options{})
	var ie *budget.InputError
	if !errors.As(err, &ie) || ie.Line != 2 || ie.ColIndex != 3 {
		t.Errorf("a value beyond the header: %v", err)
	}
	r, err := NewCSVReader(strings.NewReader("id,Amount, amount ,x,x\n1,2,3,4,5\n"), Options{File: "d.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Header().Find("amount"); err == nil || !strings.Contains(err.Error(), "columns 2 and 3") {
		t.Errorf("a duplicated heading in use: %v", err)
	}
	if i, err := r.Header().Find("ID", "identifier"); i != 0 || err != nil {
		t.Errorf("case-insensitive lookup: %d %v", i, err)
	}
	if _, err := r.Header().Must("area id", "geoid", "tract"); err == nil || !strings.Contains(err.Error(), `"geoid" or "tract"`) {
		t.Errorf("a missing column: %v", err)
	}
}

func TestReaderLimits(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		lim        Limits
		limit      string
		line       int
	}{
		{"rows", "a\n1\n2\n3\n", Limits{Rows: 2}, "rows", 4},
		{"cells", "a,b,c\n1,2,3\n4,5,6\n", Limits{Cells: 5}, "cells", 3},
		{"columns", "a,b,c,d\n", Limits{Columns: 3}, "columns", 1},
		{"record bytes", "a\n\"" + strings.Repeat("x", 300) + "\n", Limits{RecordBytes: 100}, "record-bytes", 2},
		{"file bytes", "a\n" + strings.Repeat("1\n", 2000), Limits{FileBytes: 1000}, "file-bytes", 0},
	} {
		_, _, err := csvOf(t, tc.text, Options{Limits: tc.lim})
		var ie *budget.InputError
		var le *LimitError
		if !errors.As(err, &ie) || !errors.As(err, &le) || le.Name != tc.limit || ie.Line != tc.line || !strings.Contains(err.Error(), "--limit "+tc.limit+"=") {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	var l Limits
	if err := l.SetAll([]string{"cells=5e7"}); err == nil {
		t.Error("5e7 is not a whole number")
	}
	if err := l.SetAll([]string{"cells=50000000", "member-bytes=2GiB"}); err != nil || l.Cells != 50000000 || l.MemberBytes != 2<<30 {
		t.Errorf("set: %+v %v", l, err)
	}
	if err := l.Set("bogus", "1"); err == nil || !strings.Contains(err.Error(), "cells") {
		t.Errorf("unknown limit: %v", err)
	}
}

func TestCensusJSON(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "acs.json")
	os.WriteFile(p, []byte(`[["NAME","B19013_001E","B19013_001M","state","county","tract"],
["Census Tract 1011.10; Los Angeles County; California","78000",null,"06","037","101110"],
["Census Tract 1011.22",-666666666,-222222222,"06","037","101122"]]`), 0o644)
	r, err := Open(p, Options{})
	h, rows, err := readAll(t, r, err)
	if err != nil || len(h) != 6 || fmt.Sprint(rows) != "[2:Census Tract 1011.10; Los Angeles County; California;78000;;06;037;101110 3:Census Tract 1011.22;-666666666;-222222222;06;037;101122]" {
		t.Fatalf("%v %v %v", h, rows, err)
	}
	os.WriteFile(p, []byte(`[["a"],[["nested"]]]`), 0o644)
	r, err = Open(p, Options{})
	if _, _, err := readAll(t, r, err); err == nil {
		t.Fatal("nested arrays are refused")
	}
}

func TestCheckJSONDepth(t *testing.T) {
	deep := strings.Repeat("[", 100) + strings.Repeat("]", 100)
	if err := CheckJSON("d.json", []byte(deep), Limits{}); !errors.Is(err, ErrLimit) {
		t.Fatalf("100 levels: %v", err)
	}
	if err := CheckJSON("d.json", []byte(`{"a":"[[[[[[[[","b":[1,[2]]}`), Limits{Depth: 3}); err != nil {
		t.Fatalf("brackets in strings do not count: %v", err)
	}
}

// TestOpenSniffsWorkbooks: a workbook named .csv is read as a workbook.
func TestOpenSniffsWorkbooks(t *testing.T) {
	var buf bytes.Buffer
	hostile.WriteZip(&buf, hostile.WorkbookParts(`<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row><row r="2"><c r="A2"><v>7</v></c></row>`, nil, nil))
	p := filepath.Join(t.TempDir(), "book.csv")
	os.WriteFile(p, buf.Bytes(), 0o644)
	r, err := Open(p, Options{})
	h, rows, err := readAll(t, r, err)
	if err != nil || fmt.Sprint(h, rows) != "[id] [2:7]" {
		t.Fatalf("%v %v %v", h, rows, err)
	}
	if r.SHA256() == "" {
		t.Error("no hash")
	}
}

// FuzzReader: the CSV reader on any bytes. Whatever it accepts round-trips
// (the rows written back as CSV and read again are the same rows); whatever
// it refuses is an input error naming the file and a line of it; and it
// allocates in proportion to its input, never to what the input claims.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", "a;b\n\"x;y\";2\n", "\xef\xbb\xbfid,name\n1,Zo\xeb\n", "a\n\"never closed\n", "a,b\n1,2,3\n", "a,a\n1,2\n", "h\n\x00\n"} {
		f.Add([]byte(s))
	}
	var attack bytes.Buffer
	hostile.ServiceRequests(&attack, hostile.RequestsOptions{Rows: 30, StrayQuoteAt: 3, OpenQuoteAt: 20})
	f.Add(attack.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		lim := Limits{RecordBytes: 4096, Cells: 5000, Columns: 200}
		r, err := NewCSVReader(bytes.NewReader(data), Options{File: "f.csv", Limits: lim})
		var rows [][]string
		for err == nil {
			var rec []string
			if _, rec, err = r.Read(); err == nil && !blank(rec) {
				rows = append(rows, append([]string(nil), rec...))
			}
		}
		runtime.ReadMemStats(&m1)
		if a := m1.TotalAlloc - m0.TotalAlloc; a > uint64(64*len(data))+(8<<20) {
			t.Fatalf("%d bytes allocated for %d bytes of input", a, len(data))
		}
		if err != io.EOF {
			var ie *budget.InputError
			if !errors.As(err, &ie) || ie.File != "f.csv" || ie.Line > 1+bytes.Count(data, []byte{'\n'}) {
				t.Fatalf("error %v", err)
			}
			return
		}
		var out bytes.Buffer
		w := csvWriter(&out, r.Delimiter())
		w.Write(r.Header().Names)
		for _, rec := range rows {
			w.Write(rec)
		}
		w.Flush()
		r2, err := NewCSVReader(&out, Options{File: "g.csv", Delimiter: r.Delimiter(), Limits: Limits{RecordBytes: 1 << 20}})
		if err != nil {
			t.Fatalf("written back: %v\n%q", err, out.String())
		}
		for i := range rows {
			_, rec, err := r2.Read()
			for err == nil && blank(rec) {
				_, rec, err = r2.Read()
			}
			if err != nil || fmt.Sprint(rec) != fmt.Sprint(rows[i]) {
				t.Fatalf("row %d: %q, read back %q (%v)", i, rows[i], rec, err)
			}
		}
	})
}

func csvWriter(w io.Writer, delim byte) *csv.Writer {
	cw := csv.NewWriter(w)
	cw.Comma = rune(delim)
	return cw
}
